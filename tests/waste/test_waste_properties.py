"""Random bad waste rows never crash the checks and never vanish (hypothesis)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from greenpark.waste.registry import quantity_t, validate_records

text = st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["kg", "t", "m3", "landfill", "SH01", "17 02 03"]))
num = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=32), st.text(max_size=4))
row = st.fixed_dictionaries(
    {
        "date": st.sampled_from(["2024-01-01", "2024-13-01", "", None]),
        "tenant_id": text,
        "waste_code": text,
        "category": st.one_of(text, st.sampled_from(["hazardous", "industrial", "domestic"])),
        "quantity": num,
        "unit": text,
        "route": text,
        "receiver": text,
        "density_t_per_m3": num,
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(row, min_size=1, max_size=8))
def test_random_rows_never_crash_nor_vanish(rows):
    raw = pd.DataFrame(rows)
    findings = validate_records(raw)
    q = quantity_t(raw)
    assert len(q) == len(raw)  # one mass (or NaN) per row: nothing dropped
    bad = set(raw.index[q.isna()] + 2)  # every unconvertible row is reported on its line
    reported = {
        f.line for f in findings if f.code in {"waste.quantity_invalid", "waste.unit_unknown", "waste.m3_no_density"}
    }
    assert bad <= reported
