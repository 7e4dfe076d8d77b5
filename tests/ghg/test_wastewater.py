"""WWTP CH4 and N2O (IPCC 2006 Vol.5 Ch.6 with the 2019 Refinement) against hand calculations."""

import pytest

from greenpark.errors import InputError
from greenpark.ghg.wastewater import WwtpActivity, activity_from, wastewater_emissions

# Bo 0.25 kg CH4/kg COD (IPCC 2006 §6.2.3.2); MCF centralized aerobic 0.03 (2019R Table 6.3), 0 (2006 Table 6.8);
# N2O EF plant 0.016 kg N2O-N/kg N (2019R, centralized aerobic); EF effluent 0.005 (2006 Table 6.11); 44/28.
ACT = WwtpActivity(
    "W1",
    "aerobic_well_managed",
    tow_kg_cod=1_000_000,
    sludge_cod_kg=200_000,
    n_effluent_kg=20_000,
    n_influent_kg=100_000,
)


def test_aerobic_plant_2019_refinement():
    r = wastewater_emissions(ACT)
    # CH4 = (1,000,000 - 200,000) x 0.25 x 0.03 - 0 = 6,000 kg; x 28 (AR5) = 168 t CO2e
    assert r.ch4_kg == pytest.approx(6000)
    assert r.ch4_tco2e == pytest.approx(168.0)
    # N2O plant = 100,000 x 0.016 x 44/28 = 2514.286 kg; effluent = 20,000 x 0.005 x 44/28 = 157.143 kg
    assert r.n2o_plant_kg == pytest.approx(2514.2857, rel=1e-6)
    assert r.n2o_effluent_kg == pytest.approx(157.14286, rel=1e-6)
    # (2514.286 + 157.143) x 265 / 1000 = 707.929 t; total 875.929 t
    assert r.tco2e == pytest.approx(875.9286, rel=1e-6)


def test_ipcc_2006_choice():
    r = wastewater_emissions(ACT, method="ipcc_2006")
    # 2006: MCF well-managed aerobic = 0 -> no CH4; no plant N2O default -> effluent only 157.143 kg x 265
    assert r.ch4_kg == 0
    assert r.tco2e == pytest.approx(157.142857 * 265 / 1000, rel=1e-6)


def test_anaerobic_reactor_with_recovery_and_no_influent_n():
    act = WwtpActivity("W2", "anaerobic_reactor", tow_kg_cod=100_000, ch4_recovered_kg=15_000, n_effluent_kg=1000)
    r = wastewater_emissions(act, gwp_set="AR6")
    # CH4 = 100,000 x 0.25 x 0.8 - 15,000 = 5,000 kg; AR6 non-fossil CH4 27.0 -> 135 t
    assert r.ch4_tco2e == pytest.approx(135.0)
    # effluent N2O = 1000 x 0.005 x 44/28 = 7.857 kg x 273 = 2.145 t; plant N2O skipped with a note
    assert r.n2o_tco2e == pytest.approx(7.857143 * 273 / 1000, rel=1e-6)
    assert "influent nitrogen unknown" in r.notes[0]


def test_bad_wwtp_inputs():
    with pytest.raises(InputError, match="unknown WWTP treatment 'pond'"):
        wastewater_emissions(WwtpActivity("W", "pond", 1.0))
    with pytest.raises(InputError, match="negative activity"):
        wastewater_emissions(WwtpActivity("W", "aerobic_well_managed", -1.0))
    with pytest.raises(InputError, match="sludge COD 2 kg exceeds influent TOW 1 kg"):
        wastewater_emissions(WwtpActivity("W", "aerobic_well_managed", 1, sludge_cod_kg=2))


def test_activity_from_another_engines_record():
    rec = {"wwtp_id": "W1", "treatment": "aerobic_well_managed", "tow_kg_cod_per_yr": 10.0, "effluent_n_kg": 2.0}
    a = activity_from(rec)
    assert a.tow_kg_cod == 10.0 and a.n_effluent_kg == 2.0 and a.n_influent_kg is None
    with pytest.raises(InputError, match="lacks"):
        activity_from({"wwtp_id": "W1"})
