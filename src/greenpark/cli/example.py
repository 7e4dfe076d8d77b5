"""``greenpark example DIR``: write the realistic, deterministic example park."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from greenpark.cli.common import console, guarded, num, print_json, setup_logging
from greenpark.errors import InputError
from greenpark.example import STEPS, write_example_park
from greenpark.example.province import write_province


def register(app: typer.Typer) -> None:
    """Add the ``example`` command to the app."""
    app.command("example")(example)


@guarded
def example(
    folder: Path | None = typer.Argument(None, help="Folder to write the park into (created; must be empty)."),
    seed: int = typer.Option(2024, "--seed", help="Seed of every random draw: same seed, same bytes."),
    year: int = typer.Option(2024, "--year", help="Calendar year of the data."),
    tenants: int = typer.Option(48, "--tenants", min=9, help="Number of tenants (at least 9: one per profile)."),
    force: bool = typer.Option(False, "--force", help="Overwrite the park files in a non-empty folder."),
    json_out: bool = typer.Option(False, "--json", help="Print the metadata (the generator's truth) as JSON."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what is written."),
    province: Path | None = typer.Option(
        None, "--province", help="Write a generated province instead: one folder per park in this folder."
    ),
    parks: int = typer.Option(32, "--parks", min=1, help="Parks of the generated province (with --province)."),
) -> None:
    """Write a realistic example park (Long Thanh, Dong Nai; one year of data) in the park-folder format,
    or with --province DIR a province of N fictional parks of varied size, sector mix and maturity."""
    setup_logging(verbose)
    if province is not None:
        if folder is not None:
            raise InputError("give either a park FOLDER or --province DIR, not both")
        _province(province, parks, seed, year, force, json_out)
        return
    if folder is None:
        raise InputError("give the folder to write the example park into (or --province DIR for many parks)")
    if json_out:
        metadata = write_example_park(folder, seed=seed, year=year, n_tenants=tenants, force=force)
        print_json(metadata)
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("generating", total=len(STEPS))

        def step(name: str) -> None:
            bar.update(task, advance=1, description=name)

        metadata = write_example_park(folder, seed=seed, year=year, n_tenants=tenants, force=force, progress=step)
    counts, el = metadata["counts"], metadata["electricity"]
    table = Table(title=f"example park written to {folder}", show_header=True)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("tenants", f"{counts['tenants']} in {len(counts['sectors'])} sectors")
    table.add_row("roofs / meters", f"{counts['roofs']} / {counts['meters']}")
    table.add_row("readings rows", num(counts["readings_rows"]))
    table.add_row("tenant import (GWh)", num(el["tenants_import_kwh"] / 1e6, 2))
    table.add_row("rooftop PV (GWh)", num(el["pv_kwh"] / 1e6, 2))
    table.add_row("wastewater rows", num(counts["wastewater_rows"]))
    table.add_row("WWTP exceedance episodes", str(len(metadata["water"]["episodes"])))
    table.add_row("waste records / total (t)", f"{num(counts['waste_rows'])} / {num(metadata['waste']['total_t'], 1)}")
    table.add_row("deliberate faults", str(len(metadata["faults"])))
    console.print(table)
    console.print(f"truth for tests: {folder / 'metadata.json'}; next: greenpark check {folder}")


def _province(folder: Path, n_parks: int, seed: int, year: int, force: bool, json_out: bool) -> None:
    """``greenpark example --province DIR --parks N``: the parks, then a table of what was written."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=json_out,
    ) as bar:
        task = bar.add_task("generating parks", total=n_parks)
        index = write_province(
            folder, n_parks, seed=seed, year=year, force=force, progress=lambda pid: bar.advance(task)
        )
    if json_out:
        print_json(index)
        return
    table = Table(title=f"province of {n_parks} parks written to {folder}", show_header=True)
    for col in ("park", "archetype", "tenants", "area (ha)", "PV tenants", "from", "readings"):
        table.add_column(col, justify="left" if col in ("park", "archetype") else "right")
    for p in index["parks"]:
        table.add_row(
            p["park_id"],
            p["archetype"],
            str(p["tenants"]),
            num(p["area_ha"]),
            str(p["pv_tenants"]),
            (p["operating_from"] or "")[:10] or "Jan",
            num(p["readings_rows"]),
        )
    console.print(table)
    console.print(f"index: {folder / 'province.json'}; next: greenpark portfolio {folder}/* --year {year}")
