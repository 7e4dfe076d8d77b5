"""The solar tests' park coordinates and hand-made cost sets (a uniquely named module: `from conftest import` is
ambiguous once several directories have a conftest)."""

from __future__ import annotations

from greenpark.solar.params import CostParams

# Long Thanh demo park coordinates (docs/park-folder.md park.toml example)
LAT, LON, ZONE = 10.80, 106.95, "Asia/Ho_Chi_Minh"


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
