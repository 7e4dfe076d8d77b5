"""CLI: ``greenpark inventory PARK --year YYYY``: the park's GHG inventory as a table or JSON."""

from __future__ import annotations

import logging
from pathlib import Path
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
    parse_date,
    pct,
    print_json,
    say,
    use_lang,
)
from greenpark.errors import InputError

log = logging.getLogger(__name__)


def inventory_json(result: Any) -> dict[str, Any]:
    """The stable JSON form of an InventoryResult (names the report and the API render)."""
    d = result.model_dump(mode="json")
    return d


def _fmt(x: float) -> str:
    return num(x, 1)


def _print_table(r: Any) -> None:
    head = Table(title=say("inventory.title", park=r.park_id, year=r.year, gwp=r.gwp))
    head.add_column(say("col.item"))
    head.add_column("tCO2e", justify="right")
    for key, v in (
        ("scope1", r.scope1_tco2e),
        ("combustion", r.scope1_combustion_tco2e),
        ("refrigerant", r.scope1_refrigerant_tco2e),
        ("wastewater", r.scope1_wastewater_tco2e),
        ("scope2_location", r.scope2_location_tco2e),
        ("scope2_market", r.scope2_market_tco2e),
        ("scope3", r.scope3_tco2e),
        ("total", r.total_tco2e),
        ("biogenic", r.biogenic_co2_t),
        ("montreal", r.montreal_gases_tco2e),
        ("avoided", r.scope3_avoided_tco2e),
    ):
        indent = "  " if key in ("combustion", "refrigerant", "wastewater") else ""
        head.add_row(indent + say(f"inventory.{key}"), _fmt(v))
    console.print(head)
    t = Table(title=say("inventory.by_tenant"))
    for c in ("tenant", "s1", "s2_loc", "s2_mkt", "s3", "toe", "coverage", "full_year", "decree06"):
        t.add_column(say(f"col.{c}"), justify="left" if c == "tenant" else "right")
    for x in [*sorted(r.tenants, key=lambda x: -x.total_tco2e), r.park_common]:
        status = lbl("decree06", x.decree06_status) if x.tenant_id else ""
        t.add_row(
            x.tenant_id or say("park_common"),
            _fmt(x.scope1_tco2e),
            _fmt(x.scope2_location_tco2e),
            _fmt(x.scope2_market_tco2e),
            _fmt(x.scope3_tco2e),
            _fmt(x.energy_toe),
            say("not_measured") if x.coverage is None else f"{pct(x.coverage)} {lbl('coverage', x.coverage_status)}",
            "" if x.full_year_estimate_tco2e is None else say("estimate", n=_fmt(x.full_year_estimate_tco2e)),
            f"[bold]{status}[/]" if x.decree06_status == "required" else status,
        )
    console.print(t)
    f = Table(title=say("inventory.factors"))
    for c in ("name", "value", "unit", "source", "flags"):
        f.add_column(say(f"col.{c}"), overflow="fold")
    for x in r.factors:
        f.add_row(x.name, f"{x.value:g}", x.unit, x.source, "; ".join(lbl("flag", fl) for fl in x.flags))
    console.print(f)
    cal = r.decree06_calendar
    report = (
        say("decree06.report_due", covers=cal.inventory_report_covers, due=cal.inventory_report_due)
        if cal.inventory_report_due
        else say("decree06.no_report")
    )
    due = cal.activity_data_due or say("decree06.not_required_year")
    console.print(say("decree06.calendar", year=r.year, due=due, report=report))
    for n in r.notes:
        console.print(f"[yellow]{say('note')}:[/] {note(n)}")


def register(app: typer.Typer) -> None:
    """Add ``inventory`` to the app."""

    @app.command("inventory")
    @guarded
    def inventory_cmd(
        park: ParkRef,
        year: Year = None,
        gwp: Annotated[str, typer.Option("--gwp", help="GWP set: AR5 (default), AR6 or AR4.")] = "AR5",
        strict_factors: Annotated[
            bool,
            typer.Option("--strict-factors", help="Fail if the year has no published grid factor (no fallback)."),
        ] = False,
        store: StoreUrl = None,
        factors: Annotated[
            list[Path] | None,
            typer.Option(
                "--factors",
                help="User reference folder (ghg/<table>.csv rows: facility-specific or Decision 2626 factors "
                "win over IPCC defaults). Repeatable.",
            ),
        ] = None,
        decree06: Annotated[
            bool,
            typer.Option(
                "--decree06",
                help="The inventory a tenant submits under Decree 06/2022: Scope 2 on the latest grid factor the "
                "DCC had announced at --submitted (a study value is not used); the note says which.",
            ),
        ] = False,
        submitted: Annotated[
            str | None,
            typer.Option("--submitted", help="Submission date YYYY-MM-DD for --decree06 (default: all announcements)."),
        ] = None,
        as_json: AsJson = False,
        lang: Lang = "en",
    ) -> None:
        """GHG inventory by scope, tenant and month, with the Decree 06 duty check."""
        use_lang(lang)
        submission = parse_date(submitted, "--submitted") if submitted else None
        if submission is not None and not decree06:
            raise InputError("--submitted applies to --decree06 only; add --decree06")
        with park_year(park, year, store, quiet=as_json) as py:
            result = runs.inventory_for(
                py, gwp, strict_factors, tuple(factors or ()), "decree06" if decree06 else "default", submission
            )
        if as_json:
            print_json(inventory_json(result))
        else:
            _print_table(result)
