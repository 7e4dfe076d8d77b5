"""Scope 2: location-based by data year, market-based with PV and contractual instruments."""

import pandas as pd
import pytest
from ghgkit import consumption_rows

from greenpark.errors import InputError, MissingFactorError
from greenpark.ghg.electricity import PARK_COMMON, scope2_emissions

# DCC grid factors (vietnam-facts §1.1): 2022 0.6766, 2023 0.6592 tCO2/MWh; 2024 0.6811 (HUST/MAE study)


@pytest.mark.parametrize(("year", "factor"), [(2022, 0.6766), (2023, 0.6592), (2024, 0.6811)])
def test_location_based_by_year(year, factor):
    c = consumption_rows([("A", "electricity_import", f"{year}-05", 100_000.0)])
    out, factors, _ = scope2_emissions(c, year)
    # 100 MWh x factor tCO2/MWh
    assert out["scope2_location_tco2e"].sum() == pytest.approx(100 * factor)
    assert factors[0].name == "grid_electricity_vn" and factors[0].value == factor


def test_fallback_year_is_flagged_and_strict_fails():
    c = consumption_rows([("A", "electricity_import", "2026-01", 100_000.0)])
    out, factors, notes = scope2_emissions(c, 2026)
    # no 2026 factor: the latest published year (2024, 0.6811) -> 68.11 t, flagged
    assert out["scope2_location_tco2e"].sum() == pytest.approx(68.11)
    assert "fallback" in factors[0].flags and "the 2024 factor" in notes[0]
    with pytest.raises(MissingFactorError, match="no grid emission factor for 2026; known years 2014–2024"):
        scope2_emissions(c, 2026, strict=True)


def test_market_based_with_pv_and_ppa():
    c = consumption_rows(
        [
            ("A", "electricity_import", "2023-01", 100_000.0),
            ("A", "pv_generation", "2023-01", 20_000.0),
            ("A", "electricity_export", "2023-01", 5_000.0),
            (None, "electricity_import", "2023-01", 10_000.0),
        ]
    )
    ren = pd.DataFrame(
        [{"tenant_id": "A", "period": "2023-01", "instrument": "ppa", "energy_kwh": 30_000.0, "source": "DPPA-001"}]
    )
    out, factors, _ = scope2_emissions(c, 2023, renewables=ren)
    a = out.set_index("tenant_id").loc["A"]
    # PV self-consumed = 20,000 - 5,000 = 15,000 kWh (no Scope 2 under either method; memo)
    assert a["pv_self_consumed_kwh"] == 15_000
    # location: 100 MWh x 0.6592 = 65.92 t; market: (100,000 - 30,000) kWh x 0.6592 t/MWh = 46.144 t
    assert a["scope2_location_tco2e"] == pytest.approx(65.92)
    assert a["scope2_market_tco2e"] == pytest.approx(46.144)
    # park common: 10 MWh x 0.6592 = 6.592 t under both methods (no instrument)
    assert out.set_index("tenant_id").loc[PARK_COMMON, "scope2_market_tco2e"] == pytest.approx(6.592)
    assert "residual_mix_not_published" in factors[1].flags


def test_no_mwh_claimed_twice():
    c = consumption_rows([("A", "electricity_import", "2023-01", 100_000.0)])
    over = pd.DataFrame(
        [
            {
                "tenant_id": "A",
                "period": "2023-01",
                "instrument": "certificate",
                "energy_kwh": 150_000.0,
                "source": "IREC-1",
            }
        ]
    )
    out, _, notes = scope2_emissions(c, 2023, renewables=over)
    # claims capped at the 100,000 kWh imported: market-based 0, the 50,000 kWh excess dropped and reported
    assert out["contractual_kwh"].sum() == 100_000 and out["scope2_market_tco2e"].sum() == 0
    assert any("50,000 kWh" in n for n in notes)
    twice = pd.concat([over, over])
    with pytest.raises(InputError, match=r"\['IREC-1'\] appear more than once"):
        scope2_emissions(c, 2023, renewables=twice)
    pv = over.assign(instrument="onsite_pv", source="x")
    with pytest.raises(InputError, match="unknown instrument"):
        scope2_emissions(c, 2023, renewables=pv)


def test_decree06_submission_uses_the_latest_announced_factor():
    """A Decree 06 submission for data year 2024 cannot use the 2024 study value (0.6811, HUST/MAE, not announced):
    the latest factor the DCC announced is data year 2023's, 0.6592 tCO2/MWh (grid_factors.csv, vietnam-facts §1.1;
    rule decree06 = latest_announced in ghg/grid_factor_rules.csv)."""
    c = consumption_rows([("A", "electricity_import", "2024-05", 100_000.0)])
    analysis, _, notes_a = scope2_emissions(c, 2024)
    submission, used_s, notes_s = scope2_emissions(c, 2024, grid_purpose="decree06")
    # 100 MWh x 0.6811 = 68.11 t (analysis, the data year's study value) vs 100 MWh x 0.6592 = 65.92 t (submission)
    assert analysis["scope2_location_tco2e"].sum() == pytest.approx(68.11)
    assert submission["scope2_location_tco2e"].sum() == pytest.approx(65.92)
    assert used_s[0].value == 0.6592 and "study" not in used_s[0].flags
    assert "latest factor announced by the DCC = data year 2023" in notes_s[0]
    assert "2024 study 0.6811" in notes_s[0]  # the skipped row is named
    assert not any("Decree 06" in n for n in notes_a)


def test_renewable_share_has_one_denominator_the_electricity_consumed():
    from greenpark.ghg.electricity import electricity_consumed_kwh, renewable_share

    # Example park 2024 figures (assessment.json): grid 67,011,182 kWh, on-site PV used 4,326,395 kWh, PPA and
    # certificates 1,080,495 kWh. Consumed = 67,011,182 + 4,326,395 = 71,337,577 kWh;
    # now (4,326,395 + 1,080,495) / 71,337,577 = 0.075793; with 20,000,000 kWh of proposed PV used on site it
    # displaces grid import: (5,406,890 + 20,000,000) / 71,337,577 = 0.356150 (same denominator).
    assert electricity_consumed_kwh(67_011_182, 4_326_395) == 71_337_577
    assert renewable_share(67_011_182, 4_326_395, 1_080_495) == pytest.approx(0.075793, abs=1e-6)
    assert renewable_share(67_011_182, 4_326_395, 1_080_495, 20_000_000) == pytest.approx(0.356150, abs=1e-6)
    assert renewable_share(0.0, 0.0, 0.0) == 0.0
