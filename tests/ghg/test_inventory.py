"""The inventory of a tiny park built in code, checked against the hand calculations of each method."""

import pandas as pd
import pytest
from ghgkit import consumption_rows

from greenpark.errors import InputError
from greenpark.ghg import WwtpActivity, inventory

# Hand calculations (see test_combustion / test_refrigerants / test_wastewater for each number's source):
DIESEL_1000L = 2.757835  # t CO2e, AR5
LPG_1T = 2.987208
WOOD_10T = 0.2964  # CH4 + N2O only; biogenic CO2 17.472 t is a memo
R410A_2KG = 3.847  # R-22 1 kg = 1.76 t is a memo (Montreal gas)
WWTP = 707.9286  # CH4 0 (industrial aerobic MCF 0, no effluent COD) + N2O 707.93 (2019R)


def test_tiny_park(tiny_park):
    c = consumption_rows(
        [
            ("T1", "electricity_import", "2023-01", 100_000.0),
            ("T1", "pv_generation", "2023-01", 20_000.0),
            ("T1", "electricity_export", "2023-01", 5_000.0),
            (None, "electricity_import", "2023-01", 10_000.0),
            ("T1", "electricity_import", "2022-12", 99_999.0),  # another year: left out
        ]
    )
    act = [WwtpActivity("W1", "aerobic_well_managed", 1_000_000, 200_000, 20_000, 100_000)]
    scope3 = pd.DataFrame({"tenant_id": ["T1", "T2"], "tco2e": [10.0, 5.0], "avoided_tco2e": [2.0, 0.0]})
    r = inventory(tiny_park, c, 2023, wwtp_activities=act, scope3=scope3)
    t1, t2 = r.tenants
    # T1: diesel 1000 l + LPG 1 t; 2022 diesel row left out
    assert t1.scope1_tco2e == pytest.approx(DIESEL_1000L + LPG_1T, rel=1e-6)
    # T1 Scope 2: 100 MWh x 0.6592 (DCC 2023) = 65.92 t; park common 10 MWh -> 6.592 t
    assert t1.scope2_location_tco2e == pytest.approx(65.92)
    assert r.park_common.scope2_location_tco2e == pytest.approx(6.592)
    # T2: wood CH4/N2O + R-410A leak; R-22 and biogenic CO2 are memos
    assert t2.scope1_tco2e == pytest.approx(WOOD_10T + R410A_2KG, rel=1e-6)
    assert t2.biogenic_co2_t == pytest.approx(17.472) and t2.montreal_gases_tco2e == pytest.approx(1.76)
    assert r.park_common.scope1_wastewater_tco2e == pytest.approx(WWTP, rel=1e-6)
    s1 = DIESEL_1000L + LPG_1T + WOOD_10T + R410A_2KG + WWTP
    assert r.scope1_tco2e == pytest.approx(s1, rel=1e-6)
    assert r.scope3_tco2e == 15.0 and r.scope3_avoided_tco2e == 2.0  # avoided never netted
    assert r.total_tco2e == pytest.approx(s1 + 65.92 + 6.592 + 15.0, rel=1e-6)
    # the tenants and the park common add up to the park
    parts = r.tenant_frame()
    assert parts["total_tco2e"].sum() == pytest.approx(r.total_tco2e)
    # TOE: T1 diesel 0.879954 + LPG 1.09 + 100,000 kWh x 0.0001543 = 17.399954 (MOIT 3505)
    assert t1.energy_toe == pytest.approx(17.399954, rel=1e-6)
    assert not t1.decree06_inventory_required
    # months: January has diesel + both meters' Scope 2; WWTP and annual Scope 3 are annual-only
    jan = next(m for m in r.by_month if m.period == "2023-01")
    assert jan.scope2_location_tco2e == pytest.approx(72.512)
    assert r.annual_only_tco2e == pytest.approx(WWTP + 15.0, rel=1e-6)
    assert r.renewable_share == pytest.approx(15_000 / 125_000)
    names = {f.name for f in r.factors}
    assert {"grid_electricity_vn", "combustion.diesel.co2", "decree06.threshold_emissions"} <= names


