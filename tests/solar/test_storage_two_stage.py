"""The two-stage storage sizing (``size_both(..., method="two_stage")``, the default) against the exact
full-year storage LP and against a day solved by hand.

Stated tolerance (docs/solar.md): the two-stage answer is a feasible point of the full LP (each week's battery
ends as full as it began, a restriction of the yearly cycle), so its NPV is never above the exact optimum's
beyond solver tolerance. It is below it by at most 0.5 % of the value the battery adds (exact NPV with battery
minus the PV-only NPV; that is at most 0.1 % of the LP's objective, the lifecycle cost), with battery kWh and kW
within 10 % and PV kWp within 2 % of the exact optimum's (near the optimum the NPV is flat in the battery's
sizes: a few % more or less costs far less than the NPV tolerance).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
import scipy.sparse as sp
from solarkit import hand_costs

from greenpark import optimisation as opt
from greenpark.errors import SolverError
from greenpark.finance import annuity_factor
from greenpark.solar.sizing import SizingInputs, size_both

# Circular 16/2014/TT-BCT Art.5 TOU hours (tariffs/tou_hours.csv, scheme ct16_2014), Monday to Saturday:
# off-peak 22:00-04:00, peak 09:30-11:30 and 17:00-20:00, normal otherwise; Sunday: no peak.
# Decision 1279/QD-BCT (9 May 2025) Annex, manufacturing, 22-110 kV (tariffs/retail.csv), VND/kWh excl. VAT:
OFFPEAK, NORMAL, PEAK = 1190.0, 1833.0, 3398.0
HALF = (NORMAL + PEAK) / 2  # 09:00-10:00 and 11:00-12:00 are half normal, half peak: 2,615.5 (minute-weighted)
WEEKDAY = np.array([OFFPEAK] * 4 + [NORMAL] * 5 + [HALF, PEAK, HALF] + [NORMAL] * 5 + [PEAK] * 3 + [NORMAL] * 2
                   + [OFFPEAK] * 2)  # fmt: skip
SUNDAY = np.array([OFFPEAK] * 4 + [NORMAL] * 18 + [OFFPEAK] * 2)


def _tenant(tid, load, pv, price, pv_max, cap_base="output", cap=0.5, surplus=1000.0):
    return SizingInputs(
        tenant_id=tid, load_kwh=np.asarray(load, float), pv_kwh_per_kwp=np.asarray(pv, float),
        price_vnd_per_kwh=np.asarray(price, float), pv_max_kwp=pv_max, export_cap_share=cap,
        surplus_price_vnd_per_kwh=surplus, vat_rate=0.08, grid_tco2_per_mwh=0.6592, degradation_per_year=0.005,
        export_cap_base=cap_base,
    )  # fmt: skip


def test_two_stage_matches_a_tou_day_solved_by_hand():
    # One weekday standing for the year (weight 365), load 100 kW flat, no PV, lossless battery (hand_costs:
    # eta = 1, m = 0, 10 years at 8 %: annuity 6.7101), energy 3 M VND/kWh, power 0.1 M VND/kW.
    # The hours by price: 10, 17, 18, 19 at 3,398; 9 and 11 at 2,615.5; off-peak 22-04 at 1,190; normal 1,833.
    # A kWh of storage earns per day, discharged at most 100 kWh an hour (the load; nothing is exported):
    #   up to 100 kWh: charged off-peak, sold at hour 10 (2,208), recharged at normal, sold 17-19 (1,565) = 3,773
    #   100-300 kWh: the morning sale moves to hours 9 and 11: 1,425.5 + 1,565 = 2,990.5
    #   beyond 300 kWh: only off-peak instead of normal charging for the evening, or off-peak to normal: 643
    # x 365 x 6.7101: 9.24 M, 7.32 M and 1.57 M VND per kWh against 3 M -> E = 300 kWh; W = 100 kW (one peak
    # hour's load; each further kW earns nothing).
    inp = _tenant("day", np.full(24, 100.0), np.zeros(24), WEEKDAY, pv_max=0.0)
    costs = hand_costs(battery_capex_energy=3_000_000.0)
    a = annuity_factor(0.08, 10)
    assert a == pytest.approx(6.7101, abs=1e-4)
    fast, pv_only = size_both(inp, costs, screen=False)
    exact, _ = size_both(inp, costs, screen=False, method="exact")
    assert "two-stage" in fast.solver_status
    for r in (fast, exact):
        assert r.battery_kwh == pytest.approx(300.0, rel=1e-5)
        assert r.battery_kw == pytest.approx(100.0, rel=1e-5)
        assert r.pv_kwp == 0.0
        # bill before: 100 kW x (6 x 1,190 + 12 x 1,833 + 2 x 2,615.5 + 4 x 3,398 = 47,959) x 365 days
        assert r.bill_before_vnd == pytest.approx(100 * 47_959 * 365, rel=1e-9)
        # saving per day: morning 100 x (2,615.5 + 3,398 + 2,615.5) - 300 x 1,190 = 505,900;
        # evening 300 x 3,398 - 300 x 1,833 = 469,500; together 975,400 VND x 365 = 356.021 M VND a year
        assert r.annual_savings_vnd == pytest.approx(975_400 * 365, rel=1e-6)
        # capex 300 x 3 M + 100 x 0.1 M = 910 M VND; the saving shrinks 0.5 %/yr (degradation) in the NPV
        assert r.capex_vnd == pytest.approx(910e6, rel=1e-6)
    assert fast.npv_vnd == pytest.approx(exact.npv_vnd, rel=1e-7)
    assert pv_only.battery_kwh == 0.0 and pv_only.annual_savings_vnd == 0.0


def _weeks(n_weeks: int, seed: int, closed_sunday: bool, base_kw: float):
    """A tenant's hand-made hours: ct16 prices, a day-shift load, PV under day-to-day cloud."""
    rng = np.random.default_rng(seed)
    days = 7 * n_weeks
    hours = np.arange(24)
    sunday = (np.arange(days) % 7) == 6
    price = np.concatenate([SUNDAY if s else WEEKDAY for s in sunday])
    shift = ((hours >= 7) & (hours < 19)).astype(float)
    load = np.concatenate([
        base_kw * (0.2 if (s and closed_sunday) else 1.0) * (0.4 + 0.6 * shift) * rng.uniform(0.85, 1.15, 24)
        for s in sunday
    ])  # fmt: skip
    sun = np.clip(np.sin(np.pi * (hours - 6) / 12), 0, None) * 0.8  # kWh/kWp at noon on a clear day
    pv = np.concatenate([sun * rng.uniform(0.3, 1.0) for _ in range(days)])
    return load, pv, price


