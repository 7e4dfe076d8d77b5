"""Page 1 tells the story; definitions are consistent; the method appendix; the charts read back from the SVG.

A hand-made assessment (the shape greenpark.assess returns) with a plan, a WWTP and Decree 06 duties; every
expected string is written out by hand from its JSON.
"""

import copy
import re

import pytest
from reportkit import axis_scale, by_id, fill, path_points, svg_with, table_cells, texts
from test_report_coverage import BASIS, LINE_MINISTRY, PARTIAL_REASON, PPC
from test_report_render import _assessment

from greenpark.report import render_html


def _row(tenant, measure, a, capex, payback, group="electrical_efficiency"):
    return {"tenant_id": tenant, "measure": measure, "abatement_tco2e": a, "annualised_cost_vnd": -1e6,
            "cost_vnd_per_tco2e": -1e6 / a, "cumulative_abatement_tco2e": 0.0, "group": group, "capex_vnd": capex,
            "net_savings_vnd_per_year": 1.0, "payback_years": payback, "excludes": []}  # fmt: skip


TOP = [
    _row("T1", "biomass_fuel_switch", 2345.6, 5_753_800_000.0, 1.78, "fuel_switch"),
    _row("T1", "rooftop_pv", 841.9, 11_421_600_000.0, 6.1, "solar"),
    _row("T2", "rooftop_pv", 585.3, 7_962_900_000.0, 5.3, "solar"),
    _row("T2", "led_lighting", 88.3, 389_000_000.0, 1.6),
    _row("T1", "vsd_pumps_fans", 77.3, 518_600_000.0, 2.1),
    _row("T1", "efficient_transformers", 15.5, 1_638_000_000.0, None),
]
BY_MEASURE = [  # cost per tonne (VND) ascending; widths = abatement summed over tenants
    {"measure": "led_lighting", "group": "electrical_efficiency", "tenants": 2, "abatement_tco2e": 120.0,
     "annualised_cost_vnd": -264e6, "cost_vnd_per_tco2e": -2_200_000.0, "capex_vnd": 5e8},
    {"measure": "biomass_fuel_switch", "group": "fuel_switch", "tenants": 1, "abatement_tco2e": 2345.6,
     "annualised_cost_vnd": -2.6e9, "cost_vnd_per_tco2e": -1_108_458.0, "capex_vnd": 5.75e9},
    {"measure": "rooftop_pv", "group": "solar", "tenants": 2, "abatement_tco2e": 1427.2,
     "annualised_cost_vnd": -1.4e9, "cost_vnd_per_tco2e": -980_942.0, "capex_vnd": 1.9e10},
    {"measure": "efficient_transformers", "group": "electrical_efficiency", "tenants": 1, "abatement_tco2e": 15.5,
     "annualised_cost_vnd": 6.9e6, "cost_vnd_per_tco2e": 445_161.0, "capex_vnd": 1.6e9},
]  # fmt: skip


def _years():
    # baseline 2024 10,000 t; every measure from 2025: solar 1,400, fuel switch 2,300 (2030: 1,300 and 2,300)
    out = [{"year": 2024, "bau_tco2e": 10_000.0, "planned_tco2e": 10_000.0, "cap_tco2e": None,
            "abatement_by_group_tco2e": {"fuel_switch": 0.0, "solar": 0.0}}]  # fmt: skip
    for y in range(2025, 2031):
        solar = 1400.0 if y < 2030 else 1300.0
        bau = 10_000.0 - 50.0 * (y - 2024)
        out.append({"year": y, "bau_tco2e": bau, "planned_tco2e": bau - solar - 2300.0,
                    "cap_tco2e": 7000.0 if y == 2030 else None,
                    "abatement_by_group_tco2e": {"fuel_switch": 2300.0, "solar": solar}})  # fmt: skip
    return out


