"""Rooftop PV output for many roofs at once: one vectorised pvlib computation, no ModelChain loop.

Method (the same models as ``pvlib.modelchain.ModelChain`` with ``transposition_model='haydavies'``,
``aoi_model='physical'``, ``spectral_model='no_loss'``, ``temperature_model='sapm'``,
``dc_model='pvwatts'``, ``losses_model='pvwatts'``, ``ac_model='pvwatts'``):

1. solar position once for the weather year (NREL SPA, numpy; refraction with the air temperature);
2. for all distinct (tilt, azimuth) pairs at once, as arrays of shape (hours, orientations):
   angle of incidence, Hay-Davies plane-of-array irradiance, physical (Fresnel) IAM on the beam;
3. SAPM cell temperature for roof (close) mounting, PVWatts DC per kWp, PVWatts loss derate,
   PVWatts inverter with the DC/AC ratio.

Output is per kWp, so a roof's output is ``kwp * profile[:, orientation]``; roofs sharing an
orientation share one column. All parameters come from ``reference/data/solar/pv_system.csv``.

References
----------
.. [1] W. F. Holmgren, C. W. Hansen, M. A. Mikofski, "pvlib python: a python package for modeling
   solar energy systems", JOSS 3(29), 884, 2018. pvlib 0.16.
.. [2] A. P. Dobos, "PVWatts Version 5 Manual", NREL/TP-6A20-62641, 2014.
.. [3] D. L. King, W. E. Boyson, J. A. Kratochvil, "Photovoltaic Array Performance Model",
   SAND2004-3535, 2004 (cell temperature, Table 1).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pvlib import iam, inverter, irradiance, pvsystem, solarposition, temperature
from pydantic import BaseModel

from greenpark.errors import InputError
from greenpark.model import Roof
from greenpark.solar.params import PvSystemParams
from greenpark.solar.weather import Weather

log = logging.getLogger(__name__)


def check_roofs(area_m2: np.ndarray, tilt_deg: np.ndarray, azimuth_deg: np.ndarray, roof_ids: Sequence[str]) -> None:
    """Refuse roofs the model cannot use, naming each bad roof and the valid range.

    Raises
    ------
    InputError
        Area <= 0 or not a number, tilt outside 0-90 deg, azimuth outside 0-360 deg.
    """
    checks = (
        (~(np.asarray(area_m2, float) > 0), "area_m2", "must be > 0 m2"),
        (~((tilt_deg >= 0) & (tilt_deg <= 90)), "tilt_deg", "must be within 0-90 deg (0 = flat)"),
        (~((azimuth_deg >= 0) & (azimuth_deg <= 360)), "azimuth_deg", "must be within 0-360 deg (180 = south)"),
    )
    for bad, col, rule in checks:
        if bad.any():
            i = np.flatnonzero(bad)
            values = np.asarray({"area_m2": area_m2, "tilt_deg": tilt_deg, "azimuth_deg": azimuth_deg}[col])
            listed = ", ".join(f"{roof_ids[k]}={values[k]}" for k in i[:5])
            raise InputError(f"roof {col} {rule}; bad roof(s): {listed}; fix roofs.csv (or drop the roof)")


def roof_kwp(area_m2: np.ndarray, usable_fraction: np.ndarray, module_power_density: float) -> np.ndarray:
    """Installable DC capacity [kWp] = area [m2] x usable fraction [-] x module power density [kWp/m2]."""
    return np.asarray(area_m2, float) * np.asarray(usable_fraction, float) * module_power_density


@dataclass(frozen=True)
class SolarGeometry:
    """Sun position and extraterrestrial irradiance for a weather year (arrays of length hours)."""

    apparent_zenith: np.ndarray
    azimuth: np.ndarray
    dni_extra: np.ndarray


def solar_geometry(times: pd.DatetimeIndex, latitude: float, longitude: float, temp_air: np.ndarray) -> SolarGeometry:
    """Solar position (NREL SPA, numpy; sea-level pressure) and extraterrestrial DNI (Spencer) at ``times``.

    ``times`` must be tz-aware (pvlib reads naive times as UTC: a 7-hour error in Vietnam).
    """
    if times.tz is None:
        raise InputError("solar_geometry needs tz-aware times; localise the weather index to the site zone")
    sp = solarposition.get_solarposition(times, latitude, longitude, altitude=0, temperature=temp_air)
    return SolarGeometry(
        apparent_zenith=sp["apparent_zenith"].to_numpy(),
        azimuth=sp["azimuth"].to_numpy(),
        dni_extra=np.asarray(irradiance.get_extra_radiation(times)),
    )


def ac_per_kwp(
    weather: pd.DataFrame,
    tilt_deg: np.ndarray,
    azimuth_deg: np.ndarray,
    geometry: SolarGeometry,
    params: PvSystemParams,
) -> np.ndarray:
    """Hourly AC output per kWp [kW/kWp] for each orientation, shape (hours, orientations).

    Parameters
    ----------
    weather : DataFrame
        Columns ``ghi``, ``dni``, ``dhi`` [W/m2], ``temp_air`` [degC], ``wind_speed`` [m/s], one row per hour.
    tilt_deg, azimuth_deg : array-like
        Surface tilt from horizontal [deg] and azimuth clockwise from north [deg], one per orientation.
    geometry : SolarGeometry
        From :func:`solar_geometry` for the same hours.
    params : PvSystemParams
        Loss, temperature and inverter parameters.

    Returns
    -------
    numpy.ndarray (hours, orientations), kW AC per kWp DC; the mean over a year times 8,760 is the
    specific yield [kWh/kWp].
    """
    tilt = np.atleast_1d(np.asarray(tilt_deg, float))[None, :]
    azim = np.atleast_1d(np.asarray(azimuth_deg, float))[None, :]
    zen = geometry.apparent_zenith[:, None]
    saz = geometry.azimuth[:, None]
    ghi = weather["ghi"].to_numpy(float)[:, None]
    dni = weather["dni"].to_numpy(float)[:, None]
    dhi = weather["dhi"].to_numpy(float)[:, None]
    poa = irradiance.get_total_irradiance(
        tilt, azim, zen, saz, dni, ghi, dhi,
        dni_extra=geometry.dni_extra[:, None], albedo=params.albedo, model="haydavies",
    )  # fmt: skip
    aoi = irradiance.aoi(tilt, azim, zen, saz)
    effective = poa["poa_direct"] * iam.physical(aoi) + poa["poa_diffuse"]
    temp_cell = temperature.sapm_cell(
        poa["poa_global"],
        weather["temp_air"].to_numpy(float)[:, None],
        weather["wind_speed"].to_numpy(float)[:, None],
        params.temp_model_a,
        params.temp_model_b,
        params.temp_model_deltaT,
    )
    pdc = pvsystem.pvwatts_dc(effective, temp_cell, 1.0, params.gamma_pdc)
    pdc = pdc * (1 - pvsystem.pvwatts_losses(**params.losses_kwargs()) / 100)
    pac = inverter.pvwatts(pdc, inverter_pdc0_per_kwp(params), params.inverter_eta_nom)
    return np.nan_to_num(np.asarray(pac, float), nan=0.0)


def inverter_pdc0_per_kwp(params: PvSystemParams) -> float:
    """Inverter DC input limit per kWp of modules [kW/kWp]: AC rating kWp/(DC/AC ratio), over nominal efficiency.

    PVWatts v5 [2]_ sizes the inverter's AC rating as the array's kWp divided by the DC/AC ratio.
    """
    return 1.0 / params.dc_ac_ratio / params.inverter_eta_nom


class RoofResult(BaseModel):
    """One roof's PV potential (year 1, before degradation)."""

    roof_id: str
    tenant_id: str
    tilt_deg: float
    azimuth_deg: float
    usable_area_m2: float
    kwp: float
    annual_kwh: float
    specific_yield_kwh_per_kwp: float
    capacity_factor: float


