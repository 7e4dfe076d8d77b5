"""renewables.csv and manifests.csv: validated like the other record tables, stored, and used by the engines."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from greenpark.cli import app
from greenpark.ghg.inventory import inventory
from greenpark.io import read_park_folder
from greenpark.io.importer import open_park

runner = CliRunner()

# T1 imports 4 x 1,000 kWh in March 2024 (meter E1, kWh, interval values)
READINGS = (
    "meter_id,timestamp,value\n"
    "E1,2024-03-01T00:00:00,1000\n"
    "E1,2024-03-01T00:15:00,1000\n"
    "E1,2024-03-01T00:30:00,1000\n"
    "E1,2024-03-01T00:45:00,1000\n"
)
GOOD = "tenant_id,period,instrument,energy_kwh,source\nT1,2024-03,ppa,1500,PPA-DN-001\n"
BAD = (
    "tenant_id,period,instrument,energy_kwh,source\n"
    "T1,2024-03,ppa,1500,PPA-DN-001\n"
    "T1,2024-03,certificate,-20,IREC-7\n"  # negative amount
    "TX,2024-03,ppa,10,PPA-DN-002\n"  # unknown tenant
    "T1,2024-03,onsite_pv,10,PV-1\n"  # on-site PV is measured, never claimed
    "T1,2024-3,certificate,10,IREC-8\n"  # period not YYYY-MM
    "T2,2024-04,certificate,10,PPA-DN-001\n"  # id claimed twice
    ",2024-03,certificate,200,IREC-9\n"  # empty tenant = park common: accepted
)


def _rej(read, file: str) -> list[tuple[str, str, str]]:
    r = read.rejects[read.rejects.file == file]
    return [(str(x.line), str(x.field), str(x.reason)) for x in r.itertuples()]


def test_bad_renewables_rows_rejected_with_file_line_field_reason_and_kept(make_park, tmp_path):
    park = make_park(renewables=BAD)
    read = read_park_folder(park)
    assert _rej(read, "renewables.csv") == [
        ("3", "energy_kwh", "energy_kwh out of range [0, ] kWh"),
        ("4", "tenant_id", "unknown tenant_id: not in tenants.csv (known: T1, T2)"),
        ("5", "instrument", "instrument must be one of: ppa, certificate"),
        ("6", "period", "period must be a month written YYYY-MM"),
        ("7", "source", "duplicate source (contract or certificate id); first given on line 2"),
    ]
    c = read.counts["renewables.csv"]
    assert (c.read, c.accepted, c.rejected) == (7, 2, 5)
    r = read.data.table("renewables")
    assert r["source"].tolist() == ["PPA-DN-001", "IREC-9"]
    assert r["energy_kwh"].tolist() == [1500.0, 200.0]
    assert r["tenant_id"].isna().tolist() == [False, True]
    # imported: the rejected rows are in the quarantine, the accepted ones in the store
    url = f"duckdb://{tmp_path / 'q.duckdb'}"
    data, store = open_park(str(park), url)
    try:
        q = store.quarantine("tiny")
        stored = data.table("renewables")
    finally:
        store.close()
    assert sorted(q.loc[q.file == "renewables.csv", "line"].astype(int).unique()) == [3, 4, 5, 6, 7]
    assert stored["source"].tolist() == ["PPA-DN-001", "IREC-9"]
    # and check reports them, exit code 1
    res = runner.invoke(app, ["check", str(park), "--json"])
    assert res.exit_code == 0  # rows rejected, the park still usable (exit 1 is for bugs)
    counts = {c["file"]: c for c in json.loads(res.stdout)["counts"]}
    assert counts["renewables.csv"] == {
        "file": "renewables.csv",
        "read": 7,
        "accepted": 2,
        "rejected": 5,
        "held_out": 0,
    }


def test_good_renewables_lower_market_based_scope2_by_hand(make_park, tmp_path):
    park = make_park(readings=READINGS, renewables=GOOD)
    data, store = open_park(str(park), f"duckdb://{tmp_path / 's.duckdb'}")
    try:
        zone = ZoneInfo(data.park.timezone)
        start, end = dt.datetime(2024, 1, 1, tzinfo=zone), dt.datetime(2025, 1, 1, tzinfo=zone)
        consumption = store.consumption("tiny", start, end, grain="month", by="tenant")
    finally:
        store.close()
    assert not data.table("renewables").empty  # read back from the store, where engines find it
    inv = inventory(data, consumption, 2024)
    t1 = next(t for t in inv.tenants if t.tenant_id == "T1")
    # grid factor 2024: 0.6811 tCO2/MWh (HUST/MAE study, reference/data/ghg/grid_factors.csv)
    # location-based: 4,000 kWh x 0.6811 / 1,000 = 2.7244 t
    # market-based: (4,000 - 1,500) kWh x 0.6811 / 1,000 = 1.70275 t
    assert t1.scope2_location_tco2e == pytest.approx(2.7244)
    assert t1.scope2_market_tco2e == pytest.approx(1.70275)
    assert t1.contractual_kwh == pytest.approx(1500.0)
    assert inv.scope2_market_tco2e == pytest.approx(1.70275)


MANIFESTS = (
    "manifest_id,date,tenant_id,waste_code,quantity,unit,transporter,receiver\n"
    "HW-1,2024-01-05,T1,16 01 06,120,kg,Trans Co,Recv Co\n"
    "HW-1,2024-01-09,T1,16 01 06,80,kg,Trans Co,Recv Co\n"  # the same manifest number again
    "HW-2,2024-01-06,T1,16 01 06,1,m3,Trans Co,Recv Co\n"  # not a mass
    "HW-3,2024-01-06,T1,,0.2,t,Trans Co,Recv Co\n"  # no waste code
    "HW-4,2024-01-07,T9,16 01 06,0.2,t,Trans Co,Recv Co\n"  # unknown tenant
    "HW-5,2024-02-07,T2,16 01 06,0.25,t,Trans Co,Recv Co\n"
)


def test_manifests_validated_converted_to_tonnes_with_their_lines(make_park):
    read = read_park_folder(make_park(manifests=MANIFESTS))
    assert [(line, field) for line, field, _ in _rej(read, "manifests.csv")] == [
        ("3", "manifest_id"),
        ("4", "unit"),
        ("5", "waste_code"),
        ("6", "tenant_id"),
    ]
    m = read.data.table("manifests")
    assert m[["manifest_id", "tenant_id", "quantity_t", "line"]].values.tolist() == [
        ["HW-1", "T1", 0.12, 2],  # 120 kg = 0.12 t
        ["HW-5", "T2", 0.25, 7],
    ]


WASTE = (
    "date,tenant_id,waste_code,description,category,quantity,unit,route,receiver,density_t_per_m3,"
    "transporter,manifest_id\n"
    "2024-01-05,T1,16 01 06,spent oil,hazardous,120,kg,incineration,Recv Co,,Trans Co,HW-1\n"
    "2024-01-06,T1,16 01 06,spent oil,hazardous,0.3,t,incineration,,,Trans Co,\n"  # no receiver, no manifest
    "2024-01-07,T2,,office paper,domestic,2,zz,recycling,Paper Co,,,\n"  # unknown unit: rejected by io
)


def test_check_lists_the_waste_engine_findings_without_changing_counts(make_park):
    park = make_park(
        waste=WASTE,
        manifests="manifest_id,date,tenant_id,waste_code,quantity,unit\nHW-1,2024-01-05,T1,16 01 06,120,kg\n",
    )
    res = runner.invoke(app, ["check", str(park), "--json"])
    d = json.loads(res.stdout)
    counts = {c["file"]: c for c in d["counts"]}
    assert counts["waste.csv"] == {"file": "waste.csv", "read": 3, "accepted": 2, "rejected": 1, "held_out": 0}
    found = {(w["file"], w["line"], w["code"], w["severity"]) for w in d["warnings"]}
    assert found == {
        ("waste.csv", 3, "waste.hazardous_no_receiver", "error"),
        ("waste.csv", 3, "manifest.missing_id", "warning"),
        ("waste.csv", 2, "waste.mixed_units", "warning"),  # T1's 16 01 06 written in kg and in t
        # January 16 01 06 of T1: records 0.12 + 0.3 = 0.42 t, manifests 0.12 t
        ("manifests.csv", None, "manifest.unreconciled", "error"),
    }
    assert not any(w["line"] == 4 and w["file"] == "waste.csv" for w in d["warnings"])  # rejected row: once
    text = runner.invoke(app, ["check", str(park)]).stdout
    assert "Warnings and findings (4; not rejected)" in text and text.rstrip().endswith(
        "1 row(s) rejected, 4 warning(s)"
    )
