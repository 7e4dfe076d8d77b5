"""The embedded store: one DuckDB file, no server.

Analytics (``consumption``) run inside DuckDB; periods are cut in the park's local time
(``ts AT TIME ZONE <zone>``). The database's time zone is UTC, so every TIMESTAMPTZ comes
back in UTC. One writer process at a time (DuckDB's file lock).

Threads: one database connection, and a cursor per thread made from it (DuckDB's rule for
multi-threaded use: a connection object is not shared between threads, its cursors are
independent connections to the same database). Reads run in parallel; writes take one lock
(:meth:`DuckDBStore.writing`), so the single writer never meets a conflicting transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, Literal, TypeVar

import duckdb
import pandas as pd
import pyarrow as pa

from greenpark.errors import InputError, ParkNotFoundError, StoreError
from greenpark.model import REJECT_COLUMNS, ParkData
from greenpark.reference.quality import vee_rule
from greenpark.store import codec
from greenpark.store import sql as q
from greenpark.store.base import Grain, IngestBatch, SqlSession, Store, gaps_frame
from greenpark.store.migrations import migrations

log = logging.getLogger(__name__)
T = TypeVar("T")
#: errors a written value causes itself; raised as they are, so a caller can tell them from the store's failures
_DATA_FAULTS = (duckdb.DataError, duckdb.IntegrityError, duckdb.InvalidInputException)
#: how long closing the store waits for an interrupted query of another thread to give its cursor back
_CLOSE_WAIT_S = 5.0

_TRUNC = {"hour": "hour", "day": "day", "month": "month", "year": "year"}
# meter gaps (Store.meter_gaps): spacing of consecutive readings with lag(), the meter's step = its most
# frequent spacing, gaps = spacings beyond one step plus the stretches before the first and after the last reading
_GAPS_SQL = """
WITH r AS (
    SELECT meter_id, epoch(ts) AS t, epoch(ts) - lag(epoch(ts)) OVER (PARTITION BY meter_id ORDER BY ts) AS d
    FROM readings WHERE park_id = $park AND ts >= $start AND ts < $end
),
spacing AS (SELECT meter_id, d, count(*) AS n FROM r WHERE d IS NOT NULL GROUP BY meter_id, d),
step AS (
    SELECT meter_id, d AS step_s FROM (
        SELECT meter_id, d, row_number() OVER (PARTITION BY meter_id ORDER BY n DESC, d) AS k FROM spacing
    ) ranked WHERE k = 1
),
s AS (
    SELECT r.meter_id, count(*) AS received, min(r.t) AS first_t, max(r.t) AS last_t, any_value(step.step_s) AS step_s
    FROM r LEFT JOIN step ON step.meter_id = r.meter_id GROUP BY r.meter_id
),
g AS (
    SELECT r.meter_id, r.t - r.d + s.step_s AS a, r.t AS b FROM r JOIN s ON s.meter_id = r.meter_id WHERE r.d > s.step_s
    UNION ALL SELECT meter_id, $t0, first_t FROM s WHERE first_t - $t0 >= step_s
    UNION ALL SELECT meter_id, last_t + step_s, $t1 FROM s WHERE $t1 - last_t > step_s
),
longest AS (
    SELECT meter_id, a, b FROM (
        SELECT meter_id, a, b, row_number() OVER (PARTITION BY meter_id ORDER BY b - a DESC, a) AS k FROM g
    ) ranked WHERE k = 1
),
per_meter AS (
    SELECT m.meter_id, m.tenant_id, m.kind, m.position, s.step_s,
           CASE WHEN s.step_s > 0 THEN CAST(floor(($t1 - $t0) / s.step_s) AS BIGINT) END AS expected,
           coalesce(s.received, 0) AS received,
           CASE WHEN s.received IS NULL THEN $t0 ELSE l.a END AS gap_a,
           CASE WHEN s.received IS NULL THEN $t1 ELSE l.b END AS gap_b
    FROM meters m LEFT JOIN s ON s.meter_id = m.meter_id LEFT JOIN longest l ON l.meter_id = m.meter_id
    WHERE m.park_id = $park
)
SELECT meter_id, tenant_id, kind, step_s, expected, received, greatest(expected - received, 0) AS missing,
       CASE WHEN received = 0 THEN 1.0 WHEN expected > 0 THEN greatest(expected - received, 0) / expected END
           AS missing_share,
       gap_a, gap_b
