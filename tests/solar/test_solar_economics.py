"""Project economics by hand: annuity, NPV, IRR, paybacks, LCOE (NREL/TP-462-5173 definitions)."""

from __future__ import annotations

import numpy as np
import pytest

from greenpark.solar import economics as fin


def test_annuity_factor():
    # (1 - 1.1^-3) / 0.1 = 2.48685
    assert fin.annuity_factor(0.10, 3) == pytest.approx(2.486852, rel=1e-6)
    assert fin.annuity_factor(0.0, 3) == 3.0


def test_cash_flows_npv_irr_paybacks():
    # capex 100; saving 50/yr, degradation 0, opex 10/yr, 3 years, replacement 20 in year 2
    flows = fin.cash_flows(100.0, 50.0, 10.0, 0.0, 3, {2: 20.0})
    assert flows.tolist() == [-100.0, 40.0, 20.0, 40.0]
    # NPV at 10 %: -100 + 40/1.1 + 20/1.21 + 40/1.331 = -100 + 36.3636 + 16.5289 + 30.0526 = -17.0548
    assert fin.npv(flows, 0.10) == pytest.approx(-17.0548, abs=1e-4)
    assert fin.irr(flows) == pytest.approx(0.0, abs=1e-9)  # the flows sum to 0
    # simple payback 100 / (50 - 10) = 2.5 years; discounted: never within 3 years at 10 %
    assert fin.simple_payback(100.0, 40.0) == 2.5
    assert fin.discounted_payback(flows, 0.10) is None
    # at 0 %: cumulative -60, -40, 0 -> paid back exactly at the end of year 3
    assert fin.discounted_payback(flows, 0.0) == pytest.approx(3.0)


def test_degradation_and_lcoe():
    # 1,000 kWh in year 1, 0.5 %/yr: year 2 = 995 kWh; saving follows the same factor
    flows = fin.cash_flows(0.0, 1000.0, 0.0, 0.005, 2, {})
    assert flows[1:].tolist() == pytest.approx([1000.0, 995.0])
    # LCOE at 0 %: (capex 1,990 + opex 0) / (1,000 + 995) = 0.99749 per kWh
    assert fin.lcoe(1990.0, 0.0, {}, 1000.0, 0.005, 0.0, 2) == pytest.approx(1990 / 1995)


def test_replacement_years():
    assert fin.replacement_years(10, 25) == [10, 20]
    assert fin.replacement_years(12, 25) == [12, 24]
    assert fin.replacement_years(30, 25) == []
    assert np.isclose(fin.annuity_factor(0.08, 25), 10.6748, atol=1e-4)
