"""CLI: accept a held-out reading back into the results (it was real), recorded with who and when."""

from __future__ import annotations

from typing import Annotated

import typer

from greenpark.cli.common import AsJson, console, guarded, num, print_json
from greenpark.io.accept import accept_readings
from greenpark.io.importer import open_park
from greenpark.io.timestamps import local_series, local_text


def register(app: typer.Typer) -> None:
    """Add ``accept`` to the app."""

    @app.command("accept")
    @guarded
    def accept(
        park: Annotated[
            str, typer.Argument(help="Park folder/workbook (imported if changed) or a park id in --store.")
        ],
        meter: Annotated[str, typer.Option("--meter", help="Meter of the held-out reading.")],
        by: Annotated[str, typer.Option("--by", help="Who accepts it (recorded with the time).")],
        ts: Annotated[
            str | None,
            typer.Option(
                "--ts", help="Start of the held-out interval as 'greenpark check' lists it (park local time)."
            ),
        ] = None,
        all_for_meter: Annotated[
            bool, typer.Option("--all-for-meter", help="Accept every held-out reading of the meter.")
        ] = False,
        note: Annotated[str, typer.Option("--note", help="Why the reading is real.")] = "",
        store: Annotated[str | None, typer.Option("--store", help="Store URL (default as for import).")] = None,
        as_json: AsJson = False,
    ) -> None:
        """Accept held-out readings of a meter back into every result; nothing is deleted, the decision is kept."""
        data, st = open_park(park, store)
        try:
            rows = accept_readings(st, data.park.park_id, meter, ts, by, note=note, all_for_meter=all_for_meter)
        finally:
            st.close()
        zone = data.park.timezone
        if as_json:
            out = rows.assign(
                local_time=local_series(rows["ts"], zone), ts=rows["ts"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
            )
            print_json({"park_id": data.park.park_id, "accepted_by": by, "accepted": out.to_dict("records")})
            return
        for r in rows.itertuples(index=False):
            console.print(
                f"accepted back: meter {r.meter_id}, interval from {local_text(r.ts, zone)} "
                f"({zone}), {r.value:,.10g}; recorded as accepted by {by}",
                highlight=False,
            )
        console.print(
            f"{num(len(rows))} reading(s) of meter {meter} are back in the results of park {data.park.park_id}"
        )
