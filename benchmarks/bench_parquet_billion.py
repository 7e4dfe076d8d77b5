"""Benchmark: the inventory over 1 billion readings in Parquet, Dask + DuckDB against DuckDB alone, in one run.

The dataset (not timed; written once by DuckDB ``COPY ... PARTITION_BY (park_id, month)`` and reused when
``--data`` holds it): ``--parks`` parks (default 30) of ``--meters`` meters (default 1,000; the parks of
``bench_inventory.build_park``: 40 % tenant import meters, 30 % PV, 25 % export, 5 % park common), 15-minute
readings for the local year 2024 (35,136 intervals): 30 x 1,000 x 35,136 = 1,054,080,000 readings, laid out as
``greenpark export`` writes them (``DATA/park_id=<id>/month=<YYYY-MM>/data_*.parquet``). Values are deterministic
(DuckDB ``hash`` of park, meter and interval) with two decimals.

Each way runs in its own child process (``--way``), so its peak memory (``VmHWM``) and CPU are its own:

(a) DuckDB alone, one process: ``greenpark.portfolio.parquet_inventory.inventories_in_process``, each park's
    query over its partitions (DuckDB on all cores) and ``greenpark.ghg.inventory``; the reference;
(b) Dask + DuckDB: ``inventories_on_cluster`` on a ``LocalCluster`` of ``--workers`` single-threaded workers, one
    task per park, each task's DuckDB on one thread (cluster start and stop timed apart).

Prints wall, CPU and peak memory of each process, the ratios (b)/(a), the totals and whether every park's
inventory is identical in both ways (field for field), with the machine's load average (other work on the
machine slows both ways).

Run: ``.venv/bin/python benchmarks/bench_parquet_billion.py [--parks 30] [--meters 1000] [--data DIR]``
(iterate with ``--parks 2 --meters 50``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from bench_inventory import ZONE, build_park

from greenpark.model import ParkData
from greenpark.periods import year_bounds
from greenpark.portfolio.parquet_inventory import inventories_in_process, inventories_on_cluster
from greenpark.store.parquet import park_folder

YEAR = 2024
STEP_MIN = 15


def parks_of(n_parks: int, n_meters: int) -> list[ParkData]:
    """The benchmark's parks ``vn001``... each with ``bench_inventory.build_park``'s tenants and meters."""
    parks = []
    for i in range(1, n_parks + 1):
        data = build_park(n_meters)
        data.park = data.park.model_copy(update={"park_id": f"vn{i:03d}", "name": f"Park {i}"})
        parks.append(data)
    return parks


def generate(root: Path, parks: list[ParkData], year: int) -> int:
    """Write every park's year of 15-minute readings under ``root`` with DuckDB; returns the number of readings.

    A park already listed in ``root/manifest.json`` is kept (a run cut short resumes at the next park); the
    manifest also records the meters per park and the year, and a folder made for another size is refused.
    """
    manifest_path = root / "manifest.json"
    n_meters = len(parks[0].meters)
    manifest = {"year": year, "meters": n_meters, "rows": {}}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if (manifest["year"], manifest["meters"]) != (year, n_meters):
            raise SystemExit(f"{root} holds {manifest['meters']} meters per park for {manifest['year']}; use --data")
    root.mkdir(parents=True, exist_ok=True)
    start, end = year_bounds(ZONE, year)
    steps = int((end - start) / dt.timedelta(minutes=STEP_MIN))
    con = duckdb.connect(":memory:", config={"memory_limit": "8GB", "temp_directory": str(root / ".tmp")})
    con.execute("SET TimeZone='UTC'")
    con.execute("SET enable_progress_bar = false")
    # the year's intervals and their local months, once: cutting every reading into its month took 1.8x the time
    utc_start = start.astimezone(dt.UTC).isoformat()
    con.execute(
        f"""
        CREATE TABLE steps AS
        SELECT i, ts, strftime(ts AT TIME ZONE '{ZONE}', '%Y-%m') AS month
        FROM (SELECT i, TIMESTAMPTZ '{utc_start}' + to_minutes(i * {STEP_MIN}) AS ts FROM range({steps}) s(i))
        """
    )
    for data in parks:
        park_id = data.park.park_id
        if park_id in manifest["rows"]:
            continue
        shutil.rmtree(park_folder(root, park_id), ignore_errors=True)  # a park cut short is written again
        t0 = time.perf_counter()
        meters = pd.DataFrame(
            {"meter_id": [m.meter_id for m in data.meters], "kind": [str(m.kind) for m in data.meters]}
        )
        con.register("park_meters", meters)
        con.execute(
            f"""
            COPY (
              SELECT '{park_id}' AS park_id, s.month, m.meter_id, s.ts,
                     CASE WHEN m.kind = 'electricity_import' THEN 20 + (hash('{park_id}', m.meter_id, s.i) % 1000) / 50.0
                          WHEN m.kind = 'pv_generation' THEN (hash('{park_id}', m.meter_id, s.i) % 1000) / 100.0
                          ELSE (hash('{park_id}', m.meter_id, s.i) % 1000) / 400.0 END AS value
              FROM park_meters m, steps s
            ) TO '{root.resolve()}' (FORMAT parquet, PARTITION_BY (park_id, month), OVERWRITE_OR_IGNORE true)
            """  # noqa: E501
        )
        con.unregister("park_meters")
        manifest["rows"][park_id] = len(data.meters) * steps
        manifest_path.write_text(json.dumps(manifest, indent=1))
        print(f"  generated {park_id}: {len(data.meters) * steps:,} readings in {time.perf_counter() - t0:.0f} s")
    con.close()
    shutil.rmtree(root / ".tmp", ignore_errors=True)
    return sum(manifest["rows"][data.park.park_id] for data in parks)


def _peak_rss_mib() -> float:
    """This process's peak resident memory (MiB): ``VmHWM`` of /proc/self/status (reset at exec, unlike
    ``ru_maxrss``; see bench_portfolio)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def _cpu_s() -> float:
    """CPU seconds of this process, all its threads (DuckDB's included)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def way_a(root: Path, parks: list[ParkData]) -> dict[str, Any]:
    """(a) DuckDB alone in this process."""
    cpu0, t0 = _cpu_s(), time.perf_counter()
    results = inventories_in_process(root, parks, YEAR)
    return {
        "wall_s": time.perf_counter() - t0,
        "cpu_s": _cpu_s() - cpu0,
        "peaks_mib": {"process": _peak_rss_mib()},
        "results": results,
    }


def way_b(root: Path, parks: list[ParkData], workers: int) -> dict[str, Any]:
    """(b) Dask LocalCluster of single-threaded workers, one task per park; workers' CPU and peaks via client.run."""
    from distributed import Client, LocalCluster

    t_start = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    start_s = time.perf_counter() - t_start
    try:
        workers_cpu0 = client.run(_cpu_s)
        cpu0, t0 = _cpu_s(), time.perf_counter()
        results = inventories_on_cluster(client, root, parks, YEAR, threads=1)
        wall_s = time.perf_counter() - t0
        driver_cpu = _cpu_s() - cpu0
        workers_cpu = client.run(_cpu_s)
        peaks = client.run(_peak_rss_mib)
    finally:
        t_stop = time.perf_counter()
        client.close()
        cluster.close()
        stop_s = time.perf_counter() - t_stop
    cpu = driver_cpu + sum(workers_cpu[w] - workers_cpu0[w] for w in workers_cpu)
    return {
        "wall_s": wall_s,
        "cpu_s": cpu,
        "driver_cpu_s": driver_cpu,
        "start_s": start_s,
        "stop_s": stop_s,
        "peaks_mib": {"driver": _peak_rss_mib(), **{f"worker {w}": mib for w, mib in sorted(peaks.items())}},
        "results": results,
    }


