"""Parameter names, units and below-detection values (the bad-input items of issue 5)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from greenpark.errors import InputError, UnknownParameterError, UnknownUnitError
from greenpark.water.parameters import canonical_parameter, normalise_wastewater, parameter_table, parse_value


def raw(rows):
    return pd.DataFrame(rows, columns=["wwtp_id", "timestamp", "point", "parameter", "value", "unit"])


def test_aliases_map_to_canonical_names():
    assert canonical_parameter("COD") == "cod"
    assert canonical_parameter(" NH4+ ") == "ammonium_n"
    assert canonical_parameter("Tổng N") == "total_n"
    assert canonical_parameter("SS") == "tss"
    assert canonical_parameter("Cr(VI)") == "chromium_vi"


def test_aliases_are_unambiguous_and_table_complete():
    t = parameter_table()
    assert t["qcvn40_2011_no"].dropna().astype(int).tolist() == list(range(1, 34))  # all 33 Table 1 rows
    seen: dict[str, str] = {}
    for name, row in t.iterrows():
        for alias in [name, *str(row["aliases"]).split("|")]:
            key = alias.strip().lower().replace(" ", "")
            assert seen.setdefault(key, name) == name, f"alias {alias!r} names two parameters"


def test_unknown_parameter_lists_choices():
    with pytest.raises(UnknownParameterError, match="unknown wastewater parameter 'DOC'.*canonical names: flow"):
        canonical_parameter("DOC")


def test_below_detection_is_censored_not_zero_not_dropped():
    assert parse_value("<0.05") == (0.05, True)
    assert parse_value("< 0.005") == (0.005, True)
    assert parse_value("12.5") == (12.5, False)
    assert parse_value(3) == (3.0, False)
    with pytest.raises(InputError, match="'n.d.' is not a number.*'<0.05'"):
        parse_value("n.d.")


def test_normalise_converts_units_and_keeps_censored_rows():
    t = pd.Timestamp("2025-03-01T03:00Z")
    df = normalise_wastewater(
        raw(
            [
                ("W1", t, "outlet", "COD", "48", "g/m3"),  # g/m3 = mg/l: 48
                ("W1", t, "outlet", "Pb", "<0.05", "mg/L"),  # below detection 0.05 mg/l
                ("W1", t, "outlet", "Hg", "2", "ug/l"),  # 2 ug/l = 0.002 mg/l
                ("W1", t, "outlet", "Q", "150", "m3/h"),  # 150 m3/h x 24 = 3,600 m3/day
                ("W1", t, "outlet", "pH", "7.1", "-"),
            ]
        )
    )
    assert len(df) == 5
    assert df["parameter"].tolist() == ["cod", "lead", "mercury", "flow", "ph"]
    assert df["value"].tolist() == pytest.approx([48.0, 0.05, 0.002, 3600.0, 7.1])
    assert df["unit"].tolist() == ["mg/l", "mg/l", "mg/l", "m3/day", "pH"]
    assert df["censored"].tolist() == [False, True, False, False, False]
    assert (df["method"] == "lab").all()


def test_unknown_unit_and_wrong_dimension_rejected():
    t = pd.Timestamp("2025-03-01T03:00Z")
    with pytest.raises(UnknownUnitError, match="unknown unit 'mg/kg'"):
        normalise_wastewater(raw([("W1", t, "outlet", "cod", "48", "mg/kg")]))
    with pytest.raises(UnknownUnitError, match="'mg/l' is a unit of concentration, not of ph"):
        normalise_wastewater(raw([("W1", t, "outlet", "ph", "7", "mg/l")]))


@given(
    st.lists(
        st.one_of(st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=1e6), st.text(max_size=6)),
        min_size=1,
        max_size=8,
    )
)
def test_random_values_either_parse_or_raise_input_error(values):
    for v in values:
        try:
            value, censored = parse_value(v)
        except InputError:
            continue
        assert isinstance(value, float) and isinstance(censored, bool)
