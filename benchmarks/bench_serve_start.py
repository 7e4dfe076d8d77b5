"""Seconds from ``greenpark serve --example`` starting to its first answer of /api/v1/health (issue 18: <= 10 s).

Starts the real command in a fresh temporary data folder (so the example park is generated and imported as a new
user's first start would), polls /api/v1/health on loopback every 0.1 s, prints the seconds to the first 200 and
the ratio to the 10 s goal, then stops the server. Nothing is asserted: run it and read the figure.

    python benchmarks/bench_serve_start.py [--timeout 300]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx

GOAL_S = 10.0  # issue 18: answers within 10 s of start on the 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds")
    args = ap.parse_args()
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        env = {**os.environ, "GREENPARK_ENVIRONMENT": "test"}
        code = "import sys; from greenpark.cli import app; sys.argv[0] = 'greenpark'; app()"
        cmd = [sys.executable, "-c", code, "serve", "--example", "--data-dir", tmp, "--port", str(port)]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        first = None
        try:
            while time.perf_counter() - t0 < args.timeout and proc.poll() is None:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1.0).status_code == 200:
                        first = time.perf_counter() - t0
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
    if first is None:
        print(f"serve --example: no health answer within {args.timeout:.0f} s (exit code {proc.returncode})")
        return 1
    print(f"serve --example: first /api/v1/health answer after {first:.1f} s ({first / GOAL_S:.2f} x the 10 s goal)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
