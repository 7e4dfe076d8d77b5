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
from greenpark.cli.common import (
    Lang,
    Year,
    console,
    current_lang,
    err_console,
    guarded,
    lbl,
    note,
    num,
    park_year,
    pct,
    print_json,
    say,
    use_lang,
)
from greenpark.eip import EipResult
from greenpark.errors import NoDataError
from greenpark.i18n import SOURCE_LANG, format_date, material_label, translator
from greenpark.report.dossier import write_dossier

_COLOUR = {"met": "green", "not_met": "red", "unknown": "yellow"}


def _fmt(v: Any, unit: str) -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    return pct(v) if unit == "fraction" else num(v, 2 if abs(v) < 10 and v != int(v) else 0)


def _step(a: Any, t: Any) -> str:
    """A roadmap step: the engine's English description, or in another language as the report writes it
    (``_eip.html.j2``'s ``step``): the action, then what it acts on."""
    if current_lang() == SOURCE_LANG:
        return a.description
    what = t(f"eip.action.{a.action}")
    if getattr(a, "measure", None):
        return f"{what}: {a.tenant_id} {lbl('measure', a.measure)}"
    if getattr(a, "material", None):
        return f"{what}: {a.tenant_id} → {a.taker} {material_label(a.material, current_lang())}"
    if a.action == "wait":
        return f"{what}: {format_date(a.subject, current_lang())}"
    return f"{what}: {t(f'eip.criterion.{a.criterion_id}')}"


def _print(r: EipResult) -> None:
    t = translator(current_lang())
    colour = {"eligible": "green", "not_eligible": "red", "unknown": "yellow"}[r.park_status]
    judged = t(
        "eip.judged_on", date=format_date(r.as_of, current_lang()), start=format_date(r.window_start, current_lang())
    )
    console.print(
        f"[bold]{t('eip.title')} {r.park_id} {r.year}[/] ({judged}): "
        f"{t('eip.park_status')} [{colour}]{t(f'eip.park_status.{r.park_status}')}[/]"
        + (f" ({t('eip.not_met_list', ids=', '.join(r.not_met))})" if r.not_met else "")
        + (f" ({t('eip.unknown_list', ids=', '.join(r.unknown))})" if r.unknown else "")
    )
    table = Table(title=say("eip.criteria"))
    for c in ("id", "title", "status", "value", "threshold", "basis", "confidence", "missing"):
        table.add_column(t(f"eip.col.{c}"), overflow="fold", justify="right" if c in ("value", "threshold") else "left")
    for c in r.criteria:
        table.add_row(
            c.id,
            t(f"eip.criterion.{c.id}"),
            f"[{_COLOUR[c.status]}]{t(f'eip.status.{c.status}')}[/]",
            _fmt(c.value, c.unit),
            (c.comparator if c.comparator in (">=", "<=") else "") + _fmt(c.threshold, c.unit),
            t(f"eip.basis.{c.basis}"),
            t(f"confidence.{c.confidence}") if c.confidence else "",
            "; ".join(m.subject for m in c.missing),
        )
    console.print(table)
    counts = {s: sum(1 for e in r.eco_enterprises if e.status == s) for s in ("met", "not_met", "unknown")}
    console.print(
        f"{t('eip.enterprises')}: "
        + t(
            "eip.enterprises_summary", met=counts["met"], not_met=counts["not_met"], unknown=counts["unknown"],
            total=len(r.eco_enterprises),
        )
    )  # fmt: skip
    if r.roadmap:
        g = Table(title=t("eip.roadmap"))
        for c in ("id", "step", "capex", "annual", "months", "effect"):
            g.add_column(t(f"eip.col.{c}"), overflow="fold", justify="left" if c in ("id", "step") else "right")
        for a in r.roadmap:
            g.add_row(
                a.criterion_id,
                _step(a, t),
                num(a.capex_vnd / 1e6, 0) if a.capex_vnd is not None else "–",
                num(a.annual_cost_vnd / 1e6, 0) if a.annual_cost_vnd is not None else "–",
                num(a.months, 0) if a.months is not None else "–",
                pct(a.effect) if a.effect is not None and a.effect <= 1 else "–",
            )
        console.print(g)
    for n in r.notes:
        console.print(f"[yellow]{say('note')}:[/] {note(n)}", highlight=False)


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
        year: Year = None,
        store: Annotated[str | None, typer.Option("--store", help="Store URL (default GREENPARK_STORE).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write eip.json and the Vietnamese dossier draft (DOCX) here.")
        ] = None,
        no_solar: Annotated[
            bool, typer.Option("--no-solar", help="Do not size rooftop PV (faster; the roadmap lists no PV step).")
        ] = False,
        lang: Lang = "en",
    ) -> None:
        """Eco-industrial park: Decree 35/2022 Art. 37 and EIP Framework v2.0 criteria, eco-enterprises, roadmap."""
        use_lang(lang)
        with park_year(park, year, store, quiet=as_json) as py:
            solar = None if no_solar or not py.data.roofs else runs.solar_for(py, dt.date.today())
            result = runs.eip_for(py, solar=solar)
        if as_json:
            print_json(result.model_dump(mode="json"))
        else:
            _print(result)
        if out is not None:
            for p in write_outputs(result, out):
                err_console.print(say("wrote", path=p), highlight=False)
        if not any(result.inputs.values()):
            raise NoDataError(
                "the park has none of the EIP inputs (certificates.csv, recp_measures.csv, exchanges.csv, "
                "compliance_events.csv, park.toml [eip]): only the measured criteria could be judged; add them "
                "(greenpark template shows their columns) and run again"
            )
