"""End to end on the example park: check finds exactly the deliberate faults, the import reconciles,
and the kWh the store sums equal the generator's truth (metadata.json)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from greenpark.io import read_park_folder
from greenpark.io.importer import open_park
from greenpark.io.quality import data_quality_summary
from testkit import example_truth

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example(full_example_park):
    return full_example_park, example_truth(full_example_park)


def test_check_reports_the_deliberate_faults(example):
    folder, meta = example
    read = read_park_folder(folder)
    expected = meta["expected_check"]["rejected_lines"]
    got = {f: sorted({int(x) for x in read.rejects[read.rejects.file == f]["line"]}) for f in expected}
    assert got == expected
    assert set(read.rejects["file"]) == set(expected)  # nothing else rejected
    for c in read.counts.values():
        assert c.read == c.accepted + c.rejected + c.held_out
    # the spike is held out (not rejected), on the line the metadata gives, and nothing else is
    held = meta["expected_check"]["held_out_lines"]
    assert {f: sorted(int(x) for x in g["line"]) for f, g in read.held_out.groupby("file")} == held
    assert read.counts["readings.csv"].held_out == 1
    roll = meta["expected_check"]["rollover"]
    w = read.warnings[read.warnings.code == "readings.rollover"]
    assert w["subject"].tolist() == [roll["meter_id"]]


def test_import_sums_match_the_generator(example, tmp_path):
    folder, meta = example
    data, store = open_park(str(folder), f"duckdb://{tmp_path / 's.duckdb'}")
    try:
        zone = ZoneInfo(data.park.timezone)
        c = store.consumption(
            data.park.park_id,
            dt.datetime(2024, 1, 1, tzinfo=zone),
            dt.datetime(2025, 1, 1, tzinfo=zone),
            "year",
            "tenant",
        )
        cov = store.coverage(
            data.park.park_id,
            dt.datetime(2024, 1, 1, tzinfo=zone),
            dt.datetime(2025, 1, 1, tzinfo=zone),
            "tenant",
            "year",
        )
        quality = data_quality_summary(store, data.park.park_id)
    finally:
        store.close()
    # the partial-year tenant: its import meter has 184 x 96 = 17,664 of 366 x 96 = 35,136 quarter-hours
    partial = next(f for f in meta["faults"] if f["kind"] == "partial_year")
    row = cov[(cov.tenant_id == partial["meter_id"].removeprefix("EL-")) & (cov.kind == "electricity_import")]
    assert row["valid_intervals"].tolist() == [17664] and row["expected_intervals"].tolist() == [35136]
    assert row["coverage"].iloc[0] == pytest.approx(17664 / 35136)
    assert row["longest_gap_h"].iloc[0] == pytest.approx(182 * 24)  # 1 January to 1 July: 182 days
    # the spike is held out: its tenant's measured import is the truth without the replaced interval
    spike = next(f for f in meta["faults"] if f["kind"] == "spike")
    c_imp = c[c.kind == "electricity_import"].set_index("tenant_id")["value"]
    spike_tenant = spike["meter_id"].removeprefix("EL-")
    truth = meta["electricity"]["tenants"][spike_tenant]["import_kwh"]
    assert c_imp[spike_tenant] == pytest.approx(truth - spike["original"], abs=0.02)
    # 5 rejected readings + 1 fuels row; 1 held out
    assert (quality.rejected, quality.held_out) == (6, 1)
    imp = c[c.kind == "electricity_import"].set_index("tenant_id")["value"]
    # the partial-year meter's truth is what its readings hold, so it is checked like the others
    faulty = {f.get("meter_id", "") for f in meta["faults"] if f["kind"] != "partial_year"}
    checked = 0
    for tenant, truth in meta["electricity"]["tenants"].items():
        if f"EL-{tenant}" in faulty or tenant not in imp.index:
            continue
        # the generator's registers wrap with modulus register_max + 0.01 kWh; greenpark adds register_max:
        # at most 0.01 kWh apart on the rollover meter
        assert imp[tenant] == pytest.approx(truth["import_kwh"], abs=0.02), tenant
        checked += 1
    assert checked >= 40
