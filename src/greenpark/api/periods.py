"""Query periods: a year or an explicit range, cut in the park's local time; downsampling grains."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from greenpark.errors import InputError

GRAINS = ("15min", "hour", "day", "month", "year")
#: nominal step of each grain, to pick the finest one that keeps a series under the point limit
GRAIN_STEP = {
    "15min": dt.timedelta(minutes=15),
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "month": dt.timedelta(days=30),
    "year": dt.timedelta(days=365),
}


def year_range(year: int, zone: str) -> tuple[dt.datetime, dt.datetime]:
    """[1 January, next 1 January) of ``year`` in the park's zone."""
    z = ZoneInfo(zone)
    return dt.datetime(year, 1, 1, tzinfo=z), dt.datetime(year + 1, 1, 1, tzinfo=z)


def month_range(day: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The calendar month containing ``day`` (tz-aware), in the same zone."""
    start = day.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    return start, nxt


def aware(ts: dt.datetime, zone: str) -> dt.datetime:
    """A query timestamp made tz-aware: a naive one is park local time (as in the park folder)."""
    return ts.replace(tzinfo=ZoneInfo(zone)) if ts.tzinfo is None else ts


def check_range(start: dt.datetime, end: dt.datetime) -> None:
    """Raise InputError unless start < end."""
    if not start < end:
        raise InputError(f"start {start.isoformat()} must be before end {end.isoformat()}")


def auto_grain(start: dt.datetime, end: dt.datetime, max_points: int) -> str:
    """The finest grain that keeps ``(end - start) / step`` within ``max_points``."""
    span = end - start
    for g in GRAINS:
        if span / GRAIN_STEP[g] <= max_points:
            return g
    return "year"
