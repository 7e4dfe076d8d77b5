"""Property tests: random malformed rows never crash a reader and never vanish.

For every file: rows read == rows written, read == accepted + rejected + held out, and every
rejected row is in the rejects table, every held-out reading in the held-out listing.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_tiny_park import METERS, PARK_TOML, TENANTS, WWTP

from greenpark.io import read_park_folder
from greenpark.io.schema import file_schema

GOOD = {
    "meter_id": ["E1", "E2", "C1", "C2", "W1"],
    "timestamp": ["2024-01-01 00:00", "2024-01-01T00:15:00+07:00", "2024-01-01T00:30Z", "2024-06-30 23:45"],
    "value": ["0", "1.5", "-2", "1e3", "<0.05"],
    "tenant_id": ["T1", "T2"],
    "period": ["2024-01", "2024-12"],
    "fuel": ["diesel", "lpg", "coal_anthracite"],
    "unit": ["l", "kg", "t", "m3", "GJ", "kWh", "mg/l", "pH"],
    "quantity": ["0", "12.5", "1000"],
    "wwtp_id": ["WW1"],
    "point": ["inlet", "outlet", "tenant:T1"],
    "parameter": ["COD", "pH", "NH4-N", "tss", "flow"],
    "method": ["lab", "analyser"],
    "date": ["2024-01-05"],
    "category": ["domestic", "industrial", "hazardous"],
    "route": ["landfill", "recycling"],
}
garbage = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "nan", "inf", "-inf", "NULL", "1,5", "2024-02-30", "9" * 30, "'", '"', "\\", "<", "<x"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def field_value(name: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(GOOD.get(name, ["x"])), garbage)


def rows_for(file: str) -> st.SearchStrategy[list[list[str]]]:
    cols = [a.name for a in file_schema(file)]
    good_row = st.tuples(*[field_value(c) for c in cols]).map(list)
    short_or_long = st.lists(st.sampled_from(["E1", "1", "x", ""]), min_size=0, max_size=len(cols) + 3)
    return st.lists(st.one_of(good_row, good_row, short_or_long), min_size=1, max_size=25)


def write_and_read(file: str, rows: list[list[str]]):
    folder = Path(tempfile.mkdtemp(prefix="gp-hyp-"))
    try:
        (folder / "park.toml").write_text(PARK_TOML)
        (folder / "tenants.csv").write_text(TENANTS)
        (folder / "meters.csv").write_text(METERS)
        (folder / "wwtp.csv").write_text(WWTP)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)  # a bare \r would be a line break
        w.writerow([a.name for a in file_schema(file)])
        for r in rows:
            if r == []:
                r = [""]  # an empty row is written as one empty field so it stays a row
            w.writerow(r)
        (folder / f"{file}.csv").write_text(buf.getvalue(), encoding="utf-8")
        read = read_park_folder(folder)
        return read
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_no_loss(read, file: str, n_rows: int) -> None:
    name = f"{file}.csv"
    c = read.counts[name]
    blank = 0  # pyarrow skips rows that are entirely empty lines? we never write those
    assert c.read == n_rows - blank
    assert c.read == c.accepted + c.rejected + c.held_out
    assert read.rejects[read.rejects.file == name]["line"].nunique() == c.rejected
    assert len(read.held_out[read.held_out.file == name]) == c.held_out


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rows_for("readings"))
def test_readings_reader_loses_nothing(rows):
    read = write_and_read("readings", rows)
    check_no_loss(read, "readings", len(rows))
    assert len(read.readings) <= read.counts["readings.csv"].accepted


@SETTINGS
@given(
    st.sampled_from(["fuels", "wastewater", "waste", "production", "refrigerants", "symbiosis"]).flatmap(
        lambda f: st.tuples(st.just(f), rows_for(f))
    )
)
def test_record_readers_lose_nothing(file_rows):
    file, rows = file_rows
    read = write_and_read(file, rows)
    check_no_loss(read, file, len(rows))
    assert len(read.data.table(file)) == read.counts[f"{file}.csv"].accepted


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.floats(min_value=10, max_value=100), min_size=120, max_size=160),
    st.sets(st.integers(min_value=0, max_value=119), max_size=1),
    st.floats(min_value=1e4, max_value=1e9),
)
def test_random_spikes_are_held_out_and_never_lost(values, spikes, size):
    # values in [10, 100] kWh and at most one spike among n >= 120 values: the 99th percentile is at 0-based
    # order statistic (n - 1) x 0.99 <= n - 2 (117.81 for n = 120), between two normal values, so in [10, 100]:
    # the bound 10 x p99 is >= 100 (no normal value is above it) and <= 1,000 kWh < 10,000 <= the spike
    rows = []
    for i, v in enumerate(values):
        t = f"2024-01-{1 + i // 96:02d} {(i % 96) // 4:02d}:{15 * (i % 4):02d}"
        rows.append(["E1", t, repr(size if i in spikes else v)])
    read = write_and_read("readings", rows)
    check_no_loss(read, "readings", len(rows))
    assert sorted(int(x) for x in read.held_out["line"]) == sorted(i + 2 for i in spikes)
    assert read.readings["value"].sum() == pytest.approx(sum(v for i, v in enumerate(values) if i not in spikes))