@dataclass
class RoofPotential:
    """PV potential of a set of roofs against one weather year.

    ``profiles`` holds the hourly AC output per kWp [kW/kWp] of each distinct orientation (columns);
    ``column`` maps each roof (in ``roofs`` order) to its profile column; ``times`` is the hourly index.
    """

    roofs: list[RoofResult]
    times: pd.DatetimeIndex
    profiles: np.ndarray
    column: np.ndarray

    def hourly_kw(self, roof_index: int) -> np.ndarray:
        """Hourly AC output [kW] of one roof (position in ``roofs``)."""
        return self.roofs[roof_index].kwp * self.profiles[:, self.column[roof_index]]

    def tenant_profile(self, tenant_id: str) -> tuple[float, np.ndarray]:
        """A tenant's roof limit [kWp] and its kWp-weighted hourly output per kWp [kW/kWp]."""
        idx = [i for i, r in enumerate(self.roofs) if r.tenant_id == tenant_id]
        kwp = np.array([self.roofs[i].kwp for i in idx])
        if not idx or kwp.sum() <= 0:
            return 0.0, np.zeros(len(self.times))
        prof = self.profiles[:, self.column[idx]] @ (kwp / kwp.sum())
        return float(kwp.sum()), prof


def roof_potential(
    roofs: Sequence[Roof] | pd.DataFrame,
    weather: Weather,
    latitude: float,
    longitude: float,
    params: PvSystemParams,
) -> RoofPotential:
    """PV potential of every roof: kWp, hourly AC output, annual kWh, specific yield, capacity factor.

    One vectorised computation over the distinct (tilt, azimuth) pairs of all roofs; see the module
    docstring for the models; the sun is taken at mid-hour (``Weather.solar_times``).
    ``roofs`` is a list of :class:`~greenpark.model.Roof` or a frame with the
    ``roofs.csv`` columns (roof_id, tenant_id, area_m2, tilt_deg, azimuth_deg, usable_fraction).

    Raises
    ------
    InputError
        A roof with area <= 0, tilt outside 0-90 deg or azimuth outside 0-360 deg (named in the message).
    """
    df = pd.DataFrame([r.model_dump() for r in roofs]) if not isinstance(roofs, pd.DataFrame) else roofs
    hours = len(weather.data)
    if df.empty:
        return RoofPotential([], pd.DatetimeIndex(weather.data.index), np.zeros((hours, 0)), np.zeros(0, int))
    ids = df["roof_id"].astype(str).tolist()
    area, tilt = df["area_m2"].to_numpy(float), df["tilt_deg"].to_numpy(float)
    azim = df["azimuth_deg"].to_numpy(float) % 360.0
    check_roofs(area, tilt, df["azimuth_deg"].to_numpy(float), ids)
    usable = df["usable_fraction"].to_numpy(float)
    if not ((usable > 0) & (usable <= 1)).all():
        bad = [f"{ids[k]}={usable[k]}" for k in np.flatnonzero(~((usable > 0) & (usable <= 1)))[:5]]
        raise InputError(f"roof usable_fraction must be in (0, 1]; bad roof(s): {', '.join(bad)}; fix roofs.csv")
    kwp = roof_kwp(area, usable, params.module_power_density)
    pairs, column = np.unique(np.round(np.c_[tilt, azim], 3), axis=0, return_inverse=True)
    geometry = solar_geometry(weather.solar_times(), latitude, longitude, weather.data["temp_air"].to_numpy())
    profiles = ac_per_kwp(weather.data, pairs[:, 0], pairs[:, 1], geometry, params)
    yearly = profiles.sum(axis=0) * 8760.0 / hours  # kWh per kWp per year (weather may be a leap year)
    results = [
        RoofResult(
            roof_id=ids[i],
            tenant_id=str(df["tenant_id"].iloc[i]),
            tilt_deg=float(tilt[i]),
            azimuth_deg=float(azim[i]),
            usable_area_m2=float(area[i] * usable[i]),
            kwp=float(kwp[i]),
            annual_kwh=float(kwp[i] * yearly[column[i]]),
            specific_yield_kwh_per_kwp=float(yearly[column[i]]),
            capacity_factor=float(yearly[column[i]] / 8760.0),
        )
        for i in range(len(df))
    ]
    log.info("PV potential of %d roofs (%d orientations) over %d hours", len(df), len(pairs), hours)
    return RoofPotential(results, pd.DatetimeIndex(weather.data.index), profiles, np.asarray(column).ravel())
