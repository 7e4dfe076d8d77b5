"""Shared fixtures for the solar tests: the park's estimated weather year and hand-made cost sets."""

from __future__ import annotations

import pytest

from greenpark.solar.climate import typical_year
from greenpark.solar.params import CostParams, pv_system_params

# Long Thanh demo park coordinates (docs/park-folder.md park.toml example)
LAT, LON, ZONE = 10.80, 106.95, "Asia/Ho_Chi_Minh"


@pytest.fixture(scope="session")
def weather():
    return typical_year(LAT, LON, 2025, ZONE, pv_system_params().wind_speed_default)


def hand_costs(**overrides: float) -> CostParams:
    """Round numbers for hand calculations (not the reference defaults)."""
    base = dict(
        pv_capex=1_000_000.0,
        pv_om=0.0,
        inverter_replacement=0.0,
        inverter_replacement_year=30.0,
        pv_lifetime=10.0,
        battery_capex_energy=1_000_000.0,
        battery_capex_power=100_000.0,
        battery_om=0.0,
        battery_replacement_share=0.0,
        battery_lifetime=10.0,
        battery_roundtrip_efficiency=1.0,
        battery_min_soc=0.0,
        discount_rate=0.08,
    )
    base.update(overrides)
    return CostParams(**base)
