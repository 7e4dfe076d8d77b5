"""JCM-style MRV: reference, project emissions and reductions per monitoring period, factors fixed ex ante."""

import datetime as dt

import pandas as pd
import pytest

from greenpark.errors import InputError, MissingFactorError
from greenpark.ghg.mrv import fix_factors, monitoring_report

FIXED = dt.date(2025, 1, 15)


def periods(*quantities: float) -> pd.DataFrame:
    return pd.DataFrame(
        {"period": [f"2025-P{i + 1}" for i in range(len(quantities))], "monitored_quantity": list(quantities)}
    )


def test_pv_output_vn_am007():
    # JCM VN_AM007: RE = EG x EF_grid, PE = 0; EF fixed ex ante = DCC 2023 0.6592 tCO2/MWh
    fs = fix_factors("PV-T05", "pv_output", FIXED, grid_year=2023)
    rep = monitoring_report(fs, periods(500_000, 400_000))
    # 500 MWh x 0.6592 = 329.6 t; 400 MWh x 0.6592 = 263.68 t; total 593.28 t
    assert [p.reduction_tco2e for p in rep.periods] == pytest.approx([329.6, 263.68])
    assert rep.reduction_tco2e == pytest.approx(593.28) and rep.project_tco2e == 0
    table = rep.to_frame()
    assert table.iloc[-1]["period"] == "total" and table.iloc[-1]["reduction_tco2e"] == pytest.approx(593.28)
    # ex ante: a year without a published factor is refused by default (strict)
    with pytest.raises(MissingFactorError):
        fix_factors("PV-T05", "pv_output", FIXED, grid_year=2030)


def test_electricity_saved():
    # verified saving 120,000 kWh x 0.6811 tCO2/MWh (2024 study value, flagged) = 81.732 t
    fs = fix_factors("VSD-T18", "electricity_saved", FIXED, grid_year=2024)
    assert "study" in fs.factors[0].flags
    assert monitoring_report(fs, periods(120_000)).reduction_tco2e == pytest.approx(81.732)


def test_fuel_switch_coal_to_biomass():
    # project burns 1 t wood: 0.0156 TJ (IPCC NCV 15.6 TJ/Gg); useful heat at eta_to 0.75 replaces coal burnt at
    # eta_from 0.80 -> 0.0156 x 0.75 / 0.80 = 0.014625 TJ of bituminous coal.
    # coal EF per TJ (AR5) = 94,600 + 10 x 28 + 1.5 x 265 = 95,277.5 kg -> RE = 1393.434 kg per t of wood
    # PE per t of wood = CH4 0.468 kg x 28 + N2O 0.0624 kg x 265 = 29.64 kg (biogenic CO2 not counted)
    fs = fix_factors(
        "BIO-T37",
        "fuel_switch",
        FIXED,
        fuel_from="coal_bituminous",
        fuel_to="biomass_wood",
        fuel_unit="t",
        efficiency_from=0.80,
        efficiency_to=0.75,
    )
    rep = monitoring_report(fs, periods(100, 50))
    assert rep.reference_tco2e == pytest.approx(150 * 1.3934334, rel=1e-6)
    assert rep.project_tco2e == pytest.approx(150 * 0.02964, rel=1e-6)
    assert rep.reduction_tco2e == pytest.approx(150 * (1.3934334 - 0.02964), rel=1e-6)


def test_methane_captured():
    # 10,000 kg CH4 to an enclosed flare (CDM TOOL06 default eta 0.90): RE = 10,000 x 28 = 280 t;
    # PE = 10,000 x 0.10 x 28 = 28 t; ER = 252 t
    fs = fix_factors("FLARE-WWTP", "methane_captured", FIXED)
    rep = monitoring_report(fs, periods(10_000))
    assert (rep.reference_tco2e, rep.project_tco2e, rep.reduction_tco2e) == pytest.approx((280, 28, 252))


def test_factor_set_is_frozen_and_inputs_checked():
    fs = fix_factors("PV-T05", "pv_output", FIXED, grid_year=2023)
    tampered = fs.model_copy(update={"reference_t_per_unit": 0.9e-3})
    with pytest.raises(InputError, match="changed after it was fixed ex ante"):
        monitoring_report(tampered, periods(1))
    with pytest.raises(InputError, match="bad period"):
        monitoring_report(fs, periods(-1))
    with pytest.raises(InputError, match="unknown measure type 'tree_planting'"):
        fix_factors("X", "tree_planting", FIXED)
    with pytest.raises(InputError, match="efficiency_from must be in"):
        fix_factors("X", "fuel_switch", FIXED, fuel_from="diesel", fuel_to="lpg", fuel_unit="kg", efficiency_from=0)
