"""Run the main job for many parks: one task per park on Dask distributed, or one park after another.

Each park is one call of :func:`assess_one` (``greenpark.assess.assess`` on the park, then its own report written
beside the portfolio's). On a cluster (:func:`run_on_cluster`) the parks are tasks of a ``distributed`` client:
without a scheduler address a ``LocalCluster`` sized to the machine (one single-threaded worker process per core)
is started and shut down; with one, the tasks go to that cluster (``dask scheduler`` + ``dask worker``
elsewhere; the parks' folders or store and the report folder must then be reachable from every worker). Each task
computes on one core (:class:`~greenpark.portfolio.task_threads.OneThreadPerTask`: DuckDB ``threads=1`` on the
workers), and the largest parks go first (:func:`expected_cost`) so that a large park does not end the run alone.
:func:`run_sequential` is the same calls in this process, the reference the cluster's results must equal.

A park whose data cannot give an assessment (any :class:`~greenpark.errors.GreenparkError`: a broken folder, no
readings for the year) comes back ``failed`` with its one-line reason and the others go on; any other exception
is a bug and propagates. A worker lost mid-run (killed, out of memory) is the scheduler's business: its tasks are
run again on another worker (``distributed.scheduler.allowed-failures``), and because a park's assessment depends
only on its data, the result is the same.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greenpark.assess import assess
from greenpark.errors import GreenparkError
from greenpark.portfolio.side_by_side import ParkOutcome
from greenpark.report import write_report

log = logging.getLogger(__name__)
#: fields of an assessment that say when and how fast it ran, not what it found (left out when runs are compared)
TIMING_FIELDS = ("meta.generated_at", "stages.*.seconds")


@dataclass(frozen=True)
class PortfolioJob:
    """What every park's task is asked: the year, the options of ``assess`` and where its report goes.

    ``report_dir`` None: no per-park report (tests, benchmarks); else ``report_dir/<park_id>/`` in ``lang``.
    ``readings_dir``: a Parquet dataset (``greenpark export --parquet``) the parks' readings are read from on the
    workers instead of each park's store (``assess(readings_dir=...)``).
    """

    year: int | None
    store_url: str | None = None
    gwp: str = "AR5"
    study_date: dt.date | None = None
    report_dir: str | None = None
    lang: str = "en"
    pdf: bool = True
    readings_dir: str | None = None


def assess_one(park: str, job: PortfolioJob) -> ParkOutcome:
    """Assess one park for the portfolio (the task a worker runs); a park whose data fails is ``failed``.

    The solar sizing runs in the task's own process (``workers=1``): the parallelism is across parks.
    """
    try:
        result = assess(
            park,
            year=job.year,
            store_url=job.store_url,
            gwp=job.gwp,
            study_date=job.study_date,
            workers=1,
            readings_dir=job.readings_dir,
        )
    except GreenparkError as exc:
        return ParkOutcome(park, "failed", reason=str(exc))
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        return ParkOutcome(park, "failed", reason=str(exc))
    assessment = result.to_json()
    if job.report_dir is not None:
        folder = Path(job.report_dir) / assessment["meta"]["park_id"]
        write_report(assessment, folder, lang=job.lang, pdf=job.pdf)
    return ParkOutcome(park, "ok", assessment=assessment)


def run_sequential(parks: list[str], job: PortfolioJob) -> list[ParkOutcome]:
    """Every park's :func:`assess_one`, one after another in this process (the reference run)."""
    return [assess_one(park, job) for park in parks]


def expected_cost(park: str) -> int:
    """What a park's task is expected to cost, to start the largest first: the bytes of its data files.

    A folder: the files directly in it (``readings.csv`` and ``wastewater.csv`` are most of it; the readings grow
    with the meters and the months read); a workbook: its size; a park id in a store: 0 (unknown, so last).
    """
    path = Path(park)
    if path.is_dir():
        return sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    if path.is_file():
        return path.stat().st_size
    return 0


def largest_first(parks: list[str]) -> list[int]:
    """Positions of ``parks`` by decreasing :func:`expected_cost` (ties in the given order)."""
    costs = [expected_cost(p) for p in parks]
    return sorted(range(len(parks)), key=lambda i: -costs[i])


