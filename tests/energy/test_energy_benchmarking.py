"""Benchmarking: intensities, ranks and the Tukey outlier rule by hand."""

import pandas as pd

from greenpark.energy.benchmarking import benchmark


def test_rank_and_outlier():
    # Five textile tenants, 1,000 m2 each: kWh/m2 = 100, 110, 120, 130, 400.
    # Q1 = 110, Q3 = 130 (linear quantiles), IQR = 20, upper fence = 130 + 1.5 x 20 = 160 -> 400 is "high".
    # One food tenant alone: ranked 1 of 1, never judged an outlier (sector < 4).
    df = pd.DataFrame(
        {
            "tenant_id": ["A", "B", "C", "D", "E", "F"],
            "sector": ["textile"] * 5 + ["food"],
            "energy_kwh": [100e3, 110e3, 120e3, 130e3, 400e3, 999e3],
            "floor_area_m2": [1000.0] * 6,
            "production": [50.0, 0.0, 60.0, 65.0, 100.0, 10.0],
            "production_unit": ["t"] * 6,
        }
    )
    r = {x.tenant_id: x for x in benchmark(df)}
    assert r["E"].outlier == "high" and r["E"].rank_in_sector == 5
    assert all(r[t].outlier is None for t in "ABCDF")
    assert r["A"].rank_in_sector == 1 and r["A"].kwh_per_unit == 2000.0  # 100,000 / 50
    assert r["B"].kwh_per_unit is None  # no production
    assert r["F"].sector_size == 1 and r["F"].rank_in_sector == 1
    assert r["C"].sector_median_kwh_per_m2 == 120.0
