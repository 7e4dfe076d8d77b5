"""How the portfolio's tasks are placed: the largest parks first, one DuckDB thread per task on a worker.

The expected cost of a park is the bytes of the files directly in its folder (its store in ``.greenpark/`` does not
count), a workbook's size, and 0 for a park id (unknown: last). On a worker with
:class:`~greenpark.portfolio.task_threads.OneThreadPerTask` registered, a store a task opens runs DuckDB on one
thread; the driver's stores keep DuckDB's default. The portfolio's local cluster starts its workers without
``distributed``'s ``MALLOC_TRIM_THRESHOLD_`` and statistical profiler (both cost CPU in every task).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pytest
from distributed import Client

from greenpark.portfolio.cluster import expected_cost, largest_first, local_cluster
from greenpark.portfolio.task_threads import OneThreadPerTask
from greenpark.store.duckdb import DuckDBStore


def _park(folder: Path, sizes: dict[str, int]) -> str:
    folder.mkdir(parents=True)
    for name, size in sizes.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"x" * size)
    return str(folder)


def test_the_largest_park_goes_first_and_a_park_id_last(tmp_path: Path) -> None:
    small = _park(tmp_path / "small", {"readings.csv": 100, "park.toml": 20})  # 120 bytes
    large = _park(tmp_path / "large", {"readings.csv": 300, "wastewater.csv": 50, ".greenpark/store.duckdb": 9000})
    middle = _park(tmp_path / "middle", {"readings.csv": 200})  # 200 bytes
    workbook = tmp_path / "park.xlsx"
    workbook.write_bytes(b"x" * 150)
    parks = [small, "dn-ip99", large, str(workbook), middle]
    # 120, 0 (a park id), 300 + 50 = 350 (the store's 9000 bytes are not data), 150, 200
    assert [expected_cost(p) for p in parks] == [120, 0, 350, 150, 200]
    assert largest_first(parks) == [2, 4, 3, 0, 1]
    assert largest_first(["dn-ip01", "dn-ip02"]) == [0, 1]  # ties keep the caller's order


def _store_threads() -> int:
    store = DuckDBStore(":memory:")
    try:
        return int(store.con.execute("SELECT current_setting('threads')").fetchone()[0])
    finally:
        store.close()


def _worker_setup(dask_worker: Any) -> tuple[str | None, str | None, bool]:
    """The worker's malloc trim threshold and OpenMP threads (its environment) and whether its profiler runs."""
    env = os.environ
    return env.get("MALLOC_TRIM_THRESHOLD_"), env.get("OMP_NUM_THREADS"), "profile" in dask_worker.periodic_callbacks


@pytest.mark.slow
def test_a_worker_with_the_plugin_opens_its_stores_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """On the portfolio's local cluster: DuckDB's default until the plugin is registered, one thread while it is."""
    # a cluster with distributed's defaults started earlier in this process (test_cluster.py) left the variable in
    # this process's environment (the Nanny writes it there), and workers inherit their parent's environment
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    default = int(duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0])
    with local_cluster(1) as cluster, Client(cluster) as client:
        # distributed's defaults would be ("65536", "1", True): no aggressive trim, OpenMP on one thread, no profiler
        assert list(client.run(_worker_setup).values()) == [(None, "1", False)]
        assert client.submit(_store_threads, pure=False).result() == default  # before: DuckDB's default
        client.register_plugin(OneThreadPerTask())
        assert client.submit(_store_threads, pure=False).result() == 1
        client.unregister_worker_plugin(OneThreadPerTask.name)
        assert client.submit(_store_threads, pure=False).result() == default
    assert _store_threads() == default  # the driver's stores never changed
