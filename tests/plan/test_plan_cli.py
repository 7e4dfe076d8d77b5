"""``greenpark plan``: the cost curve prices each tenant's electricity at its own tariff (issue 15 Done-when)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from greenpark.cli import app

PARK_TOML = """[park]
id = "planpark"
name = "Plan Park"
province = "Dong Nai"
latitude = 10.80
longitude = 106.95
timezone = "Asia/Ho_Chi_Minh"
currency = "VND"
area_ha = 20

[targets]
ghg_reduction_pct = { 2030 = 30 }
"""
TENANTS = """tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level
T1,Alpha Electronics,electronics,2610,12000,300,22-110kV
T2,Beta Foods,food_beverage,1079,5000,120,<6kV
"""
METERS = """meter_id,tenant_id,kind,unit,cumulative,register_max,wwtp_id
E1,T1,electricity_import,kWh,false,,
E2,T2,electricity_import,kWh,false,,
"""


def test_cost_curve_price_is_each_tenants_tariff_for_its_voltage_and_load_shape(tmp_path):
    folder = tmp_path / "park"
    folder.mkdir()
    (folder / "park.toml").write_text(PARK_TOML)
    (folder / "tenants.csv").write_text(TENANTS)
    (folder / "meters.csv").write_text(METERS)
    # a flat load all year: T1 10 kWh/h; T2 2 kWh/h from 08:00 to 17:00 local, 0 otherwise
    ts = pd.date_range("2025-01-01", "2026-01-01", freq="1h", inclusive="left")
    day = (ts.hour >= 8) & (ts.hour < 17)
    pd.concat(
        [
            pd.DataFrame({"meter_id": "E1", "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S"), "value": 10.0}),
            pd.DataFrame({"meter_id": "E2", "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S"), "value": 2.0 * day}),
        ]
    ).to_csv(folder / "readings.csv", index=False)
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    res = CliRunner().invoke(app, ["plan", str(folder), "--year", "2025", "--no-solar", "--store", url, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["electricity_price_on"] == "2025-12-31"
    prices = out["electricity_prices_vnd_per_kwh"]
    # 2025: 365 days, 52 Sundays, 313 Mon-Sat; Circular 16/2014 hours all year. Flat load, hours per band:
    # off-peak 365 x 6 = 2,190; peak 313 x 5 = 1,565; normal 313 x 13 + 52 x 18 = 5,005 (sum 8,760).
    # T1 at 22-110 kV, Decision 1279 (in force on 2025-12-31): (2,190 x 1,190 + 5,005 x 1,833 + 1,565 x 3,398) / 8,760
    #   = 17,098,135 / 8,760 = 1,951.84 VND/kWh
    assert prices["T1"] == pytest.approx(17_098_135 / 8_760)
    # T2 at <6 kV, 08:00-17:00: Mon-Sat 09:30-11:30 peak (2 h) and 7 h normal, Sunday 9 h normal:
    # peak 313 x 2 = 626 h, normal 313 x 7 + 52 x 9 = 2,659 h -> (626 x 3,640 + 2,659 x 1,987) / 3,285
    #   = (2,278,640 + 5,283,433) / 3,285 = 2,302.00 VND/kWh
    assert prices["T2"] == pytest.approx((626 * 3640 + 2659 * 1987) / 3285)
    led = {c["tenant_id"]: c for c in out["cost_curve"] if c["measure"] == "led_lighting"}
    # both tenants get LED lighting (electricity measures apply everywhere); neither burns a boiler fuel, so no
    # boiler, biomass-switch or heat-pump measure appears
    assert set(led) == {"T1", "T2"}
    assert not {c["measure"] for c in out["cost_curve"]} & {"boiler_efficiency", "biomass_fuel_switch",
                                                            "heat_pump_water_heating"}  # fmt: skip
