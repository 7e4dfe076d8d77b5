"""Stationary combustion against hand calculations (IPCC 2006 Vol.2 Ch.2 Tier 1, Eq. 2.1)."""

import pandas as pd
import pytest

from greenpark.errors import InputError, UnknownUnitError
from greenpark.ghg import fuel_emissions
from greenpark.ghg.combustion import UnknownFuelError, combustion_emissions

# GWP AR5 (IPCC AR5 WG1 Table 8.A.1): CH4 28, N2O 265. AR6 (Table 7.15): CH4 fossil 29.8, N2O 273.


def test_diesel_litres():
    # density 0.8627 kg/l = MOIT 3505/BCT-KHCN 0.88 TOE/1000 l / 1.02 TOE/t
    # 1000 l -> 862.7 kg -> 862.7e-6 Gg x 43.0 TJ/Gg (IPCC Table 1.2) = 0.0370961 TJ
    # CO2 74,100 kg/TJ -> 2748.821 kg; CH4 3 kg/TJ -> 0.111288 kg; N2O 0.6 kg/TJ -> 0.0222577 kg (IPCC Table 2.3)
    # AR5: 2748.821 + 0.111288 x 28 + 0.0222577 x 265 = 2748.821 + 3.116 + 5.898 = 2757.835 kg
    r = fuel_emissions("diesel", 1000, "l")
    assert r.energy_tj == pytest.approx(0.0370961, rel=1e-6)
    assert r.co2_t == pytest.approx(2.748821, rel=1e-6)
    assert r.co2e_t == pytest.approx(2.757835, rel=1e-6)
    # TOE: 0.8627 t x 1.02 TOE/t = 0.87995 (MOIT gives 0.88 TOE per 1000 l)
    assert r.energy_toe == pytest.approx(0.879954, rel=1e-6)
    assert r.biogenic_co2_t == 0


def test_diesel_ar6_uses_fossil_methane():
    # 2748.821 + 0.111288 x 29.8 + 0.0222577 x 273 = 2748.821 + 3.3164 + 6.0764 = 2758.213 kg
    assert fuel_emissions("diesel", 1000, "l", gwp_set="AR6").co2e_t == pytest.approx(2.758213, rel=1e-6)


def test_lpg_kg():
    # 1000 kg = 0.001 Gg x 47.3 TJ/Gg = 0.0473 TJ; CO2 63,100 x 0.0473 = 2984.63 kg;
    # CH4 1 x 0.0473 x 28 = 1.3244; N2O 0.1 x 0.0473 x 265 = 1.25345 -> 2987.208 kg CO2e (IPCC Tables 1.2, 2.3)
    r = fuel_emissions("lpg", 1, "t")
    assert r.co2e_t == pytest.approx(2.987208, rel=1e-6)
    assert r.energy_toe == pytest.approx(1.09)  # MOIT 3505: LPG 1.09 TOE/t


def test_natural_gas_m3():
    # density 0.785 kg/m3 (MOIT 0.90 TOE/1000 m3 x 41.868 GJ/TOE / 48.0 MJ/kg); 1000 m3 -> 785 kg -> 0.03768 TJ
    # CO2 56,100 x 0.03768 = 2113.848; CH4 1 x 0.03768 x 28 = 1.05504; N2O 0.1 x 0.03768 x 265 = 0.99852
    r = fuel_emissions("natural_gas", 1000, "m3")
    assert r.co2e_t == pytest.approx(2.115902, rel=1e-5)
    assert r.energy_toe == pytest.approx(0.90, rel=1e-4)  # MOIT: 0.90 TOE per 1000 m3


def test_coal():
    # anthracite 1 t: 26.7 TJ/Gg -> 0.0267 TJ; CO2 98,300 x 0.0267 = 2624.61; CH4 10 x 0.0267 x 28 = 7.476;
    # N2O 1.5 x 0.0267 x 265 = 10.61325 -> 2642.699 kg (IPCC Table 1.2, Table 2.3 manufacturing)
    assert fuel_emissions("coal_anthracite", 1, "t").co2e_t == pytest.approx(2.642699, rel=1e-6)
    # other bituminous 1 t: 25.8 TJ/Gg -> 0.0258 TJ; CO2 94,600 x 0.0258 = 2440.68; CH4 7.224; N2O 10.2555
    assert fuel_emissions("coal_bituminous", 1000, "kg").co2e_t == pytest.approx(2.458160, rel=1e-6)


