"""The check / import / quarantine / template commands, through Typer's runner."""

from __future__ import annotations

import json
import re

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
    # the tiny park's files, row by row (io_tiny_park): 2 tenants, 1 WWTP, 5 meters, the 1 reading given
    for file, n in (("tenants.csv", 2), ("wwtp.csv", 1), ("meters.csv", 5), ("readings.csv", 1)):
        assert re.search(rf"│ {re.escape(file)}\s+│\s+{n} │\s+{n} │\s+0 │", res.stdout), (file, res.stdout)
    assert "park tiny: no row rejected, 0 warning(s)" in res.stdout


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


def test_check_shows_the_cause_first_and_exits_2_when_every_tenant_is_rejected(make_park):
    # T1's voltage '22 kilovolt' is no band; T2's sector is no sector: every tenant row is rejected, so every
    # meter naming them is rejected (4 meters: E1, C1 of T1; E2, C2 of T2), and every reading of those meters
    # (3 rows) -> 7 knock-on rows under 2 causes; W1 (park common) stays
    tenants = (
        "tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level\n"
        "T1,Alpha,electronics,,100,1,22 kilovolt\n"
        "T2,Beta,bakery,,100,1,22kV\n"
    )
    readings = "meter_id,timestamp,value\nE1,2024-01-01 00:00,1\nE1,2024-01-01 00:15,1\nE2,2024-01-01 00:00,1\n"
    park = make_park(tenants=tenants, readings=readings)
    res = runner.invoke(app, ["check", str(park), "--json"])
    assert res.exit_code == 2, res.output
    out = json.loads(res.stdout)
    causes = {c["subject"]: c for c in out["causes"]}
    assert causes["tenant T1"]["rows"] == 4  # meters E1, C1 + the two readings of E1
    assert causes["tenant T1"]["field"] == "voltage_level"
    assert causes["tenant T2"]["rows"] == 3  # meters E2, C2 + E2's reading
    assert out["unusable_required_files"] == ["tenants.csv"]
    table = runner.invoke(app, ["check", str(park)])
    assert table.exit_code == 2
    text = " ".join(table.stdout.split())
    first = text.index("4 rows rejected because tenant T1 was rejected: voltage_level '22 kilovolt'")
    assert first < text.index("Rejected rows")  # the cause comes before the listing
    assert "every row of tenants.csv was rejected" in " ".join(table.output.split())


def test_check_lists_held_out_readings_in_local_time(make_park):
    meters = "meter_id,tenant_id,kind,unit,max_kw\nE1,T1,electricity_import,kWh,100\n"
    readings = "meter_id,timestamp,value\nE1,2024-01-01 07:00,20\nE1,2024-01-01 07:15,5000000\n"
    res = runner.invoke(app, ["check", str(make_park(meters=meters, readings=readings)), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    h = out["held_out"][0]
    # max_kw 100 x 0.25 h = 25 kWh; 07:15 local is 00:15 UTC
    assert (h["line"], h["meter_id"], h["local_time"], h["ts"], h["bound"]) == (
        "3",
        "E1",
        "2024-01-01 07:15",
        "2024-01-01T00:15:00Z",
        25.0,
    )
    counts = {c["file"]: c for c in out["counts"]}
    assert counts["readings.csv"] == {"file": "readings.csv", "read": 2, "accepted": 1, "rejected": 0, "held_out": 1}


def test_accept_command_records_who_and_prints_local_time(make_park, tmp_path, monkeypatch):
    monkeypatch.delenv("GREENPARK_STORE", raising=False)
    meters = "meter_id,tenant_id,kind,unit,max_kw\nE1,T1,electricity_import,kWh,100\n"
    readings = "meter_id,timestamp,value\nE1,2024-01-01 07:00,20\nE1,2024-01-01 07:15,5000000\n"
    park = make_park(meters=meters, readings=readings)
    url = f"duckdb://{tmp_path / 's.duckdb'}"
    res = runner.invoke(
        app, ["accept", str(park), "--meter", "E1", "--ts", "2024-01-01 07:15", "--by", "Lan", "--store", url]
    )
    assert res.exit_code == 0, res.output
    assert "interval from 2024-01-01 07:15" in " ".join(res.stdout.split())
    again = runner.invoke(
        app, ["accept", str(park), "--meter", "E1", "--ts", "2024-01-01 07:15", "--by", "Lan", "--store", url]
    )
    assert again.exit_code == 2 and "Traceback" not in again.output
    from greenpark.io.quality import data_quality_summary
    from greenpark.store import open_store

    st = open_store(url)
    try:
        q = data_quality_summary(st, "tiny")
        assert (q.held_out, q.accepted_back) == (0, 1)
    finally:
        st.close()
