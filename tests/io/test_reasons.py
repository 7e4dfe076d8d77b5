"""Rejected rows' reasons: a code with parameters, the English text kept, each reader's language."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from greenpark.cli import app
from greenpark.i18n import catalogue, reason_label
from greenpark.io.reasons import OTHER, REASONS, reason_code, reason_text

runner = CliRunner()
READINGS = "meter_id,timestamp,value\nE1,2024-01-01 00:00,1\nE1,2024-01-01 00:15,-2\nE9,2024-01-01 00:00,1\n"
SAMPLE = {  # parameters for each code, as the validation fills them
    "no_column": {"column": "meter_id", "columns": "meter_id, timestamp, value", "hint": ""},
    "required": {"field": "tenant_id", "description": "the tenant's id"},
    "not_a_number": {"field": "value"},
    "not_whole": {"field": "employees"},
    "out_of_range": {"field": "kq", "lo": "0.6", "hi": "1.2", "unit": ""},
    "not_bool": {"field": "cumulative"},
    "not_date": {"field": "commissioned"},
    "not_month": {"field": "period"},
    "not_timestamp": {"field": "timestamp"},
    "not_a_choice": {"field": "kind", "choices": "electricity, water"},
    "duplicate_values": {"values": "1, 2", "lines": "3, 4"},
    "duplicate_identical": {"line": "3"},
    "duplicate_key": {"what": "tenant_id", "line": "2"},
    "unknown_reference": {"column": "tenant_id", "target": "tenants.csv", "known": "T1, T2"},
    "unknown_meter_id": {"target": "meters.csv", "known": "E1, E2"},
    "unknown_unit": {"unit": "kWhh", "units": "%, 1, GJ, kWh"},
}


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_the_english_catalogue_says_what_the_io_writes():
    en = catalogue("en")
    assert {k[len("reason.") :] for k in en if k.startswith("reason.")} == set(REASONS)
    for code, text in REASONS.items():
        assert en[f"reason.{code}"] == text, code


@pytest.mark.parametrize("lang", ["vi", "ja"])
def test_each_language_uses_only_the_reasons_fields(lang):
    cat = catalogue(lang)
    for code, text in REASONS.items():
        # a translation may leave a field out (the schema's English description), never add one
        assert _fields(cat[f"reason.{code}"]) <= _fields(text), code


@pytest.mark.parametrize("code", sorted(REASONS))
def test_code_and_parameters_read_back_from_the_text(code):
    params = SAMPLE.get(code, {})
    assert reason_code(reason_text(code, **params)) == (code, params)


def test_a_reason_no_template_knows_is_shown_as_written():
    assert reason_code("meter sent a checksum error") == (OTHER, {"text": "meter sent a checksum error"})
    assert reason_label(OTHER, {"text": "meter sent a checksum error"}, "ja") == "meter sent a checksum error"


def test_an_unknown_unit_reads_back_from_the_units_error():
    from greenpark.errors import UnknownUnitError
    from greenpark.units import parse_unit

    with pytest.raises(UnknownUnitError) as exc:
        parse_unit("kWhh")
    code, params = reason_code(str(exc.value))
    assert code == "unknown_unit" and params["unit"] == "kWhh" and "kWh" in params["units"].split(", ")
    assert reason_label(code, params, "vi").startswith("đơn vị không xác định 'kWhh'; các đơn vị đã biết: ")


def test_reasons_in_each_language():
    code, params = reason_code("kq out of range [0.6, 1.2]")
    assert reason_label(code, params, "en") == "kq out of range [0.6, 1.2]"
    assert reason_label(code, params, "vi") == "kq ngoài khoảng [0.6, 1.2]"
    assert reason_label(code, params, "ja") == "kq が範囲 [0.6, 1.2] の外"
    code, params = reason_code("negative interval consumption")
    assert (code, reason_label(code, params, "vi")) == ("negative_interval", "điện năng tiêu thụ trong khoảng đo bị âm")


def test_check_keeps_the_english_reason_in_json_and_translates_the_table(make_park):
    park = make_park(readings=READINGS)
    out = json.loads(runner.invoke(app, ["check", str(park), "--json", "--lang", "ja"]).stdout)
    reasons = {r["line"]: r["reason"] for r in out["rejects"] if r["file"] == "readings.csv"}
    # --json stays English whatever the language (scripts and the CSV export read it)
    assert reasons == {
        "3": "negative interval consumption",
        "4": "unknown meter id: not in meters.csv (known: C1, C2, E1, E2, W1)",
    }
    assert reason_code(reasons["4"]) == (
        "unknown_meter_id",
        {"target": "meters.csv", "known": "C1, C2, E1, E2, W1"},
    )
    for lang, words in (
        ("vi", ("điện năng tiêu thụ trong khoảng đo bị âm", "không xác định: không có trong meters.csv (đã biết: C1")),
        ("ja", ("区間消費量が負", "不明なメーター番号：meters.csv にありません（既知：C1")),
    ):
        res = runner.invoke(app, ["check", str(park), "--lang", lang], env={"COLUMNS": "250"})
        assert res.exit_code == 0, res.output
        text = " ".join(res.stdout.split())
        for w in words:
            assert w in text, (lang, w)
        assert "negative interval consumption" not in text
