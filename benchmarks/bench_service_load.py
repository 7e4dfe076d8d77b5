"""Readers and writers together on a real ``greenpark serve`` over PostgreSQL, beside a bare FastAPI endpoint
(issue 16, item 7).

The example park (48 tenants, a year of 15-minute readings) is imported into a scratch schema of the given
PostgreSQL database; ``greenpark serve --store`` runs on it in a subprocess, as in production (uvicorn, one
process), and waits for its start-up warm-up. A bare FastAPI app (no store, no validation: a page that answers a
few bytes, a POST that decodes the JSON body and counts its rows) runs the same way on uvicorn as the reference
for the cost of HTTP itself. Each phase is measured on both servers, in this run, with real HTTP clients (httpx,
one thread per client):

- **mix** (``--seconds``): ``--readers`` dashboard readers (signed-in sessions, half of them asking the park
  overview page, half a tenant's page, one request after another) while one device posts 100-reading batches
  (100 meters, one quarter hour each, into the last month of the year the dashboard shows, so every batch makes
  that month's aggregates and the year's results stale): overview p95, tenant page p95, POST p50/p95;
- **one-reading POSTs**: 8 clients for ``--seconds / 2``: acknowledged posts per second;
- **10,000-reading batches**: 2 clients for ``--seconds / 2``: acknowledged readings per second;
- **maximum-size bodies**, the readers still running: the largest batch the service accepts
  (``INGEST_MAX_ROWS`` = 200,000 readings, 14 MB) and a body twice ``INGEST_MAX_BYTES`` (32 MiB, refused 413
  while it streams in).

The server's RSS (``psutil``, the serving process) is sampled every 50 ms from start to stop; the peak of each
phase and of the run is printed. Targets (issue 16): overview p95 <= 300 ms and 100-reading POST p50 <= 100 ms
under the mix; one-reading POSTs >= 500/s; 10,000-reading batches >= 50,000 readings/s; RSS <= 1 GB throughout.
Nothing is asserted: run it and read the table.

    python benchmarks/bench_service_load.py [--postgres postgresql://postgres@127.0.0.1:5432/test] [--seconds 30]
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
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import psutil
from bench_ingest import PASSWORD, free_port

from greenpark.example import write_example_park
from greenpark.io.importer import import_park
from greenpark.settings import Settings
from greenpark.store import open_store

MIB = 2**20
GB = 1e9
TARGETS = {  # issue 16, item 7
    "overview_p95_ms": 300.0,
    "post100_p50_ms": 100.0,
    "one_reading_posts_per_s": 500.0,
    "batch10k_readings_per_s": 50_000.0,
    "rss_bytes": GB,
}
MIX_MONTH = "2024-12-01T00:00:00+07:00"  # the example park's last month (its year is the dashboard's default)

REFERENCE_APP = """
import json
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

app = FastAPI()

@app.get("/page", response_class=HTMLResponse)
def page() -> str:
    return "<!doctype html><title>ok</title><p>ok</p>"

@app.post("/readings")
async def readings(request: Request) -> dict:
    rows = json.loads(await request.body())
    return {"received": len(rows), "accepted": len(rows)}
