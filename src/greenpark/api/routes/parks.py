"""Parks, their overview, tenants, meters, readings and consumption (scoped to the caller)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from greenpark.api import aggregates, views
from greenpark.api.deps import CurrentPrincipal, ParkScope, ServiceDep, allow
from greenpark.api.pagination import PAGE_SIZE_DEFAULT, Limit, Offset
from greenpark.api.periods import auto_grain, aware, check_points, check_range
from greenpark.api.problems import forbidden
from greenpark.api.roles import allowed
from greenpark.api.schemas import (
    ConsumptionPublic,
    MeterGapsPublic,
    MeterPublic,
    MetersPublic,
    OverviewPublic,
    ParkPublic,
    ParksPublic,
    ReadingPoint,
    ReadingsPublic,
    TenantPublic,
    TenantsPublic,
)
from greenpark.units import parse_unit

router = APIRouter(tags=["parks"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such resource, or not within the caller's reach"}
}
DENIED: dict[int | str, dict[str, Any]] = {403: {"description": "the caller's role does not allow this"}}

ParkRead = Annotated[ParkScope, Depends(allow("park:read"))]
OverviewRead = Annotated[ParkScope, Depends(allow("overview:read"))]
TenantsRead = Annotated[ParkScope, Depends(allow("tenants:read"))]
MetersRead = Annotated[ParkScope, Depends(allow("meters:read"))]
ReadingsRead = Annotated[ParkScope, Depends(allow("readings:read"))]
QuarantineRead = Annotated[ParkScope, Depends(allow("quarantine:read"))]  # meters' gaps: data quality, as quarantine
Year = Annotated[
    int | None, Query(ge=1990, le=2100, description="calendar year in park local time; default: this year")
]


def park_public(scope: ParkScope) -> ParkPublic:
    """The public form of a park."""
    return ParkPublic(**scope.data.park.model_dump())


@router.get("/parks", response_model=ParksPublic)
def list_parks(service: ServiceDep, who: CurrentPrincipal) -> ParksPublic:
    """The parks the caller may see."""
    if not allowed(who.role, "park:read"):
        raise forbidden(who.role.value, "park read")
    parks = [
        ParkPublic(**service.park(p).park.model_dump())
        for p in service.park_ids()
        if who.reaches(p, service.park(p).park.province)
    ]
    return ParksPublic(data=parks, count=len(parks))


@router.get("/parks/{park_id}", response_model=ParkPublic, responses={**NOT_FOUND, **DENIED})
def get_park(scope: ParkRead) -> ParkPublic:
    """One park."""
    return park_public(scope)


@router.get("/parks/{park_id}/overview", response_model=OverviewPublic, responses={**NOT_FOUND, **DENIED})
def overview(scope: OverviewRead, service: ServiceDep, year: Year = None) -> OverviewPublic:
    """The park at a glance for a year: consumption by kind, this month by tenant, open alerts."""
    return views.overview(service, scope, year)


@router.get("/parks/{park_id}/tenants", response_model=TenantsPublic, responses={**NOT_FOUND, **DENIED})
def list_tenants(
    scope: TenantsRead,
    limit: Limit = PAGE_SIZE_DEFAULT,
    offset: Offset = 0,
    sector: Annotated[str | None, Query(max_length=100, description="only this sector")] = None,
) -> TenantsPublic:
    """Tenants (a tenant user sees only itself), filterable by sector, paginated."""
    ts = [t for t in scope.tenants() if sector is None or t.sector.value == sector]
    page = ts[offset : offset + limit]
    return TenantsPublic(data=[TenantPublic(**t.model_dump(mode="json")) for t in page], count=len(ts))


@router.get("/parks/{park_id}/tenants/{tenant_id}", response_model=TenantPublic, responses={**NOT_FOUND, **DENIED})
def get_tenant(tenant_id: str, scope: TenantsRead) -> TenantPublic:
    """One tenant (404 for another tenant's id)."""
    return TenantPublic(**scope.tenant(tenant_id).model_dump(mode="json"))


@router.get("/parks/{park_id}/meters", response_model=MetersPublic, responses={**NOT_FOUND, **DENIED})
def list_meters(
    scope: MetersRead,
    limit: Limit = PAGE_SIZE_DEFAULT,
    offset: Offset = 0,
    kind: Annotated[str | None, Query(max_length=100, description="only this meter kind")] = None,
    tenant_id: Annotated[str | None, Query(max_length=200, description="only this tenant's meters")] = None,
) -> MetersPublic:
    """Meters within the caller's reach, filterable by kind and tenant, paginated."""
    ms = [
        m
        for m in scope.meters()
        if (kind is None or m.kind.value == kind) and (tenant_id is None or m.tenant_id == tenant_id)
    ]
    page = ms[offset : offset + limit]
    return MetersPublic(data=[MeterPublic(**m.model_dump(mode="json")) for m in page], count=len(ms))


@router.get(
    "/parks/{park_id}/meters/gaps",
    response_model=MeterGapsPublic,
    responses={**NOT_FOUND, **DENIED, 422: {"description": "bad range"}},
)
def meter_gaps(
    scope: QuarantineRead,
    service: ServiceDep,
    start: Annotated[dt.datetime | None, Query(description="range start (ISO 8601; naive = park local time)")] = None,
    end: Annotated[
        dt.datetime | None, Query(description="range end, exclusive; default: the last 30 days of data")
    ] = None,
) -> MeterGapsPublic:
    """Every meter's expected vs received intervals in [start, end), its share missing and longest gap, worst first.

    The step of a meter is its most frequent spacing of readings in the period; computed in the store in one query.
    """
    return views.meter_gaps(service, scope, start, end)


@router.get("/parks/{park_id}/meters/{meter_id}", response_model=MeterPublic, responses={**NOT_FOUND, **DENIED})
def get_meter(meter_id: str, scope: MetersRead) -> MeterPublic:
    """One meter (404 for a meter out of reach)."""
    return MeterPublic(**scope.meter(meter_id).model_dump(mode="json"))


@router.get(
    "/parks/{park_id}/meters/{meter_id}/readings",
    response_model=ReadingsPublic,
    responses={**NOT_FOUND, **DENIED, 422: {"description": "bad range or grain"}},
)
def meter_readings(
    meter_id: str,
    scope: ReadingsRead,
    service: ServiceDep,
    start: Annotated[dt.datetime, Query(description="range start (ISO 8601; naive = park local time)")],
    end: Annotated[dt.datetime, Query(description="range end, exclusive")],
    grain: Annotated[Literal["auto", "15min", "hour", "day", "month", "year"], Query()] = "auto",
) -> ReadingsPublic:
    """A meter's readings in [start, end); ``grain`` sums them per period (auto: under the point limit)."""
    meter = scope.meter(meter_id)
    zone = scope.data.park.timezone
    start, end = aware(start, zone), aware(end, zone)
    check_range(start, end, service.settings.query_max_days)
    g = auto_grain(start, end, service.settings.readings_max_points) if grain == "auto" else grain
    check_points(start, end, g, service.settings.readings_max_points)
    if g == "15min":
        df = service.store.readings(scope.park_id, [meter_id], start, end)
        points = [ReadingPoint(ts=t, value=float(v)) for t, v in zip(df["ts"], df["value"], strict=True)]
    else:
        df = aggregates.consumption(service, scope.park_id, start, end, g, by="meter")
        df = df[df["meter_id"] == meter_id] if len(df) else df
        points = [ReadingPoint(ts=t, value=float(v)) for t, v in zip(df["period_start"], df["value"], strict=True)]
    base = parse_unit(meter.unit).dimension
    return ReadingsPublic(
        meter_id=meter_id,
        unit="kWh" if base == "energy" else "m3",
        grain=g,
        start=start,
        end=end,
        data=points,
        count=len(points),
    )


@router.get("/parks/{park_id}/consumption", response_model=ConsumptionPublic, responses={**NOT_FOUND, **DENIED})
def consumption(
    scope: ReadingsRead,
    service: ServiceDep,
    start: Annotated[dt.datetime, Query(description="range start (ISO 8601; naive = park local time)")],
    end: Annotated[dt.datetime, Query(description="range end, exclusive")],
    grain: Annotated[Literal["hour", "day", "month", "year"], Query()] = "month",
    tenant_id: Annotated[str | None, Query(max_length=200, description="only this tenant's rows")] = None,
) -> ConsumptionPublic:
    """Consumption per tenant, meter kind and period (a tenant sees only its own rows; ``tenant_id`` one tenant)."""
    zone = scope.data.park.timezone
    start, end = aware(start, zone), aware(end, zone)
    check_range(start, end, service.settings.query_max_days)
    check_points(start, end, grain, service.settings.readings_max_points)
    rows = views.consumption_rows(views.caller_consumption(service, scope, start, end, grain, tenant_id))
    return ConsumptionPublic(grain=grain, start=start, end=end, data=rows, count=len(rows))
