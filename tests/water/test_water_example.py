"""End to end: the example park's WWTP report shows its deliberate episodes and nothing else.

The example generator writes the truth in metadata.json (``water.episodes``, ``water.flatline``, ``water.gap``);
this test reads the CLI's JSON and checks what the water engine recovers against it. It is slow (it writes a
year of data and imports it), hence the mark.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from greenpark.cli import app
from greenpark.i18n import label
from testkit import example_truth

pytestmark = pytest.mark.slow
ZONE = "Asia/Ho_Chi_Minh"


@pytest.fixture(scope="module")
def report(full_example_park: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, str]:
    folder = full_example_park
    meta = example_truth(folder)
    store = f"duckdb://{tmp_path_factory.mktemp('water_example') / 'store.duckdb'}"
    res = CliRunner().invoke(app, ["water", str(folder), "--year", str(meta["year"]), "--json", "--store", store])
    assert res.exit_code == 0, res.output
    text = CliRunner().invoke(app, ["water", str(folder), "--year", str(meta["year"]), "--store", store])
    assert text.exit_code == 0, text.output
    return json.loads(res.stdout), meta, text.stdout


def _local(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=ZONE)


def test_exceedances_are_the_deliberate_episodes(report):
    out, meta, _ = report
    events = out["wwtps"][0]["exceedances"]
    episodes = meta["water"]["episodes"]
    assert len(events) == len(episodes)
    for ep in episodes:
        (ev,) = [e for e in events if e["parameter"] == ep["parameter"]]
        start, end = pd.Timestamp(ev["start"]), pd.Timestamp(ev["end"])
        assert start == _local(ep["start"])  # episodes start on the hour, so the first window is theirs
        # the last, partly affected hour counts only if its mean is beyond the limit: end within 1 h of the truth
        assert abs(end - _local(ep["end"])) < pd.Timedelta(hours=1)
        if ep["kind"] == "high":
            assert ev["limit"] == pytest.approx(ep["limit"]) and ep["limit"] < ev["peak"] <= ep["peak"] + 1e-9
        else:
            assert ev["limit_min"] == pytest.approx(ep["limit"]) and ep["peak"] - 1e-9 <= ev["peak"] < ep["limit"]


def test_only_fault_is_the_deliberate_flat_line(report):
    out, meta, _ = report
    flat = meta["water"]["flatline"]
    faults = out["wwtps"][0]["sensor_faults"]
    assert [(f["kind"], f["parameter"], f["n_values"]) for f in faults] == [
        ("flat_line", flat["parameter"], flat["samples"])
    ]
    assert pd.Timestamp(faults[0]["start"]) == _local(flat["start"])


def test_completeness_reflects_the_gap_and_the_flat_line(report):
    out, meta, _ = report
    year = meta["year"]
    slots = int((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days * 288)  # 5-min values in the year
    gap = meta["water"]["gap"]["missing_timestamps"]
    flat = meta["water"]["flatline"]
    by = {c["parameter"]: c for c in out["wwtps"][0]["completeness_by_parameter"]}
    assert by["ph"]["valid"] == slots - gap
    assert by[flat["parameter"]]["valid"] == slots - gap - flat["samples"]


def test_ghg_activity_volume_matches_the_analyser_volume(report, full_example_park):
    out, meta, _ = report
    act = out["wwtps"][0]["ghg_activity"]
    # volume = mean valid outlet flow x days; the truth integrates the analyser flow over the year (gap excluded)
    assert act["volume_m3"] == pytest.approx(meta["water"]["outlet_volume_m3_from_analyser"], rel=0.01)
    # loads = mean of the year's monthly lab samples (mg/l = g/m3) x volume / 1000 (IPCC 2006 Vol.5 Ch.6 TOW),
    # the means taken here from wastewater.csv as written
    ww = pd.read_csv(full_example_park / "wastewater.csv", dtype=str, keep_default_na=False)
    lab = ww[(ww["method"] == "lab") & ww["timestamp"].str.startswith(str(meta["year"]))]

    def mean(point: str, parameter: str) -> float:
        values = lab.loc[(lab["point"] == point) & (lab["parameter"] == parameter), "value"].astype(float)
        assert len(values) == 12  # one sample a month
        return float(values.mean())

    # the concentrations are flow-weighted by the sample day's flow (issue 17; the weighting itself is checked by
    # hand in tests/water on flow_weighted_means): the example's flows vary a few percent, so the weighted means
    # of COD stay within 1 % of the plain means (N within the samples' range), loads = concentration x volume
    cod, n_in = act["inlet_cod_mg_per_l"], act["tow_kg_cod"] * 1000 / act["volume_m3"]
    assert cod == pytest.approx(mean("inlet", "cod"), rel=0.01) and n_in == pytest.approx(cod)
    for kg, point in ((act["n_influent_kg"], "inlet"), (act["n_effluent_kg"], "outlet")):
        samples = lab.loc[(lab["point"] == point) & (lab["parameter"] == "total_n"), "value"].astype(float)
        assert samples.min() <= kg * 1000 / act["volume_m3"] <= samples.max()  # a weighted mean of the samples


def test_text_report_lists_the_episodes(report):
    _, meta, text = report
    assert "Exceedance events" in text and "Tenants" in text
    for ep in meta["water"]["episodes"]:
        assert label("param", ep["parameter"], "en") in text  # the table names a parameter, not its code


def test_alerts_are_the_episodes_the_flat_line_and_the_gap(report):
    out, meta, _ = report
    alerts = out["wwtps"][0]["alerts"]
    gap = meta["water"]["gap"]
    rules = sorted(a["rule"] for a in alerts)
    n_params = len({c["parameter"] for c in out["wwtps"][0]["completeness_by_parameter"]})
    assert rules == sorted(
        ["water.exceedance"] * len(meta["water"]["episodes"])
        + ["water.sensor_fault.flat_line"]
        + ["water.missing_data"] * n_params
    )
    for a in alerts:
        if a["rule"] == "water.missing_data":
            assert pd.Timestamp(a["start"]) == _local(gap["start"])
            assert pd.Timestamp(a["end"]) == _local(gap["end"])
