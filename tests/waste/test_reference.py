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
        assert set(df.loc[df["waste_type"] == t, "parameter"]) == {"doc", "k", "dm", "cf", "fcf", "avoided"}, t


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
    # Table 2.4 (dry basis): plastics dm 1.0, CF 0.75 of dry matter, FCF 1.0; textiles 0.8, 0.5, 0.2
    assert [wf.type_factor("plastics", p).value for p in ("dm", "cf", "fcf")] == [1.0, 0.75, 1.0]
    assert [wf.type_factor("textiles", p).value for p in ("dm", "cf", "fcf")] == [0.8, 0.5, 0.2]
    # SE-Asia MSW DOC derived from Table 2.3 shares x Table 2.4 DOC:
    # 0.435 x 0.15 + 0.129 x 0.40 + 0.099 x 0.43 + 0.027 x 0.24 = 0.1659
    assert wf.type_factor("msw_southeast_asia", "doc").value == pytest.approx(0.166, abs=5e-4)


def test_hazardous_codes_are_marked():
    c = wf.codes()
    assert c.loc["17 02 03", "hazardous"] and c.loc["16 01 06", "hazardous"]
    assert not c.loc["07 03 12", "hazardous"] and not c.loc["SH01", "hazardous"]
    # Circular 02/2022 Annex III group 07 03: swarf WITH hazardous substances (07 03 11) is hazardous, the rest
    # (07 03 12) ordinary; food residues and boiler ash carry greenpark codes (no confirmed annex entry)
    assert c.loc["07 03 11", "hazardous"] and not c.loc["TP01", "hazardous"] and not c.loc["TX01", "hazardous"]


def test_incineration_fossil_carbon_on_the_dry_basis():
    from greenpark.waste.ghg import route_intensity_tco2e_per_t

    # IPCC 2006 Vol.5 Ch.5 Eq. 5.1: CO2 = W x dm x CF x FCF x OF x 44/12 (CF of DRY matter, Table 5.2).
    # 1 t wet mixed industrial waste: 0.80 (greenpark dm assumption) x 0.50 x 0.90 x 1.0 x 44/12 = 1.32 t CO2
    # (before the fix the dry-basis carbon 0.45 was applied to wet tonnes: 1.65 t, 25 % high);
    # + CH4 0.0002 kg x 28 / 1000 + N2O 0.1 kg x 265 / 1000 = 0.0000056 + 0.0265 t
    assert route_intensity_tco2e_per_t("industrial_other", "incineration", "industrial", "AR5") == pytest.approx(
        0.8 * 0.5 * 0.9 * 44 / 12 + 0.0002 * 28 / 1000 + 0.1 * 265 / 1000
    )
