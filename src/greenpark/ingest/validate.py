"""Adapter: validate a live batch with the rules the file import applies to ``readings.csv``, after a screen.

The rules (unknown meter, timestamp, value, negative steps, duplicates, cumulative registers
to intervals, unit conversion, the plausibility bounds of VEE) are those of
:class:`greenpark.io.readings.ReadingsStage`, applied in memory to the whole batch at once by
:func:`greenpark.io.readings_batch.check_readings` (no scratch database per batch); this module
frames a batch (the source ``http``, ``http-csv`` or ``mqtt`` as the file, the 1-based position
in the batch as the line) and returns the results. Cumulative meters follow the file rules
per batch: a batch's first register reading of a meter is the base of the next interval, so
live cumulative meters should send interval values or whole days.

Before the rules, :func:`screen` rejects what a live sender can send and a file import never
meets, so that nothing can fail once the batch is being written (a batch is validated whole,
then written): text with a NUL character or a lone surrogate (PostgreSQL cannot store either;
the quarantine keeps them escaped), a meter that is not the park's (the reason never lists the
park's meters: a device must not learn other tenants' meter ids), and timestamps that are not a
finite time (``infinity``, ``epoch``...), lie before ``earliest`` or more than the allowed margin
ahead of the server clock (year 290000 included).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from greenpark.io.quarantine import REJECT_COLUMNS
from greenpark.io.readings import READING_COLUMNS
from greenpark.io.readings_batch import CheckedReadings, check_readings, parse_times
from greenpark.io.sources import LINE
from greenpark.model import ParkData

_UNSAFE = re.compile("[\x00\ud800-\udfff]")
# words PostgreSQL and DuckDB read as special timestamps: none is the time of a reading
_NOT_A_TIME = frozenset(
    {"infinity", "+infinity", "-infinity", "inf", "+inf", "-inf", "nan", "epoch", "now", "today", "tomorrow"}
    | {"yesterday", "allballs"}
)
_LEADING_YEAR = re.compile(r"^([+-]?\d+)-")


@dataclass(frozen=True)
class TimeWindow:
    """The plausible time of a live reading: from ``earliest`` to ``ahead`` past the server clock."""

    earliest: dt.datetime
    ahead: dt.timedelta

    def latest(self) -> dt.datetime:
        """The latest plausible time now."""
        return dt.datetime.now(dt.UTC) + self.ahead


def escape_text(value: object) -> str:
    """Text safe to store anywhere: NUL as ``\\x00``, a lone surrogate as ``\\udXXX``."""
    text = "" if value is None else str(value)
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def _unsafe(values: pd.Series) -> np.ndarray:
    texts = [v for v in values if isinstance(v, str)]
    if not _UNSAFE.search("\x01".join(texts)):  # the usual case: one search over the column
        return np.zeros(len(values), dtype=bool)
    return np.array([isinstance(v, str) and _UNSAFE.search(v) is not None for v in values], dtype=bool)


def screen(
    data: ParkData, frame: pd.DataFrame, source: str, window: TimeWindow | None, columns: list[str] | None = None
) -> tuple[np.ndarray, pd.DataFrame]:
    """Rows of ``frame`` that may go on to the validation, and the rejects of the others.

    Parameters
    ----------
    data : the park (its meters and zone).
    frame : text columns (``""`` for a missing field) and the 1-based line in ``LINE``.
    source : names the batch in the quarantine.
    window : the plausible time of a reading (None: no time check).
    columns : the text columns to check for NUL and lone surrogates (default: the reading columns);
        ``meter_id`` and ``timestamp``, when present, get the meter and time checks.

    Returns
    -------
    keep : boolean mask over ``frame``'s rows.
    rejects : DataFrame with the quarantine columns, text escaped (see :func:`escape_text`).
    """
    columns = columns or list(READING_COLUMNS)
    n = len(frame)
    reason = np.full(n, None, dtype=object)
    field = np.full(n, None, dtype=object)

    def mark(mask: np.ndarray, name: str, why: str | np.ndarray) -> None:
        new = np.asarray(mask, dtype=bool) & (reason == None)  # noqa: E711 (element-wise)
        reason[new] = why[new] if isinstance(why, np.ndarray) else why
        field[new] = name

    for c in columns:
        bad = _unsafe(frame[c])
        if bad.any():
            nul = np.array([isinstance(v, str) and "\x00" in v for v in frame[c]], dtype=bool)
            mark(bad & nul, c, f"{c} contains a NUL character; send plain text")
            mark(bad & ~nul, c, f"{c} is not valid Unicode text (a lone surrogate); send UTF-8 text")
    if "meter_id" in frame.columns and "meter_id" in columns:
        known = {m.meter_id for m in data.meters}
        unknown = np.array([str(v).strip() not in known for v in frame["meter_id"].tolist()], dtype=bool)
        mark(unknown, "meter_id", "unknown meter id: not a meter of this park (ask the park operator)")
    if window is not None and "timestamp" in frame.columns:
        ok = reason == None  # noqa: E711
        text = [
            str(v).strip() if isinstance(v, str) and k else ""
            for v, k in zip(frame["timestamp"].tolist(), ok, strict=True)
        ]
        mark(
            np.array([t.lower() in _NOT_A_TIME for t in text], dtype=bool),
            "timestamp",
            "timestamp is not a finite time (infinity, epoch, now ... are not taken); "
            "send ISO 8601 such as 2024-03-01T08:15:00+07:00",
        )
        latest = window.latest()
        when = parse_times([t if r is None else "" for t, r in zip(text, reason, strict=True)], data.park.timezone)
        with np.errstate(invalid="ignore"):  # NaT compares False
            early = when < np.datetime64(window.earliest.astimezone(dt.UTC).replace(tzinfo=None), "us")
            late = when > np.datetime64(latest.astimezone(dt.UTC).replace(tzinfo=None), "us")
        # a year pandas cannot hold (before 1677, after 2262: year 290000) does not parse: its leading year tells
        unread = np.flatnonzero(np.isnat(when) & np.array([bool(t) for t in text], dtype=bool) & (reason == None))  # noqa: E711
        for i in unread:
            found = _LEADING_YEAR.match(text[i])
            if found:
                early[i] = int(found.group(1)) < window.earliest.year
                late[i] = int(found.group(1)) > latest.year
        hours = window.ahead.total_seconds() / 3600
        mark(
            early,
            "timestamp",
            f"timestamp is before {window.earliest:%Y-%m-%d}, earlier than any plausible reading "
            "(setting ingest_earliest)",
        )
        mark(
            late,
            "timestamp",
            f"timestamp is more than {hours:g} h ahead of the server clock ({latest - window.ahead:%Y-%m-%dT%H:%MZ}); "
            "check the sender's clock and time zone",
        )
    bad = reason != None  # noqa: E711
    if not bad.any():
        return np.ones(n, dtype=bool), _empty_rejects()
    rows = frame[bad]
    rejects = pd.DataFrame(
        {
            "file": source,
            "line": rows[LINE].astype(str).to_numpy(),
            "field": field[bad],
            "value": [escape_text(rows[f].iloc[i]) for i, f in enumerate(field[bad])],
            "reason": reason[bad],
            "raw": [",".join(escape_text(v) for v in r) for r in rows[columns].itertuples(index=False, name=None)],
        },
        columns=REJECT_COLUMNS,
    )
    return ~bad, rejects


def _empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in REJECT_COLUMNS})


def validate_batch(data: ParkData, raw: pd.DataFrame, source: str, window: TimeWindow | None = None) -> CheckedReadings:
    """Typed, converted readings, the rejected rows and the held-out values of a raw batch.

    Parameters
    ----------
    data : the park (its meters, units and zone).
    raw : text columns meter_id, timestamp, value (None for a missing field).
    source : names the batch in the quarantine (``http``, ``http-csv``, ``mqtt``).
    window : the plausible time of a reading (None: no time check beyond the parse).

    Returns
    -------
    CheckedReadings : accepted (meter_id, ts [UTC interval start], value [kWh or m3]), rejects (the quarantine
        columns, ordered by line) and held_out (values beyond their meter's bound, with the reason).
    """
    frame = raw.reset_index(drop=True).reindex(columns=list(READING_COLUMNS)).astype(object)
    frame = frame.where(frame.notna(), "")
    frame[LINE] = np.arange(1, len(frame) + 1)
    keep, screened = screen(data, frame, source, window)
    checked = check_readings(frame[keep] if not keep.all() else frame, data.meters, data.park.timezone, source)
    if len(screened):
        rejects = pd.concat([screened, checked.rejects.astype(object)], ignore_index=True)
        order = np.argsort(pd.to_numeric(rejects["line"], errors="coerce").to_numpy(), kind="stable")
        checked.rejects = rejects.iloc[order].reset_index(drop=True)
    return checked
