"""The clean-batch path (ingest.small_batch) and the rules (ingest.validate.validate_batch) agree on every batch.

Whenever :func:`clean_readings` answers, the rules must accept every row of the batch (no reject, nothing held
out) and return the very same accepted readings; when it does not answer, the pipeline runs the rules, so every
reject and held-out value keeps its one implementation. Generated batches mix clean rows with every kind of bad
one (unknown meter, cumulative register, unsafe text, malformed or implausible time, bad or negative value,
duplicates, values above a meter's bound); a few clean batches are worked out by hand.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from greenpark.ingest.pipeline import Ingestor
from greenpark.ingest.small_batch import clean_readings
from greenpark.ingest.validate import TimeWindow, validate_batch
from greenpark.model import Meter, Park, ParkData
from greenpark.store.base import IngestBatch

ZONE = "Asia/Ho_Chi_Minh"  # UTC+7, no daylight saving time
PARK = ParkData(
    park=Park(park_id="p", name="P", latitude=10.8, longitude=106.9, area_ha=10, timezone=ZONE),
    meters=[
        Meter(meter_id="e1", tenant_id="t1", kind="electricity_import", unit="kWh"),  # no bound: history only
        # 400 kW x 0.25 h = 100 kWh per quarter hour
        Meter(meter_id="e2", tenant_id="t1", kind="electricity_import", unit="MWh", max_kw=400, interval_min=15),
        Meter(meter_id="e3", tenant_id="t2", kind="electricity_import", unit="kWh", max_kw=100),  # step from data
        Meter(meter_id="r1", tenant_id="t2", kind="electricity_import", unit="kWh", cumulative=True),
        Meter(meter_id="w1", kind="water_supply", unit="m3", max_per_interval=5),
    ],
)
WINDOW = TimeWindow(earliest=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), ahead=dt.timedelta(days=1))

METER_IDS = ["e1", "e1", "e2", "e3", "w1", " e1 ", "r1", "nope", "", "e\x00", "e\ud800", None]
STAMPS = [
    "2024-03-01T08:15:00+07:00",
    "2024-03-01T01:15:00Z",  # the same instant as the one above
    "2024-03-01T08:30:00+07:00",
    "2024-03-01 08:45",  # park local
    "2024-03-01T09:00:00.5+07:00",
    "2024-03-01T02:00:00.123456Z",
    " 2024-03-01T09:15:00+07:00 ",
    "2024-03-01T09:30:00+00:00",
    "2024-02-30T00:00:00",
    "2024-03-01T24:00",
    "2024-03-01",
    "20240301T0815",
    "2024-03-01T08:15:00z",
    "2024-03-01T08:15:00+0700",
    "1990-01-01T00:00:00Z",  # before the earliest plausible time
    "2999-01-01T00:00:00Z",  # far ahead of the server clock
    "infinity",
    "now",
    "",
    None,
]
VALUES = ["1.5", "0", "1e-05", "0.05", "3", "6", "0.2", "150", "-1", "abc", "inf", "nan", " 2", "1,5", "1e400"]
VALUES += ["true", "", None, "1\x00"]


def _raw(rows: list[tuple[object, object, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["meter_id", "timestamp", "value"], dtype=object)


def _clean(raw: pd.DataFrame) -> pd.DataFrame | None:
    return clean_readings(PARK, raw["meter_id"].tolist(), raw["timestamp"].tolist(), raw["value"].tolist(), WINDOW)


def _agree(raw: pd.DataFrame) -> pd.DataFrame | None:
    """Both paths on ``raw``: the clean path's answer, checked against the rules' when there is one."""
    fast = _clean(raw)
    full = validate_batch(PARK, raw, "http", WINDOW)
    if fast is not None:
        assert full.n_rejected == 0 and full.n_held_out == 0, (full.rejects, full.held_out)
        pd.testing.assert_frame_equal(fast, full.accepted)
    return fast


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(METER_IDS), st.sampled_from(STAMPS), st.sampled_from(VALUES)), max_size=8))
def test_clean_path_never_disagrees_with_the_rules(rows: list[tuple[object, object, object]]) -> None:
    _agree(_raw(rows))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["e1", "e2", "e3", "w1"]), st.sampled_from(STAMPS[:8]), st.sampled_from(VALUES[:8])),
        min_size=1,
        max_size=6,
    )
)
def test_clean_path_on_mostly_clean_batches(rows: list[tuple[object, object, object]]) -> None:
    """Batches of good fields only: what may still differ is duplicates and bounds."""
    _agree(_raw(rows))


def test_clean_batch_by_hand() -> None:
    raw = _raw(
        [
            ("w1", "2024-03-01T08:15:00+07:00", "3"),  # 3 m3 <= 5 m3 max_per_interval
            ("e2", "2024-03-01 08:15", "0.05"),  # 0.05 MWh = 50 kWh <= 400 kW x 0.25 h = 100 kWh; 08:15+07 = 01:15Z
            (" e1 ", "2024-03-01T01:30:00Z", "1.5"),  # no bound, one value: nothing to hold out
        ]
    )
    got = _agree(raw)
    assert got is not None
    assert got["meter_id"].tolist() == ["e1", "e2", "w1"]  # sorted by meter, then time
    assert got["ts"].tolist() == [
        pd.Timestamp("2024-03-01T01:30:00Z"),
        pd.Timestamp("2024-03-01T01:15:00Z"),
        pd.Timestamp("2024-03-01T01:15:00Z"),
    ]
    assert got["value"].tolist() == [1.5, 50.0, 3.0]


def test_bad_rows_take_the_rules_path() -> None:
    ok = ("w1", "2024-03-01T08:15:00+07:00", "3")
    for bad in [
        ("w1", "2024-03-01T08:30:00+07:00", "6"),  # 6 m3 > 5 m3: held out
        ("e2", "2024-03-01T08:30:00+07:00", "0.2"),  # 200 kWh > 100 kWh: held out
        ("r1", "2024-03-01T08:30:00+07:00", "1"),  # a cumulative register
        ("w1", "2024-03-01T01:15:00Z", "3"),  # the same (meter, time) as ``ok``
        ("w1", "2999-01-01T00:00:00Z", "3"),  # ahead of the clock
        ("w1", "2024-03-01T08:30:00+07:00", "-1"),
        ("nope", "2024-03-01T08:30:00+07:00", "1"),
    ]:
        assert _agree(_raw([ok, bad])) is None, bad


def test_history_bound_needs_the_rules() -> None:
    """96 values of a meter without a stated bound (vee.history_bound min_readings) may give a history bound."""
    stamps = pd.date_range("2024-03-01", periods=96, freq="15min", tz=ZONE)
    values = ["1"] * 95 + ["500"]  # 500 > 10 x the 99th percentile (1): held out by the rules
    rows = [("e1", t.isoformat(), v) for t, v in zip(stamps, values, strict=True)]
    assert _agree(_raw(rows)) is None
    assert validate_batch(PARK, _raw(rows), "http", WINDOW).n_held_out == 1
    fewer = _agree(_raw(rows[1:]))  # 95 values: no history bound, every one accepted
    assert fewer is not None and len(fewer) == 95 and fewer["value"].max() == 500.0


def test_ingestor_uses_the_clean_path_only_for_clean_batches() -> None:
    """The pipeline's answer is the rules' answer either way."""

    class Store:
        def __init__(self) -> None:
            self.batches: list[IngestBatch] = []

        def write_batch(self, park_id: str, batch: IngestBatch, also: object = None) -> None:
            self.batches.append(batch)

    store = Store()
    ingestor = Ingestor(store, lambda park_id: PARK, time_window=WINDOW)  # type: ignore[arg-type]
    clean = ingestor.ingest("p", _raw([("w1", "2024-03-01T08:15:00+07:00", "3")]), "http")
    dirty = ingestor.ingest("p", _raw([("w1", "2024-03-01T08:15:00+07:00", "6"), ("x", "y", "z")]), "http")
    assert (clean.received, clean.accepted, clean.rejected, clean.held_out) == (1, 1, 0, 0)
    assert (dirty.received, dirty.accepted, dirty.rejected, dirty.held_out) == (2, 0, 1, 1)
    assert store.batches[0].readings["value"].tolist() == [3.0]
    assert len(store.batches[1].rejects) == 1 and len(store.batches[1].held_out) == 1
    assert np.isnan(store.batches[1].held_out["bound"]).sum() == 0


def test_ingest_fields_answers_as_ingest() -> None:
    """The same batches given as lists (the HTTP JSON path) or as a raw table (MQTT, CSV): the same answers."""

    class Store:
        def __init__(self) -> None:
            self.batches: list[IngestBatch] = []

        def write_batch(self, park_id: str, batch: IngestBatch, also: object = None) -> None:
            self.batches.append(batch)

    for rows in (
        [("w1", "2024-03-01T08:15:00+07:00", "3"), ("e2", "2024-03-01 08:15", "0.05")],  # clean: the list path
        [("w1", "2024-03-01T08:15:00+07:00", "6"), ("x", "y", "z"), (None, None, None)],  # held, rejected: the rules
    ):
        by_table, by_lists = Store(), Store()
        a = Ingestor(by_table, lambda park_id: PARK, time_window=WINDOW).ingest("p", _raw(rows), "http")  # type: ignore[arg-type]
        fields = tuple(list(c) for c in zip(*rows, strict=True))
        b = Ingestor(by_lists, lambda park_id: PARK, time_window=WINDOW).ingest_fields("p", fields, "http")  # type: ignore[arg-type]
        assert a == b
        for x, y in zip(by_table.batches, by_lists.batches, strict=True):
            for part in ("readings", "rejects", "held_out"):
                pd.testing.assert_frame_equal(getattr(x, part), getattr(y, part))
