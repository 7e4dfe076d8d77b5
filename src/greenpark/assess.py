"""The main job: assess a park for a year with every engine and gather one result.

``assess`` opens (importing if needed) the park, asks the store for the tidy tables
the engines need (aggregations run inside the database), runs the engines and
returns an :class:`Assessment`: one JSON-able dict per stage plus the status and
time of every stage. It holds no formulas: each figure comes from an engine.
``assess_park`` runs the same stages on a park whose store is already open (the live
service's, under its lock).

Stages and their dependencies::

    load ─┬─ inventory (ghg; calls water's GHG activity and waste's route emissions)
          ├─ water ─┐
          ├─ waste  ├─ (independent; run in a thread beside solar)
          ├─ energy ┘
          └─ solar (process pool inside the engine) ── plan (needs solar, energy, inventory)

A stage with nothing to work on (no roofs, no WWTP, no waste records) is
``skipped`` with a note; a stage that fails is ``failed`` with the error's message,
and the others go on. The report renders from the Assessment's JSON alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from greenpark import __version__
from greenpark.errors import GreenparkError, InputError
from greenpark.model import ParkData

log = logging.getLogger(__name__)
STAGES = ("load", "inventory", "water", "waste", "energy", "solar", "plan")
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
    """Run one stage, record its status and time; a GreenparkError marks it failed, not the job."""
    if progress:
        progress(name, "start")
    t0 = time.perf_counter()
    try:
        out = fn()
    except _SkipStageError as skip:
        assessment.stages[name] = {"status": "skipped", "note": str(skip), "seconds": 0.0}
        out = None
    except (GreenparkError, ValueError, KeyError, RuntimeError) as exc:
        log.warning("stage %s failed: %s", name, exc, exc_info=True)
        assessment.stages[name] = {"status": "failed", "note": str(exc), "seconds": time.perf_counter() - t0}
        out = None
    else:
        assessment.stages[name] = {"status": "ok", "note": "", "seconds": round(time.perf_counter() - t0, 2)}
        if out is not None:
            assessment.results[name] = _dump(out)
    if progress:
        progress(name, assessment.stages[name]["status"])
    return out


class _SkipStageError(Exception):
    """A stage has nothing to work on."""


def latest_complete_year(consumption_by_year: pd.DataFrame) -> int:
    """The latest year whose readings cover all 12 months (else the latest year with any)."""
    if consumption_by_year.empty:
        raise InputError("the park has no meter readings; add readings.csv, or give --year")
    months = pd.to_datetime(consumption_by_year["period_start"].astype(str).str[:7] + "-01")
    per_year = months.groupby(months.dt.year).nunique()
    full = per_year[per_year >= 12]
    return int(full.index.max() if not full.empty else per_year.index.max())


@dataclass
class _Loaded:
    """What the store stages leave for the engine stages: the year's tables and the inventory."""

    assessment: Assessment
    tables: dict[str, pd.DataFrame]
    inventory: Any


def assess(
    park: str,
    year: int | None = None,
    store_url: str | None = None,
    gwp: str = "AR5",
    study_date: dt.date | None = None,
    workers: int = 2,
    progress: Progress | None = None,
) -> Assessment:
    """Assess park ``park`` (folder, workbook or id in the store) for ``year``.

    Opens (importing if needed) the park and its store, reads what the engines need, closes
    the store and runs the engines (:func:`assess_park` does the same on a store already open).

    Parameters
    ----------
    park : str
        A park folder / .xlsx workbook (imported into its store if changed) or a park id.
    year : int, optional
        Calendar year in park local time; default the latest complete year of readings.
    gwp : str
        GWP set of the inventory (AR5 default, as Vietnamese MRV practice).
    study_date : date, optional
        Date whose tariffs and rooftop-solar rules apply to the solar offers (default today).
    workers : int
        Processes for the per-tenant solar sizing.
    """
    from greenpark.io.importer import open_park

    study_date = study_date or dt.date.today()
    t_load = time.perf_counter()
    if progress:
        progress("load", "start")
    data, store = open_park(park, store_url=store_url)
    try:
        loaded = _store_stages(data, store, year, gwp, study_date, progress, t_load)
    finally:
        store.close()
    return _engine_stages(data, loaded, study_date, workers, progress)


def assess_park(
    data: ParkData,
    store: Any,
    year: int | None = None,
    gwp: str = "AR5",
    study_date: dt.date | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    store_lock: AbstractContextManager[Any] | None = None,
) -> Assessment:
    """Assess a park already loaded from a store that stays open (the live service's).

    The same stages as :func:`assess`. The store is used only by the first stages (the year's
    tables and the inventory), inside ``store_lock`` when given: the service serialises its
    store calls on one lock, and holding it only for these stages lets ingestion go on while
    the engines (solar, water, waste, energy, plan) run.

    Parameters
    ----------
    data : ParkData
        The park's objects and tables, as the store loaded them.
    store : Store
        The open store holding the park's readings; not closed here.
    store_lock : context manager, optional
        Held around every store call (e.g. the service's lock).

    Other parameters are those of :func:`assess`.
    """
    study_date = study_date or dt.date.today()
    t_load = time.perf_counter()
    if progress:
        progress("load", "start")
    with store_lock if store_lock is not None else nullcontext():
        loaded = _store_stages(data, store, year, gwp, study_date, progress, t_load)
    return _engine_stages(data, loaded, study_date, workers, progress)


