"""Calendar periods cut in a park's local time: the one year-bounds and month-bounds helper.

Readings are stored in UTC; years, months and tariff bands are cut in the park's zone (Vietnam:
Asia/Ho_Chi_Minh, UTC+7, no DST). Every caller that needs "the year 2024 of this park" asks here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def year_bounds(zone: str | dt.tzinfo, year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January 00:00, next 1 January 00:00) of ``year`` in ``zone`` (tz-aware)."""
    z = ZoneInfo(zone) if isinstance(zone, str) else zone
    return dt.datetime(year, 1, 1, tzinfo=z), dt.datetime(year + 1, 1, 1, tzinfo=z)


def month_bounds(day: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The calendar month containing ``day`` (tz-aware), in ``day``'s zone."""
    start = day.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    return start, nxt
