"""Seconds from ``greenpark serve --example`` starting to its first answer of /api/v1/health (issue 18: <= 10 s).

Starts the real command in a fresh temporary data folder (so the example park is generated and imported as a new
user's first start would), polls /api/v1/health on loopback every 0.1 s, prints the seconds to the first 200 and
the ratio to the 10 s goal, with the CPU seconds the server process had used by then (user + system, from
/proc/<pid>/stat: what the start costs whatever else runs on the machine) and the load average; then, with
``--ready``, the seconds until /api/v1/ready answers 200 (the example imported, its episodes replayed, the
warm-up done). Then it stops the server. Nothing is asserted: run it and read the figures.

    python benchmarks/bench_serve_start.py [--timeout 300] [--ready]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

GOAL_S = 10.0  # issue 18: answers within 10 s of start on the 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds")
    ap.add_argument("--ready", action="store_true", help="also wait for /api/v1/ready (import, replay, warm-up)")
    args = ap.parse_args()
    load = os.getloadavg()
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        env = {**os.environ, "GREENPARK_ENVIRONMENT": "test"}
        code = "import sys; from greenpark.cli import app; sys.argv[0] = 'greenpark'; app()"
        cmd = [sys.executable, "-c", code, "serve", "--example", "--data-dir", tmp, "--port", str(port)]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        first = ready = cpu = None
        try:
            while time.perf_counter() - t0 < args.timeout and proc.poll() is None:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1.0).status_code == 200:
                        first = time.perf_counter() - t0
                        cpu = _cpu_s(proc.pid)
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            while args.ready and first is not None and time.perf_counter() - t0 < args.timeout:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/ready", timeout=10.0).status_code == 200:
                    ready = time.perf_counter() - t0
                    break
                time.sleep(0.5)
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
    print(
        f"serve --example: first /api/v1/health answer after {first:.1f} s ({first / GOAL_S:.2f} x the 10 s goal); "
        f"the server had used {cpu:.1f} s of CPU by then; load average at the start {load[0]:.1f} "
        f"(1 min), {os.cpu_count()} CPUs"
    )
    if args.ready:
        print(f"serve --example: /api/v1/ready answered 200 after {ready:.1f} s" if ready else "never ready")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
