"""A small batch of readings validated in memory: the rules of the file import, without a scratch database.

:class:`greenpark.io.readings.ReadingsStage` stages a whole ``readings.csv`` (tens of millions of rows) in a
scratch DuckDB database and runs every rule there as SQL. A live batch (an HTTP request, a few MQTT messages:
one to a few hundred thousand rows) fits in memory many times over, and building a database for it costs more
than the batch (about 63 ms per batch, issue 16). :func:`check_readings` applies the same rules to such a batch
with numpy/pandas over the whole batch at once:

row rules
    unknown meter id; timestamp that does not parse as ISO 8601 (naive = park local time); value that is not a
    finite number; negative interval consumption; negative register value.
set rules (per meter, in time order)
    duplicate (meter, timestamp): identical values keep the first row and reject the others, different values
    reject every row of the group; cumulative registers become interval consumption (a drop is a rollover when
    ``register_max`` is known and the repaired step is below ``rollover_max_fraction`` of it, else the reading is
    rejected and the register continues from it).
plausibility (VEE, ``reference/data/quality/vee_rules.csv``)
    ``vee.physical_bound`` and ``vee.history_bound`` (on the batch's own values, as the file import uses the
    file's): values beyond the meter's bound are held out, with the reason in words
    (:func:`greenpark.io.plausibility.held_out_reasons`, shared with the file import).

Warnings of the file import (gaps, repaired rollovers, flat lines, zero runs) describe a file's history; a live
batch is too short for them and they are not produced here (the meters' gaps page covers gaps).
``tests/io/test_readings_batch.py`` checks that this module and the stage give the same accepted readings,
rejects (line, field, value, reason) and held-out values on batches built to hit every rule.

Known difference from the stage's DuckDB cast, rare in live data: a timestamp hour ``24:00`` does not parse here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from greenpark.io.plausibility import HELD_OUT_COLUMNS, empty_held_out, held_out_reasons, vee_rule
from greenpark.io.quarantine import REJECT_COLUMNS, empty_rejects
from greenpark.io.readings import READING_COLUMNS, validation_threshold
from greenpark.io.reasons import reason_text
from greenpark.io.sources import LINE
from greenpark.model import Meter
from greenpark.units import base_unit, conversion_factor

_DATE_FIRST = r"^[+-]?\d{4,}-\d{1,2}-\d{1,2}"
# an offset after the date part (Z, +07, +07:00, -0500): the date's own '-' are in its first 10 characters
_OFFSET_AFTER_DATE = r"[zZ+-]"
_UNKNOWN_METER = reason_text("unknown_meter")
_BAD_TS = reason_text("not_timestamp", field="timestamp")
_BAD_VALUE = reason_text("not_finite")


@dataclass
class CheckedReadings:
    """What a batch gives: interval readings, rejected rows and held-out values; rows = accepted + rejected + held.

    ``accepted`` has meter_id, ts (UTC interval start), value (kWh or m3), sorted by meter and time; ``rejects``
    the quarantine columns ordered by line; ``held_out`` the columns of
    :data:`greenpark.io.plausibility.HELD_OUT_COLUMNS`. ``n_rejected`` and ``n_held_out`` count rows of the batch.
    """

    accepted: pd.DataFrame
    rejects: pd.DataFrame
    held_out: pd.DataFrame

    @property
    def n_rejected(self) -> int:
        """Rows of the batch rejected."""
        return int(self.rejects["line"].nunique()) if len(self.rejects) else 0

    @property
    def n_held_out(self) -> int:
        """Rows of the batch held out by a plausibility rule."""
        return len(self.held_out)


class MeterTable:
    """The park's meters as arrays (unit factor, bounds), built once per park and reused for every batch."""

    def __init__(self, meters: list[Meter]) -> None:
        self.meters = meters
        self.index = pd.Index([m.meter_id for m in meters])
        self.position = {m.meter_id: i for i, m in enumerate(meters)}
        factors = np.array([conversion_factor(m.unit, base_unit(m.kind.dimension)) for m in meters], dtype=float)

        def scaled(values: list[float | None]) -> np.ndarray:
            return np.array([np.nan if v is None else v for v in values], dtype=float) * factors

        self.factor = factors
        self.cumulative = np.array([m.cumulative for m in meters], dtype=bool)
        self.register_max = scaled([m.register_max for m in meters])
        self.max_per_interval = scaled([m.max_per_interval for m in meters])
        self.max_kw = np.array([np.nan if m.max_kw is None else m.max_kw for m in meters], dtype=float)
        self.interval_s = np.array([np.nan if m.interval_min is None else m.interval_min * 60 for m in meters])
        self.base_unit = np.array([base_unit(m.kind.dimension) for m in meters], dtype=object)


