"""Decree 06/2022: the threshold screen with coverage, the facility list, and the reporting calendar.

Thresholds: Decree 06/2022/ND-CP Art.5(1), >= 3,000 tCO2e/yr, or an industrial facility >= 1,000 TOE/yr
(vietnam-facts §3.1). Lists: Decision 01/2022/QD-TTg, then 13/2024/QD-TTg from 1 Oct 2024 (§3.2). Calendar:
Art.11(4): the 2025 report covers 2024; from 2027 every 2 years, each covering the 2 preceding years (§3.3,
as clarified by Decree 119/2025).
"""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from greenpark.ghg import duty_check, reporting_calendar
from greenpark.ghg.decree06 import facility_list


def test_thresholds_are_inclusive_on_a_complete_year():
    totals = pd.DataFrame(
        {
            "tenant_id": ["A", "B", "C"],
            "total_tco2e": [3000.0, 2999.9, 10.0],
            "energy_toe": [0.0, 10.0, 1000.0],
            "estimate_tco2e": [3000.0, 2999.9, 10.0],  # coverage 1: the estimate is the measurement
            "estimate_toe": [0.0, 10.0, 1000.0],
            "coverage_status": ["complete"] * 3,
        }
    )
    out, used = duty_check(totals, 2024)
    assert list(out["decree06_status"]) == ["required", "not_required", "required"]
    assert list(out["decree06_inventory_required"]) == [True, False, True]
    assert out.loc[2, "decree06_reason"] == "screen: measured >= 1,000 TOE/yr"
    assert out.loc[1, "decree06_basis"].startswith("threshold screen")
    # the thresholds and the list in force on 31 Dec 2024 (Decision 13/2024, effective 1 Oct 2024)
    assert [f.value for f in used] == [3000, 1000, 2166]


def test_coverage_decides_between_not_required_and_insufficient_data():
    # P: half a year measured, 1,600 t -> estimate 1,600 / 0.5 = 3,200 t >= 3,000: could cross -> insufficient_data
    # Q: half a year, 1,000 t -> estimate 2,000 t below, but a partial year cannot show "below" -> insufficient_data
    # R: one week measured, 3,100 t: the measured part already crosses -> required (whatever the coverage)
    # S: complete (coverage 0.95), 2,900 t measured -> estimate 2,900 / 0.95 = 3,052.6 t >= 3,000 -> insufficient
    # U: coverage not measured, no estimate -> insufficient_data, never not_required
    totals = pd.DataFrame(
        {
            "tenant_id": ["P", "Q", "R", "S", "U"],
            "total_tco2e": [1600.0, 1000.0, 3100.0, 2900.0, 10.0],
            "energy_toe": [100.0, 100.0, 10.0, 100.0, 1.0],
            "estimate_tco2e": [3200.0, 2000.0, np.nan, 2900 / 0.95, np.nan],
            "estimate_toe": [200.0, 200.0, np.nan, 100 / 0.95, np.nan],
            "coverage_status": ["partial", "partial", "insufficient", "complete", "insufficient"],
        }
    )
    out, _ = duty_check(totals, 2024)
    assert list(out["decree06_status"]) == [
        "insufficient_data",
        "insufficient_data",
        "required",
        "insufficient_data",
        "insufficient_data",
    ]
    assert list(out["decree06_inventory_required"]) == [None, None, True, None, None]
    assert "full-year ESTIMATE 3,200 tCO2e" in out.loc[0, "decree06_reason"]
    assert "full-year ESTIMATE 3,053 tCO2e" in out.loc[3, "decree06_reason"]
    assert "no full-year estimate" in out.loc[4, "decree06_reason"]


def test_the_list_decides_the_duty_and_the_screen_stays_a_screen():
    totals = pd.DataFrame(
        {
            "tenant_id": ["L", "N", "X"],
            "total_tco2e": [100.0, 5000.0, 100.0],
            "energy_toe": [10.0, 10.0, 10.0],
            "estimate_tco2e": [100.0, 5000.0, 100.0],
            "estimate_toe": [10.0, 10.0, 10.0],
            "coverage_status": ["complete"] * 3,
            "listed": [True, False, None],
        }
    )
    out, _ = duty_check(totals, 2024)
    # L is listed (Decision 13/2024): required although the screen says not_required
    assert out.loc[0, "decree06_status"] == "required" and out.loc[0, "decree06_screen"] == "not_required"
    assert out.loc[0, "decree06_basis"] == "listed in Decision 13/2024/QD-TTg"
    # N is not listed but crosses the criteria: the screen says required and the reason says why
    assert out.loc[1, "decree06_status"] == "required"
    assert out.loc[1, "decree06_reason"].startswith("not in Decision 13/2024/QD-TTg; crosses the criteria")
    assert out.loc[2, "decree06_status"] == "not_required"


def test_the_list_in_force_by_date():
    assert facility_list(2023).edition == "Decision 01/2022/QD-TTg"
    assert facility_list(2024).edition == "Decision 13/2024/QD-TTg"  # effective 1 Oct 2024
    assert facility_list(2021) is None


def test_a_year_before_the_decree_is_screened_with_a_note_not_an_error():
    totals = pd.DataFrame({"tenant_id": ["A"], "total_tco2e": [10.0], "energy_toe": [1.0]})
    out, used = duty_check(totals, 2019)
    assert [f.value for f in used] == [3000, 1000]  # the first thresholds; no list existed in 2019
    assert "issued on 2022-01-07, after the data year 2019" in out.attrs["notes"][0]


@pytest.mark.parametrize(
    ("year", "activity_due", "report_due", "covers"),
    [
        (2023, dt.date(2024, 3, 31), None, []),  # before the first inventory year: activity data only
        (2024, dt.date(2025, 3, 31), dt.date(2025, 3, 31), [2024]),  # the 2025 report covers 2024 only
        (2025, dt.date(2026, 3, 31), dt.date(2027, 3, 31), [2025, 2026]),  # first two-year report: 2027
        (2026, dt.date(2027, 3, 31), dt.date(2027, 3, 31), [2025, 2026]),
        (2027, dt.date(2028, 3, 31), dt.date(2029, 3, 31), [2027, 2028]),
        (2019, None, None, []),  # activity data are due from 2023 (for 2022)
    ],
)
def test_calendar(year, activity_due, report_due, covers):
    c = reporting_calendar(year)
    assert (c.activity_data_due, c.inventory_report_due, c.inventory_report_covers) == (
        activity_due,
        report_due,
        covers,
    )
    assert "Art.11(4)" in c.basis and "119/2025" in c.basis
    if report_due is None:
        assert any("no facility inventory report covers" in n for n in c.notes)
