"""Benchmark: import a year of 15-minute readings for N meters into the DuckDB store.

Generates a park folder in a temp dir (park.toml, tenants.csv, meters.csv and a
readings.csv of N meters x 35,136 intervals of 2024, naive park-local timestamps), then:

1. greenpark's import (``import_park``: streamed batches, every validation rule,
   time-zone conversion, staged in a scratch DuckDB file, bulk load into the store);
2. the reference way: DuckDB's own ``read_csv`` + ``INSERT`` of the same file into a
   fresh DuckDB file, with the same local-to-UTC conversion and no validation.

Prints rows, seconds, rows/s, peak RSS of this process during each step (psutil,
sampled every 50 ms) and the ratio greenpark / reference, all measured in this run.

Run: ``.venv/bin/python benchmarks/bench_import.py [--meters 1000]``
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

INTERVALS_2024 = 366 * 96
MEMORY_LIMIT = "1GB"  # DuckDB memory_limit of the store, the same for both ways


class PeakRSS:
    """Sample this process's RSS in a thread; ``peak`` in MiB."""

    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.peak = 0.0
        self._stop = threading.Event()

    def __enter__(self) -> PeakRSS:
        self.peak = self.proc.memory_info().rss / 2**20
        c = self.proc.cpu_times()
        self._cpu0 = c.user + c.system
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss / 2**20)
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        c = self.proc.cpu_times()
        self.cpu = c.user + c.system - self._cpu0  # CPU seconds of this process (all threads)


def make_park(folder: Path, meters: int) -> None:
    """Write the park folder; readings.csv is written by DuckDB in a child process (not measured)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "park.toml").write_text(
        '[park]\nid = "bench"\nname = "Bench park"\nlatitude = 10.8\nlongitude = 106.95\n'
        'timezone = "Asia/Ho_Chi_Minh"\ncurrency = "VND"\narea_ha = 270\n'
    )
    tenants = ["tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level"]
    tenants += [f"T{i:03d},Tenant {i},electronics,2610,10000,100,22-110kV" for i in range(50)]
    (folder / "tenants.csv").write_text("\n".join(tenants) + "\n")
    rows = ["meter_id,tenant_id,kind,unit,cumulative"]
    rows += [f"M{i:04d},T{i % 50:03d},electricity_import,kWh,false" for i in range(meters)]
    (folder / "meters.csv").write_text("\n".join(rows) + "\n")
    sql = f"""
    COPY (
      SELECT 'M' || lpad(CAST(m AS VARCHAR), 4, '0') AS meter_id,
             strftime(TIMESTAMP '2024-01-01' + to_minutes(15 * k), '%Y-%m-%d %H:%M:%S') AS timestamp,
             round(10 + 5 * sin(k / 15.0) + (m % 7), 3) AS value
      FROM range({meters}) t(m), range({INTERVALS_2024}) s(k)
    ) TO '{folder / "readings.csv"}' (HEADER, DELIMITER ',')
    """
    subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.connect().execute({sql!r})"], check=True)


def run_greenpark(folder: Path, store_path: Path) -> tuple[int, float, float, float]:
    from greenpark.io.importer import import_park
    from greenpark.store.duckdb import DuckDBStore

    with PeakRSS() as mem:
        t0 = time.perf_counter()
        store = DuckDBStore(store_path, memory_limit=MEMORY_LIMIT)
        report = import_park(folder, store, force=True)
        store.close()
        seconds = time.perf_counter() - t0
    return report.readings_written, seconds, mem.peak, mem.cpu


def run_reference(folder: Path, store_path: Path) -> tuple[int, float, float, float]:
    import duckdb

    with PeakRSS() as mem:
        t0 = time.perf_counter()
        con = duckdb.connect(str(store_path))
        con.execute("SET TimeZone='UTC'")
        con.execute(f"SET memory_limit='{MEMORY_LIMIT}'")
        con.execute("CREATE TABLE readings (park_id VARCHAR, meter_id VARCHAR, ts TIMESTAMPTZ, value DOUBLE)")
        con.execute(
            f"INSERT INTO readings SELECT 'bench', meter_id, timezone('Asia/Ho_Chi_Minh', timestamp), value "
            f"FROM read_csv('{folder / 'readings.csv'}', header=true, "
            f"columns={{'meter_id': 'VARCHAR', 'timestamp': 'TIMESTAMP', 'value': 'DOUBLE'}})"
        )
        n = con.execute("SELECT count(*) FROM readings").fetchall()[0][0]
        con.close()
        seconds = time.perf_counter() - t0
    return n, seconds, mem.peak, mem.cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meters", type=int, default=1000)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="greenpark-bench-"))
    try:
        folder = tmp / "park"
        t0 = time.perf_counter()
        make_park(folder, args.meters)
        size = (folder / "readings.csv").stat().st_size / 2**20
        print(
            f"input: {args.meters} meters x {INTERVALS_2024} intervals = {args.meters * INTERVALS_2024:,} rows, "
            f"readings.csv {size:,.0f} MiB (generated in {time.perf_counter() - t0:.1f} s, not measured)"
        )
        base = psutil.Process().memory_info().rss / 2**20
        n_ref, s_ref, m_ref, c_ref = run_reference(folder, tmp / "ref.duckdb")
        n_gp, s_gp, m_gp, c_gp = run_greenpark(folder, tmp / "store.duckdb")
        print(f"RSS before the runs: {base:,.0f} MiB")
        print(f"{'way':<34}{'rows':>14}{'seconds':>10}{'rows/s':>14}{'CPU s':>8}{'peak RSS MiB':>14}")
        for way, n, s, c, m in (
            ("greenpark import_park (validated)", n_gp, s_gp, c_gp, m_gp),
            ("DuckDB read_csv + INSERT (ref.)", n_ref, s_ref, c_ref, m_ref),
        ):
            print(f"{way:<34}{n:>14,}{s:>10.1f}{n / s:>14,.0f}{c:>8.1f}{m:>14,.0f}")
        print(
            f"ratio greenpark / reference: time {s_gp / s_ref:.2f}x, CPU {c_gp / c_ref:.2f}x, "
            f"peak RSS {m_gp / m_ref:.2f}x (load average {psutil.getloadavg()[0]:.1f} on {psutil.cpu_count()} cores)"
        )
        if n_gp != n_ref:
            print(f"WARNING: row counts differ ({n_gp} vs {n_ref})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
