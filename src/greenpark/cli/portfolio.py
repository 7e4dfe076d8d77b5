"""``greenpark portfolio PARKS... --year Y``: every park's main job, on Dask distributed, and the parks side by side."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from greenpark.cli.common import StoreUrl, console, err_console, guarded, num, parse_date, pct, print_json
from greenpark.errors import NoDataError
from greenpark.i18n import check_lang
from greenpark.portfolio import side_by_side
from greenpark.portfolio.cluster import PortfolioJob, local_workers, run_on_cluster, run_sequential
from greenpark.report.portfolio import write_portfolio


def register(app: typer.Typer) -> None:
    """Add ``portfolio`` to the app."""

    @app.command("portfolio")
    @guarded
    def portfolio_cmd(
        parks: Annotated[list[str], typer.Argument(help="Park folders, .xlsx workbooks or park ids in the store.")],
        year: Annotated[int | None, typer.Option("--year", help="Year (default: each park's latest complete).")] = None,
        out: Annotated[
            Path | None, typer.Option("--out", help="Report folder (default portfolio-<year>); parks' reports inside.")
        ] = None,
        scheduler: Annotated[
            str | None,
            typer.Option("--scheduler", help="Dask scheduler address (tcp://host:8786); default a LocalCluster."),
        ] = None,
        workers: Annotated[
            int | None, typer.Option("--workers", min=1, help="LocalCluster workers (default one per core).")
        ] = None,
        sequential: Annotated[
            bool, typer.Option("--sequential", help="No cluster: the parks one after another in this process.")
        ] = False,
        lang: Annotated[str, typer.Option("--lang", help="Language of each park's own report: vi, en or ja.")] = "en",
        gwp: Annotated[str, typer.Option("--gwp", help="GWP set: AR5 (default), AR6 or AR4.")] = "AR5",
        on: Annotated[
            str | None, typer.Option("--on", help="Study date YYYY-MM-DD for tariffs (default today).")
        ] = None,
        no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Skip the PDFs.")] = False,
        store: StoreUrl = None,
        parquet: Annotated[
            Path | None,
            typer.Option(
                "--parquet",
                help="Read every park's readings from this Parquet dataset ('greenpark export PARK --parquet DIR'); "
                "with --scheduler it must be reachable from every worker at the same path.",
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the side-by-side view as JSON.")] = False,
    ) -> None:
        """Assess every park (tasks on Dask distributed) and write the side-by-side report (vi/en/ja), JSON, CSV."""
        check_lang(lang)
        folder = out or Path(f"portfolio-{year or 'latest'}")
        job = PortfolioJob(
            year=year,
            store_url=store,
            gwp=gwp,
            study_date=parse_date(on, "--on") if on else None,
            report_dir=str(folder.resolve()),
            lang=lang,
            pdf=not no_pdf,
            readings_dir=None if parquet is None else str(parquet.resolve()),
        )
        t0 = time.perf_counter()
        if sequential:
            outcomes = run_sequential(parks, job)
        else:
            where = scheduler or f"a LocalCluster of {workers or local_workers()} workers"
            err_console.print(f"{len(parks)} parks on {where}", highlight=False)
            outcomes = run_on_cluster(parks, job, scheduler=scheduler, n_workers=workers)
        view = side_by_side(outcomes)
        paths = write_portfolio(view, folder, pdf=not no_pdf)
        if as_json:
            print_json(view)
        else:
            _summary(view, folder, time.perf_counter() - t0)
        for f in view["failed"]:
            err_console.print(f"[bold red]park {f['park']} failed:[/] {f['reason']}", highlight=False, soft_wrap=True)
        if not view["parks"]:
            raise NoDataError(f"no park could be assessed ({len(view['failed'])} failed; reasons above)")
        if view["failed"]:
            err_console.print(
                f"{len(view['failed'])} of {len(parks)} parks failed; the others are in {paths['json']}",
                highlight=False,
            )
            raise typer.Exit(3)


def _summary(view: dict, folder: Path, seconds: float) -> None:
    """One line per park: emissions, coverage, intensities, recovery; then the totals and where the files are."""
    table = Table(title=f"{len(view['parks'])} parks side by side · {', '.join(map(str, view['year']))}")
    for col in ("park", "tCO2e", "coverage", "tCO2e/ha", "tCO2e/GWh", "renewable", "kWh/m3", "recovery"):
        table.add_column(col, justify="left" if col == "park" else "right")
    for r in view["parks"]:
        table.add_row(
            r["park_id"],
            num(r["total_tco2e"]),
            pct(r["coverage"]),
            num(r["tco2e_per_ha"], 1),
            num(r["tco2e_per_gwh"], 1),
            pct(r["renewable_share"]),
            num(r["wwtp_kwh_per_m3"], 2),
            pct(r["waste_recovery_rate"]),
        )
    tot = view["totals"]
    table.add_row(
        "total",
        num(tot["total_tco2e"]),
        "",
        num(tot["tco2e_per_ha"], 1),
        num(tot["tco2e_per_gwh"], 1),
        pct(tot["renewable_share"]),
        "",
        pct(tot["waste_recovery_rate"]),
    )
    console.print(table)
    console.print(
        f"Decree 06 tenants: {tot['decree06_tenants']}; outliers: {len(view['outliers'])}. "
        f"Report: {folder}/portfolio.{{vi,en,ja}}.html, portfolio.json, portfolio.csv ({num(seconds, 1)} s)"
    )
