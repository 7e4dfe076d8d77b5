"""Each Decree 35/2022 Art. 37 criterion and each EIP Framework v2.0 requirement on the tiny EIP park, with its
expected status and value worked out by hand here.

Thresholds (reference/data/eip/criteria.csv): Art. 37(2)(c) RECP share >= 20 % (Decree 35/2022 Art. 37(2)(c));
Art. 37(2)(b) >= 1 symbiosis link whose participants hold ISO certificates; compliance: 0 sanctions in the 3 years
before registration (Art. 37(1)(a), 37(2)(a)); Framework rows (R, recalled): water reuse >= 10 %, waste recovery
>= 20 %, green space >= 10 % of the area, every tenant's employees recorded.
"""

from __future__ import annotations

import datetime as dt

import pytest
from eipkit import D, certificates, events, exchanges, park, recp

from greenpark.eip import EffluentYear, EipEvidence, PlanMeasure, SymbiosisProposal, assess_eip
from greenpark.model import EipDeclarations

ALL_SERVICES = ["electricity", "water", "information", "fire_prevention", "wastewater_treatment", "symbiosis_support"]


def crit(result, cid):
    return next(c for c in result.criteria if c.id == cid)


# --- Decree 35 Art. 37(1): the infrastructure investor -----------------------------------------------------------


def test_investor_sanction_inside_the_window_is_not_met_and_one_before_it_does_not_count():
    # window: 2021-12-31 (excluded) .. 2024-12-31; the 2021-06-01 decision is before it, the 2023-05-10 one inside
    ev = events((D(2021, 6, 1), None, "environment", "12/QD-XPHC"), (D(2023, 5, 10), None, "land", "34/QD-XPHC"),
                (D(2024, 2, 1), None, "labour", None), (D(2024, 3, 1), "t2", "environment", "56/QD-XPHC"))  # fmt: skip
    r = assess_eip(park(compliance_events=ev), 2024)
    c = crit(r, "D35-37.1a")
    assert (c.status, c.value, c.threshold) == ("not_met", 1.0, 0.0)  # only line 3 (2023-05-10) is the investor's
    assert c.evidence[0].lines == [3] and c.evidence[0].subject == "compliance_events.csv"
    assert r.window_start == D(2021, 12, 31) and r.as_of == D(2024, 12, 31)
    # the tenant's sanction (line 5) counts for Art. 37(2)(a): one enterprise sanctioned
    c2 = crit(r, "D35-37.2a")
    assert (c2.status, c2.value, c2.evidence[0].lines) == ("not_met", 1.0, [5])
    # the Framework prerequisite counts both: 2 sanctions (lines 3 and 5); the finding without a decision does not
    pre = crit(r, "EIPF-PRE-1")
    assert (pre.status, pre.value, pre.evidence[0].lines) == ("not_met", 2.0, [3, 5])


def test_compliance_met_when_the_only_sanction_is_before_the_window():
    r = assess_eip(park(compliance_events=events((D(2021, 12, 31), None, "environment", "1/QD"))), 2024)
    assert (crit(r, "D35-37.1a").status, crit(r, "D35-37.1a").value) == ("met", 0.0)
    assert (crit(r, "D35-37.2a").status, crit(r, "D35-37.2a").value) == ("met", 0.0)


def test_compliance_unknown_without_the_file_names_it():
    r = assess_eip(park(), 2024)
    c = crit(r, "D35-37.1a")
    assert c.status == "unknown" and c.value is None
    assert [(m.code, m.subject) for m in c.missing] == [("eip.missing.file", "compliance_events.csv")]


def test_registration_date_moves_the_window():
    # registering on 2025-06-30: window 2022-06-30 (excl.) .. 2025-06-30; the 2022-05-01 sanction falls out of it
    ev = events((D(2022, 5, 1), None, "environment", "9/QD"))
    r = assess_eip(park(EipDeclarations(registration_date=D(2025, 6, 30)), compliance_events=ev), 2024)
    assert (r.window_start, crit(r, "D35-37.1a").value) == (D(2022, 6, 30), 0.0)


def test_basic_services_measured_and_declared():
    # measured in the tiny park: electricity (meter e1), water (meter w0), wastewater treatment (wwtp1); declared:
    # information and fire prevention; symbiosis support is neither: 1 service missing
    r = assess_eip(park(EipDeclarations(basic_services=["information", "fire_prevention"])), 2024)
    c = crit(r, "D35-37.1b")
    assert (c.status, c.value, c.basis) == ("not_met", 1.0, "measured+declared")
    assert c.evidence[-1].value == "symbiosis_support"
    r = assess_eip(park(EipDeclarations(basic_services=ALL_SERVICES)), 2024)
    assert (crit(r, "D35-37.1b").status, crit(r, "D35-37.1b").value) == ("met", 0.0)
    # nothing declared: the three services without a meter or a plant are unknown
    c = crit(assess_eip(park(), 2024), "D35-37.1b")
    assert c.status == "unknown"
    assert [m.subject for m in c.missing] == [f"[eip] basic_services ({s})" for s in
                                              ("information", "fire_prevention", "symbiosis_support")]  # fmt: skip


