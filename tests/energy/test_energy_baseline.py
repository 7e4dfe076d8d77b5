"""Regression baseline, ASHRAE 14 metrics and verified savings on synthetic data with a known model."""

import numpy as np
import pandas as pd
import pytest

from greenpark.energy.baseline import ashrae14_metrics, avoided_energy, cooling_degree_days, cusum, fit_baseline
from greenpark.errors import BaselineRejectedError

# True model (made up for the test): kWh = 50,000 + 120 kWh/t x production + 800 kWh/CDD x CDD
B0, B_PROD, B_CDD = 50_000.0, 120.0, 800.0


def _months(n: int, seed: int, saving: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    prod = rng.uniform(200, 400, n)
    cdd = rng.uniform(60, 140, n)
    true = B0 + B_PROD * prod + B_CDD * cdd
    kwh = true * (1 - saving) + rng.normal(0, 1_000, n)
    return pd.DataFrame({"kwh": kwh, "production_t": prod, "cdd": cdd, "true_kwh": true})


def test_metrics_against_hand_calculation():
    # y = 10, 12, 14, 13 ; yhat = 11, 11, 13, 13 ; p = 2 -> residuals -1, 1, 1, 0
    # SSE = 3, n - p = 2, RMSE = sqrt(1.5) = 1.224745 ; y-bar = 12.25 -> CV(RMSE) = 0.099979
    # NMBE = sum(resid) / ((n - p) y-bar) = 1 / 24.5 = 0.040816
    rmse, cv, nmbe = ashrae14_metrics(np.array([10, 12, 14, 13]), np.array([11, 11, 13, 13]), p=2)
    assert rmse == pytest.approx(1.224745, rel=1e-6)
    assert cv == pytest.approx(1.224745 / 12.25, rel=1e-6)
    assert nmbe == pytest.approx(1 / 24.5, rel=1e-9)


def test_recovers_coefficients_and_savings_within_uncertainty():
    base = _months(24, seed=1)
    bl = fit_baseline(base, ["production_t", "cdd"], resolution="month")
    for name, true in (("const", B0), ("production_t", B_PROD), ("cdd", B_CDD)):
        assert abs(bl.coefficients[name] - true) <= 3 * bl.std_errors[name], name
    # noise sd 1,000 kWh on a mean near 166,000 kWh: CV(RMSE) ~ 0.6 %, far inside the 15 % limit
    assert bl.cvrmse < 0.02 and bl.r2 > 0.9
    # Reporting year: 10 % saving on the true consumption; the true avoided energy is 0.1 x sum(true)
    rep = _months(12, seed=2, saving=0.10)
    s = avoided_energy(bl, rep)
    true_avoided = 0.10 * rep["true_kwh"].sum()
    assert abs(s.avoided_kwh - true_avoided) <= s.uncertainty_kwh
    assert s.fractional_savings_uncertainty < 0.5
    assert s.cusum_kwh[-1] == pytest.approx(-s.avoided_kwh)
    assert cusum(bl, rep)[-1] == pytest.approx(-s.avoided_kwh)


def test_too_few_points_refused_naming_the_statistic():
    with pytest.raises(BaselineRejectedError, match="number of points 6 < 12"):
        fit_baseline(_months(6, seed=3), ["production_t", "cdd"], resolution="month")


def test_poor_fit_refused():
    rng = np.random.default_rng(4)
    data = pd.DataFrame({"kwh": rng.normal(100_000, 30_000, 24), "production_t": rng.uniform(200, 400, 24)})
    with pytest.raises(BaselineRejectedError, match="R2"):
        fit_baseline(data, ["production_t"], resolution="month")


def test_uncertain_savings_refused():
    bl = fit_baseline(_months(24, seed=1), ["production_t", "cdd"], resolution="month")
    rep = _months(3, seed=5, saving=0.001)  # 0.1 % saving is lost in the 1,000 kWh noise
    with pytest.raises(BaselineRejectedError, match="fractional savings uncertainty"):
        avoided_energy(bl, rep)


def test_cooling_degree_days():
    # base 24 degC (energy/baseline_criteria.csv): 30 -> 6, 20 -> 0, 24.5 -> 0.5
    assert cooling_degree_days(np.array([30.0, 20.0, 24.5])).tolist() == [6.0, 0.0, 0.5]