def run_child(way: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run one way in a fresh interpreter (its own peak memory and CPU) and read back what it measured."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.pkl"
        cmd = [sys.executable, __file__, "--way", way, "--out", str(out), "--data", str(args.data)]
        cmd += ["--parks", str(args.parks), "--meters", str(args.meters), "--workers", str(args.workers)]
        subprocess.run(cmd, check=True)
        return pickle.loads(out.read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parks", type=int, default=30)
    parser.add_argument("--meters", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, default=None, help="The dataset (written when absent; default /tmp/...).")
    parser.add_argument("--way", choices=["a", "b"], default=None, help=argparse.SUPPRESS)  # a child's way
    parser.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.data = args.data or Path(tempfile.gettempdir()) / f"gp-billion/parks{args.parks}-meters{args.meters}"
    parks = parks_of(args.parks, args.meters)
    if args.way is not None:
        measured = way_a(args.data, parks) if args.way == "a" else way_b(args.data, parks, args.workers)
        args.out.write_bytes(pickle.dumps(measured))
        return

    t = time.perf_counter()
    n = generate(args.data, parks, YEAR)
    size_gb = sum(f.stat().st_size for f in args.data.rglob("*.parquet")) / 1e9
    print(
        f"dataset: {n:,} readings ({args.parks} parks x {args.meters} meters x 15 min x {YEAR}), {size_gb:.2f} GB "
        f"of Parquet in {args.data} (ready in {time.perf_counter() - t:.0f} s, not timed below)"
    )
    print(f"{os.cpu_count()} cores, {args.workers} workers; load average before {os.getloadavg()}")
    a = run_child("a", args)
    b = run_child("b", args)
    load_after = os.getloadavg()

    labels = {"a": "(a) DuckDB alone, 1 process", "b": f"(b) Dask {args.workers}x1 + DuckDB"}
    for key, m in (("a", a), ("b", b)):
        peaks = ", ".join(f"{name} {mib:,.0f} MiB" for name, mib in m["peaks_mib"].items())
        print(f"{labels[key]:30s}: {m['wall_s']:8.1f} s wall, {m['cpu_s']:8.1f} s CPU; peak {peaks}")
    print(f"(b) cluster start {b['start_s']:.1f} s, stop {b['stop_s']:.1f} s; driver CPU {b['driver_cpu_s']:.1f} s")
    print(
        f"ratio (b)/(a): wall {b['wall_s'] / a['wall_s']:.2f}, with start and stop "
        f"{(b['wall_s'] + b['start_s'] + b['stop_s']) / a['wall_s']:.2f}, CPU {b['cpu_s'] / a['cpu_s']:.2f}"
    )
    per_billion = 1e9 / n
    print(
        f"per billion readings: (a) {a['wall_s'] * per_billion:,.0f} s wall, {a['cpu_s'] * per_billion:,.0f} s CPU; "
        f"(b) {b['wall_s'] * per_billion:,.0f} s wall, {b['cpu_s'] * per_billion:,.0f} s CPU"
    )
    ra, rb = a["results"], b["results"]
    same = [ra[p] == rb[p] for p in ra] if ra.keys() == rb.keys() else [False]
    total_t = sum(r.total_tco2e for r in ra.values())
    total_kwh = sum(r.grid_import_kwh for r in ra.values())
    print(f"totals (a): {total_kwh:,.2f} kWh grid import, {total_t:,.3f} tCO2e over {len(ra)} parks")
    print(f"identical: {sum(same)}/{len(ra)} parks' inventories equal field for field")
    print(f"load average after: {load_after}")


if __name__ == "__main__":
    main()
