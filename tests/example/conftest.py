"""The example park as the example-generator tests see it: folder and metadata, readings as text.

The park itself is the session's ``full_example_park`` (tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit import example_truth


@pytest.fixture(scope="session")
def full_park(full_example_park: Path) -> tuple[Path, dict]:
    """The default example park (48 tenants, 2024) and its metadata as read back from metadata.json."""
    return full_example_park, example_truth(full_example_park)


@pytest.fixture(scope="session")
def full_readings(full_park: tuple[Path, dict]):
    """readings.csv of the default park, every column as text (as a checker sees it)."""
    import pandas as pd

    return pd.read_csv(full_park[0] / "readings.csv", dtype=str, keep_default_na=False)