FROM per_meter ORDER BY missing_share DESC NULLS LAST, gap_b - gap_a DESC NULLS LAST, position
"""


class DuckDBStore(Store):
    """A store in one DuckDB file (``":memory:"`` for a throw-away store).

    Parameters
    ----------
    path : str or Path
        The database file; its folder is created when missing.
    memory_limit : str, optional
        DuckDB ``memory_limit`` (e.g. ``"1GB"``); default DuckDB's own (80 % of RAM).
    """

    backend = "duckdb"
    #: DuckDB ``threads`` of every store opened in this process; None: DuckDB's default (one per core). A Dask
    #: worker of the portfolio sets 1 (``greenpark.portfolio.task_threads``): the parallelism is across its tasks.
    threads: ClassVar[int | None] = None

    def __init__(self, path: str | Path, memory_limit: str | None = None) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = duckdb.connect(self.path)
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot open DuckDB store {self.path}: {exc}; is another greenpark process writing to it?"
            ) from exc
        self._db.execute("SET GLOBAL TimeZone='UTC'")  # every cursor made after this reads and writes UTC
        if memory_limit:
            self._db.execute(f"SET memory_limit='{memory_limit}'")
        if self.threads is not None:
            self._db.execute(f"SET threads={int(self.threads)}")
        self._local = threading.local()
        self._cursors: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()
        self._write_lock = threading.RLock()
        self._cursor_lock = threading.Lock()
        self.migrate()

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the database (made on first use; closed with the store)."""
        cur = getattr(self._local, "con", None)
        if cur is None:
            with self._cursor_lock:  # the database connection itself takes one call at a time (cursor() is one)
                cur = self._db.cursor()
                self._cursors.add(cur)
            self._local.con = cur
        return cur

    @contextmanager
    def writing(self, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction on this thread's cursor, under the store's single-writer lock.

        Commits when the block ends, rolls back (and raises :class:`StoreError` naming ``what``) on a database error.
        """
        with self._write_lock:
            con = self.con
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException as exc:
                con.execute("ROLLBACK")
                if isinstance(exc, duckdb.Error) and not isinstance(exc, _DATA_FAULTS):
                    raise StoreError(f"cannot {what} in {self.path}: {exc}") from exc
                raise  # the data's own fault (a value a column cannot hold) stays the driver's error
            con.execute("COMMIT")

    def run_sql(self, work: Callable[[SqlSession], T], *, write: bool) -> T:
        """``work`` on a :class:`SqlSession` of this thread's cursor; a write in its own transaction, under the lock."""
        if not write:
            return work(SqlSession(self.con, "qmark"))
        with self.writing("write the service tables") as con:
            return work(SqlSession(con, "qmark"))

    def ping(self) -> None:
        """A cheap query: raises when the database cannot answer."""
        self.con.execute("SELECT 1").fetchall()

    # -- schema --------------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The schema version of the file (0 = empty)."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
            "name VARCHAR, applied_at TIMESTAMP WITH TIME ZONE)"
        )
        return int(self.con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0])

    def migrate(self) -> int:
        """Apply the migrations this file lacks; return the schema version."""
        with self._write_lock:
            current = self.schema_version()
            for m in migrations(self.backend):
                if m.version <= current:
                    continue
                log.info("store %s: migrating to schema version %d (%s)", self.path, m.version, m.name)
                with self.writing(f"apply migration {m.version} ({m.name})") as con:
                    for stmt in m.statements:
                        con.execute(stmt)
                    con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [m.version, m.name])
                current = m.version
        return current

    def close(self) -> None:
        """Close the file (and every thread's cursor)."""
        with self._cursor_lock:
            busy = []
            for cur in list(self._cursors):
                try:
                    cur.close()
                except duckdb.Error:  # a query of a thread being stopped (a background recompute): interrupt it
                    cur.interrupt()
                    busy.append(cur)
            deadline = time.monotonic() + _CLOSE_WAIT_S
            for cur in busy:
                while True:
                    try:
                        cur.close()
                        break
                    except duckdb.Error:
                        cur.interrupt()  # again: a query still being planned at the first interrupt runs on
                        if time.monotonic() > deadline:
                            log.warning("a query on %s did not stop within %g s of closing", self.path, _CLOSE_WAIT_S)
                            break
                        time.sleep(0.01)
            self._db.close()

    # -- parks -----------------------------------------------------------------------------------
    def park_ids(self) -> list[str]:
        """Ids of the parks in the store, sorted."""
        return [r[0] for r in self.con.execute("SELECT park_id FROM parks ORDER BY park_id").fetchall()]

    def save_park(self, data: ParkData) -> None:
        """Insert or replace a park's objects and record tables (not its readings)."""
        pid = data.park.park_id
        objects = codec.object_rows(data)
        meters = codec.meter_rows(data.meters)
        tables = {k: v for k, v in data.tables.items() if k != "wastewater"}
        ww = codec.wastewater_rows(data.table("wastewater")) if "wastewater" in data.tables else None
        with self.writing(f"save park {pid!r}") as con:
            for t in ("parks", "park_objects", "meters", "record_tables", "wastewater"):
                con.execute(f"DELETE FROM {t} WHERE park_id = ?", [pid])
            con.execute("INSERT INTO parks VALUES (?, ?, ?)", [pid, data.park.timezone, codec.park_doc(data.park)])
            if len(objects):
                con.register("objects_df", objects)
                con.execute("INSERT INTO park_objects SELECT ?, kind, object_id, position, doc FROM objects_df", [pid])
                con.unregister("objects_df")
            if len(meters):
                con.register("meters_df", meters)
                con.execute(
                    f"INSERT INTO meters (park_id, {', '.join(codec.METER_COLUMNS)}) "
                    f"SELECT ?, {', '.join(codec.METER_COLUMNS)} FROM meters_df",
                    [pid],
                )
                con.unregister("meters_df")
            for name, df in tables.items():
                con.execute("INSERT INTO record_tables VALUES (?, ?, ?)", [pid, name, codec.table_doc(df)])
            if ww is not None and len(ww):
                con.register("ww_df", ww)
                con.execute(
                    "INSERT INTO wastewater SELECT ?, wwtp_id, ts, point, parameter, value, unit, method, "
                    "censored FROM ww_df",
                    [pid],
                )
                con.unregister("ww_df")
            if ww is not None:
                con.execute("INSERT INTO record_tables VALUES (?, 'wastewater', '')", [pid])

    def load_park(self, park_id: str) -> ParkData:
        """The park's objects and record tables. Raises ParkNotFoundError."""
        row = self.con.execute("SELECT doc FROM parks WHERE park_id = ?", [park_id]).fetchall()
        if not row:
            known = ", ".join(self.park_ids()) or "none"
            raise ParkNotFoundError(
                f"park {park_id!r} is not in store {self.path} (parks: {known}); import it with "
                f"'greenpark import FOLDER --store duckdb://{Path(self.path).resolve()}'"
            )
        park = codec.park_from_doc(row[0][0])
        objs = codec.objects_from_rows(
            self.con.execute(
                "SELECT kind, object_id, position, doc FROM park_objects WHERE park_id = ?", [park_id]
            ).df()
        )
        meters = codec.meters_from_rows(
            self.con.execute(f"SELECT {', '.join(codec.METER_COLUMNS)} FROM meters WHERE park_id = ?", [park_id]).df()
        )
        tables: dict[str, pd.DataFrame] = {}
        for name, doc in self.con.execute(
            "SELECT name, doc FROM record_tables WHERE park_id = ? ORDER BY name", [park_id]
        ).fetchall():
            if name == "wastewater":
                tables[name] = codec.wastewater_from_rows(
                    self.con.execute(
                        f"SELECT {', '.join(codec.WASTEWATER_COLUMNS)} FROM wastewater WHERE park_id = ?", [park_id]
                    ).df()
                )
            else:
                tables[name] = codec.table_from_doc(doc)
        return ParkData(park=park, meters=meters, tables=tables, **objs)

    def _zone(self, park_id: str) -> str:
        row = self.con.execute("SELECT timezone FROM parks WHERE park_id = ?", [park_id]).fetchall()
        if not row:
            raise ParkNotFoundError(
                f"park {park_id!r} is not in store {self.path} (parks: {', '.join(self.park_ids()) or 'none'})"
            )
        return str(row[0][0])

    # -- readings --------------------------------------------------------------------------------
    def write_readings(self, park_id: str, readings: pd.DataFrame) -> int:
        """Upsert interval readings on (meter_id, ts): delete the batch's keys, then insert."""
        if readings.empty:
            return 0
        with self.writing(f"write readings of park {park_id!r}") as con:
            return _upsert_readings(con, park_id, readings)

    def write_batch(self, park_id: str, batch: IngestBatch, also: Callable[[SqlSession], T] | None = None) -> T | None:
        """Readings, quarantine rows, held-out values, wastewater and ``also`` in one transaction."""
        with self.writing(f"write a batch of park {park_id!r}") as con:
            if batch.readings is not None and len(batch.readings):
                _upsert_readings(con, park_id, batch.readings)
            if batch.rejects is not None and len(batch.rejects):
                _insert_quarantine(con, park_id, batch.rejects)
            if batch.held_out is not None and len(batch.held_out):
                _insert_held_out(con, park_id, batch.held_out)
            if batch.wastewater is not None and len(batch.wastewater):
                _upsert_wastewater(con, park_id, batch.wastewater)
            return also(SqlSession(con, "qmark")) if also is not None else None

    def write_wastewater(self, park_id: str, rows: pd.DataFrame) -> int:
        """Upsert wastewater rows on (wwtp_id, ts, point, parameter, method); committed on return."""
        if rows.empty:
            return 0
        with self.writing(f"write wastewater rows of park {park_id!r}") as con:
            return _upsert_wastewater(con, park_id, rows)

    def replace_readings(self, park_id: str, batches: Iterable[pd.DataFrame | pa.RecordBatch]) -> int:
        """Replace all of a park's readings by the batches, in one transaction (streamed)."""
        n = 0
        with self.writing(f"load readings of park {park_id!r}") as con:
            con.execute("DELETE FROM readings WHERE park_id = ?", [park_id])
            for batch in batches:
                con.register("batch_in", batch)
                con.execute("INSERT INTO readings SELECT ?, meter_id, ts, value FROM batch_in", [park_id])
                con.unregister("batch_in")
                n += batch.num_rows if isinstance(batch, pa.RecordBatch) else len(batch)
        return n

    def replace_readings_parquet(self, park_id: str, path: str | Path) -> int:
        """Replace all of a park's readings by those of a parquet file (meter_id, ts UTC, value), in one transaction.

        One ``INSERT`` reading the file with DuckDB's own parallel parquet reader. The importer's bulk load:
        35 M rows took 8.5 CPU-s and 311 MiB peak this way, 14.2 CPU-s and 1,667 MiB as 1 M-row arrow
        batches through :meth:`replace_readings` (the same file, one run each, issue 20).
        """
        with self.writing(f"load readings of park {park_id!r}") as con:
            con.execute("DELETE FROM readings WHERE park_id = ?", [park_id])
            row = con.execute(
                "INSERT INTO readings SELECT ?, meter_id, ts, value FROM read_parquet(?)", [park_id, str(path)]
            ).fetchone()
        return int(row[0]) if row else 0

    def readings(self, park_id: str, meter_ids: list[str] | None, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Raw interval readings in [start, end): columns meter_id, ts (UTC), value."""
        q = "SELECT meter_id, ts, value FROM readings WHERE park_id = ? AND ts >= ? AND ts < ?"
        params: list[object] = [park_id, _utc(start), _utc(end)]
        if meter_ids is not None:
            q += " AND meter_id IN (SELECT unnest(?))"
            params.append(list(meter_ids))
        df = self.con.execute(q + " ORDER BY meter_id, ts", params).df()
        df["ts"] = pd.to_datetime(df["ts"], utc=True)
        return df

    def consumption(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        grain: Grain = "month",
        by: Literal["meter", "tenant"] = "tenant",
        tenant_id: str | None = None,
    ) -> pd.DataFrame:
        """Sum of interval values per period, cut in the park's local time, in the database."""
        return consumption_in(self.con, self._zone(park_id), park_id, start, end, grain, by, tenant_id)

    def meter_gaps(self, park_id: str, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Expected vs received intervals per meter and its longest gap, in one query (see :meth:`Store.meter_gaps`)."""
        self._zone(park_id)  # an unknown park raises ParkNotFoundError
        t0, t1 = _utc(start), _utc(end)
        df = self.con.execute(
            _GAPS_SQL, {"park": park_id, "start": t0, "end": t1, "t0": t0.timestamp(), "t1": t1.timestamp()}
        ).df()
        return gaps_frame(df)

    # -- quarantine ------------------------------------------------------------------------------
    def add_quarantine(self, park_id: str, rejects: pd.DataFrame) -> int:
        """Keep rejected rows: columns file, line, field, value, reason, raw."""
        if rejects.empty:
            return 0
        with self.writing(f"keep rejected rows of park {park_id!r}") as con:
            return _insert_quarantine(con, park_id, rejects)

    def quarantine(self, park_id: str, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        """The rejected rows kept for a park, oldest first (a page of them with ``limit``)."""
        page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
        return self.con.execute(
            "SELECT file, line, field, value, reason, raw, added_at FROM quarantine WHERE park_id = ? ORDER BY seq"
            + page,
            [park_id],
        ).df()

    def quarantine_count(self, park_id: str) -> int:
        """Rows in the park's quarantine."""
        return int(self.con.execute("SELECT count(*) FROM quarantine WHERE park_id = ?", [park_id]).fetchall()[0][0])

    def clear_quarantine(self, park_id: str) -> None:
        """Forget a park's rejected rows."""
        with self.writing(f"clear the quarantine of park {park_id!r}") as con:
            con.execute("DELETE FROM quarantine WHERE park_id = ?", [park_id])

    # -- data quality ----------------------------------------------------------------------------
    def coverage(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        by: Literal["meter", "tenant"] = "meter",
        grain: Literal["month", "year"] = "month",
    ) -> pd.DataFrame:
        """Expected vs valid intervals per meter or tenant and local period, in SQL (see :meth:`Store.coverage`)."""
        zone = self._zone(park_id)
        query = q.render(q.coverage_query(by, grain), self.backend)
        params = {
            "park": park_id,
            "zone": zone,
            "start": _utc(start),
            "end": _utc(end),
            "default_s": vee_rule("vee.coverage", "default_interval_min") * 60.0,
        }
        return q.coverage_frame(self.con.execute(query, params).fetchall(), by, zone)

    def data_span(self, park_id: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """(first, last) interval start of the park's readings, park local time; None without readings."""
        zone = self._zone(park_id)
        lo, hi = self.con.execute(q.render(q.SPAN_QUERY, self.backend), {"park": park_id}).fetchall()[0]
        if lo is None:
            return None
        return pd.Timestamp(lo).tz_convert(zone), pd.Timestamp(hi).tz_convert(zone)

    def years_with_data(self, park_id: str) -> list[int]:
        """Local calendar years with readings."""
        zone = self._zone(park_id)
        rows = self.con.execute(q.render(q.YEARS_QUERY, self.backend), {"park": park_id, "zone": zone}).fetchall()
        return [int(r[0]) for r in rows]

    def quality_counts(self, park_id: str) -> dict[str, int]:
        """Rejected rows, held-out readings and readings accepted back."""
        self._zone(park_id)
        row = self.con.execute(q.render(q.QUALITY_QUERY, self.backend), {"park": park_id}).fetchall()[0]
        return {"rejected": int(row[0]), "held_out": int(row[1]), "accepted_back": int(row[2])}

    def add_held_out(self, park_id: str, rows: pd.DataFrame) -> int:
        """Keep held-out readings (and those accepted back, with who and when)."""
        if rows.empty:
            return 0
        with self.writing(f"keep held-out readings of park {park_id!r}") as con:
            return _insert_held_out(con, park_id, rows)

    def held_out(self, park_id: str, include_accepted: bool = False) -> pd.DataFrame:
        """Held-out readings, oldest first."""
        where = "" if include_accepted else "AND accepted_by IS NULL"
        query = q.render(q.HELD_OUT_QUERY.format(where=where), self.backend)
        return q.held_out_frame(self.con.execute(query, {"park": park_id}).fetchall())

    def clear_held_out(self, park_id: str) -> None:
        """Forget a park's held-out readings (accept decisions stay)."""
        with self.writing(f"clear the held-out readings of park {park_id!r}") as con:
            con.execute("DELETE FROM held_out WHERE park_id = ?", [park_id])

    def accept_held_out(
        self, park_id: str, meter_id: str, ts: dt.datetime | None, by: str, note: str = ""
    ) -> pd.DataFrame:
        """Accept held-out readings back: into the readings, marked in the list, kept as a decision."""
        cond = "park_id = ? AND meter_id = ? AND accepted_by IS NULL" + (" AND ts = ?" if ts is not None else "")
        params: list[object] = [park_id, meter_id, *([_utc(ts)] if ts is not None else [])]
        now = dt.datetime.now(dt.UTC)
        with self.writing(f"accept readings of meter {meter_id!r} in park {park_id!r}") as con:
            rows = con.execute(f"SELECT DISTINCT meter_id, ts, value FROM held_out WHERE {cond}", params).df()
            if len(rows):
                con.register("acc_df", rows)
                con.execute(
                    "DELETE FROM readings WHERE park_id = ? AND (meter_id, ts) IN (SELECT meter_id, ts FROM acc_df)",
                    [park_id],
                )
                con.execute("INSERT INTO readings SELECT ?, meter_id, ts, value FROM acc_df", [park_id])
                con.execute(
                    "DELETE FROM accepted_readings WHERE park_id = ? "
                    "AND (meter_id, ts) IN (SELECT meter_id, ts FROM acc_df)",
                    [park_id],
                )
                con.execute(
                    "INSERT INTO accepted_readings SELECT ?, meter_id, ts, ?, ?, ? FROM acc_df",
                    [park_id, by, now, note],
                )
                con.unregister("acc_df")
                con.execute(
                    f"UPDATE held_out SET accepted_by = ?, accepted_at = ?, note = ? WHERE {cond}",
                    [by, now, note, *params],
                )
        rows["ts"] = pd.to_datetime(rows["ts"], utc=True)
        return rows.sort_values("ts").reset_index(drop=True)

    def accepted_readings(self, park_id: str) -> pd.DataFrame:
        """The accept decisions kept for a park."""
        df = self.con.execute(
            "SELECT meter_id, ts, note, accepted_by, accepted_at FROM accepted_readings WHERE park_id = ? "
            "ORDER BY accepted_at, meter_id, ts",
            [park_id],
        ).df()
        df["ts"] = pd.to_datetime(df["ts"], utc=True)
        df["accepted_at"] = pd.to_datetime(df["accepted_at"], utc=True)
        return df

    # -- meta ------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """A store-wide value or None."""
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return str(row[0][0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Insert or replace a store-wide value."""
        with self.writing(f"set {key!r}") as con:
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def _upsert_readings(con: duckdb.DuckDBPyConnection, park_id: str, readings: pd.DataFrame) -> int:
    df = readings[["meter_id", "ts", "value"]].copy()
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    df = df.drop_duplicates(["meter_id", "ts"], keep="last")
    con.register("batch_df", df)
    try:
        con.execute(
            "DELETE FROM readings WHERE park_id = ? AND (meter_id, ts) IN (SELECT meter_id, ts FROM batch_df)",
            [park_id],
        )
        con.execute("INSERT INTO readings SELECT ?, meter_id, ts, value FROM batch_df", [park_id])
    finally:
        con.unregister("batch_df")
    return len(df)


def _insert_quarantine(con: duckdb.DuckDBPyConnection, park_id: str, rejects: pd.DataFrame) -> int:
    df = rejects.reindex(columns=REJECT_COLUMNS).astype(str)
    start = int(
        con.execute("SELECT coalesce(max(seq), 0) FROM quarantine WHERE park_id = ?", [park_id]).fetchall()[0][0]
    )
    df.insert(0, "seq", range(start + 1, start + 1 + len(df)))
    con.register("rej_df", df)
    try:
        con.execute(
            "INSERT INTO quarantine SELECT ?, seq, file, line, field, value, reason, raw, now() FROM rej_df", [park_id]
        )
    finally:
        con.unregister("rej_df")
    return len(df)


def _insert_held_out(con: duckdb.DuckDBPyConnection, park_id: str, rows: pd.DataFrame) -> int:
    df = rows.reindex(columns=q.STORED_HELD_OUT_COLUMNS).copy()
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    df["accepted_at"] = pd.to_datetime(df["accepted_at"], utc=True)
    for c in ("file", "line", "meter_id", "unit", "rule_id", "reason", "raw", "accepted_by", "note"):
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    start = int(con.execute("SELECT coalesce(max(seq), 0) FROM held_out WHERE park_id = ?", [park_id]).fetchall()[0][0])
    df.insert(0, "seq", range(start + 1, start + 1 + len(df)))
    cols = ", ".join(["seq", *q.STORED_HELD_OUT_COLUMNS])
    con.register("held_df", df)
    try:
        con.execute(f"INSERT INTO held_out (park_id, {cols}) SELECT ?, {cols} FROM held_df", [park_id])
    finally:
        con.unregister("held_df")
    return len(df)


def _upsert_wastewater(con: duckdb.DuckDBPyConnection, park_id: str, rows: pd.DataFrame) -> int:
    df = codec.wastewater_rows(rows)
    con.register("ww_in", df)
    try:
        con.execute(
            "DELETE FROM wastewater WHERE park_id = ? AND (wwtp_id, ts, point, parameter, coalesce(method, '')) IN "
            "(SELECT wwtp_id, ts, point, parameter, coalesce(method, '') FROM ww_in)",
            [park_id],
        )
        con.execute(f"INSERT INTO wastewater SELECT ?, {', '.join(codec.WASTEWATER_COLUMNS)} FROM ww_in", [park_id])
    finally:
        con.unregister("ww_in")
    if not con.execute("SELECT 1 FROM record_tables WHERE park_id = ? AND name = 'wastewater'", [park_id]).fetchall():
        con.execute("INSERT INTO record_tables VALUES (?, 'wastewater', '')", [park_id])
    return len(df)


def consumption_in(
    con: duckdb.DuckDBPyConnection,
    zone: str,
    park_id: str,
    start: dt.datetime,
    end: dt.datetime,
    grain: Grain = "month",
    by: Literal["meter", "tenant"] = "tenant",
    tenant_id: str | None = None,
) -> pd.DataFrame:
    """:meth:`Store.consumption` on any DuckDB connection with ``readings`` and ``meters`` relations.

    The one consumption query of DuckDB: the store's own tables, or Parquet files read as a view
    (:class:`greenpark.store.parquet.ParquetReadings`). ``zone`` is the park's time zone; periods are cut in it.

    Values are summed as DECIMAL(38, 9) (exact, in any order) and returned as DOUBLE: a parallel sum of doubles
    depends on the order DuckDB's threads combine their parts, which changed the last bits of a park's figures from
    one run to the next under load (measured: 2-5 distinct results in 10-30 runs of one query), so the same data
    gave unequal results sequentially and on a cluster. Rounding each reading to 1e-9 of its unit is far below any
    meter's resolution.
    """
    if grain == "15min":
        period = "time_bucket(INTERVAL 15 MINUTE, r.ts AT TIME ZONE ?)"
    elif grain in _TRUNC:
        period = f"date_trunc('{_TRUNC[grain]}', r.ts AT TIME ZONE ?)"
    else:
        raise StoreError(f"unknown grain {grain!r}; use one of 15min, hour, day, month, year")
    key = {"tenant": "m.tenant_id", "meter": "r.meter_id"}.get(by)
    if key is None:
        raise StoreError(f"unknown grouping by={by!r}; use 'tenant' or 'meter'")
    df = con.execute(
        f"""
        SELECT {key} AS {by}_id, m.kind, {period} AS period_local,
               CAST(sum(CAST(r.value AS DECIMAL(38, 9))) AS DOUBLE) AS value, count(*) AS n_values
        FROM readings r JOIN meters m ON m.park_id = r.park_id AND m.meter_id = r.meter_id
        WHERE r.park_id = ? AND r.ts >= ? AND r.ts < ? {"AND m.tenant_id = ?" if tenant_id is not None else ""}
        GROUP BY ALL ORDER BY 1, 2, 3
    """,
        [zone, park_id, _utc(start), _utc(end), *([tenant_id] if tenant_id is not None else [])],
    ).df()
    df["period_start"] = pd.to_datetime(df.pop("period_local")).dt.tz_localize(
        zone, ambiguous=False, nonexistent="shift_forward"
    )
    df["n_values"] = df["n_values"].astype("int64")
    df[f"{by}_id"] = df[f"{by}_id"].astype(object).where(df[f"{by}_id"].notna(), None)  # park common: None
    return df[[f"{by}_id", "kind", "period_start", "value", "n_values"]]


def _utc(t: dt.datetime) -> dt.datetime:
    if t.tzinfo is None:
        raise InputError(
            f"naive datetime {t.isoformat()} given to the store; pass a tz-aware time "
            "(e.g. datetime(..., tzinfo=ZoneInfo('Asia/Ho_Chi_Minh')))"
        )
    return t.astimezone(dt.UTC)
