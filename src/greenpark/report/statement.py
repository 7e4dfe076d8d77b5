"""Tenants' monthly utility statements (HTML in one to three languages of vi/en/ja, the first one leading, PDF
through WeasyPrint) and the operator's tables (CSV, XLSX) from ``greenpark.billing.MonthlyBills``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from greenpark import __version__
from greenpark.errors import InputError
from greenpark.i18n import check_lang, format_number, format_percent, translator

_env = Environment(
    loader=PackageLoader("greenpark.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
BANDS = ("peak", "normal", "offpeak")
STATEMENT_LANGS = ("vi", "en")  # Vietnamese first: the statement a Vietnamese company is billed with


def statement_langs(text: str) -> tuple[str, ...]:
    """The languages of a statement from ``"vi,ja"``: each a catalogue language, given once, one to three."""
    langs = tuple(x.strip() for x in text.split(",") if x.strip())
    for x in langs:
        check_lang(x)
    if not langs or len(set(langs)) != len(langs):
        raise InputError(f"statement languages {text!r}: give one to three of vi, en, ja, each once (e.g. vi,ja)")
    return langs


def render_statement(bill: Any, month: str, park_name: str, langs: tuple[str, ...] = STATEMENT_LANGS) -> str:
    """One tenant's statement as a self-contained HTML page: each text in ``langs`` (the first leads, the others
    follow in grey after a slash), numbers in the first language's format."""
    first = langs[0]
    y, m = month.split("-")

    def tr(key: str, **fields: object) -> Markup:
        """``key`` in each language; a callable field is called with the language (the month, as each writes it)."""
        texts = [translator(x)(key, **{k: v(x) if callable(v) else v for k, v in fields.items()}) for x in langs]
        alts = Markup("").join(Markup(' <span class="alt">/ {}</span>').format(x) for x in texts[1:])
        return escape(texts[0]) + alts

    return _env.get_template("statement.html.j2").render(
        b=bill,
        lang=first,
        month=month,
        month_in=lambda lang: translator(lang)("statement.month", y=y, m=m),
        park_name=park_name,
        bands=BANDS,
        tr=tr,
        n=lambda v, d=0: format_number(v, first, d),
        pct=lambda v: format_percent(v, first, 1),
        prices=lambda xs: " / ".join(format_number(x, first) for x in xs) or "–",
        version=__version__,
    )


def bill_table(bills: Any) -> pd.DataFrame:
    """One row per tenant: the operator's accounting table."""
    rows = []
    for b in bills.tenants:
        rows.append(
            {
                "month": bills.month,
                "tenant_id": b.tenant_id,
                "name": b.name,
                "voltage_level": b.voltage_level,
                "tariff": b.tariff,
                **{f"kwh_{k}": v for k, v in b.kwh_by_band.items()},
                "kwh": b.kwh,
                "energy_charge_vnd": b.energy_charge_vnd,
                "vat_rate": b.vat_rate,
                "vat_vnd": b.vat_vnd,
                "water_supply_m3": b.water_supply_m3,
                "water_charge_vnd": b.water_charge_vnd,
                "water_vat_vnd": b.water_vat_vnd,
                "wastewater_fee_vnd": b.wastewater_fee_vnd,
                "total_vnd": b.total_vnd,
                "coverage": b.coverage,
                "missing_intervals": b.missing_intervals,
                "tariff_source": "; ".join(b.tariff_source),
            }
        )
    return pd.DataFrame(rows)


def write_bills(
    bills: Any, out_dir: Path, park_name: str, pdf: bool = False, langs: tuple[str, ...] = STATEMENT_LANGS
) -> list[Path]:
    """``bills_<month>.csv`` and ``.xlsx`` (sheets tenants, operator, factors), ``bills_<month>.json`` and one
    ``statement_<tenant>_<month>.html`` (and ``.pdf`` when asked) per tenant into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"bills_{bills.month}"
    table = bill_table(bills)
    paths = [out / f"{stem}.csv", out / f"{stem}.xlsx", out / f"{stem}.json"]
    table.to_csv(paths[0], index=False, encoding="utf-8-sig")  # BOM: spreadsheet programs read Vietnamese names
    operator = pd.json_normalize(bills.operator.model_dump(), max_level=1)
    with pd.ExcelWriter(paths[1], engine="openpyxl") as xw:
        table.to_excel(xw, sheet_name="tenants", index=False)
        operator.to_excel(xw, sheet_name="operator", index=False)
        pd.DataFrame(bills.factors).to_excel(xw, sheet_name="factors", index=False)
    paths[2].write_text(bills.model_dump_json(indent=1), encoding="utf-8")
    for b in bills.tenants:
        html = render_statement(b, bills.month, park_name, langs)
        p = out / f"statement_{b.tenant_id}_{bills.month}.html"
        p.write_text(html, encoding="utf-8")
        paths.append(p)
        if pdf:
            from weasyprint import HTML  # deferred: weasyprint (~0.8 s), only when a PDF is asked for

            logging.getLogger("weasyprint").setLevel(logging.ERROR)
            logging.getLogger("fontTools").setLevel(logging.ERROR)
            pp = p.with_suffix(".pdf")
            HTML(string=html, base_url=str(out)).write_pdf(pp)
            paths.append(pp)
    return paths
