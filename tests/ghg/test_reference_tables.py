"""The ghg reference tables: every row sourced, every park-folder fuel and treatment covered."""

import pandas as pd
import pytest

from greenpark.model import Treatment
from greenpark.reference import DATA_DIR, load_table, table_names

GHG_TABLES = [t for t in table_names() if t.startswith("ghg/")]


@pytest.mark.parametrize("name", GHG_TABLES)
def test_every_row_has_provenance(name):
    df = load_table(name)
    assert df["source"].astype(str).str.len().min() > 5
    assert set(df["confidence"].dropna()) <= {"V", "S", "D", "R"}
    assert df["value"].notna().all()


def test_fuels_of_the_park_folder_are_covered():
    schema = pd.read_csv(DATA_DIR.parent.parent / "io" / "schema" / "fuels.csv")
    fuels = schema.loc[schema["attribute"] == "fuel", "choices"].iloc[0].split("|")
    comb, toe = load_table("ghg/combustion"), load_table("ghg/toe")
    for fuel in fuels:
        params = set(comb.loc[comb["fuel"] == fuel, "parameter"])
        assert {"ncv", "ch4", "n2o"} <= params and params & {"co2", "co2_biogenic"}, fuel
        assert fuel in set(toe["carrier"]), fuel


def test_every_treatment_has_an_mcf():
    ww = load_table("ghg/wastewater")
    for method in ("ipcc_2006", "ipcc_2019r"):
        have = set(ww.loc[(ww["parameter"] == "mcf") & (ww["method"] == method), "treatment"])
        assert {t.value for t in Treatment} <= have, method


def test_blend_fractions_sum_to_one():
    blends = load_table("ghg/refrigerant_blends")
    assert blends.groupby("blend")["value"].sum().round(6).eq(1.0).all()
