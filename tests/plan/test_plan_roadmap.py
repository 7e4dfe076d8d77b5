"""Roadmap MILP checked by enumeration; cost curve ordering; candidate measures by hand."""

import itertools

import numpy as np
import pandas as pd
import pytest

from greenpark.errors import InputError
from greenpark.finance import capital_recovery_factor
from greenpark.plan import (
    Measure,
    annualised_cost_vnd,
    candidate_measures,
    cost_curve,
    roadmap,
)
from greenpark.reference import load_table

G0 = 0.66  # tCO2/MWh, made-up round grid factor for the tests


def _m(name: str, kwh: float, fuel_t: float, capex: float, savings: float, life: int = 10) -> Measure:
    return Measure(
        tenant_id="T1",
        measure=name,
        kind="electricity" if kwh else "fuel",
        electricity_saved_kwh=kwh,
        fuel_saved_kwh=0.0,
        fuel_abatement_tco2e=fuel_t,
        annual_savings_vnd=savings,
        capex_vnd=capex,
        opex_vnd_per_year=0.0,
        lifetime_years=life,
    )


def test_crf_hand_value():
    # CRF(10 %, 10 yr) = 0.1 / (1 - 1.1^-10) = 0.16275 (standard annuity table)
    assert capital_recovery_factor(0.10, 10) == pytest.approx(0.162745, rel=1e-5)


def test_cost_curve_sorted_by_cost_per_tonne():
    ms = [
        _m("dear", 0.0, 10.0, 1e9, 0.0),  # 1e9 x 0.16275 / 10 t = 16.3 M VND/t
        _m("free", 100_000, 0.0, 1e8, 2e8),  # pays back: 1.6e7 - 2e8 < 0 -> negative cost per tonne
        _m("mid", 0.0, 100.0, 1e9, 0.0),  # 1.63 M VND/t
    ]
    curve = cost_curve(ms, 0.10, G0)
    assert [c.measure for c in curve] == ["free", "mid", "dear"]
    costs = [c.cost_vnd_per_tco2e for c in curve]
    assert costs == sorted(costs)
    assert curve[-1].cumulative_abatement_tco2e == pytest.approx(66.0 + 100.0 + 10.0)  # 100 MWh x 0.66 = 66 t


def _enumerate(ms, b, y0, targets, d, be, r):
    """Brute force: every measure either not adopted or started in one of y0+1..T; keep the cheapest feasible."""
    last = max(targets)
    starts = [None, *range(y0 + 1, last + 1)]
    best = None
    for choice in itertools.product(starts, repeat=len(ms)):
        ok = True
        for k, pct in targets.items():
            bau = b - be + be * (1 + d) ** (k - y0)
            g = G0 * (1 + d) ** (k - y0)
            ab = sum(m.abatement_tco2e(g) for m, s in zip(ms, choice, strict=True) if s is not None and s <= k)
            ok &= bau - ab <= b * (1 - pct / 100) + 1e-6
        if not ok:
            continue
        cost = sum(
            annualised_cost_vnd(m, r) * sum((1 + r) ** -(t - y0) for t in range(s, last + 1))
            for m, s in zip(ms, choice, strict=True)
            if s is not None
        )
        if best is None or cost < best[0] - 1e-6:
            best = (cost, choice)
    return best


