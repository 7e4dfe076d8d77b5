"""Same seed, same bytes; another seed, other data; and the small pieces with hand-worked values."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from greenpark.cli import app
from greenpark.errors import InputError
from greenpark.example import write_example_park
from greenpark.example.electricity import register_series, shift_pattern
from greenpark.example.generate import FILES
from greenpark.example.tenants import allocate_profiles


def _digests(folder) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FILES}


def test_same_seed_same_bytes(tmp_path):
    write_example_park(tmp_path / "a", seed=5, n_tenants=9)
    write_example_park(tmp_path / "b", seed=5, n_tenants=9)
    write_example_park(tmp_path / "c", seed=6, n_tenants=9)
    a, b, c = _digests(tmp_path / "a"), _digests(tmp_path / "b"), _digests(tmp_path / "c")
    assert a == b
    assert a["readings.csv"] != c["readings.csv"] and a["tenants.csv"] != c["tenants.csv"]


def test_a_small_park_still_has_one_tenant_per_profile(tmp_path):
    meta = write_example_park(tmp_path, seed=1, n_tenants=9)
    assert meta["counts"]["tenants"] == 9 and len(meta["counts"]["sectors"]) == 8


def test_non_empty_folder_needs_force(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="--force"):
        write_example_park(tmp_path, n_tenants=9)
    write_example_park(tmp_path, n_tenants=9, force=True)
    assert (tmp_path / "readings.csv").exists() and (tmp_path / "notes.txt").exists()


def test_allocate_profiles_by_weight():
    weights = pd.Series({"a": 3.0, "b": 1.0})
    # 2 tenants are one per profile; the other 6 split 3:1 -> 4.5 and 1.5, remainders tie, stable order
    names = allocate_profiles(8, weights)
    assert names.count("a") + names.count("b") == 8 and names.count("a") in (5, 6)
    with pytest.raises(InputError, match="at least 2 tenants"):
        allocate_profiles(1, weights)


def test_register_wraps_after_register_max():
    # start 9,999,998.50 kWh; +1.00 -> 9,999,999.50; +2.50 -> 10,000,002.00 - 10,000,000.00 = 2.00
    reg = register_series(np.array([1.0, 2.5]), 9_999_998.5, 9_999_999.99)
    assert reg.tolist() == [9_999_998.5, 9_999_999.5, 2.0]


def test_shift_patterns():
    hour = np.array([3.125, 10.125, 12.125, 20.125])
    assert shift_pattern(hour, 1).tolist() == [0.0, 1.0, 0.55, 0.0]  # day shift, lunch dip
    assert shift_pattern(hour, 2).tolist() == [0.0, 1.0, 1.0, 1.0]
    assert shift_pattern(hour, 3)[1] == 1.0 and shift_pattern(hour, 3)[0] == pytest.approx(0.9)


def test_cli_example_writes_and_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    target = tmp_path / "park"
    result = runner.invoke(app, ["example", str(target), "--tenants", "9", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "example park written" in result.output
    again = runner.invoke(app, ["example", str(target), "--tenants", "9"])
    assert again.exit_code == 2 and "--force" in again.output
    forced = runner.invoke(app, ["example", str(target), "--tenants", "9", "--force", "--json"])
    assert forced.exit_code == 0 and '"generator": "greenpark.example"' in forced.output


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reading_faults_are_on_their_lines_in_small_parks(tmp_path, seed):
    # small parks have few interval meters, so two faults may share a meter; lines must still be right
    meta = write_example_park(tmp_path, seed=seed, n_tenants=9)
    lines = (tmp_path / "readings.csv").read_text(encoding="utf-8").split("\n")
    for f in meta["faults"]:
        if f["file"] == "readings.csv":
            meter_id, timestamp, value = lines[f["line"] - 1].split(",")
            assert (meter_id, timestamp) == (f["meter_id"], f["timestamp"])
            assert f["column"] != "value" or value == f["value"]


def test_another_year_keeps_the_calendar(tmp_path):
    # 2023 is not a leap year: 365 x 96 intervals; the designed events move to 2023
    meta = write_example_park(tmp_path, seed=4, year=2023, n_tenants=9)
    assert meta["counts"]["intervals_15min"] == 365 * 96
    assert all(ep["start"].startswith("2023-") for ep in meta["water"]["episodes"])
    assert meta["water"]["gap"]["start"].startswith("2023-10-03")


def test_expected_check_lists_every_fault_line(tmp_path):
    meta = write_example_park(tmp_path, seed=2, n_tenants=9)
    expected = meta["expected_check"]["rejected_lines"]
    held = meta["expected_check"]["held_out_lines"]
    rejected = [f for f in meta["faults"] if f["kind"] not in ("spike", "partial_year")]
    for f in rejected:
        assert f["line"] in expected[f["file"]]
        if f["kind"] == "duplicate":
            assert f["original_line"] == f["line"] - 1 and f["original_line"] in expected[f["file"]]
    assert sum(len(v) for v in expected.values()) == len(rejected) + 1  # the duplicate has two lines
    # the spike is held out, not rejected; the partial year is neither (its readings are all valid)
    spikes = [f for f in meta["faults"] if f["kind"] == "spike"]
    assert held == {"readings.csv": [f["line"] for f in spikes]} and len(spikes) == 1