@pytest.mark.parametrize(
    "declared, status, value",
    [("Quy chế phối hợp số 01/2024", "met", 1.0), (False, "not_met", 0.0), (None, "unknown", None)],
)
def test_coordination_mechanism_is_declared(declared, status, value):
    c = crit(assess_eip(park(EipDeclarations(coordination_mechanism=declared)), 2024), "D35-37.1c")
    assert (c.status, c.value, c.basis) == (status, value, "declared")


# --- Decree 35 Art. 37(2): the enterprises -----------------------------------------------------------------------


def test_symbiosis_link_between_certified_tenants_is_met():
    x = exchanges(
        ("X1", "t1", "t2", "by_product", 120.0, "t", D(2023, 1, 1), None),
        ("X2", None, "t3", "water", 5000.0, "m3", D(2023, 1, 1), None),  # from the investor: not counted
        ("X3", "t4", "t5", "waste", 10.0, "t", D(2022, 1, 1), D(2024, 6, 30)),
    )  # stopped before as_of
    c = certificates(("t1", "ISO 14001:2015", D(2023, 1, 1), D(2026, 1, 1)),
                     ("t2", "iso 9001", D(2022, 1, 1), D(2025, 1, 1)))  # fmt: skip
    r = assess_eip(park(exchanges=x, certificates=c), 2024)
    k = crit(r, "D35-37.2b")
    assert (k.status, k.value, k.threshold) == ("met", 1.0, 1.0)
    assert k.evidence[0].lines == [2] and k.evidence[1].lines == [2, 3]


def test_symbiosis_not_met_when_a_participant_certificate_expired():
    x = exchanges(("X1", "t1", "t2", "by_product", 120.0, "t", D(2023, 1, 1), None))
    c = certificates(
        ("t1", "ISO 14001", D(2023, 1, 1), D(2026, 1, 1)), ("t2", "ISO 9001", D(2021, 1, 1), D(2024, 6, 30))
    )
    k = crit(assess_eip(park(exchanges=x, certificates=c), 2024), "D35-37.2b")
    assert (k.status, k.value) == ("not_met", 0.0)
    assert [(m.code, m.subject) for m in k.missing] == [("eip.missing.certificate", "t2")]


def test_symbiosis_unknown_without_certificates_and_not_met_without_links():
    x = exchanges(("X1", "t1", "t2", "by_product", 120.0, "t", D(2023, 1, 1), None))
    k = crit(assess_eip(park(exchanges=x), 2024), "D35-37.2b")
    assert k.status == "unknown" and [m.subject for m in k.missing] == ["certificates.csv"]
    k = crit(assess_eip(park(exchanges=exchanges()), 2024), "D35-37.2b")
    assert (k.status, k.value) == ("not_met", 0.0)


def test_recp_share_at_the_threshold_is_met():
    # 5 tenants; t1 applies two measures (counted once), t3's measure starts 2025-02-01, after 31 Dec 2024:
    # 1 of 5 = 0.20 >= 0.20
    rows = recp(("t1", "energy", D(2023, 3, 1), "savings:t1:2024"), ("t1", "water", D(2024, 3, 1)),
                ("t3", "waste", D(2025, 2, 1)))  # fmt: skip
    r = assess_eip(park(recp_measures=rows), 2024)
    c = crit(r, "D35-37.2c")
    assert (c.status, c.value, c.threshold) == ("met", pytest.approx(0.2), 0.2)
    assert c.evidence[0].lines == [2, 3] and "(1 measures with verified savings)" in c.evidence[0].text


def test_recp_share_below_the_threshold_is_not_met_and_the_roadmap_picks_the_cheapest_tenant():
    r = assess_eip(
        park(recp_measures=recp()),
        2024,
        EipEvidence(
            measures=[
                PlanMeasure("t2", "LED lighting", "electricity", 50e6, -10e6),  # pays, smallest investment: chosen
                PlanMeasure("t3", "VSD on pumps", "electricity", 80e6, -30e6),
                PlanMeasure("t4", "Heat pump", "fuel", 20e6, 5e6),  # smallest investment but does not pay
            ]
        ),
    )
    c = crit(r, "D35-37.2c")
    assert (c.status, c.value) == ("not_met", 0.0)
    steps = [a for a in r.roadmap if a.criterion_id == "D35-37.2c"]
    # ceil(0.20 x 5) - 0 = 1 tenant needed; of the measures that pay (annualised cost <= 0), t2's LED needs the
    # smallest investment (50 M VND < 80 M VND); t4's heat pump (20 M VND) costs 5 M VND/yr more than it saves
    assert [(a.tenant_id, a.capex_vnd, a.annual_cost_vnd, a.effect) for a in steps] == [("t2", 50e6, -10e6, 0.2)]
    assert steps[0].months == 6.0  # eip/lead_times electricity


