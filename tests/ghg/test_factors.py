"""GWP sets and the grid factor by data year, with the fallback rule."""

import datetime as dt

import pytest

from greenpark.errors import InputError, MissingFactorError
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
    # 2024 = 0.6811 from the HUST/MAE study (Apr 2025), not a DCC letter
    g = grid_factor(2024)
    assert g.tco2_per_mwh == 0.6811 and g.status == "study"


def test_grid_factor_fallback_and_strict():
    g = grid_factor(2026)
    assert g.fallback and g.year_used == 2024 and g.as_dict()["fallback"] is True
    with pytest.raises(MissingFactorError, match=r"no grid emission factor for 2026; known years 2014–2024"):
        grid_factor(2026, strict=True)


def test_decree06_inventory_uses_the_latest_announced_factor():
    from greenpark.ghg.grid import grid_factor_for

    # data year 2024: the 2024 row is a study value (HUST/MAE 0.6811), not announced by the DCC; a Decree 06
    # submission takes the latest ANNOUNCED factor: 2023 = 0.6592 tCO2/MWh (DCC, climatechange.vn table)
    g = grid_factor_for(2024, purpose="decree06")
    assert (g.year_used, g.tco2_per_mwh, g.status, g.rule) == (2023, 0.6592, "announced", "latest_announced")
    assert "data year 2023" in g.note and "2024 study 0.6811" in g.note
    assert g.as_dict()["rule"] == "latest_announced"
    # an analysis inventory keeps the data year's value (flagged study)
    d = grid_factor_for(2024)
    assert (d.year_used, d.tco2_per_mwh, d.rule) == (2024, 0.6811, "data_year")
    # data year 2022 for submission: 2022's own announced factor 0.6766
    assert grid_factor_for(2022, purpose="decree06").tco2_per_mwh == 0.6766
    with pytest.raises(InputError, match="unknown grid-factor purpose 'audit'.*decree06"):
        grid_factor_for(2024, purpose="audit")


def test_decree06_announcement_date_limits_what_was_known(tmp_path):
    from greenpark.ghg.grid import grid_factor_for

    # a user row: 2023 announced on 2025-06-01; a submission on 2025-03-31 could only use 2022 (0.6766)
    (tmp_path / "ghg").mkdir()
    (tmp_path / "ghg" / "grid_factors.csv").write_text(
        "year,value,unit,status,announced_on,source,edition,valid_from,valid_to,confidence\n"
        "2023,0.6592,tCO2/MWh,announced,2025-06-01,test,test,,,V\n"
    )
    early = grid_factor_for(2024, "decree06", submission_date=dt.date(2025, 3, 31), extra_dirs=[tmp_path])
    assert (early.year_used, early.tco2_per_mwh) == (2022, 0.6766)
    late = grid_factor_for(2024, "decree06", submission_date=dt.date(2025, 7, 1), extra_dirs=[tmp_path])
    assert late.year_used == 2023
