"""The sizing LP on small cases solved by hand (one day standing for a year: weight 8,760 / 24 = 365)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from solarkit import hand_costs

from greenpark.errors import InputError
from greenpark.finance import annuity_factor, degraded_annuity_factor
from greenpark.solar.sizing import (
    SizingInputs,
    battery_screen,
    battery_value_bounds,
    concave_net_bound,
    size_both,
    size_system,
)

HOURS = np.arange(24)
SUN = np.where((HOURS >= 8) & (HOURS < 16), 0.5, 0.0)  # 8 h at 0.5 kWh/kWp = 4 kWh/kWp per day


def _inputs(load, price, pv_max, pv=SUN, cap=0.5, surplus=1000.0):
    return SizingInputs(
        tenant_id="T", load_kwh=np.asarray(load, float), pv_kwh_per_kwp=np.asarray(pv, float),
        price_vnd_per_kwh=np.asarray(price, float), pv_max_kwp=pv_max, export_cap_share=cap,
        surplus_price_vnd_per_kwh=surplus, vat_rate=0.08, grid_tco2_per_mwh=0.6592, degradation_per_year=0.0,
    )  # fmt: skip


def test_flat_tariff_gives_no_battery():
    # Flat 2,000 VND/kWh, load 100 kW all day, PV at most 50 kWp x 0.5 = 25 kW < load: no surplus to store,
    # and buying at 2,000 to "sell" to oneself at 2,000 (less losses, eta = 0.9) earns nothing.
    # PV pays: 4 kWh/kWp/day x 365 x 2,000 = 2.92 M VND/yr vs capex 1 M VND/kWp -> PV at the roof limit.
    inp = _inputs(np.full(24, 100.0), np.full(24, 2000.0), pv_max=50.0)
    costs = hand_costs(battery_roundtrip_efficiency=0.9)
    best, pv_only = size_both(inp, costs, screen=False)  # the storage LP itself, not the screen
    assert best.battery_kwh == pytest.approx(0.0, abs=1e-3)
    assert best.battery_kw == pytest.approx(0.0, abs=1e-3)
    assert best.pv_kwp == pytest.approx(50.0, rel=1e-6)
    # and the screen proves the same without the storage LP
    bound, cost = battery_screen(inp, costs)
    assert bound <= cost
    assert size_both(inp, costs)[0].battery_kwh == 0.0
    # PV-only figures by hand: generation 50 x 4 x 365 = 73,000 kWh; all used on site
    assert pv_only.annual_kwh == pytest.approx(73_000.0, rel=1e-6)
    assert pv_only.self_consumption == pytest.approx(1.0)
    # savings 73,000 x 2,000 = 146 M VND; self-sufficiency 73,000 / (100 x 24 x 365) = 0.08333
    assert pv_only.annual_savings_vnd == pytest.approx(146e6, rel=1e-6)
    assert pv_only.self_sufficiency == pytest.approx(73_000 / 876_000, rel=1e-6)
    # avoided 73,000 kWh x 0.6592 tCO2/MWh = 48.12 tCO2e
    assert pv_only.avoided_tco2e == pytest.approx(48.1216, rel=1e-6)


def test_peak_offpeak_spread_pays_for_storage():
    # Load 100 kW; 1,000 VND/kWh for hours 0-11 and 3,000 for 12-23; no roof. Lossless battery (eta = 1, m = 0).
    # Each kWh shifted saves 2,000 VND a day = 730,000 VND/yr; over 10 years at 8 % (annuity 6.7101) = 4.90 M VND,
    # against 1 M VND/kWh + 0.1 M VND/kW. So the battery covers the whole peak: 100 kW x 12 h = 1,200 kWh,
    # charged over the 12 cheap hours at 100 kW and discharged at 100 kW.
    price = np.where(HOURS < 12, 1000.0, 3000.0)
    inp = _inputs(np.full(24, 100.0), price, pv_max=0.0, pv=np.zeros(24))
    costs = hand_costs()
    assert annuity_factor(0.08, 10) == pytest.approx(6.7101, abs=1e-4)
    best = size_system(inp, costs, with_battery=True)
    assert best.battery_kwh == pytest.approx(1200.0, rel=1e-4)
    assert best.battery_kw == pytest.approx(100.0, rel=1e-4)
    # bill before 365 x (1,200 x 1,000 + 1,200 x 3,000) = 1,752 M; after: 2,400 kWh at 1,000 a day = 876 M
    assert best.bill_before_vnd == pytest.approx(1752e6, rel=1e-6)
    assert best.bill_after_vnd == pytest.approx(876e6, rel=1e-4)
    # capex 1,200 x 1 M + 100 x 0.1 M = 1,210 M; simple payback 1,210 / 876 = 1.381 years
    assert best.capex_vnd == pytest.approx(1210e6, rel=1e-4)
    assert best.payback_years == pytest.approx(1210 / 876, rel=1e-3)
    assert size_system(inp, costs, with_battery=False).battery_kwh == 0.0


def test_export_cap_binds():
    # No load; PV worth only its exports: 0.2 x 4 kWh/kWp/day x 365 x 1,000 VND = 292,000 VND/kWp/yr,
    # x annuity 6.7101 = 1.96 M > capex 1 M VND/kWp -> PV at the 100 kWp roof limit.
    # Generation 100 x 4 x 365 = 146,000 kWh; export capped at 20 % = 29,200 kWh; the rest (116,800) curtailed.
    inp = _inputs(np.zeros(24), np.full(24, 2000.0), pv_max=100.0, cap=0.2)
    best, pv_only = size_both(inp, hand_costs(battery_roundtrip_efficiency=0.9))
    for r in (best, pv_only):
        assert r.pv_kwp == pytest.approx(100.0, rel=1e-6)
        assert r.export_kwh == pytest.approx(29_200.0, rel=1e-5)
        assert r.curtailed_kwh == pytest.approx(116_800.0, rel=1e-5)
        assert r.export_cap_binding
        assert r.annual_savings_vnd == pytest.approx(29.2e6, rel=1e-5)


def test_cap_makes_pv_smaller_when_exports_cannot_pay():
    # Same, but PV capex 3 M VND/kWp > 1.96 M of capped export value: nothing is built.
    inp = _inputs(np.zeros(24), np.full(24, 2000.0), pv_max=100.0, cap=0.2)
    r = size_system(inp, hand_costs(pv_capex=3_000_000.0), with_battery=False)
    assert r.pv_kwp == pytest.approx(0.0, abs=1e-4)
    assert r.npv_vnd == pytest.approx(0.0, abs=1.0)


def test_bad_inputs_are_refused():

    inp = _inputs(np.full(24, np.nan), np.full(24, 2000.0), pv_max=10.0)
    with pytest.raises(InputError, match="load_kwh has 24 missing values"):
        size_system(inp, hand_costs())


def test_concave_net_bound_by_hand():
    # Known points of a concave nondecreasing V with V(0) = 0: V(0.5) = 10, V(1) = 12; power cost 4 per unit step.
    # On [0.5, 1] V lies below the line through (0.5, 10) with the slope of the chord from 0 (20) and below 12:
    # they cross at s = 0.6, where the bound is 12 - 4 x 0.6 = 9.6. Elsewhere: s = 0.5 -> 10 - 2 = 8;
    # s = 1 -> 12 - 4 = 8; on (0, 0.5] V lies below 10 - 4 (0.5 - s) (the next chord's slope 4): at most 8.
    assert concave_net_bound(np.array([0.5, 1.0]), np.array([10.0, 12.0]), 4.0) == pytest.approx(9.6)
    # a power cost above every slope leaves only the smallest store: below 10 - 4 x 0.5 ... minus 50 x s -> 0
    assert concave_net_bound(np.array([0.5, 1.0]), np.array([10.0, 12.0]), 50.0) == pytest.approx(8.0)


@pytest.mark.parametrize("energy_cost", [300_000.0, 2_400_000.0, 8_000_000.0, 8_800_000.0, 9_600_000.0, 12_000_000.0])
def test_screen_never_hides_a_paying_battery(energy_cost):
    # A week with a three-band tariff and a midday PV surplus; eta = 0.9, 10 % minimum charge. Across battery
    # costs, whenever the screen proves "no battery", the storage LP itself must find no battery that adds NPV.
    hours = np.arange(24 * 7) % 24
    price = np.where(hours < 4, 1200.0, np.where((hours >= 17) & (hours < 20), 3500.0, 1900.0))
    load = 80.0 + 40.0 * ((hours >= 7) & (hours < 18)) + 5.0 * np.sin(np.arange(24 * 7))
    pv = np.where((hours >= 7) & (hours < 17), 0.55 * np.sin(np.pi * (hours - 7) / 10), 0.0)
    inp = _inputs(load, price, pv_max=400.0, pv=pv, cap=0.2, surplus=700.0)
    costs = hand_costs(battery_capex_energy=energy_cost, battery_roundtrip_efficiency=0.9, battery_min_soc=0.1)
    bound, cost = battery_screen(inp, costs)
    full, pv_only = size_both(inp, costs, screen=False)
    screened, _ = size_both(inp, costs)
    if "proven" in screened.solver_status:
        assert full.npv_vnd <= pv_only.npv_vnd * (1 + 1e-6) + 1.0
        assert screened.battery_kwh == 0.0
    else:  # the storage LP ran: same answer as without the screen
        assert screened.npv_vnd == pytest.approx(full.npv_vnd, rel=1e-6)
    if energy_cost <= 300_000.0:  # cheap storage pays here: the screen must not claim otherwise
        assert full.battery_kwh > 1.0 and "proven" not in screened.solver_status
    assert bound > 0 and cost > 0


def test_degraded_annuity_weighs_the_shrinking_saving():
    # 1 a year shrinking 10 % a year for 3 years at 10 %: 1/1.1 + 0.9/1.21 + 0.81/1.331 = 2.2605
    assert degraded_annuity_factor(0.10, 3, 0.10) == pytest.approx(1 / 1.1 + 0.9 / 1.21 + 0.81 / 1.331)
    assert degraded_annuity_factor(0.08, 10, 0.0) == pytest.approx(annuity_factor(0.08, 10))


def test_screen_proves_no_battery_when_storage_is_dear():
    # The week above with storage at 12 M VND/kWh: the screen settles it without the storage LP.
    hours = np.arange(24 * 7) % 24
    price = np.where(hours < 4, 1200.0, np.where((hours >= 17) & (hours < 20), 3500.0, 1900.0))
    load = 80.0 + 40.0 * ((hours >= 7) & (hours < 18))
    pv = np.where((hours >= 7) & (hours < 17), 0.55 * np.sin(np.pi * (hours - 7) / 10), 0.0)
    inp = _inputs(load, price, pv_max=400.0, pv=pv, cap=0.2, surplus=700.0)
    costs = hand_costs(battery_capex_energy=12_000_000.0, battery_roundtrip_efficiency=0.9, battery_min_soc=0.1)
    best, _ = size_both(inp, costs)
    assert "proven" in best.solver_status and best.battery_kwh == 0.0


def test_batched_screens_equal_single_ones():
    # One pass over the hours for several tenants gives each the values its own pass gives.
    rng = np.random.default_rng(7)
    prices = rng.uniform(800.0, 3500.0, size=(3, 24 * 3))
    batch = battery_value_bounds(prices, prices, 0.9)
    for k in range(3):
        assert batch[k] == pytest.approx(battery_value_bounds(prices[k], prices[k], 0.9))


def test_export_cap_on_installed_capacity_is_per_hour():
    """Decree 135/2024 caps the surplus at 20 % of the installed capacity (kW), not of the year's output: with no
    load, 100 kWp may export at most 0.2 x 100 kW x 1 h = 20 kWh in each of the 8 sunny hours (output 50 kWh/h), so
    20 x 8 x 365 = 58,400 kWh/yr; the other 50 x 8 x 365 - 58,400 = 87,600 kWh are curtailed. (Under the output base,
    test_export_cap_binds: 29,200 kWh.) Value 0.2 x 8 x 365 x 1,000 VND = 584,000 VND/kWp/yr x annuity 6.7101 =
    3.92 M > capex 1 M VND/kWp: PV at the 100 kWp roof limit; savings 58,400 x 1,000 = 58.4 M VND/yr."""
    by_output = _inputs(np.zeros(24), np.full(24, 2000.0), pv_max=100.0, cap=0.2)
    inp = replace(by_output, export_cap_base="installed_capacity")
    r = size_system(inp, hand_costs(), with_battery=False)
    assert r.pv_kwp == pytest.approx(100.0, rel=1e-6)
    assert r.export_kwh == pytest.approx(58_400.0, rel=1e-5)
    assert r.curtailed_kwh == pytest.approx(87_600.0, rel=1e-5)
    assert r.export_cap_binding
    assert r.annual_savings_vnd == pytest.approx(58.4e6, rel=1e-5)
    with pytest.raises(InputError, match="export cap base 'capacity'"):
        replace(inp, export_cap_base="capacity").check()
