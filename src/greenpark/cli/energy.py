"""CLI: ``greenpark energy PARK --year YYYY`` (load analytics, baselines, benchmarking) and
``greenpark plan PARK [--year YYYY]`` (measures, cost curve, roadmap to the park's targets)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import pandas as pd
import typer
from rich.table import Table

from greenpark.cli.common import console, guarded, open_park, print_json
from greenpark.errors import BaselineRejectedError, InputError

_TOE_KWH = 11_630.0  # 1 toe = 11.63 MWh by definition (IEA/OECD energy statistics manual)


def _year_bounds(data: Any, year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(data.park.timezone)
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def energy_report(data: Any, store: Any, year: int) -> dict[str, Any]:
    """Gather the year's hourly electricity and production, and run the energy engine."""
    from greenpark.energy import benchmark, fit_baseline, load_analytics

    start, end = _year_bounds(data, year)
    c = store.consumption(data.park.park_id, start, end, grain="hour", by="tenant")
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


def plan_report(data: Any, store: Any, year: int, grid_scenario: str, with_solar: bool) -> dict[str, Any]:
    """Inventory of the baseline year -> candidate measures -> cost curve and roadmap."""
    from greenpark.cli.inventory import park_inventory
    from greenpark.ghg.grid import grid_factor
    from greenpark.plan import candidate_measures, cost_curve, plan_parameter, roadmap
    from greenpark.reference import lookup

    inv = park_inventory(data, store, year)
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
    gf_info = grid_factor(year)
    gf = gf_info.tco2_per_mwh
    solar = None
    if with_solar:  # the solar engine's per-tenant PV + battery optimum, as the solar command computes it
        from greenpark.solar.climate import typical_year
        from greenpark.solar.params import pv_system_params
        from greenpark.solar.portfolio import assess_solar

        start, end = _year_bounds(data, year)
        hourly = store.consumption(data.park.park_id, start, end, grain="hour", by="tenant")
        params = pv_system_params()
        p = data.park
        wx = typical_year(p.latitude, p.longitude, year, p.timezone, params.wind_speed_default)
        solar = assess_solar(data, hourly, wx, year, dt.date.today(), gf, gf_info.as_dict(), params=params)
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


def _print_energy(r: dict[str, Any]) -> None:
    t = Table(title=f"Load analytics {r['park_id']} {r['year']}")
    for c in (
        "tenant",
        "MWh",
        "base kW",
        "peak kW",
        "LF",
        "peak %",
        "normal %",
        "offpeak %",
        "out-of-hours %",
        "unusual days",
    ):
        t.add_column(c, justify="left" if c == "tenant" else "right")
    loads = r["loads"]
    for s in [*loads["tenants"], loads["park"]]:
        t.add_row(
            s["entity_id"],
            f"{s['total_kwh'] / 1000:,.1f}",
            f"{s['base_load_kw']:,.1f}",
            f"{s['peak_kw']:,.1f}",
            f"{s['load_factor']:.2f}",
            *(f"{100 * s['tou_share'][b]:.1f}" for b in ("peak", "normal", "offpeak")),
            f"{100 * s['out_of_hours_share']:.1f}",
            str(len(s["unusual_days"])),
        )
    console.print(t)
    b = Table(title="Benchmarks and monthly baselines (kWh on production, ASHRAE 14)")
    for c in ("tenant", "sector", "kWh/m2", "kWh/unit", "rank", "outlier", "baseline"):
        b.add_column(c)
    for x in r["benchmarks"]:
        bl = r["baselines"].get(x["tenant_id"])
        if bl is None:
            bl_s = "-"
        elif "rejected" in bl:
            bl_s = bl["rejected"].split(" (")[0].replace("baseline ", "")
        else:
            bl_s = f"R2 {bl['r2']:.2f}, CV {bl['cvrmse']:.1%}"
        per_unit = "-" if x["kwh_per_unit"] is None else f"{x['kwh_per_unit']:,.0f}/{x['production_unit']}"
        b.add_row(
            x["tenant_id"], x["sector"], f"{x['kwh_per_m2']:,.0f}", per_unit,
            f"{x['rank_in_sector']}/{x['sector_size']}", x["outlier"] or "", bl_s,
        )  # fmt: skip
    console.print(b)


