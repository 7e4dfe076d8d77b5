"""Spool to store, without a broker: a later message's reading replaces an earlier one's, a repeat is written once.

The spool is filled by hand (as the appender would) and replayed into a real DuckDB store through the pipeline.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pandas as pd
import psycopg
import pytest

from greenpark.errors import ParkNotFoundError
from greenpark.ingest.pipeline import Ingestor
from greenpark.ingest.replay import MessageFormat, SpoolReplayer, is_transient
from greenpark.ingest.spool import Spool
from greenpark.store import open_store
from testkit import tiny_park


def _reading(ts: str, value: float, seq: int | None = None) -> bytes:
    body: dict[str, object] = {"ts": ts, "value": value}
    if seq is not None:
        body["seq"] = seq
    return json.dumps(body).encode()


def test_replay_writes_the_latest_reading_once(tmp_path: Path) -> None:
    store = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    store.save_park(tiny_park())
    ingestor = Ingestor(store, store.load_park)
    spool = Spool(tmp_path / "spool", max_bytes=2**20)
    spool.append(
        [
            ("gp/tiny/e1", _reading("2024-03-01T00:00:00Z", 1.0), 0.0),
            ("gp/tiny/e1", _reading("2024-03-01T00:15:00Z", 2.0), 0.0),
            ("gp/tiny/e1", _reading("2024-03-01T00:15:00Z", 2.0), 0.0),  # redelivered: identical, written once
            ("gp/tiny/e1", _reading("2024-03-01T00:00:00Z", 1.5), 0.0),  # corrected later: replaces 1.0
            ("gp/nopark/e1", _reading("2024-03-01T00:00:00Z", 9.0), 0.0),  # no such park: a dead letter
        ]
    )
    r = SpoolReplayer(spool, MessageFormat("gp", 16, 1000, 2000), ingestor.ingest, ingestor.quarantine)
    r.start()
    deadline = time.monotonic() + 20
    while spool.pending_bytes and time.monotonic() < deadline:
        time.sleep(0.05)
    r.stop(1.0)
    got = store.readings("tiny", ["e1"], dt.datetime(2024, 3, 1, tzinfo=dt.UTC), dt.datetime(2024, 3, 2, tzinfo=dt.UTC))
    assert list(zip(got["ts"], got["value"], strict=True)) == [
        (pd.Timestamp("2024-03-01T00:00Z"), 1.5),
        (pd.Timestamp("2024-03-01T00:15Z"), 2.0),
    ]
    assert len(store.quarantine("tiny")) == 0  # no reading rejected as a duplicate within the batch
    assert (r.counts.messages_written, r.counts.repeated, r.counts.dead_letters) == (3, 1, 1)
    dead = [json.loads(x) for x in (spool.folder / "dead-letters.jsonl").read_text().splitlines()]
    assert [(d["topic"], d["reason"]) for d in dead] == [("gp/nopark/e1", "no park 'nopark' in the store")]
    store.close()


@pytest.mark.postgres
def test_store_faults_are_retried_and_message_faults_are_not(pg_url: str) -> None:
    """Errors from a real PostgreSQL: a lock timeout and a missing table are the store's; bad data is the message's."""
    with psycopg.connect(pg_url, autocommit=True) as con:
        with pytest.raises(psycopg.Error) as timeout:
            con.execute("SET statement_timeout = '1ms'; SELECT pg_sleep(1)")
        with pytest.raises(psycopg.Error) as missing:
            con.execute("SELECT * FROM greenpark_no_such_table")
        with pytest.raises(psycopg.Error) as bad_text:
            con.execute("SELECT %s::text", ["a\x00b"])
        with pytest.raises(psycopg.Error) as bad_number:
            con.execute("SELECT 'x'::double precision")
    assert is_transient(timeout.value) and is_transient(missing.value)
    assert not is_transient(bad_text.value) and not is_transient(bad_number.value)
    assert is_transient(ConnectionRefusedError()) and not is_transient(ParkNotFoundError("no park"))
    assert not is_transient(ValueError("a reading the validation could not take"))