_TABLES: dict[int, MeterTable] = {}


def meter_table(meters: list[Meter]) -> MeterTable:
    """The :class:`MeterTable` of a park's meter list (kept while that list object lives in the caller's cache)."""
    table = _TABLES.get(id(meters))
    if table is None or table.meters is not meters:
        if len(_TABLES) > 64:
            _TABLES.clear()
        table = _TABLES[id(meters)] = MeterTable(meters)
    return table


def parse_times(text: list[str], zone: str) -> np.ndarray:
    """ISO 8601 text (stripped) to UTC ``datetime64[us]``; naive text is park local time; NaT where it fails.

    Like the stage's cast, the text must start with the extended date ``YYYY-MM-DD``; an offset (``Z``,
    ``+07``, ``+07:00``, ``-0500``) after the date is taken as written.
    """
    n = len(text)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    kind = np.array(
        [2 if s[4:5] == "-" and ("+" in s[10:] or "-" in s[10:] or s[-1:] in "Zz") else s[4:5] == "-" for s in text],
        dtype=np.int8,
    )  # 0 not a date, 1 naive, 2 with an offset
    arr = np.asarray(text, dtype=object)
    for k in (2, 1):
        rows = kind == k
        if not rows.any():
            continue
        some = arr if rows.all() else arr[rows]
        if k == 2:
            t = pd.to_datetime(some, format="ISO8601", errors="coerce", utc=True)
        else:
            local = pd.to_datetime(some, format="ISO8601", errors="coerce")
            t = local.tz_localize(zone, ambiguous=False, nonexistent="shift_forward").tz_convert("UTC")
        out[rows] = t.tz_localize(None).to_numpy(dtype="datetime64[us]")
    return out


def parse_values(text: list[str]) -> np.ndarray:
    """Decimal text to float (NaN where it is not a number); surrounding spaces allowed, a comma is not."""
    try:
        return np.array(text, dtype=float)
    except ValueError:
        out = np.empty(len(text))
        for i, s in enumerate(text):
            try:
                out[i] = float(s)
            except ValueError:
                out[i] = np.nan
        return out


def texts(values: pd.Series) -> list[str]:
    """A column as a list of str ("" for a missing field)."""
    # text first (most fields are, and need no conversion); ``v != v`` is a float's NaN test
    return [
        v if type(v) is str else ("" if v is None or (isinstance(v, float) and v != v) else str(v))
        for v in values.tolist()
    ]


