"""Readings as Parquet partitioned by park and month: the export from a store and a readings source over the files.

For many parks (a province, a country) the readings leave the parks' stores as Parquet files that any worker can
read: ``DIR/park_id=<id>/month=<YYYY-MM>/data_0.parquet`` (hive partitioning; the month is the park's local month),
columns ``meter_id``, ``ts`` (UTC instant), ``value`` (the meter's unit). :func:`export_readings` writes them with
DuckDB's ``COPY ... (FORMAT parquet, PARTITION_BY (park_id, month))`` from the store's own readings, month by month
(memory stays one month of one park). :class:`ParquetReadings` reads them back with DuckDB and implements the
:class:`greenpark.runs.Readings` protocol with the same queries as the DuckDB store (its ``consumption_in`` and the
shared coverage, span and years queries of :mod:`greenpark.store.sql`), so every engine runs unchanged on it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from greenpark.errors import InputError
from greenpark.model import ParkData
from greenpark.periods import month_bounds
from greenpark.reference.quality import vee_rule
from greenpark.store import sql as q
from greenpark.store.base import Grain, Store
from greenpark.store.duckdb import consumption_in

PARTITIONS = ("park_id", "month")


def _connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={} if threads is None else {"threads": threads})
    con.execute("SET GLOBAL TimeZone='UTC'")  # timestamps read and written as UTC instants
    return con


def park_folder(root: str | Path, park_id: str) -> Path:
    """The folder of one park's partitions: ``root/park_id=<id>``."""
    return Path(root) / f"park_id={park_id}"


def export_readings(store: Store, park_id: str, root: str | Path) -> dict[str, int]:
    """Write a park's stored readings as Parquet partitioned by park and local month; returns rows per month.

    The park's earlier export under ``root`` is replaced (a month that no longer has readings does not linger).

    Parameters
    ----------
    store : Store
        The store holding the park (DuckDB or PostgreSQL: the readings are asked month by month with
        :meth:`Store.readings`).
    park_id : str
        The park.
    root : path
        The dataset folder (shared by many parks).

    Returns
    -------
    dict
        ``{"YYYY-MM": rows}`` for each month written.
    """
    span = store.data_span(park_id)  # an unknown park: ParkNotFoundError naming the parks the store has
    if span is None:
        raise InputError(f"park {park_id!r} has no readings to export; import or ingest readings first")
    target = park_folder(root, park_id)
    if target.exists():
        shutil.rmtree(target)
    Path(root).mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    con = _connect()
    try:
        start, _ = month_bounds(span[0].to_pydatetime())
        while start <= span[1]:
            end = month_bounds(start)[1]
            frame = store.readings(park_id, None, start, end)
            if not frame.empty:
                key = f"{start:%Y-%m}"
                batch = frame.assign(park_id=park_id, month=key)[["park_id", "month", "meter_id", "ts", "value"]]
                con.register("batch", batch)
                con.execute(
                    f"COPY (SELECT * FROM batch ORDER BY meter_id, ts) TO '{_quoted(root)}' "
                    "(FORMAT parquet, PARTITION_BY (park_id, month), OVERWRITE_OR_IGNORE true)"
                )
                con.unregister("batch")
                written[key] = len(frame)
            start = end
    finally:
        con.close()
    return written


def _quoted(path: str | Path) -> str:
    """A path as a SQL string literal's content (COPY TO and read_parquet take no parameters here)."""
    return str(Path(path).resolve()).replace("'", "''")


