"""The ghg engine's own tiny park, built in code so each inventory test reads as a worked example.

It stays beside the shared tiny park (tests/testkit.py) because the inventory's hand calculations
(test_inventory.py, test_inventory_coverage.py) are written on what the shared park does not hold: fuels (diesel,
LPG, wood, a 2022 row of another year), refrigerant leaks (R-410A and the Montreal gas R-22), tenants T1/T2 in the
sectors and voltages their Decree 06 and TOE figures assume, and a WWTP in column B. The helpers are in ghgkit.
"""

from __future__ import annotations

import pandas as pd
import pytest

# re-exported: tests that still write `from conftest import ...` (ghgkit is the unambiguous name)
from ghgkit import ZONE as ZONE
from ghgkit import consumption_rows as consumption_rows
from ghgkit import month_start as month_start

from greenpark.model import Park, ParkData, Tenant, Wwtp


@pytest.fixture
def tiny_park() -> ParkData:
    park = Park(park_id="tiny", name="Tiny IP", latitude=10.8, longitude=106.9, area_ha=10)
    tenants = [
        Tenant(
            tenant_id="T1",
            name="Food Co",
            sector="food_beverage",
            floor_area_m2=5000,
            employees=200,
            voltage_level="22-110kV",
        ),
        Tenant(
            tenant_id="T2",
            name="Parts Co",
            sector="automotive_parts",
            floor_area_m2=3000,
            employees=100,
            voltage_level="6-22kV",
        ),
    ]
    wwtp = Wwtp(
        wwtp_id="W1",
        name="Central WWTP",
        capacity_m3_per_day=2000,
        treatment="aerobic_well_managed",
        standard="QCVN40:2011",
        column="B",
    )
    fuels = pd.DataFrame(
        [
            {"tenant_id": "T1", "period": "2023-01", "fuel": "diesel", "quantity": 1000.0, "unit": "l"},
            {"tenant_id": "T1", "period": "2023-02", "fuel": "lpg", "quantity": 1000.0, "unit": "kg"},
            {"tenant_id": "T2", "period": "2023-01", "fuel": "biomass_wood", "quantity": 10.0, "unit": "t"},
            {"tenant_id": "T2", "period": "2022-12", "fuel": "diesel", "quantity": 5000.0, "unit": "l"},  # other year
        ]
    )
    refrigerants = pd.DataFrame(
        [
            {"tenant_id": "T2", "period": "2023-03", "gas": "R-410A", "charge_kg": 20.0, "leaked_kg": 2.0},
            {"tenant_id": "T2", "period": "2023-03", "gas": "R-22", "charge_kg": 10.0, "leaked_kg": 1.0},
        ]
    )
    return ParkData(park=park, tenants=tenants, wwtps=[wwtp], tables={"fuels": fuels, "refrigerants": refrigerants})