def _full(gap_keys=str):
    a = _assessment()
    a["park"]["timezone"] = "Asia/Ho_Chi_Minh"
    a["park"]["targets"] = {"ghg_reduction_pct": {"2030": 30}, "renewable_share_pct": {"2030": 30}}
    a["meta"]["data_quality"] = {"rejected": 6, "held_out": 1, "accepted_back": 0, "warnings": 3}
    a["stages"] = {
        "load": {"status": "ok", "note": "", "seconds": 6.3},
        "plan": {"status": "ok", "note": "", "seconds": 0.2},
        "solar": {"status": "failed", "note": "weather file has a gap of 21 hours", "seconds": 1.0},
    }
    inv = a["inventory"]
    inv["pv_self_consumed_kwh"] = 1_000_000.0
    inv["contractual_kwh"] = 189_000.0
    inv["by_month"][0]["scope3_tco2e"] = 0.0  # Scope 3 known per year only
    inv["annual_only_tco2e"] = 8053.75  # by_month sums to 1 + 2 = 3 t: 8,056.75 - 3
    inv["tenants"][0].update(coverage=1.0, coverage_status="complete", decree06_status="required")
    t2 = copy.deepcopy(inv["tenants"][0])
    t2.update(tenant_id="T2", name="Beta", coverage=0.5, coverage_status="partial",
              decree06_status="insufficient_data", decree06_inventory_required=None,
              decree06_reason=PARTIAL_REASON)  # fmt: skip
    inv["tenants"].append(t2)
    inv["decree06_calendar"] = {
        "data_year": 2024, "activity_data_due": "2025-03-31", "activity_data_to": LINE_MINISTRY,
        "inventory_report_year": 2025, "inventory_report_due": "2025-03-31", "inventory_report_covers": [2024],
        "inventory_report_to": PPC, "basis": BASIS,
    }  # fmt: skip
    inv["factors"] = [
        {"name": "combustion.lpg.ncv", "value": 47.3, "unit": "TJ/Gg", "source": "IPCC 2006 Vol.2 Table 1.2",
         "edition": "IPCC 2006", "confidence": "V", "flags": []},
        {"name": "grid_electricity_vn", "value": 0.6811, "unit": "tCO2/MWh", "source": "HUST/MAE study",
         "edition": "2025", "confidence": "S", "flags": ["study"]},
        {"name": "waste.composting.ch4", "value": 4.0, "unit": "kg/t wet", "source": "IPCC 2006 Vol.5 Table 4.1",
         "edition": "IPCC 2006", "confidence": "R", "flags": ["recalled"]},
    ]  # fmt: skip
    a["water"] = {"timezone": "Asia/Ho_Chi_Minh", "findings": [], "wwtps": [{
        "wwtp_id": "W1", "name": "Central WWTP", "standard": "QCVN40:2011", "column": "A", "kq": 0.9, "kf": 1.0,
        # 11,996 of 12,000 hours compliant with 2 events: 0.99967 -> 99.96 % rounded down (99.97 % half up)
        "compliance_rate": 11_996 / 12_000, "completeness": 0.99999, "kwh_per_m3": 1.0, "removal_efficiency": {},
        "sensor_faults": [],
        "exceedances": [
            # 15:00-22:00 UTC on 20 June = 22:00 on 20 June to 05:00 on 21 June in Asia/Ho_Chi_Minh (UTC+7)
            {"parameter": "ammonium_n", "method": "analyser", "start": "2024-06-20T15:00:00Z",
             "end": "2024-06-20T22:00:00Z", "duration_h": 7.0, "peak": 7.76, "limit": 4.5, "limit_min": None,
             "unit": "mg/l", "n_windows": 7, "bound": "max"},
            # pH 5.56 broke the minimum 6 of the range 6-9 (QCVN 40:2011 column A); 20:00 UTC = 03:00 next day
            {"parameter": "ph", "method": "analyser", "start": "2024-11-13T20:00:00Z", "end": "2024-11-13T21:00:00Z",
             "duration_h": 1.0, "peak": 5.56, "limit": 9.0, "limit_min": 6.0, "unit": "pH", "n_windows": 1,
             "bound": "min"},
        ],
        "limits_used": [{"parameter": "ph", "unit": "pH", "standard": "QCVN40:2011", "column": "A", "cmax": 9.0,
                         "cmin": 6.0, "source": "QCVN 40:2011/BTNMT Table 1", "confidence": "V"}],
    }]}  # fmt: skip
    a["plan"] = {
        "baseline_year": 2024, "baseline_tco2e": 10_000.0, "targets_pct": {"2030": 30.0}, "notes": [],
        "top_measures": TOP, "cost_curve": [], "cost_curve_by_measure": BY_MEASURE,
        "renewable": {"consumed_kwh": 11_000_000.0, "grid_import_kwh": 10_000_000.0,
                      "pv_self_consumed_kwh": 1_000_000.0, "contractual_kwh": 189_000.0, "share_now": 0.1081,
                      "proposed_pv_used_kwh": 2_000_000.0, "share_with_proposed_pv": 0.2899},
        "roadmap": {"years": _years(), "gaps_tco2e": {gap_keys(2030): 250.0},
                    "required_tco2e": {gap_keys(2030): 2750.0}, "notes": []},
        "factors": [{"table": "finance/parameters", "parameter": "discount_rate", "value": 0.08, "unit": "1/yr",
                     "source": "judgement", "edition": "2025-01", "confidence": "R"}],
    }  # fmt: skip
    return a


