"""Inputs the engines need, gathered from the store: the one place where store queries are wired into engines.

The CLI commands, ``assess`` and the API call these instead of repeating the wiring, so an inventory is the same
figure whichever door it is asked through.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from greenpark.errors import BaselineRejectedError, InputError

_TOE_KWH = 11_630.0  # 1 toe = 11.63 MWh by definition (IEA/OECD energy statistics manual)


def wwtp_activities(data: Any, electricity_by_meter: pd.DataFrame, year: int) -> tuple[list | None, list[str]]:
    """WWTP activity data for the ghg engine (and the water engine's notes), from the water engine.

    ``electricity_by_meter`` is ``store.consumption(..., by="meter")`` over the year.
    """
    if not data.wwtps:
        return [], []
    try:
        from greenpark.water.ghg_link import ghg_activity
    except ImportError:
        return None, []
    from greenpark.ghg.wastewater import activity_from

    records = ghg_activity(data, year, electricity=electricity_by_meter)
    notes = [f"{r.wwtp_id}: {n}" for r in records for n in getattr(r, "notes", [])]
    return [r.to_ghg() if hasattr(r, "to_ghg") else activity_from(r) for r in records], notes


def park_inventory(
    data: Any, store: Any, year: int, gwp: str = "AR5", strict_factors: bool = False, extra_dirs: Any = ()
) -> Any:
    """Gather the inventory's inputs from the store and the water engine, and run ``greenpark.ghg.inventory``.

    The one place the CLI and ``assess`` wire the store's monthly
    consumption and the WWTP activity into the engine. Returns an ``InventoryResult``.
    """
    from zoneinfo import ZoneInfo

    from greenpark.ghg.inventory import inventory

    zone = ZoneInfo(data.park.timezone)
    start, end = dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)
    consumption = store.consumption(data.park.park_id, start, end, grain="month", by="tenant")
    electricity = store.consumption(data.park.park_id, start, end, grain="year", by="meter")
    activities, water_notes = wwtp_activities(data, electricity, year)
    result = inventory(
        data,
        consumption,
        year,
        gwp_set=gwp,
        strict_factors=strict_factors,
        wwtp_activities=activities,
        extra_dirs=tuple(extra_dirs),
    )
    result.notes.extend(water_notes)  # the water engine's caveats on its activity data
    return result


def solar_for_year(
    data: Any, hourly: pd.DataFrame, year: int, study: dt.date, workers: int = 2, weather_file: str | None = None
) -> Any:
    """The solar engine's roofs and per-tenant PV + battery optimum, on the user's weather file or, without one,
    on an estimated typical year (flagged as an estimate in the result)."""
    from greenpark.ghg import grid_factor
    from greenpark.solar import assess_solar, pv_system_params, typical_year
    from greenpark.solar.weather import read_weather

    params = pv_system_params()
    p = data.park
    if weather_file:
        weather = read_weather(weather_file, p.latitude, p.longitude, p.timezone, params.wind_speed_default)
    else:
        weather = typical_year(p.latitude, p.longitude, year, p.timezone, params.wind_speed_default)
    gf = grid_factor(year)
    return assess_solar(
        data, hourly, weather, year, study, gf.tco2_per_mwh, gf.as_dict(), params=params, workers=workers
    )


def year_bounds(data: Any, year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(data.park.timezone)
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def energy_report(data: Any, hourly: pd.DataFrame, year: int) -> dict[str, Any]:
    """Run the energy engine on the year's hourly electricity (``store.consumption(grain="hour", by="tenant")``)
    and the production table: load analytics, monthly baselines, intensity benchmarks."""
    from greenpark.energy import benchmark, fit_baseline, load_analytics

    c = hourly
    c = c[(c["kind"] == "electricity_import") & c["tenant_id"].notna()]
    if c.empty:
        raise InputError(f"no electricity_import readings for {year}; import readings or choose another --year")
    load = pd.DataFrame({"tenant_id": c["tenant_id"], "ts": c["period_start"], "kwh": c["value"]})
    loads = load_analytics(load, data.park.timezone)

    prod = data.table("production") if "production" in data.tables else pd.DataFrame()
    prod = prod[prod["period"].astype(str).str.startswith(str(year))] if not prod.empty else prod
    baselines: dict[str, Any] = {}
    rows = []
    for t in data.tenants:
        stats = next((s for s in loads.tenants if s.entity_id == t.tenant_id), None)
        if stats is None:
            continue
        p = prod[prod["tenant_id"] == t.tenant_id] if not prod.empty else prod
        monthly = pd.DataFrame({"month": list(stats.monthly_kwh), "kwh": list(stats.monthly_kwh.values())})
        if not p.empty:
            monthly = monthly.merge(
                p.groupby("period")["quantity"].sum().rename("production").reset_index(),
                left_on="month",
                right_on="period",
            )
            try:
                baselines[t.tenant_id] = fit_baseline(monthly, ["production"], "month").model_dump()
            except BaselineRejectedError as exc:  # a finding, not a failure: the tenant gets no verified baseline
                baselines[t.tenant_id] = {"rejected": str(exc)}
        rows.append(
            {
                "tenant_id": t.tenant_id,
                "sector": str(t.sector),
                "energy_kwh": stats.total_kwh,
                "floor_area_m2": t.floor_area_m2,
                "production": float(p["quantity"].sum()) if not p.empty else float("nan"),
                "production_unit": str(p["unit"].iloc[0]) if not p.empty else None,
            }
        )
    bench = benchmark(pd.DataFrame(rows)) if rows else []
    return {
        "park_id": data.park.park_id,
        "year": year,
        "loads": loads.model_dump(),
        "baselines": baselines,
        "benchmarks": [b.model_dump() for b in bench],
    }


def plan_report(
    data: Any, year: int, inv: Any, solar: Any = None, grid_scenario: str = "decline_2pct"
) -> dict[str, Any]:
    """Inventory of the baseline year (and the solar results, if any) -> candidate measures -> cost curve, roadmap."""
    from greenpark.ghg.grid import grid_factor
    from greenpark.plan import candidate_measures, cost_curve, plan_parameter, roadmap
    from greenpark.reference import lookup

    toe_per_kwh = lookup("ghg/toe", carrier="electricity").value
    sectors = {t.tenant_id: str(t.sector) for t in data.tenants}
    rows = []
    for x in inv.tenants:
        fuel_kwh = max(x.energy_toe * _TOE_KWH - x.grid_import_kwh * toe_per_kwh * _TOE_KWH, 0.0)
        rows.append(
            {
                "tenant_id": x.tenant_id,
                "sector": sectors.get(x.tenant_id, "other"),
                "electricity_kwh": x.grid_import_kwh,
                "fuel_kwh": fuel_kwh,
                "fuel_tco2e": x.scope1_combustion_tco2e,
            }
        )
    pc = inv.park_common
    if pc.grid_import_kwh > 0 and data.wwtps:
        rows.append({"tenant_id": "park_wwtp", "sector": "wwtp", "electricity_kwh": pc.grid_import_kwh,
                     "fuel_kwh": 0.0, "fuel_tco2e": 0.0})  # fmt: skip
    gf = grid_factor(year).tco2_per_mwh
    rate = plan_parameter("discount_rate")
    ms = candidate_measures(pd.DataFrame(rows), solar=solar)
    curve = cost_curve(ms, rate, gf)
    pct = data.park.targets.get("ghg_reduction_pct", {})
    decline = lookup("ghg/grid_projection", scenario=grid_scenario).value
    elec_t = inv.scope2_location_tco2e
    rm = roadmap(
        ms,
        inv.total_tco2e,
        year,
        pct,
        decline,
        baseline_electricity_tco2e=elec_t,
        grid_tco2_per_mwh=gf,
        discount_rate=rate,
    )
    return {
        "park_id": data.park.park_id,
        "baseline_year": year,
        "baseline_tco2e": inv.total_tco2e,
        "grid_scenario": grid_scenario,
        "targets_pct": pct,
        "cost_curve": [c.model_dump() for c in curve],
        "roadmap": rm.model_dump(),
    }


def tenant_solar_for_year(
    data: Any, hourly: pd.DataFrame, tenant_id: str, year: int, study: dt.date, weather_file: str | None = None
) -> Any:
    """One tenant's rooftop PV + battery optimum and its roofs' potential (``solar_for_year`` on that tenant only).

    For the tenant's dashboard page: sizes one tenant instead of the whole park. ``hourly`` is the tenant's
    ``store.consumption(grain="hour", by="tenant", tenant_id=...)`` over the year. Returns a
    ``ParkSolarResult`` holding that tenant (or none, with the reason in ``notes``) and its roofs.
    """
    import dataclasses

    tenants = [t for t in data.tenants if t.tenant_id == tenant_id]
    if not tenants:
        raise InputError(f"tenant {tenant_id!r} is not in park {data.park.park_id!r}")
    one = dataclasses.replace(data, tenants=tenants, roofs=[r for r in data.roofs if r.tenant_id == tenant_id])
    rows = hourly[hourly["tenant_id"] == tenant_id] if len(hourly) else hourly
    return solar_for_year(one, rows, year, study, workers=1, weather_file=weather_file)


def tenant_savings(data: Any, monthly: pd.DataFrame, tenant_id: str, year: int, baseline_year: int) -> Any:
    """The tenant's verified electricity savings in ``year`` against a ``baseline_year`` model on its production.

    ``monthly`` is ``store.consumption(grain="month", by="tenant")`` (the tenant's rows suffice) over both years;
    production comes from the park's ``production`` table. Returns ``greenpark.energy.verification.VerifiedSavings``.
    """
    from greenpark.energy.verification import verify_savings

    c = monthly
    c = c[(c["kind"] == "electricity_import") & (c["tenant_id"] == tenant_id)] if len(c) else c
    kwh = (
        pd.DataFrame({"month": [t.strftime("%Y-%m") for t in c["period_start"]], "kwh": c["value"].astype(float)})
        .groupby("month", as_index=False)["kwh"]
        .sum()
        if len(c)
        else pd.DataFrame({"month": pd.Series(dtype=str), "kwh": pd.Series(dtype=float)})
    )
    prod = data.table("production") if "production" in data.tables else pd.DataFrame()
    if not prod.empty:
        prod = prod[prod["tenant_id"] == tenant_id]
        prod = prod.groupby(prod["period"].astype(str), as_index=False)["quantity"].sum()
        prod = prod.rename(columns={"period": "month", "quantity": "production"})
        months = kwh.merge(prod, on="month", how="left")
    else:
        months = kwh.assign(production=float("nan"))
    return verify_savings(tenant_id, months, baseline_year, year)
