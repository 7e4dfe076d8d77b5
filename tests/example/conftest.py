"""Example parks shared by the example-generator tests (generated once per session)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenpark.example import write_example_park


@pytest.fixture(scope="session")
def full_park(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The default example park (48 tenants, 2024) and its metadata as read back from metadata.json."""
    folder = tmp_path_factory.mktemp("example_park")
    write_example_park(folder, seed=11)
    return folder, json.loads((folder / "metadata.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def full_readings(full_park: tuple[Path, dict]):
    """readings.csv of the default park, every column as text (as a checker sees it)."""
    import pandas as pd

    return pd.read_csv(full_park[0] / "readings.csv", dtype=str, keep_default_na=False)
