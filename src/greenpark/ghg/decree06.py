"""Decree 06/2022/ND-CP duty check: which tenants must run a facility GHG inventory, and when they report.

A facility must run a facility-level inventory when its annual emissions are >= 3,000 tCO2e, or when it is an
industrial production facility whose energy use is >= 1,000 TOE/yr (Art.5(1)). Energy in TOE uses the MOIT
conversion factors (letter 3505/BCT-KHCN): fuels from their quantities (``greenpark.ghg.combustion``) and grid
electricity at 0.1543 TOE/MWh. On-site PV consumed is not counted as purchased energy. Every tenant is checked
against the 1,000 TOE criterion: it is the same figure for industrial facilities, freight-transport companies and
commercial buildings (Art.5(1)); the 65,000 t/yr solid-waste-facility criterion does not apply to tenants.

Calendar (obligation group A, facilities without quotas; Decree 06 Art.11 as amended by Decree 119/2025):
activity data of each year go to the line ministry before 31 Mar of the next year; the facility inventory report
(Form 06, Appendix II) goes to the provincial People's Committee before 31 Mar every 2 years from 2025, covering
the two preceding years. The data year Y is therefore reported in the first report year R >= Y + 1 with
(R - 2025) divisible by 2. Thresholds and dates are rows of ``ghg/decree06``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from greenpark.ghg.factors import FactorUsed, lookup_row
from greenpark.reference import FactorRow

TABLE = "ghg/decree06"


def _row(item: str, extra_dirs: Iterable[Path], on: dt.date | None = None) -> FactorRow:
    return lookup_row(TABLE, extra_dirs, on=on, item=item)


def electricity_toe_per_kwh(extra_dirs: Iterable[Path] = ()) -> tuple[float, FactorUsed]:
    """TOE per kWh of electricity (MOIT 3505/BCT-KHCN: 0.1543 TOE/MWh)."""
    row = lookup_row("ghg/toe", extra_dirs, carrier="electricity")
    return row.value, FactorUsed.from_row("toe.electricity", row)


class ReportingCalendar(BaseModel):
    """When the data of one year are due under Decree 06 (group A: facilities without quotas)."""

    data_year: int
    activity_data_due: dt.date
    activity_data_to: str = "line ministry (MOIT for industrial facilities)"
    inventory_report_year: int
    inventory_report_due: dt.date
    inventory_report_covers: list[int]
    inventory_report_to: str = "provincial People's Committee (Form 06, Appendix II)"
    basis: str


def reporting_calendar(year: int, extra_dirs: Iterable[Path] = ()) -> ReportingCalendar:
    """The Decree 06 deadlines that apply to data year ``year`` (see the module docstring)."""
    ad_m = int(_row("activity_data_deadline_month", extra_dirs).value)
    ad_d = int(_row("activity_data_deadline_day", extra_dirs).value)
    first = int(_row("report_first_year", extra_dirs).value)
    interval = int(_row("report_interval_years", extra_dirs).value)
    rm, rd = int(_row("report_deadline_month", extra_dirs).value), int(_row("report_deadline_day", extra_dirs).value)
    report_year = max(first, year + 1)
    report_year += (-(report_year - first)) % interval
    covers = list(range(report_year - interval, report_year))
    return ReportingCalendar(
        data_year=year,
        activity_data_due=dt.date(year + 1, ad_m, ad_d),
        inventory_report_year=report_year,
        inventory_report_due=dt.date(report_year, rm, rd),
        inventory_report_covers=covers,
        basis="Decree 06/2022/ND-CP Art.11(4) as amended by Decree 119/2025/ND-CP (reports every 2 years)",
    )


def duty_check(
    totals: pd.DataFrame, year: int, extra_dirs: Iterable[Path] = ()
) -> tuple[pd.DataFrame, list[FactorUsed]]:
    """Flag the tenants that must run a facility inventory under Decree 06 Art.5(1).

    Parameters
    ----------
    totals : DataFrame
        One row per tenant: tenant_id, total_tco2e (Scope 1 + location-based Scope 2, tCO2e/yr), energy_toe.
    year : int
        Data year (selects the thresholds valid on 31 Dec of that year).

    Returns
    -------
    DataFrame
        totals plus over_emissions_threshold, over_energy_threshold, decree06_inventory_required, decree06_reason.
    list of FactorUsed
        The two thresholds.

    References
    ----------
    Decree 06/2022/ND-CP Art.5(1); vietnam-facts §3.1.
    """
    on = dt.date(year, 12, 31)
    em, en = _row("threshold_emissions", extra_dirs, on), _row("threshold_energy_industrial", extra_dirs, on)
    out = totals.copy()
    out["over_emissions_threshold"] = out["total_tco2e"] >= em.value
    out["over_energy_threshold"] = out["energy_toe"] >= en.value
    out["decree06_inventory_required"] = out["over_emissions_threshold"] | out["over_energy_threshold"]
    reasons = []
    for e, t in zip(out["over_emissions_threshold"], out["over_energy_threshold"], strict=True):
        r = ([f">= {em.value:,.0f} tCO2e/yr"] if e else []) + ([f">= {en.value:,.0f} TOE/yr"] if t else [])
        reasons.append("; ".join(r))
    out["decree06_reason"] = reasons
    used = [
        FactorUsed.from_row("decree06.threshold_emissions", em),
        FactorUsed.from_row("decree06.threshold_energy_industrial", en),
    ]
    return out, used
