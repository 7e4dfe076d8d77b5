"""Meter plausibility (validation of VEE): readings that cannot be real are held out, suspicious runs warned.

The rules and their thresholds are reference data (``reference/data/quality/vee_rules.csv``, each row with
its rationale); this module names the rows. They run inside the readings stage (the scratch DuckDB database
of :class:`greenpark.io.readings.ReadingsStage`) over the interval values the row and set rules accepted
(view ``candidates``: line, meter_id, ts = interval start UTC, end_ts = interval end for a cumulative meter,
value in kWh or m3):

held out (``held``; never reach ``Store.consumption``; listed with file, line, meter, time, value, bound)
    ``vee.physical_bound``: a value above the meter's stated bound, ``max_per_interval`` (meter unit, per
    interval) or ``max_kw`` x interval hours (electricity meters); for a cumulative register the bound
    scales with the hours the step spans.
    ``vee.history_bound``: without a stated bound, a value above ``multiple`` x the ``quantile`` of the
    meter's own interval values (per hour of span for a cumulative register), when the meter has at least
    ``min_readings`` values and that quantile is above zero.
warned (file and line of the run's first reading; nothing removed)
    ``vee.flat_line``: the same non-zero value for ``min_hours`` or more (first to last reading of the run)
    and at least ``min_readings`` readings, while another meter of the same tenant changes in that time.
    ``vee.zero_run``: zeros for ``min_hours`` or more on a meter at least ``min_nonzero_share`` of whose
    intervals are above zero.

A held-out value the user accepts back (``accepted.csv`` in the park folder, or ``greenpark accept``)
stays in the results and is listed as accepted; rows read = accepted + rejected + held out.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from greenpark.io.timestamps import local_text
from greenpark.reference.quality import vee_rule  # re-exported: the rules' thresholds

#: Equal-width buckets of a meter's value range in the history-quantile passes (a cost setting: any number
#: gives the same quantile; more buckets, more groups to count but fewer values to sort).
_QUANTILE_BUCKETS = 256

#: Columns of a held-out listing (``ParkRead.held_out``, ``Store.held_out``); ts = interval start, UTC.
HELD_OUT_COLUMNS = ["file", "line", "meter_id", "ts", "value", "bound", "unit", "rule_id", "reason", "raw"]


def empty_held_out() -> pd.DataFrame:
    """A held-out listing with no rows."""
    return _EMPTY_HELD_OUT.copy()


_EMPTY_HELD_OUT = pd.DataFrame(
    {
        **{c: pd.Series([], dtype="string") for c in HELD_OUT_COLUMNS},
        "ts": pd.Series([], dtype="datetime64[us, UTC]"),
        "value": pd.Series([], dtype=float),
        "bound": pd.Series([], dtype=float),
    }
)[HELD_OUT_COLUMNS]


def find_held_out(con: duckdb.DuckDBPyConnection, file: str, zone: str) -> None:
    """Create table ``held`` in the stage: the candidates above their meter's bound, marked when accepted back.

    Needs view ``candidates`` (line, meter_id, ts, end_ts, value), table ``meters`` (meter_id, cumulative,
    factor, max_kw, max_per_interval, interval_s, base_unit) and table ``accepted`` (meter_id, ts).
    """
    margin = vee_rule("vee.physical_bound", "margin")
    q = vee_rule("vee.history_bound", "quantile")
    mult = vee_rule("vee.history_bound", "multiple")
    min_n = int(vee_rule("vee.history_bound", "min_readings"))
    # the meter's step, where a stated bound needs it and interval_min does not give it: the most common spacing
    con.execute("""
        CREATE TEMP TABLE vee_step AS
        WITH need AS (
            SELECT meter_id FROM meters
            WHERE interval_s IS NULL AND (max_kw IS NOT NULL OR max_per_interval IS NOT NULL)),
        d AS (
            SELECT meter_id, epoch(ts) - epoch(lag(ts) OVER (PARTITION BY meter_id ORDER BY ts)) AS d
            FROM candidates WHERE meter_id IN (SELECT meter_id FROM need)),
        c AS (SELECT meter_id, d, count(*) AS n FROM d WHERE d > 0 GROUP BY ALL)
        SELECT m.meter_id, coalesce(m.interval_s, arg_max(c.d, c.n * 1e12 - c.d)) AS step_s
        FROM meters m LEFT JOIN c USING (meter_id) GROUP BY m.meter_id, m.interval_s
    """)
    # history quantile of the value (interval meters) or of the rate per second (cumulative registers):
    # quantile_cont(x, q) of each meter, position h = (k - 1) q among the meter's k non-null values in ascending
    # order, linear between the values at floor(h) and ceil(h); meters with fewer than min_readings rows (null
    # or not) get none. DuckDB's holistic quantile_cont holds every value of every meter in memory at once
    # (35 M doubles overflowed the stage's 512 MB, issue 20) and a window sort of all values cost 3.7 of 24
    # CPU-s at 7 M rows; instead the values once into a table of their own, then three hash-aggregate passes
    # over it (2.6 CPU-s at 7 M rows with that table): each meter's count and range, a count per
    # equal-width bucket of that range, then a sort of only the values in the bucket(s) holding ranks floor(h)
    # and ceil(h). The bucket of a value is a monotone function of it, so the counts of the buckets before
    # give the exact rank of each value sorted: the result is the same number.
    x_sql = """
        SELECT c.meter_id, CASE WHEN m.cumulative THEN c.value / nullif(epoch(c.end_ts) - epoch(c.ts), 0)
                                ELSE c.value END AS x
        FROM candidates c JOIN meters m USING (meter_id)
        WHERE m.max_kw IS NULL AND m.max_per_interval IS NULL"""
    bucket = f"""CASE WHEN s.hi > s.lo
        THEN least({_QUANTILE_BUCKETS - 1}, CAST(floor((x.x - s.lo) / (s.hi - s.lo) * {_QUANTILE_BUCKETS}) AS BIGINT))
        ELSE 0 END"""
    con.execute(f"CREATE TEMP TABLE vee_x AS {x_sql}")  # scanned three times: once through the joins
    x_sql = "SELECT meter_id, x FROM vee_x"
    con.execute(f"""
        CREATE TEMP TABLE vee_range AS
        SELECT meter_id, n, lo, hi, h, CAST(floor(h) AS BIGINT) AS r0, CAST(ceil(h) AS BIGINT) AS r1 FROM (
            SELECT meter_id, count(*) AS n, min(x) AS lo, max(x) AS hi,
                   CAST(count(x) - 1 AS DOUBLE) * CAST({q} AS DOUBLE) AS h
            FROM ({x_sql}) GROUP BY meter_id HAVING count(*) >= {min_n} AND count(x) > 0)
    """)
    con.execute(f"""
        CREATE TEMP TABLE vee_bucket AS
        WITH c AS (
            SELECT x.meter_id, {bucket} AS b, count(*) AS c
            FROM ({x_sql}) x JOIN vee_range s USING (meter_id) WHERE x.x IS NOT NULL GROUP BY ALL),
        b AS (SELECT meter_id, b, c, sum(c) OVER (PARTITION BY meter_id ORDER BY b) - c AS before FROM c)
        SELECT s.meter_id, s.n, s.lo, s.hi, s.h, s.r0, s.r1,
               min(b.b) FILTER (WHERE s.r0 >= b.before AND s.r0 < b.before + b.c) AS b0,
               min(b.b) FILTER (WHERE s.r1 >= b.before AND s.r1 < b.before + b.c) AS b1,
               min(b.before) FILTER (WHERE s.r0 >= b.before AND s.r0 < b.before + b.c) AS before0
        FROM vee_range s JOIN b USING (meter_id) GROUP BY ALL
    """)
    con.execute(f"""
        CREATE TEMP TABLE vee_hist AS
        WITH ranked AS (
            SELECT x.meter_id, x.x, s.before0 + row_number() OVER (PARTITION BY x.meter_id ORDER BY x.x) - 1 AS i
            FROM ({x_sql}) x JOIN vee_bucket s USING (meter_id)
            WHERE x.x IS NOT NULL AND {bucket} BETWEEN s.b0 AND s.b1)
        SELECT s.meter_id, any_value(s.n) AS n,
               max(r.x) FILTER (WHERE r.i = s.r0) + (any_value(s.h) - floor(any_value(s.h)))
               * (max(r.x) FILTER (WHERE r.i = s.r1) - max(r.x) FILTER (WHERE r.i = s.r0)) AS q
        FROM ranked r JOIN vee_bucket s USING (meter_id) GROUP BY s.meter_id
    """)
    con.execute("DROP TABLE vee_x")
    con.execute(f"""
        CREATE TEMP TABLE held AS
        WITH b AS (
            SELECT c.line, c.meter_id, c.ts, c.end_ts, c.value, m.base_unit, m.max_kw, m.max_per_interval,
                   s.step_s, h.q,
                   CASE WHEN m.cumulative THEN epoch(c.end_ts) - epoch(c.ts) ELSE s.step_s END AS span_s,
                   m.cumulative
            FROM candidates c JOIN meters m USING (meter_id)
            LEFT JOIN vee_step s USING (meter_id) LEFT JOIN vee_hist h USING (meter_id)
            WHERE m.max_kw IS NOT NULL OR m.max_per_interval IS NOT NULL OR h.q > 0
        ), bounded AS (
            SELECT *,
              CASE
                WHEN max_per_interval IS NOT NULL THEN
                    {margin} * max_per_interval * (CASE WHEN cumulative AND step_s > 0
                                                   THEN greatest(1.0, span_s / step_s) ELSE 1.0 END)
                WHEN max_kw IS NOT NULL AND base_unit = 'kWh' THEN {margin} * max_kw * span_s / 3600.0
                WHEN q > 0 THEN {mult} * q * (CASE WHEN cumulative THEN span_s ELSE 1.0 END)
              END AS bound,
              CASE WHEN max_per_interval IS NOT NULL OR (max_kw IS NOT NULL AND base_unit = 'kWh')
                   THEN 'vee.physical_bound' ELSE 'vee.history_bound' END AS rule_id
            FROM b
        )
        SELECT x.line, x.meter_id, x.ts, x.end_ts, x.value, x.bound, x.base_unit AS unit, x.rule_id,
               x.max_kw, x.max_per_interval, x.span_s, x.q,
               a.meter_id IS NOT NULL AS accepted
        FROM bounded x LEFT JOIN accepted a ON a.meter_id = x.meter_id AND a.ts = x.ts
        WHERE x.bound IS NOT NULL AND x.value > x.bound
    """)


def held_out_frame(con: duckdb.DuckDBPyConnection, file: str, zone: str, accepted: bool = False) -> pd.DataFrame:
    """The held-out listing (:data:`HELD_OUT_COLUMNS`) from table ``held``; ``accepted`` picks the accepted-back ones.

    ``reason`` names the bound in words, in park local time; ``raw`` is the line as written.
    """
    df = con.sql(f"""
        SELECT CAST(h.line AS VARCHAR) AS line, h.meter_id, h.ts, h.value, h.bound, h.unit, h.rule_id,
               h.max_kw, h.max_per_interval, h.span_s, s.raw
        FROM held h LEFT JOIN stage s ON s.line = h.line AND s.meter_id = h.meter_id
        WHERE h.accepted = {"true" if accepted else "false"} ORDER BY h.line
    """).df()
    return held_out_reasons(df, file, zone)


def held_out_reasons(df: pd.DataFrame, file: str, zone: str) -> pd.DataFrame:
    """The held-out listing (:data:`HELD_OUT_COLUMNS`) from held rows, each with its reason in words.

    ``df`` has line, meter_id, ts (UTC interval start), value, bound, unit, rule_id, max_kw, max_per_interval,
    span_s (the interval's seconds) and raw (the line as written); the file import's stage and the in-memory
    batch check (:mod:`greenpark.io.readings_batch`) both build it, so both say the same.
    """
    if df.empty:
        return empty_held_out()
    q = vee_rule("vee.history_bound", "quantile")
    mult = vee_rule("vee.history_bound", "multiple")
    df = df.copy()
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    reasons = []
    for r in df.itertuples(index=False):
        when = local_text(r.ts, zone)
        if r.rule_id == "vee.physical_bound" and pd.notna(r.max_per_interval):
            why = f"max_per_interval in meters.csv ({r.bound:,.6g} {r.unit} for this interval)"
        elif r.rule_id == "vee.physical_bound":
            why = f"max_kw {r.max_kw:g} kW x {r.span_s / 3600:g} h in meters.csv"
        else:
            why = f"{mult:g} x the meter's {q * 100:g}th percentile (reference quality/vee_rules)"
        reasons.append(
            f"{r.value:,.10g} {r.unit} in the interval from {when} is above the bound {r.bound:,.10g} {r.unit} "
            f"({why}); held out of every result: accept it back with 'greenpark accept' or accepted.csv if it is real"
        )
    out = pd.DataFrame(
        {
            "file": file,
            "line": df["line"].astype("string"),
            "meter_id": df["meter_id"].astype("string"),
            "ts": df["ts"],
            "value": df["value"].astype(float),
            "bound": df["bound"].astype(float),
            "unit": df["unit"].astype("string"),
            "rule_id": df["rule_id"].astype("string"),
            "reason": pd.Series(reasons, dtype="string"),
            "raw": df["raw"].astype("string").fillna(""),
        }
    )
    return out[HELD_OUT_COLUMNS]


def run_warnings(con: duckdb.DuckDBPyConnection, file: str, zone: str) -> list[dict[str, object]]:
    """Flat-line and zero-run warnings (file, code, subject, line, message) over view ``out``.

    Needs view ``out`` (meter_id, ts, value, line), table ``meters`` (meter_id, tenant_id) and table
    ``repeats``: the rows of ``out`` whose value equals the one before on their meter (meter_id, ts, value,
    prev_ts and prev_line of the reading before, rn = row number in the meter's time order).
    """
    flat_h = vee_rule("vee.flat_line", "min_hours")
    flat_n = int(vee_rule("vee.flat_line", "min_readings"))
    zero_h = vee_rule("vee.zero_run", "min_hours")
    share = vee_rule("vee.zero_run", "min_nonzero_share")
    min_h = min(flat_h, zero_h)
    # Runs of one value: only a row that repeats the value before it (a "repeat") can belong to a run longer
    # than one reading, and in real data repeats are few. Repeats with consecutive row numbers form one run
    # (an island: row number minus the repeat's own rank is constant along it); the run starts at the row
    # before its first repeat. The earlier form numbered every row's run and grouped all of them (as many
    # groups as readings: 10 of 25 CPU-s at 7 M rows).
    con.execute(f"""
        CREATE TEMP TABLE vee_runs AS
        WITH r AS (
            SELECT meter_id, ts, value, prev_ts, prev_line, rn,
                   rn - row_number() OVER (PARTITION BY meter_id ORDER BY rn) AS grp
            FROM repeats)
        SELECT meter_id, grp, any_value(value) AS value, min(prev_ts) AS t0, max(ts) AS t1, count(*) + 1 AS n,
               arg_min(prev_line, rn) AS first_line
        FROM r GROUP BY meter_id, grp
        HAVING epoch(max(ts)) - epoch(min(prev_ts)) >= {min_h} * 3600
    """)
    rows = con.execute(f"""
        WITH share AS (
            SELECT meter_id, avg(CASE WHEN value > 0 THEN 1.0 ELSE 0.0 END) AS nonzero
            FROM out WHERE meter_id IN (SELECT meter_id FROM vee_runs WHERE value = 0) GROUP BY meter_id),
        flat AS (
            SELECT r.* FROM vee_runs r JOIN meters m USING (meter_id)
            WHERE r.value > 0 AND epoch(r.t1) - epoch(r.t0) >= {flat_h} * 3600 AND r.n >= {flat_n}
              AND m.tenant_id IS NOT NULL
              AND EXISTS (
                SELECT 1 FROM out o JOIN meters m2 ON m2.meter_id = o.meter_id
                WHERE m2.tenant_id = m.tenant_id AND o.meter_id <> r.meter_id AND o.ts BETWEEN r.t0 AND r.t1
                GROUP BY o.meter_id HAVING count(DISTINCT o.value) > 1)),
        zero AS (
            SELECT r.* FROM vee_runs r JOIN share s USING (meter_id)
            WHERE r.value = 0 AND epoch(r.t1) - epoch(r.t0) >= {zero_h} * 3600 AND s.nonzero >= {share})
        SELECT 'vee.flat_line' AS code, * FROM flat
        UNION ALL SELECT 'vee.zero_run', * FROM zero
        ORDER BY meter_id, t0
    """).fetchall()
    out: list[dict[str, object]] = []
    for code, meter, _grp, value, t0, t1, n, line in rows:
        hours = (pd.Timestamp(t1) - pd.Timestamp(t0)) / pd.Timedelta(hours=1)
        span = f"from {local_text(t0, zone)} to {local_text(t1, zone)} ({hours:.4g} h, {n} readings)"
        if code == "vee.flat_line":
            msg = (
                f"meter frozen on {value:g} {span} while another meter of its tenant changes: "
                "check the meter or logger (warning only; the values are kept)"
            )
        else:
            msg = (
                f"zeros {span} on a meter that normally reads: disconnected or failed? "
                "(warning only; a shutdown is real zero)"
            )
        out.append({"file": file, "code": code, "subject": meter, "line": int(line), "message": msg})
    return out
