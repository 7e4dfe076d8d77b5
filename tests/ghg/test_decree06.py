"""Decree 06/2022 duty check and calendar."""

import datetime as dt

import pandas as pd

from greenpark.ghg import duty_check, reporting_calendar


def test_thresholds_are_inclusive():
    # Decree 06 Art.5(1): >= 3,000 tCO2e/yr, or industrial facility >= 1,000 TOE/yr
    totals = pd.DataFrame(
        {"tenant_id": ["A", "B", "C"], "total_tco2e": [3000.0, 2999.9, 10.0], "energy_toe": [0.0, 10.0, 1000.0]}
    )
    out, used = duty_check(totals, 2024)
    assert list(out["decree06_inventory_required"]) == [True, False, True]
    assert out.loc[2, "decree06_reason"] == ">= 1,000 TOE/yr"
    assert [f.value for f in used] == [3000, 1000]


def test_calendar_every_two_years_from_2025():
    # Decree 06 Art.11(4), amended by Decree 119/2025: report before 31 Mar every 2 years from 2025,
    # covering the two preceding years; activity data before 31 Mar of the next year
    c24, c25, c26 = reporting_calendar(2024), reporting_calendar(2025), reporting_calendar(2026)
    assert c24.inventory_report_due == dt.date(2025, 3, 31) and c24.inventory_report_covers == [2023, 2024]
    assert c25.inventory_report_due == dt.date(2027, 3, 31) and c25.activity_data_due == dt.date(2026, 3, 31)
    assert c26.inventory_report_due == dt.date(2027, 3, 31) and c26.inventory_report_covers == [2025, 2026]
