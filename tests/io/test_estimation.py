"""Estimation on request: linear for short gaps, the weekday-hour profile for long ones; every filled value marked.

Thresholds: vee.estimate linear_max_hours = 2 (reference quality/vee_rules). Zone Asia/Ho_Chi_Minh (UTC+7).
"""

from __future__ import annotations

import pandas as pd
import pytest

from greenpark.io.estimation import estimate_readings, estimated_share

ZONE = "Asia/Ho_Chi_Minh"


def _frame(values: dict[str, float]) -> pd.DataFrame:
    ts = pd.to_datetime(list(values), utc=False).tz_localize(ZONE).tz_convert("UTC")
    return pd.DataFrame({"meter_id": "M", "ts": ts, "value": list(values.values())})


def test_short_gap_is_linear_and_marked():
    # 15-min readings 00:00 = 10, 00:15 = 20, [00:30, 00:45 missing], 01:00 = 50 (local):
    # a 30-min gap (<= 2 h) between 20 and 50 -> 30 and 40 on the straight line
    r = _frame({"2024-01-01 00:00": 10, "2024-01-01 00:15": 20, "2024-01-01 01:00": 50})
    out = estimate_readings(r, pd.Timestamp("2024-01-01", tz=ZONE), pd.Timestamp("2024-01-01 01:15", tz=ZONE), ZONE)
    assert out["value"].tolist() == [10, 20, 30, 40, 50]
    assert out["method"].tolist() == ["measured", "measured", "linear", "linear", "measured"]
    share = estimated_share(out).iloc[0]
    # 2 of 5 intervals; 70 of 150 kWh
    assert (share.intervals, share.estimated_intervals) == (5, 2)
    assert share.estimated_interval_share == pytest.approx(0.4)
    assert share.estimated_value_share == pytest.approx(70 / 150)


def test_long_gap_takes_the_same_weekday_hour_profile():
    # hourly meter (step given: 3,600 s). Monday 2024-01-01 and Monday 2024-01-08 measured at 08:00 (40 and
    # 60) and at other hours; Monday 2024-01-15 08:00-11:00 missing (a 4 h gap > 2 h) -> profile: the mean of
    # the measured Monday 08:00 values = (40 + 60) / 2 = 50, and so on for 09:00 .. 11:00 (all 10 -> 10)
    values = {}
    for day in ("2024-01-01", "2024-01-08"):
        for h in range(24):
            values[f"{day} {h:02d}:00"] = 10.0
    values["2024-01-01 08:00"] = 40.0
    values["2024-01-08 08:00"] = 60.0
    for h in list(range(0, 8)) + list(range(12, 24)):
        values[f"2024-01-15 {h:02d}:00"] = 10.0
    r = _frame(values)
    out = estimate_readings(
        r, pd.Timestamp("2024-01-15", tz=ZONE), pd.Timestamp("2024-01-16", tz=ZONE), ZONE, step_s={"M": 3600.0}
    )
    est = out[out["estimated"]]
    assert est["method"].unique().tolist() == ["profile"]
    assert len(est) == 4
    assert est["value"].tolist() == [50.0, 10.0, 10.0, 10.0]
    assert est["ts"].iloc[0] == pd.Timestamp("2024-01-15T01:00Z")  # 08:00 local


def test_nothing_is_estimated_without_gaps():
    r = _frame({"2024-01-01 00:00": 1, "2024-01-01 00:15": 2})
    out = estimate_readings(r, pd.Timestamp("2024-01-01", tz=ZONE), pd.Timestamp("2024-01-01 00:30", tz=ZONE), ZONE)
    assert not out["estimated"].any()
    assert estimated_share(out)["estimated_value_share"].tolist() == [0.0]