def test_roadmap_matches_enumeration():
    # Baseline 2025: 1,000 tCO2e of which 600 from electricity; grid factor falls 2 %/yr.
    # Target 2027: -20 % -> cap 800. BAU 2027 = 400 + 600 x 0.98^2 = 976.24 -> need 176.24 t.
    # Target 2028: -25 % -> cap 750; BAU 2028 = 400 + 600 x 0.98^3 = 964.71 -> need 214.71 t.
    ms = [
        _m("a", 200_000, 0.0, 4e8, 1e8),  # 132 t at G0
        _m("b", 0.0, 90.0, 5e8, 0.0),
        _m("c", 0.0, 60.0, 2e8, 0.0),
        _m("d", 100_000, 0.0, 2e8, 2e8),  # pays for itself
    ]
    kw = dict(baseline_electricity_tco2e=600.0, grid_tco2_per_mwh=G0, discount_rate=0.08)
    targets = {2027: 20.0, 2028: 25.0}
    res = roadmap(ms, 1000.0, 2025, targets, -0.02, **kw)
    best_cost, best_choice = _enumerate(ms, 1000.0, 2025, targets, -0.02, 600.0, 0.08)
    assert res.status == "optimal"
    assert res.discounted_cost_vnd == pytest.approx(best_cost, rel=1e-6)
    chosen = {a.measure: a.start_year for a in res.adoptions}
    assert chosen == {m.measure: s for m, s in zip(ms, best_choice, strict=True) if s is not None}
    for y in res.years:
        if y.cap_tco2e is not None:
            assert y.planned_tco2e <= y.cap_tco2e + 1e-6


def test_roadmap_reports_gap_when_unreachable():
    # Only 60 t available; target -50 % of 1,000 t with no electricity part: need 500 t -> gap 440 t.
    res = roadmap(
        [_m("c", 0.0, 60.0, 2e8, 0.0)],
        1000.0,
        2025,
        {2030: 50.0},
        0.0,
        baseline_electricity_tco2e=0.0,
        grid_tco2_per_mwh=G0,
        discount_rate=0.1,
    )
    assert res.status == "optimal_with_gaps"
    assert res.gaps_tco2e[2030] == pytest.approx(440.0)
    assert "out of reach" in res.notes[0]
    assert [a.measure for a in res.adoptions] == ["c"]


def test_candidate_measures_hand_sizes():
    # One textile tenant: 1,000,000 kWh electricity, 500,000 kWh fuel emitting 130 tCO2e.
    # plan/measures.csv: LED 10 % x 50 % -> 50,000 kWh saved, capex 3,000 VND per kWh/yr -> 150 M VND;
    # boiler efficiency on all boiler fuel: 100 % x 5 % of 4e5 kWh -> 20,000 kWh fuel, 104 x 0.05 = 5.2 t;
    # biomass switch 100 % x 95 % of the boiler's 104 t. The diesel (1e5 kWh, 26 t) runs engines: no boiler measure.
    t = pd.DataFrame(
        {
            "tenant_id": ["T1"],
            "sector": ["textile_garment"],
            "electricity_kwh": [1e6],
            "fuel_kwh": [5e5],
            "fuel_tco2e": [130.0],
            "boiler_fuel_kwh": [4e5],
            "boiler_fuel_tco2e": [104.0],
            "biomass_kwh": [0.0],
        }
    )
    ms = {m.measure: m for m in candidate_measures(t, electricity_price_vnd_per_kwh=2000, fuel_price_vnd_per_kwh=1500)}
    assert "wwtp_aeration_control" not in ms
    assert ms["led_lighting"].electricity_saved_kwh == pytest.approx(50_000)
    assert ms["led_lighting"].capex_vnd == pytest.approx(150e6)
    assert ms["led_lighting"].annual_savings_vnd == pytest.approx(100e6)
    assert ms["boiler_efficiency"].fuel_saved_kwh == pytest.approx(20_000)
    assert ms["boiler_efficiency"].fuel_abatement_tco2e == pytest.approx(5.2)
    assert ms["biomass_fuel_switch"].fuel_abatement_tco2e == pytest.approx(104 * 0.95)
    # heat pump: 15 % of boiler fuel replaced = 60,000 kWh fuel; adds 0.24 x 60,000 = 14,400 kWh electricity
    assert ms["heat_pump_water_heating"].electricity_saved_kwh == pytest.approx(-14_400)


