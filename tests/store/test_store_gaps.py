"""Meters with gaps (``Store.meter_gaps``) and one tenant's consumption, on every backend, with hand-made series.

The period is 2024-03-01 00:00 to 03:00 park local time (Asia/Ho_Chi_Minh, UTC+7): 3 hours.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from greenpark.errors import ParkNotFoundError
from greenpark.model import Meter, Park, ParkData, Tenant
from greenpark.store.base import GAP_COLUMNS

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2024, 3, 1, 0, 0, tzinfo=HCM)
END = dt.datetime(2024, 3, 1, 3, 0, tzinfo=HCM)


def park() -> ParkData:
    tenants = [
        Tenant(tenant_id="T1", name="A", sector="electronics", floor_area_m2=100, employees=5, voltage_level="<6kV"),
        Tenant(tenant_id="T2", name="B", sector="logistics", floor_area_m2=50, employees=2, voltage_level="<6kV"),
    ]
    meters = [
        Meter(meter_id="A", tenant_id="T1", kind="electricity_import", unit="kWh"),  # 15 min, a hole of 5 intervals
        Meter(meter_id="B", tenant_id="T1", kind="water_supply", unit="m3"),  # nothing in the period
        Meter(meter_id="C", tenant_id="T2", kind="electricity_import", unit="kWh"),  # hourly, starts an hour late
        Meter(meter_id="D", tenant_id=None, kind="electricity_import", unit="kWh"),  # one reading: step unknown
        Meter(meter_id="E", tenant_id="T2", kind="pv_generation", unit="kWh"),  # complete
    ]
    p = Park(park_id="g", name="Gaps", latitude=10.8, longitude=106.9, area_ha=5)
    return ParkData(park=p, tenants=tenants, meters=meters)


def local(hh_mm: str) -> pd.Timestamp:
    return pd.Timestamp(f"2024-03-01T{hh_mm}", tz=HCM).tz_convert("UTC")


def readings() -> pd.DataFrame:
    quarter = [f"{h:02d}:{m:02d}" for h in range(3) for m in (0, 15, 30, 45)]
    a = [t for t in quarter if t not in ("00:30", "00:45", "01:00", "01:15", "01:30")]
    rows = [("A", t) for t in a] + [("C", "01:00"), ("C", "02:00"), ("D", "01:00")] + [("E", t) for t in quarter]
    rows += [("B", "05:00")]  # after the period: not counted
    return pd.DataFrame({"meter_id": [m for m, _ in rows], "ts": [local(t) for _, t in rows], "value": 1.0})


def test_meter_gaps_counts_expected_received_and_the_longest_gap(store) -> None:
    store.save_park(park())
    store.write_readings("g", readings())
    gaps = store.meter_gaps("g", START, END)
    assert list(gaps.columns) == GAP_COLUMNS
    # worst first: B (nothing, 100 %), A (5 of 12 missing), C (1 of 3), E (complete), D (step unknown) last
    assert gaps["meter_id"].tolist() == ["B", "A", "C", "E", "D"]
    row = {r.meter_id: r for r in gaps.itertuples()}
    # A: 15-min step (the most frequent spacing), 3 h / 15 min = 12 expected, 7 received; the hole runs from
    # 00:30 (15 min after the 00:15 reading) to the 01:45 reading: 1.25 h
    a = row["A"]
    assert (a.step_s, a.expected, a.received, a.missing) == (900.0, 12, 7, 5)
    assert a.missing_share == pytest.approx(5 / 12)
    assert (a.gap_start, a.gap_end, a.gap_hours) == (local("00:30"), local("01:45"), 1.25)
    # B: no reading at all in the period: everything missing, the gap is the whole period, step unknown
    b = row["B"]
    assert b.received == 0 and b.missing_share == 1.0 and pd.isna(b.expected) and pd.isna(b.step_s)
    assert (b.gap_start, b.gap_end, b.gap_hours) == (local("00:00"), local("03:00"), 3.0)
    # C: hourly, readings at 01:00 and 02:00 (the second covers until 03:00): 3 expected, 2 received,
    # the gap is the first hour, from the period start to the first reading
    c = row["C"]
    assert (c.step_s, c.expected, c.received, c.missing) == (3600.0, 3, 2, 1)
    assert c.missing_share == pytest.approx(1 / 3)
    assert (c.gap_start, c.gap_end, c.gap_hours) == (local("00:00"), local("01:00"), 1.0)
    assert c.tenant_id == "T2"
    # D: a single reading has no spacing: step, expected and share unknown (None), no gap
    d = row["D"]
    assert d.received == 1 and d.tenant_id is None
    assert pd.isna(d.step_s) and pd.isna(d.expected) and pd.isna(d.missing_share) and pd.isna(d.gap_start)
    # E: every quarter hour present
    e = row["E"]
    assert (e.expected, e.received, e.missing, e.missing_share) == (12, 12, 0, 0.0)
    assert pd.isna(e.gap_start) and pd.isna(e.gap_hours)


def test_meter_gaps_of_an_unknown_park(store) -> None:
    with pytest.raises(ParkNotFoundError):
        store.meter_gaps("nowhere", START, END)


def test_consumption_of_one_tenant_is_filtered_in_the_query(store) -> None:
    store.save_park(park())
    store.write_readings("g", readings())
    t2 = store.consumption("g", START, END, "hour", "tenant", tenant_id="T2")
    # T2: C (01:00, 02:00) and E (4 quarters in each of hours 00, 01, 02), 1 kWh each
    rows = {(r.kind, r.period_start.hour): (r.value, r.n_values) for r in t2.itertuples()}
    assert set(t2["tenant_id"]) == {"T2"}
    assert rows == {
        ("electricity_import", 1): (1.0, 1),
        ("electricity_import", 2): (1.0, 1),
        ("pv_generation", 0): (4.0, 4),
        ("pv_generation", 1): (4.0, 4),
        ("pv_generation", 2): (4.0, 4),
    }
    by_meter = store.consumption("g", START, END, "day", "meter", tenant_id="T1")
    assert set(by_meter["meter_id"]) == {"A"}  # B's reading is after the period
    everyone = store.consumption("g", START, END, "day", "tenant")
    assert set(everyone["tenant_id"].map(str)) == {"T1", "T2", "None"}
