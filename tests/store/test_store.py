"""The store contract, run on every backend (see backends.py).

Park local time is Asia/Ho_Chi_Minh = UTC+7 (no DST).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from greenpark.errors import InputError, ParkNotFoundError
from greenpark.model import Meter, Park, ParkData, Roof, Tenant, Wwtp
from greenpark.store.migrations import latest_version, migrations, split_statements

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC


def tiny(park_id: str = "p1") -> ParkData:
    park = Park(
        park_id=park_id,
        name="P",
        latitude=10.8,
        longitude=106.95,
        area_ha=10,
        targets={"ghg_reduction_pct": {2030: 30.0}},
    )
    tenants = [
        Tenant(tenant_id="T1", name="A", sector="electronics", floor_area_m2=100, employees=5, voltage_level="<6kV"),
        Tenant(tenant_id="T2", name="B", sector="logistics", floor_area_m2=50, employees=2, voltage_level="<6kV"),
    ]
    meters = [
        Meter(meter_id="E1", tenant_id="T1", kind="electricity_import", unit="kWh"),
        Meter(meter_id="E2", tenant_id="T1", kind="pv_generation", unit="kWh"),
        Meter(meter_id="E3", tenant_id="T2", kind="electricity_import", unit="MWh", cumulative=True, register_max=1e6),
        Meter(meter_id="S1", tenant_id=None, kind="electricity_import", unit="kWh"),
    ]
    roofs = [Roof(roof_id="R1", tenant_id="T1", area_m2=500, tilt_deg=5, azimuth_deg=180, usable_fraction=0.7)]
    wwtps = [
        Wwtp(
            wwtp_id="W",
            name="W",
            capacity_m3_per_day=100,
            treatment="aerobic_well_managed",
            standard="QCVN40:2011",
            column="A",
            kq=0.9,
            kf=1.0,
            commissioned=dt.date(2015, 1, 1),
        )
    ]
    fuels = pd.DataFrame(
        {"tenant_id": ["T1"], "period": ["2024-01"], "fuel": ["diesel"], "quantity": [12.5], "unit": ["l"]}
    )
    waste = pd.DataFrame(
        {
            "date": [dt.date(2024, 1, 5)],
            "tenant_id": ["T1"],
            "waste_code": [None],
            "quantity_t": [0.5],
            "route": ["recycling"],
        }
    )
    ww = pd.DataFrame(
        {
            "wwtp_id": ["W", "W"],
            "timestamp": pd.to_datetime(["2024-01-01T01:00Z", "2024-01-01T01:05Z"], utc=True),
            "point": ["outlet", "outlet"],
            "parameter": ["cod", "ph"],
            "value": [42.0, 7.1],
            "unit": ["mg/l", "pH"],
            "method": ["analyser", "analyser"],
            "censored": [False, False],
        }
    )
    return ParkData(
        park=park,
        tenants=tenants,
        roofs=roofs,
        meters=meters,
        wwtps=wwtps,
        tables={"fuels": fuels, "waste": waste, "wastewater": ww},
    )


def ts(*s: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(s), utc=True))


def test_migrations_are_portable_and_versioned(store):
    assert store.migrate() == latest_version(store.backend)  # idempotent: already at the latest
    shared = [m for m in migrations("duckdb")]
    assert shared[0].version == 1
    assert any("CREATE TABLE readings" in s for s in shared[0].statements)
    assert split_statements("-- c\nCREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n") == [
        "CREATE TABLE a (x INT)",
        "CREATE TABLE b (y INT)",
    ]


def test_save_and_load_round_trip(store):
    data = tiny()
    store.save_park(data)
    got = store.load_park("p1")
    assert got.park == data.park
    assert got.tenants == data.tenants and got.roofs == data.roofs and got.wwtps == data.wwtps
    assert got.meters == data.meters
    pd.testing.assert_frame_equal(got.table("fuels"), data.tables["fuels"])
    assert got.table("waste")["date"].tolist() == [dt.date(2024, 1, 5)]
    pd.testing.assert_frame_equal(got.table("wastewater"), data.tables["wastewater"], check_dtype=False)
    assert store.park_ids() == ["p1"]
    store.save_park(data)  # replace, not duplicate
    assert len(store.load_park("p1").tenants) == 2


def test_unknown_park(store):
    with pytest.raises(ParkNotFoundError, match="park 'nope' is not in"):
        store.load_park("nope")


def test_write_readings_is_an_idempotent_upsert(store):
    store.save_park(tiny())
    batch = pd.DataFrame(
        {"meter_id": ["E1", "E1"], "ts": ts("2024-01-01T00:00Z", "2024-01-01T00:15Z"), "value": [1.0, 2.0]}
    )
    assert store.write_readings("p1", batch) == 2
    store.write_readings("p1", batch)
    store.write_readings("p1", batch.assign(value=[1.0, 5.0]))  # 00:15 corrected to 5
    got = store.readings("p1", None, dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2024, 1, 2, tzinfo=UTC))
    assert got["value"].tolist() == [1.0, 5.0]
    assert str(got["ts"].dt.tz) == "UTC"


def test_replace_readings_streams_batches(store):
    store.save_park(tiny())
    b1 = pd.DataFrame({"meter_id": ["E1"], "ts": ts("2024-01-01T00:00Z"), "value": [1.0]})
    b2 = pd.DataFrame({"meter_id": ["E2"], "ts": ts("2024-01-01T00:00Z"), "value": [2.0]})
    assert store.replace_readings("p1", iter([b1, b2])) == 2
    assert store.replace_readings("p1", iter([b2])) == 1  # replaces everything
    got = store.readings("p1", None, dt.datetime(2023, 1, 1, tzinfo=UTC), dt.datetime(2025, 1, 1, tzinfo=UTC))
    assert got["meter_id"].tolist() == ["E2"]


def test_readings_window_and_meter_filter(store):
    store.save_park(tiny())
    store.write_readings(
        "p1",
        pd.DataFrame(
            {
                "meter_id": ["E1", "E1", "E2"],
                "ts": ts("2024-01-01T00:00Z", "2024-01-01T01:00Z", "2024-01-01T00:00Z"),
                "value": [1.0, 2.0, 3.0],
            }
        ),
    )
    got = store.readings("p1", ["E1"], dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2024, 1, 1, 1, tzinfo=UTC))
    assert got["value"].tolist() == [1.0]  # end is exclusive
    with pytest.raises(InputError, match="tz-aware"):
        store.readings("p1", None, dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2))


def test_consumption_cut_in_park_local_time(store):
    store.save_park(tiny())
    # 2024-01-31T16:45Z = 23:45 local on 31 Jan; 2024-01-31T17:00Z = 00:00 local on 1 Feb
    store.write_readings(
        "p1",
        pd.DataFrame(
            {
                "meter_id": ["E1", "E1", "E2", "E3", "S1"],
                "ts": ts(
                    "2024-01-31T16:45Z",
                    "2024-01-31T17:00Z",
                    "2024-01-31T16:45Z",
                    "2024-01-31T17:00Z",
                    "2024-01-10T00:00Z",
                ),
                "value": [10.0, 20.0, 5.0, 7.0, 1.0],
            }
        ),
    )
    start, end = dt.datetime(2024, 1, 1, tzinfo=HCM), dt.datetime(2025, 1, 1, tzinfo=HCM)
    by_tenant = store.consumption("p1", start, end, "month", "tenant")
    rows = {(r.tenant_id, r.kind, r.period_start.month): (r.value, r.n_values) for r in by_tenant.itertuples()}
    # T1 import: January 10 (the 23:45 reading), February 20; T1 pv 5 in January; T2 7 in February;
    # the park common meter S1 (tenant None) 1 in January
    assert rows == {
        ("T1", "electricity_import", 1): (10.0, 1),
        ("T1", "electricity_import", 2): (20.0, 1),
        ("T1", "pv_generation", 1): (5.0, 1),
        ("T2", "electricity_import", 2): (7.0, 1),
        (None, "electricity_import", 1): (1.0, 1),
    }
    assert by_tenant["period_start"].iloc[0] == pd.Timestamp("2024-01-01", tz="Asia/Ho_Chi_Minh")
    by_meter_day = store.consumption("p1", start, end, "day", "meter")
    e1 = by_meter_day[by_meter_day.meter_id == "E1"]
    assert e1["period_start"].dt.day.tolist() == [31, 1]
    assert e1["value"].tolist() == [10.0, 20.0]
    hours = store.consumption("p1", start, end, "hour", "meter")
    assert hours[hours.meter_id == "E1"]["period_start"].dt.hour.tolist() == [23, 0]
    q = store.consumption("p1", start, end, "15min", "meter")
    assert len(q[q.meter_id == "E1"]) == 2
    year = store.consumption("p1", start, end, "year", "tenant")
    assert year[(year.tenant_id == "T1") & (year.kind == "electricity_import")]["value"].tolist() == [30.0]


def test_quarantine_and_meta(store):
    store.save_park(tiny())
    rej = pd.DataFrame(
        {
            "file": ["readings.csv"],
            "line": ["7"],
            "field": ["value"],
            "value": ["-1"],
            "reason": ["negative interval consumption"],
            "raw": ["E1,2024-01-01,-1"],
        }
    )
    assert store.add_quarantine("p1", rej) == 1
    store.add_quarantine("p1", rej.assign(line="9"))
    q = store.quarantine("p1")
    assert q["line"].tolist() == ["7", "9"]
    assert q.iloc[0]["reason"] == "negative interval consumption"
    store.clear_quarantine("p1")
    assert store.quarantine("p1").empty
    assert store.get_meta("k") is None
    store.set_meta("k", "v1")
    store.set_meta("k", "v2")
    assert store.get_meta("k") == "v2"
