"""WWTP CH4 and N2O (IPCC 2006 Vol.5 Ch.6 with the 2019 Refinement) against hand calculations."""

import pytest

from greenpark.errors import InputError
from greenpark.ghg.wastewater import WwtpActivity, activity_from, wastewater_emissions

# Bo 0.25 kg CH4/kg COD (IPCC 2006 §6.2.3.2); plant MCF of an INDUSTRIAL well-managed aerobic plant 0 (Table 6.8
# of the 2006 GL and of the 2019R; the 2019R domestic Table 6.3's 0.03 does not apply); effluent discharge MCF (2019R
# Table 6.3): rivers/sea 0.035, lakes 0.19, unknown 0.11; N2O EF plant 0.016 kg N2O-N/kg N (2019R, centralized
# aerobic); EF effluent 0.005 (2006 Table 6.11); 44/28; GWP AR5 CH4 28, N2O 265.
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
    # plant CH4 = (1,000,000 - 200,000) x 0.25 x 0 - 0 = 0 kg (industrial Table 6.8); effluent COD unknown -> no
    # effluent CH4 (noted)
    assert r.ch4_kg == 0 and r.ch4_plant_kg == 0 and r.ch4_effluent_kg == 0
    assert any("outlet COD unknown" in n for n in r.notes)
    # N2O plant = 100,000 x 0.016 x 44/28 = 2514.286 kg; effluent = 20,000 x 0.005 x 44/28 = 157.143 kg
    assert r.n2o_plant_kg == pytest.approx(2514.2857, rel=1e-6)
    assert r.n2o_effluent_kg == pytest.approx(157.14286, rel=1e-6)
    # (2514.286 + 157.143) x 265 / 1000 = 707.929 t
    assert r.tco2e == pytest.approx(707.9286, rel=1e-6)
    assert r.notes[0].startswith("method: 2019 Refinement to the IPCC 2006 GL (ipcc_2019r, the default)")


@pytest.mark.parametrize(
    ("receiving_water", "mcf_effluent"), [("river", 0.035), ("coastal_other", 0.035), ("lake", 0.19), (None, 0.11)]
)
def test_effluent_ch4_2019_refinement(receiving_water, mcf_effluent):
    act = WwtpActivity(
        "W1", "aerobic_well_managed", tow_kg_cod=1_000_000, effluent_cod_kg=40_000, receiving_water=receiving_water
    )
    r = wastewater_emissions(act)
    # effluent CH4 = 40,000 kg COD x 0.25 x MCF: river 350 kg, lake 1,900 kg, unknown 1,100 kg; plant CH4 0
    assert r.ch4_effluent_kg == pytest.approx(40_000 * 0.25 * mcf_effluent)
    assert r.ch4_kg == pytest.approx(r.ch4_effluent_kg)
    assert r.ch4_tco2e == pytest.approx(40_000 * 0.25 * mcf_effluent * 28 / 1000)  # river: 350 x 28 = 9.8 t


def test_overloaded_aerobic_plant_with_effluent():
    # plant: (500,000 - 100,000) x 0.25 x 0.3 = 30,000 kg; effluent to a river: 20,000 x 0.25 x 0.035 = 175 kg
    act = WwtpActivity("W1", "aerobic_overloaded", tow_kg_cod=500_000, sludge_cod_kg=100_000, effluent_cod_kg=20_000,
                       receiving_water="river")  # fmt: skip
    r = wastewater_emissions(act)
    assert (r.ch4_plant_kg, r.ch4_effluent_kg) == (pytest.approx(30_000), pytest.approx(175))
    assert r.ch4_tco2e == pytest.approx(30_175 * 28 / 1000)  # 844.9 t


def test_ipcc_2006_choice():
    r = wastewater_emissions(ACT.__class__(**{**ACT.__dict__, "effluent_cod_kg": 40_000}), method="ipcc_2006")
    # 2006: MCF well-managed aerobic = 0 -> no CH4; no effluent CH4 in the 2006 GL; no plant N2O default ->
    # effluent N2O only 157.143 kg x 265
    assert r.ch4_kg == 0 and r.ch4_effluent_kg == 0
    assert r.tco2e == pytest.approx(157.142857 * 265 / 1000, rel=1e-6)
    assert r.notes[0].startswith("method: IPCC 2006 GL (ipcc_2006, chosen)")
    assert any("no CH4 for treated effluent" in n for n in r.notes)


def test_anaerobic_reactor_with_recovery_and_no_influent_n():
    act = WwtpActivity("W2", "anaerobic_reactor", tow_kg_cod=100_000, ch4_recovered_kg=15_000, n_effluent_kg=1000)
    r = wastewater_emissions(act, gwp_set="AR6")
    # CH4 = 100,000 x 0.25 x 0.8 - 15,000 = 5,000 kg; AR6 non-fossil CH4 27.0 -> 135 t
    assert r.ch4_tco2e == pytest.approx(135.0)
    # effluent N2O = 1000 x 0.005 x 44/28 = 7.857 kg x 273 = 2.145 t; plant N2O skipped with a note
    assert r.n2o_tco2e == pytest.approx(7.857143 * 273 / 1000, rel=1e-6)
    assert any("influent nitrogen unknown" in n for n in r.notes)


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
