"""End to end: energy and plan commands on a generated example park."""

import json

import pytest
from typer.testing import CliRunner

from greenpark.cli import app

runner = CliRunner()
pytestmark = pytest.mark.slow  # generates and imports an example park


def test_energy_json(example_park):
    res = runner.invoke(app, ["energy", str(example_park), "--year", "2024", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    park = d["loads"]["park"]
    # the park total is the sum of the tenants; TOU shares add up to one
    assert park["total_kwh"] == pytest.approx(sum(t["total_kwh"] for t in d["loads"]["tenants"]))
    assert sum(park["tou_share"].values()) == pytest.approx(1.0)
    assert park["base_load_kw"] <= park["mean_kw"] <= park["peak_kw"]
    assert {b["tenant_id"] for b in d["benchmarks"]} == {t["entity_id"] for t in d["loads"]["tenants"]}


def test_plan_json_meets_or_explains_targets(example_park):
    res = runner.invoke(app, ["plan", str(example_park), "--no-solar", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    costs = [c["cost_vnd_per_tco2e"] for c in d["cost_curve"]]
    assert costs == sorted(costs) and costs
    rm = d["roadmap"]
    for y in rm["years"]:
        if y["cap_tco2e"] is not None and y["year"] not in {int(k) for k in rm["gaps_tco2e"]}:
            assert y["planned_tco2e"] <= y["cap_tco2e"] + 1e-6
    assert len(rm["notes"]) == len(rm["gaps_tco2e"])


def test_year_without_readings_refused(example_park):
    # no readings in 1999 -> InputError -> one line and exit code 2
    res = runner.invoke(app, ["energy", str(example_park), "--year", "1999"])
    assert res.exit_code == 2
