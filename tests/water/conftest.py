"""Fixtures of the water engine tests: a tiny park (one WWTP, two tenants) built in code."""

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
