"""End to end: the example park's waste through the CLI, checked against the generator's truth."""

import json
import re

import pytest
from typer.testing import CliRunner

from greenpark.cli import app

runner = CliRunner()
pytestmark = pytest.mark.slow  # generates and imports an example park


@pytest.fixture(scope="module")
def example_park(full_example_park):
    """The 48-tenant example park (its symbiosis proposals need the full set of sectors)."""
    return full_example_park


def test_waste_json_matches_truth(example_park):
    res = runner.invoke(app, ["waste", str(example_park), "--year", "2024", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    truth = json.loads((example_park / "metadata.json").read_text())["waste"]
    assert d["total_t"] == pytest.approx(truth["total_t"], rel=1e-6)
    assert d["by_route"] == pytest.approx(truth["by_route_t"], rel=1e-6)
    # recovery = routes marked recovery in waste/routes.csv over total, from the generator's own route totals
    recovered = sum(v for k, v in truth["by_route_t"].items() if k != "landfill" and k != "incineration")
    assert d["recovery_rate"] == pytest.approx(recovered / truth["total_t"], rel=1e-6)
    assert 0.3 < d["recovery_rate"] < 0.9  # plausible for a park with sorting at source
    assert d["hazardous_t"] == pytest.approx(truth["by_category_t"]["hazardous"], rel=1e-6)
    for key in ("tco2e", "manifest_issues", "symbiosis_matches"):
        assert key in d
    assert d["symbiosis_matches"], "the example park should get at least one symbiosis proposal"
    m = d["symbiosis_matches"][0]
    for key in ("giver", "taker", "material", "quantity_t_per_year", "net_benefit_vnd", "avoided_tco2e"):
        assert key in m
    assert m["net_benefit_vnd"] > 0 and m["giver"] != m["taker"]
    assert d["tco2e_total"] == pytest.approx(sum(d["tco2e"].values()))


def test_waste_table(example_park):
    res = runner.invoke(app, ["waste", str(example_park), "--year", "2024"])
    assert res.exit_code == 0, res.output
    truth = json.loads((example_park / "metadata.json").read_text())["waste"]
    # the route table shows the generator's tonnes by route (named as the English catalogue names them) and in
    # total, one decimal (spelt out here)
    names = {"landfill": "Landfill", "incineration": "Incineration", "co_processing": "Co-processing in cement kilns",
             "recycling": "Recycling", "reuse": "Reuse", "composting": "Composting",
             "anaerobic_digestion": "Anaerobic digestion (biogas)", "total": "total"}  # fmt: skip
    for route, t in [*truth["by_route_t"].items(), ("total", truth["total_t"])]:
        name = re.escape(names[route])
        assert re.search(rf"│ {name}\s+│\s+{t:,.1f} │", res.stdout), (route, t, res.stdout)
    assert "Symbiosis proposals" in res.stdout
