"""The eco-industrial-park registration dossier, drafted in Vietnamese from an EIP result (DOCX, python-docx).

Decree 35/2022/ND-CP Art. 41(2) lists the dossier: (a) the written registration, (b) the report on the park's
operation and investment attraction, (c) the evaluation and explanation of meeting the Art. 37 criteria with the
documents behind it, (d) other documents. The draft writes the four parts from the result's figures and puts the
evidence tables in annexes: criteria with values and evidence, eco-enterprises, the roadmap, the thresholds and
their sources. It renders from the result's JSON alone (``EipResult.model_dump(mode="json")``), like the report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from greenpark.i18n import format_date, format_number, format_percent, label, material_label, translator


def _value(v: Any, unit: str, lang: str) -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if unit == "fraction":
        return format_percent(v, lang, 1)
    return format_number(v, lang, 0 if float(v).is_integer() else 2)


def criterion_value(c: dict[str, Any], lang: str) -> tuple[str, str]:
    """The value and the threshold of a criterion as people read them (``≥ 20,0 %``)."""
    comp = {">=": "≥ ", "<=": "≤ ", "==": "= "}.get(c["comparator"], "")
    return _value(c["value"], c["unit"], lang), comp + _value(c["threshold"], c["unit"], lang)


def evidence_text(c: dict[str, Any], lang: str) -> str:
    """The evidence of a criterion in one cell, language-neutral: each item's file, stage or key, its lines and
    its figure (``compliance_events.csv (dòng 3): 1``)."""
    t = translator(lang)
    parts = []
    for e in c["evidence"]:
        lines = ", ".join(map(str, e["lines"][:12])) + (" …" if len(e["lines"]) > 12 else "")
        where = e["subject"] + (" " + t("eip.lines", lines=lines) if e["lines"] else "")
        value = e["value"]
        shown = value if isinstance(value, str) else (format_number(value, lang, 2) if value is not None else "")
        parts.append(f"{where}: {shown}" if shown else where)
    return "; ".join(p for p in parts if p)


def missing_text(items: list[dict[str, Any]], lang: str) -> str:
    """What is missing, translated by code."""
    t = translator(lang)
    return "; ".join(t(m["code"], subject=m["subject"]) for m in items)


def step_text(a: dict[str, Any], lang: str) -> str:
    """A roadmap step in the reader's language: the action, the tenant and the measure's or material's name."""
    t = translator(lang)
    head = t("eip.action." + a["action"])
    if a.get("measure"):
        return f"{head}: {a['tenant_id']} {label('measure', a['measure'], lang)}"
    if a.get("material"):
        return f"{head}: {a['tenant_id']} → {a['taker']} {material_label(a['material'], lang)}"
    if a["action"] == "wait" and a.get("subject"):
        return f"{head}: {format_date(a['subject'], lang)}"
    return f"{head}: {t('eip.criterion.' + a['criterion_id'])}"


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for r in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, r, strict=True):
            cell.text = text