def local_workers() -> int:
    """Worker processes of the default ``LocalCluster``: one per core of this machine."""
    return os.cpu_count() or 1


def local_cluster(n_workers: int | None = None) -> Any:
    """A ``distributed.LocalCluster`` for the portfolio: ``n_workers`` single-threaded worker processes.

    Default :func:`local_workers`. Two of ``distributed``'s defaults are off, so that a task costs the CPU it costs
    in a plain process:

    - the workers' statistical profiler (a sample of the running task's stack every 10 ms,
      ``distributed.worker.profile``): only the dashboard shows it, and there is no dashboard;
    - ``MALLOC_TRIM_THRESHOLD_=65536`` in the workers' environment (``distributed.nanny.pre-spawn-environ``): it
      returns freed memory to the system at once, so every large array is mapped and faulted in anew; one park's
      assess cost 8.2-8.7 s of CPU with it against 7.1-7.2 s without (4x the page faults, twice the system time;
      docs/scale.md). The thread limits of that setting (``OMP_NUM_THREADS`` ... = 1) are kept. A Nanny writes
      these variables into the environment of the process that starts it, and workers inherit that environment:
      a process that started a cluster with distributed's defaults before gives its later workers the trim too.

    The caller closes the cluster.
    """
    import dask
    from distributed import LocalCluster

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    # the Nanny reads these when it is made and hands its configuration to the worker process it starts
    with dask.config.set({"distributed.worker.profile.enabled": False, "distributed.nanny.pre-spawn-environ": environ}):
        return LocalCluster(
            n_workers=n_workers or local_workers(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )


def run_on_cluster(
    parks: list[str],
    job: PortfolioJob,
    scheduler: str | None = None,
    n_workers: int | None = None,
    on_client: Callable[[Any], None] | None = None,
) -> list[ParkOutcome]:
    """Every park's :func:`assess_one` as a task on Dask distributed; outcomes in the order of ``parks``.

    The tasks are submitted largest park first (:func:`largest_first`), and each worker runs DuckDB on one thread
    per task (:class:`~greenpark.portfolio.task_threads.OneThreadPerTask`, registered on every worker).

    Parameters
    ----------
    parks : list of str
        Park folders, workbooks or park ids (in ``job.store_url``).
    job : PortfolioJob
        The year and options every task gets.
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``). None: a :func:`local_cluster` of ``n_workers``
        single-threaded worker processes (default :func:`local_workers`) is started and shut down here.
    n_workers : int, optional
        Workers of the local cluster (ignored with ``scheduler``).
    on_client : callable, optional
        Called with the connected ``distributed.Client`` once the tasks are submitted (tests kill a worker
        there; the benchmark asks the workers' peak memory).
    """
    from distributed import Client  # the cluster's packages load only when a cluster is used

    from greenpark.portfolio.task_threads import OneThreadPerTask

    cluster = None if scheduler is not None else local_cluster(n_workers)
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            client.register_plugin(OneThreadPerTask())
            order = largest_first(parks)
            # pure=False: a park is assessed again when asked again (its data may have changed since); the
            # priorities make the scheduler start them in this order (the first submitted runs first anyway)
            futures = [
                client.submit(assess_one, parks[i], job, pure=False, priority=len(order) - rank)
                for rank, i in enumerate(order)
            ]
            if on_client is not None:
                on_client(client)
            outcomes = client.gather(futures)
            if scheduler is not None:  # a cluster we do not own: its workers back to DuckDB's default
                client.unregister_worker_plugin(OneThreadPerTask.name)
            by_park = dict(zip(order, outcomes, strict=True))
            return [by_park[i] for i in range(len(parks))]
    finally:
        if cluster is not None:
            cluster.close()


def without_timing(assessment: dict[str, Any]) -> dict[str, Any]:
    """An assessment without :data:`TIMING_FIELDS`: what two runs of the same park must agree on exactly."""
    out = dict(assessment)
    out["meta"] = {k: v for k, v in assessment["meta"].items() if k != "generated_at"}
    out["stages"] = {
        name: {k: v for k, v in stage.items() if k != "seconds"} for name, stage in assessment["stages"].items()
    }
    return out
