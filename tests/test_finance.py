"""The finance module by hand: the one discount rate, annuity and capital recovery factors, NPV, IRR, paybacks,
LCOE (NREL/TP-462-5173 definitions: present value eq. 4-3, uniform present value eq. 4-5, CRF eq. 4-6)."""

from __future__ import annotations

import numpy as np
import pytest

from greenpark import finance as fin
from greenpark.reference import lookup


def test_the_one_discount_rate_is_reference_data():
    # 8 %/yr real (finance/parameters.csv, confidence R); solar and plan tables no longer carry their own
    row = fin.discount_rate_row()
    assert row.value == 0.08 and row.unit == "1/yr" and row.table == "finance/parameters"
    assert "WACC" in row.source and row.confidence == "R"
    assert fin.discount_rate() == 0.08
    for table in ("solar/costs", "plan/parameters"):
        with pytest.raises(LookupError):
            lookup(table, parameter="discount_rate")


def test_a_users_discount_rate_wins(tmp_path):
    (tmp_path / "finance").mkdir()
    (tmp_path / "finance" / "parameters.csv").write_text(
        "parameter,value,unit,source,edition,valid_from,valid_to,confidence\n"
        "discount_rate,0.12,1/yr,park's own WACC,2026,,,V\n"
    )
    assert fin.discount_rate(extra_dirs=[tmp_path]) == 0.12


def test_annuity_factor():
    # (1 - 1.1^-3) / 0.1 = (1 - 0.7513148) / 0.1 = 2.48685
    assert fin.annuity_factor(0.10, 3) == pytest.approx(2.486852, rel=1e-6)
    assert fin.annuity_factor(0.0, 3) == 3.0


def test_capital_recovery_factor_and_annualised():
    # CRF(10 %, 3) = 0.1 / (1 - 1.1^-3) = 0.1 / 0.2486852 = 0.4021148; 1/N at 0 %
    assert fin.capital_recovery_factor(0.10, 3) == pytest.approx(0.4021148, rel=1e-6)
    assert fin.capital_recovery_factor(0.0, 4) == 0.25
    # 1,000,000 spread over 10 years at 8 %: CRF = 0.08 / (1 - 1.08^-10) = 0.08 / (1 - 0.4631935) = 0.1490295
    assert fin.annualised(1_000_000, 0.08, 10) == pytest.approx(149_029.5, abs=0.1)
    # a loan of 1,000 repaid at 10 %: 402.11 a year for 3 years repays it exactly
    assert fin.npv(np.array([-1000.0] + [1000 * 0.4021148] * 3), 0.10) == pytest.approx(0.0, abs=1e-3)


def test_discount_factor_and_present_value():
    # 100 in year 2 and 50 in year 3 at 10 %: 100 / 1.21 + 50 / 1.331 = 82.6446 + 37.5657 = 120.2104
    assert fin.discount_factor(0.10, 2) == pytest.approx(1 / 1.21)
    assert fin.present_value({2: 100.0, 3: 50.0}, 0.10) == pytest.approx(120.2104, abs=1e-4)


def test_degraded_annuity_factor():
    # r 10 %, d 5 %, 2 years: 1 / 1.1 + 0.95 / 1.21 = 0.909091 + 0.785124 = 1.694215
    assert fin.degraded_annuity_factor(0.10, 2, 0.05) == pytest.approx(1.694215, abs=1e-6)
    # no degradation: the plain annuity factor
    assert fin.degraded_annuity_factor(0.08, 25, 0.0) == pytest.approx(fin.annuity_factor(0.08, 25))


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