"""


# -- servers ---------------------------------------------------------------------------------------------------
@dataclass
class Server:
    """A server subprocess on loopback, its RSS sampled from start to stop."""

    proc: subprocess.Popen[bytes]
    base: str
    log: Path
    samples: list[tuple[float, int]] = field(default_factory=list)  # (monotonic s, RSS bytes)
    _stop: threading.Event = field(default_factory=threading.Event)

    def sample_rss(self) -> None:
        p = psutil.Process(self.proc.pid)
        while not self._stop.is_set():
            try:
                self.samples.append((time.monotonic(), p.memory_info().rss))
            except psutil.Error:
                return
            time.sleep(0.05)

    def peak_rss(self, since: float = 0.0, until: float = float("inf")) -> int:
        return max((rss for t, rss in self.samples if since <= t <= until), default=0)

    def stop(self) -> None:
        self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)


def start(cmd: list[str], env: dict[str, str], log: Path, port: int, health: str) -> Server:
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    threading.Thread(target=server.sample_rss, daemon=True).start()
    deadline = time.monotonic() + 600  # greenpark's warm-up of the example park takes minutes on 2 cores
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}): {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(server.base + health, timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{cmd} did not answer {health} within 600 s")


def start_greenpark(store_url: str, tmp: Path) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "GREENPARK_ADMIN_PASSWORD": PASSWORD,
        "GREENPARK_ENVIRONMENT": "test",
        "GREENPARK_SCRYPT_N": "1024",  # sign-in is not measured
    }
    code = "import sys; from greenpark.cli import app; sys.argv[0] = 'greenpark'; app()"
    cmd = [sys.executable, "-c", code, "serve", "--store", store_url, "--port", str(port)]
    return start(cmd, env, tmp / "greenpark.log", port, "/api/v1/ready")  # ready: the app built and warmed


def start_reference(tmp: Path) -> Server:
    port = free_port()
    (tmp / "reference_app.py").write_text(REFERENCE_APP)
    code = (
        f"import sys, uvicorn; sys.path.insert(0, {str(tmp)!r}); from reference_app import app; "
        f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', access_log=False, proxy_headers=False)"
    )
    return start([sys.executable, "-c", code], dict(os.environ), tmp / "reference.log", port, "/page")


# -- what the clients send ----------------------------------------------------------------------------------------
def readings_body(meter_ids: list[str], k: int, steps: int) -> bytes:
    """Batch ``k``: every meter in ``meter_ids`` at ``steps`` quarter hours of the mix month (wrapping within it)."""
    n_month = 31 * 96
    first = pd.Timestamp(MIX_MONTH)
    stamps = [(first + pd.Timedelta(minutes=15 * ((k * steps + s) % n_month))).isoformat() for s in range(steps)]
    return json.dumps(
        [{"meter_id": m, "timestamp": t, "value": 1.5} for t in stamps for m in meter_ids], separators=(",", ":")
    ).encode()


@dataclass
class Timings:
    """Milliseconds of answered requests by kind, and the answers that were not 200."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    bad: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float, ok: bool) -> None:
        with self.lock:
            if ok:
                self.ms.setdefault(kind, []).append(ms)
            else:
                self.bad[kind] = self.bad.get(kind, 0) + 1

    def pct(self, kind: str, q: float) -> float:
        a = self.ms.get(kind, [])
        return float(np.percentile(a, q)) if a else float("nan")

    def n(self, kind: str) -> int:
        return len(self.ms.get(kind, []))


def loop(
    client: httpx.Client, until: Callable[[], bool], timings: Timings, kind: str, send: Callable[[int], httpx.Response]
) -> None:
    k = 0
    while not until():
        t = time.perf_counter()
        try:
            r = send(k)
            ok = r.status_code == 200
        except httpx.HTTPError:
            ok = False
        timings.add(kind, (time.perf_counter() - t) * 1000, ok)
        k += 1


def run_threads(targets: list[Callable[[], None]]) -> float:
    threads = [threading.Thread(target=f, daemon=True) for f in targets]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return time.monotonic() - t0


@dataclass
class Target:
    """What one server is asked in the phases: its pages, its readings URL, the headers of a reader and a device."""

    server: Server
    pages: list[tuple[str, str]]  # (kind, path), one per reader
    post_url: str
    reader_cookies: httpx.Cookies | None
    device_headers: dict[str, str]


def mix(tg: Target, seconds: float, body100: Callable[[int], bytes]) -> Timings:
    """Readers on their pages and one device posting 100-reading batches, for ``seconds``."""
    timings = Timings()
    stop_at = time.monotonic() + seconds
    done = lambda: time.monotonic() > stop_at  # noqa: E731

    def reader(kind: str, path: str) -> Callable[[], None]:
        def run() -> None:
            with httpx.Client(base_url=tg.server.base, cookies=tg.reader_cookies, timeout=60) as c:
                loop(c, done, timings, kind, lambda _k: c.get(path))

        return run

    def device() -> None:
        h = {**tg.device_headers, "Content-Type": "application/json"}
        with httpx.Client(base_url=tg.server.base, headers=h, timeout=60) as c:
            loop(c, done, timings, "post100", lambda k: c.post(tg.post_url, content=body100(k)))

    run_threads([reader(kind, path) for kind, path in tg.pages] + [device])
    return timings


