"""The CLI in three languages: ``--lang vi|en|ja`` (default ``GREENPARK_LANG``, else English) on the example park.

Every table a command prints is recorded as it is handed to the console (its title and column headings, before
Rich lays it out, so a narrow terminal cannot hide a word): in Vietnamese and Japanese no heading may hold English
(``tests/langkit.py``: the same check as the report's, with the park's proper names allowed), and strict i18n mode
(``tests/conftest.py``) turns any missing catalogue key into a failed command. ``--json`` stays language-neutral.
"""

from __future__ import annotations

import csv
import json
import tomllib

import pytest
from rich.table import Table
from typer.testing import CliRunner

from greenpark.cli import app, common
from langkit import english_left

pytestmark = pytest.mark.slow  # imports the example park once (10-40 s) and runs five commands per language
runner = CliRunner()


def _commands(park: str) -> list[list[str]]:
    return [
        ["inventory", park, "--year", "2024"],
        ["water", park, "--year", "2024"],
        ["waste", park, "--year", "2024"],
        ["energy", park, "--year", "2024"],
        ["check", park],
    ]


def _run(monkeypatch, args: list[str], env: dict[str, str] | None = None) -> tuple[list[str], str]:
    """The headings (table titles and column headings) a command printed, and its output."""
    printed: list[object] = []
    original = common.console.print

    def record(*objects: object, **kwargs: object) -> None:
        printed.extend(objects)
        original(*objects, **kwargs)

    monkeypatch.setattr(common.console, "print", record)
    res = runner.invoke(app, args, env=env)
    monkeypatch.undo()
    assert res.exit_code == 0, res.output
    headings = []
    for obj in printed:
        if isinstance(obj, Table):
            headings += [str(obj.title or ""), *(str(c.header) for c in obj.columns)]
    return [h for h in headings if h], res.output


def _names(park) -> set[str]:
    """The park's proper names and ids (park, province, time zone, tenants, WWTPs), quoted as written."""
    settings = tomllib.loads((park / "park.toml").read_text(encoding="utf-8"))
    names = {str(settings["park"][k]) for k in ("id", "name", "province", "timezone") if k in settings["park"]}
    for f in ("tenants.csv", "wwtp.csv"):
        with (park / f).open(encoding="utf-8") as fh:
            names |= {row["name"] for row in csv.DictReader(fh) if row.get("name")}
    return names


@pytest.mark.parametrize("lang", ["vi", "ja"])
def test_no_english_heading_and_no_missing_key(example_park, monkeypatch, lang):
    for args in _commands(str(example_park)):
        headings, _ = _run(monkeypatch, [*args, "--lang", lang])
        assert len(headings) >= 3, args  # every command prints at least one table with headings
        assert english_left(headings, lang, _names(example_park)) == [], args


def test_english_by_default_and_no_missing_key(example_park, monkeypatch):
    for args in _commands(str(example_park)):
        headings, _ = _run(monkeypatch, args)
        assert headings, args
    headings, _ = _run(monkeypatch, ["inventory", str(example_park), "--year", "2024"])
    assert "Factors used" in headings and "GHG inventory longthanh-demo 2024 (GWP AR5), tCO2e" in headings


def test_language_from_the_environment(example_park, monkeypatch):
    headings, _ = _run(monkeypatch, ["inventory", str(example_park), "--year", "2024"], env={"GREENPARK_LANG": "ja"})
    assert "使用した係数" in headings and "温室効果ガスインベントリ longthanh-demo 2024年（GWP AR5）、tCO2e" in headings
    # Japanese numbers group thousands with ',' as English does; Vietnamese with '.': 1 decimal either way
    headings, out_vi = _run(monkeypatch, ["inventory", str(example_park), "--year", "2024", "--lang", "vi"])
    assert "Hệ số đã dùng" in headings
    scope1 = json.loads(runner.invoke(app, ["inventory", str(example_park), "--year", "2024", "--json"]).stdout)
    value = scope1["scope1_tco2e"]
    assert f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".") in out_vi  # 1,234.5 -> 1.234,5


def test_json_is_language_neutral(example_park):
    base = ["inventory", str(example_park), "--year", "2024", "--json"]
    en = runner.invoke(app, base)
    ja = runner.invoke(app, [*base, "--lang", "ja"])
    assert en.exit_code == ja.exit_code == 0
    # the same keys, codes and texts; floats compared to 12 significant digits, because two runs of one command may
    # differ in the last bit of a sum (the store's parallel aggregation adds in another order), whatever the language
    assert _rounded(json.loads(en.stdout)) == _rounded(json.loads(ja.stdout))


def _rounded(obj: object) -> object:
    if isinstance(obj, float):
        return float(f"{obj:.12g}")
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    return obj


def test_an_unknown_language_is_refused_with_the_choices(example_park):
    res = runner.invoke(app, ["inventory", str(example_park), "--year", "2024", "--lang", "fr"])
    assert res.exit_code == 2
    assert "unknown language 'fr'; choose one of en, ja, vi" in res.output
