"""Tiny hand-made parks, written in code so each test reads as a worked example."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

PARK_TOML = """[park]
id = "tiny"
name = "Tiny Park"
province = "Dong Nai"
latitude = 10.80
longitude = 106.95
timezone = "Asia/Ho_Chi_Minh"
currency = "VND"
area_ha = 12

[targets]
ghg_reduction_pct = { 2030 = 30 }
"""

TENANTS = """tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level
T1,Alpha Electronics,electronics,2610,12000,300,22-110kV
T2,Beta Foods,food_beverage,1079,5000,120,6-22kV
"""

METERS = """meter_id,tenant_id,kind,unit,cumulative,register_max,wwtp_id
E1,T1,electricity_import,kWh,false,,
E2,T2,electricity_import,MWh,false,,
C1,T1,electricity_import,kWh,true,1000,
C2,T2,electricity_import,kWh,true,,
W1,,water_supply,m3,false,,
"""

WWTP = """wwtp_id,name,capacity_m3_per_day,treatment,standard,column,kq,kf
WW1,Central WWTP,4000,aerobic_well_managed,QCVN40:2011,A,0.9,1.0
"""

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
