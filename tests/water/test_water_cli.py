"""``greenpark water`` wiring: JSON on stdout, the averaging window option, limits missing as a finding.

The shared tiny park (tests/testkit.py; its WWTP ``wwtp1`` under QCVN 40:2011 column A, Kq 0.9, Kf 1.0) with an
outlet COD series, saved in a real DuckDB store that the command is pointed at with ``--store``; the example-park
test covers the folder importer.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from waterkit import analyser, wwtp

from greenpark.cli import app
from greenpark.model import ParkData
from greenpark.store import open_store


@pytest.fixture
def cli_park(tiny_park: ParkData) -> ParkData:
    # 1 h at ~40.5 mg/l, 2 h at 90.5 mg/l, 1 h at ~40.5 (5-minute values from 2025-03-10 00:00 local)
    tiny_park.tables["wastewater"] = analyser(
        "cod", "2025-03-10 00:00", [40.0, 41.0] * 6 + [90.0, 91.0] * 12 + [40.0, 41.0] * 6, wwtp_id="wwtp1"
    )
    return tiny_park


def water(park: ParkData, tmp_path: Path, *options: str) -> dict:
    """``greenpark water tiny --year 2025 --json`` on a store holding ``park``; the JSON it prints."""
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    store = open_store(url)
    try:
        store.save_park(park)
    finally:
        store.close()
    res = CliRunner().invoke(app, ["water", "tiny", "--store", url, "--year", "2025", "--json", *options])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_json_output(cli_park, tmp_path):
    (ev,) = water(cli_park, tmp_path)["wwtps"][0]["exceedances"]
    # 2 h at a mean of 90.5 mg/l > 75 x 0.9 = 67.5 (QCVN 40:2011 A, kq 0.9, kf 1.0)
    assert (ev["parameter"], ev["duration_h"], ev["peak"], ev["limit"]) == ("cod", 2.0, 90.5, 67.5)


def test_window_option_changes_the_averaging(cli_park, tmp_path):
    # 3-hour windows from local midnight: 00-03 h holds 12 x 40.5 + 24 x 90.5 on average -> 73.8 > 67.5: one
    # 3 h event; 03-06 h has 12 of 36 values (< 75 %): not evaluated
    (ev,) = water(cli_park, tmp_path, "--window", "180")["wwtps"][0]["exceedances"]
    assert ev["duration_h"] == 3.0 and ev["peak"] == pytest.approx((90.5 * 24 + 40.5 * 12) / 36)


def test_untranscribed_limits_are_a_finding_and_the_pillar_still_runs(cli_park, tmp_path):
    # a plant operating since 2020 whose permit names QCVN 40:2025: 2011 limits to 2025-08-31, then the 2025
    # edition, whose values are not shipped: a finding for that part of the year, exit 0
    cli_park.wwtps = [wwtp(wwtp_id="wwtp1", standard="QCVN40:2025", column="B", commissioned=dt.date(2020, 1, 1))]
    codes = [f["code"] for f in water(cli_park, tmp_path)["findings"]]
    assert "water.standard.limits_missing" in codes


def test_the_table_never_rounds_a_compliance_rate_with_an_exceedance_up_to_100(tiny_park, tmp_path):
    # 2,500 hours at ~40.5 mg/l COD and 1 hour at 90.5 mg/l (> 67.5, QCVN 40:2011 A x Kq 0.9 x Kf 1.0): 2,500 of
    # 2,501 one-hour windows comply = 99.960 %, which rounds half up to "100.0%"; the table floors it: "99.9%".
    tiny_park.tables["wastewater"] = analyser(
        "cod", "2025-01-01 00:00", [40.0, 41.0] * 6 * 2500 + [90.0, 91.0] * 6, wwtp_id="wwtp1"
    )
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    store = open_store(url)
    try:
        store.save_park(tiny_park)
    finally:
        store.close()
    res = CliRunner().invoke(app, ["water", "tiny", "--store", url, "--year", "2025", "--lang", "en"])
    assert res.exit_code == 0, res.output
    (row,) = [line for line in res.output.splitlines() if "compliance rate" in line]
    assert "99.9%" in row and "100.0%" not in row, row
