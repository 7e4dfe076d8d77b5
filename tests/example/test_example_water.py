"""The example park's WWTP data: analyser series, designed episodes, stuck sensor, gap, lab samples."""

from __future__ import annotations

import pandas as pd
import pytest

TIMESTAMPS_5MIN_2024 = 105_408  # 366 days x 288 five-minute steps
ANALYSER = {"flow", "ph", "temperature", "cod", "tss", "ammonium_n"}
# QCVN 40:2011 Table 1 column A (COD 75, TSS 50, NH4-N 5 mg/l; pH 6-9) x Kq 0.9 x Kf 1.0 (Kq/Kf from wwtp.csv)
LIMITS_HIGH = {"cod": 75 * 0.9, "tss": 50 * 0.9, "ammonium_n": 5 * 0.9}


@pytest.fixture(scope="module")
def wastewater(full_park) -> pd.DataFrame:
    folder, _ = full_park
    return pd.read_csv(folder / "wastewater.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def analyser(wastewater) -> pd.DataFrame:
    a = wastewater[wastewater["method"] == "analyser"].copy()
    a["v"] = a["value"].astype(float)
    a["ts"] = pd.to_datetime(a["timestamp"])
    return a


def test_wwtp_row(full_park):
    folder, _ = full_park
    w = pd.read_csv(folder / "wwtp.csv").iloc[0]
    assert w["treatment"] == "aerobic_well_managed" and w["standard"] == "QCVN40:2011" and w["column"] == "A"
    assert (w["kq"], w["kf"]) == (0.9, 1.0)
    assert 2000 <= w["capacity_m3_per_day"] <= 10000


def test_analyser_has_every_5min_step_except_the_gap(full_park, analyser):
    _, meta = full_park
    gap = meta["water"]["gap"]
    assert set(analyser["parameter"]) == ANALYSER
    per_param = analyser.groupby("parameter").size()
    assert (per_param == TIMESTAMPS_5MIN_2024 - gap["missing_timestamps"]).all()
    inside = (analyser["timestamp"] >= gap["start"]) & (analyser["timestamp"] < gap["end"])
    assert not inside.any()
    assert gap["missing_timestamps"] == 24  # 2 hours


def test_exceedances_are_exactly_the_designed_episodes(full_park, analyser):
    _, meta = full_park
    episodes = meta["water"]["episodes"]
    assert 2 <= len(episodes) <= 4
    for ep in episodes:
        p = analyser[analyser["parameter"] == ep["parameter"]]
        window = (p["timestamp"] >= ep["start"]) & (p["timestamp"] < ep["end"])
        if ep["kind"] == "high":
            assert ep["limit"] == pytest.approx(LIMITS_HIGH[ep["parameter"]])
            beyond = p["v"] > ep["limit"]
            assert p.loc[window, "v"].max() == ep["peak"]
        else:
            assert ep["parameter"] == "ph" and ep["limit"] == 6.0
            beyond = p["v"] < ep["limit"]
            assert p.loc[window, "v"].min() == ep["peak"]
        assert beyond[window].all() and window.sum() == ep["samples"]
        assert not beyond[~window].any()


def test_stuck_cod_sensor(full_park, analyser):
    _, meta = full_park
    flat = meta["water"]["flatline"]
    p = analyser[analyser["parameter"] == flat["parameter"]]
    window = p[(p["timestamp"] >= flat["start"]) & (p["timestamp"] < flat["end"])]
    assert len(window) == flat["samples"] == 72
    assert (window["v"] == flat["value"]).all()


def test_outlet_flow_matches_the_tenant_discharges(full_park, analyser):
    _, meta = full_park
    flow = analyser[analyser["parameter"] == "flow"]
    assert set(flow["unit"]) == {"m3/h"}
    volume_m3 = (flow["v"] * 5 / 60).sum()
    assert volume_m3 == pytest.approx(meta["water"]["outlet_volume_m3_from_analyser"], rel=1e-9)
    # the gap loses 2 h of a year (< 0.1 %); infiltration adds a few % in the wet season
    assert volume_m3 == pytest.approx(meta["water"]["wwtp_inflow_m3"], rel=0.01)
    assert meta["water"]["wwtp_inflow_m3"] >= meta["water"]["tenant_discharge_m3"]
    assert 1500 <= meta["water"]["wwtp_inflow_mean_m3_per_day"] <= 5000


def test_lab_samples_inlet_outlet_and_tenants(full_park, wastewater):
    _, meta = full_park
    lab = wastewater[wastewater["method"] == "lab"]
    assert len(lab) == meta["water"]["lab_rows"]
    assert {"inlet", "outlet"} <= set(lab["point"])
    tenant_points = {p for p in lab["point"] if p.startswith("tenant:")}
    assert tenant_points == {f"tenant:{t}" for t in meta["water"]["tenant_points"]} and tenant_points
    censored = lab["value"].str.startswith("<")
    assert censored.sum() == meta["water"]["lab_censored_values"] > 0
    assert (lab["value"] == "<0.05").any()
    assert lab.loc[censored, "value"].str.slice(1).astype(float).gt(0).all()
    cod = lab[lab["parameter"] == "cod"].set_index("point")["value"].astype(float)
    assert cod["inlet"].between(200, 900).all() and cod["outlet"].lt(75 * 0.9).all()
    assert lab.groupby(["point", "parameter"]).size().loc[["inlet", "outlet"]].eq(12).all()


def test_sludge_file(full_park):
    folder, meta = full_park
    sludge = pd.read_csv(folder / "sludge.csv")
    assert len(sludge) == 12 and sludge["quantity_t"].sum() == pytest.approx(meta["water"]["sludge_t"])
