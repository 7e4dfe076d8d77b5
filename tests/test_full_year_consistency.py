"""One tenant's yearly consumption is the same figure in inventory, solar, energy and plan (the full-year rule).

A tiny park: T1 reads 100 kWh every hour from 1 January to 30 June 2024 only (182 days x 24 = 4,368 of the
leap year's 8,784 hours). Coverage 4,368 / 8,784 = 0.49727 (partial: 0.25 <= c < 0.9, coverage/full_year.csv);
measured 436,800 kWh; full-year estimate 436,800 / (4,368 / 8,784) = 100 x 8,784 = 878,400 kWh.
"""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from greenpark.cli import app

PARK = """[park]
id = "half"
name = "Half Park"
province = "Dong Nai"
latitude = 10.80
longitude = 106.95
timezone = "Asia/Ho_Chi_Minh"
currency = "VND"
area_ha = 10

[targets]
ghg_reduction_pct = { 2030 = 30 }
"""


@pytest.fixture(scope="module")
def park(tmp_path_factory):
    folder = tmp_path_factory.mktemp("half") / "park"
    folder.mkdir()
    (folder / "park.toml").write_text(PARK)
    (folder / "tenants.csv").write_text(
        "tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level\nT1,Alpha,food_beverage,,2000,50,22-110kV\n"
    )
    (folder / "meters.csv").write_text("meter_id,tenant_id,kind,unit,cumulative\nM1,T1,electricity_import,kWh,false\n")
    (folder / "roofs.csv").write_text(
        "roof_id,tenant_id,area_m2,tilt_deg,azimuth_deg,usable_fraction\nR1,T1,1000,5,180,0.7\n"
    )
    ts = pd.date_range("2024-01-01", "2024-07-01", freq="1h", inclusive="left")
    pd.DataFrame({"meter_id": "M1", "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S"), "value": 100.0}).to_csv(
        folder / "readings.csv", index=False
    )
    return folder


def _run(park, tmp_path, *args):
    res = CliRunner().invoke(app, [args[0], str(park), "--year", "2024", "--store",
                                   f"duckdb:///{tmp_path / 's.duckdb'}", *args[1:], "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    text = res.stdout
    return json.loads(text[text.index("{") :])


def test_the_same_yearly_figure_in_every_command(park, tmp_path):
    inv = _run(park, tmp_path, "inventory")
    (t1,) = inv["tenants"]
    assert t1["grid_import_kwh"] == pytest.approx(436_800.0)
    assert t1["coverage"] == pytest.approx(4368 / 8784) and t1["coverage_status"] == "partial"
    assert t1["full_year_estimate_kwh"] == pytest.approx(878_400.0)
    assert t1["decree06_status"] == "insufficient_data" and t1["decree06_inventory_required"] is None
    solar = _run(park, tmp_path, "solar", "--on", "2026-11-29", "--workers", "1")
    assert solar["tenants"][0]["optimum"]["load_kwh"] == pytest.approx(878_400.0, rel=1e-9)
    energy = _run(park, tmp_path, "energy")
    (b,) = energy["benchmarks"]
    assert b["energy_kwh"] == pytest.approx(878_400.0) and b["energy_kwh_measured"] == pytest.approx(436_800.0)
    assert b["kwh_per_m2"] == pytest.approx(878_400.0 / 2000)
    plan = _run(park, tmp_path, "plan")
    # the plan starts from the park's full-year estimate: 878.4 MWh x 0.6811 tCO2/MWh (2024 study value,
    # ghg/grid_factors.csv) = 598.28 tCO2e, as the inventory states it
    assert inv["full_year_estimate_tco2e"] == pytest.approx(878.4 * 0.6811)
    assert plan["baseline_tco2e"] == pytest.approx(878.4 * 0.6811)
    assert plan["baseline_full_year_estimate"] is True
