"""The generator's parameter tables carry their provenance, and the profiles are self-consistent."""

from __future__ import annotations

import pytest

from greenpark.reference import load_table, table_names

EXAMPLE_TABLES = [t for t in table_names() if t.startswith("example/")]


def test_the_generator_tables_are_shipped():
    assert {
        "example/sector_profiles",
        "example/fuel_use",
        "example/waste_streams",
        "example/holidays",
        "example/climate",
        "example/park_assumptions",
        "example/wwtp_episodes",
    } <= set(EXAMPLE_TABLES)


@pytest.mark.parametrize("name", EXAMPLE_TABLES)
def test_every_row_has_a_source_and_a_confidence(name):
    df = load_table(name)
    assert df["source"].str.len().gt(0).all()
    assert df["confidence"].isin(["V", "S", "D", "R"]).all()


def test_profiles_cover_the_eight_sectors_and_stay_below_the_thresholds():
    prof = load_table("example/sector_profiles")
    assert set(prof["sector"]) == {
        "electronics",
        "automotive_parts",
        "food_beverage",
        "textile_garment",
        "plastics_rubber",
        "metal_fabrication",
        "chemicals",
        "logistics",
    }
    assert prof["shifts"].isin([1, 2, 3]).all()
    assert (prof["base_fraction"] + prof["cooling_share"]).lt(1).all()
    # ordinary tenants stay below 1,000 TOE (= 6.48 GWh at 0.1543 TOE/MWh, MOIT 3505/BCT-KHCN) and below
    # 3,000 tCO2e from electricity at 0.681 tCO2/MWh (2024 grid factor): max 4.4 GWh
    assert prof["gwh_max"].max() < 4.4
    assert prof["anchor_gwh"].dropna().ge(6.48).all() and 2 <= prof["anchor_gwh"].notna().sum() <= 4


def test_holidays_2024():
    hol = load_table("example/holidays")
    tet = hol.loc[hol["kind"] == "tet", "date"].tolist()
    assert tet[0] == "2024-02-08" and tet[-1] == "2024-02-14"  # the 2024 Tết break, 8-14 Feb
    public = set(hol.loc[hol["kind"] == "public", "date"])
    assert {"2024-01-01", "2024-04-18", "2024-04-30", "2024-05-01", "2024-09-02", "2024-09-03"} == public