def _tenant(**kw):
    row = {"tenant_id": "T1", "sector": "food_beverage", "electricity_kwh": 1e6, "fuel_kwh": 0.0, "fuel_tco2e": 0.0}
    row |= {
        "boiler_fuel_kwh": 0.0,
        "boiler_fuel_tco2e": 0.0,
        "biomass_kwh": 0.0,
        "electricity_price_vnd_per_kwh": 2000.0,
    }
    row.update(kw)
    return pd.DataFrame([row])


def test_measures_apply_only_where_they_can():
    # a tenant burning only biomass in its boiler: no biomass switch, no heat pump (no fossil hot water to
    # replace); boiler tuning still applies (it has a boiler)
    only_biomass = {m.measure for m in candidate_measures(_tenant(biomass_kwh=5e5))}
    assert "biomass_fuel_switch" not in only_biomass and "heat_pump_water_heating" not in only_biomass
    # a tenant whose only fuel is diesel for its generator set: no boiler measure at all
    diesel = {m.measure for m in candidate_measures(_tenant(fuel_kwh=2e5, fuel_tco2e=53.0))}
    assert not diesel & {"boiler_efficiency", "biomass_fuel_switch", "heat_pump_water_heating"}
    assert {"led_lighting", "vsd_pumps_fans"} <= diesel
    # an electronics tenant with a fuel-oil boiler: boiler measures yes, heat pump no (no hot-water sector)
    fo = {m.measure for m in candidate_measures(_tenant(sector="electronics", boiler_fuel_kwh=3e5, fuel_kwh=3e5))}
    assert {"boiler_efficiency", "biomass_fuel_switch"} <= fo and "heat_pump_water_heating" not in fo


def test_fuel_uses_from_combustion():
    from greenpark.plan import tenant_fuel_uses

    # 1 TJ = 277,777.8 kWh. T1: 0.36 TJ fuel oil (boiler, 26 t) + 0.036 TJ diesel (engine) + 0.72 TJ wood (biomass)
    comb = pd.DataFrame({"tenant_id": ["T1", "T1", "T1"], "fuel": ["fuel_oil", "diesel", "biomass_wood"],
                         "energy_tj": [0.36, 0.036, 0.72], "tco2e": [26.0, 2.7, 0.5]})  # fmt: skip
    u = tenant_fuel_uses(comb).set_index("tenant_id").loc["T1"]
    assert u["boiler_fuel_kwh"] == pytest.approx(100_000)
    assert u["boiler_fuel_tco2e"] == pytest.approx(26.0)
    assert u["biomass_kwh"] == pytest.approx(200_000)


def test_cost_curve_price_is_the_tenants_tariff_for_its_voltage_and_load_shape():
    import datetime as dt

    from greenpark.plan import tenant_electricity_prices
    from greenpark.tariffs import retail_price

    # T1 at 22-110 kV, T2 at <6 kV, both 100 MWh off-peak, 600 normal, 300 peak; Decision 1279/QD-BCT prices
    # (vietnam-facts.md s5.2): T1 (100 x 1,190 + 600 x 1,833 + 300 x 3,398) / 1,000 = 2,238.2 VND/kWh;
    # T2 (100 x 1,300 + 600 x 1,987 + 300 x 3,640) / 1,000 = 2,414.2 VND/kWh.
    on = dt.date(2025, 6, 1)
    load = pd.DataFrame({"tenant_id": ["T1", "T2"], "voltage_level": ["22-110kV", "<6kV"], "offpeak_kwh": 1e5,
                         "normal_kwh": 6e5, "peak_kwh": 3e5})  # fmt: skip
    prices = tenant_electricity_prices(load, on)
    assert prices.to_dict() == pytest.approx({"T1": 2238.2, "T2": 2414.2})
    own = sum(s * retail_price("22-110kV", b, on).value for b, s in (("offpeak", 0.1), ("normal", 0.6), ("peak", 0.3)))
    assert prices["T1"] == pytest.approx(own)
    t = pd.concat([_tenant(tenant_id="T1"), _tenant(tenant_id="T2")], ignore_index=True)
    t["electricity_price_vnd_per_kwh"] = t["tenant_id"].map(prices)
    led = {m.tenant_id: m for m in candidate_measures(t) if m.measure == "led_lighting"}
    # LED saves 10 % x 50 % of 1 GWh = 50,000 kWh, worth 50,000 x the tenant's own price
    assert led["T1"].electricity_price_vnd_per_kwh == pytest.approx(2238.2)
    assert led["T1"].annual_savings_vnd == pytest.approx(50_000 * 2238.2)
    assert led["T2"].annual_savings_vnd == pytest.approx(50_000 * 2414.2)


