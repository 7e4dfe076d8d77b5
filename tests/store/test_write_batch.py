"""One arriving batch is one transaction; the quarantine is paged in SQL; threads share the store (issue 16).

``Store.write_batch`` writes readings, rejected rows, held-out values and the caller's own statements (the alerts
the batch raised) together or not at all. The embedded store serves many threads (a cursor each, one writer at a
time); the PostgreSQL store a pool whose connections are replaced when the server drops them.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pandas as pd
import psycopg
import pytest

import testkit
from greenpark.errors import StoreError
from greenpark.store import Store, StoreOptions, open_store
from greenpark.store.base import IngestBatch, SqlSession

pytestmark = pytest.mark.timeout(120)
START, END = dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def readings(meter: str, n: int, value: float = 1.0, start: str = "2024-03-01T00:00Z") -> pd.DataFrame:
    ts = pd.date_range(start, periods=n, freq="15min")
    return pd.DataFrame({"meter_id": meter, "ts": ts, "value": value})


def rejects(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": "http",
            "line": [str(i + 1) for i in range(n)],
            "field": "value",
            "value": "abc",
            "reason": "value is not a finite number (use a decimal point)",
            "raw": "e1,2024-03-01T00:00,abc",
        }
    )


def alert_row(db: SqlSession) -> int:
    return db.execute(
        "INSERT INTO service_alerts (alert_id, park_id, rule, subject, tenant_id, severity, message, state, "
        "first_ts, last_ts, data, opened_at) VALUES (?, 'tiny', 'test.rule', 'e1', NULL, 'warning', 'm', 'open', "
        "NULL, NULL, '{}', ?)",
        [uuid.uuid4().hex, dt.datetime.now(dt.UTC)],
    )


def alerts(store: Store) -> int:
    return store.run_sql(lambda db: db.one("SELECT count(*) AS n FROM service_alerts")["n"], write=False)  # type: ignore[index]


def test_a_batch_is_written_whole(store: Store, tiny_park) -> None:  # type: ignore[no-untyped-def]
    store.save_park(tiny_park)
    held = pd.DataFrame(
        {
            "file": ["http"],
            "line": ["3"],
            "meter_id": ["e1"],
            "ts": [pd.Timestamp("2024-03-02T00:00Z")],
            "value": [5e6],
            "bound": [40.0],
            "unit": ["kWh"],
            "rule_id": ["vee.history_bound"],
            "reason": ["too big"],
            "raw": ["e1,2024-03-02T07:00,5000000"],
        }
    )
    store.write_batch("tiny", IngestBatch(readings=readings("e1", 4), rejects=rejects(2), held_out=held), alert_row)
    assert store.readings("tiny", ["e1"], START, END)["value"].tolist() == [1.0] * 4
    assert store.quarantine_count("tiny") == 2
    assert store.held_out("tiny")["value"].tolist() == [5e6]
    assert alerts(store) == 1


def test_a_failing_batch_writes_nothing(store: Store, tiny_park) -> None:  # type: ignore[no-untyped-def]
    store.save_park(tiny_park)

    def fail(db: SqlSession) -> None:
        alert_row(db)
        raise RuntimeError("the alert rules broke after the rows were sent")

    with pytest.raises(RuntimeError):
        store.write_batch("tiny", IngestBatch(readings=readings("e1", 4), rejects=rejects(2)), fail)
    assert store.readings("tiny", ["e1"], START, END).empty
    assert store.quarantine_count("tiny") == 0
    assert alerts(store) == 0


def test_the_quarantine_is_paged_in_the_database(store: Store, tiny_park) -> None:  # type: ignore[no-untyped-def]
    store.save_park(tiny_park)
    store.add_quarantine("tiny", rejects(25))
    page = store.quarantine("tiny", limit=10, offset=20)
    assert page["line"].tolist() == ["21", "22", "23", "24", "25"]  # oldest first: the rows' arrival order
    assert store.quarantine("tiny", limit=1)["line"].tolist() == ["1"]
    assert len(store.quarantine("tiny")) == 25 == store.quarantine_count("tiny")


def test_threads_read_and_write_at_once(store: Store, tiny_park) -> None:  # type: ignore[no-untyped-def]
    """8 writers (each its own day of e1) and 8 readers at once: every write lands, no reader fails."""
    store.save_park(tiny_park)
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            for j in range(5):
                day = pd.Timestamp("2024-03-01T00:00Z") + pd.Timedelta(days=k) + pd.Timedelta(hours=j)
                store.write_batch("tiny", IngestBatch(readings=readings("e1", 4, float(k), day.isoformat())))
        except BaseException as exc:
            errors.append(exc)

    def read() -> None:
        try:
            for _ in range(5):
                store.consumption("tiny", START, END, grain="day")
                store.quarantine("tiny", limit=5)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(8)]
    threads += [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    got = store.readings("tiny", ["e1"], START, END)
    # 8 writers x 5 batches x 4 readings, each a distinct 15-minute interval
    assert len(got) == 8 * 5 * 4
    assert sorted(set(got["value"])) == [float(k) for k in range(8)]


@pytest.mark.postgres
def test_postgres_reconnects_after_its_connections_are_killed(pg_url: str, tiny_park) -> None:  # type: ignore[no-untyped-def]
    """pg_terminate_backend on every connection of the store's pool: the next calls succeed on new connections."""
    app = f"gp-kill-{uuid.uuid4().hex[:8]}"
    url = f"{pg_url}?schema=gptest_{uuid.uuid4().hex[:12]}&application_name={app}"
    store = open_store(url, StoreOptions(pool_min=3, pool_max=3, retries=3, retry_backoff_s=0.05))
    try:
        store.save_park(tiny_park)
        store.write_readings("tiny", readings("e1", 4))
        with psycopg.connect(pg_url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = %s",
                [app],
            ).fetchone()
        assert killed is not None and killed[0] >= 1
        # every call after the kill: a dead pooled connection is detected (check) or retried on a new one
        store.write_readings("tiny", readings("e1", 4, 2.0, "2024-03-02T00:00Z"))
        assert store.readings("tiny", ["e1"], START, END)["value"].tolist() == [1.0] * 4 + [2.0] * 4
        assert store.quarantine_count("tiny") == 0
    finally:
        store.drop_schema()  # type: ignore[attr-defined]
        store.close()