def posts(tg: Target, seconds: float, clients: int, body: Callable[[int], bytes], kind: str) -> tuple[Timings, float]:
    timings = Timings()
    stop_at = time.monotonic() + seconds
    h = {**tg.device_headers, "Content-Type": "application/json"}
    counter = iter(range(10**9))
    lock = threading.Lock()

    def run() -> None:
        with httpx.Client(base_url=tg.server.base, headers=h, timeout=60) as c:

            def send(_k: int) -> httpx.Response:
                with lock:
                    k = next(counter)
                return c.post(tg.post_url, content=body(k))

            loop(c, lambda: time.monotonic() > stop_at, timings, kind, send)

    elapsed = run_threads([run] * clients)
    return timings, elapsed


def max_bodies(tg: Target, readers_seconds: float, big: bytes, over: bytes) -> tuple[Timings, list[str]]:
    """The largest accepted batch and an oversized body, posted while the readers read."""
    timings = Timings()
    answers: list[str] = []
    stop = threading.Event()

    def reader(kind: str, path: str) -> Callable[[], None]:
        def run() -> None:
            with httpx.Client(base_url=tg.server.base, cookies=tg.reader_cookies, timeout=60) as c:
                loop(c, stop.is_set, timings, kind, lambda _k: c.get(path))

        return run

    def poster() -> None:
        h = {**tg.device_headers, "Content-Type": "application/json"}
        with httpx.Client(base_url=tg.server.base, headers=h, timeout=300) as c:
            for name, body in (("largest batch", big), ("oversized body", over)):
                t = time.perf_counter()
                try:
                    r = c.post(tg.post_url, content=body)
                    answers.append(
                        f"{name} ({len(body) / MIB:.1f} MiB): {r.status_code} in {time.perf_counter() - t:.1f} s"
                    )
                except httpx.HTTPError as exc:  # the server may close the connection after its 413
                    answers.append(
                        f"{name} ({len(body) / MIB:.1f} MiB): {type(exc).__name__} in {time.perf_counter() - t:.1f} s"
                    )
            time.sleep(min(2.0, readers_seconds))  # the memory after the bodies
        stop.set()

    run_threads([reader(kind, path) for kind, path in tg.pages] + [poster])
    return timings, answers


