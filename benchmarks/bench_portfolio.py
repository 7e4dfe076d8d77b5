"""Many parks: the portfolio's main job one park after another versus on a Dask LocalCluster, in one run.

Generates a province (``greenpark example --province``; not timed) unless ``--folder`` already holds one, imports
every park into its own store (not timed: both runs read the same stores), then assesses every park for 2024:

- sequential: ``greenpark.portfolio.cluster.run_sequential`` in this process (each park's ``assess``, solar in
  the same process, ``workers=1``), the reference;
- cluster: ``run_on_cluster`` on the CLI's ``local_cluster`` of ``--workers`` single-threaded worker processes (its
  start and shutdown timed apart and also included in a second ratio): largest parks first, one DuckDB thread per
  task.

Prints wall time, CPU time of this process and its children (the sequential run) and of the workers during the
run, the CPU per park of both, the speed-up (sequential / cluster), that every park's assessment is identical in
both runs (timing fields aside), each worker's peak resident memory and its idle time (the scheduler's task
stream: time not computing a park, and after its last park), each park's data size and stage seconds in both
runs, with the machine's load average (other work on the machine slows both runs). Target (issue 20): >= 1.7x
on 2 workers.

Run: ``.venv/bin/python benchmarks/bench_portfolio.py [--parks 32] [--workers 2] [--folder DIR]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import tempfile
import time
from pathlib import Path

from distributed import Client

from greenpark.example.province import write_province
from greenpark.io.importer import open_park
from greenpark.portfolio import ParkOutcome, side_by_side
from greenpark.portfolio.cluster import (
    PortfolioJob,
    expected_cost,
    local_cluster,
    run_on_cluster,
    run_sequential,
    without_timing,
)


def _import(folder: str) -> str:
    """Import one park folder into its store (the first run of any command does this)."""
    data, store = open_park(folder)
    store.close()
    return data.park.park_id


def _peak_rss_mib() -> float:
    """This process's peak resident memory (MiB): ``VmHWM`` of /proc/self/status.

    Not ``getrusage``'s ``ru_maxrss``: Linux keeps it across fork and exec, so a worker spawned after the sequential
    run reported the driver's peak (806 MiB for the driver and both workers in a first run).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def _cpu_s() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _busy_s(stream: list[dict]) -> dict[str, tuple[float, float]]:
    """Per worker address: seconds spent computing tasks and the time its last task ended (scheduler's task stream)."""
    out: dict[str, tuple[float, float]] = {}
    for task in stream:
        for ss in task["startstops"]:
            if ss["action"] == "compute":
                spent, last = out.get(task["worker"], (0.0, 0.0))
                out[task["worker"]] = (spent + ss["stop"] - ss["start"], max(last, ss["stop"]))
    return out


def _stages_s(outcome: ParkOutcome) -> float:
    """Wall seconds of a park's stages as the assessment records them (0 for a failed park)."""
    if outcome.status != "ok":
        return 0.0
    return sum(stage["seconds"] for stage in outcome.assessment["stages"].values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parks", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=None, help="A generated province (written if empty).")
    args = parser.parse_args()
    root = args.folder or Path(tempfile.mkdtemp(prefix="gp-province-"))
    if not (root / "province.json").exists():
        t = time.perf_counter()
        write_province(root, args.parks)
        print(f"generated {args.parks} parks in {root} ({time.perf_counter() - t:.0f} s, not timed below)")
    parks = sorted(str(p) for p in root.iterdir() if (p / "park.toml").exists())[: args.parks]
    print(f"{len(parks)} parks, {args.workers} workers, {os.cpu_count()} cores; load average {os.getloadavg()}")

    t = time.perf_counter()
    # the CLI's cluster here too: a cluster with distributed's defaults would leave MALLOC_TRIM_THRESHOLD_ in this
    # process's environment (its Nanny writes it there), and the measured cluster's workers would inherit it
    with local_cluster(args.workers) as cluster, Client(cluster) as client:
        client.gather(client.map(_import, parks, pure=False))
    print(f"imported (not timed below): {time.perf_counter() - t:.0f} s")

    job = PortfolioJob(year=2024, study_date=dt.date.today())
    cpu0, t0 = _cpu_s(), time.perf_counter()
    sequential = run_sequential(parks, job)
    seq_s, seq_cpu = time.perf_counter() - t0, _cpu_s() - cpu0
    seq_rss = _peak_rss_mib()

    t_start = time.perf_counter()
    cluster = local_cluster(args.workers)  # the CLI's cluster, started here to time its start and stop apart
    start_s = time.perf_counter() - t_start
    try:
        with Client(cluster) as client:
            worker_cpu0 = client.run(_cpu_s)
            client.get_task_stream()  # the scheduler records each task's compute start and stop from here
            t1, wall1 = time.perf_counter(), time.time()
            on_cluster = run_on_cluster(parks, job, scheduler=cluster.scheduler_address)
            cluster_s, wall2 = time.perf_counter() - t1, time.time()
            peaks = client.run(_peak_rss_mib)
            worker_cpu = {w: cpu - worker_cpu0[w] for w, cpu in client.run(_cpu_s).items()}
            busy = _busy_s(client.get_task_stream(start=wall1))
    finally:
        t_stop = time.perf_counter()
        cluster.close()
        stop_s = time.perf_counter() - t_stop

    same = [
        (a.status, a.reason) == (b.status, b.reason)
        and (a.status != "ok" or without_timing(a.assessment) == without_timing(b.assessment))
        for a, b in zip(sequential, on_cluster, strict=True)
    ]
    view_same = side_by_side(sequential) == side_by_side(on_cluster)
    ok = sum(o.status == "ok" for o in sequential)
    cluster_cpu = sum(worker_cpu.values())
    print(f"sequential : {seq_s:7.1f} s wall, {seq_cpu:7.1f} s CPU, peak {seq_rss:.0f} MiB, {ok} parks ok")
    print(
        f"cluster    : {cluster_s:7.1f} s wall on {args.workers} workers, {cluster_cpu:7.1f} s CPU in "
        f"workers (cluster start {start_s:.1f} s, stop {stop_s:.1f} s)"
    )
    for address, mib in sorted(peaks.items()):
        idle = cluster_s - busy.get(address, (0.0, wall1))[0]
        tail = wall2 - busy.get(address, (0.0, wall1))[1]
        print(
            f"  worker {address}: peak {mib:.0f} MiB, {worker_cpu[address]:.1f} s CPU, idle {idle:.1f} s "
            f"of which {tail:.1f} s after its last park"
        )
    n = len(parks)
    print(f"per park   : sequential {seq_s / n:.1f} s wall, {seq_cpu / n:.1f} s CPU; ", end="")
    print(
        f"cluster {cluster_s / n:.1f} s wall, {cluster_cpu / n:.1f} s CPU (x{cluster_cpu / seq_cpu:.2f} of sequential)"
    )
    print("park        data MB  sequential s  cluster s  (sum of the stages' seconds; submitted largest data first)")
    for park, a, b in zip(parks, sequential, on_cluster, strict=True):
        print(f"  {Path(park).name:9s} {expected_cost(park) / 1e6:7.1f} {_stages_s(a):12.1f} {_stages_s(b):10.1f}")
    print(f"speed-up   : {seq_s / cluster_s:.2f}x (target >= 1.7x)")
    print(f"speed-up with the cluster's start and stop: {seq_s / (cluster_s + start_s + stop_s):.2f}x")
    print(f"identical  : {sum(same)}/{len(same)} parks, side-by-side view {'equal' if view_same else 'DIFFERENT'}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
