"""The water pillar of a tiny park for 2025: efficiency, tenant shares and cost, GHG activity, JSON fields.

Data (made up, round numbers so the hand calculation is short):
outlet analyser COD 40 mg/l on 10 Mar, outlet analyser flow 3,000 m3/day; inlet lab COD 400, total N 50;
outlet lab total N 10; tenant T1 lab COD 800, TSS 300, total N 60; T2 COD 200, TSS 100, total N 20;
WWTP electricity 1,314,000 kWh in 2025; tenant discharge T1 300,000 m3, T2 700,000 m3.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from waterkit import analyser, lab, local, wwtp

from greenpark.errors import MissingFactorError, UnknownParameterError
from greenpark.ghg.wastewater import wastewater_emissions
from greenpark.water import assess_water, ghg_activity
from greenpark.water.efficiency import removal_efficiency

ELECTRICITY = pd.DataFrame(
    {
        "meter_id": ["M-WWTP", "M-OTHER"],
        "kind": ["electricity_import"] * 2,
        "period_start": [local("2025-03-01"), local("2025-03-01")],
        "value": [1_314_000.0, 5.0],
    }
)
VOLUMES = pd.DataFrame({"tenant_id": ["T1", "T2"], "period": ["2025-03", "2025-03"], "value": [300_000.0, 700_000.0]})


@pytest.fixture
def data(tiny_data):
    ww = pd.concat(
        [
            analyser("cod", "2025-03-10 00:00", [40.0, 40.5, 39.5] * 96),
            analyser("flow", "2025-03-10 00:00", [2990.0, 3010.0] * 144),
            lab(
                [
                    ("2025-03-10 09:00", "inlet", "cod", 400, False),
                    ("2025-03-10 09:00", "inlet", "total_n", 50, False),
                    ("2025-03-10 09:00", "outlet", "total_n", 10, False),
                    ("2025-03-11 09:00", "tenant:T1", "cod", 800, False),
                    ("2025-03-11 09:00", "tenant:T1", "tss", 300, False),
                    ("2025-03-11 09:00", "tenant:T1", "total_n", 60, False),
                    ("2025-03-11 09:00", "tenant:T2", "cod", 200, False),
                    ("2025-03-11 09:00", "tenant:T2", "tss", 100, False),
                    ("2025-03-11 09:00", "tenant:T2", "total_n", 20, False),
                ]
            ),
        ],
        ignore_index=True,
    )
    tiny_data.tables["wastewater"] = ww
    return tiny_data


def test_removal_efficiency_hand_example():
    assert removal_efficiency(400.0, 40.0) == pytest.approx(90.0)  # (400 - 40) / 400 x 100


def test_plant_efficiency_and_energy(data):
    res = assess_water(data, 2025, ELECTRICITY, VOLUMES)
    w = res.wwtps[0]
    perf = w.performance
    # volume = mean outlet flow 3,000 m3/day x 365 days = 1,095,000 m3
    assert perf.volume_m3 == pytest.approx(1_095_000)
    assert perf.volume_basis == "outlet flow"
    # COD (400 - 40) / 400 = 90 %; total N (50 - 10) / 50 = 80 %
    assert w.removal_efficiency["cod"] == pytest.approx(90.0)
    assert w.removal_efficiency["total_n"] == pytest.approx(80.0)
    # 1,314,000 kWh / 1,095,000 m3 = 1.2 kWh/m3 (the other meter is not the WWTP's)
    assert w.kwh_per_m3 == pytest.approx(1.2)
    # COD removed (400 - 40) g/m3 x 1,095,000 m3 / 1000 = 394,200 kg; 1,314,000 / 394,200 = 3.333 kWh/kg
    assert perf.cod_removed_kg == pytest.approx(394_200)
    assert perf.kwh_per_kg_cod_removed == pytest.approx(1_314_000 / 394_200)
    assert perf.capacity_utilisation == pytest.approx(0.75)  # 3,000 / 4,000 m3/day
    marks = {b.metric: b.verdict for b in perf.benchmarks}
    assert marks["kwh_per_m3"] == "above"  # typical 0.26-0.84 kWh/m3 (typical_ranges.csv, S)


def test_tenant_shares_breaches_and_cost(data):
    res = assess_water(data, 2025, ELECTRICITY, VOLUMES, treatment_cost_vnd=1_000_000_000)
    t1, t2 = res.tenants
    assert (t1.flow_share, t2.flow_share) == pytest.approx((0.3, 0.7))
    # COD load T1 800 x 300,000 / 1000 = 240,000 kg; T2 200 x 700,000 / 1000 = 140,000 kg -> 240/380
    assert t1.cod_load_share == pytest.approx(240 / 380)
    # TSS 90,000 vs 70,000 kg -> 0.5625; total N 18,000 vs 14,000 kg -> 0.5625
    assert t1.load_share["tss"] == pytest.approx(0.5625)
    # cost weights (cost_allocation.csv, D): 0.4 volume, 0.35 COD, 0.15 TSS, 0.1 N
    share = 0.4 * 0.3 + 0.35 * 240 / 380 + 0.15 * 0.5625 + 0.1 * 0.5625
    assert t1.cost_share == pytest.approx(share)
    assert t1.cost_share + t2.cost_share == pytest.approx(1.0)
    assert t1.cost_vnd == pytest.approx(share * 1e9)
    # default connection sheet: COD 500 (R) -> T1's 800 breaches; TSS 300 and total N 60 are at, not above
    assert [(b.tenant_id, b.parameter, b.value, b.limit) for b in t1.connection_breaches] == [("T1", "cod", 800, 500)]
    assert t2.connection_breaches == []


def test_ghg_activity_for_the_ghg_engine(data):
    (act,) = ghg_activity(data, 2025, ELECTRICITY)
    # TOW = 400 g/m3 x 1,095,000 m3 / 1000 = 438,000 kg COD; effluent N 10 x 1,095,000 / 1000 = 10,950 kg
    assert act.tow_kg_cod == pytest.approx(438_000)
    assert act.n_effluent_kg == pytest.approx(10_950)
    assert act.n_influent_kg == pytest.approx(54_750)  # 50 x 1,095,000 / 1000
    assert act.electricity_kwh == 1_314_000
    assert act.treatment == "aerobic_well_managed"
    emissions = wastewater_emissions(act.to_ghg())  # the ghg engine applies its factors to our activity
    assert emissions.wwtp_id == "W1" and emissions.tco2e > 0


def test_json_has_the_issue_fields(data):
    js = assess_water(data, 2025, ELECTRICITY, VOLUMES).model_dump(mode="json")
    w = js["wwtps"][0]
    for key in (
        "wwtp_id",
        "standard",
        "column",
        "kq",
        "kf",
        "limits_used",
        "compliance_rate",
        "exceedances",
        "completeness",
        "removal_efficiency",
        "kwh_per_m3",
    ):
        assert key in w
    assert (w["standard"], w["column"], w["kq"], w["kf"]) == ("QCVN40:2011", "A", 0.9, 1.0)
    for key in ("tenant_id", "flow_share", "cod_load_share", "connection_breaches"):
        assert key in js["tenants"][0]
    # one day of the year's 105,120 expected 5-min slots for the 2 sent of 6 required parameters
    assert w["completeness"] == pytest.approx((288 / 105_120) * 2 / 6)


def test_untranscribed_2025_limits_stop_with_a_clear_error(data):
    data.wwtps = [wwtp(standard="QCVN40:2025", column="B")]
    with pytest.raises(MissingFactorError, match="QCVN 40:2025 limits not transcribed"):
        assess_water(data, 2026)


def test_new_plant_on_old_edition_is_a_finding(data):
    data.wwtps = [wwtp(commissioned=dt.date(2025, 10, 1))]
    res = assess_water(data, 2025)
    assert [f.code for f in res.findings] == ["water.standard.new_plant_old_edition", "water.energy.no_meter"]


def test_non_canonical_parameter_in_the_table_is_refused(data):
    ww = data.tables["wastewater"].copy()
    ww.loc[0, "parameter"] = "COD_total"
    data.tables["wastewater"] = ww
    with pytest.raises(UnknownParameterError, match=r"non-canonical parameter\(s\) \['COD_total'\]"):
        assess_water(data, 2025)


def test_sludge_per_m3_from_the_sludge_table(data):
    # 2025: 10 t at 20 % DS + 5 t at 22 % DS; the 2024 row is outside the year.
    # wet 15 t; dry 10 x 0.20 + 5 x 0.22 = 3.1 t; per m3: 15,000 kg / 1,095,000 m3 = 0.013699 kg/m3
    data.tables["sludge"] = pd.DataFrame(
        {
            "date": ["2025-01-31", "2025-02-28", "2024-12-31"],
            "wwtp_id": ["W1", "W1", "W1"],
            "quantity_t": [10.0, 5.0, 99.0],
            "dry_solids_pct": [20.0, 22.0, 20.0],
        }
    )
    w = assess_water(data, 2025, ELECTRICITY).wwtps[0]
    assert (w.performance.sludge_t, w.performance.sludge_dry_t) == pytest.approx((15.0, 3.1))
    assert w.performance.sludge_kg_per_m3 == pytest.approx(15_000 / 1_095_000)
    assert w.ghg_activity.sludge_dry_t == pytest.approx(3.1)


def test_removal_pairs_samples_of_the_same_method(data):
    # add an outlet lab COD of 50: the inlet has only lab COD (400), so removal uses the lab pair:
    # (400 - 50) / 400 = 87.5 %, not the outlet analyser mean (40 -> 90 %)
    extra = lab([("2025-03-10 09:00", "outlet", "cod", 50, False)])
    data.tables["wastewater"] = pd.concat([data.tables["wastewater"], extra], ignore_index=True)
    w = assess_water(data, 2025, ELECTRICITY).wwtps[0]
    assert w.removal_efficiency["cod"] == pytest.approx(87.5)
    assert w.performance.outlet_mean["cod"] == pytest.approx(40.0)  # the outlet's own mean stays the analyser's
