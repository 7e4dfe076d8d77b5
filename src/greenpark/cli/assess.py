"""``greenpark assess``: the main job. Runs every engine over a park for a year and writes the report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from greenpark.assess import STAGES, assess, failed_stages
from greenpark.cli.common import ParkRef, StoreUrl, console, err_console, guarded, num, parse_date, pct, print_json
from greenpark.finance import exchange_rate
from greenpark.i18n import check_lang
from greenpark.io.quality import DataQuality
from greenpark.report import write_report


def _summary(a: dict, out: dict[str, Path], seconds: float) -> None:
    """One screen: totals by scope, renewable share now and potential, WWTP, waste, stages."""
    table = Table(title=f"{a['park']['name']} · {a['meta']['year']}", show_header=False)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    inv, solar, water, waste = (a.get(k) for k in ("inventory", "solar", "water", "waste"))
    if inv:
        table.add_row(
            "Total tCO2e (location / market)", f"{num(inv['total_tco2e'])} / {num(inv['total_market_tco2e'])}"
        )
        table.add_row(
            "  Scope 1 / 2 (location) / 3",
            f"{num(inv['scope1_tco2e'])} / {num(inv['scope2_location_tco2e'])} / {num(inv['scope3_tco2e'])}",
        )
        table.add_row("Renewable share now", pct(inv["renewable_share"]))
        required = [t["tenant_id"] for t in inv["tenants"] if t["decree06_inventory_required"]]
        table.add_row("Decree 06 inventory required", ", ".join(required) or "none")
    if solar:
        p = solar["portfolio"]
        table.add_row("Rooftop PV potential", f"{num(p['total_pv_kwp'])} kWp → {pct(p['renewable_share'])} renewable")
    if water:
        for w in water["wwtps"]:
            table.add_row(
                f"WWTP {w['wwtp_id']} compliance",
                f"{pct(w['compliance_rate'], 2)}, {len(w['exceedances'])} exceedance events",
            )
    if waste:
        table.add_row("Waste recovery rate", f"{pct(waste['recovery_rate'])} of {num(waste['total_t'])} t")
    plan = a.get("plan")
    if plan and plan.get("cost_curve"):
        top = ", ".join(f"{m['tenant_id']} {m['measure']}" for m in plan.get("top_measures", [])[:3])
        table.add_row("Top measures", top)
    for name, s in a["stages"].items():
        if s["status"] != "ok":
            table.add_row(f"[yellow]{name}[/]", f"{s['status']}: {s['note'][:70]}")
    console.print(table)
    console.print(f"Report: {out['html']}" + (f" and {out['pdf']}" if "pdf" in out else "") + f" ({num(seconds, 1)} s)")


def register(app: typer.Typer) -> None:
    """Add ``assess`` to the app."""

    @app.command("assess")
    @guarded
    def assess_cmd(
        park: ParkRef,
        year: Annotated[int | None, typer.Option("--year", help="Year (default: latest complete year).")] = None,
        out: Annotated[Path | None, typer.Option("--out", help="Report folder (default <park>-<year>).")] = None,
        lang: Annotated[str, typer.Option("--lang", help="Report language: vi, en or ja.")] = "en",
        currency2: Annotated[
            str | None,
            typer.Option(
                "--currency2",
                help="Also show money in JPY or USD, at the dated, sourced rate of finance/exchange_rates.csv "
                "(stated on page 1 and in the appendix).",
            ),
        ] = None,
        gwp: Annotated[str, typer.Option("--gwp", help="GWP set: AR5 (default), AR6 or AR4.")] = "AR5",
        on: Annotated[
            str | None, typer.Option("--on", help="Study date YYYY-MM-DD for tariffs (default today).")
        ] = None,
        no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Skip the PDF.")] = False,
        store: StoreUrl = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the assessment JSON instead of the summary.")
        ] = False,
    ) -> None:
        """The main job: inventory, solar, water, waste, energy and plan for a year; writes the report."""
        check_lang(lang)
        if currency2 is not None:
            exchange_rate(currency2)  # an unknown currency fails here, before the engines run
        study = parse_date(on, "--on") if on else None
        t0 = time.perf_counter()
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=as_json,
        ) as bar:
            task = bar.add_task("assess", total=len(STAGES) + 1)

            def progress(stage: str, state: str) -> None:
                if state == "start":
                    bar.update(task, description=f"{stage} …")
                else:
                    bar.advance(task)

            result = assess(park, year=year, store_url=store, gwp=gwp, study_date=study, progress=progress)
            a = result.to_json()
            folder = out or Path(f"{a['meta']['park_id']}-{a['meta']['year']}")
            bar.update(task, description="report …")
            paths = write_report(a, folder, lang=lang, pdf=not no_pdf, currency2=currency2)
            bar.advance(task)
        banner = DataQuality(**a["meta"]["data_quality"]).banner(park)
        if banner:
            err_console.print(f"[yellow]{banner}[/]", highlight=False, soft_wrap=True)
        if as_json:
            print_json(a)
        else:
            _summary(a, paths, time.perf_counter() - t0)
        failed = failed_stages(result)
        if failed:
            for name, reason in failed.items():
                err_console.print(f"[bold red]stage {name} failed:[/] {reason}", highlight=False, soft_wrap=True)
            err_console.print(f"completed with failed stages ({', '.join(failed)}); the report says so on page 1")
            raise typer.Exit(3)
