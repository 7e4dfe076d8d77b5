"""Render the assessment JSON into HTML, PDF, JSON and CSV files.

The page a director reads first is built here from the JSON alone (:func:`summary`): the headline figures with
their coverage, the targets and the gap, the next steps (the largest cost-effective measures), the compliance
issues to fix and the data-quality caveats. Nothing is computed that an engine computes: this module selects,
orders, converts units for display and formats; the figures come from the stages.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from greenpark.finance import exchange_rate, in_currency
from greenpark.i18n import (
    format_clock,
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    format_sig,
    label,
    labels,
    material_label,
    month_names,
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
#: how many measures page 1 names as next steps, and how many WWTP exceedances it lists (the rest: section Wastewater)
NEXT_STEPS = 5
MAX_EVENTS = 6
#: reference confidence codes (reference/data/README.md) in words: key ``confidence.<code>``
CONFIDENCE = ("V", "S", "D", "R")
#: the engine whose appendix table lists a factor, by the first part of its name (others: ghg)
FACTOR_ENGINE = {"waste": "waste", "wastewater": "water"}
#: the order of the appendix's engine tables
ENGINES = ("ghg", "water", "waste", "solar", "energy", "plan")
_ROW_FIELDS = {"table", "value", "unit", "source", "edition", "valid_from", "valid_to", "confidence", "flags"}


def _local(iso: str, zone: str) -> dt.datetime:
    """An ISO time with its offset (the JSON's UTC) in the park's zone."""
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))


def _local_days(start: str, end: str, zone: str) -> list[dt.date]:
    """The park-local calendar days an event from ``start`` to ``end`` (ISO, UTC; the end excluded) touches."""
    first = _local(start, zone)
    last = _local(end, zone) if end else first
    if last > first:
        last -= dt.timedelta(microseconds=1)  # an event ending at local midnight does not touch the next day
    return [first.date() + dt.timedelta(days=k) for k in range((last.date() - first.date()).days + 1)]


def _calendar_status(w: dict[str, Any], year: int, zone: str) -> dict[dt.date, int]:
    """Each local day of the year: 0 compliant, 2 a sensor fault, 1 an exceedance (wins over a fault)."""
    status = {dt.date(year, 1, 1) + dt.timedelta(days=k): 0 for k in range(366 if year % 4 == 0 else 365)}
    for f in w.get("sensor_faults", []):
        for d in _local_days(f["start"], f["end"], zone):
            if d in status:
                status[d] = 2
    for e in w.get("exceedances", []):
        for d in _local_days(e["start"], e["end"], zone):
            if d in status:
                status[d] = 1
    return status


def _charts(a: dict[str, Any], lang: str, t: Any) -> dict[str, str]:
    """The report's charts as SVG strings, from the assessment JSON."""
    out: dict[str, str] = {}

    def fmt(v: float) -> str:
        return format_number(v, lang, 0)

    inv = a.get("inventory")
    zone = a["park"].get("timezone", "UTC")
    if inv:
        months = month_names(lang)
        by_month = inv["by_month"]
        series = {
            t("col.scope1"): [m["scope1_tco2e"] for m in by_month],
            t("col.scope2_location"): [m["scope2_location_tco2e"] for m in by_month],
        }
        if any(m["scope3_tco2e"] for m in by_month):
            series[t("col.scope3")] = [m["scope3_tco2e"] for m in by_month]
        out["by_scope_month"] = charts.stacked_bars(
            [months[int(m["period"][-2:]) - 1] for m in by_month], series, t("unit.tco2e"), fmt
        )
        rows = sorted(inv["tenants"], key=lambda r: r["total_tco2e"], reverse=True)[:25]
        out["by_tenant"] = charts.horizontal_bars(
            [f"{r['tenant_id']} · {r['name']}" for r in rows], [r["total_tco2e"] for r in rows], t("unit.tco2e"), fmt
        )
    water = a.get("water")
    if water and water.get("wwtps"):
        w = water["wwtps"][0]
        year = a["meta"]["year"]
        out["calendar"] = charts.compliance_calendar(
            year,
            _calendar_status(w, year, zone),
            month_names(lang),
            {0: t("legend.ok"), 1: t("legend.exceedance"), 2: t("legend.fault")},
        )
    waste = a.get("waste")
    if waste and waste.get("by_route"):
        routes = sorted(waste["by_route"].items(), key=lambda kv: kv[1])
        out["waste_routes"] = charts.horizontal_bars(
            [label("route", k, lang) for k, _ in routes], [v for _, v in routes], t("col.tonnes"), fmt
        )
    solar = a.get("solar")
    if solar and solar.get("tenants"):
        rows = [r for r in solar["tenants"] if r.get("pv_kwp", 0) > 0][:25]
        out["pv_by_tenant"] = charts.horizontal_bars(
            [r["tenant_id"] for r in rows], [r["pv_kwp"] for r in rows], t("unit.kwp"), fmt
        )
    plan = a.get("plan")
    if plan and plan.get("cost_curve_by_measure"):
        groups = {r["group"] for r in plan["cost_curve_by_measure"]}
        out["cost_curve"] = charts.cost_curve(
            [
                charts.MacBar(r["measure"], k + 1, r["group"], r["abatement_tco2e"], r["cost_vnd_per_tco2e"] / 1000)
                for k, r in enumerate(plan["cost_curve_by_measure"])
            ],
            {g: label("measure_group", g, lang) for g in groups},
            t("chart.mac_x"),
            t("chart.mac_y"),
            fmt,
        )
    if plan and plan.get("roadmap", {}).get("years"):
        ys = plan["roadmap"]["years"]
        groups = sorted({g for y in ys for g in y.get("abatement_by_group_tco2e", {})})
        target = [(ys[0]["year"], plan["baseline_tco2e"])] + [
            (y["year"], y["cap_tco2e"]) for y in ys if y["cap_tco2e"] is not None
        ]
        out["roadmap"] = charts.wedges(
            [y["year"] for y in ys],
            [y["planned_tco2e"] for y in ys],
            {g: [y.get("abatement_by_group_tco2e", {}).get(g, 0.0) for y in ys] for g in groups},
            {g: label("measure_group", g, lang) for g in groups},
            [y["bau_tco2e"] for y in ys],
            target,
            t("unit.tco2e_per_yr"),
            fmt,
            remaining_label=t("legend.remaining"),
            bau_label=t("legend.bau"),
            target_label=t("legend.target"),
        )
    return out


def _ref_name(row: dict[str, Any]) -> str:
    """A reference row's name: its ``name``, else its table and key columns ('tariffs/retail · 22-110kV · peak')."""
    if row.get("name"):
        return str(row["name"])
    keys = [str(v) for k, v in row.items() if k not in _ROW_FIELDS and v not in (None, "")]
    return " · ".join([str(row.get("table", "")), *keys]).strip(" ·")


def _method_tables(a: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every factor, limit, tariff and parameter the stages used, grouped by engine, each once."""
    out: dict[str, list[dict[str, Any]]] = {e: [] for e in ENGINES}
    seen: set[tuple[str, str]] = set()

    def add(engine: str, row: dict[str, Any]) -> None:
        name = _ref_name(row)
        key = (name, str(row.get("value")))
        if key in seen:
            return
        seen.add(key)
        out[engine].append(
            {
                "name": name,
                "value": row.get("value"),
                "unit": row.get("unit", ""),
                "source": row.get("source", ""),
                "edition": row.get("edition") or "",
                "confidence": row.get("confidence") or "",
                "flags": row.get("flags") or [],
            }
        )

    inv = a.get("inventory") or {}
    for f in inv.get("factors", []):
        add(FACTOR_ENGINE.get(str(f["name"]).split(".")[0], "ghg"), f)
    for w in (a.get("water") or {}).get("wwtps", []):
        for lim in w.get("limits_used", []):
            value = lim["cmax"] if lim.get("cmin") is None else f"{lim['cmin']:g}–{lim['cmax']:g}"
            add("water", {**lim, "name": f"{lim['standard']} {lim['column']} · {lim['parameter']}", "value": value})
    for f in (a.get("waste") or {}).get("factors", []):
        add("waste", f)
    asm = (a.get("solar") or {}).get("assumptions", {})
    for key in ("grid_factor", "vat"):
        if asm.get(key):
            add("solar", asm[key])
    for rows in (asm.get("tariff_rows") or {}).values():
        for r in rows:
            add("solar", r)
    for key in ("pv_system_factors", "cost_factors"):
        for r in asm.get(key) or []:
            add("solar", r)
    for r in (asm.get("surplus_rule") or {}).get("factors", []):
        add("solar", r)
    for r in (asm.get("full_year_rule") or {}).get("rows", []):
        add("solar", r)
    for r in (a.get("plan") or {}).get("factors", []):
        add("plan", r)
    return {e: rows for e, rows in out.items() if rows}


def _method_notes(a: dict[str, Any]) -> dict[str, list[str]]:
    """The stages' notes (assumptions and caveats in the engines' words), grouped by engine, each once."""
    seen: set[str] = set()
    out: dict[str, list[str]] = {}
    plan = a.get("plan") or {}
    sources = {
        "ghg": (a.get("inventory") or {}).get("notes", []),
        "waste": (a.get("waste") or {}).get("notes", []),
        "solar": (a.get("solar") or {}).get("notes", []),
        "energy": (a.get("energy") or {}).get("notes", []),
        "plan": [*plan.get("notes", []), *(plan.get("roadmap") or {}).get("notes", [])],
    }
    for engine, notes in sources.items():
        fresh = [n for n in notes if n not in seen]
        seen.update(fresh)
        if fresh:
            out[engine] = fresh
    return out


def _tenant_names(a: dict[str, Any], t: Any) -> dict[str, str]:
    names = {r["tenant_id"]: r["name"] for r in (a.get("inventory") or {}).get("tenants", [])}
    names.update({r["tenant_id"]: r.get("name", r["tenant_id"]) for r in (a.get("solar") or {}).get("tenants", [])})
    names["park_wwtp"] = t("text.park_wwtp")
    names["(park common)"] = t("overview.common")
    return names


def summary(a: dict[str, Any]) -> dict[str, Any]:
    """What page 1 shows, selected from the assessment JSON (no figure is computed here).

    Returns ``next_steps`` (the first :data:`NEXT_STEPS` of the plan's top measures: the largest cost-effective
    abatements, exclusive measures once), ``targets`` (each target year's cap, business as usual, the roadmap's
    emissions, the reduction required and the gap), ``exceedances`` (every WWTP exceedance with its WWTP),
    ``decree06`` (tenants required and those that cannot be told, the calendar), ``partial`` (tenants whose
    year is not complete) and ``factor_confidence`` (how many factors of each confidence the inventory used).
    """
    inv = a.get("inventory") or {}
    plan = a.get("plan") or {}
    rm = plan.get("roadmap") or {}
    by_year = {int(y["year"]): y for y in rm.get("years", [])}
    # year keys are ints in the result object and strings once written as JSON: the report reads both
    required = {int(k): v for k, v in (rm.get("required_tco2e") or {}).items()}
    gaps = {int(k): v for k, v in (rm.get("gaps_tco2e") or {}).items()}
    targets = []
    for k, pct in sorted((int(y), v) for y, v in (plan.get("targets_pct") or {}).items()):
        y = by_year.get(k)
        if y is None:
            continue
        targets.append(
            {
                "year": k,
                "pct": pct,
                "cap": y["cap_tco2e"],
                "bau": y["bau_tco2e"],
                "planned": y["planned_tco2e"],
                "required": required.get(k),
                "gap": gaps.get(k, 0.0),
            }
        )
    exceedances = [
        {**e, "wwtp": w.get("name", w["wwtp_id"]), "wwtp_id": w["wwtp_id"]}
        for w in (a.get("water") or {}).get("wwtps", [])
        for e in w.get("exceedances", [])
    ]
    tenants = inv.get("tenants", [])
    must = [r for r in tenants if r.get("decree06_status") == "required" or r.get("decree06_inventory_required")]
    unknown = [r for r in tenants if r.get("decree06_status") == "insufficient_data"]
    partial = [r for r in tenants if r.get("coverage_status") not in (None, "complete")]
    confidence = {c: 0 for c in CONFIDENCE}
    for f in inv.get("factors", []):
        if f.get("confidence") in confidence:
            confidence[f["confidence"]] += 1
    return {
        "next_steps": (plan.get("top_measures") or [])[:NEXT_STEPS],
        "targets": targets,
        "exceedances": exceedances,
        "required": must,
        "unknown": unknown,
        "partial": partial,
        "factor_confidence": confidence,
        "study_factors": [f for f in inv.get("factors", []) if "study" in (f.get("flags") or [])],
        "renewable": plan.get("renewable"),
    }


def render_html(assessment: dict[str, Any], lang: str = "en", currency2: str | None = None) -> str:
    """The report as one self-contained HTML page in ``lang`` (a language of ``greenpark.i18n.LANGS``).

    ``currency2`` (JPY, USD): every money cell also in that currency, at the dated, sourced rate of
    ``finance/exchange_rates.csv`` (:func:`greenpark.finance.exchange_rate`) stated on page 1 and in the appendix.
    """
    t = translator(lang)
    cur2 = None
    if currency2 is not None:
        row = exchange_rate(currency2)
        # as quoted: VND per JPY to 2 decimals (179.70), VND per USD whole (24,837)
        cur2 = {"code": currency2, "row": row, "rate": format_number(row.value, lang, 2 if row.value < 1000 else 0)}

    def mvnd(v: float | None, d: int = 1) -> str:
        """Millions of VND; with a second currency, its whole units under them (grey)."""
        shown = format_number(None if v is None else v / 1e6, lang, d)
        if cur2 is None or v is None:
            return shown
        other = format_number(in_currency(v, cur2["row"]), lang, 0)
        return Markup('{}<br><span class="cur2">{} {}</span>').format(shown, other, cur2["code"])

    zone = assessment["park"].get("timezone", "UTC")
    template = _env.get_template("report.html.j2")
    return template.render(
        a=assessment,
        t=t,
        lang=lang,
        n=lambda v, d=0: format_number(v, lang, d),
        sig=lambda v: format_sig(v, lang),
        pct=lambda v, d=1: format_percent(v, lang, d),
        pct_floor=lambda v, d=2: format_percent(v, lang, d, floor=True),
        money=lambda v: format_money(v, lang, assessment["park"].get("currency", "VND")),
        mvnd=mvnd,
        cur2=cur2,
        date=lambda v: format_date(v, lang),
        when=lambda v: format_datetime(v, lang, zone),
        clock=lambda v: format_clock(v, lang, zone),
        same_day=lambda s, e: _local(s, zone).date() == _local(e, zone).date(),
        material=lambda m: material_label(m, lang),
        label=lambda kind, code: label(kind, code, lang),
        labels=lambda kind, codes: labels(kind, list(codes or []), lang),
        phrase=lambda text, free=False: phrase(text, lang, free),
        unit=lambda u: unit_label(u, lang),
        explain_symbiosis=lambda m: symbiosis_explanation(m, lang),
        charts=_charts(assessment, lang, t),
        s=summary(assessment),
        names=_tenant_names(assessment, t),
        methods=_method_tables(assessment),
        method_notes=_method_notes(assessment),
        engines=ENGINES,
        zone=zone,
        max_events=MAX_EVENTS,
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
        "plan_cost_curve_by_measure": (assessment.get("plan") or {}).get("cost_curve_by_measure"),
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


def write_pdf(html: str, path: Path, base_url: str) -> Path:
    """Lay the report's HTML out as a PDF with WeasyPrint."""
    from weasyprint import HTML  # heavy (Pango, fonts): loaded only when a PDF is asked for

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html, base_url=base_url).write_pdf(path)
    return path


def write_report(
    assessment: dict[str, Any], out_dir: Path, lang: str = "en", pdf: bool = True, currency2: str | None = None
) -> dict[str, Path]:
    """Write ``report.html``, ``report.pdf``, ``assessment.json`` and ``tables/*.csv`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "assessment.json", "html": out_dir / "report.html"}
    paths["json"].write_text(json.dumps(assessment, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    html = render_html(assessment, lang, currency2)
    paths["html"].write_text(html, encoding="utf-8")
    _csv_tables(assessment, out_dir / "tables")
    if pdf:
        paths["pdf"] = write_pdf(html, out_dir / "report.pdf", str(out_dir))
    return paths
