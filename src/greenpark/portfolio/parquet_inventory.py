"""The year's inventory of many parks from their Parquet readings: in one process, or one Dask task per park.

The readings of every park sit in one Parquet dataset (``DIR/park_id=<id>/month=<YYYY-MM>/``, written by
:func:`greenpark.store.parquet.export_readings` or any DuckDB ``COPY ... PARTITION_BY``). A park's inventory is
:func:`park_inventory`: its monthly consumption per tenant asked of :class:`~greenpark.store.parquet.ParquetReadings`
(the stores' one consumption query, summed as DECIMAL, so the figures do not depend on the order threads or
workers add them) and given to :func:`greenpark.ghg.inventory`, the engine every other door uses.

- :func:`inventories_in_process`: every park one after another in this process; DuckDB spreads each park's query
  over all cores (the reference).
- :func:`inventories_on_cluster`: one task per park on a Dask ``distributed`` client; each task's DuckDB gets
  ``threads`` threads (1 when there is one single-threaded worker per core).

Both return the same :class:`~greenpark.ghg.InventoryResult` per park, equal field for field.

The inventory here is the readings' part (Scope 2 location- and market-based, PV self-consumption, energy in
TOE) without the coverage query: coverage and the longest gap need each meter's readings in time order, a second
pass over every row; ``greenpark.runs.inventory_for`` adds it, with the WWTP and waste parts, for a park's full
assessment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from greenpark.ghg import InventoryResult, inventory
from greenpark.model import ParkData
from greenpark.runs import ParkYear
from greenpark.store.parquet import ParquetReadings


def park_inventory(root: str | Path, data: ParkData, year: int, threads: int | None = None) -> InventoryResult:
    """One park's inventory for ``year`` from the Parquet dataset at ``root`` (the task a worker runs).

    Parameters
    ----------
    root : path
        The dataset folder (``root/park_id=<id>/month=<YYYY-MM>/*.parquet``), readable from this process.
    data : ParkData
        The park: its tenants and meters (which meter is whose, of which kind).
    year : int
        The local calendar year.
    threads : int, optional
        DuckDB threads for the park's query (default: one per core).

    Returns
    -------
    InventoryResult
        As :func:`greenpark.ghg.inventory` on the park's monthly consumption per tenant, without coverage.

    Raises
    ------
    NoDataError
        The park has no readings in ``year``.
    """
    readings = ParquetReadings(root, data, threads=threads)
    try:
        consumption = ParkYear(data, readings, year).consumption("month", by="tenant")
        return inventory(data, consumption, year)
    finally:
        readings.close()


def inventories_in_process(root: str | Path, parks: list[ParkData], year: int) -> dict[str, InventoryResult]:
    """Every park's :func:`park_inventory`, one after another in this process: ``{park_id: result}``."""
    return {data.park.park_id: park_inventory(root, data, year) for data in parks}


def inventories_on_cluster(
    client: Any, root: str | Path, parks: list[ParkData], year: int, threads: int | None = 1
) -> dict[str, InventoryResult]:
    """Every park's :func:`park_inventory` as a task of a Dask ``distributed`` client: ``{park_id: result}``.

    Parameters
    ----------
    client : distributed.Client
        Connected to the cluster; ``root`` must be readable at the same path on every worker.
    root, parks, year
        As :func:`inventories_in_process`.
    threads : int, optional
        DuckDB threads per task (default 1: one single-threaded worker per core then runs one thread per core).
    """
    # pure=False: the files may have changed since the last time a park was asked
    futures = client.map(park_inventory, [root] * len(parks), parks, year=year, threads=threads, pure=False)
    results = client.gather(futures)
    return {data.park.park_id: result for data, result in zip(parks, results, strict=True)}