def test_park_status_follows_decree35_criteria_only():
    decl = EipDeclarations(basic_services=ALL_SERVICES, coordination_mechanism=True)
    tables = dict(
        compliance_events=events(),
        exchanges=exchanges(("X1", "t1", "t2", "by_product", 120.0, "t", D(2023, 1, 1), None)),
        certificates=certificates(("t1", "ISO 14001", D(2023, 1, 1), D(2026, 1, 1)),
                                  ("t2", "ISO 45001", D(2023, 1, 1), D(2026, 1, 1))),
        recp_measures=recp(("t1", "energy", D(2023, 3, 1))),
    )  # fmt: skip
    r = assess_eip(park(decl, **tables), 2024)
    assert [(c.id, c.status) for c in r.criteria if c.framework == "decree35"] == [
        ("D35-37.1a", "met"), ("D35-37.1b", "met"), ("D35-37.1c", "met"),
        ("D35-37.2a", "met"), ("D35-37.2b", "met"), ("D35-37.2c", "met"),
    ]  # fmt: skip
    assert (r.park_status, r.not_met, r.unknown) == ("eligible", [], [])
    # eco-enterprises: t1 has RECP, the link X1 and ISO 14001; t2 has the link and ISO 45001 but no RECP
    e = {x.tenant_id: x for x in r.eco_enterprises}
    assert (e["t1"].status, e["t1"].exchanges, e["t1"].standards) == ("met", ["X1"], ["ISO 14001"])
    assert e["t2"].status == "not_met" and [m.code for m in e["t2"].missing] == ["eip.missing.recp"]
    assert [m.code for m in e["t5"].missing] == ["eip.missing.recp", "eip.missing.symbiosis", "eip.missing.certificate"]
    # one not-met criterion makes the park not eligible; an unknown one leaves it unknown
    r2 = assess_eip(park(decl, **(tables | {"recp_measures": recp()})), 2024)
    assert (r2.park_status, r2.not_met) == ("not_eligible", ["D35-37.2c"])
    r3 = assess_eip(park(decl, **{k: v for k, v in tables.items() if k != "recp_measures"}), 2024)
    assert (r3.park_status, r3.unknown) == ("unknown", ["D35-37.2c"])


def test_a_sanction_in_the_window_gives_the_date_it_leaves_it():
    r = assess_eip(park(compliance_events=events((D(2023, 5, 10), None, "land", "34/QD"))), 2024)
    step = next(a for a in r.roadmap if a.criterion_id == "D35-37.1a")
    # 2023-05-10 + 3 years = 2026-05-10; from 2024-12-31 that is 495 days = 495 / 30.44 = 16.26 months
    assert step.action == "wait" and step.months == 16.3 and "2026-05-10" in step.description


# --- International EIP Framework v2.0 -----------------------------------------------------------------------------


def test_effluent_over_three_years():
    three = {2022: EffluentYear(2022, 0, 1.0), 2023: EffluentYear(2023, 0, 1.0), 2024: EffluentYear(2024, 2, 0.97)}
    c = crit(assess_eip(park(), 2024, EipEvidence(effluent=three)), "EIPF-PRE-2")
    assert (c.status, c.value) == ("not_met", 2.0)  # 2 exceedance events in 2024
    one = {2022: None, 2023: None, 2024: EffluentYear(2024, 0, 1.0)}
    c = crit(assess_eip(park(), 2024, EipEvidence(effluent=one)), "EIPF-PRE-2")
    assert c.status == "unknown" and [m.subject for m in c.missing] == ["2022", "2023"]
    clean = {y: EffluentYear(y, 0, 1.0) for y in (2022, 2023, 2024)}
    assert crit(assess_eip(park(), 2024, EipEvidence(effluent=clean)), "EIPF-PRE-2").status == "met"


