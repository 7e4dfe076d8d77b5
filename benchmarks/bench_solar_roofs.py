"""Benchmark: PV output of 200 roofs x 8,760 hours, vectorised vs a loop of pvlib ModelChain objects.

Both use the same models (Hay-Davies, physical IAM, SAPM close-mount cell temperature, PVWatts DC,
losses and inverter) on the same estimated weather year and the same mid-hour times. Prints the time of
the vectorised computation (best of 5), the time of the ModelChain loop, the speed-up, and the worst
deviation per roof (annual kWh and largest hourly difference as a share of kWp), all measured in this run.

Targets (issue 4): vectorised <= 0.3 s; every roof within 0.5 % of ModelChain.

Run: ``.venv/bin/python benchmarks/bench_solar_roofs.py [--roofs 200]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import pvlib

from greenpark.solar.climate import typical_year
from greenpark.solar.params import pv_system_params
from greenpark.solar.pv import inverter_pdc0_per_kwp, roof_potential

LAT, LON, ZONE = 10.80, 106.95, "Asia/Ho_Chi_Minh"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--roofs", type=int, default=200)
    args = ap.parse_args()
    p = pv_system_params()
    weather = typical_year(LAT, LON, 2025, ZONE, p.wind_speed_default)
    rng = np.random.default_rng(4)
    n = args.roofs
    roofs = pd.DataFrame(
        {
            "roof_id": [f"R{i:03d}" for i in range(n)],
            "tenant_id": [f"T{i % 48:02d}" for i in range(n)],
            "area_m2": rng.uniform(500, 20000, n).round(0),
            "tilt_deg": rng.uniform(0, 30, n).round(2),  # every roof its own orientation: no sharing
            "azimuth_deg": rng.uniform(0, 360, n).round(2),
            "usable_fraction": rng.uniform(0.6, 0.85, n).round(2),
        }
    )
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        res = roof_potential(roofs, weather, LAT, LON, p)
        times.append(time.perf_counter() - t0)
    t_vec = min(times)

    location = pvlib.location.Location(LAT, LON, tz=ZONE, altitude=0)
    wx = weather.data.copy()
    wx.index = weather.solar_times()
    t0 = time.perf_counter()
    worst_annual, worst_hourly = 0.0, 0.0
    for i, roof in enumerate(res.roofs):
        system = pvlib.pvsystem.PVSystem(
            surface_tilt=roof.tilt_deg, surface_azimuth=roof.azimuth_deg, albedo=p.albedo,
            module_parameters={"pdc0": roof.kwp * 1000, "gamma_pdc": p.gamma_pdc},
            inverter_parameters={"pdc0": roof.kwp * 1000 * inverter_pdc0_per_kwp(p), "eta_inv_nom": p.inverter_eta_nom},
            temperature_model_parameters={"a": p.temp_model_a, "b": p.temp_model_b, "deltaT": p.temp_model_deltaT},
            losses_parameters=p.losses_kwargs(),
        )  # fmt: skip
        mc = pvlib.modelchain.ModelChain(
            system, location, transposition_model="haydavies", aoi_model="physical", spectral_model="no_loss",
            temperature_model="sapm", dc_model="pvwatts", ac_model="pvwatts", losses_model="pvwatts",
        )  # fmt: skip
        mc.run_model(wx)
        ref = mc.results.ac.clip(lower=0).to_numpy() / 1000
        ours = res.hourly_kw(i)
        worst_annual = max(worst_annual, abs(ours.sum() / ref.sum() - 1))
        worst_hourly = max(worst_hourly, float(np.max(np.abs(ours - ref))) / roof.kwp)
    t_mc = time.perf_counter() - t0
    ys = [r.specific_yield_kwh_per_kwp for r in res.roofs]
    print(f"roofs x hours            : {n} x {len(weather.data)}")
    print(f"vectorised (best of 5)   : {t_vec:.3f} s   target <= 0.300 s  -> {'OK' if t_vec <= 0.3 else 'MISSED'}")
    print(f"ModelChain loop          : {t_mc:.2f} s")
    print(f"speed-up                 : {t_mc / t_vec:.0f}x")
    print(f"worst annual deviation   : {worst_annual:.2e} (share)   target <= 0.005 -> "
          f"{'OK' if worst_annual <= 0.005 else 'MISSED'}")  # fmt: skip
    print(f"worst hourly deviation   : {worst_hourly:.2e} of kWp")
    print(f"specific yield range     : {min(ys):,.0f} - {max(ys):,.0f} kWh/kWp/yr (tilt 0-30 deg, any azimuth)")


if __name__ == "__main__":
    main()
