"""Latency of the API's park overview with the example park (a year of 15-minute data) loaded.

A real ``greenpark serve`` on loopback, over the embedded store holding the example park
(48 tenants, 130 meters, 2 million readings). Measured in one run:
- warm: repeated overview requests (aggregates cached until new data arrives);
- live: each overview request follows a new reading posted over HTTP, so every overview
  recomputes its aggregates in the store (the worst case: data arriving all the time);
- a meter's readings for a month, downsampled to hours.
Target (issue 9): overview p95 < 150 ms.

Run: ``.venv/bin/python benchmarks/bench_api.py [--requests 200]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from bench_ingest import bearer, start_server

from greenpark.example import write_example_park
from greenpark.io.importer import import_park
from greenpark.store import open_store


def percentiles(ms: list[float]) -> str:
    """p50 / p95 / max of a list of milliseconds."""
    a = np.asarray(ms)
    return f"p50 {np.percentile(a, 50):.1f} ms, p95 {np.percentile(a, 95):.1f} ms, max {a.max():.1f} ms (n={len(a)})"


def timed(c: httpx.Client, method: str, url: str, **kw: object) -> float:
    t = time.perf_counter()
    r = c.request(method, url, **kw)  # type: ignore[arg-type]
    elapsed = (time.perf_counter() - t) * 1000
    r.raise_for_status()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=200)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.monotonic()
        folder = Path(tmp) / "example-park"
        write_example_park(folder)
        url = f"duckdb://{Path(tmp) / 'store.duckdb'}"
        store = open_store(url)
        try:
            report = import_park(folder, store)
        finally:
            store.close()
        park = report.park_id
        print(f"example park {park}: {report.readings_written:,} readings imported in {time.monotonic() - t:.1f} s")
        proc, base = start_server(url)
        try:
            headers = bearer(base)
            with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
                ov = f"/api/v1/parks/{park}/overview?year=2024"
                meter = c.get(f"/api/v1/parks/{park}/meters?kind=electricity_import&limit=1").json()["data"][0]
                timed(c, "GET", ov)  # first request: opens caches, loads the park
                warm = [timed(c, "GET", ov) for _ in range(a.requests)]
                live = []
                for i in range(a.requests // 2):
                    ts = f"2024-12-31T{(i // 4) % 24:02d}:{15 * (i % 4):02d}:00"
                    c.post(
                        f"/api/v1/parks/{park}/readings",
                        json=[{"meter_id": meter["meter_id"], "timestamp": ts, "value": 1.0}],
                    ).raise_for_status()
                    live.append(timed(c, "GET", ov))
                engines = {}
                for name in ("inventory", "water", "waste"):
                    url_e = f"/api/v1/parks/{park}/{name}?year=2024"
                    first_ms = timed(c, "GET", url_e)  # computed now unless the start-up warm-up got there first
                    engines[name] = (first_ms, [timed(c, "GET", url_e) for _ in range(30)])
                stale = []
                for i in range(20):  # new data, then the inventory: answered from the last result
                    ts = f"2024-12-30T{i % 24:02d}:00:00"
                    c.post(
                        f"/api/v1/parks/{park}/readings",
                        json=[{"meter_id": meter["meter_id"], "timestamp": ts, "value": 2.0}],
                    ).raise_for_status()
                    stale.append(timed(c, "GET", f"/api/v1/parks/{park}/inventory?year=2024"))
                rd = f"/api/v1/parks/{park}/meters/{meter['meter_id']}/readings"
                series = [
                    timed(
                        c,
                        "GET",
                        rd,
                        params={"start": "2024-06-01T00:00:00", "end": "2024-07-01T00:00:00", "grain": "hour"},
                    )
                    for _ in range(50)
                ]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    p95_warm, p95_live = np.percentile(warm, 95), np.percentile(live, 95)
    print(
        f"overview, warm:                   {percentiles(warm)}; target p95 < 150 ms: "
        f"{'OK' if p95_warm < 150 else 'MISSED'}"
    )
    print(
        f"overview, new data before each:   {percentiles(live)}; target p95 < 150 ms: "
        f"{'OK' if p95_live < 150 else 'MISSED'}"
    )
    print(f"one meter, a month by hour:       {percentiles(series)}")
    for name, (first_ms, ms) in engines.items():
        print(f"{name + ' 2024:':33} first {first_ms:.0f} ms, then {percentiles(ms)}")
    print(f"inventory right after new data:   {percentiles(stale)} (last result served, recomputed behind)")


if __name__ == "__main__":
    main()
