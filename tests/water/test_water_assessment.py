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

from greenpark.errors import UnknownParameterError
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
    assert emissions.wwtp_id == "W1"
    # CH4: plant MCF 0 (industrial well-managed aerobic, 2006 GL / 2019R Table 6.8); effluent COD 40 g/m3 x
    # 1,095,000 m3 / 1000 = 43,800 kg x Bo 0.25 (2006 GL 6.2.3.2) x MCF 0.11 (2019R Table 6.3, receiving water
    # unknown) = 1,204.5 kg x GWP 28 (AR5) = 33.726 t CO2e
    assert emissions.ch4_tco2e == pytest.approx(33.726)
    # N2O: plant 54,750 kg N x 0.016 (2019R) x 44/28 = 1,376.571 kg; effluent 10,950 x 0.005 (2006 Table 6.11)
    # x 44/28 = 86.036 kg; (1,376.571 + 86.036) x GWP 265 (AR5) / 1000 = 387.591 t; total 421.317 t CO2e
    assert emissions.n2o_tco2e == pytest.approx(387.5909, rel=1e-6)
    assert emissions.tco2e == pytest.approx(421.3169, rel=1e-6)


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


def test_untranscribed_2025_limits_are_a_finding_not_a_crash(data):
    # the rest of the pillar (performance, completeness, tenants) still runs; compliance is not claimed
    data.wwtps = [wwtp(standard="QCVN40:2025", column="B")]
    ww = data.tables["wastewater"]  # the same readings a year later, so 2026 has data to evaluate
    data.tables["wastewater"] = ww.assign(timestamp=pd.to_datetime(ww["timestamp"]) + pd.DateOffset(years=1))
    res = assess_water(data, 2026)
    missing = [f for f in res.findings if f.code == "water.standard.limits_missing"]
    assert len(missing) == 1 and "QCVN 40:2025 limits not transcribed" in missing[0].message
    assert res.wwtps[0].compliance_rate is None


def test_new_plant_on_old_edition_is_a_finding(data):
    # commissioned 2025-10-01, after QCVN 40:2025 took effect: held to 2025 from its commissioning
    # (Circular 06/2025 Art. 3 covers only plants operating before 2025-09-01); the shipped 2025 table has no
    # values yet, so the period is evaluated for completeness only and says so
    data.wwtps = [wwtp(commissioned=dt.date(2025, 10, 1))]
    res = assess_water(data, 2025)
    assert [f.code for f in res.findings] == [
        "water.standard.new_plant_old_edition",
        "water.standard.limits_missing",
        "water.energy.no_meter",
    ]
    w = res.wwtps[0]
    assert [(e.standard, e.start, e.end) for e in w.editions] == [
        ("QCVN40:2025", dt.date(2025, 10, 1), dt.date(2026, 1, 1))
    ]
    assert w.compliance_rate is None


# Illustrative QCVN 40:2025 rows for these tests ONLY (not the standard's values, which greenpark has not
# transcribed; see docs/reference-status.md): column A, F <= 5,000 m3/day: COD 50 mg/l.
TEST_2025_ROWS = (
    "parameter,column,flow_min_m3_per_day,flow_max_m3_per_day,value,value_min,unit,source,edition,"
    "valid_from,valid_to,confidence\n"
    "cod,A,,5000,50,,mg/l,test fixture (not the standard),test,2025-09-01,,R\n"
)


@pytest.fixture
def ref_2025(tmp_path):
    (tmp_path / "water").mkdir()
    (tmp_path / "water" / "qcvn40_2025.csv").write_text(TEST_2025_ROWS)
    return [tmp_path]


def _cod_days(days: list[str], value: float) -> pd.DataFrame:
    # a live analyser jitters (identical values would be a flat-line fault): value, +0.5, -0.5; hourly mean = value
    jitter = [value, value + 0.5, value - 0.5] * 96
    return pd.concat([analyser("cod", f"{d} 00:00", jitter) for d in days], ignore_index=True)


