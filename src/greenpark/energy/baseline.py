"""Regression energy baselines and verified savings (IPMVP Option C, ISO 50006), with ASHRAE Guideline 14 tests.

Model: ordinary least squares (statsmodels) of energy per period on the tenant's chosen drivers
(production, cooling degree days ...), ``E = b0 + sum_k b_k x_k``, at monthly or daily resolution.

Goodness of fit (ASHRAE Guideline 14-2014, n points, p parameters incl. intercept, y-bar the mean energy)::

    CV(RMSE) = sqrt( sum (y - yhat)^2 / (n - p) ) / y-bar
    NMBE     = sum (y - yhat) / ((n - p) * y-bar)

A baseline is refused (:class:`greenpark.errors.BaselineRejectedError`, naming the statistic) when it has
fewer than ``min_points`` points, R2 below ``r2_min``, CV(RMSE) above ``cvrmse_max`` or |NMBE| above
``nmbe_abs_max`` (rows of ``reference/data/energy/baseline_criteria.csv``).

CV(RMSE) limit, as Guideline 14 states it for whole-facility regression baselines: by the length of the
reporting period whose savings the model will compute, 20 % under 12 months, 25 % for 12 to 60 months,
30 % beyond (``cvrmse_max_under_12m`` ...); an unknown reporting length takes the strictest. The 15 %/30 %
figures for monthly/hourly data are the Guideline's calibrated-simulation tolerances (``sim_*`` rows), not
these. NMBE: an OLS fit with an intercept has residuals summing to zero, so its in-sample NMBE is 0 and a
test on it could never fail; the bias test is therefore made on the leave-one-out predictions,
e_(i) = e_i / (1 - h_ii) (h the hat-matrix diagonal), NMBE_loo = sum e_(i) / ((n - p) y-bar): a model
whose fit leans on a few high-leverage points is biased when it predicts and fails it. ``nmbe`` reports
this value; ``nmbe_in_sample`` the (zero) in-sample one.

Avoided energy over a reporting period of m points = sum(adjusted baseline - actual). Its uncertainty follows
ASHRAE Guideline 14-2014 Annex B eq. B-14 (Reddy & Claridge 2000)::

    U = t(1 - a/2, n - p) * 1.26 * RMSE * sqrt( m * (n / n') * (1 + 2 / n) )
    FSU = U / avoided,     n' = n (1 - rho) / (1 + rho)

with rho the lag-1 autocorrelation of the baseline residuals (n' = n when rho <= 0) and the 68 % confidence
level of Guideline 14 §4.1.1. The savings are refused as unverified when FSU exceeds ``fsu_max`` (50 %).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from pydantic import BaseModel
from scipy import stats

from greenpark.errors import BaselineRejectedError, InputError
from greenpark.reference import lookup

_TABLE = "energy/baseline_criteria"


def criterion(resolution: str, statistic: str) -> float:
    """One acceptance criterion of ``energy/baseline_criteria`` (resolution ``month``, ``day`` or ``any``)."""
    return lookup(_TABLE, resolution=resolution, statistic=statistic).value


def cvrmse_limit(reporting_months: float | None) -> tuple[str, float]:
    """The CV(RMSE) criterion row and value for a reporting period of ``reporting_months`` months.

    ASHRAE Guideline 14-2014 (whole-facility regression): < 12 months 20 %, 12 to 60 months 25 %, > 60 months
    30 %. None (not known when the baseline is fitted) takes the strictest, the under-12-months row.
    """
    if reporting_months is None or reporting_months < 12:
        name = "cvrmse_max_under_12m"
    elif reporting_months <= 60:
        name = "cvrmse_max_12_to_60m"
    else:
        name = "cvrmse_max_over_60m"
    return name, criterion("any", name)


def loo_nmbe(y: np.ndarray, resid: np.ndarray, hat: np.ndarray, p: int) -> float:
    """NMBE of the leave-one-out predictions: sum(e_i / (1 - h_ii)) / ((n - p) * y-bar)."""
    loo = np.asarray(resid, float) / (1.0 - np.asarray(hat, float))
    return float(loo.sum() / ((len(y) - p) * float(np.mean(y))))


def cooling_degree_days(temp_c: pd.Series | np.ndarray, base_c: float | None = None) -> np.ndarray:
    """Cooling degree days of daily mean temperatures: max(T - base, 0) per day (degC.day).

    ``base_c`` defaults to the ``cdd_base_c`` row of the baseline criteria table.
    """
    base = criterion("any", "cdd_base_c") if base_c is None else base_c
    return np.maximum(np.asarray(temp_c, dtype=float) - base, 0.0)


class Baseline(BaseModel):
    """A fitted and accepted energy baseline."""

    resolution: str
    drivers: list[str]
    coefficients: dict[str, float]  # "const" and one per driver, kWh per driver unit
    std_errors: dict[str, float]
    n: int
    p: int
    r2: float
    rmse_kwh: float
    mean_kwh: float
    cvrmse: float
    nmbe: float
    lag1_autocorrelation: float
    criteria: dict[str, float]
    nmbe_in_sample: float = 0.0
    cvrmse_rule: str = "cvrmse_max_under_12m"


class Savings(BaseModel):
    """Avoided energy in a reporting period, with its uncertainty and the CUSUM of the period."""

    m: int
    adjusted_baseline_kwh: float
    actual_kwh: float
    avoided_kwh: float
    savings_fraction: float
    uncertainty_kwh: float
    fractional_savings_uncertainty: float
    confidence_level: float
    cusum_kwh: list[float]


def _design(data: pd.DataFrame, drivers: Sequence[str]) -> np.ndarray:
    missing = [d for d in drivers if d not in data.columns]
    if missing:
        raise InputError(f"baseline drivers {missing} are not columns of the data; columns: {list(data.columns)}")
    return sm.add_constant(data[list(drivers)].to_numpy(dtype=float), has_constant="add")


def ashrae14_metrics(y: np.ndarray, yhat: np.ndarray, p: int) -> tuple[float, float, float]:
    """(RMSE, CV(RMSE), NMBE) with n - p degrees of freedom, ASHRAE Guideline 14-2014 §4.3.2.4 / Annex B."""
    y, yhat = np.asarray(y, float), np.asarray(yhat, float)
    dof = len(y) - p
    rmse = float(np.sqrt(np.sum((y - yhat) ** 2) / dof))
    ybar = float(y.mean())
    return rmse, rmse / ybar, float(np.sum(y - yhat) / (dof * ybar))


class BaselineCheck(BaseModel):
    """The ASHRAE 14 acceptance test of a baseline: its statistics, whether it passed, and what refused it.

    ``refused_by`` names the criterion row that failed first (``min_points``, ``r2_min``, ``cvrmse_max``,
    ``nmbe_abs_max``), None when accepted; statistics not computed (too few points) are None.
    """

    resolution: str
    drivers: list[str]
    n: int
    p: int
    r2: float | None
    cvrmse: float | None
    nmbe: float | None
    criteria: dict[str, float]
    cvrmse_rule: str = "cvrmse_max_under_12m"
    accepted: bool
    refused_by: str | None
    message: str | None


def check_baseline(
    data: pd.DataFrame,
    drivers: Sequence[str],
    resolution: str = "month",
    energy: str = "kwh",
    reporting_months: float | None = None,
) -> tuple[BaselineCheck, Baseline | None]:
    """Fit an OLS baseline of ``data[energy]`` on ``data[drivers]`` and test it, without raising on refusal.

    Same model and tests as :func:`fit_baseline` (which raises on refusal); for callers that report the
    statistics of a refused baseline too (a tenant's page says which test failed). ``reporting_months``: the
    length of the reporting period the savings will cover, which selects the CV(RMSE) limit
    (:func:`cvrmse_limit`).

    Returns
    -------
    (BaselineCheck, Baseline or None)
        The test's statistics and verdict; the baseline when accepted, else None.
    """
    if resolution not in ("month", "day"):
        raise InputError(f"baseline resolution {resolution!r} unknown; use 'month' or 'day'")
    rule, cv_max = cvrmse_limit(reporting_months)
    crit = {s: criterion(resolution, s) for s in ("min_points", "r2_min")}
    crit |= {"cvrmse_max": cv_max, "nmbe_abs_max": criterion("any", "nmbe_abs_max")}
    n, p = len(data), len(drivers) + 1

    def verdict(
        refused_by: str | None,
        message: str | None,
        r2: float | None = None,
        cv: float | None = None,
        nmbe: float | None = None,
    ) -> BaselineCheck:
        return BaselineCheck(
            resolution=resolution,
            drivers=list(drivers),
            n=n,
            p=p,
            r2=r2,
            cvrmse=cv,
            nmbe=nmbe,
            criteria=crit,
            cvrmse_rule=rule,
            accepted=refused_by is None,
            refused_by=refused_by,
            message=message,
        )

    if n < crit["min_points"] or n <= p:
        msg = (
            f"baseline rejected: number of points {n} < {int(crit['min_points'])} required at {resolution} "
            f"resolution (and more than {p} parameters); extend the baseline period"
        )
        return verdict("min_points", msg), None
    y = data[energy].to_numpy(dtype=float)
    res = sm.OLS(y, _design(data, drivers)).fit()
    yhat = res.fittedvalues
    rmse, cv, nmbe_in = ashrae14_metrics(y, yhat, p)
    nmbe = loo_nmbe(y, y - yhat, res.get_influence().hat_matrix_diag, p)
    r2 = float(res.rsquared) if drivers else 0.0  # a mean model explains no variance; R2 is not tested
    if drivers and r2 < crit["r2_min"]:
        msg = f"baseline rejected: R2 = {r2:.3f} < {crit['r2_min']:.2f} (ASHRAE 14); choose other drivers or resolution"
        return verdict("r2_min", msg, r2, cv, nmbe), None
    if cv > crit["cvrmse_max"]:
        msg = (
            f"baseline rejected: CV(RMSE) = {cv:.1%} > {crit['cvrmse_max']:.0%} (ASHRAE 14, {rule}); "
            "the model does not explain the energy well enough to verify savings"
        )
        return verdict("cvrmse_max", msg, r2, cv, nmbe), None
    if abs(nmbe) > crit["nmbe_abs_max"]:
        msg = (
            f"baseline rejected: NMBE of the leave-one-out predictions = {nmbe:.3%} outside "
            f"+-{crit['nmbe_abs_max']:.1%} (ASHRAE 14): the model is biased when it predicts; check outlying months"
        )
        return verdict("nmbe_abs_max", msg, r2, cv, nmbe), None
    resid = y - yhat
    rho = float(np.corrcoef(resid[:-1], resid[1:])[0, 1]) if n > 2 and np.std(resid) > 0 else 0.0
    names = ["const", *drivers]
    baseline = Baseline(
        resolution=resolution,
        drivers=list(drivers),
        coefficients=dict(zip(names, map(float, res.params), strict=True)),
        std_errors=dict(zip(names, map(float, res.bse), strict=True)),
        n=n,
        p=p,
        r2=r2,
        rmse_kwh=rmse,
        mean_kwh=float(y.mean()),
        cvrmse=cv,
        nmbe=nmbe,
        nmbe_in_sample=nmbe_in,
        lag1_autocorrelation=0.0 if np.isnan(rho) else rho,
        criteria=crit,
        cvrmse_rule=rule,
    )
    return verdict(None, None, r2, cv, nmbe), baseline


def fit_baseline(
    data: pd.DataFrame,
    drivers: Sequence[str],
    resolution: str = "month",
    energy: str = "kwh",
    reporting_months: float | None = None,
) -> Baseline:
    """Fit and test an OLS baseline of ``data[energy]`` on ``data[drivers]``.

    Parameters
    ----------
    data : DataFrame
        One row per period (month or day) of the baseline period, in time order; column ``energy`` (kWh)
        and one column per driver.
    drivers : list of str
        The tenant's chosen drivers (e.g. ``["production_t", "cdd"]``); may be empty (mean model).
    resolution : {"month", "day"}
        Selects the acceptance criteria.

    Raises
    ------
    BaselineRejectedError
        Too few points, or R2, CV(RMSE) or NMBE outside the ASHRAE 14 criteria; the message names it
        (:func:`check_baseline` answers the same test without raising).
    """
    check, baseline = check_baseline(data, drivers, resolution, energy, reporting_months)
    if baseline is None:
        raise BaselineRejectedError(check.message)
    return baseline


def predict(baseline: Baseline, data: pd.DataFrame) -> np.ndarray:
    """Adjusted-baseline energy (kWh) for the drivers in ``data``."""
    beta = np.array([baseline.coefficients[k] for k in ["const", *baseline.drivers]])
    return _design(data, baseline.drivers) @ beta


def cusum(baseline: Baseline, data: pd.DataFrame, energy: str = "kwh") -> np.ndarray:
    """Cumulative sum of (actual - predicted) energy, kWh; a falling line means savings."""
    return np.cumsum(data[energy].to_numpy(dtype=float) - predict(baseline, data))


def avoided_energy(baseline: Baseline, reporting: pd.DataFrame, energy: str = "kwh", strict: bool = True) -> Savings:
    """Avoided energy in a reporting period with its ASHRAE 14 fractional savings uncertainty (see module doc).

    Raises
    ------
    BaselineRejectedError
        ``strict`` and the fractional savings uncertainty exceeds ``fsu_max`` (or there are no savings).
    """
    m = len(reporting)
    if m == 0:
        raise InputError("avoided_energy got an empty reporting period")
    level = criterion("any", "confidence_level")
    pred = predict(baseline, reporting)
    actual = reporting[energy].to_numpy(dtype=float)
    avoided = float(pred.sum() - actual.sum())
    n, rho = baseline.n, max(baseline.lag1_autocorrelation, 0.0)
    n_eff = n * (1 - rho) / (1 + rho)
    t = float(stats.t.ppf(1 - (1 - level) / 2, n - baseline.p))
    u = t * criterion("any", "fsu_correction") * baseline.rmse_kwh * np.sqrt(m * (n / n_eff) * (1 + 2 / n))
    fsu = float(u / avoided) if avoided > 0 else float("inf")
    fsu_max = criterion("any", "fsu_max")
    if strict and not fsu <= fsu_max:
        raise BaselineRejectedError(
            f"savings not verified: fractional savings uncertainty {fsu:.0%} > {fsu_max:.0%} at {level:.0%} "
            f"confidence (ASHRAE 14 §4.1.1; avoided {avoided:,.0f} kWh +- {u:,.0f}); lengthen the reporting period "
            "or improve the baseline model"
        )
    return Savings(
        m=m,
        adjusted_baseline_kwh=float(pred.sum()),
        actual_kwh=float(actual.sum()),
        avoided_kwh=avoided,
        savings_fraction=avoided / float(pred.sum()),
        uncertainty_kwh=float(u),
        fractional_savings_uncertainty=fsu,
        confidence_level=level,
        cusum_kwh=[float(x) for x in np.cumsum(actual - pred)],
    )
