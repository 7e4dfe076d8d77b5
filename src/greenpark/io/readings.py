"""Meter readings: text rows in, interval consumption (kWh or m3, UTC interval start) out.

The readings of a year of 15-minute data for a thousand meters (35 million rows) do
not fit comfortably in pandas, so they are staged in a scratch DuckDB database on disk
(bounded memory; DuckDB spills to its temp directory) and every rule runs there as SQL:

row rules (one row at a time)
    unknown meter id; timestamp that does not parse; value that is not a finite number;
    negative interval consumption; negative register value.
set rules (per meter, in time order)
    duplicate (meter, timestamp): identical values keep the first row and reject the
    others as identical duplicates; different values reject every row of the group
    (nobody can tell which one is right);
    cumulative registers: each reading after the first gives the consumption of the
    interval that ends at it (labelled with the interval's start, the previous reading's
    timestamp). A drop is a rollover when ``register_max`` is known and the repaired step
    ``next - previous + register_max`` is below ``rollover_max_fraction`` of the register
    range (reference table ``io/validation``): it is repaired and reported as a warning.
    Any other drop is a reset or negative step: the reading is rejected (its interval is
    not counted) and the register continues from it.
    Gaps (a step between readings that pass the row rules longer than ``gap_warning_steps``
    times the meter's mean step) are warnings; for a cumulative meter such an interval spans
    the gap. Duplicates and gaps come from one pass over the readings in time order.

Counts: read = accepted + rejected. An accepted cumulative reading that is a meter's
first gives no interval (it is the base of the next one).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from greenpark.errors import MissingFactorError
from greenpark.io.plausibility import empty_held_out, find_held_out, held_out_frame, run_warnings
from greenpark.io.quarantine import REJECT_COLUMNS, FileCount, ProblemLog
from greenpark.io.sources import LINE, Sheet
from greenpark.io.timestamps import local_text, sql_quote, timestamp_sql
from greenpark.model import Meter
from greenpark.reference import load_table
from greenpark.units import base_unit, conversion_factor

log = logging.getLogger(__name__)

READING_COLUMNS = ("meter_id", "timestamp", "value")


def validation_threshold(name: str) -> float:
    """A threshold of the import validation (reference table ``io/validation``)."""
    df = load_table("io/validation")
    row = df[df["name"] == name]
    if row.empty:
        raise MissingFactorError(f"no row {name!r} in reference table io/validation; known: {', '.join(df['name'])}")
    return float(row["value"].iloc[0])


#: DuckDB memory limit of the stage while the set rules sort it (the file is read by then). 35 M rows,
#: bench_import.py --meters 1000, quiet machine, 2026-12-07: 256MB 88.9 CPU-s and 768 MiB peak,
#: 384MB 79.5 CPU-s and 852 MiB, 512MB 75.5 CPU-s and 981 MiB (too near the 1 GiB target)
SORT_MEMORY_LIMIT = "384MB"


class ReadingsStage:
    """Readings staged in a scratch DuckDB database (spilling to a temp folder) while they are validated.

    Use as a context manager: ``add`` batches, ``finish`` once, then read the result with
    :meth:`frame` (small data) or :meth:`iter_batches` (streaming into a store).

    ``source`` (optional) reads the same batches again. With it, the stage keeps the line as written
    (``raw``) only for rows a row rule rejects, and :meth:`finish` reads the file again for the few
    lines a set rule rejects or a plausibility rule holds out (none in most files): the raw text of
    every row was a third of the stage's bytes and a quarter of its CPU (issue 20).
    """

    def __init__(
        self,
        file: str,
        meters: list[Meter],
        zone: str,
        memory_limit: str = "256MB",
        accepted: pd.DataFrame | None = None,
        source: Callable[[], Iterable[Sheet]] | None = None,
    ) -> None:
        self.file = file
        self.zone = zone
        self._source = source
        self._dir = Path(tempfile.mkdtemp(prefix="greenpark-readings-"))
        # in-memory database whose blocks DuckDB evicts to temp_directory beyond memory_limit:
        # bounded memory without paying for compressing a file we throw away
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone='UTC'")
        self.con.execute(f"SET memory_limit={sql_quote(memory_limit)}")
        self.con.execute(f"SET temp_directory={sql_quote(str(self._dir / 'spill'))}")
        self.con.execute("SET preserve_insertion_order=false")
        self.bad_rows = 0
        self.count = FileCount(file)
        self._finished = False
        factors = [conversion_factor(x.unit, base_unit(x.kind.dimension)) for x in meters]
        m = pd.DataFrame(
            {
                "meter_id": [x.meter_id for x in meters],
                "tenant_id": [x.tenant_id for x in meters],
                "cumulative": [x.cumulative for x in meters],
                "factor": factors,
                "register_max": [_scaled(x.register_max, f) for x, f in zip(meters, factors, strict=True)],
                "max_kw": [x.max_kw for x in meters],
                "max_per_interval": [_scaled(x.max_per_interval, f) for x, f in zip(meters, factors, strict=True)],
                "interval_s": [x.interval_min * 60 if x.interval_min else None for x in meters],
                "base_unit": [base_unit(x.kind.dimension) for x in meters],
            }
        )
        for c in ("register_max", "max_kw", "max_per_interval", "interval_s"):
            m[c] = m[c].astype(float)
        m["tenant_id"] = m["tenant_id"].astype(object)
        self.con.execute(
            "CREATE TABLE meters (meter_id VARCHAR, tenant_id VARCHAR, cumulative BOOLEAN, factor DOUBLE, "
            "register_max DOUBLE, max_kw DOUBLE, max_per_interval DOUBLE, interval_s DOUBLE, base_unit VARCHAR)"
        )
        if len(m):
            self.con.execute("INSERT INTO meters SELECT * FROM m")
        # held-out values a person accepted back (accepted.csv, greenpark accept): meter_id, ts (UTC)
        acc = (
            accepted[["meter_id", "ts"]].copy()
            if accepted is not None and len(accepted)
            else pd.DataFrame(
                {"meter_id": pd.Series([], dtype=object), "ts": pd.Series([], dtype="datetime64[us, UTC]")}
            )
        )
        acc["ts"] = pd.to_datetime(acc["ts"], utc=True)
        self.con.execute("CREATE TABLE accepted (meter_id VARCHAR, ts TIMESTAMPTZ)")
        if len(acc):
            self.con.execute("INSERT INTO accepted SELECT DISTINCT meter_id, ts FROM acc")
        self.held_out = empty_held_out()
        self.accepted_back = empty_held_out()
        known = sorted(m["meter_id"])
        self._known_text = ", ".join(known[:8]) + (" ..." if len(known) > 8 else "") or "none"
        self.con.execute(
            "CREATE TABLE stage (line BIGINT, meter_id VARCHAR, ts TIMESTAMPTZ, v DOUBLE, "
            "reason VARCHAR, field VARCHAR, value VARCHAR, raw VARCHAR)"
        )
        self.con.execute(
            "CREATE TABLE rejects_extra (line BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR, raw VARCHAR)"
        )
        self.warnings: list[dict[str, object]] = []

    def __enter__(self) -> ReadingsStage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop the scratch database."""
        try:
            self.con.close()
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)

    # -- loading -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every staged row (to read the file again)."""
        self.con.execute("DELETE FROM stage")
        self.con.execute("DELETE FROM rejects_extra")
        self.bad_rows = 0

    def add(self, sheet: Sheet) -> None:
        """Stage one batch of text rows (columns meter_id, timestamp, value, _line)."""
        for b in sheet.bad_rows:
            self.con.execute("INSERT INTO rejects_extra VALUES (?, '', '', ?, ?)", [b.line, b.reason, b.text])
        self.bad_rows += len(sheet.bad_rows)
        table = sheet.arrow()
        if table.num_rows == 0:
            return
        missing = [c for c in READING_COLUMNS if c not in table.column_names]
        note = None
        if missing:
            names = [c for c in table.column_names if c != LINE]
            for c in missing:
                table = table.append_column(c, pa.array([""] * table.num_rows, pa.string()))
            note = f"file has no column {missing[0]!r} (required; columns: {', '.join(READING_COLUMNS)})"
            if len(names) == 1 and any(sep in names[0] for sep in (";", "\t")):
                note += "; the header looks ';'- or tab-separated: save the CSV with ',' as separator"
        batch = table.select([*READING_COLUMNS, LINE])
        ts = timestamp_sql("b.timestamp")
        known = sql_quote(self._known_text)
        missing_reason = f"{sql_quote(note)}" if note else "NULL"
        raw = "concat_ws(',', meter_id_raw, ts_raw, value_raw)"
        if self._source is not None:
            raw = f"CASE WHEN reason IS NULL THEN NULL ELSE {raw} END"
        self.con.register("batch", batch)
        # naive timestamps are park local time: parse with the session zone set to the park's
        self.con.execute(f"SET TimeZone={sql_quote(self.zone)}")
        try:
            self._insert(ts, known, missing_reason, raw)
        finally:
            self.con.execute("SET TimeZone='UTC'")
            self.con.unregister("batch")

    def _insert(self, ts: str, known: str, missing_reason: str, raw: str) -> None:
        self.con.execute(f"""
            INSERT INTO stage
            SELECT line, meter_id, ts, v, reason,
                   CASE WHEN reason IS NULL THEN NULL ELSE field END,
                   CASE WHEN reason IS NULL THEN NULL ELSE value END,
                   {raw}
            FROM (
              SELECT b.{LINE} AS line, trim(b.meter_id) AS meter_id, p.ts, p.vnum * m.factor AS v,
                CASE
                  WHEN {missing_reason} IS NOT NULL THEN {missing_reason}
                  WHEN m.meter_id IS NULL THEN 'unknown meter id: not in meters.csv (known: ' || {known} || ')'
                  WHEN p.ts IS NULL THEN 'timestamp does not parse as ISO 8601 (e.g. 2024-03-01T08:15:00 or ...+07:00)'
                  WHEN p.vnum IS NULL OR NOT isfinite(p.vnum) THEN 'value is not a finite number (use a decimal point)'
                  WHEN NOT m.cumulative AND p.vnum < 0 THEN 'negative interval consumption'
                  WHEN m.cumulative AND p.vnum < 0 THEN 'negative register value'
                END AS reason,
                CASE
                  WHEN m.meter_id IS NULL THEN 'meter_id'
                  WHEN p.ts IS NULL THEN 'timestamp'
                  ELSE 'value'
                END AS field,
                CASE
                  WHEN m.meter_id IS NULL THEN b.meter_id
                  WHEN p.ts IS NULL THEN b.timestamp
                  ELSE b.value
                END AS value,
                b.meter_id AS meter_id_raw, b.timestamp AS ts_raw, b.value AS value_raw
              FROM batch b
              LEFT JOIN meters m ON m.meter_id = trim(b.meter_id)
              CROSS JOIN LATERAL (SELECT {ts} AS ts, TRY_CAST(trim(b.value) AS DOUBLE) AS vnum) p
            )
        """)

    # -- set rules -----------------------------------------------------------------------------
    def finish(self, problems: ProblemLog) -> FileCount:
        """Apply the set rules, report rejects and warnings into ``problems``, return the counts."""
        con = self.con
        # the file is read: the reader's buffers are gone, so the sort below gets the room they held instead of
        # spilling to disk
        con.execute(f"SET memory_limit={sql_quote(SORT_MEMORY_LIMIT)}")
        # one pass in (meter, time) order finds the duplicates, the gaps and the repeated values (runs of one
        # value, for the flat-line and zero-run warnings of a meter whose readings the set rules leave as they
        # are); each sort of the stage cost about 3 CPU-s at 7 M rows (issue 20)
        thr = validation_threshold("gap_warning_steps")
        # the meter's mean step comes from the same window (its whole partition), not from a second scan
        # of the stage joined back to every row
        con.execute(f"""
            CREATE TEMP TABLE seq AS
            SELECT meter_id, prev_ts, ts, mean_s, v, prev_v, prev_line, rn,
                   prev_ts = ts OR epoch(ts) - epoch(prev_ts) > {thr} * mean_s AS step FROM (
              SELECT meter_id, ts, v, lag(ts) OVER w AS prev_ts, lag(v) OVER w AS prev_v,
                     lag(line) OVER w AS prev_line, row_number() OVER w AS rn,
                     (epoch(max(ts) OVER p) - epoch(min(ts) OVER p)) / nullif(count(*) OVER p - 1, 0) AS mean_s
              FROM stage WHERE reason IS NULL
              WINDOW w AS (PARTITION BY meter_id ORDER BY ts),
                     p AS (PARTITION BY meter_id ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
            WHERE prev_ts = ts OR epoch(ts) - epoch(prev_ts) > {thr} * mean_s OR v = prev_v
        """)
        con.execute("CREATE VIEW steps AS SELECT meter_id, prev_ts, ts, mean_s FROM seq WHERE step")
        # duplicates (meter, ts)
        con.execute("CREATE TEMP TABLE dupkeys AS SELECT DISTINCT meter_id, ts FROM steps WHERE prev_ts = ts")
        con.execute("""
            CREATE TEMP TABLE dups AS
            SELECT s.meter_id, s.ts, count(*) AS n, count(DISTINCT s.v) AS nv, min(s.line) AS first_line,
                   string_agg(CAST(s.line AS VARCHAR), ', ' ORDER BY s.line) AS lines,
                   string_agg(CAST(s.v AS VARCHAR), ', ' ORDER BY s.line) AS vals
            FROM stage s JOIN dupkeys k ON s.meter_id = k.meter_id AND s.ts = k.ts
            WHERE s.reason IS NULL GROUP BY s.meter_id, s.ts
        """)
        zone = sql_quote(self.zone)
        con.execute(f"""
            UPDATE stage SET
              reason = CASE WHEN d.nv > 1
                THEN 'duplicate (meter, timestamp) with different values (' || d.vals || ' on lines ' || d.lines
                     || '); none kept: fix the source and re-import'
                ELSE 'identical duplicate of line ' || d.first_line || ' (kept once)' END,
              field = 'timestamp', value = strftime(stage.ts AT TIME ZONE {zone}, '%Y-%m-%d %H:%M')
            FROM dups d
            WHERE stage.meter_id = d.meter_id AND stage.ts = d.ts AND stage.reason IS NULL
              AND (d.nv > 1 OR stage.line <> d.first_line)
        """)
        # cumulative registers -> interval consumption
        frac = validation_threshold("rollover_max_fraction")
        con.execute("""
            CREATE TEMP TABLE cum AS
            SELECT s.line, s.meter_id, s.ts, s.v, m.register_max,
                   lag(s.ts) OVER w AS prev_ts, lag(s.v) OVER w AS prev_v
            FROM stage s JOIN meters m USING (meter_id)
            WHERE m.cumulative AND s.reason IS NULL
            WINDOW w AS (PARTITION BY s.meter_id ORDER BY s.ts)
        """)
        con.execute(f"""
            CREATE TEMP TABLE cum_out AS
            SELECT line, meter_id, prev_ts AS ts, ts AS end_ts, v, prev_v,
              CASE WHEN v >= prev_v THEN v - prev_v
                   WHEN register_max IS NOT NULL AND v - prev_v + register_max <= {frac} * register_max
                        THEN v - prev_v + register_max
              END AS delta,
              v < prev_v AS dropped
            FROM cum WHERE prev_ts IS NOT NULL
        """)
        for line, meter, ts, v, pv in con.execute(
            "SELECT line, meter_id, end_ts, v, prev_v FROM cum_out WHERE dropped AND delta IS NOT NULL ORDER BY line"
        ).fetchall():
            self.warnings.append(
                {
                    "file": self.file,
                    "code": "readings.rollover",
                    "subject": meter,
                    "line": line,
                    "message": f"register rollover repaired at {local_text(ts, self.zone)}: "
                    f"{pv:g} -> {v:g} kWh or m3 (register_max from meters.csv)",
                }
            )
        con.execute("""
            UPDATE stage SET
              reason = 'cumulative register went down from ' || c.prev_v || ' to ' || c.v
                       || ' (in kWh or m3; reset or negative step'
                       || CASE WHEN m.register_max IS NULL THEN '; if it is a rollover, give register_max in meters.csv'
                               ELSE '; too large for a rollover of register_max ' || m.register_max END
                       || '); interval not counted, the register continues from this reading',
              field = 'value', value = CAST(c.v AS VARCHAR)
            FROM cum_out c, meters m
            WHERE stage.line = c.line AND stage.meter_id = c.meter_id AND m.meter_id = c.meter_id
              AND c.dropped AND c.delta IS NULL
        """)
        con.execute("""
            CREATE VIEW candidates AS
            SELECT s.line, s.meter_id, s.ts, CAST(NULL AS TIMESTAMPTZ) AS end_ts, s.v AS value
            FROM stage s JOIN meters m USING (meter_id)
            WHERE s.reason IS NULL AND NOT m.cumulative
            UNION ALL
            SELECT line, meter_id, ts, end_ts, delta AS value FROM cum_out WHERE delta IS NOT NULL
        """)
        # plausibility (VEE): values beyond the meter's bound are held out unless accepted back
        find_held_out(con, self.file, self.zone)
        self._fill_raw()
        con.execute("""
            CREATE VIEW out AS
            SELECT c.meter_id, c.ts, c.value, c.line FROM candidates c
            ANTI JOIN (SELECT meter_id, ts FROM held WHERE NOT accepted) h ON h.meter_id = c.meter_id AND h.ts = c.ts
        """)
        self.held_out = held_out_frame(con, self.file, self.zone)
        self.accepted_back = held_out_frame(con, self.file, self.zone, accepted=True)
        self._gaps()
        self._repeats()
        self.warnings.extend(run_warnings(con, self.file, self.zone))
        # rejects and counts
        rej = con.sql(f"""
            SELECT {sql_quote(self.file)} AS file, CAST(line AS VARCHAR) AS line, field, value, reason, raw
            FROM stage WHERE reason IS NOT NULL
            UNION ALL
            SELECT {sql_quote(self.file)}, CAST(line AS VARCHAR), field, value, reason, raw FROM rejects_extra
        """).df()
        if len(rej):
            rej["_n"] = pd.to_numeric(rej["line"], errors="coerce")
            problems.reject_frame(rej.sort_values("_n", kind="stable")[REJECT_COLUMNS])
        staged, rejected = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE reason IS NOT NULL) FROM stage"
        ).fetchall()[0]
        self.count.read = staged + self.bad_rows
        self.count.rejected = rejected + self.bad_rows
        self.count.held_out = len(self.held_out)
        self.count.accepted = self.count.read - self.count.rejected - self.count.held_out
        for w in self.warnings:
            problems.warnings.append(w)
        self._finished = True
        return self.count

    def _fill_raw(self) -> None:
        """Read ``source`` again for the raw text of the rows a set rule rejected or a bound held out."""
        if self._source is None:
            return
        lines = self.con.execute(
            "SELECT line FROM stage WHERE reason IS NOT NULL AND raw IS NULL UNION SELECT line FROM held"
        ).fetchnumpy()["line"]
        if len(lines) == 0:
            return
        wanted = pa.array(lines, pa.int64())
        for sheet in self._source():
            table = sheet.arrow()
            rows = table.filter(pc.is_in(table.column(LINE), value_set=wanted))
            if rows.num_rows == 0:
                continue
            missing = [c for c in READING_COLUMNS if c not in rows.column_names]
            for c in missing:
                rows = rows.append_column(c, pa.array([""] * rows.num_rows, pa.string()))
            self.con.register("raw_in", rows.select([*READING_COLUMNS, LINE]))
            try:
                self.con.execute(f"""
                    UPDATE stage SET raw = concat_ws(',', r.meter_id, r.timestamp, r.value)
                    FROM raw_in r WHERE stage.line = r.{LINE}
                """)
            finally:
                self.con.unregister("raw_in")

    def _repeats(self) -> None:
        """Table ``repeats`` for :func:`run_warnings`: the readings of ``out`` equal to the one before on their meter.

        A meter whose readings the set rules leave as staged (no duplicate, not a register, nothing held out)
        has the same readings in ``out`` as in the stage, so its repeats come from the first pass (``seq``);
        the other meters' are found again in ``out``.
        """
        self.con.execute("""
            CREATE TEMP TABLE changed AS
            SELECT meter_id FROM steps WHERE prev_ts = ts
            UNION SELECT meter_id FROM meters WHERE cumulative
            UNION SELECT meter_id FROM held WHERE NOT accepted
        """)
        self.con.execute("""
            CREATE TEMP TABLE repeats AS
            SELECT meter_id, ts, v AS value, prev_ts, prev_line, rn FROM seq
            WHERE v = prev_v AND meter_id NOT IN (SELECT meter_id FROM changed)
            UNION ALL
            SELECT meter_id, ts, value, prev_ts, prev_line, rn FROM (
                SELECT meter_id, ts, value, lag(value) OVER w AS prev_value, lag(ts) OVER w AS prev_ts,
                       lag(line) OVER w AS prev_line, row_number() OVER w AS rn
                FROM out WHERE meter_id IN (SELECT meter_id FROM changed)
                WINDOW w AS (PARTITION BY meter_id ORDER BY ts))
            WHERE value = prev_value
        """)

    def _gaps(self) -> None:
        per_meter = int(validation_threshold("max_warnings_per_meter"))
        rows = self.con.execute(f"""
            WITH gaps AS (
              SELECT meter_id, prev_ts, ts, epoch(ts) - epoch(prev_ts) AS step_s, mean_s,
                     row_number() OVER (PARTITION BY meter_id ORDER BY ts) AS k,
                     count(*) OVER (PARTITION BY meter_id) AS n
              FROM steps WHERE prev_ts < ts)
            SELECT meter_id, prev_ts, ts, step_s, mean_s, k, n FROM gaps WHERE k <= {per_meter}
            ORDER BY meter_id, ts
        """).fetchall()
        for meter, prev_ts, ts, step_s, mean_s, k, n in rows:
            missing = round(step_s / mean_s) - 1
            msg = (
                f"gap from {local_text(prev_ts, self.zone)} to {local_text(ts, self.zone)} "
                f"(about {missing} missing interval(s) of {mean_s / 60:.3g} min)"
            )
            if k == per_meter and n > per_meter:
                msg += f"; {n - per_meter} more gap(s) on this meter not listed"
            self.warnings.append(
                {"file": self.file, "code": "readings.gap", "subject": meter, "line": None, "message": msg}
            )

    # -- results -------------------------------------------------------------------------------
    def n_out(self) -> int:
        """Number of interval readings the file gives."""
        return int(self.con.execute("SELECT count(*) FROM out").fetchall()[0][0])

    def frame(self) -> pd.DataFrame:
        """All interval readings: meter_id, ts (UTC, interval start), value (kWh or m3)."""
        df = self.con.sql("SELECT meter_id, ts, value FROM out ORDER BY meter_id, ts").df()
        df["ts"] = pd.to_datetime(df["ts"], utc=True)
        return df

    def write_parquet(self) -> Path:
        """Write the interval readings (meter_id, ts UTC, value) to a parquet file in the scratch folder.

        The scratch database is closed after it, so that the store loading the file never holds memory
        beside the stage's: the two DuckDB memory limits are not added up (issue 20: 1.98 GiB peak when the
        store read the stage directly). The stage is done after this: only :meth:`close` is left, which
        deletes the file.
        """
        out = self._dir / "out.parquet"
        self.con.execute(
            f"COPY (SELECT meter_id, ts, value FROM out) TO {sql_quote(str(out))} "
            "(FORMAT parquet, COMPRESSION uncompressed)"
        )
        self.con.close()
        return out

    def iter_batches(self, rows: int = 1_000_000) -> Iterator[pa.RecordBatch]:
        """Stream the interval readings as arrow batches (meter_id, ts, value), bounded memory.

        For a store without a parquet reader of its own; read from :meth:`write_parquet`'s file.
        """
        pf = pq.ParquetFile(self.write_parquet())
        try:
            yield from pf.iter_batches(batch_size=rows)
        finally:
            pf.close()


def _scaled(v: float | None, factor: float) -> float | None:
    return None if v is None else v * factor
