"""Tiny park folders written as CSV text, so each reader test reads as a worked example.

The io tests read files, so their park is text (``io_tiny_park``: park.toml, tenants.csv, meters.csv, wwtp.csv),
not the shared in-memory tiny park (tests/testkit.py): the rejects they check name file, line and field, and the
meters include what the readers must handle and the shared park lacks (cumulative registers C1 with a rollover at
1,000 kWh and C2 without one, a park-level water meter).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from io_tiny_park import METERS, PARK_TOML, TENANTS, WWTP

MakePark = Callable[..., Path]


@pytest.fixture
def make_park(tmp_path: Path) -> MakePark:
    """Write a park folder: park.toml, tenants.csv, meters.csv, wwtp.csv, plus the files given.

    ``make_park(readings="meter_id,timestamp,value\\n...", fuels=...)``; pass ``meters=...``
    to replace the default meters. Returns the folder.
    """

    def _make(name: str = "park", **files: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "park.toml").write_text(files.pop("park_toml", PARK_TOML), encoding="utf-8")
        defaults = {"tenants": TENANTS, "meters": METERS, "wwtp": WWTP}
        for key, text in {**defaults, **files}.items():
            if text is not None:
                (folder / f"{key}.csv").write_text(text, encoding="utf-8")
        return folder

    return _make
