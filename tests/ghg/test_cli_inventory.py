"""End to end: the example park's inventory through the CLI, checked against the generator's truth."""

import json
import re

import pytest
from typer.testing import CliRunner

from greenpark.cli import app

runner = CliRunner()
pytestmark = pytest.mark.slow  # generates and imports an example park (about 10-40 s)


def test_inventory_json_matches_truth(example_park):
    res = runner.invoke(app, ["inventory", str(example_park), "--year", "2024", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    truth = json.loads((example_park / "metadata.json").read_text())["electricity"]
    grid_kwh = truth["tenants_import_kwh"] + sum(truth["common_meters_kwh"].values())
    # location-based Scope 2 = grid import x 0.6811 tCO2/MWh (2024 HUST/MAE study value); the generator's
    # deliberate reading faults (one duplicate, one negated value) move the import by far less than 0.01 %
    assert d["scope2_location_tco2e"] == pytest.approx(grid_kwh * 0.6811 / 1000, rel=1e-4)
    assert d["pv_self_consumed_kwh"] == pytest.approx(truth["pv_kwh"] - truth["export_kwh"], rel=1e-4)
    flagged = sorted(t["tenant_id"] for t in d["tenants"] if t["decree06_inventory_required"])
    assert flagged == sorted(truth["decree06_anchor_tenants"])
    grid = next(f for f in d["factors"] if f["name"] == "grid_electricity_vn")
    assert grid["value"] == 0.6811 and "study" in grid["flags"]
    assert d["total_tco2e"] == pytest.approx(d["scope1_tco2e"] + d["scope2_location_tco2e"] + d["scope3_tco2e"])
    # renewables.csv: one anchor tenant's certificates for June, well under its June import, so market-based
    # = location-based - certificate kWh x 0.6811 tCO2/MWh (the grid factor stands in for the residual mix)
    claimed_kwh = json.loads((example_park / "metadata.json").read_text())["renewables"]["energy_kwh"]
    assert claimed_kwh > 0
    assert d["scope2_market_tco2e"] == pytest.approx(d["scope2_location_tco2e"] - claimed_kwh * 0.6811 / 1000)


def test_table_and_a_year_without_readings(example_park):
    d = json.loads(runner.invoke(app, ["inventory", str(example_park), "--year", "2024", "--json"]).stdout)
    res = runner.invoke(app, ["inventory", str(example_park), "--year", "2024"])
    assert res.exit_code == 0, res.output
    # the table shows the JSON's figures, one decimal, thousands grouped (spelt out here, not by the CLI's formatter)
    rows = {
        "Scope 1": d["scope1_tco2e"],
        "Scope 2 location-based": d["scope2_location_tco2e"],
        "Scope 2 market-based": d["scope2_market_tco2e"],
        "Total (S1 + S2 location + S3)": d["total_tco2e"],
    }
    for label, value in rows.items():
        assert re.search(rf"│ {re.escape(label)}\s+│\s+{value:,.1f} │", res.stdout), (label, value, res.stdout)
    # a year the park has no readings for is refused before any factor is looked up (never a result of zeros);
    # the grid factor's strict/fallback rule is tested on the engine (tests/ghg/test_electricity.py)
    for extra in (["--strict-factors"], ["--json"]):
        res = runner.invoke(app, ["inventory", str(example_park), "--year", "2026", *extra])
        assert res.exit_code == 2
        assert "no readings for 2026; the park's data covers 2024-01-01 to 2024-12-31; choose --year 2024" in res.output
        assert res.stdout == ""


def test_decree06_submission_inventory(example_park):
    """``--decree06``: Scope 2 on the latest grid factor the DCC announced (data year 2023, 0.6592 tCO2/MWh) instead
    of the 2024 study value (0.6811); the ratio of the two location-based totals is 0.6592 / 0.6811 exactly, and the
    rest of the inventory is unchanged."""
    a = json.loads(runner.invoke(app, ["inventory", str(example_park), "--year", "2024", "--json"]).stdout)
    res = runner.invoke(app, ["inventory", str(example_park), "--year", "2024", "--decree06", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["grid_purpose"] == "decree06" and a["grid_purpose"] == "default"
    assert d["scope2_location_tco2e"] == pytest.approx(a["scope2_location_tco2e"] * 0.6592 / 0.6811, rel=1e-9)
    assert d["scope1_tco2e"] == pytest.approx(a["scope1_tco2e"])
    assert any("latest factor announced by the DCC = data year 2023" in n for n in d["notes"])
    bad = runner.invoke(app, ["inventory", str(example_park), "--year", "2024", "--submitted", "2025-03-31"])
    assert bad.exit_code == 2 and "--decree06" in bad.output
    bad = runner.invoke(app, ["inventory", str(example_park), "--decree06", "--submitted", "31/03/2025"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
