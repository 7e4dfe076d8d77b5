"""Electricity tariffs of Vietnam: time-of-use bands by the minute, retail and park wholesale prices, VAT, by date.

The one electricity price of greenpark: the cost curve, solar sizing, load analytics and tenants' bills all
price energy here.

- TOU hours are reference data (``reference/data/tariffs/tou_hours.csv``): the Circular 16/2014 hours until
  2026-04-21 and the Decision 963/QD-BCT hours (applied through Circular 60/2025/TT-BCT) from 2026-04-22; a
  minute takes the scheme in force on its local date. Sundays have no peak. Public holidays follow the day of
  the week (EVN applies no holiday rule to the three-price hours).
- An interval that straddles a band edge (09:30, 11:30 under the old hours; 17:30, 22:30 under the new ones)
  is split by the minutes it spends in each band (:func:`tou_split`); its energy is shared pro rata
  (:func:`kwh_by_band`), i.e. the load is taken as flat within the interval, the best a meter's interval
  total allows.
- Retail prices by tariff group (manufacturing, business), supply voltage and band, and the wholesale price
  to retailers inside industrial parks by connection, under Decisions 1062/QD-BCT (2023-05-04),
  2941/QD-BCT (2023-11-09), 2699/QD-BCT (2024-10-11) and 1279/QD-BCT (2025-05-10). A date no row covers is
  an error naming the nearest rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from greenpark.errors import InputError, MissingFactorError, ReferenceDataError
from greenpark.reference import FactorRow, load_table, row_to_factor, valid_on

BANDS = ("offpeak", "normal", "peak")
TARIFF_GROUPS = ("manufacturing", "business")
_MINUTES_PER_DAY = 1440
_EVN_ZONE = "Asia/Ho_Chi_Minh"  # the EVN hours are Vietnamese local time


def _minute(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


@dataclass(frozen=True)
class _Scheme:
    valid_from: dt.date | None
    valid_to: dt.date | None
    name: str
    grid: np.ndarray  # [2, 1440] band code per minute; row 0 Mon-Sat, row 1 Sunday
    cum: np.ndarray  # [2, 3, 1441] minutes of each band before minute m


@lru_cache(maxsize=1)
def _schemes() -> list[_Scheme]:
    df = load_table("tariffs/tou_hours")
    out = []
    for scheme, rows in df.groupby("scheme", sort=False):
        grid = np.full((2, _MINUTES_PER_DAY), -1, dtype=np.int8)
        for r in rows.itertuples():
            day = 0 if r.day_type == "mon_sat" else 1
            grid[day, _minute(r.start) : _minute(r.end)] = BANDS.index(r.band)
        if (grid < 0).any():
            raise ReferenceDataError(f"TOU scheme {scheme!r} leaves minutes without a band; fix tariffs/tou_hours.csv")
        onehot = (grid[:, None, :] == np.arange(3)[None, :, None]).astype(np.int32)
        cum = np.concatenate([np.zeros((2, 3, 1), np.int32), onehot.cumsum(axis=2)], axis=2)
        first = rows.iloc[0]
        out.append(_Scheme(first["valid_from"], first["valid_to"], str(scheme), grid, cum))
    return out


def _local(ts: pd.DatetimeIndex | pd.Series, what: str) -> pd.DatetimeIndex:
    idx = pd.DatetimeIndex(ts)
    if idx.tz is None:
        raise InputError(f"{what} needs tz-aware timestamps; localise them to the park's zone first")
    return idx.tz_convert(_EVN_ZONE)


def _scheme_masks(days: np.ndarray) -> list[tuple[_Scheme, np.ndarray]]:
    """Per scheme, which of ``days`` (datetime64[D]) it covers; an uncovered day is an error."""
    covered = np.zeros(len(days), dtype=bool)
    out = []
    for s in _schemes():
        sel = np.ones(len(days), dtype=bool)
        if s.valid_from is not None:
            sel &= days >= np.datetime64(s.valid_from)
        if s.valid_to is not None:
            sel &= days <= np.datetime64(s.valid_to)
        covered |= sel
        out.append((s, sel))
    if not covered.all():
        first = days[~covered][0]
        raise MissingFactorError(f"no TOU scheme in force on {first}; see reference tariffs/tou_hours.csv")
    return out


def tou_band(ts_local: pd.DatetimeIndex | pd.Series) -> np.ndarray:
    """TOU band ('offpeak', 'normal', 'peak') of each instant, vectorised.

    For energy over an interval use :func:`tou_split` / :func:`kwh_by_band`: an interval that straddles a band
    edge belongs to two bands.

    Parameters
    ----------
    ts_local : DatetimeIndex or Series of tz-aware timestamps
        Converted to Asia/Ho_Chi_Minh if in another zone (the EVN hours are Vietnamese local time).

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
    idx = _local(ts_local, "tou_band")
    minute = np.asarray(idx.hour * 60 + idx.minute)
    day = np.asarray(idx.day_of_week == 6).astype(np.int8)
    dates = idx.normalize().tz_localize(None).to_numpy().astype("datetime64[D]")
    codes = np.full(len(idx), -1, dtype=np.int8)
    for s, sel in _scheme_masks(dates):
        codes[sel] = s.grid[day[sel], minute[sel]]
    return np.asarray(BANDS, dtype=object)[codes]


