"""The generated province: the archetypes as the table says, seeded and deterministic, written as park folders."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from greenpark.errors import InputError
from greenpark.example.province import province_parks


def test_the_first_parks_are_the_archetypes_then_ordinary_parks():
    parks = province_parks(6, seed=7)
    assert [p.archetype for p in parks] == ["large_wwtp", "logistics", "new_park", "rooftop_pv", "ordinary", "ordinary"]
    assert [p.park_id for p in parks] == [f"dn-ip0{k}" for k in range(1, 7)]
    # the rows of example/province_parks.csv
    assert parks[0].shape.wwtp_capacity_m3_per_day == 20000
    assert parks[1].shape.profile_weights == {"logistics": 40.0}
    assert parks[2].shape.first_month == 5
    assert parks[3].shape.pv_tenants == 10
    for p in parks[4:]:
        assert 9 <= p.n_tenants <= 12 and 100 <= p.shape.park["area_ha"] <= 350
    assert parks[4].seed != parks[5].seed  # two ordinary parks are not twins


def test_same_seed_same_parks_and_more_parks_do_not_change_the_first():
    assert province_parks(5, seed=3) == province_parks(5, seed=3)
    assert province_parks(8, seed=3)[:5] == province_parks(5, seed=3)
    assert province_parks(5, seed=3)[4] != province_parks(5, seed=4)[4]


def test_a_province_needs_a_park():
    with pytest.raises(InputError, match="at least one park"):
        province_parks(0)


def test_the_written_province_has_its_archetypes(province):
    index = json.loads((province / "province.json").read_text())
    assert [p["park_id"] for p in index["parks"]] == ["dn-ip01", "dn-ip02", "dn-ip03", "dn-ip04"]
    # large WWTP: the capacity of the table in wwtp.csv (the example park's is 5,000 m3/day)
    assert pd.read_csv(province / "dn-ip01" / "wwtp.csv")["capacity_m3_per_day"].tolist() == [20000.0]
    # mostly logistics: logistics is the largest sector by tenants
    tenants = pd.read_csv(province / "dn-ip02" / "tenants.csv")
    counts = tenants["sector"].value_counts()
    assert counts.idxmax() == "logistics" and counts["logistics"] >= len(tenants) / 3
    # the new park: every reading and analyser value from 1 May
    readings = pd.read_csv(province / "dn-ip03" / "readings.csv", dtype=str)
    assert readings["timestamp"].min() == "2024-05-01T00:00:00"
    ww = pd.read_csv(province / "dn-ip03" / "wastewater.csv", dtype=str)
    assert ww["timestamp"].min() >= "2024-05-01"
    # many rooftop PV systems: 10 PV meters (the example park has 4)
    meters = pd.read_csv(province / "dn-ip04" / "meters.csv")
    assert (meters["kind"] == "pv_generation").sum() == 10 == index["parks"][3]["pv_tenants"]
    park_toml = (province / "dn-ip04" / "park.toml").read_text()
    assert 'id = "dn-ip04"' in park_toml and "Rooftop-solar park" in park_toml


def test_cli_writes_a_province_and_refuses_a_folder_too(tmp_path):
    from typer.testing import CliRunner

    from greenpark.cli import app

    result = CliRunner().invoke(app, ["example", "--province", str(tmp_path / "p"), "--parks", "1", "--json"])
    assert result.exit_code == 0, result.output
    index = json.loads((tmp_path / "p" / "province.json").read_text())
    assert [p["archetype"] for p in index["parks"]] == ["large_wwtp"] and index["parks"][0]["tenants"] == 12
    both = CliRunner().invoke(app, ["example", str(tmp_path / "x"), "--province", str(tmp_path / "y")])
    assert both.exit_code == 2 and "not both" in both.output
