"""CLI: ``greenpark solar PARK [--weather FILE] [--json]``: roof potential and PV + battery sizing per tenant."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.table import Table

from greenpark import runs
from greenpark.cli.common import (
    AsJson,
    ParkRef,
    StoreUrl,
    console,
    guarded,
    num,
    park_year,
    parse_date,
    pct,
    print_json,
)


def solar_json(result: Any) -> dict[str, Any]:
    """The stable JSON form of a ParkSolarResult (roofs, tenants, portfolio, assumptions, notes)."""
    return result.model_dump(mode="json")


def _print(r: Any) -> None:
    p = r.portfolio
    w = r.assumptions["weather"]
    if r.estimate:
        console.print(f"[bold yellow]{w['source']}[/]")
        console.print(f"  for a bankable study use {w['bankable_data_source']}")
    else:
        console.print(f"weather: {w['source']}")
    for rep in w.get("repairs", []):
        console.print(f"[yellow]weather repair:[/] {rep}")
    ys = [x.specific_yield_kwh_per_kwp for x in r.roofs]
    if ys:
        console.print(
            f"{len(r.roofs)} roofs, {num(sum(x.kwp for x in r.roofs))} kWp possible, specific yield "
            f"{num(min(ys))}-{num(max(ys))} kWh/kWp/yr"
        )
    t = Table(title=f"Rooftop PV + battery per tenant, {r.park_id}, load year {r.year} (sorted by NPV)")
    for c in ("tenant", "kWp", "roof kWp", "bat kWh", "bat kW", "self-cons.", "self-suff.", "savings M VND/yr",
              "NPV M VND", "payback yr", "NPV PV-only", "tCO2e/yr"):  # fmt: skip
        t.add_column(c, justify="left" if c == "tenant" else "right")
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
        f"Portfolio: {num(p.total_pv_kwp)} kWp PV, {num(p.total_battery_kwh)} kWh battery, "
        f"{num(p.total_generation_kwh / 1e6, 2)} GWh/yr, renewable share {pct(p.renewable_share)} of tenants' "
        f"{num(p.park_consumption_kwh / 1e6, 1)} GWh, avoided {num(p.total_avoided_tco2e)} tCO2e/yr, capex "
        f"{num(p.total_capex_vnd / 1e9, 1)} bn VND, NPV {num(p.total_npv_vnd / 1e9, 1)} bn VND"
    )
    a = r.assumptions
    console.print(
        f"rules on {a['study_date']}: surplus {a['surplus_rule']['rule']}, VAT {pct(a['vat']['value'], 0)}, "
        f"region {a['price_region']}; money VND excl. VAT, real terms"
    )
    for n in r.notes:
        console.print(f"[yellow]note:[/] {n}")


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
        year: Annotated[
            int | None, typer.Option("--year", help="Load year (default: latest with all 12 months).")
        ] = None,
        on: Annotated[
            str | None, typer.Option("--on", help="Study date YYYY-MM-DD for tariffs and rules (default today).")
        ] = None,
        workers: Annotated[int, typer.Option("--workers", help="Processes for the per-tenant LPs.")] = 2,
        store: StoreUrl = None,
        as_json: AsJson = False,
    ) -> None:
        """Roof PV potential and the PV + battery size that maximises each tenant's NPV."""
        study = parse_date(on, "--on") if on else dt.date.today()
        with park_year(park, year, store, quiet=as_json) as py:
            result = runs.solar_for(py, study, workers, weather)
        if as_json:
            print_json(solar_json(result))
        else:
            _print(result)
