"""The clean small batch: readings that pass every rule, recognised over plain Python lists.

Most live batches are a few readings of known interval meters, well-formed and plausible. The rules
(:func:`greenpark.ingest.validate.validate_batch`: the screen, then
:func:`greenpark.io.readings_batch.check_readings`) build a dozen pandas frames per batch whatever its size,
about 15-20 ms of fixed work on this machine for a one-reading POST (issue 16). :func:`clean_readings` answers
one question instead, row by row without pandas: does *every* row of the batch certainly pass every rule? If so,
it returns the accepted readings, exactly those the rules would return. If any row is, or could be, rejected or
held out, it returns None and the caller runs the rules on the whole batch, so every reject and held-out value,
its reason and its line still come from the one implementation of the rules; nothing here writes a reason.

A row is clean when (each condition at least as strict as the rule it stands for):

- meter_id, timestamp and value are text without a NUL character or a lone surrogate (screen);
- the meter id, stripped, is one of the park's meters, and not a cumulative register (cumulative registers
  need the per-meter set rules: they always take the full path);
- the timestamp is ISO 8601 ``YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]]`` with ``Z`` or ``+HH:MM``/``-HH:MM`` or no
  offset (park local time, unambiguous and existing in the park's zone), within the plausible window
  (setting ``ingest_earliest`` to the server clock plus the allowed margin);
- the value is an unsigned decimal (``12``, ``1.5``, ``1e-05``; no spaces) and finite;
- no two rows share (meter, timestamp);
- the plausibility bounds (``vee.physical_bound``, ``vee.history_bound``; thresholds from the one rule table
  ``reference/data/quality/vee_rules.csv`` via :func:`greenpark.io.plausibility.vee_rule`, meter bounds from
  the same cached :class:`greenpark.io.readings_batch.MeterTable`) hold no value: a value above its meter's
  stated bound, a stated ``max_kw`` whose step must come from the batch's own spacing, or a meter with enough
  values in the batch for a history bound all take the full path.

``tests/ingest/test_small_batch.py`` feeds the same generated batches through both paths and checks that the
accepted rows are identical whenever this one answers, and that it never answers for a batch the rules would
reject or hold out any row of.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from greenpark.ingest.validate import _NOT_A_TIME, _UNSAFE, TimeWindow
from greenpark.io.plausibility import vee_rule
from greenpark.io.readings_batch import MeterTable, meter_table
from greenpark.model import ParkData

#: Batches up to this many rows try the clean path first; larger ones go straight to the vectorised rules
#: (their fixed cost is small against the rows, and a Python loop per row would cost more). A tuning choice
#: of this module, not a domain threshold.
SMALL_BATCH_ROWS = 1000

_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)
_VALUE = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?", re.ASCII)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _utc_us(text: str, zone: str) -> int | None:
    """Microseconds since the epoch (UTC) of a plain ISO 8601 time; None when it is not plainly one."""
    found = _TIME.fullmatch(text)
    if found is None:
        return None
    y, mo, d, h, mi, s, frac, offset = found.groups()
    try:
        naive = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), int((frac or "0").ljust(6, "0")))
    except ValueError:  # 2024-02-30, 24:00, 60 seconds: left to the rules
        return None
    if offset is None:  # park local time: only when the zone gives it exactly one instant
        tz = _zone(zone)
        first, second = naive.replace(tzinfo=tz), naive.replace(tzinfo=tz, fold=1)
        if first.utcoffset() != second.utcoffset():
            return None
        when = first
    elif offset == "Z":
        when = naive.replace(tzinfo=dt.UTC)
    else:
        sign = -1 if offset[0] == "-" else 1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            return None
        when = naive.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)))
    return _us(when)


def _us(when: dt.datetime) -> int:
    """Microseconds since the epoch of a tz-aware time (exact integer arithmetic, as ``datetime64[us]``)."""
    delta = when - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def clean_readings(
    data: ParkData, meter_ids: list[object], stamps: list[object], values: list[object], window: TimeWindow | None
) -> pd.DataFrame | None:
    """The accepted readings of a batch every row of which passes every rule, else None (see the module doc).

    Parameters
    ----------
    data : the park (its meters, their bounds and its zone).
    meter_ids, stamps, values : the raw fields, one per row, as read (text; None for a missing field).
    window : the plausible time of a reading (None: no time check beyond the parse).

    Returns
    -------
    DataFrame or None : meter_id, ts (UTC interval start, ``datetime64[us, UTC]``), value (kWh or m3), sorted by
        meter and time, as :func:`greenpark.io.readings_batch.check_readings` returns them; None when the batch
        must go through the rules.
    """
    n = len(meter_ids)
    if n == 0 or n > SMALL_BATCH_ROWS:
        return None
    table = meter_table(data.meters)
    zone = data.park.timezone
    earliest, latest = (_us(window.earliest), _us(window.latest())) if window is not None else (0, 0)
    rows: list[tuple[int, int, float]] = []
    for meter, stamp, value in zip(meter_ids, stamps, values, strict=True):
        if type(meter) is not str or type(stamp) is not str or type(value) is not str:
            return None
        if _UNSAFE.search(meter) or _UNSAFE.search(stamp) or _UNSAFE.search(value):
            return None
        m = table.position.get(meter.strip(), -1)
        if m < 0 or table.cumulative[m]:
            return None
        stamp = stamp.strip()
        if stamp.lower() in _NOT_A_TIME:
            return None
        t = _utc_us(stamp, zone)
        if t is None:
            return None
        if window is not None and (t < earliest or t > latest):
            return None
        if _VALUE.fullmatch(value) is None:
            return None
        x = float(value)
        if not math.isfinite(x):
            return None
        rows.append((m, t, x * float(table.factor[m])))
    if len({(m, t) for m, t, _ in rows}) < n:  # a duplicate (meter, timestamp): the set rules decide
        return None
    if not _within_bounds(rows, table):
        return None
    rows.sort(key=lambda r: (table.meters[r[0]].meter_id, r[1]))
    return pd.DataFrame(
        {
            "meter_id": np.array([table.meters[m].meter_id for m, _, _ in rows], dtype=object),
            "ts": pd.DatetimeIndex(np.array([t for _, t, _ in rows], dtype="datetime64[us]"), tz="UTC"),
            "value": np.array([v for _, _, v in rows], dtype=float),
        }
    )


def _within_bounds(rows: list[tuple[int, int, float]], table: MeterTable) -> bool:
    """Whether no value can be held out by ``vee.physical_bound`` or ``vee.history_bound`` (interval meters)."""
    per_meter = Counter(m for m, _, _ in rows)
    min_n = int(vee_rule("vee.history_bound", "min_readings"))
    margin = vee_rule("vee.physical_bound", "margin")
    mpi, mkw, step_s = table.max_per_interval, table.max_kw, table.interval_s
    for m, _, v in rows:
        if not math.isnan(mpi[m]):
            if v > margin * mpi[m] * 1.0:  # the rule's bound for an interval meter (growth factor 1)
                return False
        elif not math.isnan(mkw[m]) and table.base_unit[m] == "kWh":
            if math.isnan(step_s[m]):
                if per_meter[m] > 1:  # the step would come from the batch's own spacing
                    return False
            elif v > margin * mkw[m] * step_s[m] / 3600.0:
                return False
        elif math.isnan(mkw[m]) and per_meter[m] >= min_n:  # enough values for a history bound
            return False
    return True
