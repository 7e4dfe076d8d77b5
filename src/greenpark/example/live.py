"""The example park's WWTP episodes as a day of live analyser data (``greenpark serve --example`` replays it).

The generator writes a year of 5-minute outlet analyser values with designed events (``metadata.json``
``water.episodes``: four exceedances; ``water.flatline``: a stuck COD probe). A service started on the example
park would show none of them live: they lie months in the past, and the live WWTP panel and the alert rules look
at the last 24 hours. :func:`episode_day` cuts each event out of ``wastewater.csv`` with the same number of
analyser steps of ordinary data on each side, lays the pieces end to end (in the order they happened) so that
they fill ``span`` and end at ``now``, and moves their timestamps there. The values are the generator's, row by
row; only the times move, by a whole number of analyser steps per piece. The caller sends the rows through the
live ingestion pipeline (validation, store, alert rules) as a gateway catching up on a day would.

The day is continuous (no missing 5-minute step between pieces), so the missing-data rule finds no gap the
generator did not make; the 2-hour station gap is not replayed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

RAW_COLUMNS = ["wwtp_id", "timestamp", "point", "parameter", "value", "unit", "method"]


def episodes(folder: Path) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """The designed analyser events of an example park folder: (name, start, end exclusive), park local time,
    in the order they happened (from ``metadata.json``: the exceedance episodes and the stuck probe)."""
    water = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))["water"]
    out = [(str(e["event"]), pd.Timestamp(e["start"]), pd.Timestamp(e["end"])) for e in water["episodes"]]
    if water.get("flatline"):
        f = water["flatline"]
        out.append((f"{f['parameter']}_stuck", pd.Timestamp(f["start"]), pd.Timestamp(f["end"])))
    return sorted(out, key=lambda e: e[1])


def episode_day(folder: Path, zone: str, now: dt.datetime, span: dt.timedelta) -> pd.DataFrame:
    """The outlet analyser rows of the example's events, moved to the ``span`` that ends at ``now``.

    Parameters
    ----------
    folder : an example park folder (``wastewater.csv``, ``metadata.json``).
    zone : the park's time zone (the folder's timestamps are its local time).
    now : tz-aware; the day ends at ``now`` rounded down to the analyser step.
    span : how long the day is (the live panel and the water alert window: 24 h).

    Returns
    -------
    Raw rows (``RAW_COLUMNS``, text as in the file; ``timestamp`` ISO 8601 in UTC) in time order, plus
    ``event`` (the event a row's piece shows) and ``source_timestamp`` (its time in the file), for the reader.

    Method
    ------
    The analyser step is the file's (the most common interval between outlet analyser timestamps). With n events
    of total length D, each piece gets ``pad = floor((span - D) / (2 n))`` steps of ordinary data before and
    after its event, and the last piece the remainder after it, so the pieces fill ``span`` exactly.
    """
    events = episodes(folder)
    raw = pd.read_csv(folder / "wastewater.csv", dtype=str, keep_default_na=False)
    live = raw[(raw["point"] == "outlet") & (raw["method"] == "analyser")].copy()
    local = pd.to_datetime(live["timestamp"])
    stamps = pd.Series(local.unique()).sort_values()
    step = pd.Timedelta(stamps.diff().mode().iloc[0])
    total = sum((end - start for _, start, end in events), pd.Timedelta(0))
    spare = max(pd.Timedelta(span) - total, pd.Timedelta(0))
    pad = step * (spare // step // (2 * len(events))) if events else pd.Timedelta(0)
    last_extra = spare - 2 * pad * len(events) if spare > pd.Timedelta(0) else pd.Timedelta(0)
    last_extra = step * (last_extra // step)
    end_utc = pd.Timestamp(now).tz_convert("UTC").floor(step)
    length = total + 2 * pad * len(events) + last_extra
    at = end_utc - length  # where the next piece starts, UTC
    pieces = []
    for i, (name, start, end) in enumerate(events):
        before, after = start - pad, end + pad + (last_extra if i == len(events) - 1 else pd.Timedelta(0))
        piece = live[(local >= before) & (local < after)].copy()
        src = local[piece.index].dt.tz_localize(zone).dt.tz_convert("UTC")
        moved = src + (at - before.tz_localize(zone).tz_convert("UTC"))
        piece["source_timestamp"] = piece["timestamp"]
        piece["timestamp"] = moved.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        piece["event"] = name
        pieces.append(piece)
        at += after - before
    if not pieces:
        return pd.DataFrame(columns=[*RAW_COLUMNS, "event", "source_timestamp"])
    return pd.concat(pieces, ignore_index=True)[[*RAW_COLUMNS, "event", "source_timestamp"]]
