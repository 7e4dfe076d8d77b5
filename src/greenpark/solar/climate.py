"""An estimated typical weather year for a site without a weather file.

Method: hourly clear-sky irradiance (Ineichen-Perez with the Linke turbidity climatology shipped in
pvlib) for the park's coordinates, scaled month by month so that each month's GHI equals the site's
monthly mean daily irradiation (``reference/data/solar/climate_monthly.csv``); beam and diffuse from
the scaled GHI by the Erbs decomposition; air temperature as a cosine day with the month's mean and
mean maximum (peak at 14:30 local time); wind from the reference default.

The result is an **estimate** (smooth days, no cloud variability): ``Weather.estimate`` is True, and
every output that uses it says so and names the data source for a bankable study.

References
----------
.. [1] P. Ineichen, R. Perez, "A new airmass independent formulation for the Linke turbidity
   coefficient", Solar Energy 73(3), 151-157, 2002.
.. [2] D. G. Erbs, S. A. Klein, J. A. Duffie, "Estimation of the diffuse radiation fraction for hourly,
   daily and monthly-average global radiation", Solar Energy 28(4), 293-302, 1982.
.. [3] FAO Irrigation and Drainage Paper 56, eq. 35 (Angstrom-Prescott), used to derive the monthly GHI.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pvlib import atmosphere, clearsky, irradiance, solarposition

from greenpark.errors import InputError
from greenpark.periods import local_hours
from greenpark.reference import load_table
from greenpark.solar.weather import BANKABLE_SOURCES, COLUMNS, Weather

_T_MAX_HOUR = 14.5  # local solar-time hour of the daily temperature maximum (shape of the day, not a factor)


def nearest_climate_site(latitude: float, longitude: float) -> tuple[str, float]:
    """The climate site (``solar/climate_sites.csv``) nearest the park and its distance [km].

    Raises
    ------
    InputError
        No site within its stated radius: the estimate would be wrong; give a weather file.
    """
    sites = load_table("solar/climate_sites")
    lat1, lon1 = np.radians(latitude), np.radians(longitude)
    lat2, lon2 = np.radians(sites["latitude"].to_numpy(float)), np.radians(sites["longitude"].to_numpy(float))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    dist = 2 * 6371.0 * np.arcsin(np.sqrt(h))
    i = int(np.argmin(dist))
    if dist[i] > float(sites["value"].iloc[i]):
        raise InputError(
            f"no monthly climate data near ({latitude}, {longitude}): nearest site {sites['site'].iloc[i]!r} is "
            f"{dist[i]:.0f} km away (limit {sites['value'].iloc[i]:g} km); give a weather file (--weather) from "
            f"{BANKABLE_SOURCES}, or add rows to solar/climate_sites.csv and solar/climate_monthly.csv"
        )
    return str(sites["site"].iloc[i]), float(dist[i])


def typical_year(latitude: float, longitude: float, year: int, zone: str, wind_speed_m_per_s: float) -> Weather:
    """An estimated hourly weather year (index = start of each local hour of ``year``).

    Parameters
    ----------
    latitude, longitude : float
        Site [deg].
    year : int
        Calendar year of the index (aligns with the load data).
    zone : str
        IANA zone of the park (hours are local).
    wind_speed_m_per_s : float
        Constant wind speed [m/s] (reference ``solar/pv_system`` ``wind_speed_default``).

    Returns
    -------
    Weather with columns ghi, dni, dhi [W/m2], temp_air [degC], wind_speed [m/s]; ``estimate=True``.
    """
    site, dist_km = nearest_climate_site(latitude, longitude)
    table = load_table("solar/climate_monthly")
    table = table[table["site"] == site]
    monthly = table.pivot(index="month", columns="quantity", values="value")
    idx = local_hours(year, zone)
    mid = idx + pd.Timedelta(minutes=30)
    sp = solarposition.get_solarposition(mid, latitude, longitude)
    tl = clearsky.lookup_linke_turbidity(mid, latitude, longitude)
    am_rel = _airmass(sp["apparent_zenith"].to_numpy())
    dni_extra = np.asarray(irradiance.get_extra_radiation(mid))
    with np.errstate(divide="ignore", invalid="ignore"):  # night hours: zenith > 90 deg gives inf airmass
        cs = clearsky.ineichen(sp["apparent_zenith"].to_numpy(), am_rel, tl.to_numpy(), altitude=0, dni_extra=dni_extra)
    ghi_cs = np.nan_to_num(np.asarray(cs["ghi"], float))
    month = np.asarray(idx.month)
    days = pd.Series(idx.normalize()).groupby(month).nunique().to_numpy()
    target_wh = monthly["ghi"].to_numpy(float) * 1000.0 * days  # Wh/m2 per month
    clear_wh = np.bincount(month, weights=ghi_cs, minlength=13)[1:]
    scale = target_wh / clear_wh
    ghi = ghi_cs * scale[month - 1]
    parts = irradiance.erbs(ghi, sp["zenith"].to_numpy(), mid)
    hour = np.asarray(idx.hour + 0.5)
    t_mean = monthly["temp_mean"].to_numpy(float)[month - 1]
    t_amp = (monthly["temp_max"].to_numpy(float) - monthly["temp_mean"].to_numpy(float))[month - 1]
    temp = t_mean + t_amp * np.cos(2 * math.pi * (hour - _T_MAX_HOUR) / 24.0)
    data = pd.DataFrame(
        {
            "ghi": ghi,
            "dni": np.nan_to_num(np.asarray(parts["dni"], float)),
            "dhi": np.nan_to_num(np.asarray(parts["dhi"], float)),
            "temp_air": temp,
            "wind_speed": wind_speed_m_per_s,
        },
        index=idx,
    )[list(COLUMNS)]
    source = (
        f"ESTIMATE: clear-sky (Ineichen, pvlib Linke turbidity) scaled to monthly GHI and WMO temperature "
        f"normals of site {site!r} ({dist_km:.0f} km away; reference solar/climate_monthly)"
    )
    return Weather(data=data, source=source, estimate=True, repairs=[])


def _airmass(apparent_zenith: np.ndarray) -> np.ndarray:
    return np.asarray(atmosphere.get_relative_airmass(apparent_zenith), float)
