"""Activity data of each WWTP for the GHG inventory (the ``ghg`` engine applies Bo, MCF, EF and GWP).

Per WWTP and year (IPCC 2006 GL Vol.5 Ch.6 activity data; no factor is applied here):

* TOW (kg COD/yr) = flow-weighted mean inlet COD (mg/l = g/m3) x treated volume (m3/yr) / 1000. The
  flow-weighted mean is sum_d(C_d x Q_d) / sum_d(Q_d) over the local days d that have both a COD value
  (C_d: the day's mean of valid analyser values, else of its lab samples) and a flow (Q_d: the day's mean
  measured flow, outlet else inlet); a load follows the days of high flow, which an arithmetic mean of
  monthly grab samples does not. Without a daily flow the plain mean is used, with a note.
* Effluent COD (kg COD/yr) = flow-weighted mean outlet COD x volume / 1000: the organics discharged, from
  which the 2019 Refinement estimates the CH4 of the receiving water.
* Sludge COD removed S (kg COD/yr): only when the caller knows it, else None with a note; the dry sludge mass
  that left the plant (``sludge_dry_t``, from the ``sludge`` table) is passed on so that the ghg engine can
  apply its own K_rem factor (IPCC 2019R Vol.5 Ch.6 Eq. 6.3B) if it chooses to.
* Influent N (kg N/yr) = mean inlet total N x volume / 1000 (None when no inlet total N).
* Effluent N (kg N/yr) = flow-weighted mean outlet total N x volume / 1000.
* Electricity (kWh/yr) of the plant's own meter(s), for Scope 2 of the park operator.

Means and volume as in :mod:`greenpark.water.efficiency`. Result: ``WwtpGhgActivity`` (wwtp_id, year,
treatment, volume_m3, inlet_cod_mg_per_l, tow_kg_cod, sludge_cod_kg, sludge_dry_t, inlet_total_n_mg_per_l,
n_influent_kg, outlet_total_n_mg_per_l, n_effluent_kg, electricity_kwh, notes); :meth:`WwtpGhgActivity.to_ghg` gives the
``greenpark.ghg.wastewater.WwtpActivity`` the ghg engine takes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from greenpark.ghg.wastewater import WwtpActivity
from greenpark.model import ParkData
from greenpark.periods import year_bounds
from greenpark.water.compliance import MonitoringRules, fault_masks, sensor_ranges, utc_ns
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
    outlet_cod_mg_per_l: float | None = None
    effluent_cod_kg: float | None = None
    receiving_water: str | None = None
    concentration_basis: str = "arithmetic mean"
    notes: list[str] = Field(default_factory=list)

    def to_ghg(self) -> Any:
        """The ghg engine's ``WwtpActivity`` (unknown quantities as 0 / None, see its docstring)."""
        return WwtpActivity(
            wwtp_id=self.wwtp_id,
            treatment=self.treatment,
            tow_kg_cod=self.tow_kg_cod or 0.0,
            sludge_cod_kg=self.sludge_cod_kg or 0.0,
            n_effluent_kg=self.n_effluent_kg or 0.0,
            n_influent_kg=self.n_influent_kg,
            effluent_cod_kg=self.effluent_cod_kg,
            receiving_water=self.receiving_water,
        )


GHG_PARAMETERS = ("cod", "total_n")


