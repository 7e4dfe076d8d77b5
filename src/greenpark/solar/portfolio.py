"""The park's rooftop-solar portfolio: roof potential, PV + battery sizing per tenant, park totals.

Pure orchestration over the other solar modules: it takes the park, each tenant's hourly electricity
(from the store's ``consumption(grain="hour", by="tenant")``) and a weather year, and returns one
typed result. Tenants are sized independently, so they may run in a process pool (``workers``).

Tenant load = electricity_import - electricity_export + pv_generation (existing on-site PV is load
served today). The year's total follows the one full-year rule (:mod:`greenpark.coverage`): each kind's
measured kWh divided by its coverage (``Store.coverage``), so a tenant's yearly load is the figure the
inventory states as its full-year estimate. Hours missing from the load take the shape of the tenant's
median for the same hour of the week, scaled so the year adds up to that estimate (a stated repair, listed
in ``notes``). A tenant whose coverage is too low for an estimate is not sized (said in ``notes``).
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from greenpark.coverage import FullYearRule, coverage_by, describe, full_year_estimates, full_year_rule
from greenpark.model import ParkData
from greenpark.periods import local_hours
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
    coverage: float | None = None  # electricity_import coverage of the load year (greenpark.coverage)
    load_measured_kwh: float = 0.0  # net load as measured; optimum.load_kwh is the full-year figure sized
    load_label: str = ""
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
    used_on_site_kwh: float = 0.0  # the proposed PV's output used on site (generation less export and curtailment)
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


SIGNS = {"electricity_import": 1.0, "electricity_export": -1.0, "pv_generation": 1.0}


@dataclass
class TenantLoads:
    """Each tenant's hourly load for the year [kWh], and what was done to get it."""

    loads: dict[str, np.ndarray] = field(default_factory=dict)
    measured_kwh: dict[str, float] = field(default_factory=dict)  # net load over the hours with readings
    coverage: dict[str, float | None] = field(default_factory=dict)  # electricity_import coverage
    labels: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # tenant -> why it has no load
    notes: list[str] = field(default_factory=list)


def _kind_coverage(
    coverage: pd.DataFrame | None, wide: pd.DataFrame, hours: pd.DatetimeIndex
) -> tuple[pd.DataFrame, list[str]]:
    """Coverage per (tenant, kind): from the frame, else the share of the year's hours with readings (noted)."""
    tenants = wide.columns.get_level_values(1).unique()
    if coverage is None:
        share = wide.notna().sum() / len(hours)
        note = "coverage not given: taken as the share of the year's hours with readings"
        return share.unstack(0).reindex(index=tenants, columns=list(SIGNS)), [note]
    cols = {k: coverage_by(coverage, k)["coverage"] for k in SIGNS}
    out = pd.DataFrame({k: v.reindex(tenants.astype(str)) for k, v in cols.items()})
    out.index = tenants
    # a kind without its own coverage row (no meter of that kind) takes the import meters' coverage
    return out.apply(lambda c: c.fillna(out["electricity_import"])), []