def _section(html, sid):
    return re.search(rf'<section id="{sid}".*?</section>', html, flags=re.S).group(0)


@pytest.mark.parametrize("gap_keys", [str, int])  # assessment.json (string keys) and the result object (ints)
def test_page_one_names_the_next_steps_the_targets_and_the_gap(gap_keys):
    page1 = _section(render_html(_full(gap_keys), "en"), "summary")
    cells = table_cells(page1)
    # the five largest cost-effective measures in the plan's order (not the sixth), with who, what, tCO2e/yr,
    # investment in million VND (5,753,800,000 VND -> 5,754) and payback years
    steps = re.findall(r'data-measure="([^"]+)"', page1)
    assert steps == ["T1:biomass_fuel_switch", "T1:rooftop_pv", "T2:rooftop_pv", "T2:led_lighting",
                     "T1:vsd_pumps_fans"]  # fmt: skip
    first = re.search(r'<tr data-measure="T1:biomass_fuel_switch">(.*?)</tr>', page1).group(1)
    assert [c for _, c in table_cells(f"<table><tr>{first}</tr></table>")] == [
        "1", "T1 · Alpha", "Boiler fuel switch to biomass", "2,346", "5,754", "1.8"]  # fmt: skip
    # together: 2,345.6 + 841.9 + 585.3 + 88.3 + 77.3 = 3,938.4 t; capex 5,753.8 + 11,421.6 + 7,962.9 + 389 + 518.6
    # = 26,045.9 million VND
    assert ("th", "3,938") in cells and ("th", "26,046") in cells
    # 2030: -30 % against 2024 -> cap 7,000, BAU 9,700, roadmap 6,000... as the JSON says; gap 250 t
    assert [c for _, c in cells if c.startswith("2030")] == ["2030: −30% against 2024"]
    assert re.search(r'data-key="plan.gap.2030">250<', page1)
    assert "2,750" in page1  # reduction required
    assert "Computed in" not in page1 and "seconds" not in page1


def test_page_one_lists_the_compliance_issues_in_local_time_with_the_bound_broken():
    page1 = _section(render_html(_full(), "en"), "summary")
    nh4 = re.search(r'<li data-exceedance="ammonium_n">(.*?)</li>', page1, flags=re.S).group(1)
    assert "above the limit 4.50 mg/l" in nh4 and "20 Jun 2024 22:00 – 21 Jun 2024 05:00" in nh4
    ph = re.search(r'<li data-exceedance="ph">(.*?)</li>', page1, flags=re.S).group(1)
    # the range and the bound that was broken (the minimum), not '9.00'
    assert "below the minimum 6.00 pH (limit 6.00–9.00)" in ph and "14 Nov 2024 03:00–04:00" in ph
    assert "peak 5.56" in ph
    d06 = re.search(r'<li data-decree06="required">(.*?)</li>', page1, flags=re.S).group(1)
    assert "T1 must carry out a facility GHG inventory" in d06
    assert "Activity data for 2024 are due on 31 Mar 2025; the facility inventory report on 31 Mar 2025" in d06
    assert 'data-decree06="insufficient_data"' in page1 and "T2: cannot be told" in page1
    assert 'Times in the park&#39;s local time: <span class="code" translate="no">Asia/Ho_Chi_Minh</span>' in page1


