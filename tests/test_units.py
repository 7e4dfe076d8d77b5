"""Unit parsing and conversion: the one converter (greenpark.units)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenpark.errors import UnitMismatchError, UnknownUnitError
from greenpark.units import convert, parse_unit


def test_energy_multiples():
    # 1 MWh = 1,000 kWh; 1 GJ = 1e9 J / 3.6e6 J/kWh = 277.78 kWh (SI definitions)
    assert convert(2.5, "MWh", "kWh") == pytest.approx(2500.0)
    assert convert(1.0, "GJ", "kWh") == pytest.approx(277.7777778)


def test_concentration_aliases_are_one_unit():
    # 1 g/m3 = 1 mg/L by definition
    assert convert(12.0, "g/m3", "mg/L") == pytest.approx(12.0)
    assert parse_unit("mg/L").symbol == parse_unit(" MG/l ").symbol == "mg/l"


def test_unknown_unit_lists_choices():
    with pytest.raises(UnknownUnitError, match="known units of energy: .*kWh"):
        parse_unit("kcal", "energy")


def test_wrong_dimension_is_refused():
    with pytest.raises(UnknownUnitError, match="is a unit of volume, not of energy"):
        parse_unit("m3", "energy")
    with pytest.raises(UnitMismatchError):
        convert(1.0, "kWh", "m3")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_round_trip(x):
    assert convert(convert(x, "MWh", "kWh"), "kWh", "MWh") == pytest.approx(x, rel=1e-12, abs=1e-9)
    assert np.isfinite(convert(x, "l/s", "m3/day"))


@given(st.text(max_size=12))
def test_random_text_never_crashes(text):
    try:
        parse_unit(text)
    except UnknownUnitError:
        pass
