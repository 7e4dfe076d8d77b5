"""The generator's parameter tables (``reference/data/example/*.csv``), loaded once.

Every size, intensity and shift pattern the example park is drawn from is a row in
one of these tables, with its source and confidence (mostly ``R``: illustrative
assumptions for a synthetic park). The code names the row; it holds no number.
"""

from __future__ import annotations

import pandas as pd

from greenpark.errors import MissingFactorError
from greenpark.reference import load_table

SECTOR_PROFILES = "example/sector_profiles"
FUEL_USE = "example/fuel_use"
CLIMATE = "example/climate"
HOLIDAYS = "example/holidays"
WASTE_STREAMS = "example/waste_streams"
PARK_ASSUMPTIONS = "example/park_assumptions"
WWTP_EPISODES = "example/wwtp_episodes"
LAB_PARAMETERS = "example/lab_parameters"


def table(name: str) -> pd.DataFrame:
    """One parameter table as a DataFrame (provenance columns included)."""
    return load_table(name)


def park_parameter(name: str) -> float:
    """A park-wide parameter from ``example/park_assumptions`` by its name."""
    df = load_table(PARK_ASSUMPTIONS)
    row = df.loc[df["parameter"] == name, "value"]
    if row.empty:
        raise MissingFactorError(f"no parameter {name!r} in {PARK_ASSUMPTIONS}; known: {', '.join(df['parameter'])}")
    return float(row.iloc[0])


def profiles() -> pd.DataFrame:
    """Tenant profiles indexed by profile name."""
    return load_table(SECTOR_PROFILES).set_index("profile")
