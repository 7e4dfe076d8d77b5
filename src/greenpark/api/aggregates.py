"""Consumption aggregates for the API, computed in the store one local month at a time and cached.

The store sums readings per period in the database (:meth:`Store.consumption`). The API asks
for them month by month (months cut in the park's zone) and keeps each month's answer until
new readings for that month arrive (:meth:`Service.touched` bumps the month's version), so a
reading arriving now recomputes this month only, not the year. A range that is not whole
months is asked for as is, at its edges.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd

from greenpark.api.service import Service
from greenpark.periods import month_bounds as month_range


def month_chunks(start: dt.datetime, end: dt.datetime, zone: dt.tzinfo) -> list[tuple[dt.datetime, dt.datetime]]:
    """[start, end) split at local month boundaries (each piece inside one calendar month)."""
    out = []
    cur = start.astimezone(zone)
    stop = end.astimezone(zone)
    while cur < stop:
        _, nxt = month_range(cur)
        piece_end = min(nxt, stop)
        out.append((cur, piece_end))
        cur = piece_end
    return out


def consumption(
    service: Service,
    park_id: str,
    start: dt.datetime,
    end: dt.datetime,
    grain: str,
    by: Literal["tenant", "meter"] = "tenant",
    tenant_id: str | None = None,
) -> pd.DataFrame:
    """Park-wide (or one tenant's) consumption per period (columns as :meth:`Store.consumption`), cached per
    local month.

    ``grain`` ``year`` is summed from the months of the range (periods labelled with the
    start of the local year). ``tenant_id`` asks the store for that tenant's meters only.
    """
    chunks = month_chunks(start, end, service.park(park_id).park.zone)
    # the whole range's answer is kept too (while none of its months changes): a page asking for a year again
    # then costs a lookup, not twelve lookups, a concat and a group-by
    months = [a.strftime("%Y-%m") for a, _ in chunks]
    key = ("consumption-range", start.isoformat(), end.isoformat(), grain, by, tenant_id)
    df = service.cached_span(park_id, months, key, lambda: _assemble(service, park_id, chunks, grain, by, tenant_id))
    return df.copy()  # callers (engines) may change their frame; the cached one stays as computed


def consumption_uncached(
    service: Service,
    park_id: str,
    start: dt.datetime,
    end: dt.datetime,
    grain: str,
    by: Literal["tenant", "meter"] = "tenant",
    tenant_id: str | None = None,
) -> pd.DataFrame:
    """The store's answer, asked once and not kept: for an engine whose own result is cached (one tenant's solar
    offer or savings). Kept per month, 48 tenants' hourly years would push the pages' aggregates out of the cache.
    """
    _refuse_when_stopping(service)
    return service.store.consumption(park_id, start, end, grain=grain, by=by, tenant_id=tenant_id)  # type: ignore[arg-type]


def _assemble(
    service: Service,
    park_id: str,
    chunks: list[tuple[dt.datetime, dt.datetime]],
    grain: str,
    by: Literal["tenant", "meter"],
    tenant_id: str | None,
) -> pd.DataFrame:
    """The range's rows from its months' cached answers (each asked of the store once per version)."""
    ask = "month" if grain == "year" else grain
    parts = []
    for a, b in chunks:
        key = ("consumption", a.isoformat(), b.isoformat(), ask, by, tenant_id)
        month = a.strftime("%Y-%m")

        def compute(a: dt.datetime = a, b: dt.datetime = b) -> pd.DataFrame:
            return consumption_uncached(service, park_id, a, b, ask, by, tenant_id)

        part = service.cached_month(park_id, month, key, compute)
        if len(part):
            parts.append(part)
    key_col = f"{by}_id"
    if not parts:
        return pd.DataFrame(columns=[key_col, "kind", "period_start", "value", "n_values"])
    df = pd.concat(parts, ignore_index=True)
    if grain == "year":
        df = df.assign(period_start=df["period_start"].map(lambda t: t.replace(month=1, day=1)))
    if grain in ("year", "month"):
        # month chunks cut at the range edges may give two rows for one period: sum them
        df = (
            df.groupby([key_col, "kind", "period_start"], dropna=False, sort=True)[["value", "n_values"]]
            .sum()
            .reset_index()
        )
    return df


def data_years(service: Service, park_id: str) -> list[int]:
    """The local years with readings (:func:`greenpark.runs.data_years`), cached until any reading of the park
    changes (a park's first reading of a new year shows that year at once)."""
    return service.cached_park(park_id, ("data_years",), lambda: UncachedReadings(service).years_with_data(park_id))


def meter_gaps(service: Service, park_id: str, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """:meth:`Store.meter_gaps` over [start, end), cached until a reading of one of the range's local months arrives."""
    zone = service.park(park_id).park.zone
    months = [a.strftime("%Y-%m") for a, _ in month_chunks(start, end, zone)]

    def compute() -> pd.DataFrame:
        _refuse_when_stopping(service)
        return service.store.meter_gaps(park_id, start, end)

    return service.cached_span(park_id, months, ("meter_gaps", start.isoformat(), end.isoformat()), compute)


def _refuse_when_stopping(service: Service) -> None:
    """Background computations must not start reading a store that shutdown is about to close."""
    if service.stopping.is_set():
        raise RuntimeError("the service is stopping; the store is not read any more")


class CachedReadings:
    """The service's view of the store for :mod:`greenpark.runs`: consumption cached per local month (this module's
    :func:`consumption`), and the whole-history questions (data years) cached until the park's readings change."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def consumption(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        grain: str = "month",
        by: Literal["tenant", "meter"] = "tenant",
        tenant_id: str | None = None,
    ) -> pd.DataFrame:
        """:func:`consumption` (cached per month); a range longer than two years is asked of the store as is."""
        if end - start > dt.timedelta(days=800):
            return consumption_uncached(self.service, park_id, start, end, grain, by, tenant_id)
        return consumption(self.service, park_id, start, end, grain, by, tenant_id)

    def coverage(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        by: Literal["meter", "tenant"] = "meter",
        grain: Literal["month", "year"] = "month",
    ) -> pd.DataFrame:
        """:meth:`Store.coverage`, cached while no reading of the range's local months changes."""
        months = [a.strftime("%Y-%m") for a, _ in month_chunks(start, end, self.service.park(park_id).park.zone)]
        key = ("coverage", start.isoformat(), end.isoformat(), by, grain)

        def compute() -> pd.DataFrame:
            _refuse_when_stopping(self.service)
            return self.service.store.coverage(park_id, start, end, by=by, grain=grain)

        return self.service.cached_span(park_id, months, key, compute)

    def years_with_data(self, park_id: str) -> list[int]:
        """The park's years with readings (cached until any reading of the park changes)."""
        return data_years(self.service, park_id)

    def data_span(self, park_id: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """The park's first and last reading (cached until any reading of the park changes)."""
        u = UncachedReadings(self.service)
        return self.service.cached_park(park_id, ("data_span",), lambda: u.data_span(park_id))


class UncachedReadings(CachedReadings):
    """The store itself, nothing kept: for an engine whose own result is cached (one
    tenant's solar offer or savings); kept per month, 48 tenants' hourly years would push the pages' aggregates out
    of the cache. Coverage stays cached (:meth:`CachedReadings.coverage`): a small table per tenant or meter, and
    every tenant's solar offer asks the same year's (48 queries of the year after each batch, seen under live
    ingestion on PostgreSQL, issue 16 item 7)."""

    def consumption(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        grain: str = "month",
        by: Literal["tenant", "meter"] = "tenant",
        tenant_id: str | None = None,
    ) -> pd.DataFrame:
        return consumption_uncached(self.service, park_id, start, end, grain, by, tenant_id)

    def years_with_data(self, park_id: str) -> list[int]:
        _refuse_when_stopping(self.service)
        return self.service.store.years_with_data(park_id)

    def data_span(self, park_id: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        _refuse_when_stopping(self.service)
        return self.service.store.data_span(park_id)
