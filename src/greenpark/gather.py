"""Inputs the engines need, gathered from the store: the one place where store queries are wired into engines.

The CLI commands, ``assess`` and the API call these instead of repeating the wiring, so an inventory is the same
figure whichever door it is asked through.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd


def wwtp_activities(data: Any, electricity_by_meter: pd.DataFrame, year: int) -> tuple[list | None, list[str]]:
    """WWTP activity data for the ghg engine (and the water engine's notes), from the water engine.

    ``electricity_by_meter`` is ``store.consumption(..., by="meter")`` over the year.
    """
    if not data.wwtps:
        return [], []
    try:
        from greenpark.water.ghg_link import ghg_activity
    except ImportError:
        return None, []
    from greenpark.ghg.wastewater import activity_from

    records = ghg_activity(data, year, electricity=electricity_by_meter)
    notes = [f"{r.wwtp_id}: {n}" for r in records for n in getattr(r, "notes", [])]
    return [r.to_ghg() if hasattr(r, "to_ghg") else activity_from(r) for r in records], notes


def park_inventory(
    data: Any, store: Any, year: int, gwp: str = "AR5", strict_factors: bool = False, extra_dirs: Any = ()
) -> Any:
    """Gather the inventory's inputs from the store and the water engine, and run ``greenpark.ghg.inventory``.

    The one place the CLI and ``assess`` wire the store's monthly
    consumption and the WWTP activity into the engine. Returns an ``InventoryResult``.
    """
    from zoneinfo import ZoneInfo

    from greenpark.ghg.inventory import inventory

    zone = ZoneInfo(data.park.timezone)
    start, end = dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)
    consumption = store.consumption(data.park.park_id, start, end, grain="month", by="tenant")
    electricity = store.consumption(data.park.park_id, start, end, grain="year", by="meter")
    activities, water_notes = wwtp_activities(data, electricity, year)
    result = inventory(
        data,
        consumption,
        year,
        gwp_set=gwp,
        strict_factors=strict_factors,
        wwtp_activities=activities,
        extra_dirs=tuple(extra_dirs),
    )
    result.notes.extend(water_notes)  # the water engine's caveats on its activity data
    return result
