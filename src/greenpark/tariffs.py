"""Electricity tariffs of Vietnam: time-of-use bands and retail prices, by effective date.

The one TOU-band function of greenpark. The hours are reference data
(``reference/data/tariffs/tou_hours.csv``): the Circular 16/2014 hours until
2026-04-21 and the Decision 963/QD-BCT hours from 2026-04-22; a timestamp takes
the scheme in force on its local date. Sundays have no peak. Public holidays
follow the day of the week (EVN applies no holiday rule to the three-price hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
    day = np.asarray(idx.day_of_week == 6).astype(np.int8)
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


# -- VAT, surplus-export rules and hourly prices (extended for the solar engine) -----------------------------------


def _latest_in_force(df: pd.DataFrame, on: dt.date, what: str, table: str) -> pd.Series:
    """The row in force on ``on`` with the latest ``valid_from`` (a reduced rate wins over the standard one)."""
    from greenpark.reference import valid_on

    hits = valid_on(df, on)
    if hits.empty:
        spans = sorted({(str(a), str(b)) for a, b in zip(df["valid_from"], df["valid_to"], strict=True)})
        raise MissingFactorError(
            f"no {what} in force on {on.isoformat()} in reference table {table!r}; it covers {spans}; "
            f"add a row to <your reference folder>/{table}.csv"
        )
    order = hits["valid_from"].map(lambda d: d or dt.date.min)
    return hits.loc[order.sort_values(kind="stable").index[-1]]


def vat_rate(on: dt.date) -> FactorRow:
    """VAT rate on electricity (share of the pre-VAT bill, e.g. 0.08) in force on ``on``.

    A reduced rate (Resolution 204/2025/QH15: 8 % until 2026-12-31) wins over the standard 10 %.

    References
    ----------
    Law on VAT 48/2024/QH15; Resolution 204/2025/QH15 (``reference/data/tariffs/vat.csv``).
    """
    table = "tariffs/vat"
    df = load_table(table)
    row = _latest_in_force(df[df["item"] == "electricity"], on, "electricity VAT rate", table)
    from greenpark.reference import row_to_factor

    return row_to_factor(table, row, ["item"])


def price_region(latitude: float) -> str:
    """Price region of Vietnam ('north', 'central', 'south') for a latitude [deg], from ``tariffs/regions.csv``."""
    df = load_table("tariffs/regions")
    hit = df[(df["lat_min"] <= latitude) & (latitude < df["lat_max"])]
    if hit.empty:
        bands = ", ".join(f"{r.region} {r.lat_min}-{r.lat_max}" for r in df.itertuples())
        raise MissingFactorError(f"latitude {latitude} is in no price region of Vietnam ({bands}); pass region=")
    return str(hit.iloc[0]["region"])


@dataclass(frozen=True)
class SurplusRule:
    """Rules for selling rooftop-solar surplus to EVN in force on a date.

    ``export_cap_share`` is the largest share of the system's annual output that may be sold;
    ``price_vnd_per_kwh`` the price paid for it (excl. VAT).
    """

    rule: str
    export_cap_share: float
    price_vnd_per_kwh: float
    factors: tuple[FactorRow, ...]


def surplus_rule(on: dt.date, region: str = "south") -> SurplusRule:
    """The self-consumed rooftop-solar surplus rule in force on ``on`` for a price region.

    Decree 135/2024 (20 % of output, previous year's market price) -> Decree 58/2025 (same) ->
    Decree 243/2026 (50 % of output, price capped at the regional ground-mounted solar ceiling).

    Raises
    ------
    MissingFactorError
        No rule in force on ``on`` (e.g. before 2024-10-22), or no price for ``region``.
    """
    from greenpark.reference import row_to_factor

    table = "tariffs/rooftop_surplus"
    df = load_table(table)
    if region not in ("north", "central", "south"):
        raise InputError(f"unknown price region {region!r}; use one of north, central, south")
    factors = []
    for item in ("export_cap_share", "surplus_price"):
        rows = df[(df["item"] == item) & df["region"].isin(["all", region])]
        row = _latest_in_force(rows, on, f"rooftop surplus {item} for region {region!r}", table)
        factors.append(row_to_factor(table, row, ["rule", "region", "item"]))
    return SurplusRule(
        rule=str(factors[0].keys["rule"]),
        export_cap_share=factors[0].value,
        price_vnd_per_kwh=factors[1].value,
        factors=tuple(factors),
    )


def tariff_bands_on(ts: pd.DatetimeIndex, on: dt.date) -> np.ndarray:
    """TOU band of each timestamp under the hours in force on ``on`` (for a load year priced at today's rules).

    The timestamps are moved forward by whole weeks so that the first one falls on or after ``on``
    (weekday and clock time unchanged), then :func:`tou_band` is applied. A scheme that starts within
    the following year is not reached: the study prices the whole year at the rules of ``on``.
    """
    idx = pd.DatetimeIndex(ts)
    if idx.tz is None:
        raise InputError("tariff_bands_on needs tz-aware timestamps; localise them to the park's zone first")
    if len(idx) == 0:
        return np.asarray([], dtype=object)
    first_local = idx.tz_convert("Asia/Ho_Chi_Minh")[0].date()
    weeks = max(0, -(-(on - first_local).days // 7))
    return tou_band(idx + pd.Timedelta(weeks=weeks))


def energy_price(ts: pd.DatetimeIndex, voltage_level: str, on: dt.date) -> tuple[np.ndarray, list[FactorRow]]:
    """Retail energy price [VND/kWh, excl. VAT] of each timestamp, at the tariff and TOU hours in force on ``on``.

    Returns the price array and the three tariff rows used (offpeak, normal, peak).
    """
    bands = tariff_bands_on(ts, on)
    rows = [retail_price(voltage_level, b, on) for b in BANDS]
    lut = {b: r.value for b, r in zip(BANDS, rows, strict=True)}
    price = np.select([bands == b for b in BANDS], [lut[b] for b in BANDS], default=np.nan).astype(float)
    return price, rows
