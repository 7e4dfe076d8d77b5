"""Shared fixtures for the solar tests: the park's estimated weather year and hand-made cost sets."""

from __future__ import annotations

import pytest
from solarkit import LAT, LON, ZONE
from solarkit import hand_costs as hand_costs  # re-exported for tests that write `from conftest import`

from greenpark.solar.climate import typical_year
from greenpark.solar.params import pv_system_params


@pytest.fixture(scope="session")
def weather():
    return typical_year(LAT, LON, 2025, ZONE, pv_system_params().wind_speed_default)