def _compare(inp: SizingInputs, costs) -> None:
    fast, pv_only = size_both(inp, costs, screen=False)
    exact, _ = size_both(inp, costs, screen=False, method="exact")
    assert "two-stage" in fast.solver_status and exact.battery_kwh > 1.0  # a battery that pays
    added = exact.npv_vnd - pv_only.npv_vnd
    assert fast.npv_vnd <= exact.npv_vnd + 1e-7 * abs(exact.npv_vnd)  # a feasible point of the same LP
    assert exact.npv_vnd - fast.npv_vnd <= 0.005 * added
    assert fast.battery_kwh == pytest.approx(exact.battery_kwh, rel=0.10)
    assert fast.battery_kw == pytest.approx(exact.battery_kw, rel=0.10)
    assert fast.pv_kwp == pytest.approx(exact.pv_kwp, rel=0.02, abs=1e-3)


@pytest.mark.parametrize(
    ("seed", "closed_sunday", "pv_max", "cap_base", "cap", "efficiency", "min_soc"),
    [
        (1, False, 300.0, "output", 0.5, 1.0, 0.0),  # Decree 58/2025-style cap on the year's output
        (2, True, 600.0, "output", 0.2, 0.9, 0.1),  # Sunday closure: a surplus the yearly cap lets through
        (3, True, 400.0, "installed_capacity", 0.2, 0.9, 0.1),  # Decree 135/2024-style cap on kW each hour
        (4, False, 0.0, "output", 0.5, 0.85, 0.1),  # no roof: battery arbitrage only
    ],
)
def test_two_stage_is_within_tolerance_of_the_exact_lp(seed, closed_sunday, pv_max, cap_base, cap, efficiency,
                                                       min_soc):  # fmt: skip
    load, pv, price = _weeks(8, seed, closed_sunday, base_kw=150.0)
    inp = _tenant(f"H{seed}", load, pv, price, pv_max, cap_base, cap, surplus=1000.0)
    costs = hand_costs(battery_capex_energy=2_500_000.0, battery_capex_power=300_000.0, pv_capex=8_000_000.0,
                       battery_roundtrip_efficiency=efficiency, battery_min_soc=min_soc)  # fmt: skip
    _compare(inp, costs)


