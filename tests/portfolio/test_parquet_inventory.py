"""Many parks' inventories from one Parquet dataset: in one process and as Dask tasks, equal, and right by hand.

Two tiny parks exported from a DuckDB store with ``greenpark.store.parquet.export_readings`` into one dataset; the
two ways of ``greenpark.portfolio.parquet_inventory`` (the 1-billion-readings benchmark's (a) and (b)) must give
the same inventories field for field, and tenant t1's Scope 2 must be its kWh times the 2024 grid factor.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from distributed import Client, LocalCluster

from greenpark.model import Meter, Park, ParkData, Tenant
from greenpark.portfolio.parquet_inventory import inventories_in_process, inventories_on_cluster
from greenpark.store.duckdb import DuckDBStore
from greenpark.store.parquet import export_readings

REPO = Path(__file__).resolve().parents[2]
# reference/data/ghg/grid_factors.csv, year 2024: 0.6811 tCO2/MWh (HUST/MAE study, Apr 2025; status "study")
GRID_2024_TCO2_PER_KWH = 0.6811 / 1000


def _park(park_id: str) -> ParkData:
    """Tenants t1 (import e1, PV pv1) and t2 (import e2); the park common's import c1."""
    tenants = [
        Tenant(tenant_id=t, name=t, sector="electronics", floor_area_m2=1000, employees=10, voltage_level="<6kV")
        for t in ("t1", "t2")
    ]
    meters = [
        Meter(meter_id="e1", tenant_id="t1", kind="electricity_import", unit="kWh"),
        Meter(meter_id="pv1", tenant_id="t1", kind="pv_generation", unit="kWh"),
        Meter(meter_id="e2", tenant_id="t2", kind="electricity_import", unit="kWh"),
        Meter(meter_id="c1", kind="electricity_import", unit="kWh"),
    ]
    park = Park(park_id=park_id, name=park_id, latitude=10.8, longitude=106.9, area_ha=100)
    return ParkData(park=park, tenants=tenants, meters=meters)


def _readings(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "meter_id": [r[0] for r in rows],
            "ts": pd.to_datetime([r[1] for r in rows], utc=True),
            "value": [r[2] for r in rows],
        }
    )


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ParkData]]:
    """Parks pa and pb in one Parquet dataset, exported from their store.

    pa: e1 1,000 kWh in local January and 500 kWh at 2024-01-31T17:00Z (1 February 00:00 local), 9,999 kWh at
    2023-12-31T16:00Z (23:00 on 31 December 2023 local: another year); pv1 50 kWh; e2 200 kWh; c1 100 kWh.
    pb: e1 800 kWh.
    """
    tmp = tmp_path_factory.mktemp("parquet-inventory")
    store = DuckDBStore(tmp / "store.duckdb")
    parks = [_park("pa"), _park("pb")]
    for data in parks:
        store.save_park(data)
    store.write_readings(
        "pa",
        _readings(
            [
                ("e1", "2024-01-10T00:00Z", 1000.0),
                ("e1", "2024-01-31T17:00Z", 500.0),
                ("e1", "2023-12-31T16:00Z", 9999.0),
                ("pv1", "2024-01-10T05:00Z", 50.0),
                ("e2", "2024-03-01T00:00Z", 200.0),
                ("c1", "2024-06-01T00:00Z", 100.0),
            ]
        ),
    )
    store.write_readings("pb", _readings([("e1", "2024-07-01T00:00Z", 800.0)]))
    root = tmp / "readings"
    for data in parks:
        export_readings(store, data.park.park_id, root)
    store.close()
    return root, parks


def test_in_process_inventory_is_the_grid_factor_times_the_kwh(dataset):
    root, parks = dataset
    results = inventories_in_process(root, parks, 2024)
    pa = results["pa"]
    t1 = next(t for t in pa.tenants if t.tenant_id == "t1")
    # t1: 1,000 + 500 kWh in 2024 local (the 9,999 kWh fell in 2023 local) = 1,500 kWh
    assert t1.grid_import_kwh == 1500.0
    # 1,500 kWh x 0.6811 tCO2/MWh / 1,000 = 1.02165 tCO2e
    assert t1.scope2_location_tco2e == pytest.approx(1500 * GRID_2024_TCO2_PER_KWH, rel=1e-12)
    assert t1.scope2_location_tco2e == pytest.approx(1.02165, rel=1e-12)
    assert t1.pv_self_consumed_kwh == 50.0  # no export meter: all 50 kWh of PV consumed on site
    # park pa: (1,500 + 200 + 100) kWh x 0.6811 / 1,000 = 1.22598 tCO2e, all of it Scope 2 (no fuel, no waste)
    assert pa.grid_import_kwh == 1800.0
    assert pa.total_tco2e == pytest.approx(1.22598, rel=1e-12)
    # park pb: 800 kWh x 0.6811 / 1,000 = 0.54488 tCO2e
    assert results["pb"].total_tco2e == pytest.approx(0.54488, rel=1e-12)


@pytest.mark.slow
def test_dask_tasks_give_the_same_inventories_field_for_field(dataset):
    root, parks = dataset
    reference = inventories_in_process(root, parks, 2024)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        on_cluster = inventories_on_cluster(client, root, parks, 2024)
    assert list(on_cluster) == ["pa", "pb"]
    assert on_cluster == reference


@pytest.mark.slow
def test_the_benchmark_runs_both_ways_at_tiny_size(tmp_path):
    """benchmarks/bench_parquet_billion.py at 2 parks x 10 meters: 2 x 10 x 35,136 intervals of 2024 (366 days x
    96), both ways identical."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cmd = [sys.executable, str(REPO / "benchmarks/bench_parquet_billion.py"), "--parks", "2", "--meters", "10"]
    out = subprocess.run([*cmd, "--data", str(tmp_path / "data")], env=env, capture_output=True, text=True, check=True)
    assert "dataset: 702,720 readings" in out.stdout
    assert "identical: 2/2 parks' inventories equal field for field" in out.stdout