def _band_minutes_within_day(days: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Minutes of each band in [a, b) minutes after local midnight of ``days`` (0 <= a <= b <= 1440)."""
    sunday = ((days.astype("int64") + 3) % 7 == 6).astype(np.int64)  # 1970-01-01 was a Thursday
    out = np.zeros((len(days), 3))

    def cum_at(s: _Scheme, d: np.ndarray, x: np.ndarray) -> np.ndarray:
        i = np.minimum(np.floor(x).astype(np.int64), _MINUTES_PER_DAY)
        frac = x - i
        band_here = s.grid[d, np.minimum(i, _MINUTES_PER_DAY - 1)]
        c = s.cum[d, :, i].astype(float)
        c[np.arange(len(i)), band_here] += frac
        return c

    for s, sel in _scheme_masks(days):
        if sel.any():
            out[sel] = cum_at(s, sunday[sel], b[sel]) - cum_at(s, sunday[sel], a[sel])
    return out


def tou_split(start: pd.DatetimeIndex | pd.Series, interval_min: float | np.ndarray) -> np.ndarray:
    """Minutes of each TOU band (columns in :data:`BANDS` order) in each interval [start, start + interval).

    The one TOU-band function for energy: an interval that straddles a band edge counts the minutes it spends
    on each side; one that crosses midnight takes the next day's hours (and scheme) after midnight.

    Parameters
    ----------
    start : DatetimeIndex or Series of tz-aware timestamps
        Interval starts (meter interval-start convention).
    interval_min : float or array
        Interval length [min], one for all or one per interval; 0 < length <= 1440.

    Returns
    -------
    numpy.ndarray, shape (n, 3): minutes in offpeak, normal, peak; rows sum to the interval length.

    Examples
    --------
    Under Decision 963/QD-BCT hours, Monday 2026-05-04 17:00-18:00 has 30 min normal and 30 min peak.
    """
    idx = _local(start, "tou_split")
    n = len(idx)
    length = np.broadcast_to(np.asarray(interval_min, dtype=float), (n,)).copy()
    if n and ((length <= 0).any() or (length > _MINUTES_PER_DAY).any()):
        raise InputError("tou_split needs interval lengths in (0, 1440] minutes; check the meter's interval")
    pos = np.asarray(idx.hour * 60 + idx.minute + idx.second / 60.0, dtype=float)
    days = idx.normalize().tz_localize(None).to_numpy().astype("datetime64[D]")
    out = np.zeros((n, 3))
    remaining = length
    while n and (remaining > 1e-9).any():
        act = remaining > 1e-9
        piece = np.minimum(remaining, _MINUTES_PER_DAY - pos)
        out[act] += _band_minutes_within_day(days[act], pos[act], pos[act] + piece[act])
        remaining = np.where(act, remaining - piece, 0.0)
        pos = np.zeros(n)
        days = days + np.timedelta64(1, "D")
    return out


def kwh_by_band(start: pd.DatetimeIndex | pd.Series, kwh: np.ndarray | pd.Series, interval_min: float | np.ndarray
                ) -> np.ndarray:  # fmt: skip
    """Energy of each interval split over the TOU bands by its minutes in each (shape (n, 3), :data:`BANDS`)."""
    minutes = tou_split(start, interval_min)
    total = minutes.sum(axis=1, keepdims=True)
    return np.asarray(kwh, dtype=float)[:, None] * minutes / np.where(total > 0, total, 1.0)


def interval_minutes(ts: pd.DatetimeIndex | pd.Series, default: float = 60.0) -> float:
    """The interval of a regular series [min]: the median spacing of its timestamps (``default`` if < 2)."""
    idx = pd.DatetimeIndex(ts)
    if len(idx) < 2:
        return default
    return float(pd.Series(idx).sort_values().diff().median().total_seconds() / 60.0)


# -- prices by date ---------------------------------------------------------------------------------------------


def _span(r: pd.Series) -> str:
    a = r["valid_from"].isoformat() if r["valid_from"] else "..."
    b = r["valid_to"].isoformat() if r["valid_to"] else "open"
    return f"{r['edition']} ({a} to {b})"


def _dated_row(table: str, on: dt.date, what: str, **keys: str) -> FactorRow:
    """The row of ``table`` matching ``keys`` in force on ``on``; else an error naming the nearest rows.

    Cached per (table, date, keys): a month's bill asks the same few rows for every interval date and tenant.
    """
    return _dated_row_cached(table, on, what, tuple(keys.items()))


@lru_cache(maxsize=4096)
def _dated_row_cached(table: str, on: dt.date, what: str, key_items: tuple[tuple[str, str], ...]) -> FactorRow:
    keys = dict(key_items)
    df = load_table(table)
    mask = pd.Series(True, index=df.index)
    for k, v in keys.items():
        mask &= df[k].astype(str) == str(v)
    rows = df[mask]
    if rows.empty:
        known = {k: sorted(df[k].astype(str).unique().tolist()) for k in keys}
        raise MissingFactorError(f"no {what} in reference table {table!r} for {keys}; known values: {known}")
    hits = valid_on(rows, on)
    if hits.empty:
        before = rows[rows["valid_to"].map(lambda d: d is not None and d < on)]
        after = rows[rows["valid_from"].map(lambda d: d is not None and d > on)]
        near = []
        if not before.empty:
            near.append("before: " + _span(before.loc[before["valid_to"].map(lambda d: d.toordinal()).idxmax()]))
        if not after.empty:
            near.append("after: " + _span(after.loc[after["valid_from"].map(lambda d: d.toordinal()).idxmin()]))
        raise MissingFactorError(
            f"no {what} for {keys} in force on {on.isoformat()} in reference table {table!r}; nearest rows "
            f"{'; '.join(near) or 'none'}; add a row for that date to <your reference folder>/{table}.csv"
        )
    hits = hits.sort_values("origin", key=lambda s: s.map({"user": 0, "shipped": 1}))
    return row_to_factor(table, hits.iloc[0], keys.keys())


def retail_price(voltage_level: str, band: str, on: dt.date, tariff: str = "manufacturing") -> FactorRow:
    """EVN retail price [VND/kWh, excl. VAT] for a tariff group, supply voltage and band, in force on ``on``.

    Raises
    ------
    MissingFactorError
        No row in force on ``on``; the message names the nearest decisions before and after.
    """
    if tariff not in TARIFF_GROUPS:
        raise InputError(f"unknown tariff group {tariff!r}; use one of {', '.join(TARIFF_GROUPS)}")
    return _dated_row("tariffs/retail", on, f"{tariff} retail price", tariff=tariff, voltage_level=voltage_level,
                      band=band)  # fmt: skip


def retail_prices(voltage_level: str, on: dt.date, tariff: str = "manufacturing") -> dict[str, FactorRow]:
    """The three band prices (offpeak, normal, peak) of :func:`retail_price`."""
    return {b: retail_price(voltage_level, b, on, tariff) for b in BANDS}


def wholesale_price(connection: str, band: str, on: dt.date) -> FactorRow:
    """Wholesale price [VND/kWh, excl. VAT] EVN charges a retailer inside an industrial park, in force on ``on``.

    ``connection``: ``110kV_busbar_over_100MVA``, ``110kV_busbar_50_100MVA``, ``110kV_busbar_under_50MVA``
    (at the 110 kV busbar of the park's substation, by its total transformer capacity), ``mv_22_110kV`` or
    ``mv_6_22kV`` (bought at medium voltage).
    """
    return _dated_row("tariffs/wholesale_parks", on, "park wholesale price", connection=connection, band=band)


def price_of_load(kwh_by_band: Mapping[str, float], voltage_level: str, on: dt.date,
                  tariff: str = "manufacturing") -> float:  # fmt: skip
    """Energy-weighted retail price [VND/kWh, excl. VAT] of a load shape: sum_b kWh_b p_b / sum_b kWh_b.

    The price a kWh saved across the tenant's load is worth (the cost curve values electricity savings with
    it). A load with no energy takes the normal-hours price.
    """
    prices = retail_prices(voltage_level, on, tariff)
    total = sum(float(kwh_by_band.get(b, 0.0)) for b in BANDS)
    if total <= 0:
        return prices["normal"].value
    return sum(float(kwh_by_band.get(b, 0.0)) * prices[b].value for b in BANDS) / total


# -- VAT, surplus-export rules and hourly prices (extended for the solar engine) -----------------------------------


def _latest_in_force(df: pd.DataFrame, on: dt.date, what: str, table: str) -> pd.Series:
    """The row in force on ``on`` with the latest ``valid_from`` (a reduced rate wins over the standard one)."""
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

    ``export_cap_share`` is the largest share that may be sold of the ``cap_base`` the decree defines:
    ``installed_capacity`` (Decree 135/2024: export power at most the share x installed kW) or ``output``
    (Decrees 58/2025, 243/2026: exported kWh at most the share x the year's output); ``price_vnd_per_kwh`` the
    price paid for it (excl. VAT; the previous year's market price for the year in question).
    """

    rule: str
    export_cap_share: float
    price_vnd_per_kwh: float
    factors: tuple[FactorRow, ...]
    cap_base: str = "output"


def surplus_rule(on: dt.date, region: str = "south") -> SurplusRule:
    """The self-consumed rooftop-solar surplus rule in force on ``on`` for a price region.

    Decree 135/2024 (20 % of output, previous year's market price) -> Decree 58/2025 (same) ->
    Decree 243/2026 (50 % of output, price capped at the regional ground-mounted solar ceiling).

    Raises
    ------
    MissingFactorError
        No rule in force on ``on`` (e.g. before 2024-10-22), or no price for ``region``.
    """
    table = "tariffs/rooftop_surplus"
    df = load_table(table)
    if region not in ("north", "central", "south"):
        raise InputError(f"unknown price region {region!r}; use one of north, central, south")
    factors = []
    for item in ("export_cap_share", "surplus_price"):
        rows = df[(df["item"] == item) & df["region"].isin(["all", region])]
        row = _latest_in_force(rows, on, f"rooftop surplus {item} for region {region!r}", table)
        factors.append(row_to_factor(table, row, ["rule", "region", "item"]))
    if not factors[1].value == factors[1].value:  # NaN: the year's market price is not in the data
        raise MissingFactorError(
            f"no surplus price for {on.isoformat()} ({factors[1].keys['rule']}): {factors[1].source}; add the "
            f"value to <your reference folder>/{table}.csv, or study a date whose price is known"
        )
    cap_rows = df[(df["item"] == "export_cap_share") & (df["rule"] == factors[0].keys["rule"])]
    return SurplusRule(
        rule=str(factors[0].keys["rule"]),
        export_cap_share=factors[0].value,
        price_vnd_per_kwh=factors[1].value,
        factors=tuple(factors),
        cap_base=str(cap_rows["cap_base"].iloc[0]) if "cap_base" in cap_rows else "output",
    )


def _shift_to(ts: pd.DatetimeIndex, on: dt.date) -> pd.DatetimeIndex:
    """Move timestamps forward by whole weeks so the first falls on or after ``on`` (weekday and clock kept)."""
    idx = pd.DatetimeIndex(ts)
    if idx.tz is None:
        raise InputError("prices at the rules of a date need tz-aware timestamps; localise them first")
    if len(idx) == 0:
        return idx
    first_local = idx.tz_convert(_EVN_ZONE)[0].date()
    weeks = max(0, -(-(on - first_local).days // 7))
    return idx + pd.Timedelta(weeks=weeks)


def energy_price(
    ts: pd.DatetimeIndex,
    voltage_level: str,
    on: dt.date,
    interval_min: float | None = None,
    tariff: str = "manufacturing",
) -> tuple[np.ndarray, list[FactorRow]]:
    """Retail energy price [VND/kWh, excl. VAT] of each interval, at the tariff and TOU hours in force on ``on``.

    A load year priced at one date's rules (solar sizing): the intervals are moved forward by whole weeks to
    that date (weekday and clock time kept; a scheme that starts within the following year is not reached).
    An interval that straddles a band edge is priced at the minute-weighted mean of its bands' prices
    (:func:`tou_split`), e.g. 17:00-18:00 under the Decision 963 hours is half normal, half peak.

    Returns the price array and the three tariff rows used (offpeak, normal, peak).
    """
    idx = pd.DatetimeIndex(ts)
    if len(idx) == 0:
        return np.asarray([], dtype=float), list(retail_prices(voltage_level, on, tariff).values())
    step = interval_minutes(idx) if interval_min is None else interval_min
    minutes = tou_split(_shift_to(idx, on), step)
    rows = retail_prices(voltage_level, on, tariff)
    lut = np.asarray([rows[b].value for b in BANDS], dtype=float)
    price = minutes @ lut / minutes.sum(axis=1)
    return price, [rows[b] for b in BANDS]
