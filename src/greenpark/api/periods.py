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


def aware(ts: dt.datetime, zone: str) -> dt.datetime:
    """A query timestamp made tz-aware: a naive one is park local time (as in the park folder)."""
    return ts.replace(tzinfo=ZoneInfo(zone)) if ts.tzinfo is None else ts


#: timestamps the store and pandas handle (pandas: 1677-2262); queries outside are refused
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def check_range(start: dt.datetime, end: dt.datetime, max_days: float | None = None) -> None:
    """Raise InputError unless start < end, both within 1970..2200, and the span within ``max_days``."""
    for name, t in (("start", start), ("end", end)):
        try:
            inside = EARLIEST <= t <= LATEST
        except OverflowError:  # the offset pushes it past datetime's own range
            inside = False
        if not inside:
            raise InputError(f"{name} {t.isoformat()} is outside 1970-01-01..2200-01-01; give a date in that range")
    if not start < end:
        raise InputError(f"start {start.isoformat()} must be before end {end.isoformat()}")
    if max_days is not None and (end - start) > dt.timedelta(days=max_days):
        raise InputError(
            f"the range {start.isoformat()}..{end.isoformat()} is longer than {max_days:g} days; ask for a shorter one"
        )


def check_points(start: dt.datetime, end: dt.datetime, grain: str, max_points: int) -> None:
    """Raise InputError when a series at ``grain`` over [start, end) would exceed ``max_points``."""
    n = (end - start) / GRAIN_STEP[grain]
    if n > max_points:
        raise InputError(
            f"{n:,.0f} points at grain {grain!r} exceed the limit of {max_points:,}; use a coarser grain "
            "(or grain=auto) or a shorter range"
        )


def auto_grain(start: dt.datetime, end: dt.datetime, max_points: int) -> str:
    """The finest grain that keeps ``(end - start) / step`` within ``max_points``."""
    span = end - start
    for g in GRAINS:
        if span / GRAIN_STEP[g] <= max_points:
            return g
    return "year"
