"""The store interface: one protocol, two backends (DuckDB embedded, PostgreSQL server).

Engines never see the store. ``assess``, the CLI and the API open a store, ask it
for tidy tables (aggregations run inside the database) and hand those to engines.
SQL specific to one database stays in its backend module.

Tables a backend keeps (see ``store/migrations``): parks, tenants, roofs, meters,
wwtps, records (the park-folder record tables), readings (meter_id, ts UTC =
start of the interval, value in the meter's base unit: kWh or m3 per interval),
wastewater (analyser and lab values), quarantine (rejected rows with file, line,
field, value, reason and the raw row), meta (key/value: import fingerprints).

The schema is versioned: ``store/migrations/NNN_name.sql`` files, shared by every
backend (portable SQL), plus optional ``NNN_name.<backend>.sql`` for one backend
(see :mod:`greenpark.store.migrations`). Open a store with
:func:`greenpark.store.open_store`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import pandas as pd
import pyarrow as pa

from greenpark.model import ParkData

Grain = Literal["15min", "hour", "day", "month", "year"]
T = TypeVar("T")
GAP_COLUMNS = [
    "meter_id",
    "tenant_id",
    "kind",
    "step_s",
    "expected",
    "received",
    "missing",
    "missing_share",
    "gap_start",
    "gap_end",
    "gap_hours",
]


def gaps_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """The typed :meth:`Store.meter_gaps` frame from a backend's raw rows (gap bounds ``gap_a``/``gap_b`` in epoch s).

    Backends share this last step so both answer with the same dtypes: counts as nullable integers,
    missing values as None, gap bounds as tz-aware UTC timestamps.
    """
    out = pd.DataFrame({c: raw[c] for c in ("meter_id", "tenant_id", "kind")}).astype(object)
    out["tenant_id"] = out["tenant_id"].where(out["tenant_id"].notna(), None)
    out["step_s"] = pd.to_numeric(raw["step_s"], errors="coerce").astype(float)
    for c in ("expected", "received", "missing"):
        out[c] = pd.to_numeric(raw[c], errors="coerce").astype("Int64")
    out["missing_share"] = pd.to_numeric(raw["missing_share"], errors="coerce").astype(float)
    for c, src in (("gap_start", "gap_a"), ("gap_end", "gap_b")):
        out[c] = pd.to_datetime(pd.to_numeric(raw[src], errors="coerce"), unit="s", utc=True).dt.round("s")
    out["gap_hours"] = (out["gap_end"] - out["gap_start"]) / pd.Timedelta(hours=1)
    return out[GAP_COLUMNS].reset_index(drop=True)


@dataclass(frozen=True)
class StoreOptions:
    """How a server store (PostgreSQL) uses its connections; the service builds these from its settings.

    Defaults fit a command-line run (no timeouts: an import may take minutes); ``greenpark serve`` passes the
    ``GREENPARK_STORE_*`` settings.

    Attributes
    ----------
    pool_min, pool_max : connections kept open, and the most opened at once.
    pool_timeout_s : longest wait for a free connection (then :class:`~greenpark.errors.StoreUnavailableError`).
    connect_timeout_s : longest wait for the first connection when the store is opened.
    statement_timeout_s, lock_timeout_s : PostgreSQL ``statement_timeout`` and ``lock_timeout`` of every
        connection (None: the server's, usually none); a statement that runs into one fails at once, unretried.
    retries : attempts after the first for a transient error (connection lost, server restarting, serialization
        failure, deadlock), ``retry_backoff_s`` before the first retry, doubled before each next one.
    application_name : shown in ``pg_stat_activity`` (unless the URL sets ``application_name``).
    """

    pool_min: int = 1
    pool_max: int = 4
    pool_timeout_s: float = 30.0
    connect_timeout_s: float = 10.0
    statement_timeout_s: float | None = None
    lock_timeout_s: float | None = None
    retries: int = 3
    retry_backoff_s: float = 0.1
    application_name: str = "greenpark"


@dataclass
class IngestBatch:
    """What one arriving batch writes, all in one transaction (:meth:`Store.write_batch`).

    ``readings``: meter_id, ts (UTC), value (upserted on meter_id, ts); ``rejects``: the quarantine columns (file,
    line, field, value, reason, raw); ``held_out``: the held-out columns (``store.sql.STORED_HELD_OUT_COLUMNS``);
    ``wastewater``: canonical wastewater rows (upserted on wwtp_id, timestamp, point, parameter, method).
    """

    readings: pd.DataFrame | None = None
    rejects: pd.DataFrame | None = None
    held_out: pd.DataFrame | None = None
    wastewater: pd.DataFrame | None = None


class SqlSession:
    """Short parameterised statements on one connection, SQL written once with ``?`` placeholders.

    Parameters
    ----------
    con : a DB-API connection or cursor (DuckDB cursor, psycopg connection).
    paramstyle : ``"qmark"`` (DuckDB) or ``"format"`` (psycopg: ``?`` becomes ``%s``).
    """

    def __init__(self, con: Any, paramstyle: str) -> None:
        self.con = con
        self._format = paramstyle == "format"

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._format else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return the row count when the driver knows it (else -1)."""
        cur = self.con.execute(self._sql(sql), tuple(params))
        return getattr(cur, "rowcount", -1)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a query; rows as dicts keyed by column name."""
        cur = self.con.execute(self._sql(sql), tuple(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        """The first row of a query, or None."""
        found = self.rows(sql, params)
        return found[0] if found else None


class Store(ABC):
    """What every backend offers. All timestamps in and out are tz-aware.

    A naive datetime argument raises :class:`~greenpark.errors.InputError`; an unknown
    park raises :class:`~greenpark.errors.ParkNotFoundError`; missing values come back
    as None (e.g. the ``tenant_id`` of a park common meter), not NaN.
    """

    @abstractmethod
    def migrate(self) -> int:
        """Bring the schema to the latest version; return that version."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    # parks and their static data -------------------------------------------------
    @abstractmethod
    def park_ids(self) -> list[str]:
        """Ids of the parks in the store."""

    @abstractmethod
    def save_park(self, data: ParkData) -> None:
        """Insert or replace a park's objects and record tables (not its readings)."""

    @abstractmethod
    def load_park(self, park_id: str) -> ParkData:
        """The park's objects and record tables. Raises ParkNotFoundError."""

    # readings ------------------------------------------------------------------
    @abstractmethod
    def write_readings(self, park_id: str, readings: pd.DataFrame) -> int:
        """Upsert interval readings (columns meter_id, ts [UTC], value) on (meter_id, ts).

        Idempotent: writing the same batch twice changes nothing. Durable on return.
        Returns the number of rows written.
        """

    @abstractmethod
    def write_batch(self, park_id: str, batch: IngestBatch, also: Callable[[SqlSession], T] | None = None) -> T | None:
        """Write an arriving batch (readings, quarantine rows, held-out values, wastewater) in one transaction.

        ``also`` runs in the same transaction, given a :class:`SqlSession` on it (the service writes the alerts the
        batch raised there), and its result is returned. Durable on return; on error nothing is written.
        """

    @abstractmethod
    def write_wastewater(self, park_id: str, rows: pd.DataFrame) -> int:
        """Upsert canonical wastewater rows on (wwtp_id, timestamp, point, parameter, method); durable on return."""

    @abstractmethod
    def replace_readings(self, park_id: str, batches: Iterable[pd.DataFrame | pa.RecordBatch]) -> int:
        """Replace all of a park's readings by the given batches (bulk import; streamed).

        Batches have columns meter_id, ts (UTC), value and hold no duplicate (meter_id, ts)
        (the importer has rejected them). Faster than :meth:`write_readings` because it
        skips the upsert. Atomic: on error the old readings stay. Returns rows written.
        """

    @abstractmethod
    def readings(self, park_id: str, meter_ids: list[str] | None, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Raw interval readings in [start, end): columns meter_id, ts (UTC), value."""

    @abstractmethod
    def consumption(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        grain: Grain = "month",
        by: Literal["meter", "tenant"] = "tenant",
        tenant_id: str | None = None,
    ) -> pd.DataFrame:
        """Sum of interval values per period, cut in the park's local time, in the database.

        Columns: ``tenant_id`` (None = park common) or ``meter_id``, ``kind``,
        ``period_start`` (tz-aware, park zone), ``value`` (kWh or m3), ``n_values``.
        ``tenant_id`` keeps only that tenant's meters (filtered in the query, so one tenant's
        hourly profile does not read the whole park's).
        """

    @abstractmethod
    def meter_gaps(self, park_id: str, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Expected vs received intervals of every meter of the park in [start, end), and its longest gap.

        One query, in the database. A meter's step is the most frequent spacing of its readings in the
        period (ties: the shorter); a gap is a spacing longer than one step, plus the stretches from
        ``start`` to the first reading and from the last reading's interval end to ``end``.

        Columns, worst first (share missing, then longest gap): ``meter_id``, ``tenant_id`` (None = park
        common), ``kind``, ``step_s`` (seconds; None below two readings), ``expected`` (whole steps in the
        period; None when the step is unknown), ``received``, ``missing`` (expected - received, at least 0),
        ``missing_share`` (missing / expected; 1.0 for a meter without readings; None, sorted last, for a
        single reading), ``gap_start``, ``gap_end``
        (UTC; None without a gap), ``gap_hours``.
        """

    # quarantine ----------------------------------------------------------------
    @abstractmethod
    def add_quarantine(self, park_id: str, rejects: pd.DataFrame) -> int:
        """Keep rejected rows: columns file, line, field, value, reason, raw."""

    @abstractmethod
    def quarantine(self, park_id: str, limit: int | None = None, offset: int = 0) -> pd.DataFrame:
        """The rejected rows kept for a park, oldest first (``limit`` rows from ``offset``: paged in the database)."""

    @abstractmethod
    def quarantine_count(self, park_id: str) -> int:
        """How many rows the park's quarantine holds."""

    @abstractmethod
    def clear_quarantine(self, park_id: str) -> None:
        """Forget a park's rejected rows (a re-import replaces them)."""

    # data quality (issue 14) -----------------------------------------------------
    @abstractmethod
    def coverage(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        by: Literal["meter", "tenant"] = "meter",
        grain: Literal["month", "year"] = "month",
    ) -> pd.DataFrame:
        """Expected and valid intervals per meter (or tenant) and local period in [start, end), in SQL.

        Columns: ``meter_id`` (by="meter") or ``tenant_id`` (by="tenant"; None = park common), ``kind``,
        ``period_start`` (tz-aware, the park's local period start), ``expected_intervals`` (int: whole
        steps in the period clipped to [start, end)), ``valid_intervals`` (int: stored readings; held-out
        values are not stored), ``coverage`` (valid / expected, 0..1), ``longest_gap_h`` (hours without
        a reading). A meter's step is ``interval_min`` from meters.csv, else its most common spacing in
        [start, end), else ``vee.coverage default_interval_min`` (reference ``quality/vee_rules``). A tenant:
        its meters of that kind, sum(valid) / sum(expected), longest gap = max over its meters. Every
        meter appears in every period (valid 0 where it has no readings).
        """

    @abstractmethod
    def data_span(self, park_id: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """(first, last) interval start of the park's readings in park local time, or None without readings."""

    @abstractmethod
    def years_with_data(self, park_id: str) -> list[int]:
        """The local calendar years in which the park has readings, ascending."""

    @abstractmethod
    def quality_counts(self, park_id: str) -> dict[str, int]:
        """``rejected`` (distinct rows in the quarantine), ``held_out`` (not accepted back), ``accepted_back``."""

    @abstractmethod
    def add_held_out(self, park_id: str, rows: pd.DataFrame) -> int:
        """Keep readings held out by a plausibility rule (columns of ``io.plausibility.HELD_OUT_COLUMNS``,
        optionally ``accepted_by``, ``accepted_at``, ``note`` for those accepted back)."""

    @abstractmethod
    def held_out(self, park_id: str, include_accepted: bool = False) -> pd.DataFrame:
        """The held-out readings (oldest first): file, line, meter_id, ts (UTC interval start), value, bound,
        unit, rule_id, reason, raw, accepted_by, accepted_at, note. Accepted ones only with ``include_accepted``."""

    @abstractmethod
    def clear_held_out(self, park_id: str) -> None:
        """Forget a park's held-out readings (a re-import lists them again); accept decisions stay."""

    @abstractmethod
    def accept_held_out(
        self, park_id: str, meter_id: str, ts: dt.datetime | None, by: str, note: str = ""
    ) -> pd.DataFrame:
        """Accept held-out readings back, in one transaction: into the readings, marked accepted (who, when)
        in the held-out list, and kept as a decision a re-import applies again.

        ``ts`` None accepts every held-out reading of the meter. Returns the rows accepted (meter_id, ts, value).
        """

    @abstractmethod
    def accepted_readings(self, park_id: str) -> pd.DataFrame:
        """The accept decisions kept for a park: meter_id, ts (UTC), note, accepted_by, accepted_at."""

    # service tables and health -------------------------------------------------------
    @abstractmethod
    def run_sql(self, work: Callable[[SqlSession], T], *, write: bool) -> T:
        """Run ``work`` with a :class:`SqlSession` on a connection of this store, in one transaction.

        For the service's own tables (users, tokens, alerts: ``greenpark.api.servicedb``). ``write`` says whether
        ``work`` changes anything (the embedded store then takes its single-writer lock). A server store retries
        it on a transient error, like its other methods.
        """

    @abstractmethod
    def ping(self) -> None:
        """A cheap query; raises :class:`~greenpark.errors.StoreError` when the database cannot answer."""

    # store-wide settings ---------------------------------------------------------
    @abstractmethod
    def get_meta(self, key: str) -> str | None:
        """A store-wide value (e.g. ``import:<path>`` -> JSON of the import's fingerprint), or None."""

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None:
        """Set a store-wide value (insert or replace)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
