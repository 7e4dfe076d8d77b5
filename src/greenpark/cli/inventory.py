"""CLI: ``greenpark inventory PARK --year YYYY``: the park's GHG inventory as a table or JSON."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from greenpark import runs
from greenpark.cli.common import AsJson, ParkRef, StoreUrl, console, guarded, num, park_year, parse_date, print_json
from greenpark.errors import InputError

log = logging.getLogger(__name__)


def inventory_json(result: Any) -> dict[str, Any]:
    """The stable JSON form of an InventoryResult (names the report and the API render)."""
    d = result.model_dump(mode="json")
    return d


def _fmt(x: float) -> str:
    return num(x, 1)


def _print_table(r: Any) -> None:
    head = Table(title=f"GHG inventory {r.park_id} {r.year} (GWP {r.gwp}), tCO2e")
    head.add_column("item")
    head.add_column("tCO2e", justify="right")
    for label, v in (
        ("Scope 1", r.scope1_tco2e),
        ("  stationary combustion", r.scope1_combustion_tco2e),
        ("  refrigerant leaks", r.scope1_refrigerant_tco2e),
        ("  WWTP CH4 + N2O", r.scope1_wastewater_tco2e),
        ("Scope 2 location-based", r.scope2_location_tco2e),
        ("Scope 2 market-based", r.scope2_market_tco2e),
        ("Scope 3 cat.5 waste", r.scope3_tco2e),
        ("Total (S1 + S2 location + S3)", r.total_tco2e),
        ("memo: biogenic CO2 (t)", r.biogenic_co2_t),
        ("memo: HCFC leaks (Montreal gases)", r.montreal_gases_tco2e),
        ("memo: avoided by recycling", r.scope3_avoided_tco2e),
    ):
        head.add_row(label, _fmt(v))
    console.print(head)
    t = Table(
        title="By tenant, as measured (Decree 06 screen: >= 3,000 tCO2e/yr or >= 1,000 TOE/yr; the duty follows "
        "the Prime Minister's list)"
    )
    for c in ("tenant", "S1", "S2 loc", "S2 mkt", "S3", "TOE", "coverage", "full-year est. tCO2e", "Decree 06"):
        t.add_column(c, justify="left" if c == "tenant" else "right")
    words = {"required": "[bold]required[/]", "not_required": "not required", "insufficient_data": "insufficient data"}
    for x in [*sorted(r.tenants, key=lambda x: -x.total_tco2e), r.park_common]:
        t.add_row(
            x.tenant_id or "(park common)",
            _fmt(x.scope1_tco2e),
            _fmt(x.scope2_location_tco2e),
            _fmt(x.scope2_market_tco2e),
            _fmt(x.scope3_tco2e),
            _fmt(x.energy_toe),
            "not measured" if x.coverage is None else f"{x.coverage:.1%} {x.coverage_status}",
            "" if x.full_year_estimate_tco2e is None else f"ESTIMATE {_fmt(x.full_year_estimate_tco2e)}",
            words.get(x.decree06_status, x.decree06_status) if x.tenant_id else "",
        )
    console.print(t)
    f = Table(title="Factors used")
    for c in ("name", "value", "unit", "source", "flags"):
        f.add_column(c, overflow="fold")
    for x in r.factors:
        f.add_row(x.name, f"{x.value:g}", x.unit, x.source, ", ".join(x.flags))
    console.print(f)
    cal = r.decree06_calendar
    report = (
        f"facility inventory report (covers {cal.inventory_report_covers}) due {cal.inventory_report_due}"
        if cal.inventory_report_due
        else "no facility inventory report covers this year"
    )
    due = cal.activity_data_due or "not required for this year"
    console.print(f"Decree 06 calendar for {r.year}: activity data due {due}; {report}")
    for n in r.notes:
        console.print(f"[yellow]note:[/] {n}")


def register(app: typer.Typer) -> None:
    """Add ``inventory`` to the app."""

    @app.command("inventory")
    @guarded
    def inventory_cmd(
        park: ParkRef,
        year: Annotated[
            int | None, typer.Option("--year", help="Data year (default: the latest year with all 12 months).")
        ] = None,
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
    ) -> None:
        """GHG inventory by scope, tenant and month, with the Decree 06 duty check."""
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
