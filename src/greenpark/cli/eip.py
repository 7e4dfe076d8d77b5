"""CLI: ``greenpark eip PARK --year YYYY [--json] [--out DIR]``: the park against Decree 35/2022 Art. 37 and the
International EIP Framework v2.0, its eco-enterprises, the roadmap; ``--out`` writes ``eip.json`` and the
Vietnamese registration dossier draft (``dossier-eip-<park>-<year>.docx``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from greenpark import runs
from greenpark.cli.common import LANG, console, err_console, guarded, num, park_year, pct, print_json
from greenpark.eip import EipResult
from greenpark.errors import NoDataError
from greenpark.i18n import translator
from greenpark.report.dossier import write_dossier

_COLOUR = {"met": "green", "not_met": "red", "unknown": "yellow"}


def _fmt(v: Any, unit: str) -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    return pct(v) if unit == "fraction" else num(v, 2 if abs(v) < 10 and v != int(v) else 0)


def _print(r: EipResult) -> None:
    colour = {"eligible": "green", "not_eligible": "red", "unknown": "yellow"}[r.park_status]
    console.print(
        f"[bold]Eco-industrial park {r.park_id} {r.year}[/] (judged on {r.as_of}; compliance window after "
        f"{r.window_start}): Decree 35 Art. 37 [{colour}]{r.park_status}[/]"
        + (f" (not met: {', '.join(r.not_met)})" if r.not_met else "")
        + (f" (cannot be decided: {', '.join(r.unknown)})" if r.unknown else "")
    )
    t = Table(title="Criteria (Decree 35/2022 Art. 37; International EIP Framework v2.0)")
    for c in ("id", "requirement", "status", "value", "threshold", "basis", "conf.", "missing"):
        t.add_column(c, overflow="fold", justify="right" if c in ("value", "threshold") else "left")
    say = translator(LANG)
    for c in r.criteria:
        t.add_row(
            c.id,
            say(f"eip.criterion.{c.id}"),
            f"[{_COLOUR[c.status]}]{c.status}[/]",
            _fmt(c.value, c.unit),
            (c.comparator if c.comparator in (">=", "<=") else "") + _fmt(c.threshold, c.unit),
            c.basis,
            c.confidence,
            "; ".join(m.subject for m in c.missing),
        )
    console.print(t)
    counts = {s: sum(1 for e in r.eco_enterprises if e.status == s) for s in ("met", "not_met", "unknown")}
    console.print(
        f"Eco-enterprises: {counts['met']} met, {counts['not_met']} not met, {counts['unknown']} unknown "
        f"of {len(r.eco_enterprises)} tenants"
    )
    if r.roadmap:
        g = Table(title="Roadmap: what would meet each unmet criterion")
        for c in ("criterion", "step", "capex (M VND)", "annual (M VND/yr)", "months", "value after"):
            g.add_column(c, overflow="fold", justify="left" if c in ("criterion", "step") else "right")
        for a in r.roadmap:
            g.add_row(
                a.criterion_id,
                a.description,
                num(a.capex_vnd / 1e6, 0) if a.capex_vnd is not None else "–",
                num(a.annual_cost_vnd / 1e6, 0) if a.annual_cost_vnd is not None else "–",
                num(a.months, 0) if a.months is not None else "–",
                pct(a.effect) if a.effect is not None and a.effect <= 1 else "–",
            )
        console.print(g)
    for n in r.notes:
        console.print(f"[yellow]note:[/] {n}", highlight=False)


def write_outputs(result: EipResult, out: Path) -> list[Path]:
    """``eip.json`` and the Vietnamese dossier draft in ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "eip.json"
    path.write_text(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2), encoding="utf-8")
    docx = write_dossier(result.model_dump(mode="json"), out / f"dossier-eip-{result.park_id}-{result.year}.docx")
    return [path, docx]


def register(app: typer.Typer) -> None:
    """Add ``eip`` to the app."""

    @app.command("eip")
    @guarded
    def eip_cmd(
        park: Annotated[str, typer.Argument(help="Park folder, .xlsx workbook, or a park id in the store.")],
        year: Annotated[
            int | None, typer.Option("--year", help="Calendar year (default: latest with 12 months of readings).")
        ] = None,
        store: Annotated[str | None, typer.Option("--store", help="Store URL (default GREENPARK_STORE).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write eip.json and the Vietnamese dossier draft (DOCX) here.")
        ] = None,
        no_solar: Annotated[
            bool, typer.Option("--no-solar", help="Do not size rooftop PV (faster; the roadmap lists no PV step).")
        ] = False,
    ) -> None:
        """Eco-industrial park: Decree 35/2022 Art. 37 and EIP Framework v2.0 criteria, eco-enterprises, roadmap."""
        with park_year(park, year, store, quiet=as_json) as py:
            solar = None if no_solar or not py.data.roofs else runs.solar_for(py, dt.date.today())
            result = runs.eip_for(py, solar=solar)
        if as_json:
            print_json(result.model_dump(mode="json"))
        else:
            _print(result)
        if out is not None:
            for p in write_outputs(result, out):
                err_console.print(f"wrote {p}", highlight=False)
        if not any(result.inputs.values()):
            raise NoDataError(
                "the park has none of the EIP inputs (certificates.csv, recp_measures.csv, exchanges.csv, "
                "compliance_events.csv, park.toml [eip]): only the measured criteria could be judged; add them "
                "(greenpark template shows their columns) and run again"
            )