class ParquetReadings:
    """A :class:`greenpark.runs.Readings` source over one park's Parquet partitions, queried with DuckDB.

    The park's meters (tenant, kind, interval) and zone come from its :class:`ParkData` (the park folder or the
    store); only the readings come from the files. Each call uses its own cursor, so engine stages in threads
    may ask at once.

    Parameters
    ----------
    root : path
        The dataset folder written by :func:`export_readings`.
    data : ParkData
        The park.
    threads : int, optional
        DuckDB threads for the queries (default: one per core). A Dask worker that runs one park at a time beside
        other workers on the same cores sets 1, so that N workers run N threads, not N x cores.
    """

    def __init__(self, root: str | Path, data: ParkData, threads: int | None = None) -> None:
        self.park_id = data.park.park_id
        self.zone = data.park.timezone
        self._db = _connect(threads)
        self._lock = threading.Lock()
        files = sorted(park_folder(root, self.park_id).glob("month=*/*.parquet"))
        if files:
            glob = f"{_quoted(park_folder(root, self.park_id))}/month=*/*.parquet"
            self._db.execute(
                f"CREATE VIEW readings AS SELECT park_id, meter_id, ts, value FROM read_parquet('{glob}', "
                "hive_partitioning = true, hive_types = {'park_id': VARCHAR, 'month': VARCHAR})"
            )
        else:  # no export for this park: no readings (runs says so, naming the years there are: none)
            self._db.execute(
                "CREATE TABLE readings (park_id VARCHAR, meter_id VARCHAR, ts TIMESTAMPTZ, value DOUBLE PRECISION)"
            )
        meters = pd.DataFrame(
            {
                "park_id": self.park_id,
                "meter_id": [m.meter_id for m in data.meters],
                "tenant_id": [m.tenant_id for m in data.meters],
                "kind": [str(m.kind) for m in data.meters],
                "interval_min": pd.array([m.interval_min for m in data.meters], dtype="Float64"),
            }
        )
        self._db.register("meters_frame", meters)
        self._db.execute("CREATE TABLE meters AS SELECT * FROM meters_frame")
        self._db.unregister("meters_frame")

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._db.cursor()

    def _check(self, park_id: str) -> None:
        if park_id != self.park_id:
            raise InputError(f"these Parquet readings are park {self.park_id!r}'s, not {park_id!r}")

    def consumption(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        grain: Grain = "month",
        by: Literal["tenant", "meter"] = "tenant",
        tenant_id: str | None = None,
    ) -> pd.DataFrame:
        """Sum of interval values per period (the DuckDB store's query, on the files)."""
        self._check(park_id)
        with self._cursor() as con:
            return consumption_in(con, self.zone, park_id, start, end, grain, by, tenant_id)

    def coverage(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        by: Literal["tenant", "meter"] = "meter",
        grain: Literal["month", "year"] = "month",
    ) -> pd.DataFrame:
        """Expected and valid intervals per meter or tenant and period (the stores' shared query)."""
        self._check(park_id)
        params = {
            "park": park_id,
            "zone": self.zone,
            "start": start.astimezone(dt.UTC),
            "end": end.astimezone(dt.UTC),
            "default_s": vee_rule("vee.coverage", "default_interval_min") * 60.0,
        }
        with self._cursor() as con:
            rows = con.execute(q.render(q.coverage_query(by, grain), "duckdb"), params).fetchall()
        return q.coverage_frame(rows, by, self.zone)

    def years_with_data(self, park_id: str) -> list[int]:
        """The local calendar years with readings, ascending."""
        self._check(park_id)
        with self._cursor() as con:
            rows = con.execute(q.render(q.YEARS_QUERY, "duckdb"), {"park": park_id, "zone": self.zone}).fetchall()
        return [int(r[0]) for r in rows]

    def data_span(self, park_id: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """(first, last) reading in park local time, or None."""
        self._check(park_id)
        with self._cursor() as con:
            lo, hi = con.execute(q.render(q.SPAN_QUERY, "duckdb"), {"park": park_id}).fetchall()[0]
        if lo is None:
            return None
        return pd.Timestamp(lo).tz_convert(self.zone), pd.Timestamp(hi).tz_convert(self.zone)

    def close(self) -> None:
        """Close the in-memory database."""
        self._db.close()
