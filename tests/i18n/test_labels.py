"""Codes and engine sentences in the reader's language (greenpark.i18n.labels).

Expected strings are written out literally; the English input sentences are the engines' own output (copied
from the example park's assessment.json).
"""

from __future__ import annotations

import pytest

from greenpark import i18n
from greenpark.errors import MissingMessageError
from greenpark.model import MeterKind, Sector, Treatment
from greenpark.reference import load_table
from langkit import english_left

LANGS = ("en", "vi", "ja")


def _codes(table: str, column: str) -> list[str]:
    return sorted({str(v).strip().lower() for v in load_table(table)[column]})


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("route", _codes("waste/routes", "route")),
        ("material", _codes("waste/symbiosis_materials", "material")),
        ("param", _codes("water/parameters", "parameter")),
        ("measure", [*_codes("plan/measures", "measure"), "rooftop_pv"]),
        ("sector", [s.value for s in Sector]),
        ("treatment", [t.value for t in Treatment]),
        ("kind", [k.value for k in MeterKind]),
        ("rule", ["water.exceedance", "water.missing_data", "water.sensor_fault.flat_line",
                  "water.sensor_fault.out_of_range"]),
    ],
)  # fmt: skip
def test_every_code_of_the_reference_data_has_a_label_in_every_language(kind, codes):
    for lang in LANGS:
        missing = [c for c in codes if not i18n.has_label(kind, c, lang)]
        assert missing == [], (kind, lang)


def test_labels_name_the_codes_the_issue_found_raw():
    assert i18n.label("route", "co_processing", "vi") == "Đồng xử lý (lò xi măng)"
    assert i18n.label("route", "co_processing", "ja") == "セメントキルンでの混焼処理"
    assert i18n.label("param", "ammonium_n", "en") == "Ammonium (NH4-N)"
    assert i18n.label("param", "ammonium_n", "ja") == "アンモニア性窒素"
    assert i18n.label("measure", "heat_pump_water_heating", "vi") == "Đun nước nóng bằng bơm nhiệt"
    assert i18n.label("measure", "heat_pump_water_heating", "ja") == "ヒートポンプ給湯"
    assert i18n.labels("flag", ["recalled", "study"], "ja") == "二次情報に基づく値（要確認）、調査研究値（未公表）"


def test_a_code_without_label_is_an_error_in_strict_mode():
    with pytest.raises(MissingMessageError, match=r"label 'route\.pyrolysis' missing from locales/ja\.json"):
        i18n.label("route", "pyrolysis", "ja")


def test_alert_message_in_three_languages_with_local_numbers():
    text = "WWTP1: ammonium_n beyond 4.5 mg/l for 7 h (peak 7.76)"  # greenpark.water.assessment + ingest prefix
    assert i18n.phrase(text, "en") == "WWTP1: Ammonium (NH4-N) beyond 4.5 mg/l for 7 h (peak 7.76)"
    assert i18n.phrase(text, "vi") == "WWTP1: Amoni (NH4+ tính theo N) vượt 4,5 mg/l trong 7 giờ (cao nhất 7,76)"
    assert i18n.phrase(text, "ja") == "WWTP1：アンモニア性窒素が4.5 mg/lを7時間超過（最大7.76）"


def test_decree06_reasons_nest_and_reformat_numbers():
    # greenpark.ghg.decree06.duty_check: a tenant on the list, measured over both thresholds
    text = "listed in Decision 13/2024/QD-TTg; screen: measured >= 3,000 tCO2e/yr; >= 1,000 TOE/yr"
    assert i18n.phrase(text, "vi") == (
        "có tên trong Quyết định 13/2024/QD-TTg; sàng lọc: số đo ≥ 3.000 tCO2e/năm; ≥ 1.000 TOE/năm"
    )
    assert i18n.phrase(text, "ja") == (
        "首相決定13/2024/QD-TTgに掲載。スクリーニング：実測値が年3,000 tCO2e以上、年1,000 TOE以上"
    )
    partial = "screen: coverage partial: a partial year cannot show the tenant stays below the thresholds"
    assert i18n.phrase(partial, "ja") == (
        "スクリーニング：カバー率（一部期間）：一部期間のデータでは閾値未満であることを示せない"
    )


def test_dates_inside_sentences_are_written_as_the_reader_writes_them():
    text = "QCVN 40:2025 not yet in force (from 2025-09-01)"  # greenpark.water.standards
    assert i18n.phrase(text, "ja") == "QCVN 40:2025は未施行（2025年9月1日施行）"
    assert i18n.phrase(text, "vi") == "QCVN 40:2025 chưa có hiệu lực (từ 1 thg 9, 2025)"


def test_a_sentence_no_template_matches_is_an_error_in_strict_mode_unless_free():
    with pytest.raises(MissingMessageError, match="no note.* template matching 'the moon is made of cheese'"):
        i18n.phrase("the moon is made of cheese", "vi")
    assert i18n.phrase("Traceback: KeyError 'x'", "vi", free=True) == "Traceback: KeyError 'x'"


def test_local_time_of_an_utc_moment():
    # 07:00 UTC is 14:00 in Asia/Ho_Chi_Minh (UTC+7, no DST)
    assert i18n.format_datetime("2024-03-12T07:00:00Z", "ja", "Asia/Ho_Chi_Minh") == "2024年3月12日 14:00"
    assert i18n.format_datetime("2024-03-12T07:00:00Z", "en", "Asia/Ho_Chi_Minh") == "12 Mar 2024 14:00"


def test_english_detector_finds_what_the_issue_found():
    # the Vietnamese report before issue 18: codes and English reasons
    found = english_left(["co_processing", "screen: measured >= 3,000 tCO2e/yr", "Chôn lấp", "QCVN40:2011 A"], "vi")
    assert found == [
        "'co_processing': ['co_processing']",
        "'screen: measured >= 3,000 tCO2e/yr': ['measured', 'screen']",
    ]
    assert english_left(["排出量 tCO2e", "T05 Kobe Electronics", "Landfill"], "ja", {"Kobe Electronics"}) == [
        "'Landfill': ['Landfill']"
    ]


def test_the_park_without_a_full_year_estimate_note_reads_in_each_language():
    """The inventory's park-level note (ghg.inventory, a park with parts below the estimate threshold) has a
    template: the report's vi/ja pages showed it in English, then failed under strict mode."""
    note = "no full-year estimate for the park: T03, T07 have none (coverage too low or not measured)"
    assert i18n.phrase(note, "vi") == (
        "không có ước tính cả năm cho khu công nghiệp: T03, T07 không có ước tính (độ phủ quá thấp hoặc chưa đo)"
    )
    ja = "工業団地の通年推計値なし：T03, T07 に推計値がありません（カバー率が低すぎるか未計測）"
    assert i18n.phrase(note, "ja") == ja


@pytest.mark.parametrize(
    "note",
    [
        "no flow measured and no tenant discharge volumes: volume-based figures left out",  # water.efficiency
        "no inlet COD: TOW unknown",  # water.ghg_link
        "no outlet total N: effluent nitrogen unknown",  # water.ghg_link
    ],
)
def test_the_wwtp_notes_of_a_plant_without_flow_or_lab_data_have_templates(note):
    """A WWTP without flow, inlet COD or outlet N (the tiny park's) writes these notes; their templates were lost
    once when two engineers each removed the other's copy of a duplicate: the report run then failed."""
    assert i18n.phrase(f"wwtp1: {note}", "vi") != f"wwtp1: {note}"
    assert i18n.phrase(f"wwtp1: {note}", "ja") != f"wwtp1: {note}"
