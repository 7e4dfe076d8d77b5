"""CLI: ``greenpark waste PARK --year YYYY [--json]``: waste indicators, GHG by route, manifests, symbiosis."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

import typer
from rich.table import Table

from greenpark import runs
from greenpark.cli.common import (
    AsJson,
    Lang,
    ParkRef,
    StoreUrl,
    Year,
    console,
    current_lang,
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
from greenpark.i18n import symbiosis_explanation


def _n(x: float, decimals: int = 1) -> str:
    return num(x, decimals)


def waste_json(result: Any) -> dict[str, Any]:
    """The stable JSON form of a WasteResult (top level: total_t, hazardous_t, recovery_rate, by_route,
    tco2e, manifest_issues, symbiosis_matches, ... as documented in greenpark.waste.assessment)."""
    return result.model_dump(mode="json")


def _pct(x: float | None) -> str:
    return pct(x)


def _print(r: Any) -> None:
    head = say(
        "waste.head", total=_n(r.total_t), hazardous=_n(r.hazardous_t), hazardous_share=_pct(r.hazardous_share),
        recovery=_pct(r.recovery_rate), landfill=_pct(r.landfill_share),
    )  # fmt: skip
    console.print(f"[bold]{say('waste.title', park=r.park_id, year=r.year)}[/]: {head}")
    t = Table(title=say("waste.by_route", gwp=r.gwp_set))
    for c in ("route", "t", "tco2e"):
        t.add_column(say(f"col.{c}"), justify="left" if c == "route" else "right")
    for route in sorted(set(r.by_route) | set(r.tco2e)):
        t.add_row(lbl("route", route), _n(r.by_route.get(route, 0.0)), _n(r.tco2e.get(route, 0.0)))
    t.add_row(f"[bold]{say('total')}[/]", _n(r.total_t), _n(r.tco2e_total))
    t.add_row(say("waste.avoided"), "", _n(r.avoided_tco2e))
    console.print(t)
    s = Table(title=say("waste.streams"))
    for c in ("code", "description", "t", "share", "main_route", "tenants"):
        s.add_column(say(f"col.{c}"), justify="right" if c in ("t", "share", "tenants") else "left", overflow="fold")
    for x in r.indicators.top_streams:
        s.add_row(
            x.waste_code + (f" ({say('hw')})" if x.hazardous else ""),
            x.description,
            _n(x.total_t),
            _pct(x.share),
            lbl("route", x.main_route),
            str(x.tenants),
        )
    console.print(s)
    counts = Counter(f.code for f in r.manifest_issues)
    found = ", ".join(f"{k} x{v}" for k, v in sorted(counts.items())) if counts else say("waste.no_issues")
    console.print(say("waste.manifests", found=found))
    for f in r.manifest_issues[:10]:
        where = " " + say("line", line=f.line) if f.line else ""
        console.print(f"  [yellow]{f.code}[/]{where}: {note(f.message)}", highlight=False)
    m = Table(
        title=say(
            "waste.symbiosis", net=_n(r.symbiosis.net_benefit_vnd / 1e6, 0), avoided=_n(r.symbiosis.avoided_tco2e)
        )
    )
    m.add_column(say("col.proposal"), overflow="fold")
    for x in r.symbiosis_matches:
        m.add_row(symbiosis_explanation(x, current_lang()))
    console.print(m)
    for n in r.notes:
        console.print(f"[yellow]{say('note')}:[/] {note(n)}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``waste`` to the app."""

    @app.command("waste")
    @guarded
    def waste_cmd(
        park: ParkRef,
        year: Year = None,
        gwp: Annotated[str, typer.Option("--gwp", help="GWP set: AR5 (default), AR6 or AR4.")] = "AR5",
        store: StoreUrl = None,
        as_json: AsJson = False,
        lang: Lang = "en",
    ) -> None:
        """Waste: recovery rate, GHG by route, manifest checks and industrial-symbiosis proposals."""
        use_lang(lang)
        with park_year(park, year, store, quiet=as_json, require_readings=False) as py:
            result = runs.waste_for(py, gwp)
        if as_json:
            print_json(waste_json(result))
        else:
            _print(result)