def test_two_stage_is_within_tolerance_on_an_example_tenant(example_park, monkeypatch):
    # The example park's first tenant with storage at half the reference cost (where a battery pays), a full year.
    from greenpark import runs
    from greenpark.ghg import grid_factor
    from greenpark.io.importer import open_park
    from greenpark.solar import portfolio as pf
    from greenpark.solar.climate import typical_year
    from greenpark.solar.params import pv_system_params

    data, store = open_park(str(example_park), store_url="duckdb://")
    try:
        py, _ = runs.park_year(data, store)
        consumption = py.consumption("hour", by="tenant")
    finally:
        store.close()
    p = data.park
    weather = typical_year(p.latitude, p.longitude, py.year, p.timezone, pv_system_params().wind_speed_default)
    jobs: list = []
    real = pf._solve_tenants
    monkeypatch.setattr(pf, "_solve_tenants", lambda batch: (jobs.extend(batch), real(batch))[1])
    study_date = dt.date(2026, 11, 29)  # the rules of benchmarks/bench_solar_sizing.py
    pf.assess_solar(data, consumption, weather, py.year, study_date, grid_factor(py.year).tco2_per_mwh)
    inp, costs = jobs[0]
    assert len(inp.load_kwh) in (8760, 8784)
    half = dataclasses.replace(costs, battery_capex_energy=costs.battery_capex_energy / 2,
                               battery_capex_power=costs.battery_capex_power / 2)  # fmt: skip
    _compare(inp, half)


def test_resolver_resolves_from_the_last_basis():
    # min c1 x1 + c2 x2  s.t.  x1 + x2 >= d, 0 <= x <= 10: all of d goes to the cheaper column.
    lp = opt.LinearProgram(
        name="two sources", cost=np.array([1.0, 2.0]), col_lower=np.zeros(2), col_upper=np.full(2, 10.0),
        a=sp.csc_matrix(np.ones((1, 2))),
        row_lower=np.array([4.0]), row_upper=np.array([np.inf]),
    )  # fmt: skip
    r = opt.Resolver(lp)
    first = r.solve()
    assert first.x == pytest.approx([4.0, 0.0]) and first.objective == pytest.approx(4.0)
    # the second source becomes cheaper (3 vs 1.5): 6 x 1.5 = 9
    second = r.solve(cost=np.array([3.0, 1.5]), row_lower=np.array([6.0]))
    assert second.x == pytest.approx([0.0, 6.0]) and second.objective == pytest.approx(9.0)
    # demand beyond both columns' bounds (25 > 10 + 10): infeasible, said with the model's name
    with pytest.raises(SolverError, match="two sources"):
        r.solve(row_lower=np.array([25.0]))
