"""The portfolio's side-by-side report: HTML (and its PDF) in vi/en/ja, the JSON and a CSV of the parks' rows.

Rendered from the side-by-side view alone (:func:`greenpark.portfolio.side_by_side`'s dict, also written as
``portfolio.json``): this module selects, orders and formats; every figure comes from the view.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from greenpark.i18n import check_lang, format_number, format_percent, translator
from greenpark.i18n.messages import LANGS
from greenpark.report.render import write_pdf

_env = Environment(
    loader=PackageLoader("greenpark.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
#: metrics shown as a percentage (fractions in the view), the others with their decimals
PERCENT = {"renewable_share", "waste_recovery_rate", "wwtp_compliance_rate"}
DECIMALS = {"tco2e_per_ha": 1, "tco2e_per_employee": 2, "tco2e_per_gwh": 1, "wwtp_kwh_per_m3": 2}
#: the columns of portfolio.csv (the parks' rows; lists joined with spaces)
CSV_COLUMNS = [
    *("park_id", "name", "year", "area_ha", "tenants", "employees", "total_tco2e", "scope1_tco2e"),
    *("scope2_location_tco2e", "scope3_tco2e", "total_market_tco2e", "coverage", "coverage_status"),
    *("full_year_estimate_tco2e", "electricity_kwh", "renewable_share", "tco2e_per_ha", "tco2e_per_employee"),
    *("tco2e_per_gwh", "wastewater_m3", "wwtp_kwh_per_m3", "wwtp_compliance_rate", "exceedance_events"),
    *("waste_total_t", "waste_recovery_rate", "decree06_tenants", "pv_potential_kwp", "eip_status"),
]


def _metric_value(key: str, value: Any, lang: str) -> str:
    if key in PERCENT:
        return format_percent(value, lang, 1)
    return format_number(value, lang, DECIMALS.get(key, 0))


def render_portfolio_html(view: dict[str, Any], lang: str, reports: bool) -> str:
    """The side-by-side page in ``lang``; ``reports``: link each park to its own report (``<park_id>/report.html``)."""
    check_lang(lang)
    return _env.get_template("portfolio.html.j2").render(
        v=view,
        lang=lang,
        t=translator(lang),
        n=lambda value, d=0: format_number(value, lang, d),
        pct=lambda value: format_percent(value, lang, 1),
        mv=lambda key, value: _metric_value(key, value, lang),
        rule=view["outlier_rule"],
        reports=reports,
        names={r["park_id"]: r["name"] for r in view["parks"]},
        generated=dt.date.today().isoformat(),
    )


def portfolio_csv(view: dict[str, Any], path: Path) -> Path:
    """The parks' rows as CSV (one line per park; the Decree 06 tenants joined with spaces)."""
    rows = [{**r, "decree06_tenants": " ".join(r["decree06_tenants"])} for r in view["parks"]]
    pd.DataFrame(rows, columns=CSV_COLUMNS).to_csv(path, index=False, lineterminator="\n")
    return path


def write_portfolio(
    view: dict[str, Any],
    out_dir: Path,
    langs: tuple[str, ...] = LANGS,
    pdf: bool = True,
    reports: bool = True,
) -> dict[str, Path]:
    """Write ``portfolio.json``, ``portfolio.csv`` and ``portfolio.<lang>.html`` (and ``.pdf``) into ``out_dir``.

    Returns the paths by name (``json``, ``csv``, ``html.<lang>``, ``pdf.<lang>``).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "portfolio.json", "csv": out_dir / "portfolio.csv"}
    paths["json"].write_text(json.dumps(view, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    portfolio_csv(view, paths["csv"])
    for lang in langs:
        html = render_portfolio_html(view, lang, reports)
        paths[f"html.{lang}"] = out_dir / f"portfolio.{lang}.html"
        paths[f"html.{lang}"].write_text(html, encoding="utf-8")
        if pdf:
            paths[f"pdf.{lang}"] = write_pdf(html, out_dir / f"portfolio.{lang}.pdf", str(out_dir))
    return paths
