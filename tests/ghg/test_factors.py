"""GWP sets and the grid factor by data year, with the fallback rule."""

import pytest

from greenpark.errors import MissingFactorError
from greenpark.ghg import grid_factor, gwp_value


def test_gwp_sets():
    # IPCC AR4 Table 2.14: CH4 25, N2O 298; AR5 Table 8.A.1: 28, 265;
    # AR6 Table 7.15: fossil 29.8, non-fossil 27.0, N2O 273
    assert gwp_value("CH4", "AR4") == 25 and gwp_value("N2O", "AR4") == 298
    assert gwp_value("CH4", "AR5") == 28 and gwp_value("N2O", "AR5") == 265
    assert gwp_value("CH4_fossil", "AR6") == 29.8 and gwp_value("CH4_biogenic", "AR6") == 27.0
    with pytest.raises(MissingFactorError, match="choose one of AR4, AR5, AR6"):
        gwp_value("CH4", "SAR")


def test_grid_factor_published_year():
    # DCC announcement: 2022 = 0.6766 tCO2/MWh, 2023 = 0.6592 (vietnam-facts.md §1.1)
    assert grid_factor(2022).tco2_per_mwh == 0.6766
    g = grid_factor(2023)
    assert g.tco2_per_mwh == 0.6592 and not g.fallback and g.status == "announced"


def test_grid_factor_study_value_is_flagged():
    # 2024 = 0.681 from the HUST/MAE study, not a DCC letter
    g = grid_factor(2024)
    assert g.tco2_per_mwh == 0.681 and g.status == "study"


def test_grid_factor_fallback_and_strict():
    g = grid_factor(2026)
    assert g.fallback and g.year_used == 2024 and g.as_dict()["fallback"] is True
    with pytest.raises(MissingFactorError, match=r"no grid emission factor for 2026; known years 2014–2024"):
        grid_factor(2026, strict=True)