def _print_plan(r: dict[str, Any]) -> None:
    t = Table(title=f"Marginal abatement cost curve {r['park_id']} (baseline {r['baseline_year']})")
    for c in ("tenant", "measure", "tCO2e/yr", "M VND/yr", "k VND/tCO2e", "cumulative t"):
        t.add_column(c, justify="left" if c in ("tenant", "measure") else "right")
    for c in r["cost_curve"]:
        t.add_row(
            c["tenant_id"], c["measure"], f"{c['abatement_tco2e']:,.1f}", f"{c['annualised_cost_vnd'] / 1e6:,.1f}",
            f"{c['cost_vnd_per_tco2e'] / 1e3:,.0f}", f"{c['cumulative_abatement_tco2e']:,.0f}",
        )  # fmt: skip
    console.print(t)
    rm = r["roadmap"]
    y = Table(title=f"Roadmap ({rm['status']}; discounted cost {rm['discounted_cost_vnd'] / 1e9:,.1f} bn VND)")
    for c in ("year", "BAU tCO2e", "planned tCO2e", "cap tCO2e", "measures starting"):
        y.add_column(c, justify="right")
    for yr in rm["years"]:
        starting = [f"{a['tenant_id']}:{a['measure']}" for a in rm["adoptions"] if a["start_year"] == yr["year"]]
        cap = "" if yr["cap_tco2e"] is None else f"{yr['cap_tco2e']:,.0f}"
        y.add_row(str(yr["year"]), f"{yr['bau_tco2e']:,.0f}", f"{yr['planned_tco2e']:,.0f}", cap, str(len(starting)))
    console.print(y)
    for n in rm["notes"]:
        console.print(f"[yellow]note:[/] {n}")


def register(app: typer.Typer) -> None:
    """Add ``energy`` and ``plan`` to the app."""

    @app.command("energy")
    @guarded
    def energy_cmd(
        park: Annotated[str, typer.Argument(help="Park folder, .xlsx workbook, or a park id in the store.")],
        year: Annotated[int, typer.Option("--year", help="Data year.")],
        store: Annotated[str | None, typer.Option("--store", help="Store URL (default GREENPARK_STORE).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    ) -> None:
        """Load analytics, monthly baselines and energy-intensity benchmarks per tenant."""
        data, st = open_park(park, store_url=store)
        try:
            result = energy_report(data, st, year)
        finally:
            st.close()
        if as_json:
            print_json(result)
        else:
            _print_energy(result)

    @app.command("plan")
    @guarded
    def plan_cmd(
        park: Annotated[str, typer.Argument(help="Park folder, .xlsx workbook, or a park id in the store.")],
        year: Annotated[int | None, typer.Option("--year", help="Baseline year (default: park.baseline_year).")] = None,
        grid: Annotated[
            str, typer.Option("--grid", help="Grid factor scenario of ghg/grid_projection.csv.")
        ] = "decline_2pct",
        no_solar: Annotated[bool, typer.Option("--no-solar", help="Leave rooftop PV out of the measures.")] = False,
        store: Annotated[str | None, typer.Option("--store", help="Store URL (default GREENPARK_STORE).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    ) -> None:
        """Candidate measures, marginal abatement cost curve and least-cost roadmap to the park's targets."""
        data, st = open_park(park, store_url=store)
        try:
            y = year or data.park.baseline_year
            if y is None:
                raise InputError("no --year and no baseline_year in park.toml; give --year YYYY")
            result = plan_report(data, st, y, grid, not no_solar)
        finally:
            st.close()
        if as_json:
            print_json(result)
        else:
            _print_plan(result)
