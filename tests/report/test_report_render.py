"""The report: locale formats, complete translations, numbers equal to the JSON (hand-made assessment)."""

import json
import re

import pytest

from greenpark.report import render_html, write_report
from greenpark.report.formatting import fmt_money, fmt_number, fmt_pct
from greenpark.report.i18n import SAME_IN_BOTH, catalogue


def test_vietnamese_number_format():
    # Vietnamese (CLDR vi_VN): '.' groups thousands, ',' marks decimals
    assert fmt_number(1234567.891, "vi", 1) == "1.234.567,9"
    assert fmt_number(1234567.891, "en", 1) == "1,234,567.9"
    assert fmt_pct(0.123, "vi") == "12,3 %"
    assert fmt_money(2.5e9, "vi") == "2.500,0 triệu VND"
    assert fmt_number(None, "vi") == "–"


def test_catalogues_complete_and_translated():
    en, vi = catalogue("en"), catalogue("vi")
    assert set(en) == set(vi)
    untranslated = [k for k in en if en[k] == vi[k] and k not in SAME_IN_BOTH]
    assert untranslated == []


def _assessment():
    """A tiny assessment JSON written by hand (the shape greenpark.assess returns)."""
    tenant = {
        "tenant_id": "T1", "name": "Alpha", "scope1_tco2e": 1234.5, "scope2_location_tco2e": 6810.0,
        "scope2_market_tco2e": 6000.0, "scope3_tco2e": 12.25, "total_tco2e": 8056.75, "energy_toe": 1543.0,
        "decree06_inventory_required": True, "decree06_reason": "≥ 3000 tCO2e",
    }  # fmt: skip
    return {
        "meta": {"park_id": "p", "year": 2024, "gwp": "AR5", "generated_at": "2026-11-29T00:00:00+00:00",
                 "greenpark_version": "0.1.0", "quarantined_rows": 0, "study_date": "2026-11-29"},
        "park": {"name": "Park P", "province": "Dong Nai", "currency": "VND", "tenants": 1, "roofs": 0,
                 "targets": {"ghg_reduction_pct": {"2030": 30}}},
        "stages": {"load": {"status": "ok", "note": "", "seconds": 1.0},
                   "solar": {"status": "skipped", "note": "no roofs", "seconds": 0.0}},
        "inventory": {
            "gwp": "AR5", "total_tco2e": 8056.75, "total_market_tco2e": 7246.75, "scope1_tco2e": 1234.5,
            "scope2_location_tco2e": 6810.0, "scope2_market_tco2e": 6000.0, "scope3_tco2e": 12.25,
            "biogenic_co2_t": 10.0, "renewable_share": 0.1189, "grid_import_kwh": 10_000_000.0,
            "tenants": [tenant], "by_month": [{"period": "2024-01", "scope1_tco2e": 1.0, "scope2_location_tco2e": 2.0,
                                                "scope2_market_tco2e": 2.0, "scope3_tco2e": 0.5}],
            "factors": [{"name": "grid", "value": 0.681, "unit": "tCO2/MWh", "source": "DCC", "edition": "",
                         "flags": ["study"]}],
            "notes": [],
        },
        "waste": {"total_t": 5993.05, "recovery_rate": 0.701, "by_route": {"landfill": 1411.9},
                  "tco2e": {"landfill": 1217.3}, "tco2e_total": 1217.3, "symbiosis_matches": [], "notes": []},
    }  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_report_numbers_equal_the_json(lang):
    a = _assessment()
    html = render_html(a, lang)
    cells = dict(re.findall(r'data-key="([\w.]+)">([^<]+)<', html))
    for key, shown in cells.items():
        value = a
        for part in key.split("."):
            value = value[int(part)] if part.isdigit() else value[part]
        if key.endswith(("_rate", "_share")):
            expected = [fmt_pct(value, lang, d) for d in (1, 2)]
        else:
            expected = [fmt_number(value, lang, 0), fmt_number(value, lang, 1)]
        assert shown.strip() in expected, (key, shown, expected)
    assert "inventory.total_tco2e" in cells and "waste.recovery_rate" in cells
    # 8,056.75 tCO2e rounds to 8,057 (en) / 8.057 (vi)
    assert cells["inventory.total_tco2e"] == ("8.057" if lang == "vi" else "8,057")


def test_vietnamese_report_has_no_english_source_strings():
    html = render_html(_assessment(), "vi")
    en, vi = catalogue("en"), catalogue("vi")
    leaked = [
        en[k]
        for k in en
        if k not in SAME_IN_BOTH and "{" not in en[k] and len(en[k]) > 3 and en[k] != vi[k] and f">{en[k]}<" in html
    ]
    assert leaked == []
    assert "Kiểm kê khí nhà kính" in html and "Không đánh giá: no roofs" in html


def test_write_report_files(tmp_path):
    paths = write_report(_assessment(), tmp_path, lang="en", pdf=True)
    assert json.loads(paths["json"].read_text())["inventory"]["total_tco2e"] == 8056.75
    assert paths["pdf"].read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "tables" / "inventory_tenants.csv").exists()
    assert "<svg" in paths["html"].read_text()
