"""Symbiosis matching: small cases whose optimum is known by hand.

Reference values used (reference/data/waste/, illustrative, confidence R/D):
- transport 15,000 VND/(t km) x 2 km + handling 50,000 VND/t = 80,000 VND/t (symbiosis_costs.csv)
- setup 10,000,000 VND/yr per solid exchange ('*' row of symbiosis_values.csv)
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
    #   quantity = min(120, 96) = 96 t/yr; net = 920,000 x 96 - 10,000,000 = 78,320,000 VND/yr; avoided 0
    # food residues: G3 (10 t/month, landfilled today) and G4 (10 t/month, composted) compete for K2 (10 t/month)
    #   G3: 150,000 + 700,000 - 80,000 = 770,000 VND/t; avoided = landfill 0.15x0.5x1x0.5x16/12x28 = 1.4
    #       - AD 0.001x28 = 0.028 -> 1.372 tCO2e/t; net = 770,000 x 120 - 10,000,000 = 82,400,000; 164.64 tCO2e
    #   G4: 150,000 + 500,000 - 80,000 = 570,000 VND/t (profitable alone: 570,000 x 120 - 10 M = 58.4 M)
    #       but K2's capacity is worth more with G3 -> not selected
    w = _waste(
        [
            ("2024-01-10", "G1", "10 02 03", "industrial", 60.0, "reuse"),
            ("2024-02-10", "G1", "10 02 03", "industrial", 60.0, "reuse"),
            ("2024-03-10", "G3", "02 02 01", "industrial", 120.0, "landfill"),
            ("2024-03-10", "G4", "02 02 01", "industrial", 120.0, "composting"),
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
    assert fab.net_benefit_vnd == pytest.approx(78_320_000)
    assert fab.avoided_tco2e == pytest.approx(0.0)
    food = by[("G3", "K2")]
    assert food.benefit_vnd_per_t == pytest.approx(770_000)
    assert food.net_benefit_vnd == pytest.approx(82_400_000)
    assert food.avoided_tco2e == pytest.approx(164.64)
    assert "G3 gives 10.0 t/month of food processing residues to K2" in food.explanation
    assert "G3 chuyển 10,0 t/tháng phụ phẩm chế biến thực phẩm cho K2" in food.explanation_vi
    assert "lợi ích ròng 82 triệu VND/năm (770 nghìn VND/t x 120 t" in food.explanation_vi
    lost = {(c.giver, c.taker): c for c in r.not_selected}
    assert lost[("G4", "K2")].value_alone_vnd > 0
    assert r.net_benefit_vnd == pytest.approx(78_320_000 + 82_400_000)


def test_wwtp_surplus_heat_is_a_source():
    # surplus heat 500 t steam-eq/month from the WWTP; taker needs 400 t/month at 350,000 VND/t
    # 4,800 t x 350,000 = 1,680 M - pipe setup 800 M = 880 M VND/yr; avoided 4,800 x 0.31 = 1,488 tCO2e
    s = pd.DataFrame(
        [("T9", "take", "surplus heat", 400.0, "", 350_000)],
        columns=["tenant_id", "direction", "material", "quantity_t_per_month", "quality", "price_vnd_per_t"],
    )
    o = offers(s, extra_sources=source_rows("WWTP-01", "surplus heat", 500.0))
    (m,) = match_symbiosis(o).matches
    assert (m.giver, m.taker) == ("WWTP-01", "T9")
    assert m.net_benefit_vnd == pytest.approx(880_000_000)
    assert m.avoided_tco2e == pytest.approx(1488.0)
