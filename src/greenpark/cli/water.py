"""CLI: ``greenpark water PARK --year YYYY [--json]``: the central WWTP against QCVN 40, efficiency, tenant loads.

Thin: opens the park, calls :func:`greenpark.runs.water_for` (the WWTP meters' electricity and the tenants'
discharge volumes from the store, then :func:`greenpark.water.assess_water`), prints. JSON fields: see
``greenpark.water.assessment``.
"""

from __future__ import annotations

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
from greenpark.i18n import format_datetime, format_sig, translator


def _pct(x: float | None, floor: bool = False) -> str:
    return "-" if x is None else pct(x, floor=floor)


def _num(x: float | None, decimals: int = 2) -> str:
    return "-" if x is None else num(x, decimals)


def _g(x: float, spec: str = "g") -> str:
    """``format(x, spec)``'s digits (a limit as the standard writes it: 6.5, 50, 0.05; a peak to 3 significant
    figures with ``.3g``) in the reader's number format."""
    text = format(x, spec)
    if "e" in text:
        return format_sig(x, current_lang())
    return num(float(text), len(text.split(".")[1]) if "." in text else 0)


def _print(result: Any) -> None:
    for w in result.wwtps:
        head = Table(
            title=say(
                "water.title", wwtp=w.wwtp_id, name=w.name, standard=w.standard, column=w.column, kq=w.kq, kf=w.kf,
                year=result.year,
            )
        )  # fmt: skip
        head.add_column(say("col.indicator"))
        head.add_column(say("col.value"), justify="right")
        p = w.performance
        for key, value in (
            ("compliance_rate", _pct(w.compliance_rate, floor=True)),  # 99.97 % with 4 events is not 100.0 %
            ("exceedances", str(len(w.exceedances))),
            ("sensor_faults", str(len(w.sensor_faults))),
            ("alerts", str(len(w.alerts))),
            ("completeness", _pct(w.completeness)),
            ("volume", _num(p.volume_m3, 0)),
            ("utilisation", _pct(p.capacity_utilisation)),
            ("kwh_per_m3", _num(w.kwh_per_m3, 3)),
            ("kwh_per_kg_cod", _num(p.kwh_per_kg_cod_removed, 3)),
        ):
            head.add_row(say(f"water.{key}"), value)
        for k, v in w.removal_efficiency.items():
            head.add_row(say("water.removal", param=lbl("param", k)), num(v, 1))
        console.print(head)
        t = Table(title=say("water.by_parameter"))
        for c in ("parameter", "method", "limit", "evaluated", "compliant", "exceeded", "not_evaluated", "rate"):
            t.add_column(say(f"col.{c}"), justify="left" if c in ("parameter", "method") else "right")
        for c in w.parameters:
            lim = f"{_g(c.limit_min)}..{num(c.limit, 1)}" if c.limit_min is not None else _g(c.limit)
            t.add_row(
                lbl("param", c.parameter),
                say(f"method.{c.method}"),
                f"{lim} {c.unit}",
                str(c.n_evaluated),
                str(c.n_compliant),
                str(c.n_exceeded),
                str(c.n_inconclusive),
                _pct(c.compliance_rate, floor=True),
            )
        console.print(t)
        if w.exceedances:
            e = Table(title=say("water.events"))
            for c in ("parameter", "method", "start", "end", "hours", "peak", "limit"):
                e.add_column(say(f"col.{c}"))
            zone = getattr(result, "timezone", None) or "UTC"
            for ev in w.exceedances:
                lim = f"{_g(ev.limit_min)}..{_g(ev.limit)}" if ev.limit_min is not None else _g(ev.limit)
                e.add_row(
                    lbl("param", ev.parameter),
                    say(f"method.{ev.method}"),
                    format_datetime(ev.start, current_lang(), zone),
                    format_datetime(ev.end, current_lang(), zone),
                    _g(ev.duration_h),
                    _g(ev.peak, ".3g"),
                    f"{lim} {ev.unit}",
                )
            console.print(e)
        for b in p.benchmarks:
            if b.verdict != "within":
                console.print(
                    say(
                        "water.benchmark", metric=lbl("metric", b.metric), value=_g(b.value, ".3g"),
                        unit=b.unit, verdict=lbl("verdict", b.verdict), low=_g(b.low),
                        high=_g(b.high), confidence=translator(current_lang())(f"confidence.{b.confidence}"),
                    )
                )  # fmt: skip
    if result.tenants:
        t = Table(title=say("water.tenants"))
        for c in ("tenant", "volume_m3", "flow_share", "cod_share", "breaches", "cost_share"):
            t.add_column(say(f"col.{c}"), justify="left" if c == "tenant" else "right")
        for x in result.tenants:
            t.add_row(
                x.tenant_id,
                _num(x.volume_m3, 0),
                _pct(x.flow_share),
                _pct(x.cod_load_share),
                str(len(x.connection_breaches)),
                _pct(x.cost_share),
            )
        console.print(t)
    for f in result.findings:
        console.print(f"[yellow]{f.code}[/]: {note(f.message)}")


def register(app: typer.Typer) -> None:
    """Add ``water`` to the app."""

    @app.command("water")
    @guarded
    def water_cmd(
        park: ParkRef,
        year: Year = None,
        window: Annotated[
            float | None, typer.Option("--window", help="Averaging window of analyser data, minutes (default 60).")
        ] = None,
        cost: Annotated[
            float | None, typer.Option("--cost", help="Treatment cost of the year (VND) to allocate to tenants.")
        ] = None,
        store: StoreUrl = None,
        as_json: AsJson = False,
        lang: Lang = "en",
    ) -> None:
        """WWTP compliance with QCVN 40, exceedances, completeness, efficiency and tenant loads."""
        use_lang(lang)
        with park_year(park, year, store, quiet=as_json, require_readings=False) as py:
            result = runs.water_for(py, averaging_window_min=window, treatment_cost_vnd=cost)
        if as_json:
            print_json(result.model_dump(mode="json"))
        else:
            _print(result)