def check_readings(frame: pd.DataFrame, meters: list[Meter], zone: str, file: str) -> CheckedReadings:
    """Validate a batch of text rows in memory with the file import's rules (see the module docstring).

    Parameters
    ----------
    frame : text columns meter_id, timestamp, value (``""`` for a missing field) and the 1-based line in ``_line``.
    meters : the park's meters.
    zone : the park's IANA zone (naive timestamps are local time).
    file : names the batch in rejects and held-out rows (``http``, ``mqtt`` ...).
    """
    n = len(frame)
    if n == 0:
        return CheckedReadings(_empty_accepted(), empty_rejects(), empty_held_out())
    table = meter_table(meters)
    meter_raw, ts_raw, value_raw = (texts(frame[c]) for c in READING_COLUMNS)
    line = frame[LINE].to_numpy(dtype=np.int64)
    m = np.array([table.position.get(s.strip(), -1) for s in meter_raw], dtype=np.int64)
    known = m >= 0
    mk = np.where(known, m, 0)  # a meter index usable for lookups (rows of unknown meters are rejected anyway)
    ts = parse_times([s.strip() for s in ts_raw], zone)
    vnum = parse_values(value_raw)
    cumulative = table.cumulative[mk]

    reason = np.full(n, None, dtype=object)
    field = np.full(n, None, dtype=object)
    value = np.full(n, None, dtype=object)

    def mark(mask: np.ndarray, why: str | np.ndarray, name: str, shown: np.ndarray) -> None:
        if not mask.any():
            return
        new = mask & (reason == None)  # noqa: E711 (element-wise)
        reason[new] = why[new] if isinstance(why, np.ndarray) else why
        field[new] = name
        value[new] = shown[new]

    raw_cols = [np.asarray(c, dtype=object) for c in (meter_raw, ts_raw, value_raw)]
    with np.errstate(invalid="ignore"):
        mark(~known, _UNKNOWN_METER, "meter_id", raw_cols[0])
        mark(np.isnat(ts), _BAD_TS, "timestamp", raw_cols[1])
        mark(~np.isfinite(vnum), _BAD_VALUE, "value", raw_cols[2])
        mark(~cumulative & (vnum < 0), reason_text("negative_interval"), "value", raw_cols[2])
        mark(cumulative & (vnum < 0), reason_text("negative_register"), "value", raw_cols[2])
    v = vnum * table.factor[mk]
    t_us = ts.astype(np.int64)

    # duplicates (meter, timestamp)
    ok = reason == None  # noqa: E711
    if ok.sum() > 1 and _any_duplicate(m[ok], t_us[ok]):
        rows = pd.DataFrame({"m": m, "t": t_us, "v": v, "line": line, "i": np.arange(n)})[ok]
        dup = rows.duplicated(["m", "t"], keep=False)
        d = rows[dup].sort_values("line", kind="stable")
        g = d.groupby(["m", "t"], sort=False)
        nv = g["v"].transform("nunique").to_numpy()
        first = g["line"].transform("min").to_numpy()
        lines = g["line"].transform(lambda s: ", ".join(map(str, s))).to_numpy()
        vals = g["v"].transform(lambda s: ", ".join(_num(x) for x in s)).to_numpy()
        why = np.array(
            [
                reason_text("duplicate_values", values=vs, lines=ls)
                if k > 1
                else reason_text("duplicate_identical", line=f)
                for k, vs, ls, f in zip(nv, vals, lines, first, strict=True)
            ],
            dtype=object,
        )
        hit = (nv > 1) | (d["line"].to_numpy() != first)
        idx = d["i"].to_numpy()[hit]
        local = pd.DatetimeIndex(ts[idx]).tz_localize("UTC").tz_convert(zone).strftime("%Y-%m-%d %H:%M")
        mask = np.zeros(n, dtype=bool)
        mask[idx] = True
        why_all = np.full(n, None, dtype=object)
        why_all[idx] = why[hit]
        shown = np.full(n, None, dtype=object)
        shown[idx] = np.asarray(local, dtype=object)
        mark(mask, why_all, "timestamp", shown)

    # cumulative registers -> interval consumption
    ok = reason == None  # noqa: E711
    interval = ok & ~cumulative
    cand = pd.DataFrame(
        {"m": m[interval], "ts": t_us[interval], "end": np.full(interval.sum(), -1), "v": v[interval]}
    ).assign(line=line[interval], i=np.flatnonzero(interval))
    reg = ok & cumulative
    if reg.any():
        frac = validation_threshold("rollover_max_fraction")
        c = pd.DataFrame({"m": m[reg], "t": t_us[reg], "v": v[reg], "line": line[reg], "i": np.flatnonzero(reg)})
        c = c.sort_values(["m", "t"], kind="stable")
        grp = c.groupby("m", sort=False)
        prev_t, prev_v = grp["t"].shift(), grp["v"].shift()
        has_prev = prev_t.notna().to_numpy()
        cv, pv = c["v"].to_numpy(), prev_v.to_numpy()
        rmax = table.register_max[c["m"].to_numpy()]
        up = cv >= pv
        rolled = cv - pv + rmax
        repaired = ~up & ~np.isnan(rmax) & (rolled <= frac * rmax)
        delta = np.where(up, cv - pv, np.where(repaired, rolled, np.nan))
        dropped = has_prev & ~up & ~repaired
        if dropped.any():
            idx = c["i"].to_numpy()[dropped]
            rm = rmax[dropped]
            tail = np.where(
                np.isnan(rm),
                "; if it is a rollover, give register_max in meters.csv",
                "; too large for a rollover of register_max " + np.array([_num(x) for x in rm], dtype=object),
            )
            why = (
                "cumulative register went down from "
                + np.array([_num(x) for x in pv[dropped]], dtype=object)
                + " to "
                + np.array([_num(x) for x in cv[dropped]], dtype=object)
                + " (in kWh or m3; reset or negative step"
                + tail
                + "); interval not counted, the register continues from this reading"
            )
            mask = np.zeros(n, dtype=bool)
            mask[idx] = True
            why_all = np.full(n, None, dtype=object)
            why_all[idx] = why
            shown = np.full(n, None, dtype=object)
            shown[idx] = np.array([_num(x) for x in cv[dropped]], dtype=object)
            mark(mask, why_all, "value", shown)
        keep = has_prev & ~np.isnan(delta)
        cum = pd.DataFrame(
            {
                "m": c["m"].to_numpy()[keep],
                "ts": prev_t.to_numpy()[keep].astype(np.int64),
                "end": c["t"].to_numpy()[keep],
                "v": delta[keep],
                "line": c["line"].to_numpy()[keep],
                "i": c["i"].to_numpy()[keep],
            }
        )
        cand = pd.concat([cand, cum], ignore_index=True)

    held = _held(cand, table)
    out = cand[~held] if held.any() else cand
    accepted = pd.DataFrame(
        {
            "meter_id": table.index.to_numpy()[out["m"].to_numpy()].astype(object),
            "ts": pd.to_datetime(out["ts"].to_numpy().astype("datetime64[us]"), utc=True),
            "value": out["v"].to_numpy(dtype=float),
        }
    )
    accepted = accepted.sort_values(["meter_id", "ts"], kind="stable").reset_index(drop=True)
    raw_line = np.array([f"{a},{b},{c}" for a, b, c in zip(meter_raw, ts_raw, value_raw, strict=True)], dtype=object)
    bad = reason != None  # noqa: E711
    rejects = (
        pd.DataFrame(
            {
                "file": file,
                "line": line[bad].astype(str),
                "field": field[bad],
                "value": value[bad],
                "reason": reason[bad],
                "raw": raw_line[bad],
            },
            columns=REJECT_COLUMNS,
        )
        if bad.any()
        else empty_rejects()
    )
    return CheckedReadings(accepted, rejects, _held_frame(cand[held], table, raw_line, file, zone))