def test_biomass_co2_is_memo():
    # wood 1 t: 15.6 TJ/Gg -> 0.0156 TJ; biogenic CO2 112,000 x 0.0156 = 1747.2 kg (memo, not in CO2e);
    # CH4 30 x 0.0156 = 0.468 kg x 28 = 13.104; N2O 4 x 0.0156 = 0.0624 kg x 265 = 16.536 -> 29.64 kg CO2e
    r = fuel_emissions("biomass_wood", 1, "t")
    assert r.biogenic_co2_t == pytest.approx(1.7472)
    assert r.co2e_t == pytest.approx(0.02964, rel=1e-6)


def test_energy_units():
    # 1 GJ of diesel = 0.001 TJ -> 74.1 kg CO2; TOE 1/41.868 = 0.023885 (IEA definition)
    r = fuel_emissions("diesel", 1, "GJ")
    assert r.co2_t == pytest.approx(0.0741)
    assert r.energy_toe == pytest.approx(0.023885)


def test_table_is_vectorised_and_keeps_rows():
    fuels = pd.DataFrame(
        {
            "tenant_id": ["A", "A", "B"],
            "period": ["2024-01"] * 3,
            "fuel": ["diesel", "diesel", "lpg"],
            "quantity": [1000.0, 500.0, 1000.0],
            "unit": ["l", "l", "kg"],
        }
    )
    out, factors = combustion_emissions(fuels)
    assert len(out) == 3
    # 2.757835 x 1.5 + 2.987208 (hand calculations above)
    assert out["tco2e"].sum() == pytest.approx(2.757835 * 1.5 + 2.987208, rel=1e-6)
    assert {"combustion.diesel.co2", "density.diesel", "gwp.AR5.N2O"} <= {f.name for f in factors}


def test_bad_inputs_say_what_to_do():
    with pytest.raises(UnknownFuelError, match="unknown fuel 'petrol'; known fuels: biomass_wood, coal_anthracite"):
        fuel_emissions("petrol", 1, "l")
    with pytest.raises(UnknownUnitError, match="unknown unit 'gallon'"):
        fuel_emissions("diesel", 1, "gallon")
    with pytest.raises(UnknownUnitError, match="has no density"):
        fuel_emissions("coal_anthracite", 1, "m3")
    with pytest.raises(UnknownUnitError, match="does not fit a fuel"):
        fuel_emissions("diesel", 1, "kW")
    with pytest.raises(InputError, match=r"must be a finite number >= 0, got -5"):
        fuel_emissions("diesel", -5, "l")
    bad = pd.DataFrame(
        {"tenant_id": ["A"], "period": ["2024-01"], "fuel": ["diesel"], "quantity": [-1.0], "unit": ["l"]}
    )
    with pytest.raises(InputError, match="1 fuel row"):
        combustion_emissions(bad)


def test_user_factor_set_wins(tmp_path):
    # a facility-specific NCV (user row, factor_set facility) beats the IPCC default (MOIT Circular 38/2023 Art.18)
    (tmp_path / "ghg").mkdir()
    (tmp_path / "ghg" / "combustion.csv").write_text(
        "fuel,parameter,factor_set,value,unit,source,edition,valid_from,valid_to,confidence\n"
        "lpg,co2,facility,60000,kg/TJ,supplier certificate 2024,test,,,V\n"
    )
    r = fuel_emissions("lpg", 1, "t", extra_dirs=[tmp_path])
    # 0.0473 TJ x 60,000 = 2838 kg CO2 (+ CH4 1.3244 + N2O 1.25345)
    assert r.co2_t == pytest.approx(2.838)
    used = {f.name: f for f in r.factors}
    assert used["combustion.lpg.co2"].factor_set == "facility"
