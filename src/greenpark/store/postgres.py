"""The PostgreSQL store (psycopg 3): the server backend for many users and the live service.

Same interface (:class:`greenpark.store.base.Store`) and same migration files as the
embedded DuckDB store; ``NNN_*.postgres.sql`` files add what only PostgreSQL needs (the
unique index that makes readings upsert on (park_id, meter_id, ts)).

URL: ``postgresql://user[:password]@host:5432/db[?schema=name&...]``. The ``schema``
option (greenpark's, not libpq's) puts every table in that schema, created if missing,
so several stores (or test runs) share one database.

Durability: every write is one transaction, committed before the method returns, with
PostgreSQL's default ``synchronous_commit = on`` (the WAL is flushed at commit).
Aggregations (consumption per period, cut in the park's zone) run in the database.

Connections: a pool (``psycopg_pool.ConnectionPool``) shared by every thread, so requests read
in parallel. Each connection is checked when it is handed out (a connection the server closed,
e.g. by ``pg_terminate_backend`` or a restart, is replaced), and gets the session settings
(UTC, the schema, ``statement_timeout`` and ``lock_timeout`` from :class:`StoreOptions`). A
method that meets a transient error (connection lost, server shutting down, serialization
failure, deadlock) runs again on a fresh connection after a back-off (every method is a whole
transaction, and writes are upserts, so a retry changes nothing twice); one that runs into a
timeout, or still fails after the retries, raises :class:`StoreUnavailableError`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Literal, ParamSpec, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from greenpark.errors import InputError, ParkNotFoundError, StoreError, StoreUnavailableError
from greenpark.model import REJECT_COLUMNS, ParkData
from greenpark.reference.quality import vee_rule
from greenpark.store import codec
from greenpark.store import sql as q
from greenpark.store.base import Grain, IngestBatch, SqlSession, Store, StoreOptions, gaps_frame
from greenpark.store.migrations import migrations

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
#: SQLSTATEs after which the same transaction may succeed on a fresh connection or a second try
_TRANSIENT = {"40001", "40P01", "57P01", "57P02", "57P03"}  # serialization, deadlock, admin/crash shutdown, starting
#: SQLSTATEs of a timeout: the database is busy or locked; answer at once instead of waiting again
_TIMEOUT = {"57014": "statement_timeout", "55P03": "lock_timeout"}
#: up to this many rows an upsert sends arrays in one statement; more go through COPY
_UNNEST_MAX_ROWS = 2_000
_SCHEMA_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
#: grain -> PostgreSQL interval or date_trunc field, applied to local (park-zone) wall time
_TRUNC = {"hour": "hour", "day": "day", "month": "month", "year": "year"}
# meter gaps (Store.meter_gaps): spacing of consecutive readings with lag(), the meter's step = its most
# frequent spacing, gaps = spacings beyond one step plus the stretches before the first and after the last reading
_GAPS_RAW = [
    *("meter_id", "tenant_id", "kind", "step_s", "expected", "received", "missing", "missing_share"),
    *("gap_a", "gap_b"),
]
_GAPS_SQL = """
WITH r AS (
    SELECT meter_id, extract(epoch FROM ts)::float8 AS t,
           extract(epoch FROM ts)::float8 - lag(extract(epoch FROM ts)::float8) OVER (PARTITION BY meter_id ORDER BY ts)
               AS d
    FROM readings WHERE park_id = %(park)s AND ts >= %(start)s AND ts < %(end)s
),
spacing AS (SELECT meter_id, d, count(*) AS n FROM r WHERE d IS NOT NULL GROUP BY meter_id, d),
step AS (
    SELECT meter_id, d AS step_s FROM (
        SELECT meter_id, d, row_number() OVER (PARTITION BY meter_id ORDER BY n DESC, d) AS k FROM spacing
    ) ranked WHERE k = 1
),
s AS (
    SELECT r.meter_id, count(*) AS received, min(r.t) AS first_t, max(r.t) AS last_t, max(step.step_s) AS step_s
    FROM r LEFT JOIN step ON step.meter_id = r.meter_id GROUP BY r.meter_id
),
g AS (
    SELECT r.meter_id, r.t - r.d + s.step_s AS a, r.t AS b FROM r JOIN s ON s.meter_id = r.meter_id WHERE r.d > s.step_s
    UNION ALL SELECT meter_id, %(t0)s::float8, first_t FROM s WHERE first_t - %(t0)s::float8 >= step_s
    UNION ALL SELECT meter_id, last_t + step_s, %(t1)s::float8 FROM s WHERE %(t1)s::float8 - last_t > step_s
),
longest AS (
    SELECT meter_id, a, b FROM (
        SELECT meter_id, a, b, row_number() OVER (PARTITION BY meter_id ORDER BY b - a DESC, a) AS k FROM g
    ) ranked WHERE k = 1
),
per_meter AS (
    SELECT m.meter_id, m.tenant_id, m.kind, m.position, s.step_s,
           CASE WHEN s.step_s > 0 THEN floor((%(t1)s::float8 - %(t0)s::float8) / s.step_s)::bigint END AS expected,
           coalesce(s.received, 0) AS received,
           CASE WHEN s.received IS NULL THEN %(t0)s::float8 ELSE l.a END AS gap_a,
           CASE WHEN s.received IS NULL THEN %(t1)s::float8 ELSE l.b END AS gap_b
    FROM meters m LEFT JOIN s ON s.meter_id = m.meter_id LEFT JOIN longest l ON l.meter_id = m.meter_id
    WHERE m.park_id = %(park)s
)
SELECT meter_id, tenant_id, kind, step_s, expected, received, greatest(expected - received, 0) AS missing,
       CASE WHEN received = 0 THEN 1.0 WHEN expected > 0 THEN greatest(expected - received, 0)::float8 / expected END
           AS missing_share,
       gap_a, gap_b