def _any_duplicate(m: np.ndarray, t: np.ndarray) -> bool:
    """Whether two rows share (meter, time)."""
    order = np.lexsort((t, m))
    ms, ts = m[order], t[order]
    return bool(((ms[1:] == ms[:-1]) & (ts[1:] == ts[:-1])).any())


def _held(cand: pd.DataFrame, table: MeterTable) -> np.ndarray:
    """Mask of the candidates above their meter's bound (``vee.physical_bound``, ``vee.history_bound``)."""
    cand["bound"] = np.nan
    cand["rule"] = None
    if cand.empty:
        return np.zeros(0, dtype=bool)
    mi = cand["m"].to_numpy()
    stated = ~np.isnan(table.max_per_interval) | (~np.isnan(table.max_kw))
    if not stated[mi].any() and len(cand) < vee_rule("vee.history_bound", "min_readings"):
        return np.zeros(len(cand), dtype=bool)  # no meter with a bound, too few values for a history one
    cum = table.cumulative[mi]
    margin = vee_rule("vee.physical_bound", "margin")
    qn = vee_rule("vee.history_bound", "quantile")
    mult = vee_rule("vee.history_bound", "multiple")
    min_n = int(vee_rule("vee.history_bound", "min_readings"))
    span_cum = (cand["end"].to_numpy() - cand["ts"].to_numpy()) / 1e6
    # the meter's step where a stated bound needs it: interval_min, else the most common spacing (ties: shorter)
    step = table.interval_s[mi].copy()
    need = np.isnan(step) & stated[mi]
    if need.any():
        s = cand.loc[need, ["m", "ts"]].sort_values(["m", "ts"], kind="stable")
        s["d"] = s.groupby("m", sort=False)["ts"].diff() / 1e6
        s = s[s["d"] > 0]
        if len(s):
            counts = (
                s.groupby(["m", "d"])
                .size()
                .reset_index(name="n")
                .sort_values(["m", "n", "d"], ascending=[True, False, True])
            )
            mode = counts.drop_duplicates("m").set_index("m")["d"]
            step[need] = mode.reindex(mi[need]).to_numpy(dtype=float)
    span = np.where(cum, span_cum, step)
    mpi, mkw = table.max_per_interval[mi], table.max_kw[mi]
    kwh = table.base_unit[mi] == "kWh"
    # history quantile of the value (interval meters) or of the rate per second (cumulative registers)
    q = np.full(len(cand), np.nan)
    hist = ~stated[mi]
    if hist.any():
        rate = np.where(cum, cand["v"].to_numpy() / np.where(span_cum > 0, span_cum, np.nan), cand["v"].to_numpy())
        h = pd.DataFrame({"m": mi[hist], "x": rate[hist]})
        g = h.groupby("m")["x"]
        stats = pd.DataFrame({"n": g.count(), "q": g.quantile(qn)})  # linear interpolation, as Series.quantile
        stats = stats[stats["n"] >= min_n]
        q[hist] = stats["q"].reindex(mi[hist]).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        grow = np.where(cum & (step > 0), np.maximum(1.0, span_cum / step), 1.0)
        bound = np.select(
            [~np.isnan(mpi), ~np.isnan(mkw) & kwh, q > 0],
            [margin * mpi * grow, margin * mkw * span / 3600.0, mult * q * np.where(cum, span_cum, 1.0)],
            np.nan,
        )
        physical = ~np.isnan(mpi) | (~np.isnan(mkw) & kwh)
        held = ~np.isnan(bound) & (cand["v"].to_numpy() > bound)
    cand["bound"] = bound
    cand["rule"] = np.where(physical, "vee.physical_bound", "vee.history_bound")
    cand["span_s"] = span
    return held