def test_plant_declared_2025_switches_edition_on_the_effective_date(tiny_data, ref_2025):
    # a plant operating since 2020 whose permit names QCVN 40:2025: 2011 until 2025-08-31, 2025 from 2025-09-01.
    # COD 60 mg/l all day on 2025-08-20 and on 2025-09-10 (one day = 24 hourly windows each):
    #   before: QCVN 40:2011 A 75 x Kq 0.9 x Kf 1.0 = 67.5 -> 60 complies (24 windows compliant)
    #   after:  test row 50 (no Kq/Kf in the 2025 edition) -> 60 exceeds (24 windows exceeded)
    tiny_data.wwtps = [wwtp(standard="QCVN40:2025", commissioned=dt.date(2020, 1, 1))]
    tiny_data.tables["wastewater"] = _cod_days(["2025-08-20", "2025-09-10"], 60.0)
    w = assess_water(tiny_data, 2025, reference_dirs=ref_2025).wwtps[0]
    assert [(e.standard, e.start, e.end) for e in w.editions] == [
        ("QCVN40:2011", dt.date(2025, 1, 1), dt.date(2025, 9, 1)),
        ("QCVN40:2025", dt.date(2025, 9, 1), dt.date(2026, 1, 1)),
    ]
    assert w.standard == "QCVN40:2025"
    assert w.compliance_rate == pytest.approx(24 / 48)
    assert len(w.exceedances) == 1
    ev = w.exceedances[0]
    assert (ev.limit, ev.n_windows) == (50.0, 24)
    assert ev.start == local("2025-09-10 00:00").to_pydatetime()
    cod = {lim.standard: lim.cmax for lim in w.limits_used if lim.parameter == "cod"}
    assert cod == {"QCVN40:2011": pytest.approx(67.5), "QCVN40:2025": 50.0}


def test_both_editions_in_one_park_by_commissioning_date(tiny_data, ref_2025):
    # W1 operating since 2015 under QCVN 40:2011 (transition to 2031-12-31); W2 commissioned 2026-03-01.
    # Year 2026, COD 60 mg/l on 2026-04-01 at both: W1 limit 67.5 (2011 A x 0.9 x 1.0) complies;
    # W2 limit 50 (2025 test row) exceeds; W2 is evaluated from its commissioning day.
    tiny_data.wwtps = [
        wwtp(wwtp_id="W1", commissioned=dt.date(2015, 6, 1)),
        wwtp(wwtp_id="W2", standard="QCVN40:2025", commissioned=dt.date(2026, 3, 1)),
    ]
    ww = _cod_days(["2026-04-01"], 60.0)
    tiny_data.tables["wastewater"] = pd.concat([ww, ww.assign(wwtp_id="W2")], ignore_index=True)
    res = assess_water(tiny_data, 2026, reference_dirs=ref_2025)
    w1, w2 = res.wwtps
    assert [(e.standard, e.start) for e in w1.editions] == [("QCVN40:2011", dt.date(2026, 1, 1))]
    assert "Circular 06/2025/TT-BTNMT Art. 3" in w1.editions[0].reason
    assert [(e.standard, e.start) for e in w2.editions] == [("QCVN40:2025", dt.date(2026, 3, 1))]
    assert (w1.compliance_rate, len(w1.exceedances)) == (1.0, 0)
    assert (w2.compliance_rate, len(w2.exceedances)) == (0.0, 1)


def test_old_plant_after_the_transition_meets_2025(tiny_data, ref_2025):
    # 2032: the transition ended 2031-12-31; an existing plant on QCVN40:2011 is held to the 2025 edition
    tiny_data.wwtps = [wwtp(commissioned=dt.date(2015, 6, 1))]
    tiny_data.tables["wastewater"] = _cod_days(["2032-04-01"], 60.0)
    w = assess_water(tiny_data, 2032, reference_dirs=ref_2025).wwtps[0]
    assert [e.standard for e in w.editions] == ["QCVN40:2025"]
    assert "ended 2031-12-31" in w.editions[0].reason
    assert w.compliance_rate == 0.0


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