FROM per_meter ORDER BY missing_share DESC NULLS LAST, gap_b - gap_a DESC NULLS LAST, position
"""


def split_url(url: str) -> tuple[str, str | None]:
    """(libpq URL without greenpark's ``schema`` option, schema name or None)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise InputError(f"store URL {url.split('@')[-1]!r} is not postgresql://...; e.g. postgresql://user@host/db")
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), None)
    rest = [(k, v) for k, v in query if k != "schema"]
    if schema is not None and not _SCHEMA_RE.match(schema):
        raise InputError(f"schema {schema!r} in the store URL is not a plain SQL name (letters, digits, _)")
    return urlunsplit(parts._replace(query=urlencode(rest))), schema


def _public_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def _retrying(method: Callable[P, T]) -> Callable[P, T]:
    """Run a store method again on a fresh connection after a transient error (see the module docstring)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        store: PostgresStore = args[0]  # type: ignore[assignment]
        return store._retry(lambda: method(*args, **kwargs), method.__name__)

    return wrapper


class PostgresStore(Store):
    """A park store in a PostgreSQL database, over a pool of connections shared by threads."""

    backend = "postgres"

    def __init__(self, url: str, options: StoreOptions | None = None) -> None:
        self.url = url
        self.options = options or StoreOptions()
        self.conninfo, self.schema = split_url(url)
        o = self.options
        kwargs: dict[str, Any] = {"connect_timeout": max(1, round(o.connect_timeout_s))}
        if "application_name" not in self.conninfo:
            kwargs["application_name"] = o.application_name
        self.pool: ConnectionPool = ConnectionPool(
            self.conninfo,
            kwargs=kwargs,
            min_size=o.pool_min,
            max_size=max(o.pool_min, o.pool_max),
            timeout=o.pool_timeout_s,
            configure=self._configure,
            check=ConnectionPool.check_connection,
            name=f"greenpark-{self.schema or 'public'}",
            open=False,
        )
        try:
            self.pool.open(wait=True, timeout=o.connect_timeout_s)
            self._create_schema()
        except (PoolTimeout, psycopg.OperationalError) as exc:
            self.pool.close()
            raise StoreError(
                f"cannot connect to PostgreSQL at {_public_url(self.conninfo)}: "
                f"{(str(exc).strip().splitlines() or [type(exc).__name__])[0]}; "
                "check the server is running and the URL (user, host, port, database)"
            ) from None
        self.migrate()

    # connections ------------------------------------------------------------------------
    def _configure(self, con: psycopg.Connection) -> None:
        """Session settings of a new connection: UTC, the schema, the timeouts (one round trip)."""
        o = self.options
        parts = [sql.SQL("SET TIME ZONE 'UTC'")]
        if self.schema:
            parts.append(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
        for name, seconds in (("statement_timeout", o.statement_timeout_s), ("lock_timeout", o.lock_timeout_s)):
            if seconds is not None:
                parts.append(sql.SQL("SET {} = {}").format(sql.Identifier(name), sql.Literal(int(seconds * 1000))))
        con.autocommit = True
        con.execute(sql.SQL("; ").join(parts))
        con.autocommit = False

    def _create_schema(self) -> None:
        if self.schema:
            with self.pool.connection() as con:
                con.autocommit = True
                con.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
                con.autocommit = False

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection]:
        """A pooled connection inside one transaction (committed when the block ends, rolled back on error)."""
        with self.pool.connection() as con, con.transaction():
            yield con

    def _retry(self, work: Callable[[], T], what: str) -> T:
        o = self.options
        for attempt in range(o.retries + 1):
            try:
                return work()
            except (psycopg.Error, PoolTimeout) as exc:
                kind = _kind(exc)
                if kind == "transient" and attempt < o.retries:
                    wait = o.retry_backoff_s * 2**attempt
                    log.warning("store %s: %s (%s); retrying in %.2f s", what, _first_line(exc), kind, wait)
                    time.sleep(wait)
                    continue
                if isinstance(exc, psycopg.DataError | psycopg.IntegrityError):
                    raise  # the data's own fault (a value a column cannot hold): the caller tells it from the store's
                raise self._translate(exc, kind, what, attempt) from exc
        raise AssertionError("unreachable")  # the loop returns or raises

    def _translate(self, exc: BaseException, kind: str, what: str, attempt: int) -> StoreError:
        where = _public_url(self.conninfo)
        if isinstance(exc, PoolTimeout):
            return StoreUnavailableError(
                f"no database connection free within {self.options.pool_timeout_s:g} s ({where}): the database is "
                "busy or unreachable; try again shortly"
            )
        if kind == "timeout":
            setting = _TIMEOUT[getattr(exc, "sqlstate", "") or "57014"]
            return StoreUnavailableError(
                f"the database did not answer {what} within its {setting} ({where}): a table is locked or the "
                "database is overloaded; try again shortly"
            )
        if kind == "transient":
            return StoreUnavailableError(
                f"the database is unreachable ({where}: {_first_line(exc)}) after {attempt + 1} attempts; "
                "try again shortly"
            )
        return StoreError(f"{what} failed on {where}: {_first_line(exc)}")

    def run_sql(self, work: Callable[[SqlSession], T], *, write: bool) -> T:
        """``work`` on a :class:`SqlSession` in one transaction on a pooled connection, retried like every method."""

        def once() -> T:
            with self._tx() as con:
                return work(SqlSession(con, "format"))

        return self._retry(once, "a service-table statement")

    def ping(self) -> None:
        """A cheap query on a pooled connection (no retry): raises when the database cannot answer."""
        try:
            with self.pool.connection(timeout=self.options.connect_timeout_s) as con:
                con.execute("SELECT 1").fetchall()
        except (psycopg.Error, PoolTimeout) as exc:
            raise self._translate(exc, _kind(exc), "a ping", 0) from exc

    # life cycle -------------------------------------------------------------------------
    @_retrying
    def migrate(self) -> int:
        """Apply the migrations not yet applied (each in one transaction); return the schema version."""
        with self._tx() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                "name VARCHAR, applied_at TIMESTAMP WITH TIME ZONE)"
            )
            # one migrating process at a time (several service workers may start together)
            con.execute("SELECT pg_advisory_xact_lock(hashtext('greenpark.migrate'))")
            row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
            current = int(row[0]) if row else 0
            for m in migrations(self.backend):
                if m.version <= current:
                    continue
                try:
                    for stmt in m.statements:
                        con.execute(stmt)  # type: ignore[arg-type]
                except psycopg.Error as exc:
                    raise StoreError(
                        f"migration {m.version} ({m.name}) failed on {_public_url(self.conninfo)}: {exc}"
                    ) from exc
                con.execute("INSERT INTO schema_version VALUES (%s, %s, now())", [m.version, m.name])
                current = m.version
        return current

    def close(self) -> None:
        """Close every connection of the pool."""
        self.pool.close()

    def drop_schema(self) -> None:
        """Drop this store's schema and everything in it (tests; needs a ``schema`` in the URL)."""
        if not self.schema:
            raise StoreError("drop_schema needs a store URL with ?schema=<name>; refusing to drop 'public'")
        with self.pool.connection() as con:
            con.autocommit = True
            con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.schema)))
            con.autocommit = False

    # parks ----------------------------------------------------------------------------
    @_retrying
    def park_ids(self) -> list[str]:
        """Ids of the parks in the store."""
        with self._tx() as con:
            return [r[0] for r in con.execute("SELECT park_id FROM parks ORDER BY park_id").fetchall()]

    @_retrying
    def save_park(self, data: ParkData) -> None:
        """Insert or replace a park's objects and record tables (its readings stay)."""
        pid = data.park.park_id
        objects = codec.object_rows(data)
        meters = codec.meter_rows(data.meters)
        with self._tx() as con:
            cur = con.cursor()
            for table in ("parks", "park_objects", "meters", "record_tables", "wastewater"):
                cur.execute(sql.SQL("DELETE FROM {} WHERE park_id = %s").format(sql.Identifier(table)), [pid])
            cur.execute(
                "INSERT INTO parks (park_id, timezone, doc) VALUES (%s, %s, %s)",
                [pid, data.park.timezone, codec.park_doc(data.park)],
            )
            if len(objects):
                cur.executemany(
                    "INSERT INTO park_objects (park_id, kind, object_id, position, doc) VALUES (%s, %s, %s, %s, %s)",
                    [(pid, r.kind, r.object_id, int(r.position), r.doc) for r in objects.itertuples()],  # type: ignore[arg-type]
                )
            if len(meters):
                cur.executemany(
                    f"INSERT INTO meters (park_id, {', '.join(codec.METER_COLUMNS)}) "
                    f"VALUES (%s{', %s' * len(codec.METER_COLUMNS)})",
                    [(pid, *[_plain(v) for v in row]) for row in meters[codec.METER_COLUMNS].itertuples(index=False)],
                )
            for name, df in data.tables.items():
                if name == "wastewater":
                    continue
                cur.execute(
                    "INSERT INTO record_tables (park_id, name, doc) VALUES (%s, %s, %s)",
                    [pid, name, codec.table_doc(df)],
                )
            ww = data.tables.get("wastewater")
            if ww is not None:
                # an empty doc marks that the park has a wastewater table (rows in table wastewater)
                cur.execute("INSERT INTO record_tables (park_id, name, doc) VALUES (%s, 'wastewater', '')", [pid])
                if len(ww):
                    rows = codec.wastewater_rows(ww)
                    rows.insert(0, "park_id", pid)
                    _copy(cur, "wastewater", rows)

    @_retrying
    def load_park(self, park_id: str) -> ParkData:
        """The park's objects and record tables. Raises ParkNotFoundError."""
        with self._tx() as con:
            row = con.execute("SELECT doc FROM parks WHERE park_id = %s", [park_id]).fetchone()
            if row is None:
                known = [r[0] for r in con.execute("SELECT park_id FROM parks ORDER BY park_id").fetchall()]
                raise ParkNotFoundError(
                    f"park {park_id!r} is not in store {_public_url(self.url)}; known parks: "
                    f"{', '.join(known) or 'none'} (import one with 'greenpark import FOLDER --store URL')"
                )
            park = codec.park_from_doc(row[0])
            objects = _frame(
                con,
                "SELECT kind, object_id, position, doc FROM park_objects WHERE park_id = %s",
                [park_id],
                ["kind", "object_id", "position", "doc"],
            )
            meters = _frame(
                con,
                f"SELECT {', '.join(codec.METER_COLUMNS)} FROM meters WHERE park_id = %s",
                [park_id],
                codec.METER_COLUMNS,
            )
            tables: dict[str, pd.DataFrame] = {}
            for name, doc in con.execute(
                "SELECT name, doc FROM record_tables WHERE park_id = %s ORDER BY name", [park_id]
            ).fetchall():
                if name == "wastewater":
                    ww = _frame(
                        con,
                        f"SELECT {', '.join(codec.WASTEWATER_COLUMNS)} FROM wastewater WHERE park_id = %s ORDER BY ts",
                        [park_id],
                        codec.WASTEWATER_COLUMNS,
                    )
                    ww["value"] = ww["value"].astype(float)
                    ww["censored"] = ww["censored"].astype(bool)
                    tables[name] = codec.wastewater_from_rows(ww)
                else:
                    tables[name] = codec.table_from_doc(doc)
        objs = codec.objects_from_rows(objects)
        return ParkData(park=park, meters=codec.meters_from_rows(meters), tables=tables, **objs)

    def _zone(self, con: psycopg.Connection, park_id: str) -> str:
        row = con.execute("SELECT timezone FROM parks WHERE park_id = %s", [park_id]).fetchone()
        if row is None:
            raise ParkNotFoundError(
                f"park {park_id!r} is not in store {_public_url(self.url)}; list the parks it holds"
            )
        return str(row[0])

    # readings -------------------------------------------------------------------------
    @_retrying
    def write_readings(self, park_id: str, readings: pd.DataFrame) -> int:
        """Upsert readings on (park_id, meter_id, ts); durable (committed) on return."""
        if readings.empty:
            return 0
        with self._tx() as con:
            return _upsert_readings(con, park_id, readings)

    @_retrying
    def write_batch(self, park_id: str, batch: IngestBatch, also: Callable[[SqlSession], T] | None = None) -> T | None:
        """Readings, quarantine rows, held-out values, wastewater and ``also`` in one transaction."""
        with self._tx() as con:
            if batch.readings is not None and len(batch.readings):
                _upsert_readings(con, park_id, batch.readings)
            if batch.rejects is not None and len(batch.rejects):
                _insert_quarantine(con, park_id, batch.rejects)
            if batch.held_out is not None and len(batch.held_out):
                _insert_held_out(con, park_id, batch.held_out)
            if batch.wastewater is not None and len(batch.wastewater):
                _upsert_wastewater(con, park_id, batch.wastewater)
            return also(SqlSession(con, "format")) if also is not None else None

    def replace_readings(self, park_id: str, batches: Iterable[pd.DataFrame | pa.RecordBatch]) -> int:
        """Replace all of a park's readings by the batches, in one transaction (COPY, streamed; not retried: the
        batches are read once)."""
        n = 0
        try:
            with self._tx() as con:
                cur = con.cursor()
                cur.execute("DELETE FROM readings WHERE park_id = %s", [park_id])
                for batch in batches:
                    df = batch.to_pandas() if isinstance(batch, pa.RecordBatch) else batch
                    df = df[["meter_id", "ts", "value"]].copy()
                    df["ts"] = pd.to_datetime(df["ts"], utc=True)
                    df.insert(0, "park_id", park_id)
                    _copy(cur, "readings", df)
                    n += len(df)
        except (psycopg.Error, PoolTimeout) as exc:
            raise self._translate(exc, _kind(exc), "replace_readings", 0) from exc
        return n

    @_retrying
    def write_wastewater(self, park_id: str, rows: pd.DataFrame) -> int:
        """Upsert wastewater rows on (wwtp_id, ts, point, parameter, method); committed on return."""
        if rows.empty:
            return 0
        with self._tx() as con:
            return _upsert_wastewater(con, park_id, rows)

    @_retrying
    def readings(self, park_id: str, meter_ids: list[str] | None, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Raw interval readings in [start, end): meter_id, ts (UTC), value."""
        _need_aware(start, end)
        query = "SELECT meter_id, ts, value FROM readings WHERE park_id = %s AND ts >= %s AND ts < %s"
        params: list[Any] = [park_id, start, end]
        if meter_ids is not None:
            query += " AND meter_id = ANY(%s)"
            params.append(list(meter_ids))
        with self._tx() as con:
            df = _frame(con, query + " ORDER BY meter_id, ts", params, ["meter_id", "ts", "value"])
        df["ts"] = pd.to_datetime(df["ts"], utc=True)
        df["value"] = df["value"].astype(float)
        return df

    @_retrying
    def consumption(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        grain: Grain = "month",
        by: Literal["meter", "tenant"] = "tenant",
        tenant_id: str | None = None,
    ) -> pd.DataFrame:
        """Sums per period cut in the park's local time, computed in PostgreSQL."""
        _need_aware(start, end)
        if grain not in ("15min", *_TRUNC):
            raise InputError(f"grain {grain!r} is not one of 15min, hour, day, month, year")
        if by not in ("meter", "tenant"):
            raise InputError(f"by {by!r} is not one of meter, tenant")
        key = "m.tenant_id" if by == "tenant" else "r.meter_id"
        with self._tx() as con:
            zone = self._zone(con, park_id)
            local = "(r.ts AT TIME ZONE %(zone)s)"
            period = (
                f"date_bin('15 minutes', {local}, TIMESTAMP '2000-01-01')"
                if grain == "15min"
                else f"date_trunc('{_TRUNC[grain]}', {local})"
            )
            query = (
                f"SELECT {key} AS key, m.kind, ({period}) AT TIME ZONE %(zone)s AS period_start, "
                "sum(r.value) AS value, count(*) AS n_values "
                "FROM readings r JOIN meters m ON m.park_id = r.park_id AND m.meter_id = r.meter_id "
                "WHERE r.park_id = %(park)s AND r.ts >= %(start)s AND r.ts < %(end)s "
                + ("AND m.tenant_id = %(tenant)s " if tenant_id is not None else "")
                + "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            )
            df = _frame(
                con,
                query,
                {"zone": zone, "park": park_id, "start": start, "end": end, "tenant": tenant_id},
                ["key", "kind", "period_start", "value", "n_values"],
            )
        key_col = "tenant_id" if by == "tenant" else "meter_id"
        df = df.rename(columns={"key": key_col})
        df[key_col] = df[key_col].astype(object).where(df[key_col].notna(), None)  # park common: None
        df["period_start"] = pd.to_datetime(df["period_start"], utc=True).dt.tz_convert(zone)
        df["value"] = df["value"].astype(float)
        df["n_values"] = df["n_values"].astype("int64")
        return df

    @_retrying
    def meter_gaps(self, park_id: str, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Expected vs received intervals per meter and its longest gap, in one query (see :meth:`Store.meter_gaps`)."""
        _need_aware(start, end)
        params = {"park": park_id, "start": start, "end": end, "t0": start.timestamp(), "t1": end.timestamp()}
        with self._tx() as con:
            self._zone(con, park_id)  # an unknown park raises ParkNotFoundError
            raw = _frame(con, _GAPS_SQL, params, _GAPS_RAW)
        return gaps_frame(raw)

    # quarantine -----------------------------------------------------------------------
    @_retrying
    def add_quarantine(self, park_id: str, rejects: pd.DataFrame) -> int:
        """Keep rejected rows (file, line, field, value, reason, raw), numbered in arrival order."""
        if rejects.empty:
            return 0
        with self._tx() as con:
            return _insert_quarantine(con, park_id, rejects)

    @_retrying
    def quarantine(self, park_id: str, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        """The rejected rows kept for a park, oldest first (a page of them with ``limit``)."""
        cols = [*REJECT_COLUMNS, "added_at"]
        page = "" if limit is None else " LIMIT %s OFFSET %s"
        params: list[Any] = [park_id, *([int(limit), int(offset)] if limit is not None else [])]
        with self._tx() as con:
            df = _frame(
                con, f"SELECT {', '.join(cols)} FROM quarantine WHERE park_id = %s ORDER BY seq{page}", params, cols
            )
        df["added_at"] = pd.to_datetime(df["added_at"], utc=True)
        return df

    @_retrying
    def quarantine_count(self, park_id: str) -> int:
        """Rows in the park's quarantine."""
        with self._tx() as con:
            row = con.execute("SELECT count(*) FROM quarantine WHERE park_id = %s", [park_id]).fetchone()
        return int(row[0]) if row else 0

    @_retrying
    def clear_quarantine(self, park_id: str) -> None:
        """Forget a park's rejected rows."""
        with self._tx() as con:
            con.execute("DELETE FROM quarantine WHERE park_id = %s", [park_id])

    # data quality ---------------------------------------------------------------------
    @_retrying
    def coverage(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        by: Literal["meter", "tenant"] = "meter",
        grain: Literal["month", "year"] = "month",
    ) -> pd.DataFrame:
        """Expected vs valid intervals per meter or tenant and local period, in SQL (see :meth:`Store.coverage`)."""
        _need_aware(start, end)
        query = q.render(q.coverage_query(by, grain), self.backend)
        default_s = vee_rule("vee.coverage", "default_interval_min") * 60.0
        with self._tx() as con:
            zone = self._zone(con, park_id)
            params = {"park": park_id, "zone": zone, "start": start, "end": end, "default_s": default_s}
            rows = con.execute(query, params).fetchall()  # type: ignore[arg-type]
        return q.coverage_frame(rows, by, zone)

    @_retrying
    def data_span(self, park_id: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """(first, last) interval start of the park's readings, park local time; None without readings."""
        with self._tx() as con:
            zone = self._zone(con, park_id)
            row = con.execute(q.render(q.PG_SPAN_QUERY, self.backend), {"park": park_id}).fetchone()  # type: ignore[arg-type]
        if row is None or row[0] is None:
            return None
        return pd.Timestamp(row[0]).tz_convert(zone), pd.Timestamp(row[1]).tz_convert(zone)

    @_retrying
    def years_with_data(self, park_id: str) -> list[int]:
        """Local calendar years with readings."""
        with self._tx() as con:
            zone = self._zone(con, park_id)
            rows = con.execute(
                q.render(q.PG_YEARS_QUERY, self.backend),  # type: ignore[arg-type]
                {"park": park_id, "zone": zone},
            ).fetchall()
        return [int(r[0]) for r in rows]

    @_retrying
    def quality_counts(self, park_id: str) -> dict[str, int]:
        """Rejected rows, held-out readings and readings accepted back."""
        with self._tx() as con:
            self._zone(con, park_id)
            row = con.execute(q.render(q.QUALITY_QUERY, self.backend), {"park": park_id}).fetchone()  # type: ignore[arg-type]
        assert row is not None
        return {"rejected": int(row[0]), "held_out": int(row[1]), "accepted_back": int(row[2])}

    @_retrying
    def add_held_out(self, park_id: str, rows: pd.DataFrame) -> int:
        """Keep held-out readings (and those accepted back, with who and when)."""
        if rows.empty:
            return 0
        with self._tx() as con:
            return _insert_held_out(con, park_id, rows)

    @_retrying
    def held_out(self, park_id: str, include_accepted: bool = False) -> pd.DataFrame:
        """Held-out readings, oldest first."""
        where = "" if include_accepted else "AND accepted_by IS NULL"
        query = q.render(q.HELD_OUT_QUERY.format(where=where), self.backend)
        with self._tx() as con:
            rows = con.execute(query, {"park": park_id}).fetchall()  # type: ignore[arg-type]
        return q.held_out_frame(rows)

    @_retrying
    def clear_held_out(self, park_id: str) -> None:
        """Forget a park's held-out readings (accept decisions stay)."""
        with self._tx() as con:
            con.execute("DELETE FROM held_out WHERE park_id = %s", [park_id])

    @_retrying
    def accept_held_out(
        self, park_id: str, meter_id: str, ts: dt.datetime | None, by: str, note: str = ""
    ) -> pd.DataFrame:
        """Accept held-out readings back: into the readings, marked in the list, kept as a decision."""
        if ts is not None:
            _need_aware(ts)
        cond = "park_id = %s AND meter_id = %s AND accepted_by IS NULL" + (" AND ts = %s" if ts is not None else "")
        params: list[Any] = [park_id, meter_id, *([ts] if ts is not None else [])]
        now = dt.datetime.now(dt.UTC)
        with self._tx() as con:
            cur = con.cursor()
            found = cur.execute(f"SELECT DISTINCT meter_id, ts, value FROM held_out WHERE {cond}", params).fetchall()  # type: ignore[arg-type]
            for m, t, v in found:
                cur.execute(
                    "INSERT INTO readings (park_id, meter_id, ts, value) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (park_id, meter_id, ts) DO UPDATE SET value = EXCLUDED.value",
                    [park_id, m, t, v],
                )
                cur.execute(
                    "INSERT INTO accepted_readings (park_id, meter_id, ts, accepted_by, accepted_at, note) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (park_id, meter_id, ts) DO UPDATE SET "
                    "accepted_by = EXCLUDED.accepted_by, accepted_at = EXCLUDED.accepted_at, note = EXCLUDED.note",
                    [park_id, m, t, by, now, note],
                )
            if found:
                cur.execute(
                    f"UPDATE held_out SET accepted_by = %s, accepted_at = %s, note = %s WHERE {cond}",  # type: ignore[arg-type]
                    [by, now, note, *params],
                )
        rows = pd.DataFrame(found, columns=["meter_id", "ts", "value"])
        rows["ts"] = pd.to_datetime(rows["ts"], utc=True)
        rows["value"] = rows["value"].astype(float)
        return rows.sort_values("ts").reset_index(drop=True)

    @_retrying
    def accepted_readings(self, park_id: str) -> pd.DataFrame:
        """The accept decisions kept for a park."""
        cols = ["meter_id", "ts", "note", "accepted_by", "accepted_at"]
        with self._tx() as con:
            df = _frame(
                con,
                f"SELECT {', '.join(cols)} FROM accepted_readings WHERE park_id = %s "
                "ORDER BY accepted_at, meter_id, ts",
                [park_id],
                cols,
            )
        df["ts"] = pd.to_datetime(df["ts"], utc=True)
        df["accepted_at"] = pd.to_datetime(df["accepted_at"], utc=True)
        return df

    # store-wide settings ------------------------------------------------------------------
    @_retrying
    def get_meta(self, key: str) -> str | None:
        """A store-wide value or None."""
        with self._tx() as con:
            row = con.execute("SELECT value FROM meta WHERE key = %s", [key]).fetchone()
        return str(row[0]) if row else None

    @_retrying
    def set_meta(self, key: str, value: str) -> None:
        """Insert or replace a store-wide value."""
        with self._tx() as con:
            con.execute(
                "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, value],
            )


# writes on a connection already in a transaction (shared by the methods and write_batch) ---------------------------
def _upsert_readings(con: psycopg.Connection, park_id: str, readings: pd.DataFrame) -> int:
    df = readings[["meter_id", "ts", "value"]].copy()
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    # one row per key, in key order: concurrent upserts then lock rows in the same order (no deadlock)
    df = df.drop_duplicates(["meter_id", "ts"], keep="last").sort_values(["meter_id", "ts"], kind="stable")
    upsert = " ON CONFLICT (park_id, meter_id, ts) DO UPDATE SET value = EXCLUDED.value"
    if len(df) <= _UNNEST_MAX_ROWS:
        con.execute(
            "INSERT INTO readings (park_id, meter_id, ts, value) "
            "SELECT %s, * FROM unnest(%s::varchar[], %s::timestamptz[], %s::float8[])" + upsert,
            [park_id, df["meter_id"].astype(str).tolist(), df["ts"].tolist(), df["value"].astype(float).tolist()],
        )
        return len(df)
    cur = con.cursor()
    cur.execute(
        "CREATE TEMP TABLE IF NOT EXISTS readings_in "
        "(park_id VARCHAR, meter_id VARCHAR, ts TIMESTAMPTZ, value DOUBLE PRECISION) ON COMMIT DELETE ROWS"
    )
    df.insert(0, "park_id", park_id)
    _copy(cur, "readings_in", df)
    cur.execute(
        "INSERT INTO readings (park_id, meter_id, ts, value) SELECT park_id, meter_id, ts, value "
        "FROM readings_in ORDER BY meter_id, ts" + upsert
    )
    return len(df)


def _insert_quarantine(con: psycopg.Connection, park_id: str, rejects: pd.DataFrame) -> int:
    df = rejects.reindex(columns=REJECT_COLUMNS).astype(object)
    df = df.where(df.notna(), None).astype(str).where(df.notna(), None)
    cur = con.cursor()
    # one writer per park at a time, so seq numbers stay dense and ordered
    cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"greenpark.quarantine.{park_id}"])
    row = cur.execute("SELECT coalesce(max(seq), 0) FROM quarantine WHERE park_id = %s", [park_id]).fetchone()
    first = int(row[0]) + 1 if row else 1
    df.insert(0, "seq", range(first, first + len(df)))
    df.insert(0, "park_id", park_id)
    df["added_at"] = dt.datetime.now(dt.UTC)
    _copy(cur, "quarantine", df)
    return len(df)


def _insert_held_out(con: psycopg.Connection, park_id: str, rows: pd.DataFrame) -> int:
    df = rows.reindex(columns=q.STORED_HELD_OUT_COLUMNS).copy()
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    df["accepted_at"] = pd.to_datetime(df["accepted_at"], utc=True)
    cur = con.cursor()
    cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"greenpark.held_out.{park_id}"])
    row = cur.execute("SELECT coalesce(max(seq), 0) FROM held_out WHERE park_id = %s", [park_id]).fetchone()
    first = int(row[0]) + 1 if row else 1
    df.insert(0, "seq", range(first, first + len(df)))
    df.insert(0, "park_id", park_id)
    _copy(cur, "held_out", df)
    return len(rows)


