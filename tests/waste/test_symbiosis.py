"""Symbiosis matching: small cases whose optimum is known by hand.

Reference values used (reference/data/waste/, illustrative, confidence R/D):
- transport 15,000 VND/(t km) x 2 km + handling 50,000 VND/t = 80,000 VND/t (symbiosis_costs.csv)
- set-up 30,000,000 VND once per solid exchange, used 5 years ('*' rows of symbiosis_values.csv), annualised at
  the discount rate 8 %/yr (finance/parameters.csv): CRF(8 %, 5) = 0.08 / (1 - 1.08^-5) = 0.08 / (1 - 0.6805832)
  = 0.2504565, so 30,000,000 x 0.2504565 = 7,513,694 VND/yr (NREL/TP-462-5173 eq. 4-6)
- fabric offcuts: recycling_revenue 300,000, preparation 200,000 VND/t
- food processing residues: virgin_value 150,000 VND/t; route fees landfill 700,000, composting 500,000 VND/t
- food DOC 0.15, DOCf 0.5, MCF 1, F 0.5 (IPCC 2006 Vol.5 Ch.2-3); composting 4 kg CH4 + 0.3 kg N2O /t,
  AD 1 kg CH4/t (Vol.5 Ch.4 Table 4.1); AR5 CH4 28, N2O 265
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from greenpark.waste.symbiosis import match_symbiosis, offers, solve_exchanges, source_rows


def test_profitable_alone_loses_when_capacity_is_shared():
    # givers A, B (100 t/yr each); takers X, Y (100 t/yr each); values per tonne:
    #   A->X 5, A->Y 4.5, B->X 4 (no setup cost)
    # greedy (best pair first): A->X 100 t = 500, then B has nowhere to go -> 500
    # optimum: A->Y 100 t (450) + B->X 100 t (400) = 850; A->X, profitable alone (500), is not chosen.
    x, y, obj = solve_exchanges(
        np.array([5.0, 4.5, 4.0]),
        np.zeros(3),
        np.array(["A", "A", "B"]),
        np.array(["X", "Y", "X"]),
        {"A": 100.0, "B": 100.0},
        {"X": 100.0, "Y": 100.0},
    )
    assert obj == pytest.approx(850.0)
    assert x == pytest.approx([0.0, 100.0, 100.0])
    assert list(y) == [0.0, 1.0, 1.0]


def test_setup_cost_makes_a_small_exchange_unprofitable():
    # C -> Z: 10 t x 1/t - setup 20 = -10 (not chosen); D -> Z: 100 t x 2/t - setup 150 = +50 (chosen)
    x, _y, obj = solve_exchanges(
        np.array([1.0, 2.0]),
        np.array([20.0, 150.0]),
        np.array(["C", "D"]),
        np.array(["Z", "Z"]),
        {"C": 10.0, "D": 100.0},
        {"Z": 200.0},
    )
    assert obj == pytest.approx(50.0)
    assert x == pytest.approx([0.0, 100.0])


def _waste(rows):
    return pd.DataFrame(rows, columns=["date", "tenant_id", "waste_code", "category", "quantity_t", "route"])


def test_match_from_records_with_reference_prices():
    # fabric offcuts: G1 gives 10 t/month (reused today), K1 takes 8 t/month at 1,500,000 VND/t
    #   benefit = 1,500,000 - 300,000 (revenue G1 loses) - 80,000 (transport) - 200,000 (sorting) = 920,000 VND/t
    #   quantity = min(120, 96) = 96 t/yr; net = 920,000 x 96 - 7,513,694 = 80,806,306 VND/yr; avoided 0
    # food residues: G3 (10 t/month, landfilled today) and G4 (10 t/month, composted) compete for K2 (10 t/month)
    #   G3: 150,000 + 700,000 - 80,000 = 770,000 VND/t; avoided = landfill 0.15x0.5x1x0.5x16/12x28 = 1.4
    #       - AD 0.001x28 = 0.028 -> 1.372 tCO2e/t; net = 770,000 x 120 - 7,513,694 = 84,886,306; 164.64 tCO2e
    #   G4: 150,000 + 500,000 - 80,000 = 570,000 VND/t (profitable alone: 570,000 x 120 - 7.5 M = 60.9 M)
    #       but K2's capacity is worth more with G3 -> not selected
    w = _waste(
        [
            ("2024-01-10", "G1", "10 02 03", "industrial", 60.0, "reuse"),
            ("2024-02-10", "G1", "10 02 03", "industrial", 60.0, "reuse"),
            ("2024-03-10", "G3", "TP01", "industrial", 120.0, "landfill"),
            ("2024-03-10", "G4", "TP01", "industrial", 120.0, "composting"),
        ]
    )
    s = pd.DataFrame(
        [
            ("K1", "take", "Fabric offcuts", 8.0, "", 1_500_000),
            ("K2", "take", "food processing residues", 10.0, "", 0),
        ],
        columns=["tenant_id", "direction", "material", "quantity_t_per_month", "quality", "price_vnd_per_t"],
    )
    o = offers(s, w, 2024)
    assert set(o.loc[o["direction"] == "give", "tenant_id"]) == {"G1", "G3", "G4"}
    r = match_symbiosis(o, "AR5")
    by = {(m.giver, m.taker): m for m in r.matches}
    assert set(by) == {("G1", "K1"), ("G3", "K2")}
    fab = by[("G1", "K1")]
    assert fab.benefit_vnd_per_t == pytest.approx(920_000)
    assert fab.quantity_t_per_year == pytest.approx(96.0)
    assert fab.setup_cost_vnd == 30_000_000 and fab.setup_life_years == 5
    assert fab.setup_vnd_per_yr == pytest.approx(7_513_694, abs=1)
    assert fab.net_benefit_vnd == pytest.approx(80_806_306, abs=1)
    assert fab.avoided_tco2e == pytest.approx(0.0)
    food = by[("G3", "K2")]
    assert food.benefit_vnd_per_t == pytest.approx(770_000)
    assert food.net_benefit_vnd == pytest.approx(84_886_306, abs=1)
    assert food.avoided_tco2e == pytest.approx(164.64)
    lost = {(c.giver, c.taker): c for c in r.not_selected}
    assert lost[("G4", "K2")].value_alone_vnd > 0
    assert r.net_benefit_vnd == pytest.approx(80_806_306 + 84_886_306, abs=2)
    assert r.discount_rate == 0.08


def test_wwtp_surplus_heat_is_a_source():
    # surplus heat 500 t steam-eq/month from the WWTP; taker needs 400 t/month at 350,000 VND/t
    # 4,800 t x 350,000 = 1,680 M VND/yr less the set-up: 5,000 M VND once over 15 years at 8 %:
    # CRF(8 %, 15) = 0.08 / (1 - 1.08^-15) = 0.08 / (1 - 1 / 3.1721691) = 0.08 / 0.6847583 = 0.1168295
    # -> 584.15 M VND/yr; net = 1,680 - 584.15 = 1,095.85 M VND/yr; avoided 4,800 x 0.31 = 1,488 tCO2e
    # (before the fix the one-off pipe was taken as 800 M VND every year)
    s = pd.DataFrame(
        [("T9", "take", "surplus heat", 400.0, "", 350_000)],
        columns=["tenant_id", "direction", "material", "quantity_t_per_month", "quality", "price_vnd_per_t"],
    )
    o = offers(s, extra_sources=source_rows("WWTP-01", "surplus heat", 500.0))
    (m,) = match_symbiosis(o).matches
    assert (m.giver, m.taker) == ("WWTP-01", "T9")
    assert m.setup_vnd_per_yr == pytest.approx(584_147_725, abs=1)
    assert m.net_benefit_vnd == pytest.approx(1_095_852_275, abs=1)
    assert m.avoided_tco2e == pytest.approx(1488.0)


def test_setup_cost_annualised_at_the_rate_given():
    # the same heat exchange at a 0 % rate: 5,000 M VND over 15 years = 333.33 M VND/yr (CRF = 1/15)
    s = pd.DataFrame(
        [("T9", "take", "surplus heat", 400.0, "", 350_000)],
        columns=["tenant_id", "direction", "material", "quantity_t_per_month", "quality", "price_vnd_per_t"],
    )
    o = offers(s, extra_sources=source_rows("WWTP-01", "surplus heat", 500.0))
    (m,) = match_symbiosis(o, discount_rate=0.0).matches
    assert m.setup_vnd_per_yr == pytest.approx(333_333_333.3, abs=1)
    assert m.net_benefit_vnd == pytest.approx(1_680_000_000 - 333_333_333.3, abs=1)