def test_page_one_keeps_the_failed_stage_box_and_the_caveats():
    page1 = _section(render_html(_full(), "en"), "summary")
    assert 'data-key="failed-stages"' in page1 and "weather file has a gap of 21 hours" in page1
    caveats = re.search(r'<ul data-block="caveats">(.*?)</ul>', page1, flags=re.S).group(1)
    assert "6 input row(s) rejected" in caveats and "1 implausible reading(s) held out" in caveats
    assert "Partial year of meter data: T2" in caveats
    # 3 factors: 1 verified (V), 1 recalled (R); the study value named
    assert "3 emission factors used: 1 verified, 1 recalled" in caveats and "grid_electricity_vn" in caveats


@pytest.mark.parametrize(("lang", "shown"), [("en", "99.96%"), ("vi", "99,96%")])
def test_compliance_with_an_exceedance_is_rounded_down_with_the_event_count(lang, shown):
    html = render_html(_full(), lang)
    # 11,996 / 12,000 = 0.999667: half up would print 99.97 %; floor keeps what was achieved
    assert re.search(rf'data-key="water.wwtps.0.compliance_rate">{re.escape(shown)}<', html)
    events = re.search(r'data-key="water.wwtps.0.events">([^<]+)<', html).group(1)
    assert events == ("2 exceedance event(s)" if lang == "en" else "2 sự cố vượt giới hạn")


def test_almost_full_compliance_never_reads_100_percent():
    a = _full()
    a["water"]["wwtps"][0]["compliance_rate"] = 0.99997  # 1 bad hour in 33,333: half up would print 100.00%
    html = render_html(a, "en")
    assert re.search(r'data-key="water.wwtps.0.compliance_rate">99.99%<', html)
    assert "100.00%" not in html


def test_renewable_share_has_one_stated_denominator():
    page1 = _section(render_html(_full(), "en"), "summary")
    # both shares come from the plan's one definition: 10.8 % now and 29.0 % with the PV, of 11,000 MWh consumed
    assert re.search(r'data-key="inventory.renewable_share">10.8%<', page1)
    assert re.search(r'data-key="plan.renewable.share_with_proposed_pv">29.0%<', page1)
    assert re.search(r'data-key="plan.renewable.consumed_kwh">11,000<', page1)
    assert "÷ electricity consumed (11,000 MWh)" in page1


def test_appendix_groups_the_factors_by_engine_with_plain_confidence_words():
    html = render_html(_full(), "en")
    app = _section(html, "appendix")
    assert "Computed in" not in html
    ghg = re.search(r'data-table="factors-ghg">(.*?)</table>', app, flags=re.S).group(1)
    waste = re.search(r'data-table="factors-waste">(.*?)</table>', app, flags=re.S).group(1)
    water = re.search(r'data-table="factors-water">(.*?)</table>', app, flags=re.S).group(1)
    plan = re.search(r'data-table="factors-plan">(.*?)</table>', app, flags=re.S).group(1)
    assert "combustion.lpg.ncv" in ghg and "waste.composting.ch4" not in ghg
    assert "waste.composting.ch4" in waste and "recalled: to be checked" in waste
    assert "verified" in ghg and "secondary source" in ghg and "study" in ghg
    assert "QCVN40:2011 A · ph" in water and "6–9" in water
    assert "finance/parameters · discount_rate" in plan
    # the body holds no factor table
    body = html[: html.index('<section id="appendix"')]
    assert "combustion.lpg.ncv" not in body


