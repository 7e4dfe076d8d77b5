"""Rooftop-surplus rules as each decree defines them: the cap base and the previous year's market price."""

from __future__ import annotations

import datetime as dt

import pytest

from greenpark.errors import MissingFactorError
from greenpark.tariffs import surplus_rule


@pytest.mark.parametrize(
    ("on", "rule", "cap_base", "share"),
    [
        # Decree 135/2024 (22 Oct 2024 - 2 Mar 2025): at most 20 % of the actual INSTALLED CAPACITY
        (dt.date(2024, 11, 1), "decree135_2024", "installed_capacity", 0.20),
        # Decree 58/2025 (3 Mar 2025): 20 % of the electricity OUTPUT
        (dt.date(2026, 2, 1), "decree58_2025", "output", 0.20),
        # Decree 243/2026 (26 Jun 2026): 50 % of output
        (dt.date(2026, 7, 1), "decree243_2026", "output", 0.50),
    ],
)
def test_cap_base_by_decree(on, rule, cap_base, share):
    from greenpark.reference import load_table

    rows = load_table("tariffs/rooftop_surplus")
    row = rows[(rows["rule"] == rule) & (rows["item"] == "export_cap_share")].iloc[0]
    assert (row["cap_base"], row["value"]) == (cap_base, share)
    if on >= dt.date(2026, 1, 1):  # a price is known: the rule object carries the cap base
        r = surplus_rule(on, "south")
        assert (r.rule, r.cap_base, r.export_cap_share) == (rule, cap_base, share)


def test_surplus_price_is_the_previous_years_market_price():
    # Decree 58/2025 in 2026: the 2025 average market price (FMP mean 1,426.6 VND/kWh, vietnam-facts s5.3)
    assert surplus_rule(dt.date(2026, 3, 1), "south").price_vnd_per_kwh == 1426.6
    # ... in 2025 it is the 2024 average, and under Decree 135/2024 the 2023 then 2024 averages: not in the data,
    # so the rule refuses rather than pricing 2025 with 2025's own figure
    for on in (dt.date(2024, 11, 1), dt.date(2025, 2, 1), dt.date(2025, 6, 1)):
        with pytest.raises(MissingFactorError, match="previous year's .* average market"):
            surplus_rule(on, "south")
