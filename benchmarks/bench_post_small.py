"""One-reading POSTs to a real ``greenpark serve`` on the DuckDB store, beside a bare FastAPI app (issue 16).

A small example park (``--tenants``, default 9) is generated and imported into a scratch DuckDB store;
``greenpark serve --store`` runs on it in a subprocess (uvicorn, one process, as in production). The reference is a
bare FastAPI app on uvicorn that decodes the JSON body and INSERTs its readings into a DuckDB table (one
statement, one committed transaction; no auth, no validation): the cost of HTTP, JSON and one durable write. In this
one run, each server gets ``--clients`` clients (httpx, one thread each) posting one-reading bodies for ``--seconds``
(distinct quarter hours of the park's meters, so every post writes a new row), then one client posting
100-reading bodies for ``--seconds / 2``. Printed: acknowledged posts/s, p50/p95 latency (ms) and the ratios
greenpark / bare. Target (issue 16): one-reading POSTs >= 500/s. Nothing is asserted: run it and read the table.

    python benchmarks/bench_post_small.py [--seconds 15] [--clients 8] [--tenants 9]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
from bench_ingest import PASSWORD, bearer, free_port, run_clients

from greenpark.example import write_example_park
from greenpark.io.importer import import_park
from greenpark.store import open_store

TARGET_POSTS_PER_S = 500.0  # issue 16, item 7
FIRST = pd.Timestamp("2025-01-01T00:00:00+07:00")  # after the example year: new rows, before the server clock

REFERENCE_APP = """
import json, threading
import duckdb
from fastapi import FastAPI, Request

app = FastAPI()
db = duckdb.connect({path!r})
db.execute("CREATE TABLE IF NOT EXISTS readings (meter_id VARCHAR, ts TIMESTAMPTZ, value DOUBLE)")
lock = threading.Lock()

@app.get("/health")
def health() -> dict:
    return {{"status": "ok"}}

@app.post("/readings")
def readings_post(rows: list[dict]) -> dict:
    with lock:
        con = db.cursor()
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "INSERT INTO readings SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])::TIMESTAMPTZ, unnest(?::DOUBLE[])",
            [[r["meter_id"] for r in rows], [r["timestamp"] for r in rows], [r["value"] for r in rows]],
        )
        con.execute("COMMIT")
    return {{"received": len(rows), "accepted": len(rows)}}
"""


def start(cmd: list[str], env: dict[str, str], log: Path, base: str, health: str) -> subprocess.Popen[bytes]:
    """A server subprocess, once it answers ``health``."""
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(base + health, timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{cmd} did not answer {health} within 300 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def body(meters: list[str], k: int, n: int) -> bytes:
    """Post ``k``'s body: ``n`` readings of quarter hours after ``FIRST`` (the k-th group of ``n``)."""
    rows = []
    for i in range(k * n, (k + 1) * n):
        t = FIRST + pd.Timedelta(minutes=15 * (i // len(meters)))
        rows.append({"meter_id": meters[i % len(meters)], "timestamp": t.isoformat(), "value": 1.5})
    return json.dumps(rows, separators=(",", ":")).encode()


def hammer(url: str, headers: dict[str, str], meters: list[str], n: int, clients: int, seconds: float) -> dict:
    """``clients`` threads posting ``n``-reading bodies for ``seconds``: posts/s and latency percentiles (ms)."""
    counter = iter(range(10**9))
    lock = threading.Lock()
    ms: list[float] = []
    bad = [0]
    stop_at = time.monotonic() + seconds

    def run() -> None:
        with httpx.Client(headers={**headers, "Content-Type": "application/json"}, timeout=60) as c:
            while time.monotonic() < stop_at:
                with lock:
                    k = next(counter)
                payload = body(meters, k, n)
                t0 = time.perf_counter()
                r = c.post(url, content=payload)
                took = (time.perf_counter() - t0) * 1000
                with lock:
                    if r.status_code == 200 and r.json()["accepted"] == n:
                        ms.append(took)
                    else:
                        bad[0] += 1

    elapsed = run_clients(run, clients)
    a = np.array(ms) if ms else np.array([np.nan])
    return {
        "posts_per_s": len(ms) / elapsed,
        "p50_ms": float(np.percentile(a, 50)),
        "p95_ms": float(np.percentile(a, 95)),
        "bad": bad[0],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--tenants", type=int, default=9)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        write_example_park(tmp / "park", n_tenants=args.tenants)
        store_url = f"duckdb:///{tmp / 'store.duckdb'}"
        store = open_store(store_url)
        try:
            import_park(tmp / "park", store)
            park_id = store.park_ids()[0]
            meters = [m.meter_id for m in store.load_park(park_id).meters if not m.cumulative]
        finally:
            store.close()
        print(f"park {park_id}: {len(meters)} interval meters; {args.clients} clients, {args.seconds:g} s per phase")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "GREENPARK_ADMIN_PASSWORD": PASSWORD, "GREENPARK_ENVIRONMENT": "test"}
        code = "import sys; from greenpark.cli import app; sys.argv[0] = 'greenpark'; app()"
        cmd = [sys.executable, "-c", code, "serve", "--store", store_url, "--port", str(port)]
        results: dict[str, dict[str, dict]] = {}
        proc = start(cmd, env, tmp / "greenpark.log", base, "/api/v1/ready")
        try:
            headers = bearer(base)
            url = f"{base}/api/v1/parks/{park_id}/readings"
            hammer(url, headers, meters[::-1], 1, 1, 1.0)  # warm the park and the caches (other timestamps)
            results["greenpark"] = {
                "one": hammer(url, headers, meters, 1, args.clients, args.seconds),
                "hundred": hammer(url, headers, meters[1:], 100, 1, args.seconds / 2),
            }
        finally:
            stop(proc)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        (tmp / "reference_app.py").write_text(REFERENCE_APP.format(path=str(tmp / "reference.duckdb")))
        code = (
            f"import sys, uvicorn; sys.path.insert(0, {str(tmp)!r}); from reference_app import app; "
            f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', access_log=False)"
        )
        proc = start([sys.executable, "-c", code], dict(os.environ), tmp / "reference.log", base, "/health")
        try:
            url = f"{base}/readings"
            hammer(url, {}, meters[::-1], 1, 1, 1.0)
            results["bare"] = {
                "one": hammer(url, {}, meters, 1, args.clients, args.seconds),
                "hundred": hammer(url, {}, meters[1:], 100, 1, args.seconds / 2),
            }
        finally:
            stop(proc)

    g, b = results["greenpark"], results["bare"]
    print(f"{'':34}{'greenpark':>12}{'bare':>10}{'ratio':>8}")
    for phase, label in (("one", f"one-reading POSTs, {args.clients} clients"), ("hundred", "100-reading POSTs, 1")):
        gp, bp = g[phase], b[phase]
        print(
            f"{label + ' posts/s':34}{gp['posts_per_s']:12.1f}{bp['posts_per_s']:10.1f}"
            f"{gp['posts_per_s'] / bp['posts_per_s']:7.2f}x"
        )
        for q in ("p50_ms", "p95_ms"):
            print(f"{'  ' + q:34}{gp[q]:12.1f}{bp[q]:10.1f}{gp[q] / bp[q]:7.2f}x")
        print(f"{'  not acknowledged':34}{gp['bad']:12d}{bp['bad']:10d}")
    one = g["one"]["posts_per_s"]
    verdict = "reached" if one >= TARGET_POSTS_PER_S else "missed"
    print(f"one-reading POSTs: {one:.1f}/s, target >= {TARGET_POSTS_PER_S:.0f}/s: {verdict}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
