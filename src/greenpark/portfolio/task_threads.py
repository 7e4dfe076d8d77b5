"""One core per task on a Dask worker: the portfolio's parallelism is across parks, not inside one park's task.

A worker runs as many tasks at once as it has threads (the default ``LocalCluster``: one single-threaded worker
process per core). Inside a task the park's DuckDB store would start one thread per core of the machine, so two
workers on two cores ran four DuckDB threads: a park cost 1.44x the CPU of the sequential run (20.4 s against
14.2 s, docs/scale.md). :class:`OneThreadPerTask` sets the DuckDB ``threads`` of every store the worker opens to 1.
BLAS/OpenMP pools need nothing here: the Nanny starting each worker sets ``OMP_NUM_THREADS``,
``MKL_NUM_THREADS`` and ``OPENBLAS_NUM_THREADS`` to 1 (``distributed.nanny.pre-spawn-environ``), and HiGHS runs
with ``threads=1`` (``greenpark.optimisation.quiet_highs``).

Its own module because it subclasses ``distributed``'s ``WorkerPlugin``: ``distributed`` loads only when a cluster
is used.
"""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from greenpark.store.duckdb import DuckDBStore


class OneThreadPerTask(WorkerPlugin):
    """DuckDB ``threads=1`` for every store opened in the worker's process (set up when the plugin is registered)."""

    name = "greenpark-one-thread-per-task"

    def setup(self, worker: Any) -> None:
        """Before the worker's next task: its stores run DuckDB on one thread."""
        DuckDBStore.threads = 1

    def teardown(self, worker: Any) -> None:
        """The worker leaves the plugin: DuckDB's default again (one thread per core)."""
        DuckDBStore.threads = None
