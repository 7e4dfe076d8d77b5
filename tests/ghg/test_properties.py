"""Property tests: emissions scale linearly with the quantity and are never negative."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from greenpark.ghg import fuel_emissions

FUEL_UNITS = [
    ("diesel", "l"),
    ("fuel_oil", "l"),
    ("lpg", "kg"),
    ("natural_gas", "m3"),
    ("coal_anthracite", "t"),
    ("coal_bituminous", "kg"),
    ("biomass_wood", "t"),
    ("diesel", "GJ"),
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FUEL_UNITS), st.floats(min_value=0, max_value=1e7, allow_nan=False))
def test_linear_and_non_negative(fuel_unit, q):
    fuel, unit = fuel_unit
    one = fuel_emissions(fuel, 1.0, unit)
    r = fuel_emissions(fuel, q, unit)
    assert r.co2e_t >= 0 and r.biogenic_co2_t >= 0 and r.energy_toe >= 0
    assert math.isclose(r.co2e_t, q * one.co2e_t, rel_tol=1e-9, abs_tol=1e-12)
