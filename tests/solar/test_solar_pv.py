"""Roof PV model: against pvlib's ModelChain, the published yield range, and bad roofs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib
import pytest
from solarkit import LAT, LON

from greenpark.errors import InputError
from greenpark.solar.params import pv_system_params
from greenpark.solar.pv import inverter_pdc0_per_kwp, roof_kwp, roof_potential


def _roofs(**cols):
    base = dict(roof_id=["R1"], tenant_id=["T1"], area_m2=[1000.0], tilt_deg=[10.0], azimuth_deg=[180.0],
                usable_fraction=[0.8])  # fmt: skip
    base.update(cols)
    return pd.DataFrame(base)


def test_kwp_from_area():
    # 1,000 m2 x 0.8 usable x 0.20 kWp/m2 (solar/pv_system module_power_density) = 160 kWp
    assert roof_kwp(np.array([1000.0]), np.array([0.8]), 0.20)[0] == pytest.approx(160.0)


@pytest.mark.parametrize(("tilt", "azimuth"), [(10.0, 180.0), (5.0, 90.0), (15.0, 270.0), (0.0, 180.0)])
def test_roof_matches_pvlib_modelchain(weather, tilt, azimuth):
    """The vectorised model equals ModelChain with the same models, to 0.5 % per year and per hour."""
    p = pv_system_params()
    res = roof_potential(_roofs(tilt_deg=[tilt], azimuth_deg=[azimuth]), weather, LAT, LON, p)
    kwp = res.roofs[0].kwp
    location = pvlib.location.Location(LAT, LON, tz="Asia/Ho_Chi_Minh", altitude=0)
    system = pvlib.pvsystem.PVSystem(
        surface_tilt=tilt, surface_azimuth=azimuth, albedo=p.albedo,
        module_parameters={"pdc0": kwp * 1000, "gamma_pdc": p.gamma_pdc},
        inverter_parameters={"pdc0": kwp * 1000 * inverter_pdc0_per_kwp(p), "eta_inv_nom": p.inverter_eta_nom},
        temperature_model_parameters={"a": p.temp_model_a, "b": p.temp_model_b, "deltaT": p.temp_model_deltaT},
        losses_parameters=p.losses_kwargs(),
    )  # fmt: skip
    mc = pvlib.modelchain.ModelChain(
        system, location, transposition_model="haydavies", aoi_model="physical", spectral_model="no_loss",
        temperature_model="sapm", dc_model="pvwatts", ac_model="pvwatts", losses_model="pvwatts",
    )  # fmt: skip
    wx = weather.data.copy()
    wx.index = weather.solar_times()  # the engine takes the sun at mid-hour; give ModelChain the same times
    mc.run_model(wx)
    ac_kw = mc.results.ac.clip(lower=0).to_numpy() / 1000
    ours = res.hourly_kw(0)
    assert ours.sum() == pytest.approx(ac_kw.sum(), rel=0.005)
    assert np.max(np.abs(ours - ac_kw)) <= 0.005 * kwp


def test_default_yield_in_published_range(weather):
    # South Vietnam rooftop: 1,350-1,450 kWh/kWp/yr (World Bank study cited by EVN; vietnam-facts.md s7).
    # Near-flat metal roofs facing south, east and west, as in an industrial park.
    roofs = _roofs(roof_id=["S", "E", "W", "F"], tenant_id=["T1"] * 4, area_m2=[1000.0] * 4,
                   tilt_deg=[10.0, 5.0, 5.0, 3.0], azimuth_deg=[180.0, 90.0, 270.0, 180.0],
                   usable_fraction=[0.8] * 4)  # fmt: skip
    res = roof_potential(roofs, weather, LAT, LON, pv_system_params())
    for r in res.roofs:
        assert 1350 <= r.specific_yield_kwh_per_kwp <= 1450, r
        assert r.capacity_factor == pytest.approx(r.specific_yield_kwh_per_kwp / 8760)
    # the estimated year's GHI is the monthly reference total: sum of 12 x days x kWh/m2/day = 1,910 (facts s7)
    assert weather.data["ghi"].sum() / 1000 == pytest.approx(1911.7, abs=1.0)
    assert weather.estimate and "bankable_data_source" in weather.assumption()


def test_roofs_sharing_an_orientation_share_a_profile(weather):
    roofs = _roofs(roof_id=["A", "B"], tenant_id=["T1", "T2"], area_m2=[1000.0, 500.0], tilt_deg=[10.0, 10.0],
                   azimuth_deg=[180.0, 180.0], usable_fraction=[0.8, 0.8])  # fmt: skip
    res = roof_potential(roofs, weather, LAT, LON, pv_system_params())
    assert res.profiles.shape == (8760, 1)
    assert res.roofs[0].annual_kwh == pytest.approx(2 * res.roofs[1].annual_kwh)


@pytest.mark.parametrize(
    ("cols", "match"),
    [
        ({"area_m2": [0.0]}, r"area_m2 must be > 0 m2; bad roof\(s\): R1=0.0"),
        ({"area_m2": [-50.0]}, r"area_m2 must be > 0 m2; bad roof\(s\): R1=-50.0"),
        ({"tilt_deg": [95.0]}, r"tilt_deg must be within 0-90 deg .*R1=95.0"),
        ({"tilt_deg": [-1.0]}, r"tilt_deg must be within 0-90 deg .*R1=-1.0"),
        ({"azimuth_deg": [400.0]}, r"azimuth_deg must be within 0-360"),
        ({"usable_fraction": [1.5]}, r"usable_fraction must be in \(0, 1\]"),
    ],
)
def test_bad_roofs_are_refused_by_name(weather, cols, match):
    with pytest.raises(InputError, match=match):
        roof_potential(_roofs(**cols), weather, LAT, LON, pv_system_params())
