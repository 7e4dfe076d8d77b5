"""The WWTP's compliance calendar: each local day of a year compliant, exceedance or without data.

A day is an ``exceedance`` day when one of the engine's exceedance events (analyser windows or lab
samples beyond the QCVN 40 limit) overlaps it, ``no_data`` when the outlet has no value on it, else
``compliant``; days after ``today`` are ``future``. Built from the water engine's result
(:class:`~greenpark.water.assessment.WwtpResult`) and the outlet values it evaluated.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
from pydantic import BaseModel

from greenpark.water.assessment import WwtpResult

STATUSES = ("compliant", "exceedance", "no_data", "future")


class CalendarDay(BaseModel):
    """One local day of the calendar, with the parameters beyond their limit on it."""

    date: dt.date
    status: str
    parameters: list[str]


def compliance_calendar(
    wwtp: WwtpResult, wastewater: pd.DataFrame, year: int, zone: str, today: dt.date | None = None
) -> list[CalendarDay]:
    """Every local day of ``year`` for one WWTP: ``compliant``, ``exceedance``, ``no_data`` or ``future``.

    Parameters
    ----------
    wwtp : WwtpResult
        The water engine's result for the plant (its ``exceedances``).
    wastewater : DataFrame
        The park's wastewater values (columns ``wwtp_id``, ``timestamp`` tz-aware, ``point``, ``value``).
    year : int
        Calendar year in the park's zone.
    zone : str
        The park's IANA zone (days are cut at local midnight).
    today : date, optional
        Days after it are ``future`` (default: today in ``zone``).
    """
    tz = ZoneInfo(zone)
    today = today or dt.datetime.now(tz).date()
    days = pd.date_range(dt.date(year, 1, 1), dt.date(year, 12, 31), freq="D").date
    ww = wastewater
    if not ww.empty:
        ww = ww[(ww["wwtp_id"] == wwtp.wwtp_id) & (ww["point"] == "outlet") & ww["value"].notna()]
    # the local days with an outlet value: normalised in the index (vectorised), one date object per day
    seen = set(pd.DatetimeIndex(ww["timestamp"]).tz_convert(tz).normalize().unique().date) if len(ww) else set()
    beyond: dict[dt.date, set[str]] = {}
    for e in wwtp.exceedances:  # few events a year: a loop over events, not over values
        first = e.start.astimezone(tz).date()
        last = (e.end - dt.timedelta(microseconds=1)).astimezone(tz).date() if e.end > e.start else first
        for d in pd.date_range(first, last, freq="D").date:
            beyond.setdefault(d, set()).add(e.parameter)
    out = []
    for d in days:
        if d > today:
            status = "future"
        elif d in beyond:
            status = "exceedance"
        elif d not in seen:
            status = "no_data"
        else:
            status = "compliant"
        out.append(CalendarDay(date=d, status=status, parameters=sorted(beyond.get(d, ()))))
    return out
