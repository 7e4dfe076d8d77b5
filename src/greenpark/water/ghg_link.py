"""Activity data of each WWTP for the GHG inventory (the ``ghg`` engine applies Bo, MCF, EF and GWP).

Per WWTP and year (IPCC 2006 GL Vol.5 Ch.6 activity data; no factor is applied here):

* TOW (kg COD/yr) = mean inlet COD (mg/l = g/m3) x treated volume (m3/yr) / 1000.
* Sludge COD removed S (kg COD/yr): only when the caller knows it, else None with a note; the dry sludge mass
  that left the plant (``sludge_dry_t``, from the ``sludge`` table) is passed on so that the ghg engine can
  apply its own K_rem factor (IPCC 2019R Vol.5 Ch.6 Eq. 6.3B) if it chooses to.
* Influent N (kg N/yr) = mean inlet total N x volume / 1000 (None when no inlet total N).
* Effluent N (kg N/yr) = mean outlet total N x volume / 1000.
* Electricity (kWh/yr) of the plant's own meter(s), for Scope 2 of the park operator.

Means and volume as in :mod:`greenpark.water.efficiency`. Result: ``WwtpGhgActivity`` (wwtp_id, year,
treatment, volume_m3, inlet_cod_mg_per_l, tow_kg_cod, sludge_cod_kg, sludge_dry_t, inlet_total_n_mg_per_l,
n_influent_kg, outlet_total_n_mg_per_l, n_effluent_kg, electricity_kwh, notes); :meth:`WwtpGhgActivity.to_ghg` gives the
``greenpark.ghg.wastewater.WwtpActivity`` the ghg engine takes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import BaseModel, Field

from greenpark.model import ParkData
from greenpark.water.compliance import MonitoringRules, sensor_ranges
from greenpark.water.efficiency import PlantPerformance, plant_performance, sludge_tonnes, wwtp_electricity_kwh
from greenpark.water.tenants import tenant_volumes_m3


class WwtpGhgActivity(BaseModel):
    """IPCC activity data of one WWTP for one year (kg COD, kg N, kWh)."""

    wwtp_id: str
    year: int
    treatment: str
    volume_m3: float | None
    inlet_cod_mg_per_l: float | None
    tow_kg_cod: float | None
    sludge_cod_kg: float | None
    sludge_dry_t: float | None
    inlet_total_n_mg_per_l: float | None
    n_influent_kg: float | None
    outlet_total_n_mg_per_l: float | None
    n_effluent_kg: float | None
    electricity_kwh: float | None
    notes: list[str] = Field(default_factory=list)

    def to_ghg(self) -> Any:
        """The ghg engine's ``WwtpActivity`` (unknown quantities as 0 / None, see its docstring)."""
        from greenpark.ghg.wastewater import WwtpActivity

        return WwtpActivity(
            wwtp_id=self.wwtp_id,
            treatment=self.treatment,
            tow_kg_cod=self.tow_kg_cod or 0.0,
            sludge_cod_kg=self.sludge_cod_kg or 0.0,
            n_effluent_kg=self.n_effluent_kg or 0.0,
            n_influent_kg=self.n_influent_kg,
        )


def year_bounds(data: ParkData, year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[1 Jan 00:00, next 1 Jan 00:00) in the park's zone, as UTC timestamps."""
    zone = data.park.zone
    return (
        pd.Timestamp(year=year, month=1, day=1, tz=zone).tz_convert("UTC"),
        pd.Timestamp(year=year + 1, month=1, day=1, tz=zone).tz_convert("UTC"),
    )


def activity_from_performance(
    perf: PlantPerformance, year: int, treatment: str, sludge_cod_kg: float | None = None
) -> WwtpGhgActivity:
    """Turn a plant's performance figures into GHG activity data (load = mean concentration x volume)."""
    v = perf.volume_m3
    notes = list(perf.notes)

    def load(mean: float | None) -> float | None:
        return mean * v / 1000.0 if mean is not None and v is not None else None

    cod_in = perf.inlet_mean.get("cod")
    n_in = perf.inlet_mean.get("total_n")
    n_out = perf.outlet_mean.get("total_n")
    if cod_in is None:
        notes.append("no inlet COD: TOW unknown")
    if n_out is None:
        notes.append("no outlet total N: effluent nitrogen unknown")
    if sludge_cod_kg is None:
        notes.append("sludge COD removed not recorded: S taken as unknown (0 in the ghg engine)")
    return WwtpGhgActivity(
        wwtp_id=perf.wwtp_id,
        year=year,
        treatment=treatment,
        volume_m3=v,
        inlet_cod_mg_per_l=cod_in,
        tow_kg_cod=load(cod_in),
        sludge_cod_kg=sludge_cod_kg,
        sludge_dry_t=perf.sludge_dry_t,
        inlet_total_n_mg_per_l=n_in,
        n_influent_kg=load(n_in),
        outlet_total_n_mg_per_l=n_out,
        n_effluent_kg=load(n_out),
        electricity_kwh=perf.electricity_kwh,
        notes=notes,
    )


def ghg_activity(
    data: ParkData,
    year: int,
    electricity: pd.DataFrame | None = None,
    tenant_volumes: pd.DataFrame | None = None,
    sludge_cod_kg: dict[str, float] | None = None,
    rules: MonitoringRules | None = None,
) -> list[WwtpGhgActivity]:
    """GHG activity data of every WWTP of the park for one year.

    Parameters
    ----------
    data : ParkData
        The park (``wwtps``, ``meters``, table ``wastewater``).
    year : int
        Calendar year, cut in the park's zone.
    electricity : DataFrame, optional
        Per-meter consumption (meter_id, kind, period_start, value kWh), e.g. ``Store.consumption(by="meter")``.
    tenant_volumes : DataFrame, optional
        Tenant discharge volumes (tenant_id, period/period_start, value m3): volume fallback when no flow.
    sludge_cod_kg : dict, optional
        wwtp_id -> organics removed with sludge (kg COD/yr), where recorded.
    rules : MonitoringRules, optional
        Fault rules for analyser values; default the shipped ones.
    """
    rules = rules or MonitoringRules.from_reference()
    start, end = year_bounds(data, year)
    ww = data.table("wastewater")
    vols = tenant_volumes_m3(tenant_volumes, start, end)
    out = []
    for w in data.wwtps:
        kwh = wwtp_electricity_kwh(electricity, data.meters, w.wwtp_id, start, end)
        sludge = sludge_tonnes(data.table("sludge"), w.wwtp_id, start, end, data.park.zone)
        perf = plant_performance(ww, w, start, end, rules, sensor_ranges(), kwh, sum(vols.values()) or None, sludge)
        out.append(activity_from_performance(perf, year, w.treatment.value, (sludge_cod_kg or {}).get(w.wwtp_id)))
    return out
