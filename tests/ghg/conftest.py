"""The ghg tests' tiny park (the shared one plus fuels and refrigerants) and consumption frames built in code."""

from __future__ import annotations

import pandas as pd
import pytest

# re-exported: tests that still write `from conftest import consumption_rows`
from ghgkit import consumption_rows as consumption_rows
from ghgkit import month_start as month_start

from greenpark.model import ParkData


@pytest.fixture
def tiny_park(tiny_park: ParkData) -> ParkData:
    """The shared tiny park (tests/conftest.py) with the fuel and refrigerant records of the hand calculations.

    t1 burns 1000 l diesel (Jan 2023) and 1 t LPG (Feb 2023); t2 burns 10 t wood (Jan 2023) and 5000 l diesel
    in Dec 2022 (another year); t2 leaks 2 kg R-410A and 1 kg R-22 (Mar 2023).
    """
    tiny_park.tables["fuels"] = pd.DataFrame(
        [
            {"tenant_id": "t1", "period": "2023-01", "fuel": "diesel", "quantity": 1000.0, "unit": "l"},
            {"tenant_id": "t1", "period": "2023-02", "fuel": "lpg", "quantity": 1000.0, "unit": "kg"},
            {"tenant_id": "t2", "period": "2023-01", "fuel": "biomass_wood", "quantity": 10.0, "unit": "t"},
            {"tenant_id": "t2", "period": "2022-12", "fuel": "diesel", "quantity": 5000.0, "unit": "l"},  # other year
        ]
    )
    tiny_park.tables["refrigerants"] = pd.DataFrame(
        [
            {"tenant_id": "t2", "period": "2023-03", "gas": "R-410A", "charge_kg": 20.0, "leaked_kg": 2.0},
            {"tenant_id": "t2", "period": "2023-03", "gas": "R-22", "charge_kg": 10.0, "leaked_kg": 1.0},
        ]
    )
    return tiny_park
