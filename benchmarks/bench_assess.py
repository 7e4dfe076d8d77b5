"""Time `greenpark assess` on the example park, cold start included, and print the time per stage.

Target (issue 8): at most 60 s on a 2-core machine for 40+ tenants and a year of 15-minute data.
The reference for the ratio is the same run's total: each stage's share of the whole.
Usage: python benchmarks/bench_assess.py [--tenants 48]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenants", type=int, default=48)
    args = ap.parse_args()
    cli = [sys.executable, "-m", "greenpark.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        park, out = Path(tmp) / "park", Path(tmp) / "report"
        t0 = time.perf_counter()
        subprocess.run([*cli, "example", str(park), "--tenants", str(args.tenants)], check=True, capture_output=True)
        t_example = time.perf_counter() - t0
        t1 = time.perf_counter()
        subprocess.run(
            [*cli, "assess", str(park), "--year", "2024", "--out", str(out)], check=True, capture_output=True
        )
        total = time.perf_counter() - t1
        stages = json.loads((out / "assessment.json").read_text())["stages"]
    print(f"example park ({args.tenants} tenants) generated in {t_example:.1f} s")
    print(f"assess, cold start (new process, first import, report + PDF): {total:.1f} s (target <= 60 s)")
    for name, s in stages.items():
        print(f"  {name:<10} {s['status']:<8} {s['seconds']:7.1f} s  ({s['seconds'] / total:5.1%} of total)")


if __name__ == "__main__":
    main()
