"""The example year's clock: interval index, day types (Sunday, holiday, Tết) and weather.

Timestamps are park local time without offset (Asia/Ho_Chi_Minh, UTC+7, no DST), each
labelling the START of its interval, as ``docs/park-folder.md`` requires.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pvlib

from greenpark.example import assumptions

log = logging.getLogger(__name__)

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"

# a cap on the scaled irradiance: clear-sky noon GHI in the tropics is about 1.0-1.1 kW/m2 (a
# definitional bound of the synthetic shape, not a site measurement)
PEAK_GHI_KW_PER_M2 = 1.1

# day kinds, in the order used by the integer codes of day_kinds()
WORKDAY, SUNDAY, HOLIDAY, TET, TET_EXTENDED = 0, 1, 2, 3, 4


def interval_index(year: int, freq: str = "15min", closing: bool = False) -> pd.DatetimeIndex:
    """Naive local timestamps of every interval start of ``year``.

    ``closing=True`` appends the first instant of the next year (the closing register
    reading of a cumulative meter).
    """
    end = pd.Timestamp(year + 1, 1, 1)
    idx = pd.date_range(pd.Timestamp(year, 1, 1), end, freq=freq, inclusive="both" if closing else "left")
    return idx


def timestamp_strings(index: pd.DatetimeIndex) -> np.ndarray:
    """ISO 8601 strings without offset (park local time), as an object array."""
    return np.asarray(index.strftime(TIMESTAMP_FORMAT), dtype=object)


def holidays(year: int) -> pd.DataFrame:
    """Days off of ``year`` (date, name, kind) from ``example/holidays``.

    The table holds 2024; for another year the fixed-date holidays are moved to that
    year and Tết keeps its 2024 dates (logged: lunar dates differ every year).
    """
    df = assumptions.table(assumptions.HOLIDAYS)[["date", "name", "kind"]].copy()
    dates = pd.to_datetime(df["date"])
    if not (dates.dt.year == year).any():
        log.warning("holiday table has no rows for %s; reusing the 2024 dates (Tết moves every year)", year)
        df["date"] = [d.replace(year=year) for d in dates]
    else:
        df = df[dates.dt.year == year].copy()
        df["date"] = pd.to_datetime(df["date"])
    return df.reset_index(drop=True)


def day_kinds(index: pd.DatetimeIndex, year: int) -> np.ndarray:
    """Integer day kind per timestamp: WORKDAY, SUNDAY, HOLIDAY, TET or TET_EXTENDED."""
    kinds = np.where(index.day_of_week == 6, SUNDAY, WORKDAY)
    hol = holidays(year)
    days = index.normalize()
    for kind, code in (("public", HOLIDAY), ("tet", TET), ("tet_extended", TET_EXTENDED)):
        mask = days.isin(pd.DatetimeIndex(hol.loc[hol["kind"] == kind, "date"]))
        kinds = np.where(mask, code, kinds)
    return kinds


def hour_of_day(index: pd.DatetimeIndex) -> np.ndarray:
    """Fractional hour of the interval's middle (0..24) for a 15-min or finer index."""
    step_h = (index[1] - index[0]).total_seconds() / 3600 if len(index) > 1 else 0.0
    return np.asarray(index.hour + index.minute / 60 + step_h / 2, dtype=float)


def ambient_temperature_c(index: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """Ambient temperature (degC): monthly normals, a diurnal cycle peaking at 14:00, day-to-day noise."""
    clim = assumptions.table(assumptions.CLIMATE).set_index("month")
    month = index.month.to_numpy()
    mean = clim.loc[month, "temp_mean_c"].to_numpy()
    amplitude = clim.loc[month, "temp_max_c"].to_numpy() - mean
    hour = hour_of_day(index)
    diurnal = np.cos((hour - 14.0) / 24.0 * 2 * np.pi)
    day_no = (index.normalize() - index[0].normalize()).days.to_numpy()
    day_noise = rng.normal(0.0, 0.8, size=day_no.max() + 1)[day_no]
    return mean + amplitude * diurnal + day_noise


def global_horizontal_kw_per_m2(
    index: pd.DatetimeIndex, latitude: float, longitude: float, timezone: str, rng: np.random.Generator
) -> np.ndarray:
    """Mean global horizontal irradiance over each interval (kW/m2).

    Clear-sky shape from the Haurwitz model (pvlib) at the interval middle, scaled
    each day by a random clearness so that every month's mean daily irradiation
    matches ``example/climate`` (``ghi_kwh_per_m2_day``), plus short cloud dips.
    """
    step = index[1] - index[0]
    mid = (index + step / 2).tz_localize(timezone)
    pos = pvlib.solarposition.get_solarposition(mid, latitude, longitude)
    clear = pvlib.clearsky.haurwitz(pos["apparent_zenith"])["ghi"].to_numpy() / 1000.0
    clim = assumptions.table(assumptions.CLIMATE).set_index("month")
    day_no = (index.normalize() - index[0].normalize()).days.to_numpy()
    n_days = day_no.max() + 1
    clearness = rng.beta(9.0, 2.0, size=n_days)  # mean ~0.8, skewed to clear days
    cloud = np.clip(1.0 - rng.gamma(0.3, 0.2, size=len(index)), 0.15, 1.0)
    ghi = clear * clearness[day_no] * cloud
    hours = step.total_seconds() / 3600
    month = index.month.to_numpy()
    for _ in range(2):  # scale to the monthly target, cap at a physical peak, once more
        for m in np.unique(month):
            sel = month == m
            target = clim.loc[m, "ghi_kwh_per_m2_day"] * len(np.unique(day_no[sel]))
            ghi[sel] *= target / (ghi[sel].sum() * hours)
        ghi = np.minimum(ghi, PEAK_GHI_KW_PER_M2)
    return ghi
