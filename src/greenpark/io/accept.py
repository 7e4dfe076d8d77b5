"""Accept a held-out reading back: it was real (a commissioning test, a new furnace's first day).

A person's decision, recorded in the store with who and when; the reading goes into the readings and so
into every result, and the held-out list keeps it, marked accepted (nothing is deleted). The decision is
kept across re-imports. The same can be written in the park folder's ``accepted.csv`` (meter_id, ts, note,
by), which the import applies.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from greenpark.errors import InputError
from greenpark.io.importer import import_keys
from greenpark.io.timestamps import local_text, parse_timestamps
from greenpark.store import Store


def accept_readings(
    store: Store,
    park_id: str,
    meter_id: str,
    ts: dt.datetime | str | None,
    by: str,
    note: str = "",
    all_for_meter: bool = False,
) -> pd.DataFrame:
    """Accept held-out readings of a meter back into the results, recorded with who and when.

    Parameters
    ----------
    store : Store
        The store holding the park (imported).
    park_id, meter_id : str
        The park and the meter of the held-out reading.
    ts : datetime or str or None
        Start of the held-out interval as ``greenpark check`` lists it: a tz-aware datetime, or ISO text
        (no offset = park local time). None only with ``all_for_meter``.
    by : str
        Who accepts (a name; required: a decision without a person is not recorded).
    note : str
        Why the reading is real.
    all_for_meter : bool
        Accept every held-out reading of the meter.

    Returns
    -------
    DataFrame
        meter_id, ts (UTC), value: the readings accepted back.

    Raises
    ------
    InputError
        No name, no time without ``all_for_meter``, a time that does not parse, or nothing held out
        that matches (the message lists the meter's held-out times in park local time).
    """
    if not by or not by.strip():
        raise InputError("say who accepts the reading: --by NAME (the decision is recorded with who and when)")
    zone = store.load_park(park_id).park.timezone
    when: dt.datetime | None = None
    if ts is not None and not all_for_meter:
        when = _instant(ts, zone)
    elif not all_for_meter:
        raise InputError("give the held-out interval's start with --ts (park local time), or --all-for-meter")
    rows = store.accept_held_out(park_id, meter_id, when, by.strip(), note)
    if rows.empty:
        held = store.held_out(park_id)
        mine = held[held["meter_id"] == meter_id]
        if mine.empty:
            meters = ", ".join(sorted(set(held["meter_id"]))) or "none"
            raise InputError(
                f"meter {meter_id!r} of park {park_id!r} has no held-out reading (meters with held-out readings: "
                f"{meters}); 'greenpark check' lists them"
            )
        times = ", ".join(local_text(t, zone) for t in mine["ts"].head(5))
        raise InputError(
            f"no held-out reading of meter {meter_id!r} starts at {local_text(when, zone)} (park local time); "
            f"its held-out readings start at {times}{' ...' if len(mine) > 5 else ''}"
        )
    _count_accepted(store, park_id, len(rows))
    return rows


def _instant(ts: dt.datetime | str, zone: str) -> dt.datetime:
    if isinstance(ts, dt.datetime):
        if ts.tzinfo is None:
            return pd.Timestamp(ts).tz_localize(zone).to_pydatetime()
        return ts
    parsed = parse_timestamps(pd.Series([str(ts)]), zone).iloc[0]
    if pd.isna(parsed):
        raise InputError(f"--ts {ts!r} is not a time; write it as greenpark check lists it, e.g. 2024-03-05 10:15")
    return parsed.to_pydatetime()


def _count_accepted(store: Store, park_id: str, n: int) -> None:
    """Keep the import's per-file counts true: n readings move from held out to accepted."""
    for key in import_keys(store, park_id):
        info = json.loads(store.get_meta(key) or "{}")
        for c in info.get("counts", {}).values():
            if c.get("held_out", 0) >= n and str(c.get("file", "")).startswith("readings"):
                c["held_out"] -= n
                c["accepted"] += n
                break
        store.set_meta(key, json.dumps(info))
