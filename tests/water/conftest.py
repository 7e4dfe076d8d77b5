"""The water engine's own tiny park, for the worked examples of test_water_assessment.py.

Most water tests use the shared tiny park (``tiny_park``, tests/testkit.py). This one stays because the
assessment's hand calculations need what that park does not have: a WWTP electricity meter (``M-WWTP``, for kWh
per m3), a 4,000 m3/day plant (capacity utilisation 3,000 / 4,000 = 0.75) and tenants T1, T2 whose lab points
and discharge volumes the example sets; adding them to the shared park would change the service tests built on it.
"""

from __future__ import annotations

import pytest
from waterkit import wwtp

from greenpark.model import Meter, Park, ParkData, Tenant


@pytest.fixture
def park() -> Park:
    return Park(park_id="tiny", name="Tiny IP", latitude=10.9, longitude=106.9, area_ha=100)


@pytest.fixture
def tiny_data(park: Park) -> ParkData:
    tenants = [
        Tenant(tenant_id=t, name=t, sector="electronics", floor_area_m2=1000, employees=10, voltage_level="22-110kV")
        for t in ("T1", "T2")
    ]
    meters = [Meter(meter_id="M-WWTP", kind="electricity_import", unit="kWh", wwtp_id="W1")]
    return ParkData(park=park, tenants=tenants, meters=meters, wwtps=[wwtp()], tables={})
