"""The plan's baseline year from the inventory, on complete, partial and empty parks.

Numbers: grid factor 2023 0.6592 tCO2/MWh (DCC); 0.1543 TOE/MWh (MOIT 3505/BCT-KHCN); 1 toe = 11,630 kWh
(IEA/OECD energy statistics manual); full-year rule: estimate = measured / coverage from 0.25 on.
"""

import pandas as pd
import pytest

from greenpark.errors import NoDataError
from greenpark.ghg import inventory
from greenpark.model import Park, ParkData, Tenant
from greenpark.plan import plan_baseline, roadmap

ZONE = "Asia/Ho_Chi_Minh"


@pytest.fixture
def park():
    p = Park(park_id="tiny", name="Tiny IP", latitude=10.8, longitude=106.9, area_ha=10)
    t = Tenant(tenant_id="T1", name="A", sector="food_beverage", floor_area_m2=500, employees=5, voltage_level="<6kV")
    return ParkData(park=p, tenants=[t], tables={})


def monthly(kwh):
    return pd.DataFrame(
        [{"tenant_id": "T1", "kind": "electricity_import", "period_start": pd.Timestamp("2023-01-01", tz=ZONE),
          "value": kwh}]
    )  # fmt: skip


def coverage(valid, expected=35_040):
    return pd.DataFrame(
        [{"tenant_id": "T1", "kind": "electricity_import", "period_start": pd.Timestamp("2023-01-01", tz=ZONE),
          "expected_intervals": expected, "valid_intervals": valid, "coverage": valid / expected,
          "longest_gap_h": 0.0}]
    )  # fmt: skip


def test_a_half_year_is_planned_on_its_full_year_estimate(park):
    inv = inventory(park, monthly(1_000_000.0), 2023, coverage=coverage(17_520))
    b = plan_baseline(inv, {"T1": "food_beverage"})
    # electricity 1,000,000 / 0.5 = 2,000,000 kWh; baseline 1,000 MWh x 0.6592 / 0.5 = 1,318.4 tCO2e
    assert b.activity.loc[0, "electricity_kwh"] == pytest.approx(2_000_000.0)
    assert b.activity.loc[0, "fuel_kwh"] == pytest.approx(0.0, abs=1e-6)
    assert b.baseline_tco2e == pytest.approx(1318.4) and b.baseline_electricity_tco2e == pytest.approx(1318.4)
    assert b.full_year_estimate and "full-year ESTIMATE 1,318 tCO2e" in b.notes[0]


def test_too_little_data_plans_on_the_measured_part_and_says_so(park):
    inv = inventory(park, monthly(100_000.0), 2023, coverage=coverage(672))  # one week: no estimate
    b = plan_baseline(inv, {"T1": "food_beverage"})
    assert b.activity.loc[0, "electricity_kwh"] == 100_000.0 and b.baseline_tco2e == pytest.approx(65.92)
    assert any("sized on the measured part only" in n for n in b.notes)
    assert any("targets set against it are too easy" in n for n in b.notes)


def test_no_inventory_is_a_no_data_error():
    with pytest.raises(NoDataError, match="needs the baseline year's inventory"):
        plan_baseline(None, {})


def test_a_roadmap_without_measures_is_business_as_usual():
    r = roadmap([], 100.0, 2024, {2030: 30}, -0.02, baseline_electricity_tco2e=0.0, grid_tco2_per_mwh=0.66,
                discount_rate=0.08)  # fmt: skip
    # nothing to adopt: BAU stays 100 t (no electricity part), the 2030 cap 70 t is out of reach by 30 t
    assert r.adoptions == [] and r.gaps_tco2e == {2030: pytest.approx(30.0)}
    assert any("business as usual" in n for n in r.notes)
