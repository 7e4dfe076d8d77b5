"""The waste engine on an empty or partial park: a clear NoDataError or a note, never a traceback."""

import pandas as pd
import pytest

from greenpark.errors import NoDataError
from greenpark.model import Park, ParkData, Tenant
from greenpark.waste.assessment import assess_waste


@pytest.fixture
def park():
    p = Park(park_id="tiny", name="Tiny IP", latitude=10.8, longitude=106.9, area_ha=10)
    t = Tenant(tenant_id="T1", name="A", sector="food_beverage", floor_area_m2=500, employees=5, voltage_level="<6kV")
    return ParkData(park=p, tenants=[t], tables={})


def record(date, quantity_t=1.0, route="recycling"):
    return {"date": date, "tenant_id": "T1", "waste_code": "18 01 05", "description": "paper", "category": "industrial",
            "quantity_t": quantity_t, "route": route, "receiver": "R", "line": 2}  # fmt: skip


def test_no_waste_file_says_what_to_add(park):
    with pytest.raises(NoDataError, match=r"no waste records for 2024 .*waste.csv is missing or empty.*add waste.csv"):
        assess_waste(park, 2024)


def test_records_of_another_year_are_named(park):
    park.tables["waste"] = pd.DataFrame([record("2023-05-02")])
    with pytest.raises(NoDataError, match="waste.csv has records for 2023"):
        assess_waste(park, 2024)


def test_a_year_with_records_is_assessed(park):
    # two records in 2024: 1 t + 3 t recycled -> 4 t, recovery rate 4 / 4 = 1 (recycling is a recovery route)
    park.tables["waste"] = pd.DataFrame([record("2024-01-05"), record("2024-02-05", 3.0), record("2023-05-02")])
    r = assess_waste(park, 2024)
    assert r.total_t == pytest.approx(4.0) and r.recovery_rate == pytest.approx(1.0)