def tenant_hourly_load(
    consumption: pd.DataFrame,
    hours: pd.DatetimeIndex,
    coverage: pd.DataFrame | None = None,
    rule: FullYearRule | None = None,
) -> TenantLoads:
    """Each tenant's hourly load [kWh] on ``hours``, its year total by the full-year rule.

    Parameters
    ----------
    consumption : DataFrame
        The store's hourly consumption by tenant and kind (tenant_id, kind, period_start, value [kWh]).
    hours : DatetimeIndex
        The local hours of the load year (:func:`greenpark.periods.local_hours`).
    coverage : DataFrame, optional
        ``Store.coverage(..., by="tenant")`` over the year; None = the share of hours with readings (noted).

    Returns
    -------
    TenantLoads
        Per tenant: load = sum over kinds of sign x full_year_estimate(measured kWh, coverage); measured hours
        kept, missing hours shaped by the same-hour-of-week median and scaled to make up the rest.
    """
    rule = rule or full_year_rule()
    out = TenantLoads()
    if consumption.empty:
        return out
    df = consumption[consumption["kind"].isin(SIGNS) & consumption["tenant_id"].notna()].copy()
    if df.empty:
        return out
    df["ts"] = pd.DatetimeIndex(df["period_start"]).tz_convert(hours.tz)
    wide = df.pivot_table(index="ts", columns=["kind", "tenant_id"], values="value", aggfunc="sum").reindex(hours)
    cov, out.notes = _kind_coverage(coverage, wide, hours)
    how = hours.day_of_week * 24 + hours.hour
    for tenant_id in wide.columns.get_level_values(1).unique():
        kinds = [k for k in SIGNS if (k, tenant_id) in wide.columns]
        measured = {k: float(wide[(k, tenant_id)].sum()) for k in kinds}
        c_imp = cov.loc[tenant_id, "electricity_import"] if "electricity_import" in kinds else np.nan
        estimates = {k: float(full_year_estimates([measured[k]], [cov.loc[tenant_id, k]], rule)[0]) for k in kinds}
        tid = str(tenant_id)
        label = describe(measured.get("electricity_import", 0.0), None if pd.isna(c_imp) else float(c_imp), "kWh", rule)
        if any(np.isnan(v) for v in estimates.values()):
            out.skipped[tid] = f"{label}; not sized (import more readings for the year)"
            continue
        net = sum(wide[(k, tenant_id)].fillna(0.0) * SIGNS[k] for k in kinds)
        has = wide.xs(tenant_id, axis=1, level=1).notna().any(axis=1)
        s = net.where(has)
        target = sum(SIGNS[k] * estimates[k] for k in kinds)
        measured_net = float(s.sum())
        missing = ~has
        if missing.any():
            shape = s.groupby(how).transform("median").fillna(float(s.median()))[missing].clip(lower=0.0)
            rest = max(target - measured_net, 0.0)
            s[missing] = shape * (rest / float(shape.sum())) if shape.sum() > 0 else rest / int(missing.sum())
            out.notes.append(
                f"{tid}: {int(missing.sum())} missing hour(s) of load shaped by the same hour-of-week median and "
                f"scaled to the full-year estimate"
            )
        elif measured_net > 0:
            s = s * (target / measured_net)
        out.loads[tid] = np.clip(s.to_numpy(float), 0, None)
        out.measured_kwh[tid] = measured_net
        out.coverage[tid] = None if pd.isna(c_imp) else float(c_imp)
        out.labels[tid] = label
    return out


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
    coverage: pd.DataFrame | None = None,
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
    coverage : DataFrame, optional
        ``Store.coverage(park_id, start, end, by="tenant")`` over the load year: the load's year total is each
        kind's full-year estimate (:mod:`greenpark.coverage`). None = the share of hours with readings (noted).
    """
    params = params or pv_system_params()
    costs = costs or cost_params()
    park = data.park
    notes: list[str] = []
    potential: RoofPotential = roof_potential(data.roofs, weather, park.latitude, park.longitude, params)
    hours = local_hours(year, park.timezone)
    tl = tenant_hourly_load(consumption, hours, coverage)
    loads = tl.loads
    notes += tl.notes
    region = price_region(park.latitude)
    rule = surplus_rule(on, region)
    vat = vat_rate(on)
    jobs: list[tuple[SizingInputs, CostParams]] = []
    tariff_rows: dict[str, Any] = {}
    for tenant in data.tenants:
        if tenant.tenant_id in tl.skipped:
            notes.append(f"{tenant.tenant_id}: {tl.skipped[tenant.tenant_id]}")
            continue
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
                    export_cap_base=rule.cap_base,
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
                coverage=tl.coverage.get(t.tenant_id),
                load_measured_kwh=tl.measured_kwh.get(t.tenant_id, 0.0),
                load_label=tl.labels.get(t.tenant_id, ""),
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
        used_on_site_kwh=used,
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
        "full_year_rule": full_year_rule().as_dict(),
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
