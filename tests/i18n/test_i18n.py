"""greenpark.i18n: catalogues, the fallback policy, the one number formatter, sentences about results.

Every expected string is written out literally (never produced with the formatter under test). Number formats
are CLDR's (Babel 2.x): vi_VN groups thousands with '.' and marks decimals with ',', en_GB the reverse; the
percent pattern is '#,##0%' in both (no space before '%').
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from types import SimpleNamespace

import pytest

from greenpark import i18n
from greenpark.errors import InputError, MissingMessageError
from greenpark.i18n import messages

# units, acronyms and chemistry written the same in English, Vietnamese and Japanese (pH, COD, BOD5: QCVN 40
# and JIS K 0102 write them so), and punctuation-only templates
SAME_IN_BOTH = frozenset(
    {"col.kwp", "col.kwh", "unit.tco2e", "unit.kwh", "unit.mwh", "unit.kwp", "abbr.toe", "abbr.npv", "abbr.irr",
     "abbr.lcoe", "abbr.cod", "abbr.tss", "overview.unit", "param.ph", "param.cod", "param.bod5", "list.separator",
     "note.prefixed", "unitname.degC",
     # the CLI's unit-only headings and an R2/FSU line of figures
     "cli.col.kwh_m2", "cli.col.kwp", "cli.col.mwh", "cli.col.t", "cli.col.tco2e", "cli.col.toe",
     "cli.water.kwh_per_m3", "cli.savings.uncertainty_value"}
)  # fmt: skip


def test_every_catalogue_has_the_english_keys_and_translates_them():
    assert i18n.LANGS[0] == "en" and set(i18n.LANGS) >= {"en", "vi"}
    en = i18n.catalogue("en")
    for lang in i18n.LANGS:
        cat = i18n.catalogue(lang)
        assert set(cat) == set(en), lang
        assert cat["locale.babel"] and cat["locale.name"]
        if lang != "en":
            same = [k for k in en if cat[k] == en[k] and k not in SAME_IN_BOTH and k not in i18n.META_KEYS]
            assert same == [], lang


def test_format_number_vietnamese_and_english():
    assert i18n.format_number(1234567.891, "vi", 1) == "1.234.567,9"
    assert i18n.format_number(1234567.891, "en", 1) == "1,234,567.9"
    assert i18n.format_number(1234567.891, "vi") == "1.234.568"
    assert i18n.format_number(0.5, "en", 2) == "0.50"
    # halves round up, not to even: 2.5 -> 3, 1,234.5 -> 1,235
    assert i18n.format_number(2.5, "en") == "3"
    assert i18n.format_number(1234.5, "vi") == "1.235"
    assert i18n.format_number(None, "vi") == "–"
    assert i18n.format_number(math.nan, "en") == "–"


def test_format_sig_percent_money_date():
    assert i18n.format_sig(1234.56, "vi") == "1.235"
    assert i18n.format_sig(12.345, "vi") == "12,3"
    assert i18n.format_sig(1.2345, "en") == "1.23"
    assert i18n.format_sig(0.012345, "en") == "0.012"
    assert i18n.format_percent(0.123, "vi") == "12,3%"
    assert i18n.format_percent(0.123, "en") == "12.3%"
    assert i18n.format_percent(0.12345, "en", 2) == "12.35%"
    assert i18n.format_percent(0.5, "vi", 0) == "50%"
    assert i18n.format_money(2.5e9, "vi") == "2.500,0 triệu VND"
    assert i18n.format_money(2.5e9, "en") == "VND 2,500.0 million"
    assert i18n.format_money(2.5e9, "vi", scale="billion") == "2,5 tỷ VND"
    assert i18n.format_money(1234567, "en", scale="unit") == "VND 1,234,567"
    assert i18n.format_money(None, "vi") == "–"
    assert i18n.format_date(dt.date(2024, 3, 5), "en") == "5 Mar 2024"
    assert i18n.format_date("2024-03-05T10:00:00+07:00", "vi") == "5 thg 3, 2024"


def test_separators_for_the_dashboard_script():
    assert i18n.separators("vi") == (",", ".")
    assert i18n.separators("en") == (".", ",")


def test_unknown_language_is_an_input_error():
    with pytest.raises(InputError, match="unknown language 'fr'; choose one of en, ja, vi"):
        i18n.translator("fr")


def test_translator_fills_fields():
    t = i18n.translator("vi")
    assert t("report.subtitle", park="P", year=2024) == "P · năm 2024"


def test_missing_key_is_an_error_in_strict_mode():
    # the tests run strict (tests/conftest.py sets GREENPARK_I18N_STRICT=1)
    assert i18n.is_strict()
    with pytest.raises(MissingMessageError, match=r"message 'no.such.key' missing from locales/vi.json"):
        i18n.translator("vi")("no.such.key")


def test_fallback_outside_strict_mode(monkeypatch, caplog):
    i18n.set_strict(False)
    try:
        monkeypatch.setitem(i18n.catalogue("vi"), "x.only_en", "Only in English")  # not in vi...
        monkeypatch.delitem(i18n.catalogue("vi"), "x.only_en")
        monkeypatch.setitem(i18n.catalogue("en"), "x.only_en", "Only in English")  # ...only in en
        with caplog.at_level(logging.WARNING, logger="greenpark.i18n.messages"):
            assert i18n.translator("vi")("x.only_en") == "Only in English"
        assert "message 'x.only_en' missing from locales/vi.json" in caplog.text
        assert i18n.translator("vi")("x.nowhere") == "x.nowhere"
    finally:
        i18n.set_strict(None)
    assert i18n.is_strict()


def test_a_new_language_is_one_file(tmp_path, monkeypatch):
    # copy English, declare Japanese's CLDR locale: translator and numbers work with no code change
    en = dict(i18n.catalogue("en"))
    (tmp_path / "en.json").write_text(json.dumps(en), encoding="utf-8")
    ja = {**en, "locale.babel": "ja_JP", "locale.name": "日本語", "report.contents": "目次"}
    (tmp_path / "ja.json").write_text(json.dumps(ja, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(messages, "LOCALE_DIR", tmp_path)
    monkeypatch.setattr(messages, "LANGS", messages.languages())
    messages.catalogue.cache_clear()
    try:
        assert messages.LANGS == ("en", "ja")
        assert i18n.translator("ja")("report.contents") == "目次"
        assert i18n.format_number(1234567.891, "ja", 1) == "1,234,567.9"
        assert i18n.format_date(dt.date(2024, 3, 5), "ja") == "2024/03/05"
    finally:
        messages.catalogue.cache_clear()


def test_request_lang():
    def req(query: dict, cookies: dict) -> SimpleNamespace:
        return SimpleNamespace(query_params=query, cookies=cookies)

    assert i18n.request_lang(req({"lang": "vi"}, {})) == ("vi", True)
    assert i18n.request_lang(req({}, {"greenpark_lang": "vi"})) == ("vi", False)
    assert i18n.request_lang(req({"lang": "xx"}, {"greenpark_lang": "xx"})) == ("en", False)


# a proposed exchange as the engine returns it (numbers only); figures of tests/waste/test_symbiosis.py
FOOD = {
    "giver": "G3",
    "taker": "K2",
    "material": "food processing residues",
    "quantity_t_per_year": 120.0,
    "net_benefit_vnd": 84_886_306.36,
    "benefit_vnd_per_t": 770_000.0,
    "value_to_taker_vnd_per_t": 150_000.0,
    "giver_outlet_vnd_per_t": -700_000.0,
    "transport_vnd_per_t": 80_000.0,
    "preparation_vnd_per_t": 0.0,
    "setup_vnd_per_yr": 7_513_693.64,
    "setup_cost_vnd": 30_000_000.0,
    "setup_life_years": 5.0,
    "avoided_tco2e": 164.64,
    "giver_current_route": "landfill",
    "giver_recycles": False,
}


def test_symbiosis_explanation_english_and_vietnamese():
    assert i18n.symbiosis_explanation(FOOD, "en") == (
        "G3 gives 10.0 t/month of food processing residues to K2 (today: Landfill): net 85 M VND/yr = "
        "770k VND/t x 120 t (value to taker 150k, giver's outlet -700k, transport 80k, preparation 0k) "
        "- set-up 7.5 M VND/yr (30 M VND once over 5 years); avoids 164.6 tCO2e/yr"
    )
    assert i18n.symbiosis_explanation(FOOD, "vi") == (
        "G3 chuyển 10,0 t/tháng phụ phẩm chế biến thực phẩm cho K2 (hiện nay: Chôn lấp): lợi ích ròng "
        "85 triệu VND/năm (770 nghìn VND/t x 120 t - chi phí thiết lập 7,5 triệu VND/năm "
        "(30 triệu VND một lần, dùng 5 năm)); giảm 164,6 tCO2e/năm"
    )


def test_symbiosis_explanation_of_a_recycled_stream():
    m = {**FOOD, "giver_current_route": None, "giver_recycles": True}
    assert i18n.symbiosis_explanation(m, "en").endswith(
        "avoids 164.6 tCO2e/yr (already recycled or reused today: no extra credit)"
    )
    assert i18n.symbiosis_explanation(m, "vi").startswith("G3 chuyển 10,0 t/tháng phụ phẩm chế biến thực phẩm cho K2: ")


def test_japanese_numbers_money_and_dates():
    # CLDR ja_JP: ',' groups thousands, '.' marks decimals; Japanese write dates 2024年3月5日 (CLDR 'long')
    assert i18n.format_number(1234.5, "ja", 1) == "1,234.5"
    assert i18n.format_percent(0.123, "ja") == "12.3%"
    assert i18n.format_money(2.5e9, "ja") == "2,500.0百万VND"
    assert i18n.format_date(dt.date(2024, 3, 5), "ja") == "2024年3月5日"
    assert i18n.separators("ja") == (".", ",")
    assert i18n.translator("ja")("report.subtitle", park="P", year=2024) == "P・2024年"