def test_a_tenant_without_a_price_is_refused():
    t = _tenant().drop(columns=["electricity_price_vnd_per_kwh"])
    with pytest.raises(InputError, match="tenant_electricity_prices"):
        candidate_measures(t)


def test_top_measures_are_the_largest_cost_effective_abatements():
    from greenpark.plan import CostCurveRow, top_measures

    def row(name, a, c):
        return CostCurveRow(tenant_id="T", measure=name, abatement_tco2e=a, annualised_cost_vnd=c,
                            cost_vnd_per_tco2e=c / a, cumulative_abatement_tco2e=0.0)  # fmt: skip

    # "tiny" saves 0.2 t at -50 M VND/yr (-250 M per t, first on the curve); "big" 500 t at -100 M (-0.2 M per t);
    # "dear" 900 t at +90 M: not cost-effective. Ranked by abatement among cost-effective: big, tiny.
    curve = [row("tiny", 0.2, -50e6), row("big", 500.0, -100e6), row("dear", 900.0, 90e6)]
    assert [c.measure for c in top_measures(curve)] == ["big", "tiny"]


def test_exclusive_measures_not_double_counted():
    # "boil" (40 t, cheap) and "switch" (100 t, dear) act on the same fuel (plan/measures.csv excludes column):
    # only one may be adopted. Need: 1,000 t, no electricity, target -10 % in 2027 -> 100 t.
    # Enumeration by hand: {boil} 40 t fails; {switch} 100 t meets it; {boil, switch} forbidden; "c" (60 t)
    # with boil = 100 t also meets it. Annualised costs (r = 10 %, CRF 10 yr = 0.162745): boil 1e8 -> 16.3 M,
    # switch 9e8 -> 146.5 M, c 2e8 -> 32.5 M; boil + c = 48.8 M/yr < switch, started in 2027 (the latest).
    boil = _m("boil", 0.0, 40.0, 1e8, 0.0).model_copy(update={"excludes": ["switch"]})
    switch = _m("switch", 0.0, 100.0, 9e8, 0.0)
    c = _m("c", 0.0, 60.0, 2e8, 0.0)
    res = roadmap(
        [boil, switch, c],
        1000.0,
        2025,
        {2027: 10.0},
        0.0,
        baseline_electricity_tco2e=0.0,
        grid_tco2_per_mwh=G0,
        discount_rate=0.1,
    )
    assert {(a.measure, a.start_year) for a in res.adoptions} == {("boil", 2027), ("c", 2027)}
    # with the target raised to 150 t, the most reachable is max(40, 100) + 60 = 160 t: switch + c
    res = roadmap(
        [boil, switch, c],
        1000.0,
        2025,
        {2027: 15.0},
        0.0,
        baseline_electricity_tco2e=0.0,
        grid_tco2_per_mwh=G0,
        discount_rate=0.1,
    )
    assert {a.measure for a in res.adoptions} == {"switch", "c"} and res.status == "optimal"
    # 200 t cannot be reached: gap = 200 - 160 = 40 t
    res = roadmap(
        [boil, switch, c],
        1000.0,
        2025,
        {2027: 20.0},
        0.0,
        baseline_electricity_tco2e=0.0,
        grid_tco2_per_mwh=G0,
        discount_rate=0.1,
    )
    assert res.gaps_tco2e[2027] == pytest.approx(40.0)


