"""CLI: ``greenpark bill PARK --month YYYY-MM [--tenant ID] [--json] [--out DIR] [--pdf]``: tenants' monthly bills.

Thin: opens the park, asks :func:`greenpark.runs.bill_for` for the bills and
renders them (a table, JSON, or files: CSV/XLSX for the operator and one statement per tenant in vi/en/ja).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from greenpark import runs
from greenpark.cli.common import (
    AsJson,
    Lang,
    ParkRef,
    StoreUrl,
    console,
    guarded,
    note,
    num,
    opened_park,
    pct,
    print_json,
    say,
    use_lang,
)
from greenpark.report.statement import statement_langs, write_bills


def _print(bills: Any) -> None:
    t = Table(title=say("bill.title", park=bills.park_id, month=bills.month))
    cols = ("tenant", "voltage", "kwh_peak", "kwh_normal", "kwh_offpeak", "energy", "vat", "water", "wastewater",
            "total", "coverage", "tariff")  # fmt: skip
    for c in cols:
        t.add_column(say(f"col.{c}"), justify="left" if c in ("tenant", "voltage", "tariff") else "right")
    for b in bills.tenants:
        k = b.kwh_by_band
        t.add_row(
            b.tenant_id, b.voltage_level, num(k['peak']), num(k['normal']), num(k['offpeak']),
            num(b.energy_charge_vnd), num(b.vat_vnd),
            "-" if b.water_charge_vnd is None else num(b.water_charge_vnd + (b.water_vat_vnd or 0)),
            "-" if b.wastewater_fee_vnd is None else num(b.wastewater_fee_vnd),
            num(b.total_vnd), "-" if b.coverage is None else pct(b.coverage), ", ".join(b.tariff_source),
        )  # fmt: skip
    console.print(t)
    op = bills.operator
    if op.purchase_vnd is not None:
        console.print(
            say(
                "bill.operator", incoming=num(op.incoming_kwh), purchase=num(op.purchase_vnd),
                connection=op.wholesale_connection, sources=", ".join(op.wholesale_source),
                tenants_kwh=num(op.tenants_kwh), tenants_vnd=num(op.tenants_energy_charge_vnd),
                margin=num(op.retail_margin_vnd), common=num(op.common_kwh), losses=num(op.losses_kwh),
                losses_share=pct(op.losses_share),
            )
        )  # fmt: skip
    for n in op.notes:
        console.print(f"[yellow]{note(n)}[/]")


def register(app: typer.Typer) -> None:
    """Add ``bill`` to the app."""

    @app.command("bill")
    @guarded
    def bill_cmd(
        park: ParkRef,
        month: Annotated[str, typer.Option("--month", help="The month to bill, YYYY-MM.")],
        tenant: Annotated[str | None, typer.Option("--tenant", help="Only this tenant's bill.")] = None,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write CSV, XLSX, JSON and one statement per tenant here.")
        ] = None,
        pdf: Annotated[bool, typer.Option("--pdf", help="Also a PDF of each statement (with --out).")] = False,
        statement_lang: Annotated[
            str,
            typer.Option(
                "--statement-lang",
                help="Languages of each statement, the first leading: vi,en (default), vi,ja, vi,en,ja, ja ...",
            ),
        ] = "vi,en",
        store: StoreUrl = None,
        as_json: AsJson = False,
        lang: Lang = "en",
    ) -> None:
        """Tenants' monthly electricity, water and wastewater bills, and the operator's purchase, margin and losses."""
        use_lang(lang)
        langs = statement_langs(statement_lang)
        with opened_park(park, store) as (data, st):
            bills = runs.bill_for(data, st, month, tenant_id=tenant)
        if out is not None:
            for p in write_bills(bills, out, data.park.name, pdf=pdf, langs=langs):
                console.print(say("wrote", path=p))
        if as_json:
            print_json(bills.model_dump())
        elif out is None:
            _print(bills)
