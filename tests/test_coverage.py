"""The one full-year rule (greenpark.coverage), checked against hand calculations.

Thresholds (reference/data/coverage/full_year.csv): complete_min = 0.9 (CalTRACK 2.0 §2.2.1.2, 90 % of the
days of a baseline year), estimate_min = 0.25 (greenpark design choice, rationale in the table).
"""

import pandas as pd
import pytest

from greenpark.coverage import (
    FullYearRule,
    coverage_by,
    coverage_status,
    describe,
    full_year_estimate,
    full_year_rule,
    total_coverage,
    year_figure,
)
from greenpark.errors import InputError


def test_thresholds_come_from_reference_data_with_sources():
    rule = full_year_rule()
    assert (rule.complete_min, rule.estimate_min) == (0.9, 0.25)
    assert "CalTRACK" in rule.rows[0].source and "design choice" in rule.rows[1].source


@pytest.mark.parametrize(
    ("measured", "coverage", "status", "estimate"),
    [
        (1_000.0, 1.0, "complete", 1_000.0),  # a whole year: the estimate is the measurement
        (900.0, 0.9, "complete", 1_000.0),  # 900 / 0.9 = 1,000 (still shown beside the measured 900)
        (500.0, 0.5, "partial", 1_000.0),  # half a year: 500 / 0.5 = 1,000
        (250.0, 0.25, "partial", 1_000.0),  # at the minimum: 250 / 0.25 = 1,000
        (168.0, 168 / 8784, "insufficient", None),  # one week of 2024 (8,784 h): 1.9 % < 25 %, no estimate
        (0.0, 0.0, "insufficient", None),
        (100.0, None, "insufficient", None),  # coverage not measured never means 100 %
    ],
)
def test_full_year_rule(measured, coverage, status, estimate):
    assert coverage_status(coverage) == status
    got = full_year_estimate(measured, coverage)
    assert got == (None if estimate is None else pytest.approx(estimate))


def test_a_user_rule_is_checked(tmp_path):
    rule = FullYearRule(complete_min=0.95, estimate_min=0.5)
    assert coverage_status(0.9, rule) == "partial" and full_year_estimate(40.0, 0.4, rule) is None
    # a user reference folder may override a threshold, but not into an impossible rule
    (tmp_path / "coverage").mkdir()
    (tmp_path / "coverage" / "full_year.csv").write_text(
        "item,value,unit,source,edition,valid_from,valid_to,confidence\n"
        "estimate_min,0.95,fraction,our auditor,2026,,,D\n"
    )
    with pytest.raises(InputError, match="estimate_min"):
        full_year_rule([tmp_path])


def test_labels_say_measured_and_estimate():
    f = year_figure(500.0, 0.5, "kWh")
    assert f.status == "partial" and f.full_year_estimate == pytest.approx(1_000.0)
    assert (
        f.label
        == "measured 500.0 kWh over 50.0% of the year (partial); full-year ESTIMATE 1,000.0 kWh (measured / coverage)"
    )
    assert "no full-year estimate" in describe(16_800.0, 168 / 8784, "kWh")
    assert "not measured" in describe(1.0, None, "kWh")
    assert describe(8.0, 1.0, "kWh") == "measured 8.0 kWh over 100.0% of the year (complete)"


def test_coverage_by_tenant_over_months_and_the_park():
    # Store.coverage(by="tenant", grain="month"): T1 January full (2,976 of 2,976 quarter-hours), February half
    # (1,392 of 2,784); T2 has a meter but no readings; the park common (empty tenant_id) is complete.
    ts = pd.Timestamp("2024-01-01", tz="Asia/Ho_Chi_Minh")
    cov = pd.DataFrame(
        [
            ("T1", "electricity_import", ts, 2976, 2976, 1.0, 0.0),
            ("T1", "electricity_import", ts + pd.DateOffset(months=1), 2784, 1392, 0.5, 348.0),
            ("T1", "water_supply", ts, 31, 0, 0.0, 744.0),  # another kind: not counted
            ("T2", "electricity_import", ts, 2976, 0, 0.0, 744.0),
            (None, "electricity_import", ts, 2976, 2976, 1.0, 0.0),
        ],
        columns=[
            "tenant_id",
            "kind",
            "period_start",
            "expected_intervals",
            "valid_intervals",
            "coverage",
            "longest_gap_h",
        ],
    )
    by = coverage_by(cov, common="(common)")
    # T1: (2,976 + 1,392) / (2,976 + 2,784) = 4,368 / 5,760 = 0.758333; longest gap = max(0, 348) h
    assert by.loc["T1", "coverage"] == pytest.approx(4368 / 5760)
    assert by.loc["T1", "longest_gap_h"] == 348.0
    assert by.loc["T2", "coverage"] == 0.0 and by.loc["(common)", "coverage"] == 1.0
    # park: (4,368 + 0 + 2,976) / (5,760 + 2,976 + 2,976) = 7,344 / 11,712 = 0.627049
    assert total_coverage(cov) == pytest.approx(7344 / 11712)
    with pytest.raises(InputError, match="valid_intervals"):
        coverage_by(cov.drop(columns="valid_intervals"))
