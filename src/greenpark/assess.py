"""The main job: assess a park for a year with every engine and gather one result.

``assess`` opens (importing if needed) the park, asks the store for the tidy tables
the engines need (aggregations run inside the database), runs the engines and
returns an :class:`Assessment`: one JSON-able dict per stage plus the status and
time of every stage. It holds no formulas: each figure comes from an engine.
``assess_park`` runs the same stages on a park whose store is already open (the live
service's).

Stages and their dependencies::

    load ─┬─ inventory (ghg; calls water's GHG activity and waste's route emissions)
          ├─ water ─┐
          ├─ waste  ├─ (independent; run in a thread beside solar)
          ├─ energy ┘
          └─ solar (process pool inside the engine) ── plan (needs solar, energy, inventory)
                                                       └─ eip (Decree 35 Art. 37, EIP Framework v2.0: the results
                                                          above as evidence, plan measures and symbiosis proposals
                                                          as its roadmap)

Each stage calls one function of :mod:`greenpark.runs` (the application layer) on one
:class:`~greenpark.runs.ParkYear`, so its figures equal the CLI's and the API's. A stage with
nothing to work on (no roofs, no WWTP, no waste records: ``NoDataError``) is ``skipped`` with
the reason; a stage whose data cannot give the result (any other ``GreenparkError``) is
``failed`` with its one-line reason and the others go on (the CLI then exits 3); any other
exception is a bug and is not caught. The report renders from the Assessment's JSON alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from greenpark import __version__, runs
from greenpark.errors import GreenparkError, NoDataError
from greenpark.io.importer import open_park
from greenpark.io.quality import data_quality_summary
from greenpark.model import ParkData
from greenpark.store.duckdb import DuckDBStore
from greenpark.store.parquet import ParquetReadings, park_folder

log = logging.getLogger(__name__)
STAGES = ("load", "inventory", "water", "waste", "energy", "solar", "plan", "eip")
Progress = Callable[[str, str], None]


@dataclass
class Assessment:
    """Everything the report shows: per-stage results (JSON dicts) and how each stage went."""

    meta: dict[str, Any]
    park: dict[str, Any]
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The machine-readable form written as ``assessment.json``."""
        return {"meta": self.meta, "park": self.park, "stages": self.stages, **self.results}


def _dump(result: Any) -> Any:
    return result.model_dump(mode="json") if hasattr(result, "model_dump") else result


def _run(name: str, assessment: Assessment, fn: Callable[[], Any], progress: Progress | None) -> Any:
    """Run one stage and record its status and time.

    A :class:`NoDataError` (the park has nothing for this stage: no WWTP, no roofs, no waste records) marks it
    ``skipped`` with the reason; any other :class:`GreenparkError` (the data cannot give the result) marks it
    ``failed`` with its one-line reason and the others go on. Any other exception is a bug: it is not caught.
    """
    if progress:
        progress(name, "start")
    t0 = time.perf_counter()
    try:
        out = fn()
    except NoDataError as skip:
        assessment.stages[name] = {"status": "skipped", "note": str(skip), "seconds": 0.0}
        out = None
    except GreenparkError as exc:
        log.warning("stage %s failed: %s", name, exc)
        assessment.stages[name] = {"status": "failed", "note": str(exc), "seconds": time.perf_counter() - t0}
        out = None
    else:
        assessment.stages[name] = {"status": "ok", "note": "", "seconds": round(time.perf_counter() - t0, 2)}
        if out is not None:
            assessment.results[name] = _dump(out)
    if progress:
        progress(name, assessment.stages[name]["status"])
    return out


@dataclass
class _Loaded:
    """What the store stages leave for the engine stages: the year's tables (asked once) and the inventory."""

    assessment: Assessment
    park_year: runs.ParkYear
    inventory: Any
    effluent_years: list[runs.ParkYear]


def assess(
    park: str,
    year: int | None = None,
    store_url: str | None = None,
    gwp: str = "AR5",
    study_date: dt.date | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    readings_dir: str | None = None,
) -> Assessment:
    """Assess park ``park`` (folder, workbook or id in the store) for ``year``.

    Opens (importing if needed) the park and its store, reads what the engines need, closes
    the store and runs the engines (:func:`assess_park` does the same on a store already open).

    Parameters
    ----------
    park : str
        A park folder / .xlsx workbook (imported into its store if changed) or a park id.
    year : int, optional
        Calendar year in park local time; default :func:`greenpark.runs.default_year`.
    gwp : str
        GWP set of the inventory (AR5 default, as Vietnamese MRV practice).
    study_date : date, optional
        Date whose tariffs and rooftop-solar rules apply to the solar offers (default today).
    workers : int
        Processes for the per-tenant solar sizing.
    readings_dir : str, optional
        A Parquet dataset written by ``greenpark export --parquet`` (:mod:`greenpark.store.parquet`): the park's
        meter readings are read from its partitions there instead of the store (a worker of a cluster reads them
        from shared storage); the park's records, quarantine and data-quality counts still come from the store.

    Raises
    ------
    NoDataError
        The park has no readings in ``year`` (or none at all): nothing is assessed.
    """
    study_date = study_date or dt.date.today()
    t_load = time.perf_counter()
    if progress:
        progress("load", "start")
    data, store = open_park(park, store_url=store_url)
    readings = None
    try:
        if readings_dir is not None:
            readings = _parquet_readings(readings_dir, data, park)
        loaded = _store_stages(data, store, year, gwp, study_date, progress, t_load, readings)
    finally:
        store.close()
        if readings is not None:
            readings.close()
    return _engine_stages(loaded, study_date, workers, progress)