def write_dossier(result: dict[str, Any], path: str | Path, lang: str = "vi") -> Path:
    """Write the registration dossier draft of ``result`` (an EIP result's JSON) to ``path`` (.docx)."""
    t = translator(lang)
    park = result.get("park", {})
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    for text, bold in ((t("dossier.national_motto"), True), (t("dossier.motto2"), False)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).bold = bold
    doc.add_heading(t("dossier.title"), level=1)
    doc.add_paragraph(t("dossier.draft_note", date=format_date(dt.date.today(), lang))).italic = True
    doc.add_paragraph(t("dossier.basis"))
    doc.add_paragraph(t("dossier.to", province=park.get("province", "")))

    doc.add_heading(t("dossier.part_a"), level=2)
    doc.add_paragraph(
        t(
            "dossier.registration_text",
            park=park.get("name", result["park_id"]),
            area=format_number(park.get("area_ha"), lang, 0),
            tenants=format_number(park.get("tenants"), lang, 0),
        )
    )
    doc.add_paragraph(t("eip.judged_on", date=format_date(result["as_of"], lang),
                        start=format_date(result["window_start"], lang)))  # fmt: skip

    doc.add_heading(t("dossier.part_b"), level=2)
    figures = result.get("figures", {})
    doc.add_paragraph(
        t(
            "dossier.operation_text",
            tenants=format_number(park.get("tenants"), lang, 0),
            employees=format_number(park.get("employees"), lang, 0),
            year=result["year"],
            kwh=format_number(figures.get("electricity_kwh"), lang, 0),
            renewable=format_percent(figures.get("renewable_share"), lang, 1),
            tco2e=format_number(figures.get("total_tco2e"), lang, 0),
        )
    )

    doc.add_heading(t("dossier.part_c"), level=2)
    d35 = [c for c in result["criteria"] if c["framework"] == "decree35"]
    rows = []
    for c in d35:
        value, threshold = criterion_value(c, lang)
        rows.append([c["clause"], t(f"eip.criterion.{c['id']}"), value, threshold, t(f"eip.status.{c['status']}")])
    _table(doc, [t("eip.col.clause"), t("eip.col.title"), t("eip.col.value"), t("eip.col.threshold"),
                 t("eip.col.status")], rows)  # fmt: skip
    status = t(f"eip.park_status.{result['park_status']}")
    doc.add_paragraph(t("dossier.conclusion", status=status))
    if result["not_met"]:
        doc.add_paragraph(t("eip.not_met_list", ids=", ".join(result["not_met"])))
    if result["unknown"]:
        doc.add_paragraph(t("eip.unknown_list", ids=", ".join(result["unknown"])))
    fs = result["framework_summary"]
    doc.add_paragraph(t("eip.framework_summary", met=fs["met"], not_met=fs["not_met"], unknown=fs["unknown"]))

    doc.add_heading(t("dossier.part_d"), level=2)
    annexes = ("dossier.annex_criteria", "dossier.annex_enterprises", "dossier.annex_roadmap", "dossier.annex_sources")
    for n, key in enumerate(annexes, start=1):
        doc.add_paragraph(t("dossier.annex", n=n, title=t(key)), style="List Bullet")
    sets = result.get("dossier_sets")
    if sets:
        doc.add_paragraph(t("dossier.sets", sets=format_number(sets, lang, 0)))
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.add_run(t("dossier.signature")).bold = True

    doc.add_page_break()
    doc.add_heading(t("dossier.annex", n=1, title=t("dossier.annex_criteria")), level=2)
    rows = []
    for c in result["criteria"]:
        value, threshold = criterion_value(c, lang)
        status, basis = t(f"eip.status.{c['status']}"), t(f"eip.basis.{c['basis']}")
        rows.append([c["id"], t(f"eip.criterion.{c['id']}"), status, value, threshold, basis, evidence_text(c, lang),
                     missing_text(c["missing"], lang)])  # fmt: skip
    _table(doc, [t("eip.col.id"), t("eip.col.title"), t("eip.col.status"), t("eip.col.value"), t("eip.col.threshold"),
                 t("eip.col.basis"), t("eip.col.evidence"), t("eip.col.missing")], rows)  # fmt: skip

    doc.add_heading(t("dossier.annex", n=2, title=t("dossier.annex_enterprises")), level=2)
    ents = result["eco_enterprises"]
    counts = {s: sum(1 for e in ents if e["status"] == s) for s in ("met", "not_met", "unknown")}
    doc.add_paragraph(t("eip.enterprises_summary", total=len(ents), **counts))
    _table(
        doc,
        [t("eip.col.tenant"), t("eip.col.status"), t("eip.col.recp"), t("eip.col.exchanges"), t("eip.col.standards"),
         t("eip.col.missing")],
        [[f"{e['tenant_id']} {e['name']}", t(f"eip.status.{e['status']}"), _value(e["recp_measures"], "", lang),
          ", ".join(e["exchanges"]), ", ".join(e["standards"]), missing_text(e["missing"], lang)] for e in ents],
    )  # fmt: skip

    doc.add_heading(t("dossier.annex", n=3, title=t("dossier.annex_roadmap")), level=2)
    if result["roadmap"]:
        _table(
            doc,
            [t("eip.col.id"), t("eip.col.step"), t("eip.col.capex"), t("eip.col.annual"), t("eip.col.months")],
            [[a["criterion_id"], step_text(a, lang),
              format_number(a["capex_vnd"] / 1e6 if a["capex_vnd"] is not None else None, lang, 0),
              format_number(a["annual_cost_vnd"] / 1e6 if a["annual_cost_vnd"] is not None else None, lang, 0),
              format_number(a["months"], lang, 0)] for a in result["roadmap"]],
        )  # fmt: skip
    else:
        doc.add_paragraph(t("eip.roadmap_none"))

    doc.add_heading(t("dossier.annex", n=4, title=t("dossier.annex_sources")), level=2)
    _table(doc, [t("eip.col.id"), t("eip.col.clause"), t("eip.col.confidence"), t("eip.col.source")],
           [[c["id"], c["clause"], c["confidence"], c["source"]] for c in result["criteria"]])  # fmt: skip
    doc.add_paragraph(t("eip.threshold_note"))
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out
