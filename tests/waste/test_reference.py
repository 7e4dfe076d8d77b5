"""The waste reference tables: consistent with each other and with the sourced facts they cite."""

from __future__ import annotations

import pytest

from greenpark.reference import load_table
from greenpark.waste import factors as wf

TABLES = (
    "codes", "category_defaults", "routes", "waste_types", "fod", "biological", "combustion",
    "route_fees", "symbiosis_costs", "symbiosis_materials", "symbiosis_values", "checks",
)  # fmt: skip


@pytest.mark.parametrize("name", TABLES)
def test_every_row_has_provenance(name):
    df = load_table(f"waste/{name}")
    assert not df.empty
    assert df["source"].notna().all() and (df["source"].astype(str).str.strip() != "").all()
    assert df["confidence"].isin(["V", "S", "D", "R"]).all()


def test_codes_and_materials_point_at_known_types_and_routes():
    types = set(load_table("waste/waste_types")["waste_type"])
    assert set(wf.codes()["ipcc_type"]) <= types
    assert set(wf.category_types().values()) <= types
    assert set(wf.category_types()) == set(wf.CATEGORIES)
    mats = load_table("waste/symbiosis_materials")
    assert set(mats["ipcc_type"].dropna()) <= types
    assert set(mats["taker_route"].dropna()) <= set(wf.route_names())
    # every type has the four parameters the engine asks for
    df = load_table("waste/waste_types")
    for t in types:
        assert set(df.loc[df["waste_type"] == t, "parameter"]) == {"doc", "k", "fossil_c", "avoided"}, t


def test_values_match_the_facts_file():
    # vietnam-facts §6.4 (IPCC 2006 Vol.5 Ch.3 Table 3.3, tropical moist/wet; DOC Table 2.4; DOCf, F, MCF)
    assert wf.type_factor("food", "k").value == 0.40
    assert wf.type_factor("paper", "k").value == 0.07
    assert wf.type_factor("wood", "k").value == 0.035
    assert wf.type_factor("garden", "k").value == 0.17
    assert wf.type_factor("msw_southeast_asia", "k").value == 0.17  # bulk waste
    assert wf.type_factor("wood", "doc").value == 0.43
    assert wf.type_factor("textiles", "doc").value == 0.24
    assert wf.fod_factor("docf").value == 0.5 and wf.fod_factor("f_ch4").value == 0.5
    assert wf.fod_factor("mcf").value == 1.0
    # Table 2.4 products: plastics dm 1.0 x CF 0.75 x FCF 1.0; textiles 0.8 x 0.5 x 0.2
    assert wf.type_factor("plastics", "fossil_c").value == pytest.approx(1.0 * 0.75 * 1.0)
    assert wf.type_factor("textiles", "fossil_c").value == pytest.approx(0.8 * 0.5 * 0.2)
    # SE-Asia MSW DOC derived from Table 2.3 shares x Table 2.4 DOC:
    # 0.435 x 0.15 + 0.129 x 0.40 + 0.099 x 0.43 + 0.027 x 0.24 = 0.1659
    assert wf.type_factor("msw_southeast_asia", "doc").value == pytest.approx(0.166, abs=5e-4)


def test_hazardous_codes_are_marked():
    c = wf.codes()
    assert c.loc["17 02 03", "hazardous"] and c.loc["16 01 06", "hazardous"]
    assert not c.loc["07 03 11", "hazardous"] and not c.loc["SH01", "hazardous"]
