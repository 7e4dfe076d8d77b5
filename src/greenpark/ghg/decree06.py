"""Decree 06/2022/ND-CP: the threshold screen, the facility list, and when a data year is reported.

**Who must inventory.** The duty follows from the Prime Minister's list of facilities that must carry out a GHG
inventory (Decision 01/2022/QD-TTg, updated by Decision 13/2024/QD-TTg): a tenant listed there must inventory.
Art.5(1) sets the criteria the list is drawn from: annual emissions >= 3,000 tCO2e, or an industrial production
facility with energy use >= 1,000 TOE/yr. greenpark applies those criteria as a SCREEN (labelled so) to each
tenant's Scope 1 + location-based Scope 2 and its energy in TOE (MOIT letter 3505/BCT-KHCN: fuels from their
quantities, grid electricity at 0.1543 TOE/MWh; on-site PV consumed is not purchased energy). The 1,000 TOE
criterion is the same figure for industrial facilities, freight transport and commercial buildings (Art.5(1));
the 65,000 t/yr solid-waste criterion does not apply to tenants.

**The screen and coverage** (:mod:`greenpark.coverage`). ``decree06_status`` is

- ``required``: the tenant is listed, or the measured part of the year already crosses a threshold;
- ``not_required``: the readings cover the year (status ``complete``) and the full-year figure stays below both
  thresholds;
- ``insufficient_data``: anything else: a partial or unmeasured year, or a full-year estimate that crosses a
  threshold the measured part does not. A tenant whose full-year estimate could cross is never ``not_required``.

``decree06_inventory_required`` is True / False / None (the JSON's null) for the three answers.

**Calendar** (obligation group A, facilities without quotas; Decree 06 Art.11(4), as clarified by Decree
119/2025): activity data of each year go to the line ministry before 31 Mar of the next year, from 2023. The
facility inventory report (Form 06, Appendix II) goes to the provincial People's Committee before 31 Mar: the
first, in 2025, covers 2024; from the 2027 report on, every 2 years, each covering the two preceding years
(2027: 2025-2026; 2029: 2027-2028). Data years before 2024 are in no facility inventory report. All of it is rows
of ``ghg/decree06``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel

from greenpark.errors import MissingFactorError
from greenpark.ghg.factors import FactorUsed, lookup_row
from greenpark.reference import FactorRow, load_table

TABLE = "ghg/decree06"
REQUIRED, NOT_REQUIRED, INSUFFICIENT_DATA = "required", "not_required", "insufficient_data"
#: decree06_status -> decree06_inventory_required (None is the JSON's null: cannot be told from the data)
REQUIRED_FLAG: dict[str, bool | None] = {REQUIRED: True, NOT_REQUIRED: False, INSUFFICIENT_DATA: None}
SCREEN_LABEL = "threshold screen (Decree 06 Art.5(1) criteria); the duty follows from the Prime Minister's list"


def _row(item: str, extra_dirs: Iterable[Path], on: dt.date | None = None) -> FactorRow:
    return lookup_row(TABLE, extra_dirs, on=on, item=item)


def electricity_toe_per_kwh(extra_dirs: Iterable[Path] = ()) -> tuple[float, FactorUsed]:
    """TOE per kWh of electricity (MOIT 3505/BCT-KHCN: 0.1543 TOE/MWh)."""
    row = lookup_row("ghg/toe", extra_dirs, carrier="electricity")
    return row.value, FactorUsed.from_row("toe.electricity", row)


class ReportingCalendar(BaseModel):
    """When the data of one year are due under Decree 06 (group A: facilities without quotas)."""

    data_year: int
    activity_data_due: dt.date | None
    activity_data_to: str = "line ministry (MOIT for industrial facilities)"
    inventory_report_year: int | None
    inventory_report_due: dt.date | None
    inventory_report_covers: list[int]
    inventory_report_to: str = "provincial People's Committee (Form 06, Appendix II)"
    basis: str
    notes: list[str] = []


def reporting_calendar(year: int, extra_dirs: Iterable[Path] = ()) -> ReportingCalendar:
    """The Decree 06 deadlines that apply to data year ``year`` (see the module docstring).

    Examples (hand-checked against Art.11(4)): 2024 -> the 2025 report, covering [2024]; 2025 and 2026 -> the 2027
    report, covering [2025, 2026]; 2027 -> 2029; 2023 -> activity data due 31 Mar 2024, no facility report.
    """
    val = {
        k: int(_row(k, extra_dirs).value)
        for k in (
            "activity_data_first_year",
            "activity_data_deadline_month",
            "activity_data_deadline_day",
            "report_first_year",
            "report_first_data_year",
            "report_two_year_first_year",
            "report_interval_years",
            "report_deadline_month",
            "report_deadline_day",
        )
    }
    notes: list[str] = []
    ad_due = None
    if year + 1 >= val["activity_data_first_year"]:
        ad_due = dt.date(year + 1, val["activity_data_deadline_month"], val["activity_data_deadline_day"])
    else:
        notes.append(
            f"no activity data are due for {year}: they are due from {val['activity_data_first_year']} on "
            f"(for {val['activity_data_first_year'] - 1})"
        )
    first_data = val["report_first_data_year"]
    interval = val["report_interval_years"]
    report_year: int | None
    if year < first_data:
        report_year, covers = None, []
        notes.append(
            f"no facility inventory report covers {year}: the first report ({val['report_first_year']}) covers "
            f"{first_data}"
        )
    elif year == first_data:
        report_year, covers = val["report_first_year"], [first_data]
    else:
        two = val["report_two_year_first_year"]
        report_year = max(two, year + 1)
        report_year += (-(report_year - two)) % interval
        covers = list(range(report_year - interval, report_year))
    due = dt.date(report_year, val["report_deadline_month"], val["report_deadline_day"]) if report_year else None
    return ReportingCalendar(
        data_year=year,
        activity_data_due=ad_due,
        inventory_report_year=report_year,
        inventory_report_due=due,
        inventory_report_covers=covers,
        basis=(
            "Decree 06/2022/ND-CP Art.11(4): the 2025 report covers 2024; from 2027 every 2 years covering the 2 "
            "preceding years (as clarified by Decree 119/2025/ND-CP)"
        ),
        notes=notes,
    )


def facility_list(year: int, extra_dirs: Iterable[Path] = ()) -> FactorRow | None:
    """The Prime Minister's list of facilities that must inventory, in force on 31 Dec of ``year`` (None before)."""
    try:
        return _row("facility_list", extra_dirs, on=dt.date(year, 12, 31))
    except MissingFactorError:
        return None


