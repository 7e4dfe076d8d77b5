"""The report's EIP chapter (report/templates/_eip.html.j2) from a hand-made EIP result, in Vietnamese and English."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
from test_report_render import _assessment

import testkit
from greenpark.eip import assess_eip
from greenpark.report import render_html


def _eip_json() -> dict:
    # the tiny park (2 tenants): t1 applies one RECP measure -> 1 of 2 = 50 % >= 20 % (Decree 35 Art. 37(2)(c));
    # no exchanges.csv -> Art. 37(2)(b) unknown; nothing else declared
    park = testkit.tiny_park()
    recp = pd.DataFrame({"tenant_id": ["t1"], "measure": ["LED"], "category": ["energy"],
                         "implemented_on": [dt.date(2024, 1, 1)], "saving": [1.0], "unit": ["kWh"],
                         "evidence": [None], "line": [2]})  # fmt: skip
    park = dataclasses.replace(park, tables={**park.tables, "recp_measures": recp})
    return assess_eip(park, 2024).model_dump(mode="json")


def _row(html: str, cid: str) -> list[str]:
    m = re.search(rf"<tr><td[^>]*>{re.escape(cid)} .*?</tr>", html, re.S)
    assert m, cid
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(0), re.S)]


def test_eip_chapter_in_vietnamese_and_english():
    a = _assessment() | {"eip": _eip_json()}
    a["stages"]["eip"] = {"status": "ok", "note": "", "seconds": 0.1}
    vi = render_html(a, "vi")
    assert 'id="eip"' in vi and "Khu công nghiệp sinh thái" in vi
    assert "Điều 37 Nghị định 35: chưa đủ dữ liệu để kết luận" in vi  # unknown: 37(2)(b) and others undecided
    row = _row(vi, "D35-37.2c")
    assert row[2:5] == ["đạt", "50,0%", "20,0%"]  # 1 / 2 tenants
    assert _row(vi, "D35-37.2b")[2] == "chưa xác định" and "bổ sung tệp exchanges.csv" in _row(vi, "D35-37.2b")[6]
    en = render_html(a, "en")
    assert _row(en, "D35-37.2c")[2:5] == ["met", "50.0%", "20.0%"]
    assert "Decree 35 Art. 37: cannot be decided yet" in en


def test_eip_chapter_says_a_skipped_stage():
    a = _assessment()
    a["stages"]["eip"] = {"status": "skipped", "note": "no readings", "seconds": 0.0}
    html = render_html(a, "en")
    section = html[html.index('<section id="eip">') :]
    assert "no readings" in section[: section.index("</section>")]