def test_top_measures_skip_the_smaller_of_two_exclusive_measures():
    from greenpark.plan import CostCurveRow, top_measures

    def row(tenant, name, a, c, excludes=()):
        return CostCurveRow(tenant_id=tenant, measure=name, abatement_tco2e=a, annualised_cost_vnd=c,
                            cost_vnd_per_tco2e=c / a, cumulative_abatement_tco2e=0.0,
                            excludes=list(excludes))  # fmt: skip

    # At T1 the biomass switch (900 t) and boiler tuning (50 t) act on the same fuel: listing both would count the
    # fuel twice. T2's boiler tuning (60 t) is another boiler: kept. Expected: switch T1, tuning T2, led T1 (10 t).
    curve = [
        row("T1", "boiler_efficiency", 50.0, -5e6, ["biomass_fuel_switch"]),
        row("T1", "biomass_fuel_switch", 900.0, -9e6, ["boiler_efficiency"]),
        row("T2", "boiler_efficiency", 60.0, -6e6, ["biomass_fuel_switch"]),
        row("T1", "led_lighting", 10.0, -1e6),
    ]
    top = top_measures(curve, n=5)
    assert [(c.tenant_id, c.measure) for c in top] == [
        ("T1", "biomass_fuel_switch"),
        ("T2", "boiler_efficiency"),
        ("T1", "led_lighting"),
    ]
    assert [c.measure for c in top_measures(curve, n=1)] == ["biomass_fuel_switch"]


def test_cost_curve_rows_carry_capex_and_simple_payback():
    # LED at T1: capex 150 M VND, savings 100 M VND/yr, opex 10 M/yr -> net 90 M/yr; payback 150 / 90 = 1.667 yr.
    # A measure with no net saving never pays back (None).
    led = _m("led", 50_000, 0.0, 150e6, 100e6).model_copy(update={"opex_vnd_per_year": 10e6, "group": "eff"})
    dear = _m("dear", 0.0, 10.0, 1e9, 0.0)
    by = {c.measure: c for c in cost_curve([led, dear], 0.10, G0)}
    assert by["led"].capex_vnd == 150e6 and by["led"].net_savings_vnd_per_year == 90e6
    assert by["led"].payback_years == pytest.approx(150 / 90) and by["led"].group == "eff"
    assert by["dear"].payback_years is None


def test_cost_curve_by_measure_sums_tenants():
    from greenpark.plan import cost_curve_by_measure

    # LED at T1 (66 t: 100 MWh x 0.66) and at T2 (33 t: 50 MWh x 0.66); annualised cost (r 10 %, CRF 10 yr
    # 0.162745): T1 1e8 x 0.162745 - 2e8 = -183.7255 M, T2 5e7 x 0.162745 - 0.5e8 = -41.86275 M.
    # Summed: 99 t, -225.58825 M VND/yr -> -2.278669 M VND/t; capex 150 M. The boiler (10 t, +16.2745 M) last.
    t1 = _m("led", 100_000, 0.0, 1e8, 2e8).model_copy(update={"group": "electrical_efficiency"})
    t2 = t1.model_copy(update={"tenant_id": "T2", "electricity_saved_kwh": 50_000, "capex_vnd": 5e7,
                               "annual_savings_vnd": 0.5e8})  # fmt: skip
    boil = _m("boil", 0.0, 10.0, 1e8, 0.0).model_copy(update={"group": "heat"})
    rows = cost_curve_by_measure(cost_curve([t1, t2, boil], 0.10, G0))
    assert [(r.measure, r.group, r.tenants) for r in rows] == [("led", "electrical_efficiency", 2), ("boil", "heat", 1)]
    assert rows[0].abatement_tco2e == pytest.approx(99.0)
    assert rows[0].annualised_cost_vnd == pytest.approx(-225.58825e6, rel=1e-5)
    assert rows[0].cost_vnd_per_tco2e == pytest.approx(-2.278669e6, rel=1e-5)
    assert rows[0].capex_vnd == 150e6
    assert rows[1].cost_vnd_per_tco2e == pytest.approx(1.62745e6, rel=1e-5)