def test_monthly_bars_state_the_annual_only_emissions():
    html = render_html(_full(), "en")
    chart = svg_with(html, "scope-")
    # Scope 1 and Scope 2 each month; Scope 3 is yearly here (0 in every month): not stacked, stated
    assert set(by_id(chart, "scope-")) == {"0", "1"}
    assert "not spread over the months: 8,054 tCO2e" in html and "make the total 8,057 tCO2e" in html


def _num(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def test_cost_curve_bars_read_back_from_the_svg():
    html = render_html(_full(), "en")
    chart = svg_with(html, "macbar-")
    bars = by_id(chart, "macbar-")
    per_x, x0 = axis_scale(chart, "x", _num)
    per_y, y0 = axis_scale(chart, "y", _num)
    drawn = {}
    for code, g in bars.items():
        xs, ys = zip(*path_points(g), strict=True)
        top, bottom = (min(ys), max(ys))
        # a bar below the axis (negative cost) goes down from 0; above the axis up from 0
        height = (bottom * per_y + y0) if abs(top * per_y + y0) < abs(bottom * per_y + y0) else (top * per_y + y0)
        drawn[code] = ((max(xs) - min(xs)) * per_x, height, min(xs) * per_x + x0)
    for r in BY_MEASURE:
        width, height, _ = drawn[r["measure"]]
        assert width == pytest.approx(r["abatement_tco2e"], rel=2e-3)  # bar width = abatement (tCO2e/yr)
        assert height == pytest.approx(r["cost_vnd_per_tco2e"] / 1000, rel=2e-3)  # thousand VND per tonne
    # cheapest first from the left: led (-2,200), biomass, pv, transformers (+445)
    assert [k for k, _ in sorted(drawn.items(), key=lambda kv: kv[1][2])] == [r["measure"] for r in BY_MEASURE]
    printed = texts(chart)
    assert not any(re.search(r"1e\d|×10", t) for t in printed)  # no offset on the axes
    assert "Fuel switch to biomass" in printed and "Rooftop solar" in printed  # a legend entry per group


def test_roadmap_wedges_read_back_from_the_svg():
    html = render_html(_full(), "en")
    chart = svg_with(html, "wedge-")
    per_y, y0 = axis_scale(chart, "y", _num)
    per_x, x0 = axis_scale(chart, "x", _num)
    wedges = by_id(chart, "wedge-")
    assert set(wedges) == {"remaining", "fuel_switch", "solar"}

    def thickness(group, year):
        pts = [(x * per_x + x0, y * per_y + y0) for x, y in path_points(wedges[group])]
        at = sorted(y for x, y in pts if abs(x - year) < 1e-3)
        return at[-1] - at[0]

    # 2030: solar 1,300 t, fuel switch 2,300 t; the grey band is what is left: 9,700 - 3,600 = 6,100 t
    assert thickness("solar", 2030) == pytest.approx(1300.0, rel=2e-3)
    assert thickness("fuel_switch", 2030) == pytest.approx(2300.0, rel=2e-3)
    assert thickness("remaining", 2030) == pytest.approx(6100.0, rel=2e-3)
    assert thickness("solar", 2026) == pytest.approx(1400.0, rel=2e-3)
    assert {"Rooftop solar", "Fuel switch to biomass", "target", "Business as usual"} <= set(texts(chart))


def test_compliance_calendar_marks_local_days_with_month_and_day_labels():
    html = render_html(_full(), "en")
    chart = svg_with(html, "day-")
    days = by_id(chart, "day-")
    assert len(days) == 366  # 2024
    red, green = "#c2452d", "#1b6e3a"
    # the NH4-N event runs 22:00 on 20 June to 05:00 on 21 June local time: both days; pH at 03:00 on 14 Nov local
    assert [fill(days[d]) for d in ("2024-06-20", "2024-06-21", "2024-06-22", "2024-11-13", "2024-11-14")] == [
        red, red, green, green, red]  # fmt: skip
    printed = texts(chart)
    assert {"Jan", "Jun", "Dec", "1", "15", "31"} <= set(printed)
