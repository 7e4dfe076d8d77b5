"""CLI: ``greenpark water PARK --year YYYY [--json]``: the central WWTP against QCVN 40, efficiency, tenant loads.

Thin: opens the park, calls :func:`greenpark.runs.water_for` (the WWTP meters' electricity and the tenants'
discharge volumes from the store, then :func:`greenpark.water.assess_water`), prints. JSON fields: see
``greenpark.water.assessment``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from greenpark import runs
from greenpark.cli.common import AsJson, ParkRef, StoreUrl, console, guarded, num, park_year, print_json


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{num(100 * x, 1)} %"


def _num(x: float | None, fmt: str = ",.2f") -> str:
    return "-" if x is None else format(x, fmt)


def _local(t: dt.datetime, zone: ZoneInfo | None) -> str:
    return (t.astimezone(zone) if zone else t).strftime("%Y-%m-%d %H:%M")


def _print(result: Any) -> None:
    for w in result.wwtps:
        head = Table(title=f"{w.wwtp_id} {w.name}: {w.standard} column {w.column}, Kq {w.kq} Kf {w.kf}, {result.year}")
        head.add_column("indicator")
        head.add_column("value", justify="right")
        p = w.performance
        for label, value in (
            ("compliance rate (windows + samples)", _pct(w.compliance_rate)),
            ("exceedance events", str(len(w.exceedances))),
            ("sensor faults (runs)", str(len(w.sensor_faults))),
            ("alerts (exceedance, fault, missing data)", str(len(w.alerts))),
            ("station completeness (5-min values valid)", _pct(w.completeness)),
            ("treated volume m3", _num(p.volume_m3, ",.0f")),
            ("capacity utilisation", _pct(p.capacity_utilisation)),
            ("kWh/m3", _num(w.kwh_per_m3, ".3f")),
            ("kWh/kg COD removed", _num(p.kwh_per_kg_cod_removed, ".3f")),
            *((f"removal {k} %", num(v, 1)) for k, v in w.removal_efficiency.items()),
        ):
            head.add_row(label, value)
        console.print(head)
        t = Table(title="Compliance by parameter")
        for c in ("parameter", "method", "limit", "evaluated", "compliant", "exceeded", "not evaluated", "rate"):
            t.add_column(c, justify="left" if c in ("parameter", "method") else "right")
        for c in w.parameters:
            lim = f"{c.limit_min:g}..{c.limit:g}" if c.limit_min is not None else f"{c.limit:g}"
            t.add_row(
                c.parameter,
                c.method,
                f"{lim} {c.unit}",
                str(c.n_evaluated),
                str(c.n_compliant),
                str(c.n_exceeded),
                str(c.n_inconclusive),
                _pct(c.compliance_rate),
            )
        console.print(t)
        if w.exceedances:
            e = Table(title="Exceedance events")
            for c in ("parameter", "method", "start", "end", "hours", "peak", "limit"):
                e.add_column(c)
            zone = ZoneInfo(result.timezone) if getattr(result, "timezone", None) else None
            for ev in w.exceedances:
                lim = f"{ev.limit_min:g}..{ev.limit:g}" if ev.limit_min is not None else f"{ev.limit:g}"
                e.add_row(
                    ev.parameter,
                    ev.method,
                    _local(ev.start, zone),
                    _local(ev.end, zone),
                    f"{ev.duration_h:g}",
                    f"{ev.peak:.3g}",
                    f"{lim} {ev.unit}",
                )
            console.print(e)
        for b in p.benchmarks:
            if b.verdict != "within":
                console.print(
                    f"{b.metric} = {b.value:.3g} {b.unit} is {b.verdict} the typical "
                    f"{b.low:g}-{b.high:g} ({b.confidence})"
                )
    if result.tenants:
        t = Table(title="Tenants")
        for c in ("tenant", "volume m3", "flow share", "COD share", "breaches", "cost share"):
            t.add_column(c, justify="left" if c == "tenant" else "right")
        for x in result.tenants:
            t.add_row(
                x.tenant_id,
                _num(x.volume_m3, ",.0f"),
                _pct(x.flow_share),
                _pct(x.cod_load_share),
                str(len(x.connection_breaches)),
                _pct(x.cost_share),
            )
        console.print(t)
    for f in result.findings:
        console.print(f"[yellow]{f.code}[/]: {f.message}")


def register(app: typer.Typer) -> None:
    """Add ``water`` to the app."""

    @app.command("water")
    @guarded
    def water_cmd(
        park: ParkRef,
        year: Annotated[
            int | None, typer.Option("--year", help="Calendar year, park local (default: latest with all 12 months).")
        ] = None,
        window: Annotated[
            float | None, typer.Option("--window", help="Averaging window of analyser data, minutes (default 60).")
        ] = None,
        cost: Annotated[
            float | None, typer.Option("--cost", help="Treatment cost of the year (VND) to allocate to tenants.")
        ] = None,
        store: StoreUrl = None,
        as_json: AsJson = False,
    ) -> None:
        """WWTP compliance with QCVN 40, exceedances, completeness, efficiency and tenant loads."""
        with park_year(park, year, store, quiet=as_json, require_readings=False) as py:
            result = runs.water_for(py, averaging_window_min=window, treatment_cost_vnd=cost)
        if as_json:
            print_json(result.model_dump(mode="json"))
        else:
            _print(result)
