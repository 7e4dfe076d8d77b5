"""Calendar periods cut in a park's local time: the one year-bounds, month-bounds and hours-of-a-year helper.

Readings are stored in UTC; years, months and tariff bands are cut in the park's zone (Vietnam:
Asia/Ho_Chi_Minh, UTC+7, no DST). Every caller that needs "the year 2024 of this park" asks here.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd


def year_bounds(zone: str | dt.tzinfo, year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January 00:00, next 1 January 00:00) of ``year`` in ``zone`` (tz-aware)."""
    z = ZoneInfo(zone) if isinstance(zone, str) else zone
    return dt.datetime(year, 1, 1, tzinfo=z), dt.datetime(year + 1, 1, 1, tzinfo=z)


def month_bounds(day: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The calendar month containing ``day`` (tz-aware), in ``day``'s zone."""
    start = day.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    return start, nxt


def local_hours(year: int, zone: str | dt.tzinfo) -> pd.DatetimeIndex:
    """Start of every local hour of ``year`` in ``zone`` (8,760 or 8,784): the hours of :func:`year_bounds`."""
    start, end = year_bounds(zone, year)
    return pd.date_range(start, end, freq="1h", inclusive="left")
