"""The park's rooftop-solar portfolio: roof potential, PV + battery sizing per tenant, park totals.

Pure orchestration over the other solar modules: it takes the park, each tenant's hourly electricity
(from the store's ``consumption(grain="hour", by="tenant")``) and a weather year, and returns one
typed result. Tenants are sized independently, so they may run in a process pool (``workers``).

Tenant load = electricity_import - electricity_export + pv_generation (existing on-site PV is load
served today). Hours missing from the load are filled with the tenant's median for the same hour of
the week (a stated repair, listed in ``notes``).
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from greenpark.model import ParkData
from greenpark.solar.params import CostParams, PvSystemParams, cost_params, pv_system_params
from greenpark.solar.pv import RoofPotential, RoofResult, roof_potential
from greenpark.solar.sizing import SizingInputs, SizingResult, size_many
from greenpark.solar.weather import Weather
from greenpark.tariffs import energy_price, price_region, surplus_rule, vat_rate

log = logging.getLogger(__name__)


class TenantSolar(BaseModel):
    """One tenant's answer: the optimum (PV + battery allowed) and the PV-only optimum.

    The flat fields repeat the optimum's figures under the names other engines use (the plan
    engine turns them into a measure for the cost curve).
    """

    tenant_id: str
    name: str
    voltage_level: str
    pv_kwp: float
    battery_kwh: float
    battery_kw: float
    self_consumption: float
    self_sufficiency: float
    annual_kwh: float
    annual_savings_vnd: float
    capex_vnd: float
    opex_vnd_per_year: float
    lifetime_years: int
    npv_vnd: float
    irr: float | None
    payback_years: float | None
    avoided_tco2e: float
    optimum: SizingResult
    no_battery: SizingResult
    notes: list[str]


class Portfolio(BaseModel):
    """Park totals across tenants (year 1)."""

    tenants_sized: int
    total_pv_kwp: float
    total_roof_limit_kwp: float
    total_battery_kwh: float
    total_generation_kwh: float
    park_consumption_kwh: float
    renewable_share: float  # PV used on site / tenants' consumption
    total_avoided_tco2e: float
    total_capex_vnd: float
    total_annual_savings_vnd: float
    total_npv_vnd: float


class ParkSolarResult(BaseModel):
    """Rooftop solar for a park: every roof, every tenant (sorted by NPV), the portfolio, the assumptions."""

    park_id: str
    year: int
    estimate: bool
    roofs: list[RoofResult]
    tenants: list[TenantSolar]
    portfolio: Portfolio
    assumptions: dict[str, Any]
    notes: list[str]


def local_hours(year: int, zone: str) -> pd.DatetimeIndex:
    """Start of every local hour of ``year`` in ``zone`` (8,760 or 8,784)."""
    start = pd.Timestamp(year=year, month=1, day=1, tz=zone)
    return pd.date_range(start, start + pd.DateOffset(years=1), freq="1h", inclusive="left")


def align_profile(profile: np.ndarray, weather_times: pd.DatetimeIndex, target: pd.DatetimeIndex) -> np.ndarray:
    """Map an hourly series of a weather year onto the hours of ``target`` by local (month, day, hour).

    A typical year mixes calendar years; 29 February takes 28 February's values.
    """
    wt = weather_times.tz_convert(target.tz)
    key_w = pd.MultiIndex.from_arrays([wt.month, wt.day, wt.hour])
    series = pd.Series(profile, index=key_w)
    series = series[~series.index.duplicated(keep="first")]
    day = np.where((target.month == 2) & (target.day == 29), 28, target.day)
    key_t = pd.MultiIndex.from_arrays([target.month, day, target.hour])
    out = series.reindex(key_t).to_numpy(float)
    return np.nan_to_num(out, nan=0.0)


def tenant_hourly_load(consumption: pd.DataFrame, hours: pd.DatetimeIndex) -> tuple[dict[str, np.ndarray], list[str]]:
    """Each tenant's hourly load [kWh] on ``hours`` from the store's hourly consumption by tenant and kind.

    Returns the loads and the notes on repairs (missing hours filled from the same hour of the week).
    """
    notes: list[str] = []
    if consumption.empty:
        return {}, notes
    sign = {"electricity_import": 1.0, "electricity_export": -1.0, "pv_generation": 1.0}
    df = consumption[consumption["kind"].isin(sign) & consumption["tenant_id"].notna()].copy()
    df["kwh"] = df["value"] * df["kind"].map(sign)
    df["ts"] = pd.DatetimeIndex(df["period_start"]).tz_convert(hours.tz)
    wide = df.pivot_table(index="ts", columns="tenant_id", values="kwh", aggfunc="sum").reindex(hours)
    out: dict[str, np.ndarray] = {}
    how = hours.day_of_week * 24 + hours.hour
    for tenant_id in wide.columns:
        s = wide[tenant_id]
        missing = int(s.isna().sum())
        if missing == len(s):
            continue
        if missing:
            fill = s.groupby(how).transform("median")
            s = s.fillna(fill).fillna(float(s.median()))
            notes.append(f"{tenant_id}: {missing} missing hour(s) of load filled with the same hour-of-week median")
        out[str(tenant_id)] = np.clip(s.to_numpy(float), 0, None)
    return out, notes


BATCH_TENANTS = 8  # tenants per worker job: their battery screens share one pass over the hours


def _solve_tenants(jobs: list[tuple[SizingInputs, CostParams]]) -> list[tuple[SizingResult, SizingResult]]:
    return size_many(jobs)


def assess_solar(
    data: ParkData,
    consumption: pd.DataFrame,
    weather: Weather,
    year: int,
    on: dt.date,
    grid_tco2_per_mwh: float,
    grid_factor_info: dict[str, Any] | None = None,
    params: PvSystemParams | None = None,
    costs: CostParams | None = None,
    workers: int = 1,
) -> ParkSolarResult:
    """Rooftop solar for the whole park: roof potential, sizing per tenant, portfolio.

    Parameters
    ----------
    data : ParkData
        The park (coordinates, zone), tenants (voltage level) and roofs.
    consumption : DataFrame
        Hourly electricity by tenant and meter kind (columns tenant_id, kind, period_start, value [kWh]).
    weather : Weather
        An hourly weather year (file or estimate).
    year : int
        The load year (hours of the LP).
    on : date
        The study date: tariff, TOU hours, VAT and surplus rule in force on it price the whole year.
    grid_tco2_per_mwh : float
        Grid emission factor for avoided tCO2e (``greenpark.ghg.grid_factor``).
    workers : int
        Processes for the per-tenant LPs (1 = in this process).
    """
    params = params or pv_system_params()
    costs = costs or cost_params()
    park = data.park
    notes: list[str] = []
    potential: RoofPotential = roof_potential(data.roofs, weather, park.latitude, park.longitude, params)
    hours = local_hours(year, park.timezone)
    loads, load_notes = tenant_hourly_load(consumption, hours)
    notes += load_notes
    region = price_region(park.latitude)
    rule = surplus_rule(on, region)
    if rule.cap_base == "installed_capacity":
        notes.append(
            f"{rule.rule} caps the surplus at {rule.export_cap_share:.0%} of installed capacity (kW); the sizing "
            f"applies it as {rule.export_cap_share:.0%} of the year's output, which allows more at midday peaks"
        )
    vat = vat_rate(on)
    jobs: list[tuple[SizingInputs, CostParams]] = []
    tariff_rows: dict[str, Any] = {}
    for tenant in data.tenants:
        if tenant.tenant_id not in loads:
            notes.append(f"{tenant.tenant_id}: no electricity readings in {year}; not sized")
            continue
        limit, prof = potential.tenant_profile(tenant.tenant_id)
        if limit <= 0:
            notes.append(f"{tenant.tenant_id}: no roof in roofs.csv; battery only")
        price, rows = energy_price(hours, tenant.voltage_level.value, on)
        tariff_rows[tenant.voltage_level.value] = [r.as_dict() for r in rows]
        jobs.append(
            (
                SizingInputs(
                    tenant_id=tenant.tenant_id,
                    load_kwh=loads[tenant.tenant_id],
                    pv_kwh_per_kwp=align_profile(prof, potential.times, hours),
                    price_vnd_per_kwh=price,
                    pv_max_kwp=limit,
                    export_cap_share=rule.export_cap_share,
                    surplus_price_vnd_per_kwh=rule.price_vnd_per_kwh,
                    vat_rate=vat.value,
                    grid_tco2_per_mwh=grid_tco2_per_mwh,
                    degradation_per_year=params.degradation / 100.0,
                ),
                costs,
            )
        )
    batches = [jobs[k : k + BATCH_TENANTS] for k in range(0, len(jobs), BATCH_TENANTS)]
    if workers > 1 and len(batches) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            solved = [r for batch in pool.map(_solve_tenants, batches) for r in batch]
    else:
        solved = [r for batch in batches for r in _solve_tenants(batch)]
    by_id = {t.tenant_id: t for t in data.tenants}
    tenants = []
    for (inp, _), (best, pv_only) in zip(jobs, solved, strict=True):
        t = by_id[inp.tenant_id]
        tnotes = []
        if weather.estimate:
            tnotes.append("PV output from an estimated typical year: not bankable")
        if best.export_cap_binding:
            base = "installed capacity" if rule.cap_base == "installed_capacity" else "output"
            tnotes.append(f"export cap ({rule.export_cap_share:.0%} of {base}, {rule.rule}) binds")
        tenants.append(
            TenantSolar(
                tenant_id=t.tenant_id,
                name=t.name,
                voltage_level=t.voltage_level.value,
                pv_kwp=best.pv_kwp,
                battery_kwh=best.battery_kwh,
                battery_kw=best.battery_kw,
                self_consumption=best.self_consumption,
                self_sufficiency=best.self_sufficiency,
                annual_kwh=best.annual_kwh,
                annual_savings_vnd=best.annual_savings_vnd,
                capex_vnd=best.capex_vnd,
                opex_vnd_per_year=best.opex_vnd_per_year,
                lifetime_years=best.lifetime_years,
                npv_vnd=best.npv_vnd,
                irr=best.irr,
                payback_years=best.payback_years,
                avoided_tco2e=best.avoided_tco2e,
                optimum=best,
                no_battery=pv_only,
                notes=tnotes,
            )
        )
    tenants.sort(key=lambda x: -x.npv_vnd)
    opt = [x.optimum for x in tenants]
    consumption_kwh = sum(o.load_kwh for o in opt)
    used = sum(o.annual_kwh - o.export_kwh - o.curtailed_kwh for o in opt)
    portfolio = Portfolio(
        tenants_sized=len(tenants),
        total_pv_kwp=sum(o.pv_kwp for o in opt),
        total_roof_limit_kwp=sum(r.kwp for r in potential.roofs),
        total_battery_kwh=sum(o.battery_kwh for o in opt),
        total_generation_kwh=sum(o.annual_kwh for o in opt),
        park_consumption_kwh=consumption_kwh,
        renewable_share=used / consumption_kwh if consumption_kwh > 0 else 0.0,
        total_avoided_tco2e=sum(o.avoided_tco2e for o in opt),
        total_capex_vnd=sum(o.capex_vnd for o in opt),
        total_annual_savings_vnd=sum(o.annual_savings_vnd for o in opt),
        total_npv_vnd=sum(o.npv_vnd for o in opt),
    )
    if weather.estimate:
        notes.insert(0, "ESTIMATE: no weather file; PV output from an estimated typical year (see assumptions.weather)")
    assumptions = {
        "weather": weather.assumption(),
        "study_date": on.isoformat(),
        "load_year": year,
        "price_region": region,
        "tariff_rows": tariff_rows,
        "vat": vat.as_dict(),
        "surplus_rule": {"rule": rule.rule, "factors": [f.as_dict() for f in rule.factors]},
        "grid_factor": grid_factor_info or {"tco2_per_mwh": grid_tco2_per_mwh},
        "pv_system": {k: v for k, v in asdict(params).items() if k != "factors"},
        "pv_system_factors": [f.as_dict() for f in params.factors],
        "costs": {k: v for k, v in asdict(costs).items() if k != "factors"},
        "cost_factors": [f.as_dict() for f in costs.factors],
        "method": (
            "pvlib vectorised: Hay-Davies POA, physical IAM, SAPM close-mount cell temperature, PVWatts DC, "
            "losses and inverter; sizing LP per tenant over the hourly year (HiGHS), objective lifecycle cost; "
            "money in VND excl. VAT, real terms"
        ),
    }
    return ParkSolarResult(
        park_id=park.park_id,
        year=year,
        estimate=weather.estimate,
        roofs=potential.roofs,
        tenants=tenants,
        portfolio=portfolio,
        assumptions=assumptions,
        notes=notes,
    )
