"""The example park's report, read back as a reader would: every table's headers and values are in the PDF
(pdfplumber), nothing is printed beyond the page or on top of other text, page 1 stands alone, and the cost
curve's bars are as wide as the measures' abatements in assessment.json. In every language of the catalogues.
"""

import json
import re
from collections import defaultdict

import pytest
from reportkit import (
    axis_scale,
    by_id,
    missing_from_pdf,
    off_page,
    overlapping,
    page_text,
    path_points,
    pdf_words,
    svg_with,
)

from greenpark.assess import assess
from greenpark.i18n import LANGS, catalogue, separators
from greenpark.report import write_report

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def assessment(example_park):
    return assess(str(example_park), year=2024, workers=1).to_json()


@pytest.fixture(scope="module")
def reports(assessment, tmp_path_factory):
    out = {}
    for lang in LANGS:
        folder = tmp_path_factory.mktemp(f"report-{lang}")
        paths = write_report(assessment, folder, lang=lang, pdf=True)
        out[lang] = (paths["html"].read_text(encoding="utf-8"), pdf_words(paths["pdf"]), paths)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_table_header_and_value_is_in_the_pdf(reports, lang):
    html, pages, _ = reports[lang]
    # every word of every th/td of the HTML, as often as the tables show it (a dropped column, a clipped
    # '85.019,5' read as '85' or a cell cut at the page edge would be missing)
    assert missing_from_pdf(html, pages) == {}
    assert off_page(pages) == []
    assert overlapping(pages) == []


@pytest.mark.parametrize("lang", LANGS)
def test_page_one_stands_alone_and_the_contents_follow(reports, assessment, lang):
    _, pages, _ = reports[lang]
    cat = catalogue(lang)
    first = page_text(pages, 1)
    for key in ("summary.targets", "summary.next_steps", "summary.compliance", "summary.caveats"):
        assert cat[key].split()[0] in first, key
    # the five next steps: each tenant id and its abatement as the language writes it
    _, grp = separators(lang)
    for m in assessment["plan"]["top_measures"][:5]:
        abated = f"{round(m['abatement_tco2e']):,}".replace(",", grp)
        assert m["tenant_id"] in first and abated in first, (m["tenant_id"], abated)
    # the four WWTP exceedances of the example (COD, NH4-N, TSS, pH) and the Decree 06 tenants
    assert len(assessment["water"]["wwtps"][0]["exceedances"]) == 4
    required = [t["tenant_id"] for t in assessment["inventory"]["tenants"] if t["decree06_status"] == "required"]
    assert required and all(t in first for t in required)
    assert page_text(pages, 2).startswith(cat["report.contents"].split()[0])


def test_cost_curve_bar_widths_equal_the_abatements_of_assessment_json(reports, assessment):
    html, _, paths = reports["en"]
    # the abatement of each measure summed over its tenants, from the per-tenant curve in assessment.json
    want = defaultdict(float)
    for row in json.loads(paths["json"].read_text())["plan"]["cost_curve"]:
        want[row["measure"]] += row["abatement_tco2e"]
    chart = svg_with(html, "macbar-")
    per_x, _ = axis_scale(chart, "x", lambda s: float(s.replace(",", "")))
    widths = {}
    for code, g in by_id(chart, "macbar-").items():
        xs = [x for x, _ in path_points(g)]
        widths[code] = (max(xs) - min(xs)) * per_x
    assert set(widths) == set(want)
    for code, w in widths.items():
        assert w == pytest.approx(want[code], rel=2e-3, abs=0.5), code
    assert re.search(r">\s*1e\d", html) is None  # no '1e8' axis offset anywhere
