"""CLI: ``greenpark energy PARK [--year YYYY]`` (load analytics, baselines, benchmarking),
``greenpark savings PARK --tenant ID [--year Y1] [--baseline-year Y0]`` (verified savings of one tenant) and
``greenpark plan PARK [--year YYYY]`` (measures, cost curve, roadmap to the park's targets)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.table import Table

from greenpark import runs
from greenpark.cli.common import AsJson, ParkRef, StoreUrl, console, guarded, num, park_year, pct, print_json


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
            num(s["total_kwh"] / 1000, 1),
            num(s["base_load_kw"], 1),
            num(s["peak_kw"], 1),
            num(s["load_factor"], 2),
            *(num(100 * s["tou_share"][b], 1) for b in ("peak", "normal", "offpeak")),
            num(100 * s["out_of_hours_share"], 1),
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
            bl_s = f"R2 {num(bl['r2'], 2)}, CV {pct(bl['cvrmse'])}"
        per_unit = "-" if x["kwh_per_unit"] is None else f"{num(x['kwh_per_unit'])}/{x['production_unit']}"
        b.add_row(
            x["tenant_id"], x["sector"], num(x['kwh_per_m2']), per_unit,
            f"{x['rank_in_sector']}/{x['sector_size']}", x["outlier"] or "", bl_s,
        )  # fmt: skip
    console.print(b)
    for n in r.get("notes", []):
        console.print(f"[yellow]note:[/] {n}", highlight=False)


def _print_plan(r: dict[str, Any]) -> None:
    t = Table(title=f"Marginal abatement cost curve {r['park_id']} (baseline {r['baseline_year']})")
    for c in ("tenant", "measure", "tCO2e/yr", "M VND/yr", "k VND/tCO2e", "cumulative t"):
        t.add_column(c, justify="left" if c in ("tenant", "measure") else "right")
    for c in r["cost_curve"]:
        t.add_row(
            c["tenant_id"], c["measure"], num(c['abatement_tco2e'], 1), num(c['annualised_cost_vnd'] / 1e6, 1),
            num(c['cost_vnd_per_tco2e'] / 1e3), num(c['cumulative_abatement_tco2e']),
        )  # fmt: skip
    console.print(t)
    rm = r["roadmap"]
    y = Table(title=f"Roadmap ({rm['status']}; discounted cost {num(rm['discounted_cost_vnd'] / 1e9, 1)} bn VND)")
    for c in ("year", "BAU tCO2e", "planned tCO2e", "cap tCO2e", "measures starting"):
        y.add_column(c, justify="right")
    for yr in rm["years"]:
        starting = [f"{a['tenant_id']}:{a['measure']}" for a in rm["adoptions"] if a["start_year"] == yr["year"]]
        cap = "" if yr["cap_tco2e"] is None else num(yr["cap_tco2e"])
        y.add_row(str(yr["year"]), num(yr["bau_tco2e"]), num(yr["planned_tco2e"]), cap, str(len(starting)))
    console.print(y)
    for n in [*r.get("notes", []), *rm["notes"]]:
        console.print(f"[yellow]note:[/] {n}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``energy`` and ``plan`` to the app."""

    @app.command("energy")
    @guarded
    def energy_cmd(
        park: ParkRef,
        year: Annotated[
            int | None, typer.Option("--year", help="Data year (default: the latest year with all 12 months).")
        ] = None,
        store: StoreUrl = None,
        as_json: AsJson = False,
    ) -> None:
        """Load analytics, monthly baselines and energy-intensity benchmarks per tenant."""
        with park_year(park, year, store, quiet=as_json) as py:
            result = runs.energy_for(py)
        if as_json:
            print_json(result)
        else:
            _print_energy(result)

    @app.command("savings")
    @guarded
    def savings_cmd(
        park: ParkRef,
        tenant: Annotated[str, typer.Option("--tenant", help="Tenant id.")],
        year: Annotated[
            int | None, typer.Option("--year", help="Reporting year (default: the latest year with all 12 months).")
        ] = None,
        baseline_year: Annotated[
            int | None, typer.Option("--baseline-year", help="Baseline year (default: the year before --year).")
        ] = None,
        store: StoreUrl = None,
        as_json: AsJson = False,
    ) -> None:
        """A tenant's verified electricity savings (IPMVP Option C, ASHRAE Guideline 14) against a baseline year."""
        with park_year(park, year, store, quiet=as_json) as py:
            result = runs.savings_for(py.data, py.readings, tenant, py.year, baseline_year)
        if as_json:
            print_json(result.model_dump(mode="json"))
        else:
            _print_savings(result)

    @app.command("plan")
    @guarded
    def plan_cmd(
        park: ParkRef,
        year: Annotated[
            int | None, typer.Option("--year", help="Baseline year (default: the latest year with all 12 months).")
        ] = None,
        grid: Annotated[
            str, typer.Option("--grid", help="Grid factor scenario of ghg/grid_projection.csv.")
        ] = "decline_2pct",
        no_solar: Annotated[bool, typer.Option("--no-solar", help="Leave rooftop PV out of the measures.")] = False,
        store: StoreUrl = None,
        as_json: AsJson = False,
    ) -> None:
        """Candidate measures, marginal abatement cost curve and least-cost roadmap to the park's targets."""
        with park_year(park, year, store, quiet=as_json) as py:
            inv = runs.inventory_for(py)
            solar = None if no_solar or not py.data.roofs else runs.solar_for(py, dt.date.today())
            result = runs.plan_for(py, inv, solar, grid)
        if as_json:
            print_json(result)
        else:
            _print_plan(result)


def _print_savings(r: Any) -> None:
    console.print(f"[bold]Verified savings {r.tenant_id}[/]: {r.reporting_year} against a {r.baseline_year} baseline")
    t = Table(show_header=False)
    t.add_column("item")
    t.add_column("value", justify="right")
    b = r.baseline
    if b is not None:
        t.add_row("baseline months (n)", str(b.n))
        t.add_row("R2", "-" if b.r2 is None else num(b.r2, 3))
        t.add_row("CV(RMSE)", "-" if b.cvrmse is None else f"{num(100 * b.cvrmse, 1)} %")
        t.add_row("NMBE", "-" if b.nmbe is None else f"{num(100 * b.nmbe, 2)} %")
    sv = r.savings
    if sv is not None:
        t.add_row("adjusted baseline kWh", num(sv.adjusted_baseline_kwh))
        t.add_row("actual kWh", num(sv.actual_kwh))
        t.add_row("avoided kWh", num(sv.avoided_kwh))
        t.add_row(
            f"uncertainty at {num(100 * sv.confidence_level)} %",
            f"{num(sv.uncertainty_kwh)} kWh (FSU {num(100 * sv.fractional_savings_uncertainty, 1)} %)",
        )
    console.print(t)
    if r.verified:
        console.print("[green]verified[/]")
    else:
        console.print(f"[yellow]not verified[/] ({r.refused_by}): {r.message}")