def thresholds(year: int, extra_dirs: Iterable[Path] = ()) -> tuple[FactorRow, FactorRow, list[str]]:
    """The Art.5(1) thresholds valid on 31 Dec of ``year``; for a year before Decree 06, its first thresholds.

    Returns the emissions and energy rows and a note when the year predates the decree.
    """
    on = dt.date(year, 12, 31)
    try:
        return _row("threshold_emissions", extra_dirs, on), _row("threshold_energy_industrial", extra_dirs, on), []
    except MissingFactorError:
        rows = load_table(TABLE, tuple(extra_dirs))
        first = min(d for d in rows.loc[rows["item"] == "threshold_emissions", "valid_from"] if d is not None)
        note = (
            f"Decree 06/2022 was issued on {first.isoformat()}, after the data year {year}: the Art.5(1) "
            "thresholds are applied as a screen for information only"
        )
        em = _row("threshold_emissions", extra_dirs, first)
        return em, _row("threshold_energy_industrial", extra_dirs, first), [note]


def duty_check(
    totals: pd.DataFrame, year: int, extra_dirs: Iterable[Path] = ()
) -> tuple[pd.DataFrame, list[FactorUsed]]:
    """The Decree 06 answer for each tenant: the list if known, else the Art.5(1) threshold screen on coverage.

    Parameters
    ----------
    totals : DataFrame
        One row per tenant: ``tenant_id``, ``total_tco2e`` (measured Scope 1 + location-based Scope 2, tCO2e),
        ``energy_toe`` (measured), and optionally ``estimate_tco2e`` / ``estimate_toe`` (the full-year estimates of
        :func:`greenpark.coverage.full_year_estimates`, NaN when none is stated), ``coverage_status`` (complete,
        partial, insufficient; absent = not measured = insufficient) and ``listed`` (True / False / None: in the
        Prime Minister's list; tenants.csv ``decree06_listed``).
    year : int
        Data year (selects the thresholds and the list in force on 31 Dec of that year).

    Returns
    -------
    DataFrame
        totals plus over_emissions_threshold, over_energy_threshold (measured part), estimate_could_cross,
        decree06_screen (the screen's answer), decree06_status (the answer: the list first, then the screen),
        decree06_inventory_required (True / False / None), decree06_basis, decree06_reason. ``attrs["notes"]``
        holds notes (a year before the decree).
    list of FactorUsed
        The two thresholds (and the list in force, if any).

    References
    ----------
    Decree 06/2022/ND-CP Art.5(1); Decisions 01/2022/QD-TTg and 13/2024/QD-TTg; vietnam-facts §3.1-3.2.
    """
    em, en, notes = thresholds(year, extra_dirs)
    lst = facility_list(year, extra_dirs)
    out = totals.copy()
    n = len(out)
    est_t = out["estimate_tco2e"] if "estimate_tco2e" in out else pd.Series(np.nan, index=out.index)
    est_e = out["estimate_toe"] if "estimate_toe" in out else pd.Series(np.nan, index=out.index)
    cov = out["coverage_status"] if "coverage_status" in out else pd.Series("insufficient", index=out.index)
    listed = out["listed"] if "listed" in out else pd.Series([None] * n, index=out.index, dtype=object)
    out["over_emissions_threshold"] = out["total_tco2e"] >= em.value
    out["over_energy_threshold"] = out["energy_toe"] >= en.value
    measured_over = out["over_emissions_threshold"] | out["over_energy_threshold"]
    has_estimate = est_t.notna() & est_e.notna()
    out["estimate_could_cross"] = ~measured_over & ((est_t >= em.value) | (est_e >= en.value) | ~has_estimate)
    complete_below = (cov == "complete") & has_estimate & ~out["estimate_could_cross"]
    out["decree06_screen"] = np.where(
        measured_over, REQUIRED, np.where(complete_below, NOT_REQUIRED, INSUFFICIENT_DATA)
    )
    is_listed = listed.map(lambda v: v is True or v is np.True_)
    out["decree06_status"] = np.where(is_listed, REQUIRED, out["decree06_screen"])
    out["decree06_inventory_required"] = pd.Series(
        [REQUIRED_FLAG[s] for s in out["decree06_status"]], index=out.index, dtype=object
    )
    list_name = lst.edition if lst is not None else "the Prime Minister's list"
    bases, reasons = [], []
    for r_listed, screen, over_e, over_t, could, c, t_est, e_est in zip(
        listed, out["decree06_screen"], out["over_emissions_threshold"], out["over_energy_threshold"],
        out["estimate_could_cross"], cov, est_t, est_e, strict=True,
    ):  # fmt: skip
        crossed = ([f">= {em.value:,.0f} tCO2e/yr"] if over_e else []) + (
            [f">= {en.value:,.0f} TOE/yr"] if over_t else []
        )
        if screen == REQUIRED:
            why = "measured " + "; ".join(crossed)
        elif screen == NOT_REQUIRED:
            why = f"complete year below {em.value:,.0f} tCO2e/yr and {en.value:,.0f} TOE/yr"
        elif c != "complete" and pd.isna(t_est):
            why = f"coverage {c}: no full-year estimate, the unmeasured part could cross the thresholds"
        elif could and not pd.isna(t_est):
            why = (
                f"full-year ESTIMATE {t_est:,.0f} tCO2e / {e_est:,.1f} TOE could cross "
                f"{em.value:,.0f} tCO2e or {en.value:,.0f} TOE while the measured part does not"
            )
        else:
            why = f"coverage {c}: a partial year cannot show the tenant stays below the thresholds"
        if r_listed is True or r_listed is np.True_:
            bases.append(f"listed in {list_name}")
            reasons.append(f"listed in {list_name}; screen: {why}")
        elif r_listed is False or r_listed is np.False_:
            bases.append(SCREEN_LABEL)
            extra = "; crosses the criteria: expect to be added at the next update" if screen == REQUIRED else ""
            reasons.append(f"not in {list_name}{extra}; screen: {why}")
        else:
            bases.append(SCREEN_LABEL)
            reasons.append(f"screen: {why}")
    out["decree06_basis"] = bases
    out["decree06_reason"] = reasons
    out.attrs["notes"] = notes
    used = [
        FactorUsed.from_row("decree06.threshold_emissions", em),
        FactorUsed.from_row("decree06.threshold_energy_industrial", en),
    ]
    if lst is not None:
        used.append(FactorUsed.from_row("decree06.facility_list", lst))
    return out, used