def test_monitoring_counts_the_flows_without_a_result():
    ev = EipEvidence(electricity_kwh=1e6, total_tco2e=700.0, effluent={2024: EffluentYear(2024, 0, 1.0)},
                     stages={"waste": "no waste records for 2024"})  # fmt: skip
    c = crit(assess_eip(park(), 2024, ev), "EIPF-PM-2")
    assert (c.status, c.value) == ("not_met", 1.0)
    assert [m.text for m in c.missing] == ["the waste result is not available: no waste records for 2024"]


def test_park_ems_from_the_investor_certificate_or_the_declaration():
    c = certificates((None, "ISO 14001", D(2022, 1, 1), D(2025, 1, 1)))
    assert crit(assess_eip(park(certificates=c), 2024), "EIPF-ENV-1").status == "met"
    k = crit(assess_eip(park(EipDeclarations(management_system="ISO 9001")), 2024), "EIPF-ENV-1")
    assert (k.status, k.value, k.basis) == ("not_met", 0.0, "declared")


def test_renewable_share_against_the_park_target():
    ev = EipEvidence(renewable_share=0.12, electricity_kwh=1e6)
    p = park()
    future = p.park.model_copy(update={"targets": {"renewable_share_pct": {2030: 30.0}}})
    c = crit(assess_eip(type(p)(**{**p.__dict__, "park": future}), 2024, ev), "EIPF-ENV-2")
    assert (c.status, c.value, c.threshold) == ("met", 0.12, 0.30)  # the 2030 target is not yet due
    due = p.park.model_copy(update={"targets": {"renewable_share_pct": {2024: 15.0, 2030: 30.0}}})
    c = crit(assess_eip(type(p)(**{**p.__dict__, "park": due}), 2024, ev), "EIPF-ENV-2")
    assert (c.status, c.value, c.threshold) == ("not_met", 0.12, 0.15)  # 12 % < the 15 % due in 2024


def test_water_reuse_share():
    # 5,000 m3/yr reused (exchange X2) + 1,000 m3 declared over 40,000 m3 discharged = 6,000 / 40,000 = 0.15 >= 0.10
    x = exchanges(("X2", None, "t3", "water", 5000.0, "m3", D(2023, 1, 1), None))
    r = assess_eip(park(EipDeclarations(water_reused_m3=1000.0), exchanges=x), 2024, EipEvidence(wastewater_m3=40000.0))
    c = crit(r, "EIPF-ENV-4")
    assert (c.status, c.value, c.basis) == ("met", pytest.approx(0.15), "measured+declared")


def test_waste_recovery_and_its_roadmap():
    # 100 t, 15 % recovered (15 t); a proposal of 8 t/yr of waste now landfilled: (15 + 8) / 100 = 0.23 >= 0.20
    ev = EipEvidence(waste_total_t=100.0, waste_recovery_rate=0.15, proposals=[
        SymbiosisProposal("t1", "t2", "pallets", 8.0, 20e6, 5e6, giver_recycles=False),
        SymbiosisProposal("t4", "t5", "scrap", 30.0, 1e6, 9e6, giver_recycles=True)])  # fmt: skip
    r = assess_eip(park(), 2024, ev)
    c = crit(r, "EIPF-ENV-5")
    assert (c.status, c.value, c.threshold) == ("not_met", 0.15, 0.2)
    steps = [a for a in r.roadmap if a.criterion_id == "EIPF-ENV-5"]
    assert [(a.tenant_id, a.capex_vnd, a.annual_cost_vnd, a.effect) for a in steps] == [
        ("t1", 20e6, -5e6, pytest.approx(0.23))
    ]


def test_green_space_share_and_employment():
    # 1.5 ha of the tiny park's 12 ha = 0.125 >= 0.10
    r = assess_eip(park(EipDeclarations(green_space_ha=1.5)), 2024)
    assert (crit(r, "EIPF-ENV-6").status, crit(r, "EIPF-ENV-6").value) == ("met", pytest.approx(0.125))
    # every tenant has employees (10, 5, 8, 4, 3): 5 / 5 = 1.0; 30 employees
    e = crit(r, "EIPF-ECO-1")
    assert (e.status, e.value, e.evidence[0].value) == ("met", 1.0, 30.0)


def test_every_criterion_of_the_table_is_judged_and_carries_its_source():
    r = assess_eip(park(), 2024)
    assert len(r.criteria) == 23 and all(c.source and c.confidence in "VSDR" for c in r.criteria)
    assert {c.id for c in r.criteria if c.framework == "decree35" and c.confidence != "V"} == {"D35-37.1c"}
    # nothing declared, no file: every Decree 35 criterion but the basic services' measured part is unknown
    assert r.park_status == "unknown" and r.inputs["exchanges.csv"] is False


def test_as_of_default_is_the_last_day_of_the_year():
    assert assess_eip(park(), 2023).as_of == dt.date(2023, 12, 31)
