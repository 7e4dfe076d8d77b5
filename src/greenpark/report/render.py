"""Render the assessment JSON into HTML, PDF, JSON and CSV files."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from greenpark.i18n import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    format_sig,
    label,
    labels,
    phrase,
    symbiosis_explanation,
    translator,
    unit_label,
)
from greenpark.report import charts

log = logging.getLogger(__name__)
_env = Environment(
    loader=PackageLoader("greenpark.report", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _charts(a: dict[str, Any], t: Any, lang: str) -> dict[str, str]:
    """The report's charts as SVG strings, from the assessment JSON."""
    out: dict[str, str] = {}
    inv = a.get("inventory")
    if inv:
        months = [m["period"][-2:] for m in inv["by_month"]]
        out["by_scope_month"] = charts.stacked_bars(
            months,
            {
                t("col.scope1"): [m["scope1_tco2e"] for m in inv["by_month"]],
                t("col.scope2_location"): [m["scope2_location_tco2e"] for m in inv["by_month"]],
                t("col.scope3"): [m["scope3_tco2e"] for m in inv["by_month"]],
            },
            t("unit.tco2e"),
        )
        rows = sorted(inv["tenants"], key=lambda r: r["total_tco2e"], reverse=True)[:25]
        out["by_tenant"] = charts.horizontal_bars(
            [f"{r['tenant_id']} {r['name'][:24]}" for r in rows], [r["total_tco2e"] for r in rows], t("unit.tco2e")
        )
    water = a.get("water")
    if water and water.get("wwtps"):
        w = water["wwtps"][0]
        year = a["meta"]["year"]
        days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
        status = np.zeros(len(days), dtype=int)
        day_index = {d.date().isoformat(): i for i, d in enumerate(days)}
        for f in w.get("sensor_faults", []):
            for d in pd.date_range(f["start"][:10], f["end"][:10], freq="D"):
                if d.date().isoformat() in day_index:
                    status[day_index[d.date().isoformat()]] = 2
        for e in w.get("exceedances", []):
            for d in pd.date_range(e["start"][:10], e["end"][:10], freq="D"):
                if d.date().isoformat() in day_index:
                    status[day_index[d.date().isoformat()]] = 1
        out["calendar"] = charts.calendar(
            [d.date().isoformat() for d in days],
            status.tolist(),
            {0: t("legend.ok"), 1: t("legend.exceedance"), 2: t("legend.fault")},
        )
    waste = a.get("waste")
    if waste and waste.get("by_route"):
        routes = sorted(waste["by_route"].items(), key=lambda kv: kv[1])
        out["waste_routes"] = charts.horizontal_bars(
            [label("route", k, lang) for k, _ in routes], [v for _, v in routes], t("col.tonnes")
        )
    solar = a.get("solar")
    if solar and solar.get("tenants"):
        rows = [r for r in solar["tenants"] if r.get("pv_kwp", 0) > 0][:25]
        out["pv_by_tenant"] = charts.horizontal_bars(
            [r["tenant_id"] for r in rows], [r["pv_kwp"] for r in rows], t("unit.kwp")
        )
    plan = a.get("plan")
    if plan and plan.get("cost_curve"):
        cc = plan["cost_curve"]
        out["cost_curve"] = charts.cost_curve(
            [f"{m['tenant_id']} {label('measure', m['measure'], lang)}" for m in cc],
            [m["abatement_tco2e"] for m in cc],
            [m["cost_vnd_per_tco2e"] for m in cc],
            t("col.abatement"),
            t("col.cost_per_t"),
        )
    if plan and plan.get("roadmap", {}).get("years"):
        ys = plan["roadmap"]["years"]
        out["roadmap"] = charts.wedges(
            [y["year"] for y in ys],
            [y["bau_tco2e"] for y in ys],
            {t("col.measure"): [y["bau_tco2e"] - y["planned_tco2e"] for y in ys]},
            t("unit.tco2e"),
            target={y["year"]: y["cap_tco2e"] for y in ys if y["cap_tco2e"] is not None},
            target_label=t("legend.target"),
        )
    return out


def render_html(assessment: dict[str, Any], lang: str = "en") -> str:
    """The report as one self-contained HTML page in ``lang`` (a language of ``greenpark.i18n.LANGS``)."""
    t = translator(lang)
    template = _env.get_template("report.html.j2")
    return template.render(
        a=assessment,
        t=t,
        lang=lang,
        n=lambda v, d=0: format_number(v, lang, d),
        sig=lambda v: format_sig(v, lang),
        pct=lambda v, d=1: format_percent(v, lang, d),
        money=lambda v: format_money(v, lang, assessment["park"].get("currency", "VND")),
        date=lambda v: format_date(v, lang),
        when=lambda v: format_datetime(v, lang, assessment["park"].get("timezone") or "UTC"),
        explain_symbiosis=lambda m: symbiosis_explanation(m, lang),
        label=lambda kind, code: label(kind, code, lang),
        labels=lambda kind, codes: labels(kind, list(codes or []), lang),
        phrase=lambda text, free=False: phrase(text, lang, free),
        unit=lambda u: unit_label(u, lang),
        charts=_charts(assessment, t, lang),
        today=format_date(dt.date.fromisoformat(assessment["meta"]["generated_at"][:10]), lang),
    )


def _csv_tables(assessment: dict[str, Any], folder: Path) -> list[Path]:
    """The main tables as CSV (UTF-8 with BOM so spreadsheet programs read Vietnamese names)."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "inventory_tenants": (assessment.get("inventory") or {}).get("tenants"),
        "inventory_months": (assessment.get("inventory") or {}).get("by_month"),
        "inventory_factors": (assessment.get("inventory") or {}).get("factors"),
        "solar_tenants": (assessment.get("solar") or {}).get("tenants"),
        "solar_roofs": (assessment.get("solar") or {}).get("roofs"),
        "water_tenants": (assessment.get("water") or {}).get("tenants"),
        "waste_symbiosis": (assessment.get("waste") or {}).get("symbiosis_matches"),
        "plan_cost_curve": (assessment.get("plan") or {}).get("cost_curve"),
        "plan_roadmap_years": ((assessment.get("plan") or {}).get("roadmap") or {}).get("years"),
        "energy_benchmarks": (assessment.get("energy") or {}).get("benchmarks"),
    }
    written = []
    for name, rows in tables.items():
        if rows:
            path = folder / f"{name}.csv"
            pd.json_normalize(rows, max_level=0).to_csv(path, index=False, encoding="utf-8-sig")
            written.append(path)
    return written


def write_report(assessment: dict[str, Any], out_dir: Path, lang: str = "en", pdf: bool = True) -> dict[str, Path]:
    """Write ``report.html``, ``report.pdf``, ``assessment.json`` and ``tables/*.csv`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "assessment.json", "html": out_dir / "report.html"}
    paths["json"].write_text(json.dumps(assessment, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    html = render_html(assessment, lang)
    paths["html"].write_text(html, encoding="utf-8")
    _csv_tables(assessment, out_dir / "tables")
    if pdf:
        from weasyprint import HTML  # deferred: weasyprint (~0.8 s), only when a PDF is asked for

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        paths["pdf"] = out_dir / "report.pdf"
        HTML(string=html, base_url=str(out_dir)).write_pdf(paths["pdf"])
    return paths