def _store_stages(
    data: ParkData,
    store: Any,
    year: int | None,
    gwp: str,
    study_date: dt.date,
    progress: Progress | None,
    t_load: float,
) -> _Loaded:
    """The stages that ask the store: load (the year's tables, the quarantine count) and the inventory."""
    zone = ZoneInfo(data.park.timezone)
    pid = data.park.park_id
    if year is None:
        far = dt.datetime(1990, 1, 1, tzinfo=zone), dt.datetime(2100, 1, 1, tzinfo=zone)
        year = latest_complete_year(store.consumption(pid, *far, grain="month", by="tenant"))
    start, end = dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)
    tables = {
        "month_tenant": store.consumption(pid, start, end, grain="month", by="tenant"),
        "month_meter": store.consumption(pid, start, end, grain="month", by="meter"),
        "hour_tenant": store.consumption(pid, start, end, grain="hour", by="tenant"),
    }
    quarantine = store.quarantine(pid)
    assessment = Assessment(
        meta={
            "park_id": pid,
            "year": year,
            "gwp": gwp,
            "study_date": study_date.isoformat(),
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "greenpark_version": __version__,
            "quarantined_rows": len(quarantine),
        },
        park=data.park.model_dump(mode="json") | {"tenants": len(data.tenants), "roofs": len(data.roofs)},
    )
    assessment.stages["load"] = {"status": "ok", "note": "", "seconds": round(time.perf_counter() - t_load, 2)}
    if progress:
        progress("load", "ok")
    inventory = _run("inventory", assessment, lambda: _inventory(data, store, year, gwp), progress)
    return _Loaded(assessment, tables, inventory)


def _engine_stages(
    data: ParkData, loaded: _Loaded, study_date: dt.date, workers: int, progress: Progress | None
) -> Assessment:
    """The stages that need no store: solar (in a thread beside the others), water, waste, energy, then plan."""
    assessment, tables, inventory = loaded.assessment, loaded.tables, loaded.inventory
    year, gwp = assessment.meta["year"], assessment.meta["gwp"]
    with ThreadPoolExecutor(max_workers=1) as pool:
        solar_future = pool.submit(
            _run, "solar", assessment, lambda: _solar(data, tables, year, study_date, workers), progress
        )
        _run("water", assessment, lambda: _water(data, tables, year), progress)
        _run("waste", assessment, lambda: _waste(data, year, gwp), progress)
        energy = _run("energy", assessment, lambda: _energy(data, tables, year), progress)
        solar = solar_future.result()
    _run("plan", assessment, lambda: _plan(data, year, inventory, solar, energy), progress)
    return assessment


# --- stages: gather inputs, call the engine ------------------------------------------------------------


def _inventory(data: ParkData, store: Any, year: int, gwp: str) -> Any:
    from greenpark.gather import park_inventory

    return park_inventory(data, store, year, gwp, False, ())


def _water(data: ParkData, tables: dict[str, pd.DataFrame], year: int) -> Any:
    if not data.wwtps:
        raise _SkipStageError("the park has no WWTP (wwtp.csv)")
    from greenpark.water import MonitoringRules, assess_water

    return assess_water(
        data, year, tables["month_meter"], tables["month_tenant"], rules=MonitoringRules.from_reference()
    )


def _waste(data: ParkData, year: int, gwp: str) -> Any:
    if data.table("waste").empty:
        raise _SkipStageError("the park has no waste records (waste.csv)")
    from greenpark.waste.assessment import assess_waste

    return assess_waste(data, year, gwp)


def _solar(data: ParkData, tables: dict[str, pd.DataFrame], year: int, study: dt.date, workers: int) -> Any:
    if not data.roofs:
        raise _SkipStageError("the park has no roofs (roofs.csv)")
    from greenpark.gather import solar_for_year

    return solar_for_year(data, tables["hour_tenant"], year, study, workers)


def _energy(data: ParkData, tables: dict[str, pd.DataFrame], year: int) -> Any:
    from greenpark.gather import energy_report

    return energy_report(data, tables["hour_tenant"], year)


def _plan(data: ParkData, year: int, inventory: Any, solar: Any, energy: Any) -> Any:
    if inventory is None:
        raise _SkipStageError("no inventory to plan against")
    from greenpark.gather import plan_report

    del energy  # the plan sizes measures from the inventory's energy use; verified savings do not change it yet
    return plan_report(data, year, inventory, solar)
