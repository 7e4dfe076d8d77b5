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


# A baseline whose OLS fit is known exactly: x = 100, 200, ..., 1200 (production), residual pattern
# r = 10 x [1, -1, -1, 1] repeated, which sums to 0 and is orthogonal to x (sum x r = 1000 x (1-2-3+4 + 5-6-7+8
# + 9-10-11+12) = 0), so y = 5000 + 10 x + r is fitted with b0 = 5000, b1 = 10 and residuals r exactly.
X = np.arange(1, 13) * 100.0
R = 10.0 * np.array([1, -1, -1, 1] * 3)
EXACT = pd.DataFrame({"kwh": 5000 + 10 * X + R, "production": X})


def test_fractional_savings_uncertainty_by_hand():
    from greenpark.energy.baseline import avoided_energy

    bl = fit_baseline(EXACT, ["production"], "month")
    assert bl.coefficients["const"] == pytest.approx(5000) and bl.coefficients["production"] == pytest.approx(10)
    # n = 12, p = 2: RMSE = sqrt(sum r^2 / (n - p)) = sqrt(12 x 100 / 10) = sqrt(120) = 10.9545 kWh
    assert bl.rmse_kwh == pytest.approx(np.sqrt(120.0))
    # residual lag-1 autocorrelation is negative (-0.0909...), so n' = n (no inflation)
    assert bl.lag1_autocorrelation < 0
    # reporting: the same 12 months of production, each month 1,000 kWh below the baseline prediction
    rep = pd.DataFrame({"production": X, "kwh": 5000 + 10 * X - 1000.0})
    s = avoided_energy(bl, rep)
    # avoided = 12 x 1,000 = 12,000 kWh; adjusted baseline = sum(5000 + 10 x) = 60,000 + 78,000 = 138,000 kWh
    assert s.avoided_kwh == pytest.approx(12_000) and s.adjusted_baseline_kwh == pytest.approx(138_000)
    # ASHRAE Guideline 14-2014 Annex B (Reddy & Claridge 2000), 68 % confidence (§4.1.1):
    #   U = t(0.84, n - p = 10) x 1.26 x RMSE x sqrt(m x (n / n') x (1 + 2 / n))
    #     = 1.04642 x 1.26 x 10.9545 x sqrt(12 x 1 x (1 + 2/12)) = 1.04642 x 1.26 x 10.9545 x sqrt(14)
    #     = 1.31849 x 10.9545 x 3.74166 = 54.042 kWh   (t(0.84, 10 dof) = 1.04642, Student t quantile)
    #   FSU = U / avoided = 54.042 / 12,000 = 0.4504 %
    assert s.uncertainty_kwh == pytest.approx(54.042, rel=1e-4)
    assert s.fractional_savings_uncertainty == pytest.approx(0.0045035, rel=1e-3)
    assert s.confidence_level == 0.68


@pytest.mark.parametrize(
    ("months", "rule", "limit"),
    [(None, "cvrmse_max_under_12m", 0.20), (6, "cvrmse_max_under_12m", 0.20), (12, "cvrmse_max_12_to_60m", 0.25),
     (60, "cvrmse_max_12_to_60m", 0.25), (61, "cvrmse_max_over_60m", 0.30)],
)  # fmt: skip
def test_cvrmse_limit_by_reporting_length(months, rule, limit):
    # ASHRAE Guideline 14-2014 whole-facility regression: < 12 months of post-retrofit data 20 %, 12-60 months 25 %,
    # > 60 months 30 % (energy); not the 15 %/30 % calibrated-simulation tolerances
    from greenpark.energy.baseline import cvrmse_limit

    assert cvrmse_limit(months) == (rule, limit)


def test_cvrmse_22_percent_passes_for_a_year_of_savings_not_for_six_months():
    from greenpark.energy.baseline import check_baseline

    # mean model (no driver): y alternates 10,000 +- 2,000 over 12 months -> RMSE = sqrt(12 x 2000^2 / 11)
    # = 2,088.9 kWh, CV(RMSE) = 2088.9 / 10,000 = 20.9 %: above 20 % (< 12 months) but within 25 % (12-60 months)
    flat = pd.DataFrame({"kwh": [12_000.0, 8_000.0] * 6})
    short, _ = check_baseline(flat, [], "month", reporting_months=6)
    year, bl = check_baseline(flat, [], "month", reporting_months=12)
    assert short.cvrmse == pytest.approx(np.sqrt(12 * 2000**2 / 11) / 10_000)
    assert short.refused_by == "cvrmse_max" and short.cvrmse_rule == "cvrmse_max_under_12m"
    assert year.accepted and year.cvrmse_rule == "cvrmse_max_12_to_60m" and bl is not None


def test_nmbe_test_can_fail_on_a_high_leverage_month():
    from greenpark.energy.baseline import check_baseline

    # 11 months on the line y = 1000 + 10 x (x = 100..1100) and a 12th, high-leverage month far out (x = 5000) that
    # the line misses by +3,000 kWh. In-sample OLS NMBE is 0 by construction (residuals sum to zero); predicting each
    # month without it (leave-one-out), the far month is badly under-predicted: NMBE_loo > 0.5 % -> refused.
    x = np.r_[np.arange(1, 12) * 100.0, 5000.0]
    y = 1000 + 10 * x
    y[-1] += 3000.0
    check, bl = check_baseline(pd.DataFrame({"kwh": y, "production": x}), ["production"], "month", reporting_months=12)
    assert check.refused_by == "nmbe_abs_max" and bl is None
    assert abs(check.nmbe) > 0.005 and "leave-one-out" in check.message
    # the exact-fit baseline above passes: its LOO residuals r_i / (1 - h_ii) nearly cancel
    ok, _ = check_baseline(EXACT, ["production"], "month", reporting_months=12)
    assert ok.accepted and abs(ok.nmbe) <= 0.005
