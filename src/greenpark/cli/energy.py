"""CLI: ``greenpark energy PARK [--year YYYY]`` (load analytics, baselines, benchmarking),
``greenpark savings PARK --tenant ID [--year Y1] [--baseline-year Y0]`` (verified savings of one tenant) and
``greenpark plan PARK [--year YYYY]`` (measures, cost curve, roadmap to the park's targets)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.table import Table

from greenpark import runs
from greenpark.cli.common import (
    AsJson,
    Lang,
    ParkRef,
    StoreUrl,
    Year,
    console,
    guarded,
    lbl,
    note,
    num,
    park_year,
    pct,
    print_json,
    say,
    use_lang,
)


def _print_energy(r: dict[str, Any]) -> None:
    t = Table(title=say("energy.title", park=r["park_id"], year=r["year"]))
    for c in ("tenant", "mwh", "base_kw", "peak_kw", "lf", "peak_pct", "normal_pct", "offpeak_pct", "out_of_hours",
              "unusual_days"):  # fmt: skip
        t.add_column(say(f"col.{c}"), justify="left" if c == "tenant" else "right")
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
    b = Table(title=say("energy.benchmarks"))
    for c in ("tenant", "sector", "kwh_m2", "kwh_unit", "rank", "outlier", "baseline"):
        b.add_column(say(f"col.{c}"))
    for x in r["benchmarks"]:
        bl = r["baselines"].get(x["tenant_id"])
        if bl is None:
            bl_s = "-"
        elif "rejected" in bl:
            bl_s = note(bl["rejected"].split(" (")[0].replace("baseline ", ""))
        else:
            bl_s = f"R2 {num(bl['r2'], 2)}, CV {pct(bl['cvrmse'])}"
        per_unit = "-" if x["kwh_per_unit"] is None else f"{num(x['kwh_per_unit'])}/{x['production_unit']}"
        b.add_row(
            x["tenant_id"], lbl("sector", x["sector"]), num(x['kwh_per_m2']), per_unit,
            f"{x['rank_in_sector']}/{x['sector_size']}", lbl("outlier", x["outlier"]) if x["outlier"] else "", bl_s,
        )  # fmt: skip
    console.print(b)
    for n in r.get("notes", []):
        console.print(f"[yellow]{say('note')}:[/] {note(n)}", highlight=False)


def _print_plan(r: dict[str, Any]) -> None:
    t = Table(title=say("plan.title", park=r["park_id"], year=r["baseline_year"]))
    for c in ("tenant", "measure", "tco2e_yr", "mvnd_yr", "kvnd_per_t", "cumulative_t"):
        t.add_column(say(f"col.{c}"), justify="left" if c in ("tenant", "measure") else "right")
    for c in r["cost_curve"]:
        t.add_row(
            c["tenant_id"], lbl("measure", c["measure"]), num(c['abatement_tco2e'], 1),
            num(c['annualised_cost_vnd'] / 1e6, 1), num(c['cost_vnd_per_tco2e'] / 1e3),
            num(c['cumulative_abatement_tco2e']),
        )  # fmt: skip
    console.print(t)
    rm = r["roadmap"]
    y = Table(
        title=say("plan.roadmap", status=say(f"status.{rm['status']}"), cost=num(rm["discounted_cost_vnd"] / 1e9, 1))
    )
    for c in ("year", "bau", "planned", "cap", "starting"):
        y.add_column(say(f"col.{c}"), justify="right")
    for yr in rm["years"]:
        starting = [f"{a['tenant_id']}:{a['measure']}" for a in rm["adoptions"] if a["start_year"] == yr["year"]]
        cap = "" if yr["cap_tco2e"] is None else num(yr["cap_tco2e"])
        y.add_row(str(yr["year"]), num(yr["bau_tco2e"]), num(yr["planned_tco2e"]), cap, str(len(starting)))
    console.print(y)
    for n in [*r.get("notes", []), *rm["notes"]]:
        console.print(f"[yellow]{say('note')}:[/] {note(n)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``energy`` and ``plan`` to the app."""

    @app.command("energy")
    @guarded
    def energy_cmd(
        park: ParkRef,
        year: Year = None,
        store: StoreUrl = None,
        as_json: AsJson = False,
        lang: Lang = "en",
    ) -> None:
        """Load analytics, monthly baselines and energy-intensity benchmarks per tenant."""
        use_lang(lang)
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
        lang: Lang = "en",
    ) -> None:
        """A tenant's verified electricity savings (IPMVP Option C, ASHRAE Guideline 14) against a baseline year."""
        use_lang(lang)
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
        lang: Lang = "en",
    ) -> None:
        """Candidate measures, marginal abatement cost curve and least-cost roadmap to the park's targets."""
        use_lang(lang)
        with park_year(park, year, store, quiet=as_json) as py:
            inv = runs.inventory_for(py)
            solar = None if no_solar or not py.data.roofs else runs.solar_for(py, dt.date.today())
            result = runs.plan_for(py, inv, solar, grid)
        if as_json:
            print_json(result)
        else:
            _print_plan(result)


def _print_savings(r: Any) -> None:
    head = say("savings.head", reporting=r.reporting_year, baseline=r.baseline_year)
    console.print(f"[bold]{say('savings.title', tenant=r.tenant_id)}[/]: {head}")
    t = Table(show_header=False)
    t.add_column(say("col.item"))
    t.add_column(say("col.value"), justify="right")
    b = r.baseline
    if b is not None:
        t.add_row(say("savings.months"), str(b.n))
        t.add_row("R2", "-" if b.r2 is None else num(b.r2, 3))
        t.add_row("CV(RMSE)", "-" if b.cvrmse is None else pct(b.cvrmse, 1))
        t.add_row("NMBE", "-" if b.nmbe is None else pct(b.nmbe, 2))
    sv = r.savings
    if sv is not None:
        t.add_row(say("savings.adjusted"), num(sv.adjusted_baseline_kwh))
        t.add_row(say("savings.actual"), num(sv.actual_kwh))
        t.add_row(say("savings.avoided"), num(sv.avoided_kwh))
        t.add_row(
            say("savings.uncertainty", level=pct(sv.confidence_level, 0)),
            say("savings.uncertainty_value", kwh=num(sv.uncertainty_kwh), fsu=pct(sv.fractional_savings_uncertainty)),
        )
    console.print(t)
    if r.verified:
        console.print(f"[green]{say('savings.verified')}[/]")
    else:
        console.print(f"[yellow]{say('savings.not_verified')}[/] ({r.refused_by}): {note(r.message)}")
