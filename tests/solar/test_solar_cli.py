"""``greenpark solar PARK``: JSON contract on a two-tenant park with a year of hourly readings."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from greenpark.cli import app

PARK_TOML = """[park]
id = "sunny"
name = "Sunny Park"
province = "Dong Nai"
latitude = 10.80
longitude = 106.95
timezone = "Asia/Ho_Chi_Minh"
currency = "VND"
area_ha = 20
"""
TENANTS = """tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level
T1,Alpha Electronics,electronics,2610,12000,300,22-110kV
T2,Beta Foods,food_beverage,1079,5000,120,<6kV
"""
ROOFS = """roof_id,tenant_id,area_m2,tilt_deg,azimuth_deg,usable_fraction
T1-R1,T1,4000,5,90,0.8
T1-R2,T1,4000,5,270,0.8
T2-R1,T2,1500,10,180,0.7
"""
METERS = """meter_id,tenant_id,kind,unit,cumulative,register_max,wwtp_id
E1,T1,electricity_import,kWh,false,,
E2,T2,electricity_import,kWh,false,,
"""


@pytest.fixture(scope="module")
def park(tmp_path_factory):
    folder = tmp_path_factory.mktemp("solar") / "park"
    folder.mkdir()
    (folder / "park.toml").write_text(PARK_TOML)
    for name, text in (("tenants", TENANTS), ("roofs", ROOFS), ("meters", METERS)):
        (folder / f"{name}.csv").write_text(text)
    ts = pd.date_range("2025-01-01", "2026-01-01", freq="1h", inclusive="left")
    hour = ts.hour.to_numpy()
    day = np.where((hour >= 7) & (hour < 19), 1.0, 0.4)
    readings = pd.concat(
        [
            pd.DataFrame({"meter_id": "E1", "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S"), "value": 900.0 * day}),
            pd.DataFrame({"meter_id": "E2", "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S"), "value": 150.0 * day}),
        ]
    )
    readings.to_csv(folder / "readings.csv", index=False)
    return folder


def test_solar_json_contract(park, tmp_path):
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    args = ["solar", str(park), "--store", url, "--on", "2026-11-29", "--json", "--workers", "1"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["year"] == 2025 and out["estimate"] is True
    roofs = {r["roof_id"]: r for r in out["roofs"]}
    # T2-R1: 1,500 m2 x 0.7 x 0.20 kWp/m2 = 210 kWp
    assert roofs["T2-R1"]["kwp"] == pytest.approx(210.0)
    for r in out["roofs"]:
        assert {"roof_id", "kwp", "annual_kwh", "specific_yield_kwh_per_kwp"} <= r.keys()
        assert 1300 < r["specific_yield_kwh_per_kwp"] < 1450
    need = {"tenant_id", "pv_kwp", "battery_kwh", "self_consumption", "self_sufficiency", "annual_savings_vnd",
            "npv_vnd", "payback_years", "avoided_tco2e", "capex_vnd", "opex_vnd_per_year", "lifetime_years",
            "annual_kwh", "no_battery"}  # fmt: skip
    for t in out["tenants"]:
        assert need <= t.keys()
        assert 0 <= t["pv_kwp"] <= t["optimum"]["pv_max_kwp"] + 1e-6
    npvs = [t["npv_vnd"] for t in out["tenants"]]
    assert npvs == sorted(npvs, reverse=True)
    w = out["assumptions"]["weather"]
    assert w["estimate"] is True and "PVGIS" in w["bankable_data_source"]
    assert out["assumptions"]["surplus_rule"]["rule"] == "decree243_2026"
    assert out["portfolio"]["tenants_sized"] == 2
    # the PV used on site: each tenant's output less its export and curtailment, summed
    used = sum(t["optimum"]["annual_kwh"] - t["optimum"]["export_kwh"] - t["optimum"]["curtailed_kwh"]
               for t in out["tenants"])  # fmt: skip
    assert out["portfolio"]["used_on_site_kwh"] == pytest.approx(used) and used > 0


def test_weather_file_with_a_gap_is_one_line_error(park, tmp_path):
    ts = pd.date_range("2025-01-01", periods=8760, freq="1h", tz="Asia/Ho_Chi_Minh")
    df = pd.DataFrame({"time": ts.strftime("%Y-%m-%dT%H:%M:%S%z"), "ghi": 200.0, "temp_air": 28.0})
    df.loc[100:120, "ghi"] = np.nan
    path = tmp_path / "w.csv"
    df.to_csv(path, index=False)
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    res = CliRunner().invoke(app, ["solar", str(park), "--store", url, "--weather", str(path), "--json"])
    assert res.exit_code == 2
    assert "has a gap of 21 hours" in res.output
