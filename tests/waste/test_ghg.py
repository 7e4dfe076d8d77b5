"""GHG by waste route: FOD landfill over several years, incineration, biological treatment, avoided memo.

Factor sources (rows of reference/data/waste/*.csv):
- food DOC 0.15, k 0.40 (tropical wet): IPCC 2006 Vol.5 Ch.2 Table 2.4, Ch.3 Table 3.3 (vietnam-facts §6.4)
- DOCf 0.5, F 0.5, MCF 1.0 (managed anaerobic), OX 0: IPCC 2006 Vol.5 Ch.3 (vietnam-facts §6.4)
- SE-Asia MSW DOC 0.166 (derived from Table 2.3 x 2.4), bulk k 0.17
- plastics fossil carbon 0.75 t C/t (Table 2.4), OF 1.0; incineration N2O 0.1 kg/t industrial (Table 5.6)
- composting CH4 4 kg/t, N2O 0.3 kg/t wet (Vol.5 Ch.4 Table 4.1)
- metal recycling avoided 1.8 tCO2e/t (recalled, order of magnitude)
- GWP AR5: CH4 28, N2O 265; AR6 CH4 non-fossil 27.0 (vietnam-facts §6.5)
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from greenpark.errors import InputError
from greenpark.waste.ghg import fod_decomposed, landfill_ch4_t, route_emissions


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["date", "tenant_id", "waste_code", "category", "quantity_t", "route"])


def _row(df: pd.DataFrame, tenant: str, route: str) -> pd.Series:
    hit = df[(df["tenant_id"] == tenant) & (df["route"] == route)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_fod_several_years_hand_calculation():
    # food waste landfilled: 100 t in 2021, 200 t in 2022, none in 2023, 50 t in 2024; inventory year 2024.
    # Decay starts 1 Jan after deposit (IPCC default 6-month delay), so the 2024 deposit emits nothing in 2024.
    # exp(-0.4) = 0.670320, 1 - exp(-0.4) = 0.329680, exp(-0.8) = 0.449329
    # 2021 deposit in 2024: 100 x exp(-0.4 x 2) x 0.329680 = 100 x 0.449329 x 0.329680 = 14.8135 t
    # 2022 deposit in 2024: 200 x exp(-0.4 x 1) x 0.329680 = 200 x 0.670320 x 0.329680 = 44.1981 t
    # decomposing mass 59.0116 t; x DOC 0.15 x DOCf 0.5 x MCF 1.0 x F 0.5 x 16/12 = x 0.05 -> 2.95058 t CH4
    deposits = {2021: 100.0, 2022: 200.0, 2024: 50.0}
    assert fod_decomposed(deposits, 2024, 0.40) == pytest.approx(59.0116, abs=1e-3)
    assert landfill_ch4_t(deposits, 2024, 0.15, 0.40, 0.5, 1.0, 0.5, 0.0) == pytest.approx(2.95058, abs=1e-4)
    # the same through the recursion of Eq.3.5 (DDOCma_T = DDOCmd_T + DDOCma_{T-1} e^-k), in DDOCm:
    # DDOCmd(y) = W x 0.15 x 0.5 x 1 = 7.5 (2021), 15 (2022), 0 (2023)
    # DDOCma(2021) = 7.5; DDOCma(2022) = 15 + 7.5 x 0.670320 = 20.0274; DDOCma(2023) = 20.0274 x 0.670320 = 13.4248
    # decomposed in 2024 = DDOCma(2023) x 0.329680 = 4.42589 DDOCm -> x 0.5 x 16/12 = 2.95059 t CH4
    w = _frame(
        [
            ("2021-06-01", "T1", "TP01", "industrial", 100.0, "landfill"),
            ("2022-03-01", "T1", "TP01", "industrial", 120.0, "landfill"),
            ("2022-09-01", "T1", "TP01", "industrial", 80.0, "landfill"),
            ("2024-06-01", "T1", "TP01", "industrial", 50.0, "landfill"),
        ]
    )
    r = route_emissions(w, 2024, "AR5", backfill_years=0)
    lf = _row(r, "T1", "landfill")
    assert lf["ch4_t"] == pytest.approx(2.95059, abs=1e-4)
    assert lf["quantity_t"] == pytest.approx(50.0)  # the year's landfilled tonnes
    assert lf["tco2e"] == pytest.approx(2.95059 * 28, abs=1e-2)  # = 82.62 tCO2e (AR5 CH4 28)
    assert lf["co2_fossil_t"] == 0.0


def test_fod_one_year_of_records_is_backfilled_and_said():
    # 10 t domestic waste (SH01) landfilled in 2024 only; backfill 10 years at 10 t/yr (2014-2023).
    # sum_{y=2014}^{2023} e^{-0.17 (2023-y)} (1 - e^{-0.17}) = 1 - e^{-1.7} = 1 - 0.182684 = 0.817316
    # decomposing 8.17316 t x DOC 0.166 x 0.5 x 1.0 x 0.5 x 16/12 = 8.17316 x 0.0553333 = 0.452248 t CH4
    w = _frame([("2024-03-01", "T1", "SH01", "domestic", 10.0, "landfill")])
    r = route_emissions(w, 2024, backfill_years=10)
    assert _row(r, "T1", "landfill")["ch4_t"] == pytest.approx(0.452248, abs=1e-5)
    assert any("assumed equal to the mean annual deposit" in n for n in r.attrs["notes"])
    # without backfill a first year of records emits nothing in that year (deposits emit from the next year)
    r0 = route_emissions(w, 2024, backfill_years=0)
    assert _row(r0, "T1", "landfill")["ch4_t"] == 0.0


def test_incineration_composting_recycling_hand_calculation():
    # incineration of 2 t plastics (18 01 06, industrial): CO2 = 2 x 0.75 x 1.0 x 44/12 = 5.5 t fossil CO2
    #   N2O = 2 t x 0.1 kg/t = 0.2 kg; CH4 = 2 x 0.0002 kg/t = 0.0004 kg
    #   tCO2e = 5.5 + 0.0002 x 265 + 0.0000004 x 28 = 5.55301
    # composting of 5 t food (TP01): CH4 = 5 x 4 kg = 0.020 t; N2O = 5 x 0.3 kg = 0.0015 t
    #   tCO2e = 0.020 x 28 + 0.0015 x 265 = 0.56 + 0.3975 = 0.9575
    # recycling of 3 t metal scrap (07 03 12): tco2e 0; avoided 3 x 1.8 = 5.4 (memo, not netted)
    w = _frame(
        [
            ("2024-05-01", "T1", "18 01 06", "industrial", 2.0, "incineration"),
            ("2024-06-01", "T2", "TP01", "industrial", 5.0, "composting"),
            ("2024-07-01", "T2", "07 03 12", "industrial", 3.0, "recycling"),
            ("2023-07-01", "T2", "07 03 12", "industrial", 99.0, "recycling"),  # other year: not counted
        ]
    )
    r = route_emissions(w, 2024, "AR5")
    inc = _row(r, "T1", "incineration")
    assert inc["co2_fossil_t"] == pytest.approx(5.5)
    assert inc["n2o_t"] == pytest.approx(0.0002)
    assert inc["tco2e"] == pytest.approx(5.55301, abs=1e-5)
    comp = _row(r, "T2", "composting")
    assert comp["ch4_t"] == pytest.approx(0.020)
    assert comp["tco2e"] == pytest.approx(0.9575)
    rec = _row(r, "T2", "recycling")
    assert rec["quantity_t"] == pytest.approx(3.0)
    assert rec["tco2e"] == 0.0
    assert rec["avoided_tco2e"] == pytest.approx(5.4)
    assert r["tco2e"].sum() == pytest.approx(5.55301 + 0.9575, abs=1e-5)  # avoided never netted
    names = {f["name"] for f in r.attrs["factors"]}
    assert {"waste.plastics.dm", "waste.plastics.cf", "waste.plastics.fcf", "waste.composting.ch4"} <= names


def test_ar6_uses_non_fossil_methane_for_composting():
    # AR6: CH4 non-fossil 27.0, N2O 273 -> 0.020 x 27.0 + 0.0015 x 273 = 0.54 + 0.4095 = 0.9495
    w = _frame([("2024-06-01", "T2", "TP01", "industrial", 5.0, "composting")])
    assert _row(route_emissions(w, 2024, "AR6"), "T2", "composting")["tco2e"] == pytest.approx(0.9495)


def test_unknown_route_names_the_choices():
    w = _frame([("2024-06-01", "T2", "TP01", "industrial", 5.0, "dumping")])
    with pytest.raises(InputError, match=r"unknown waste route\(s\) \['dumping'\].*landfill"):
        route_emissions(w, 2024)


def test_unknown_code_falls_back_to_category_type():
    # no code: hazardous waste incinerated as 'hazardous_mixed': 1 t x 0.1485 x 44/12 = 0.5445 t CO2
    w = _frame([("2024-06-01", "T3", None, "hazardous", 1.0, "incineration")])
    assert _row(route_emissions(w, 2024), "T3", "incineration")["co2_fossil_t"] == pytest.approx(0.1485 * 44 / 12)
    assert math.isclose(0.1485 * 44 / 12, 0.5445)
