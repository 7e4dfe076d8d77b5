"""The energy engine on an empty or partial year: measured load statistics, benchmarks only on a full year.

Full-year rule (reference/data/coverage/full_year.csv): estimate = measured / coverage from coverage 0.25 on.
"""

import pandas as pd
import pytest

from greenpark.energy import benchmark, full_year_energy, load_analytics
from greenpark.errors import NoDataError

ZONE = "Asia/Ho_Chi_Minh"


def coverage(rows):
    start = pd.Timestamp("2024-01-01", tz=ZONE)
    return pd.DataFrame(
        [{"tenant_id": t, "kind": "electricity_import", "period_start": start, "expected_intervals": e,
          "valid_intervals": v, "coverage": v / e, "longest_gap_h": 0.0} for t, v, e in rows]
    )  # fmt: skip


def test_one_week_gives_measured_load_statistics():
    # one week of 2024 at 100 kWh every hour: 168 x 100 = 16,800 kWh, 100 kW flat, load factor 1
    ts = pd.date_range(pd.Timestamp("2024-03-04", tz=ZONE), periods=168, freq="1h")
    r = load_analytics(pd.DataFrame({"tenant_id": "T1", "ts": ts, "kwh": 100.0}), ZONE)
    (t1,) = r.tenants
    assert t1.total_kwh == pytest.approx(16_800.0) and t1.peak_kw == 100.0 and t1.load_factor == 1.0
    assert t1.monthly_kwh == {"2024-03": pytest.approx(16_800.0)}


def test_one_week_is_not_benchmarked_and_a_half_year_is_benchmarked_on_its_estimate():
    tenants = pd.DataFrame(
        {
            "tenant_id": ["T1", "T2"],
            "sector": ["food_beverage", "food_beverage"],
            "energy_kwh": [16_800.0, 500_000.0],
            "floor_area_m2": [1_000.0, 2_000.0],
        }
    )
    # T1: 672 of 35,136 quarter-hours of 2024 (1.9 %) -> no estimate; T2: 17,568 of 35,136 (0.5)
    year, notes = full_year_energy(tenants, coverage([("T1", 672, 35_136), ("T2", 17_568, 35_136)]))
    assert list(year["tenant_id"]) == ["T2"]
    assert notes[0].startswith("T1: not benchmarked: measured 16,800.0 kWh over 1.9% of the year")
    (b,) = benchmark(year)
    # T2: 500,000 / 0.5 = 1,000,000 kWh a year over 2,000 m2 = 500 kWh/m2
    assert b.energy_kwh == pytest.approx(1_000_000.0) and b.kwh_per_m2 == pytest.approx(500.0)
    assert b.energy_kwh_measured == 500_000.0 and b.coverage == 0.5


def test_without_coverage_no_yearly_benchmark_is_claimed():
    tenants = pd.DataFrame({"tenant_id": ["T1"], "sector": ["other"], "energy_kwh": [10.0], "floor_area_m2": [1.0]})
    year, notes = full_year_energy(tenants, None)
    assert year.empty and notes[0].startswith("coverage not given")
    assert benchmark(year) == []


def test_no_readings_is_a_no_data_error():
    with pytest.raises(NoDataError, match="import readings for the year first"):
        load_analytics(pd.DataFrame(columns=["tenant_id", "ts", "kwh"]), ZONE)
