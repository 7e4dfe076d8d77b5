"""Adapter: validate a live batch exactly as the file import validates ``readings.csv``, after a screen.

The rules live in :class:`greenpark.io.readings.ReadingsStage` (unknown meter, timestamp,
value, negative steps, duplicates, cumulative registers to intervals, unit conversion);
this module frames a batch as a sheet of that stage (the source ``http``, ``http-csv``
or ``mqtt`` as the file, the 1-based position in the batch as the line) and returns its
results. Cumulative meters follow the file rules per batch: a batch's first register
reading of a meter is the base of the next interval, so live cumulative meters should
send interval values or whole days.

Before the stage, :func:`screen` rejects what a live sender can send and a file import never
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

from greenpark.io.quarantine import REJECT_COLUMNS, ProblemLog
from greenpark.io.readings import READING_COLUMNS, ReadingsStage
from greenpark.io.sources import LINE, Sheet
from greenpark.model import ParkData

_UNSAFE = re.compile("[\x00\ud800-\udfff]")
# words PostgreSQL and DuckDB read as special timestamps: none is the time of a reading
_NOT_A_TIME = frozenset(
    {"infinity", "+infinity", "-infinity", "inf", "+inf", "-inf", "nan", "epoch", "now", "today", "tomorrow"}
    | {"yesterday", "allballs"}
)
_LEADING_YEAR = r"^([+-]?\d+)-"
_HAS_OFFSET = r"(?:[zZ]|[+-]\d\d(?::?\d\d)?)$"


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


def _timestamps_utc(text: pd.Series, zone: str) -> pd.Series:
    """ISO 8601 text to UTC (naive = park local time); NaT where pandas cannot read it (the stage decides)."""
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]")
    offset = text.str.contains(_HAS_OFFSET, regex=True)
    if offset.any():
        out[offset] = pd.to_datetime(text[offset], format="ISO8601", errors="coerce", utc=True)
    naive = ~offset & (text != "")
    if naive.any():
        local = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
        out[naive] = local.dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward").dt.tz_convert("UTC")
    return out


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
        unknown = np.array([str(v).strip() not in known for v in frame["meter_id"]], dtype=bool)
        mark(unknown, "meter_id", "unknown meter id: not a meter of this park (ask the park operator)")
    if window is not None and "timestamp" in frame.columns:
        ok = reason == None  # noqa: E711
        text = pd.Series(
            [str(v).strip() if isinstance(v, str) else "" for v in frame["timestamp"]], index=frame.index, dtype=object
        ).where(ok, "")
        mark(
            text.str.lower().isin(_NOT_A_TIME).to_numpy(),
            "timestamp",
            "timestamp is not a finite time (infinity, epoch, now ... are not taken); "
            "send ISO 8601 such as 2024-03-01T08:15:00+07:00",
        )
        latest = window.latest()
        year = pd.to_numeric(text.str.extract(_LEADING_YEAR, expand=False), errors="coerce")
        early_year = (year < window.earliest.year).fillna(False).to_numpy(dtype=bool)
        late_year = (year > latest.year).fillna(False).to_numpy(dtype=bool)
        checked = (reason == None) & ~early_year & ~late_year & (text != "").to_numpy()  # noqa: E711
        when = _timestamps_utc(
            pd.Series(np.where(checked, text, ""), index=frame.index, dtype=object), data.park.timezone
        )
        early = early_year | (when < window.earliest).fillna(False).to_numpy(dtype=bool)
        late = late_year | (when > latest).fillna(False).to_numpy(dtype=bool)
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


def validate_batch(
    data: ParkData, raw: pd.DataFrame, source: str, window: TimeWindow | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed, converted readings and the rejected rows of a raw batch.

    Parameters
    ----------
    data : the park (its meters, units and zone).
    raw : text columns meter_id, timestamp, value (None for a missing field).
    source : names the batch in the quarantine (``http``, ``http-csv``, ``mqtt``).
    window : the plausible time of a reading (None: no time check beyond the stage's parse).

    Returns
    -------
    accepted : DataFrame with meter_id, ts (UTC interval start), value (kWh or m3).
    rejects : DataFrame with the quarantine columns (file, line, field, value, reason, raw), ordered by line.
    """
    frame = raw.reset_index(drop=True).reindex(columns=list(READING_COLUMNS)).astype(object)
    frame = frame.where(frame.notna(), "")
    frame[LINE] = np.arange(1, len(frame) + 1)
    keep, screened = screen(data, frame, source, window)
    problems = ProblemLog()
    with ReadingsStage(source, data.meters, data.park.timezone) as stage:
        stage.add(Sheet(source, frame[keep].reset_index(drop=True), []))
        stage.finish(problems)
        accepted = stage.frame()
    rejects = problems.rejects_frame()
    if len(screened):
        rejects = pd.concat([screened.astype(rejects.dtypes.to_dict()), rejects], ignore_index=True)
        order = np.argsort(pd.to_numeric(rejects["line"], errors="coerce").to_numpy(), kind="stable")
        rejects = rejects.iloc[order].reset_index(drop=True)
    return accepted, rejects