@pytest.mark.postgres
def test_postgres_timeout_is_store_unavailable(pg_url: str, tiny_park) -> None:  # type: ignore[no-untyped-def]
    """A write that waits for a locked table past lock_timeout fails at once with StoreUnavailableError."""
    from greenpark.errors import StoreUnavailableError

    schema = f"gptest_{uuid.uuid4().hex[:12]}"
    store = open_store(f"{pg_url}?schema={schema}", StoreOptions(lock_timeout_s=0.2, statement_timeout_s=2))
    try:
        store.save_park(tiny_park)
        with psycopg.connect(pg_url) as locker:
            locker.execute(f"LOCK TABLE {schema}.readings IN ACCESS EXCLUSIVE MODE")
            with pytest.raises(StoreUnavailableError, match="lock_timeout"):
                store.write_readings("tiny", readings("e1", 4))
            locker.rollback()  # the lock ends here: the same write goes through
        store.write_readings("tiny", readings("e1", 4))
        assert len(store.readings("tiny", ["e1"], START, END)) == 4
        assert isinstance(StoreUnavailableError("x"), StoreError)
    finally:
        store.drop_schema()  # type: ignore[attr-defined]
        store.close()


def test_duckdb_store_is_closed_for_every_thread(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Closing the embedded store closes the cursors other threads made, so the file can be opened again."""
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    store = open_store(url)
    store.save_park(testkit.tiny_park())
    t = threading.Thread(target=lambda: store.park_ids())
    t.start()
    t.join()
    store.close()
    again = open_store(url)
    assert again.park_ids() == ["tiny"]
    again.close()


def test_duckdb_store_closes_while_another_thread_queries(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A background thread's query still running when the service stops is interrupted; the store closes."""
    store = open_store(f"duckdb:///{tmp_path / 's.duckdb'}")
    outcome: list[str] = []
    ready = threading.Event()

    def long_query() -> None:
        cur = store.con  # type: ignore[attr-defined]
        ready.set()
        try:
            cur.execute("SELECT count(*) FROM range(100000000000)").fetchall()  # minutes of work
            outcome.append("finished")
        except Exception as exc:
            outcome.append(type(exc).__name__)

    t = threading.Thread(target=long_query)
    t.start()
    ready.wait()
    time.sleep(0.2)  # let the query start (not a timing check: closing must work whether it has or not)
    store.close()
    t.join(timeout=30)
    assert outcome and outcome[0] != "finished"
    assert open_store(f"duckdb:///{tmp_path / 's.duckdb'}").park_ids() == []  # the file is free again