def _parquet_readings(root: str, data: ParkData, park: str) -> ParquetReadings:
    """The park's readings in a Parquet dataset; a dataset without the park's partitions is an error that says
    how to write them (not an assessment of zeros)."""
    folder = park_folder(root, data.park.park_id)
    if not any(folder.glob("month=*/*.parquet")):
        raise NoDataError(
            f"no readings of park {data.park.park_id!r} in the Parquet dataset {root} (nothing in "
            f"{folder}/month=*/); write them with 'greenpark export {park} --parquet {root}'"
        )
    return ParquetReadings(root, data, threads=DuckDBStore.threads)  # one thread on a portfolio worker, as its store


def assess_park(
    data: ParkData,
    store: Any,
    year: int | None = None,
    gwp: str = "AR5",
    study_date: dt.date | None = None,
    workers: int = 2,
    progress: Progress | None = None,
) -> Assessment:
    """Assess a park already loaded from a store that stays open (the live service's).

    The same stages as :func:`assess`. The store is used only by the first stages (the year's
    tables and the inventory); the store serves other threads meanwhile (ingestion goes on).

    Parameters
    ----------
    data : ParkData
        The park's objects and tables, as the store loaded them.
    store : Store
        The open store holding the park's readings; not closed here.
    Other parameters are those of :func:`assess`.
    """
    study_date = study_date or dt.date.today()
    t_load = time.perf_counter()
    if progress:
        progress("load", "start")
    loaded = _store_stages(data, store, year, gwp, study_date, progress, t_load)
    return _engine_stages(loaded, study_date, workers, progress)


#: the year's tables every stage reads (asked of the store in the load stage)
_TABLES: tuple[tuple[runs.Grain, runs.By], ...] = (
    ("month", "tenant"),
    ("month", "meter"),
    ("year", "meter"),
    ("hour", "tenant"),
)


def _store_stages(
    data: ParkData,
    store: Any,
    year: int | None,
    gwp: str,
    study_date: dt.date,
    progress: Progress | None,
    t_load: float,
    readings: runs.Readings | None = None,
) -> _Loaded:
    """The stages that ask the store: load (the year's tables, the quarantine count) and the inventory.

    ``readings``: where the meter readings come from when not the store (Parquet partitions).
    """
    py, choice = runs.park_year(data, store if readings is None else readings, year)
    for grain, by in _TABLES:
        py.consumption(grain, by)
    effluent_years = runs.effluent_park_years(py)
    if data.wwtps:  # the EIP effluent criteria run the water engine on the years before too
        for earlier in effluent_years:
            for by in ("meter", "tenant"):
                earlier.consumption("month", by)
    quarantine = store.quarantine(py.park_id)
    quality = data_quality_summary(store, py.park_id)
    assessment = Assessment(
        meta={
            "park_id": py.park_id,
            "year": py.year,
            "year_rule": choice.reason,
            "gwp": gwp,
            "study_date": study_date.isoformat(),
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "greenpark_version": __version__,
            "quarantined_rows": len(quarantine),
            "data_quality": quality.as_dict(),
        },
        park=data.park.model_dump(mode="json")
        | {
            "tenants": len(data.tenants),
            "roofs": len(data.roofs),
            "employees": sum(t.employees for t in data.tenants),
        },
    )
    assessment.stages["load"] = {"status": "ok", "note": "", "seconds": round(time.perf_counter() - t_load, 2)}
    if progress:
        progress("load", "ok")
    inventory = _run("inventory", assessment, lambda: runs.inventory_for(py, gwp), progress)
    return _Loaded(assessment, py, inventory, effluent_years)


def _engine_stages(loaded: _Loaded, study_date: dt.date, workers: int, progress: Progress | None) -> Assessment:
    """The stages that need no store: solar (in a thread beside the others), water, waste, energy, then plan."""
    assessment, py, inventory = loaded.assessment, loaded.park_year, loaded.inventory
    gwp = assessment.meta["gwp"]
    with ThreadPoolExecutor(max_workers=1) as pool:
        solar_future = pool.submit(_run, "solar", assessment, lambda: runs.solar_for(py, study_date, workers), progress)
        water = _run("water", assessment, lambda: runs.water_for(py), progress)
        waste = _run("waste", assessment, lambda: runs.waste_for(py, gwp), progress)
        _run("energy", assessment, lambda: runs.energy_for(py), progress)
        solar = solar_future.result()
    _run("plan", assessment, lambda: _plan(py, inventory, solar), progress)
    _run("eip", assessment, lambda: runs.eip_for(py, inventory, water, waste, solar, loaded.effluent_years), progress)
    return assessment


def _plan(py: runs.ParkYear, inventory: Any, solar: Any) -> Any:
    if inventory is None:
        raise GreenparkError("no inventory to plan against (the inventory stage failed; see its reason)")
    return runs.plan_for(py, inventory, solar)


def failed_stages(assessment: Assessment) -> dict[str, str]:
    """The stages that failed, with their one-line reasons (the CLI exits 3 when there is any)."""
    return {k: v["note"] for k, v in assessment.stages.items() if v["status"] == "failed"}