def _held_frame(h: pd.DataFrame, table: MeterTable, raw_line: np.ndarray, file: str, zone: str) -> pd.DataFrame:
    if h.empty:
        return empty_held_out()
    h = h.sort_values("line", kind="stable")
    mi = h["m"].to_numpy()
    rows = pd.DataFrame(
        {
            "line": h["line"].astype(str).to_numpy(),
            "meter_id": table.index.to_numpy()[mi],
            "ts": pd.to_datetime(h["ts"].to_numpy().astype("datetime64[us]"), utc=True),
            "value": h["v"].to_numpy(dtype=float),
            "bound": h["bound"].to_numpy(dtype=float),
            "unit": table.base_unit[mi],
            "rule_id": h["rule"].to_numpy(),
            "max_kw": table.max_kw[mi],
            "max_per_interval": table.max_per_interval[mi],
            "span_s": h["span_s"].to_numpy(dtype=float),
            "raw": raw_line[h["i"].to_numpy()],
        }
    )
    return held_out_reasons(rows, file, zone)[HELD_OUT_COLUMNS]


def _num(x: float) -> str:
    """A double as DuckDB writes it in a message (``CAST(x AS VARCHAR)``): Python's shortest repr."""
    return repr(float(x))


def _empty_accepted() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "meter_id": pd.Series([], dtype=object),
            "ts": pd.Series([], dtype="datetime64[us, UTC]"),
            "value": pd.Series([], dtype=float),
        }
    )
