"""``greenpark assess``: the main job. Runs every engine over a park for a year and writes the report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from greenpark.assess import STAGES, assess, failed_stages
from greenpark.cli.common import (
    LANG_ENV,
    ParkRef,
    StoreUrl,
    console,
    current_lang,
    err_console,
    guarded,
    lbl,
    note,
    num,
    parse_date,
    pct,
    print_json,
    quality_banner,
    say,
    use_lang,
)
from greenpark.finance import exchange_rate
from greenpark.i18n import translator
from greenpark.io.quality import DataQuality
from greenpark.report import write_report


def _summary(a: dict, out: dict[str, Path], seconds: float) -> None:
    """One screen: totals by scope, renewable share now and potential, WWTP, waste, stages."""
    table = Table(title=say("assess.title", park=a["park"]["name"], year=a["meta"]["year"]), show_header=False)
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    inv, solar, water, waste = (a.get(k) for k in ("inventory", "solar", "water", "waste"))
    if inv:
        table.add_row(say("assess.total"), f"{num(inv['total_tco2e'])} / {num(inv['total_market_tco2e'])}")
        table.add_row(
            "  " + say("assess.scopes"),
            f"{num(inv['scope1_tco2e'])} / {num(inv['scope2_location_tco2e'])} / {num(inv['scope3_tco2e'])}",
        )
        table.add_row(say("assess.renewable"), pct(inv["renewable_share"]))
        required = [t["tenant_id"] for t in inv["tenants"] if t["decree06_inventory_required"]]
        table.add_row(say("assess.decree06"), ", ".join(required) or say("none"))
    if solar:
        p = solar["portfolio"]
        table.add_row(
            say("assess.pv"), say("assess.pv_value", kwp=num(p["total_pv_kwp"]), share=pct(p["renewable_share"]))
        )
    if water:
        for w in water["wwtps"]:
            table.add_row(
                say("assess.wwtp", wwtp=w["wwtp_id"]),
                say("assess.wwtp_value", rate=pct(w["compliance_rate"], 2), n=len(w["exceedances"])),
            )
    if waste:
        table.add_row(
            say("assess.waste"), say("assess.waste_value", rate=pct(waste["recovery_rate"]), t=num(waste["total_t"]))
        )
    plan = a.get("plan")
    if plan and plan.get("cost_curve"):
        top = ", ".join(f"{m['tenant_id']} {lbl('measure', m['measure'])}" for m in plan.get("top_measures", [])[:3])
        table.add_row(say("assess.top"), top)
    for name, s in a["stages"].items():
        if s["status"] != "ok":
            status = translator(current_lang())(f"status.{s['status']}")
            table.add_row(f"[yellow]{name}[/]", f"{status}: {note(s['note'])[:70]}")
    console.print(table)
    files = str(out["html"]) + (say("and", path=out["pdf"]) if "pdf" in out else "")
    console.print(say("assess.report", files=files, seconds=num(seconds, 1)))


def register(app: typer.Typer) -> None:
    """Add ``assess`` to the app."""

    @app.command("assess")
    @guarded
    def assess_cmd(
        park: ParkRef,
        year: Annotated[int | None, typer.Option("--year", help="Year (default: latest complete year).")] = None,
        out: Annotated[Path | None, typer.Option("--out", help="Report folder (default <park>-<year>).")] = None,
        lang: Annotated[
            str,
            typer.Option(
                "--lang",
                envvar=LANG_ENV,
                help="Language of the report and the summary: vi, en or ja (default GREENPARK_LANG, else en).",
            ),
        ] = "en",
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
        parquet: Annotated[
            Path | None,
            typer.Option(
                "--parquet",
                help="Read the meter readings from this Parquet dataset (written by 'greenpark export --parquet') "
                "instead of the store; the park's records still come from the folder or store.",
            ),
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the assessment JSON instead of the summary.")
        ] = False,
    ) -> None:
        """The main job: inventory, solar, water, waste, energy and plan for a year; writes the report."""
        use_lang(lang)
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

            result = assess(
                park,
                year=year,
                store_url=store,
                gwp=gwp,
                study_date=study,
                progress=progress,
                readings_dir=None if parquet is None else str(parquet),
            )
            a = result.to_json()
            folder = out or Path(f"{a['meta']['park_id']}-{a['meta']['year']}")
            bar.update(task, description=say("assess.writing"))
            paths = write_report(a, folder, lang=lang, pdf=not no_pdf, currency2=currency2)
            bar.advance(task)
        banner = quality_banner(DataQuality(**a["meta"]["data_quality"]), park)
        if banner:
            err_console.print(f"[yellow]{banner}[/]", highlight=False, soft_wrap=True)
        if as_json:
            print_json(a)
        else:
            _summary(a, paths, time.perf_counter() - t0)
        failed = failed_stages(result)
        if failed:
            for name, reason in failed.items():
                err_console.print(
                    f"[bold red]{say('assess.stage_failed', stage=name)}:[/] {note(reason)}",
                    highlight=False,
                    soft_wrap=True,
                )
            err_console.print(say("assess.failed", stages=", ".join(failed)))
            raise typer.Exit(3)
