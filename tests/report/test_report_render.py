"""The report: numbers equal to the JSON in each locale, no English left in Vietnamese (hand-made assessment)."""

import json
import re

import pytest

from greenpark.i18n import catalogue
from greenpark.report import render_html, write_report

# units and acronyms written the same in English and Vietnamese
SAME_IN_BOTH = frozenset(
    {"col.kwp", "col.kwh", "unit.tco2e", "unit.kwh", "unit.mwh", "unit.kwp", "abbr.toe", "abbr.npv", "abbr.irr",
     "abbr.lcoe", "abbr.cod", "abbr.tss", "overview.unit"}
)  # fmt: skip


# one proposed symbiosis exchange as assessment.json holds it (numbers only; the report writes the sentence)
MATCH = {
    "giver": "G3", "taker": "K2", "material": "wwtp sludge", "quantity_t_per_year": 240.0,
    "net_benefit_vnd": 117_286_306.4, "avoided_tco2e": 0.0, "benefit_vnd_per_t": 520_000.0,
    "value_to_taker_vnd_per_t": 0.0, "giver_outlet_vnd_per_t": -700_000.0, "transport_vnd_per_t": 80_000.0,
    "preparation_vnd_per_t": 100_000.0, "setup_vnd_per_yr": 7_513_693.6, "setup_cost_vnd": 30_000_000.0,
    "setup_life_years": 5.0, "giver_recycles": False, "giver_current_route": "landfill", "taker_route": None,
    "giver_capacity_t_per_year": 360.0, "taker_capacity_t_per_year": 240.0,
}  # fmt: skip


REASON = "screen: measured >= 3,000 tCO2e/yr; >= 1,000 TOE/yr"  # what greenpark.ghg.decree06.duty_check writes


def _assessment():
    """A tiny assessment JSON written by hand (the shape greenpark.assess returns)."""
    tenant = {
        "tenant_id": "T1", "name": "Alpha", "scope1_tco2e": 1234.5, "scope2_location_tco2e": 6810.0,
        "scope2_market_tco2e": 6000.0, "scope3_tco2e": 12.25, "total_tco2e": 8056.75, "energy_toe": 1543.0,
        "decree06_inventory_required": True, "decree06_reason": REASON,
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
                  "tco2e": {"landfill": 1217.3}, "tco2e_total": 1217.3, "symbiosis_matches": [MATCH], "notes": []},
    }  # fmt: skip


# what each marked cell must show for _assessment(), written by hand from its JSON (CLDR: English groups with ','
# and marks decimals with '.', Vietnamese the reverse; percentages without a space in both; halves round up)
SHOWN = {
    "en": {
        "inventory.total_tco2e": "8,057",  # 8,056.75
        "inventory.total_market_tco2e": "7,247",  # 7,246.75
        "inventory.renewable_share": "11.9%",  # 0.1189
        "waste.recovery_rate": "70.1%",  # 0.701
        "inventory.scope1_tco2e": "1,235",  # 1,234.5 (half up)
        "inventory.scope2_location_tco2e": "6,810",
        "inventory.scope2_market_tco2e": "6,000",
        "inventory.scope3_tco2e": "12",  # 12.25
        "waste.total_t": "5,993.1",  # 5,993.05 (half up, one decimal)
    },
    "vi": {
        "inventory.total_tco2e": "8.057",
        "inventory.total_market_tco2e": "7.247",
        "inventory.renewable_share": "11,9%",
        "waste.recovery_rate": "70,1%",
        "inventory.scope1_tco2e": "1.235",
        "inventory.scope2_location_tco2e": "6.810",
        "inventory.scope2_market_tco2e": "6.000",
        "inventory.scope3_tco2e": "12",
        "waste.total_t": "5.993,1",
    },
}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_report_numbers_equal_the_json(lang):
    html = render_html(_assessment(), lang)
    cells = dict(re.findall(r'data-key="([\w.]+)">([^<]+)<', html))
    assert {k: v.strip() for k, v in cells.items()} == SHOWN[lang]


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


def test_symbiosis_sentence_in_the_readers_language():
    en, vi = render_html(_assessment(), "en"), render_html(_assessment(), "vi")
    assert (
        "G3 gives 20.0 t/month of WWTP sludge to K2 (today: Landfill): net 117 M VND/yr = 520k VND/t x 240 t "
        "(value to taker 0k, giver&#39;s outlet -700k, transport 80k, preparation 100k) - set-up 7.5 M VND/yr "
        "(30 M VND once over 5 years); avoids 0.0 tCO2e/yr"
    ) in en
    assert (
        "G3 chuyển 20,0 t/tháng bùn thải trạm xử lý nước thải cho K2 (hiện nay: Chôn lấp): lợi ích ròng "
        "117 triệu VND/năm (520 nghìn VND/t x 240 t - chi phí thiết lập 7,5 triệu VND/năm (30 triệu VND một lần, "
        "dùng 5 năm)); giảm 0,0 tCO2e/năm"
    ) in vi
