"""End to end on the example park: check finds exactly the deliberate faults, the import reconciles,
and the kWh the store sums equal the generator's truth (metadata.json)."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from greenpark.example import write_example_park
from greenpark.io import read_park_folder
from greenpark.io.importer import open_park

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    folder = tmp_path_factory.mktemp("example")
    write_example_park(folder)
    return folder, json.loads((folder / "metadata.json").read_text())


def test_check_reports_the_deliberate_faults(example):
    folder, meta = example
    read = read_park_folder(folder)
    expected = meta["expected_check"]["rejected_lines"]
    got = {f: sorted({int(x) for x in read.rejects[read.rejects.file == f]["line"]}) for f in expected}
    assert got == expected
    assert set(read.rejects["file"]) == set(expected)  # nothing else rejected
    for c in read.counts.values():
        assert c.read == c.accepted + c.rejected
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
    finally:
        store.close()
    imp = c[c.kind == "electricity_import"].set_index("tenant_id")["value"]
    faulty = {f.get("meter_id", "") for f in meta["faults"]}
    checked = 0
    for tenant, truth in meta["electricity"]["tenants"].items():
        if f"EL-{tenant}" in faulty or tenant not in imp.index:
            continue
        # the generator's registers wrap with modulus register_max + 0.01 kWh; greenpark adds register_max:
        # at most 0.01 kWh apart on the rollover meter
        assert imp[tenant] == pytest.approx(truth["import_kwh"], abs=0.02), tenant
        checked += 1
    assert checked >= 40