def flow_weighted_means(
    wastewater: pd.DataFrame,
    wwtp_id: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    zone: Any,
    rules: MonitoringRules,
    parameters: tuple[str, ...] = GHG_PARAMETERS,
) -> dict[str, dict[str, float]]:
    """Flow-weighted mean concentration per point and parameter: sum_d(C_d Q_d) / sum_d(Q_d) over local days.

    C_d: mean of the day's valid analyser values (sensor faults excluded), else of its lab samples; Q_d: the
    day's mean measured flow at the outlet, else at the inlet. Days without both are left out.

    Returns
    -------
    dict
        ``{"inlet": {parameter: mg/l}, "outlet": {...}}``; a parameter is missing when no day has both.
    """
    out: dict[str, dict[str, float]] = {"inlet": {}, "outlet": {}}
    if wastewater.empty:
        return out
    ww = wastewater[wastewater["wwtp_id"] == wwtp_id]
    t = utc_ns(ww["timestamp"]) if not ww.empty else np.array([], dtype=np.int64)
    ww = ww[(t >= start.value) & (t < end.value)]
    if ww.empty:
        return out
    ranges = sensor_ranges()
    rows = []
    for (point, parameter, method), g in ww.groupby(["point", "parameter", "method"], sort=False):
        g = g.sort_values("timestamp")
        values = g["value"].to_numpy(dtype=float)
        ok = np.isfinite(values)
        if method == "analyser":
            bad_range, flat = fault_masks(utc_ns(g["timestamp"]), values, ranges.get(str(parameter)), rules)
            ok &= ~bad_range & ~flat
        day = pd.DatetimeIndex(g["timestamp"]).tz_convert(zone).normalize()
        rows.append(pd.DataFrame({"point": point, "parameter": parameter, "method": method, "day": day[ok],
                                  "value": values[ok]}))  # fmt: skip
    daily = pd.concat(rows).groupby(["point", "parameter", "method", "day"])["value"].mean().reset_index()
    flow = daily[daily["parameter"] == "flow"]
    q = None
    for point in ("outlet", "inlet"):
        fp = flow[flow["point"] == point]
        if not fp.empty:
            q = fp.sort_values("method").drop_duplicates("day").set_index("day")["value"]  # analyser before lab
            break
    if q is None:
        return out
    for point in ("inlet", "outlet"):
        for parameter in parameters:
            c = daily[(daily["point"] == point) & (daily["parameter"] == parameter)]
            if c.empty:
                continue
            c = c.sort_values("method").drop_duplicates("day").set_index("day")["value"]  # analyser first
            both = c.index.intersection(q.index)
            if len(both) and float(q[both].sum()) > 0:
                out[point][parameter] = float((c[both] * q[both]).sum() / q[both].sum())
    return out


def activity_from_performance(
    perf: PlantPerformance,
    year: int,
    treatment: str,
    sludge_cod_kg: float | None = None,
    weighted: dict[str, dict[str, float]] | None = None,
    receiving_water: str | None = None,
) -> WwtpGhgActivity:
    """Turn a plant's performance figures into GHG activity data (load = concentration x volume).

    ``weighted`` (from :func:`flow_weighted_means`) supplies flow-weighted concentrations; where it lacks
    one, the period's plain mean is used and a note says so.
    """
    v = perf.volume_m3
    notes = list(perf.notes)
    weighted = weighted or {"inlet": {}, "outlet": {}}
    plain: list[str] = []

    def load(mean: float | None) -> float | None:
        return mean * v / 1000.0 if mean is not None and v is not None else None

    def conc(point: str, parameter: str) -> float | None:
        if parameter in weighted.get(point, {}):
            return weighted[point][parameter]
        mean = (perf.inlet_mean if point == "inlet" else perf.outlet_mean).get(parameter)
        if mean is not None:
            plain.append(f"{point} {parameter}")
        return mean

    cod_in = conc("inlet", "cod")
    n_in = conc("inlet", "total_n")
    n_out = conc("outlet", "total_n")
    cod_out = conc("outlet", "cod")
    if plain:
        notes.append(f"no daily flow for {', '.join(plain)}: arithmetic mean used instead of flow-weighted")
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
        outlet_cod_mg_per_l=cod_out,
        effluent_cod_kg=load(cod_out),
        receiving_water=receiving_water,
        concentration_basis="flow-weighted" if not plain else "mixed" if any(weighted.values()) else "arithmetic mean",
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
    start, end = (pd.Timestamp(t).tz_convert("UTC") for t in year_bounds(data.park.zone, year))
    ww = data.table("wastewater")
    vols = tenant_volumes_m3(tenant_volumes, start, end)
    out = []
    for w in data.wwtps:
        kwh = wwtp_electricity_kwh(electricity, data.meters, w.wwtp_id, start, end)
        sludge = sludge_tonnes(data.table("sludge"), w.wwtp_id, start, end, data.park.zone)
        perf = plant_performance(ww, w, start, end, rules, sensor_ranges(), kwh, sum(vols.values()) or None, sludge)
        weighted = flow_weighted_means(ww, w.wwtp_id, start, end, data.park.zone, rules)
        sludge_cod = (sludge_cod_kg or {}).get(w.wwtp_id)
        out.append(activity_from_performance(perf, year, w.treatment.value, sludge_cod, weighted, w.receiving_water))
    return out