def _upsert_wastewater(con: psycopg.Connection, park_id: str, rows: pd.DataFrame) -> int:
    df = codec.wastewater_rows(rows)
    df.insert(0, "park_id", park_id)
    cols = ["park_id", *codec.WASTEWATER_COLUMNS]
    cur = con.cursor()
    cur.execute(
        "CREATE TEMP TABLE IF NOT EXISTS wastewater_in (LIKE wastewater INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    _copy(cur, "wastewater_in", df[cols])
    cur.execute(
        "DELETE FROM wastewater w USING wastewater_in i WHERE w.park_id = i.park_id AND w.wwtp_id = i.wwtp_id "
        "AND w.ts = i.ts AND w.point = i.point AND w.parameter = i.parameter "
        "AND coalesce(w.method, '') = coalesce(i.method, '')"
    )
    cur.execute(f"INSERT INTO wastewater ({', '.join(cols)}) SELECT {', '.join(cols)} FROM wastewater_in")
    cur.execute(
        "INSERT INTO record_tables (park_id, name, doc) VALUES (%s, 'wastewater', '') "
        "ON CONFLICT (park_id, name) DO NOTHING",
        [park_id],
    )
    return len(df)


def _frame(con: psycopg.Connection, query: str, params: Any, columns: list[str]) -> pd.DataFrame:
    rows = con.execute(query, params).fetchall()  # type: ignore[arg-type]
    return pd.DataFrame(rows, columns=columns)


def _copy(cur: psycopg.Cursor, table: str, df: pd.DataFrame) -> None:
    """Bulk-load a frame with COPY (CSV text: the fastest path from pandas)."""
    buf = io.StringIO()
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.DatetimeTZDtype):
            # numpy's ISO text in UTC (C code; pandas' strftime took ~50 ms per 20,000 rows), NULL where missing
            utc = out[c].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[us]")
            text = np.char.add(np.datetime_as_string(utc, unit="us"), "+00").astype(object)
            text[np.isnat(utc)] = None
            out[c] = text
    out.to_csv(buf, index=False, header=False, na_rep="\\N")
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in df.columns)
    stmt = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')").format(sql.Identifier(table), cols)
    with cur.copy(stmt) as copy:
        copy.write(buf.getvalue())


def _kind(exc: BaseException) -> str:
    """``transient`` (worth a retry on a fresh connection), ``timeout`` (answer at once) or ``error``."""
    if isinstance(exc, PoolTimeout):
        return "timeout"
    state = getattr(exc, "sqlstate", None)
    if state in _TIMEOUT:
        return "timeout"
    if state in _TRANSIENT or (state or "").startswith("08"):
        return "transient"
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) and state is None:
        return "transient"  # the connection broke (server closed it, network): no SQLSTATE to tell
    return "error"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _plain(v: Any) -> Any:
    """numpy scalars and NaN to Python values psycopg can send."""
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v.item() if hasattr(v, "item") else v


def _need_aware(*ts: dt.datetime) -> None:
    for t in ts:
        if t.tzinfo is None:
            raise InputError(
                f"naive datetime {t.isoformat()} given to the store; pass a tz-aware time "
                "(e.g. datetime(..., tzinfo=ZoneInfo('Asia/Ho_Chi_Minh')))"
            )
