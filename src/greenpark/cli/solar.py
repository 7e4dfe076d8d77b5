"""CLI: ``greenpark solar PARK [--weather FILE] [--json]``: roof potential and PV + battery sizing per tenant."""

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
    current_lang,
    guarded,
    lbl,
    note,
    num,
    park_year,
    parse_date,
    pct,
    print_json,
    say,
    use_lang,
)
from greenpark.i18n import format_date


def solar_json(result: Any) -> dict[str, Any]:
    """The stable JSON form of a ParkSolarResult (roofs, tenants, portfolio, assumptions, notes)."""
    return result.model_dump(mode="json")


def _print(r: Any) -> None:
    p = r.portfolio
    w = r.assumptions["weather"]
    if r.estimate:
        console.print(f"[bold yellow]{note(w['source'])}[/]")
        console.print("  " + say("solar.bankable", source=w["bankable_data_source"]))
    else:
        console.print(say("solar.weather", source=note(w["source"])))
    for rep in w.get("repairs", []):
        console.print(f"[yellow]{say('solar.repair')}:[/] {note(rep)}")
    ys = [x.specific_yield_kwh_per_kwp for x in r.roofs]
    if ys:
        console.print(
            say(
                "solar.roofs", n=len(r.roofs), kwp=num(sum(x.kwp for x in r.roofs)), low=num(min(ys)), high=num(max(ys))
            )
        )
    t = Table(title=say("solar.title", park=r.park_id, year=r.year))
    for c in ("tenant", "kwp", "roof_kwp", "bat_kwh", "bat_kw", "self_cons", "self_suff", "savings_mvnd_yr",
              "npv_mvnd", "payback_yr", "npv_pv_only", "tco2e_yr"):  # fmt: skip
        t.add_column(say(f"col.{c}"), justify="left" if c == "tenant" else "right")
    for x in r.tenants:
        t.add_row(
            x.tenant_id,
            num(x.pv_kwp),
            num(x.optimum.pv_max_kwp),
            num(x.battery_kwh),
            num(x.battery_kw),
            pct(x.self_consumption, 0),
            pct(x.self_sufficiency, 0),
            num(x.annual_savings_vnd / 1e6),
            num(x.npv_vnd / 1e6),
            "-" if x.payback_years is None else num(x.payback_years, 1),
            num(x.no_battery.npv_vnd / 1e6),
            num(x.avoided_tco2e),
        )
    console.print(t)
    console.print(
        say(
            "solar.portfolio", kwp=num(p.total_pv_kwp), kwh=num(p.total_battery_kwh),
            gwh=num(p.total_generation_kwh / 1e6, 2), share=pct(p.renewable_share),
            consumption=num(p.park_consumption_kwh / 1e6, 1), avoided=num(p.total_avoided_tco2e),
            capex=num(p.total_capex_vnd / 1e9, 1), npv=num(p.total_npv_vnd / 1e9, 1),
        )
    )  # fmt: skip
    a = r.assumptions
    console.print(
        say(
            "solar.rules", date=format_date(a["study_date"], current_lang()),
            rule=lbl("surplus_rule", a["surplus_rule"]["rule"]), vat=pct(a["vat"]["value"], 0),
            region=a["price_region"],
        )
    )  # fmt: skip
    for n in r.notes:
        console.print(f"[yellow]{say('note')}:[/] {note(n)}")


def register(app: typer.Typer) -> None:
    """Add ``solar`` to the app."""

    @app.command("solar")
    @guarded
    def solar_cmd(
        park: ParkRef,
        weather: Annotated[
            str | None,
            typer.Option("--weather", help="Weather file: EPW, PVGIS TMY (json/csv), TMY3 or CSV (ghi, temp_air...)."),
        ] = None,
        year: Year = None,
        on: Annotated[
            str | None, typer.Option("--on", help="Study date YYYY-MM-DD for tariffs and rules (default today).")
        ] = None,
        workers: Annotated[int, typer.Option("--workers", help="Processes for the per-tenant LPs.")] = 2,
        store: StoreUrl = None,
        as_json: AsJson = False,
        lang: Lang = "en",
    ) -> None:
        """Roof PV potential and the PV + battery size that maximises each tenant's NPV."""
        use_lang(lang)
        study = parse_date(on, "--on") if on else dt.date.today()
        with park_year(park, year, store, quiet=as_json) as py:
            result = runs.solar_for(py, study, workers, weather)
        if as_json:
            print_json(solar_json(result))
        else:
            _print(result)
