"""Coverage, data span, years, held-out readings and accepts: the data-quality side of the store, on both backends.

Every expected value is counted by hand below. The park's zone is Asia/Ho_Chi_Minh (UTC+7, no DST).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from greenpark.model import Meter, Park, ParkData, Tenant

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _park() -> ParkData:
    park = Park(park_id="q", name="Q", latitude=10.8, longitude=106.9, area_ha=10)
    tenants = [
        Tenant(tenant_id=t, name=t, sector="other", floor_area_m2=100, employees=1, voltage_level="22-110kV")
        for t in ("T1", "T2")
    ]
    meters = [
        Meter(meter_id="A", tenant_id="T1", kind="electricity_import", unit="kWh"),  # step from its readings
        Meter(meter_id="B", tenant_id="T1", kind="electricity_import", unit="kWh", interval_min=60),  # stated
        Meter(meter_id="C", tenant_id="T2", kind="electricity_import", unit="kWh"),  # no readings at all
    ]
    return ParkData(park=park, tenants=tenants, meters=meters)


def _local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE)


@pytest.fixture
def filled(store):
    """A: 15-min readings 2024-01-01 00:00 .. 01-10 23:45 local (960) minus 01-05 (96 missing) = 864.
    B: hourly readings for all of January (744) and none in February."""
    store.save_park(_park())
    a = pd.date_range("2024-01-01", periods=960, freq="15min", tz=ZONE)
    a = a[(a < pd.Timestamp("2024-01-05", tz=ZONE)) | (a >= pd.Timestamp("2024-01-06", tz=ZONE))]
    b = pd.date_range("2024-01-01", periods=744, freq="h", tz=ZONE)
    rows = pd.concat(
        [
            pd.DataFrame({"meter_id": "A", "ts": a.tz_convert("UTC"), "value": 1.0}),
            pd.DataFrame({"meter_id": "B", "ts": b.tz_convert("UTC"), "value": 2.0}),
        ]
    )
    store.write_readings("q", rows)
    return store


def test_coverage_by_meter_and_month(filled):
    cov = filled.coverage("q", _local(2024, 1, 1), _local(2024, 3, 1), by="meter", grain="month")
    got = {(r.meter_id, r.period_start.month): r for r in cov.itertuples(index=False)}
    assert len(cov) == 6  # 3 meters x 2 months, a meter without readings too
    assert str(cov["period_start"].dt.tz) == "Asia/Ho_Chi_Minh"
    # A, January: step 15 min (its most common spacing); expected 31 x 96 = 2,976; valid 960 - 96 = 864;
    # longest gap: 01-11 00:00 .. 02-01 00:00 = 21 days = 504 h (longer than the 24 h hole on 01-05)
    a1 = got[("A", 1)]
    assert (a1.expected_intervals, a1.valid_intervals) == (2976, 864)
    assert a1.coverage == pytest.approx(864 / 2976)
    assert a1.longest_gap_h == pytest.approx(504.0)
    # A, February: expected 29 x 96 = 2,784, nothing valid, the whole month (29 x 24 = 696 h) a gap
    a2 = got[("A", 2)]
    assert (a2.expected_intervals, a2.valid_intervals, a2.coverage, a2.longest_gap_h) == (2784, 0, 0.0, 696.0)
    # B: interval_min 60 -> January 744 expected, 744 valid, no gap
    b1 = got[("B", 1)]
    assert (b1.expected_intervals, b1.valid_intervals, b1.coverage, b1.longest_gap_h) == (744, 744, 1.0, 0.0)
    # C: no readings, no interval_min: the default 15 min (reference quality/vee_rules) -> 2,976 expected
    c1 = got[("C", 1)]
    assert (c1.expected_intervals, c1.valid_intervals, c1.coverage) == (2976, 0, 0.0)


def test_coverage_a_hole_in_the_middle_is_the_longest_gap(filled):
    # only 2024-01-01 .. 01-10: A's longest gap is the 24 h hole of 01-05
    cov = filled.coverage("q", _local(2024, 1, 1), _local(2024, 1, 11), by="meter")
    a = cov[cov.meter_id == "A"].iloc[0]
    assert (a.expected_intervals, a.valid_intervals) == (960, 864)
    assert a.longest_gap_h == pytest.approx(24.0)


def test_coverage_by_tenant_and_year(filled):
    cov = filled.coverage("q", _local(2024, 1, 1), _local(2025, 1, 1), by="tenant", grain="year")
    t1 = cov[cov.tenant_id == "T1"].iloc[0]
    # T1 = A + B: expected 366 x 96 + 366 x 24 = 35,136 + 8,784 = 43,920; valid 864 + 744 = 1,608
    assert (t1.expected_intervals, t1.valid_intervals) == (43920, 1608)
    assert t1.coverage == pytest.approx(1608 / 43920)
    # longest gap, max over its meters: A from 01-11 to the year end = 356 days = 8,544 h;
    # B from 02-01 = 335 days = 8,040 h
    assert t1.longest_gap_h == pytest.approx(8544.0)
    assert t1.period_start == pd.Timestamp("2024-01-01", tz="Asia/Ho_Chi_Minh")
    t2 = cov[cov.tenant_id == "T2"].iloc[0]
    assert (t2.valid_intervals, t2.coverage, t2.longest_gap_h) == (0, 0.0, 8784.0)
    assert list(cov.columns) == [
        *("tenant_id", "kind", "period_start", "expected_intervals", "valid_intervals", "coverage"),
        "longest_gap_h",
    ]


def test_data_span_and_years(filled, store):
    first, last = filled.data_span("q")
    assert first == pd.Timestamp("2024-01-01 00:00", tz="Asia/Ho_Chi_Minh")
    assert last == pd.Timestamp("2024-01-31 23:00", tz="Asia/Ho_Chi_Minh")  # B's last hour
    assert filled.years_with_data("q") == [2024]
    # a reading at 2024-12-31 23:30 local is 16:30 UTC: still 2024 in the park's zone
    filled.write_readings(
        "q", pd.DataFrame({"meter_id": ["A"], "ts": [pd.Timestamp("2024-12-31T16:30Z")], "value": [1.0]})
    )
    assert filled.years_with_data("q") == [2024]
    filled.write_readings(
        "q", pd.DataFrame({"meter_id": ["A"], "ts": [pd.Timestamp("2024-12-31T17:00Z")], "value": [1.0]})
    )
    assert filled.years_with_data("q") == [2024, 2025]


def test_years_with_a_year_skipped_and_another_park(store):
    # the PostgreSQL queries skip along (meter, ts) from each meter's first reading to the next local year's first:
    # A has readings in 2021 and 2023 (none in 2022), B only in 2022; park "other" has 2019, which is not q's
    store.save_park(_park())
    other = _park()
    other.park = other.park.model_copy(update={"park_id": "other"})
    store.save_park(other)

    def one(park: str, meter: str, utc: str) -> None:
        store.write_readings(park, pd.DataFrame({"meter_id": [meter], "ts": [pd.Timestamp(utc)], "value": [1.0]}))

    one("q", "A", "2020-12-31T17:00Z")  # 2021-01-01 00:00 local: 2021
    one("q", "A", "2021-06-01T00:00Z")
    one("q", "A", "2023-12-31T16:45Z")  # 23:45 local: still 2023
    one("q", "B", "2022-03-01T00:00Z")
    one("other", "A", "2019-01-01T00:00Z")
    assert store.years_with_data("q") == [2021, 2022, 2023]
    assert store.data_span("q") == (
        pd.Timestamp("2021-01-01 00:00", tz="Asia/Ho_Chi_Minh"),
        pd.Timestamp("2023-12-31 23:45", tz="Asia/Ho_Chi_Minh"),
    )
    assert store.years_with_data("other") == [2019]


def test_data_span_without_readings_is_none(store):
    store.save_park(_park())
    assert store.data_span("q") is None
    assert store.years_with_data("q") == []


def _held(meter: str, ts: str, value: float) -> dict:
    return {
        "file": "readings.csv",
        "line": "52",
        "meter_id": meter,
        "ts": pd.Timestamp(ts),
        "value": value,
        "bound": 200.0,
        "unit": "kWh",
        "rule_id": "vee.history_bound",
        "reason": "above the bound",
        "raw": f"{meter},x,{value}",
    }


def test_held_out_accept_and_counts(filled):
    spike = _held("A", "2024-01-05T05:30Z", 5_000_000.0)  # inside A's hole, 12:30 local
    other = _held("A", "2024-01-05T06:00Z", 7_000_000.0)
    assert filled.add_held_out("q", pd.DataFrame([spike, other])) == 2
    filled.add_quarantine(
        "q",
        pd.DataFrame(
            [
                {"file": "meters.csv", "line": "3", "field": "kind", "value": "x", "reason": "r1", "raw": ""},
                {"file": "meters.csv", "line": "3", "field": "unit", "value": "y", "reason": "r2", "raw": ""},
                {"file": "readings.csv", "line": "9", "field": "value", "value": "-1", "reason": "r3", "raw": ""},
            ]
        ),
    )
    # two problems on meters.csv line 3 are one rejected row
    assert filled.quality_counts("q") == {"rejected": 2, "held_out": 2, "accepted_back": 0}
    held = filled.held_out("q")
    assert held[["meter_id", "value", "rule_id"]].values.tolist() == [
        ["A", 5_000_000.0, "vee.history_bound"],
        ["A", 7_000_000.0, "vee.history_bound"],
    ]
    assert held["ts"].iloc[0] == pd.Timestamp("2024-01-05T05:30Z")
    got = filled.accept_held_out("q", "A", _local(2024, 1, 5, 12, 30), by="Lan", note="furnace test")
    assert got[["meter_id", "value"]].values.tolist() == [["A", 5_000_000.0]]
    assert filled.quality_counts("q") == {"rejected": 2, "held_out": 1, "accepted_back": 1}
    everything = filled.held_out("q", include_accepted=True)
    assert everything["accepted_by"].tolist() == ["Lan", None]
    assert everything["note"].tolist()[0] == "furnace test"
    # the accepted value is a reading now, so it is in consumption and coverage
    jan5 = filled.consumption("q", _local(2024, 1, 5), _local(2024, 1, 6), grain="day", by="meter")
    assert jan5.loc[jan5.meter_id == "A", "value"].sum() == pytest.approx(5_000_000.0)
    decisions = filled.accepted_readings("q")
    assert decisions[["meter_id", "accepted_by", "note"]].values.tolist() == [["A", "Lan", "furnace test"]]
    assert decisions["ts"].iloc[0] == pd.Timestamp("2024-01-05T05:30Z")
    # all for the meter: the other one; then nothing is left
    rest = filled.accept_held_out("q", "A", None, by="Minh")
    assert rest["value"].tolist() == [7_000_000.0]
    assert filled.accept_held_out("q", "A", None, by="Minh").empty
    # clearing the held-out list (a re-import) keeps the decisions
    filled.clear_held_out("q")
    assert filled.held_out("q", include_accepted=True).empty
    assert len(filled.accepted_readings("q")) == 2
