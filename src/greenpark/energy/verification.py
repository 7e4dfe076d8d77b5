"""Verified savings of one tenant (IPMVP Option C): a baseline year's monthly model, tested, against a reporting year.

The baseline is an OLS of the tenant's monthly electricity on its monthly production over the baseline year,
accepted or refused by the ASHRAE Guideline 14 tests of :func:`greenpark.energy.baseline.check_baseline`. The
reporting year's avoided energy is the adjusted baseline minus the actual, with its fractional savings
uncertainty (:func:`greenpark.energy.baseline.avoided_energy`); savings whose uncertainty exceeds ``fsu_max``
are reported but marked not verified.

References
----------
EVO, IPMVP Core Concepts 2016, Option C (whole facility); ASHRAE Guideline 14-2014 §4.1.1, §4.3.2.4, Annex B.
"""

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel

from greenpark.energy.baseline import (
    BaselineCheck,
    Savings,
    avoided_energy,
    check_baseline,
    criterion,
    cusum,
    predict,
)

DRIVER = "production"


class SavingsMonth(BaseModel):
    """One month of the chart: actual and model-predicted electricity, and the running CUSUM (actual - predicted)."""

    month: str  # YYYY-MM, park local
    period: str  # "baseline" or "reporting"
    actual_kwh: float
    predicted_kwh: float | None
    cusum_kwh: float | None


class VerifiedSavings(BaseModel):
    """A tenant's baseline test and the reporting year's avoided electricity.

    ``refused_by`` says why there are no verified savings: a baseline criterion (``min_points``,
    ``r2_min``, ``cvrmse_max``, ``nmbe_abs_max``), ``no_production`` (no production figures for the
    baseline year), ``no_reporting_data``, ``same_year`` (the reporting year is the baseline year:
    savings start the year after) or ``fsu_max`` (savings too uncertain); None when verified.
    """

    tenant_id: str
    baseline_year: int
    reporting_year: int
    driver: str
    baseline: BaselineCheck | None
    savings: Savings | None
    verified: bool
    refused_by: str | None
    message: str | None
    fsu_max: float
    months: list[SavingsMonth]


def verify_savings(tenant_id: str, months: pd.DataFrame, baseline_year: int, reporting_year: int) -> VerifiedSavings:
    """Test the baseline year's model and compute the reporting year's verified savings.

    Parameters
    ----------
    tenant_id : str
        The tenant.
    months : DataFrame
        One row per local month: ``month`` (YYYY-MM), ``kwh`` (electricity import, kWh) and ``production``
        (the tenant's production in its unit; NaN when unknown).
    baseline_year, reporting_year : int
        Calendar years (park local).

    Returns
    -------
    VerifiedSavings
    """
    fsu_max = criterion("any", "fsu_max")
    m = months.sort_values("month").reset_index(drop=True)
    year = m["month"].str.slice(0, 4).astype(int) if len(m) else pd.Series(dtype=int)
    base = m[(year == baseline_year) & m[DRIVER].notna()]
    report = m[(year == reporting_year) & m[DRIVER].notna()]

    def answer(check: BaselineCheck | None, savings: Savings | None, refused: str | None, msg: str | None,
               chart: list[SavingsMonth]) -> VerifiedSavings:  # fmt: skip
        return VerifiedSavings(
            tenant_id=tenant_id,
            baseline_year=baseline_year,
            reporting_year=reporting_year,
            driver=DRIVER,
            baseline=check,
            savings=savings,
            verified=refused is None,
            refused_by=refused,
            message=msg,
            fsu_max=fsu_max,
            months=chart,
        )

    plain = [
        SavingsMonth(month=str(r.month), period="baseline" if int(str(r.month)[:4]) == baseline_year else "reporting",
                     actual_kwh=float(r.kwh), predicted_kwh=None, cusum_kwh=None)
        for r in m[year.isin([baseline_year, reporting_year])].itertuples()
    ]  # fmt: skip
    if base.empty and not m[year == baseline_year].empty:
        return answer(None, None, "no_production", f"no production figures for {baseline_year}", plain)
    # the CV(RMSE) limit depends on the months of reporting data the savings use (ASHRAE 14, whole facility)
    check, baseline = check_baseline(base, [DRIVER], "month", reporting_months=max(len(report), 1))
    if baseline is None:
        return answer(check, None, check.refused_by, check.message, plain)
    chart_rows = m[year.isin([baseline_year, reporting_year]) & m[DRIVER].notna()]
    predicted = predict(baseline, chart_rows)
    cus_base = cusum(baseline, base)
    cus_report = cusum(baseline, report) if len(report) else []
    cus = dict(zip(base["month"], cus_base, strict=True)) | dict(zip(report["month"], cus_report, strict=True))
    chart = [
        SavingsMonth(month=str(r.month), period="baseline" if int(str(r.month)[:4]) == baseline_year else "reporting",
                     actual_kwh=float(r.kwh), predicted_kwh=float(p), cusum_kwh=float(cus[r.month]))
        for r, p in zip(chart_rows.itertuples(), predicted, strict=True)
    ]  # fmt: skip
    if reporting_year == baseline_year:
        return answer(check, None, "same_year", f"{reporting_year} is the baseline year; savings start after it", chart)
    if report.empty:
        return answer(check, None, "no_reporting_data", f"no electricity and production for {reporting_year}", chart)
    savings = avoided_energy(baseline, report, strict=False)
    verified = savings.fractional_savings_uncertainty <= fsu_max
    msg = None if verified else f"fractional savings uncertainty above {fsu_max:.0%} (ASHRAE 14 §4.1.1)"
    return answer(check, savings, None if verified else "fsu_max", msg, chart)
