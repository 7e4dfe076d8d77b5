"""Benchmark: import a year of 15-minute readings for N meters into the DuckDB store.

Generates a park folder in a temp dir (park.toml, tenants.csv, meters.csv and a
readings.csv of N meters x 35,136 intervals of 2024, naive park-local timestamps), then:

1. greenpark's import (``import_park``: streamed batches, every validation rule,
   time-zone conversion, staged in a scratch DuckDB file, bulk load into the store);
2. the reference way: DuckDB's own ``read_csv`` + ``INSERT`` of the same file into a
   fresh DuckDB file, with the same local-to-UTC conversion and no validation.

Each way runs in its own child process (``--way``), so neither inherits the other's memory: peak RSS
is the child's ``ru_maxrss`` (the kernel's high-water mark, nothing sampled) and CPU its user + system
seconds (all threads), from ``resource.getrusage``. Prints rows, seconds, rows/s, CPU seconds, peak RSS
and the ratios greenpark / reference, all measured in this run, with the load average of the machine.
After its figures are taken, each child fingerprints the readings it stored (their count and an order-free
hash of every (meter, time, value): a sum of doubles would depend on the order); the two ways must store the
same readings (the generated file has no row a rule rejects or holds out), and a difference is printed.

Targets (issue 20): greenpark <= 2x the reference's CPU and <= 1 GiB peak RSS.

Run: ``.venv/bin/python benchmarks/bench_import.py [--meters 1000]``
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

INTERVALS_2024 = 366 * 96
MEMORY_LIMIT = "1GB"  # DuckDB memory_limit of the store, the same for both ways


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


def run_greenpark(folder: Path, store_path: Path) -> int:
    from greenpark.io.importer import import_park
    from greenpark.store.duckdb import DuckDBStore

    store = DuckDBStore(store_path, memory_limit=MEMORY_LIMIT)
    report = import_park(folder, store, force=True)
    store.close()
    return report.readings_written


def run_reference(folder: Path, store_path: Path) -> int:
    import duckdb

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
    return n


def fingerprint(store_path: Path) -> list[object]:
    """The stored readings' count and the xor of the hashes of every (meter_id, ts, value)."""
    import duckdb

    con = duckdb.connect(str(store_path), read_only=True)
    row = con.execute("SELECT count(*), CAST(bit_xor(hash(meter_id, ts, value)) AS VARCHAR) FROM readings").fetchall()[
        0
    ]
    con.close()
    return list(row)


def child(way: str, folder: Path, store_path: Path) -> None:
    """Run one way in this (child) process and print its figures (and then the stored fingerprint) as JSON."""
    t0 = time.perf_counter()
    n = (run_greenpark if way == "greenpark" else run_reference)(folder, store_path)
    seconds = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    figures = {"rows": n, "seconds": seconds, "cpu": ru.ru_utime + ru.ru_stime, "peak_mib": ru.ru_maxrss / 1024}
    figures["fingerprint"] = fingerprint(store_path)  # after the figures: not measured
    print(json.dumps(figures))


def measure(way: str, folder: Path, store_path: Path) -> dict[str, Any]:
    """Run ``way`` in a child process; its figures (rows, seconds, CPU s, peak RSS MiB, stored fingerprint)."""
    args = [sys.executable, __file__, "--way", way, "--folder", str(folder), "--store", str(store_path)]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meters", type=int, default=1000)
    ap.add_argument("--way", choices=("greenpark", "reference"), help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.way:
        child(args.way, args.folder, args.store)
        return
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
        load0 = psutil.getloadavg()[0]
        ref = measure("reference", folder, tmp / "ref.duckdb")
        gp = measure("greenpark", folder, tmp / "store.duckdb")
        head = f"{'rows':>14}{'seconds':>10}{'rows/s':>14}{'CPU s':>8}{'peak RSS MiB':>14}"
        print(f"{'way (one child process each)':<34}{head}")
        for way, m in (("greenpark import_park (validated)", gp), ("DuckDB read_csv + INSERT (ref.)", ref)):
            print(
                f"{way:<34}{m['rows']:>14,}{m['seconds']:>10.1f}{m['rows'] / m['seconds']:>14,.0f}"
                f"{m['cpu']:>8.1f}{m['peak_mib']:>14,.0f}"
            )
        cpu_ratio = gp["cpu"] / ref["cpu"]
        print(
            f"ratio greenpark / reference: time {gp['seconds'] / ref['seconds']:.2f}x, CPU {cpu_ratio:.2f}x, "
            f"peak RSS {gp['peak_mib'] / ref['peak_mib']:.2f}x (load average {load0:.1f} -> "
            f"{psutil.getloadavg()[0]:.1f} on {psutil.cpu_count()} cores)"
        )
        print(
            f"targets: CPU <= 2x -> {'OK' if cpu_ratio <= 2 else 'MISSED'}; peak RSS <= 1024 MiB -> "
            f"{'OK' if gp['peak_mib'] <= 1024 else 'MISSED'} ({gp['peak_mib']:,.0f} MiB)"
        )
        same = gp["fingerprint"] == ref["fingerprint"]
        print(f"stored readings identical (count, hash): {'yes' if same else 'NO'} {gp['fingerprint']}")
        if not same:
            print(f"WARNING: stored readings differ: greenpark {gp['fingerprint']} vs reference {ref['fingerprint']}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