# -- greenpark's side -----------------------------------------------------------------------------------------------
def sign_in(base: str) -> tuple[httpx.Cookies, dict[str, str]]:
    """A dashboard session (cookies) and a device's API token, both of the bootstrap operator."""
    login = httpx.post(f"{base}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}, timeout=60)
    login.raise_for_status()
    tok = httpx.post(
        f"{base}/api/v1/auth/tokens",
        json={"name": "load-bench"},
        cookies=login.cookies,
        headers={"X-CSRF-Token": login.json()["csrf_token"]},
        timeout=60,
    )
    tok.raise_for_status()
    return login.cookies, {"Authorization": f"Bearer {tok.json()['token']}"}


def warm(base: str, cookies: httpx.Cookies, paths: list[str], timeout_s: float) -> tuple[float, float]:
    """Seconds until every page answers without a pending figure, and the first overview's milliseconds."""
    t0 = time.monotonic()
    first_ms = float("nan")
    with httpx.Client(base_url=base, cookies=cookies, timeout=120) as c:
        left = list(paths)
        while left and time.monotonic() - t0 < timeout_s:
            path = left[0]
            t = time.perf_counter()
            r = c.get(path)
            if first_ms != first_ms:
                first_ms = (time.perf_counter() - t) * 1000
            r.raise_for_status()
            if "data-pending" in r.text:
                time.sleep(0.5)
            else:
                left.pop(0)
        if left:
            print(f"  (warm-up: {left[0]} still pending after {timeout_s:.0f} s)")
    return time.monotonic() - t0, first_ms


# -- the run --------------------------------------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "holds" if ok else "MISSED"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test", metavar="URL")
    ap.add_argument("--seconds", type=float, default=30.0, help="length of the mix (the post phases take half)")
    ap.add_argument("--readers", type=int, default=20)
    ap.add_argument("--warm-timeout", type=float, default=300.0, help="longest wait for the start-up warm-up")
    ap.add_argument("--schema", help="use this schema, the example park imported there by an earlier --keep run")
    ap.add_argument("--keep", action="store_true", help="keep the schema (to measure again with --schema)")
    a = ap.parse_args()
    settings = Settings()
    schema = a.schema or f"gpload_{uuid.uuid4().hex[:8]}"
    url = f"{a.postgres}{'&' if '?' in a.postgres else '?'}schema={schema}"
    print(
        f"bench_service_load: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {psutil.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}; store PostgreSQL, schema {schema}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp_name:
        tmp = Path(tmp_name)
        t = time.monotonic()
        store = open_store(url)
        try:
            if a.schema:
                park = store.park_ids()[0]
                print(f"example park {park}: imported earlier in schema {schema}")
            else:
                write_example_park(tmp / "example-park")
                store.migrate()
                report = import_park(tmp / "example-park", store)
                park = report.park_id
                n, took = report.readings_written, time.monotonic() - t
                print(f"example park {park}: {n:,} readings imported in {took:.0f} s")
            data = store.load_park(park)
        finally:
            store.close()
        interval = [m.meter_id for m in data.meters if not m.cumulative]
        meters100 = interval[:100]
        tenants = [tn.tenant_id for tn in data.tenants]
        if len(meters100) < 100:
            raise SystemExit(f"the example park has {len(meters100)} interval meters; 100 are needed")
        big_rows = settings.ingest_max_rows
        big = readings_body(interval[: big_rows // (31 * 96) + 1], 0, 31 * 96)
        big = json.dumps(json.loads(big)[:big_rows], separators=(",", ":")).encode()
        over = b"[" + b" " * (2 * settings.ingest_max_bytes) + b"]"
        bodies = {
            "post100": lambda k: readings_body(meters100, k, 1),
            "post1": lambda k: readings_body(meters100[k % 100 : k % 100 + 1], k // 100, 1),
            "batch10k": lambda k: readings_body(meters100, k * 100, 100),
        }
        results: dict[str, dict[str, object]] = {}
        gp = ref = None
        try:
            ref = start_reference(tmp)
            gp = start_greenpark(url, tmp)
            cookies, device = sign_in(gp.base)
            pages = [
                ("overview", f"/parks/{park}")
                if i % 2 == 0
                else ("tenant", f"/parks/{park}/tenants/{tenants[i % len(tenants)]}")
                for i in range(a.readers)
            ]
            t = time.monotonic()
            warm_s, first_ms = warm(
                gp.base, cookies, [p for _, p in pages[:2]] + [p for k, p in pages if k == "tenant"], a.warm_timeout
            )
            print(
                f"greenpark serve: first overview page {first_ms:,.0f} ms after start-up; pages without a pending "
                f"figure after {warm_s:.0f} s (start-up warm-up)"
            )
            targets = {
                "greenpark": Target(gp, pages, f"/api/v1/parks/{park}/readings", cookies, device),
                "bare FastAPI": Target(ref, [(k, "/page") for k, _ in pages], "/readings", None, {}),
            }
            for name, tg in targets.items():
                r: dict[str, object] = {}
                t0 = time.monotonic()
                r["mix"] = mix(tg, a.seconds, bodies["post100"])
                r["mix_rss"] = tg.server.peak_rss(t0)
                t0 = time.monotonic()
                r["post1"] = posts(tg, a.seconds / 2, 8, bodies["post1"], "post1")
                r["post1_rss"] = tg.server.peak_rss(t0)
                t0 = time.monotonic()
                r["batch10k"] = posts(tg, a.seconds / 2, 2, bodies["batch10k"], "batch10k")
                r["batch10k_rss"] = tg.server.peak_rss(t0)
                t0 = time.monotonic()
                r["max"] = max_bodies(tg, a.seconds, big, over)
                r["max_rss"] = tg.server.peak_rss(t0)
                r["run_rss"] = tg.server.peak_rss()
                results[name] = r
        finally:
            for s in (gp, ref):
                if s is not None:
                    s.stop()
            if a.keep:
                print(f"schema {schema} kept: measure again with --schema {schema}")
            else:
                s2 = open_store(url)
                s2.drop_schema()  # type: ignore[attr-defined]
                s2.close()
    print_table(results, a)
    return 0


def print_table(results: dict[str, dict[str, object]], a: argparse.Namespace) -> None:
    gp, ref = results["greenpark"], results["bare FastAPI"]
    gmix, rmix = gp["mix"], ref["mix"]
    assert isinstance(gmix, Timings) and isinstance(rmix, Timings)
    (g1, g1s), (r1, r1s) = gp["post1"], ref["post1"]  # type: ignore[misc]
    (gb, gbs), (rb, rbs) = gp["batch10k"], ref["batch10k"]  # type: ignore[misc]
    gmax, gans = gp["max"]  # type: ignore[misc]
    rmax, rans = ref["max"]  # type: ignore[misc]

    def row(what: str, g: float, r: float, unit: str, target: str = "", ok: bool | None = None) -> None:
        ratio = g / r if r else float("nan")
        mark = f"{target} {verdict(ok)}" if ok is not None else target
        f = ",.0f" if unit in ("requests", "readings/s") else ",.1f"
        print(f"{what:<44} {g:>12{f}} {r:>12{f}} {unit:<11} {ratio:>7.2f}x  {mark}")

    print()
    print(
        f"mix: {a.readers} readers ({a.readers // 2} overview, {a.readers - a.readers // 2} tenant page) + 1 device "
        f"posting 100 readings, {a.seconds:.0f} s; errors (not 200): greenpark {gmix.bad}, bare {rmix.bad}"
    )
    print(f"{'':<44} {'greenpark':>12} {'bare FastAPI':>12} {'':<11} {'ratio':>8}  target")
    row("overview page p50", gmix.pct("overview", 50), rmix.pct("overview", 50), "ms")
    row(
        "overview page p95",
        gmix.pct("overview", 95),
        rmix.pct("overview", 95),
        "ms",
        "<= 300 ms",
        gmix.pct("overview", 95) <= 300,
    )
    row("tenant page p50", gmix.pct("tenant", 50), rmix.pct("tenant", 50), "ms")
    row("tenant page p95", gmix.pct("tenant", 95), rmix.pct("tenant", 95), "ms")
    row(
        "pages answered (overview + tenant)",
        gmix.n("overview") + gmix.n("tenant"),
        rmix.n("overview") + rmix.n("tenant"),
        "requests",
    )
    row(
        "100-reading POST p50",
        gmix.pct("post100", 50),
        rmix.pct("post100", 50),
        "ms",
        "<= 100 ms",
        gmix.pct("post100", 50) <= 100,
    )
    row("100-reading POST p95", gmix.pct("post100", 95), rmix.pct("post100", 95), "ms")
    row("RSS peak during the mix", gp["mix_rss"] / MIB, ref["mix_rss"] / MIB, "MiB")  # type: ignore[operator]
    g1r, r1r = g1.n("post1") / g1s, r1.n("post1") / r1s
    row("one-reading POSTs, 8 clients", g1r, r1r, "posts/s", ">= 500/s", g1r >= 500)
    row("one-reading POST p50", g1.pct("post1", 50), r1.pct("post1", 50), "ms")
    gbr, rbr = gb.n("batch10k") * 10_000 / gbs, rb.n("batch10k") * 10_000 / rbs
    row("10,000-reading batches, 2 clients", gbr, rbr, "readings/s", ">= 50,000/s", gbr >= 50_000)
    row("10,000-reading batch p50", gb.pct("batch10k", 50), rb.pct("batch10k", 50), "ms")
    row("overview p95 while the largest bodies post", gmax.pct("overview", 95), rmax.pct("overview", 95), "ms")
    row("RSS peak while the largest bodies post", gp["max_rss"] / MIB, ref["max_rss"] / MIB, "MiB")  # type: ignore[operator]
    peak = gp["run_rss"]
    row("RSS peak, whole run", peak / MIB, ref["run_rss"] / MIB, "MiB", "<= 1 GB", peak <= GB)  # type: ignore[operator]
    print(f"errors (not 200): one-reading greenpark {g1.bad} bare {r1.bad}; 10k greenpark {gb.bad} bare {rb.bad}")
    print(f"largest bodies, greenpark: {'; '.join(gans)}")
    print(f"largest bodies, bare FastAPI: {'; '.join(rans)}")


if __name__ == "__main__":
    raise SystemExit(main())
