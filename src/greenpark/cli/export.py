"""``greenpark export PARK --parquet DIR``: a park's readings as Parquet partitioned by park and month."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from greenpark.cli.common import AsJson, ParkRef, StoreUrl, console, guarded, num, opened_park, print_json
from greenpark.store.parquet import export_readings, park_folder


def register(app: typer.Typer) -> None:
    """Add ``export`` to the app."""

    @app.command("export")
    @guarded
    def export_cmd(
        park: ParkRef,
        parquet: Annotated[
            Path, typer.Option("--parquet", help="Dataset folder: writes DIR/park_id=<id>/month=<YYYY-MM>/*.parquet.")
        ],
        store: StoreUrl = None,
        as_json: AsJson = False,
    ) -> None:
        """Write the park's stored readings as Parquet partitioned by park and local month (DuckDB COPY)."""
        with opened_park(park, store) as (data, opened):
            written = export_readings(opened, data.park.park_id, parquet)
        if as_json:
            print_json({"park_id": data.park.park_id, "folder": str(parquet), "rows_by_month": written})
            return
        console.print(
            f"{num(sum(written.values()))} readings of park {data.park.park_id} in {len(written)} months written to "
            f"{park_folder(parquet, data.park.park_id)}"
        )
