"""The check / import / quarantine / template commands, through Typer's runner."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from typer.testing import CliRunner

from greenpark.cli import app

runner = CliRunner()
READINGS = "meter_id,timestamp,value\nE1,2024-01-01 00:00,1\nE1,2024-01-01 00:15,-2\nE9,2024-01-01 00:00,1\n"


def test_check_reports_problems_exit_0_or_2_when_strict(make_park):
    # exit codes (docs/park-folder.md): 0 = the park can be used, rejects listed; 1 is kept for bugs;
    # --strict turns any reject into 2 (for CI)
    park = make_park(readings=READINGS)
    res = runner.invoke(app, ["check", str(park), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["ok"] is False
    rej = {(r["file"], r["line"], r["field"]): r["reason"] for r in out["rejects"]}
    assert rej[("readings.csv", "3", "value")] == "negative interval consumption"
    assert rej[("readings.csv", "4", "meter_id")].startswith("unknown meter id")
    counts = {c["file"]: (c["read"], c["accepted"], c["rejected"]) for c in out["counts"]}
    assert counts["readings.csv"] == (3, 1, 2)
    assert not (park / ".greenpark").exists()  # check never imports
    table = runner.invoke(app, ["check", str(park), "--strict"])
    assert table.exit_code == 2
    assert "negative interval consumption" in table.stdout


def test_check_clean_park_exits_0(make_park):
    res = runner.invoke(app, ["check", str(make_park(readings="meter_id,timestamp,value\nE1,2024-01-01,1\n"))])
    assert res.exit_code == 0, res.output
    assert "no row rejected" in res.stdout


def test_check_user_error_is_one_line_exit_2(tmp_path):
    res = runner.invoke(app, ["check", str(tmp_path / "missing")])
    assert res.exit_code == 2
    assert "no park folder or workbook" in res.output
    assert "Traceback" not in res.output


def test_import_then_quarantine_export(make_park, tmp_path, monkeypatch):
    monkeypatch.delenv("GREENPARK_STORE", raising=False)
    park = make_park(readings=READINGS)
    url = f"duckdb://{tmp_path / 's.duckdb'}"
    res = runner.invoke(app, ["import", str(park), "--store", url, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert (out["park_id"], out["readings_written"], out["skipped"]) == ("tiny", 1, False)
    again = json.loads(runner.invoke(app, ["import", str(park), "--store", url, "--json"]).stdout)
    assert again["skipped"] is True
    export = tmp_path / "q.csv"
    res = runner.invoke(app, ["quarantine", "tiny", "--store", url, "--export", str(export)])
    assert res.exit_code == 0, res.output
    lines = export.read_text().splitlines()
    assert lines[0].startswith("file,line,field,value,reason,raw")
    assert len(lines) == 3
    listed = json.loads(runner.invoke(app, ["quarantine", "tiny", "--store", url, "--json"]).stdout)
    assert [r["line"] for r in listed] == ["3", "4"]


def test_template_writes_folder_and_annotated_workbook(tmp_path):
    out = tmp_path / "tpl"
    res = runner.invoke(app, ["template", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "park.toml").exists()
    assert (out / "meters.csv").read_text().startswith("meter_id,tenant_id,kind,unit,cumulative")
    wb = load_workbook(out / "park-template.xlsx")
    assert wb.sheetnames[:2] == ["README", "park"]
    cell = wb["tenants"]["A1"]
    assert cell.value == "tenant_id"
    assert "Mã doanh nghiệp" in cell.comment.text  # Vietnamese label as a note
    # the empty template checks clean, folder and workbook alike
    assert runner.invoke(app, ["check", str(out)]).exit_code == 0
    assert runner.invoke(app, ["check", str(out / "park-template.xlsx")]).exit_code == 0
    # and a second template into the same folder is refused, not overwritten
    assert runner.invoke(app, ["template", str(out)]).exit_code == 2