def test_roadmap_years_split_the_abatement_by_measure_group():
    # Baseline 1,000 t of which 600 from electricity, grid flat (d = 0), target -20 % in 2027 -> need 200 t.
    # Both measures are cost-effective (negative annualised cost), so both start in 2026:
    # "led" 200 MWh x 0.66 = 132 t (group electrical_efficiency), "boil" 100 t (group heat).
    led = _m("led", 200_000, 0.0, 1e8, 3e8).model_copy(update={"group": "electrical_efficiency"})
    boil = _m("boil", 0.0, 100.0, 1e8, 3e8).model_copy(update={"group": "heat"})
    res = roadmap([led, boil], 1000.0, 2025, {2027: 20.0}, 0.0,
                  baseline_electricity_tco2e=600.0, grid_tco2_per_mwh=G0, discount_rate=0.10)  # fmt: skip
    y = {r.year: r for r in res.years}
    assert y[2025].abatement_by_group_tco2e == {"electrical_efficiency": 0.0, "heat": 0.0}
    assert y[2027].abatement_by_group_tco2e == pytest.approx({"electrical_efficiency": 132.0, "heat": 100.0})
    assert y[2027].planned_tco2e == pytest.approx(1000.0 - 232.0)
    assert res.required_tco2e == pytest.approx({2027: 200.0})  # BAU 1,000 - cap 800


def test_most_abatement_searches_each_group_of_exclusive_measures():
    from greenpark.plan.roadmap import most_abatement

    # T1's boiler-fuel measures (plan/measures.csv excludes): the biomass switch excludes boiler tuning and the
    # heat pump; tuning and the heat pump may go together. LED (index 3) is in no pair.
    # switch 150 t, tuning 50 t, heat pump 130 t, LED 7 t:
    #   allowed sets of the group: {switch} 150, {tuning, heat pump} 180, {tuning} 50, {heat pump} 130 -> 180
    #   most = 180 + 7 = 187 t  (dropping the smaller of each pair would give 330 - 50 - 130 + 7 = 157 t: wrong)
    a = np.array([150.0, 50.0, 130.0, 7.0])
    pairs = [(0, 1), (0, 2)]
    assert most_abatement(a, pairs) == pytest.approx(187.0)
    # a switch of 900 t beats both: 900 + 7 = 907 t
    assert most_abatement(np.array([900.0, 50.0, 130.0, 7.0]), pairs) == pytest.approx(907.0)
    assert most_abatement(a, []) == pytest.approx(337.0)


def test_the_catalogues_boiler_fuel_measures_are_not_counted_twice():
    # The biomass switch replaces the boiler's fossil fuel (95 %); the heat pump removes the hot-water share of
    # that same fuel (15 %) and boiler tuning saves 5 % of it: adopted with the switch, each would count fuel
    # that is no longer burnt. The catalogue marks both pairs exclusive, in both directions.
    cat = load_table("plan/measures").set_index("measure")
    excl = {m: set(str(v).split(";")) if isinstance(v, str) else set() for m, v in cat["excludes"].items()}
    assert {"boiler_efficiency", "heat_pump_water_heating"} <= excl["biomass_fuel_switch"]
    assert (
        "biomass_fuel_switch" in excl["heat_pump_water_heating"] and "biomass_fuel_switch" in excl["boiler_efficiency"]
    )
    assert all(other in excl for m in excl for other in excl[m])  # every excluded measure is in the catalogue