def test_json_names_are_stable(tiny_park):
    r = inventory(tiny_park, consumption_rows([]), 2023)
    d = r.model_dump(mode="json")
    for key in (
        "year",
        "gwp",
        "total_tco2e",
        "scope1_tco2e",
        "scope2_location_tco2e",
        "scope2_market_tco2e",
        "scope3_tco2e",
        "biogenic_co2_t",
        "tenants",
        "factors",
    ):
        assert key in d
    for key in (
        "tenant_id",
        "scope1_tco2e",
        "scope2_location_tco2e",
        "scope2_market_tco2e",
        "scope3_tco2e",
        "energy_toe",
        "decree06_inventory_required",
    ):
        assert key in d["tenants"][0]
    assert {"name", "value", "unit", "source", "flags"} <= set(d["factors"][0])
    assert any("WWTP CH4/N2O not computed" in n for n in r.notes)


def test_gwp_set_and_big_emitter(tiny_park):
    big = pd.concat(
        [
            tiny_park.tables["fuels"],
            pd.DataFrame(
                [{"tenant_id": "T2", "period": "2023-06", "fuel": "coal_bituminous", "quantity": 1300.0, "unit": "t"}]
            ),
        ]
    )
    tiny_park.tables["fuels"] = big
    r = inventory(tiny_park, consumption_rows([]), 2023, gwp_set="AR6")
    t2 = r.tenants[1]
    # 1300 t bituminous coal x 0.6162 TOE/t = 801 TOE (< 1,000); AR6: 1300 x (2440.68 + 0.258 x 29.8 +
    # 0.0387 x 273) kg = 1300 x 2458.933 kg = 3196.6 t >= 3,000 -> inventory required
    assert t2.scope1_tco2e > 3000 and t2.decree06_inventory_required
    assert t2.decree06_status == "required" and t2.decree06_reason == "screen: measured >= 3,000 tCO2e/yr"
    with pytest.raises(InputError, match="unknown GWP set 'AR3'"):
        inventory(tiny_park, consumption_rows([]), 2023, gwp_set="AR3")


def test_scope3_is_the_table_given_with_its_notes_and_factors(tiny_park):
    # the caller (greenpark.runs) brings the waste engine's table; the inventory sums it by tenant and keeps the
    # notes and factors the waste engine put in its attrs
    scope3 = pd.DataFrame(
        {
            "tenant_id": ["T1", "T1"],
            "route": ["landfill", "recycling"],
            "tco2e": [12.5, 0.0],
            "avoided_tco2e": [0.0, 4.0],
        }
    )
    used = {"name": "waste.food.doc", "value": 0.15, "unit": "tC/t wet", "source": "IPCC 2006 GL Vol.5 Table 2.4"}
    scope3.attrs.update(gwp_set="AR6", notes=["landfill FOD: recorded deposits 2023-2023"], factors=[used])
    r = inventory(tiny_park, consumption_rows([]), 2023, gwp_set="AR6", scope3=scope3)
    # 12.5 t in Scope 3; the 4 t avoided by recycling is a memo, never subtracted
    assert r.scope3_tco2e == 12.5 and r.tenants[0].scope3_tco2e == 12.5 and r.scope3_avoided_tco2e == 4.0
    assert r.total_tco2e == pytest.approx(r.scope1_tco2e + 12.5)
    assert "waste: landfill FOD: recorded deposits 2023-2023" in r.notes
    assert "waste.food.doc" in {f.name for f in r.factors}
    # a table computed with another GWP set would mix sets in one total
    with pytest.raises(InputError, match="computed with GWP set AR6, the inventory uses AR5"):
        inventory(tiny_park, consumption_rows([]), 2023, scope3=scope3)


def test_waste_records_without_a_scope3_table_are_noted_not_computed(tiny_park):
    # the ghg engine does not call the waste engine: without a table, Scope 3 is 0 and the notes say why
    tiny_park.tables["waste"] = pd.DataFrame({"tenant_id": ["T1"], "quantity_t": [1.0], "route": ["landfill"]})
    r = inventory(tiny_park, consumption_rows([]), 2023)
    assert r.scope3_tco2e == 0.0
    assert any(n.startswith("waste records not turned into Scope 3 category 5") for n in r.notes)
