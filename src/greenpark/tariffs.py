"""Electricity tariffs of Vietnam: time-of-use bands and retail prices, by effective date.

The one TOU-band function of greenpark. The hours are reference data
(``reference/data/tariffs/tou_hours.csv``): the Circular 16/2014 hours until
2026-04-21 and the Decision 963/QD-BCT hours from 2026-04-22; a timestamp takes
the scheme in force on its local date. Sundays have no peak. Public holidays
follow the day of the week (EVN applies no holiday rule to the three-price hours).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd

from greenpark.errors import InputError, MissingFactorError, ReferenceDataError
from greenpark.reference import FactorRow, load_table, lookup

BANDS = ("offpeak", "normal", "peak")
_MINUTES_PER_DAY = 1440


def _minute(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


@lru_cache(maxsize=1)
def _schemes() -> list[tuple[dt.date | None, dt.date | None, str, np.ndarray]]:
    """Per scheme: (valid_from, valid_to, name, array[2, 1440] of band codes; row 0 Mon–Sat, row 1 Sunday)."""
    df = load_table("tariffs/tou_hours")
    out = []
    for scheme, rows in df.groupby("scheme", sort=False):
        grid = np.full((2, _MINUTES_PER_DAY), -1, dtype=np.int8)
        for r in rows.itertuples():
            day = 0 if r.day_type == "mon_sat" else 1
            grid[day, _minute(r.start) : _minute(r.end)] = BANDS.index(r.band)
        if (grid < 0).any():
            raise ReferenceDataError(f"TOU scheme {scheme!r} leaves minutes without a band; fix tariffs/tou_hours.csv")
        first = rows.iloc[0]
        out.append((first["valid_from"], first["valid_to"], str(scheme), grid))
    return out


def tou_band(ts_local: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    """TOU band ('offpeak', 'normal', 'peak') of each timestamp, vectorised.

    Parameters
    ----------
    ts_local : DatetimeIndex or Series of tz-aware timestamps
        Interval start times. Converted to Asia/Ho_Chi_Minh if in another zone
        (the EVN hours are Vietnamese local time).

    Returns
    -------
    numpy.ndarray of str, one band per timestamp.

    Raises
    ------
    InputError
        Naive timestamps (a naive time is ambiguous: localise it first).
    MissingFactorError
        A date before the first scheme in the reference data.
    """
    idx = pd.DatetimeIndex(ts_local)
    if idx.tz is None:
        raise InputError("tou_band needs tz-aware timestamps; localise them to the park's zone first")
    idx = idx.tz_convert("Asia/Ho_Chi_Minh")
    minute = np.asarray(idx.hour * 60 + idx.minute)
    day = np.asarray(idx.dayofweek == 6).astype(np.int8)
    dates = idx.normalize().tz_localize(None).to_numpy().astype("datetime64[D]")
    codes = np.full(len(idx), -1, dtype=np.int8)
    for start, end, _name, grid in _schemes():
        sel = np.ones(len(idx), dtype=bool)
        if start is not None:
            sel &= dates >= np.datetime64(start)
        if end is not None:
            sel &= dates <= np.datetime64(end)
        codes[sel] = grid[day[sel], minute[sel]]
    if (codes < 0).any():
        first = idx[codes < 0][0]
        raise MissingFactorError(f"no TOU scheme in force on {first.date()}; see reference tariffs/tou_hours.csv")
    return np.asarray(BANDS, dtype=object)[codes]


def retail_price(voltage_level: str, band: str, on: dt.date) -> FactorRow:
    """EVN manufacturing retail price (VND/kWh, excl. VAT) for a voltage level and band, in force on ``on``.

    If no row is in force on ``on`` (e.g. a date before the first tariff in the
    data), the error names the dates the table covers.
    """
    return lookup("tariffs/retail_manufacturing", on=on, voltage_level=voltage_level, band=band)
