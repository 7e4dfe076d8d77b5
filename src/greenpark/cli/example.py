"""``greenpark example DIR``: write the realistic, deterministic example park."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from greenpark.cli.common import console, guarded, num, print_json, setup_logging
from greenpark.example import STEPS, write_example_park


def register(app: typer.Typer) -> None:
    """Add the ``example`` command to the app."""
    app.command("example")(example)


@guarded
def example(
    folder: Path = typer.Argument(..., help="Folder to write the park into (created; must be empty)."),
    seed: int = typer.Option(2024, "--seed", help="Seed of every random draw: same seed, same bytes."),
    year: int = typer.Option(2024, "--year", help="Calendar year of the data."),
    tenants: int = typer.Option(48, "--tenants", min=9, help="Number of tenants (at least 9: one per profile)."),
    force: bool = typer.Option(False, "--force", help="Overwrite the park files in a non-empty folder."),
    json_out: bool = typer.Option(False, "--json", help="Print the metadata (the generator's truth) as JSON."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what is written."),
) -> None:
    """Write a realistic example park (Long Thanh, Dong Nai; one year of data) in the park-folder format."""
    setup_logging(verbose)
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
