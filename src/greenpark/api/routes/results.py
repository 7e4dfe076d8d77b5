"""Engine results for a year (GHG inventory, water compliance), scoped to the caller.

Each route gathers the store's tables and calls the engine's public function; none computes
anything itself. Results are cached per park and year until a reading of that year arrives.
Park-wide results would reveal other tenants, so a tenant user reads only its own inventory
(``/tenants/{tenant_id}/inventory``). See docs/service.md for the engines not yet exposed.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from greenpark.api import aggregates
from greenpark.api.deps import ParkScope, ServiceDep, allow
from greenpark.api.periods import year_range
from greenpark.api.problems import ProblemError
from greenpark.api.service import Service
from greenpark.gather import wwtp_activities
from greenpark.ghg import InventoryResult, TenantInventory, inventory
from greenpark.waste.assessment import WasteResult, assess_waste
from greenpark.water import WaterResult, assess_water

log = logging.getLogger(__name__)
router = APIRouter(tags=["results"])
InventoryRead = Annotated[ParkScope, Depends(allow("inventory:read"))]
WaterRead = Annotated[ParkScope, Depends(allow("water:read"))]
WasteRead = Annotated[ParkScope, Depends(allow("waste:read"))]
Year = Annotated[int | None, Query(ge=1990, le=2100, description="calendar year (park local); default: last year")]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "role not allowed"},
    404: {"description": "not found or out of reach"},
}


def _year(scope: ParkScope, year: int | None) -> int:
    return year or dt.datetime.now(scope.data.park.zone).year - 1


def park_inventory(service: Service, scope: ParkScope, year: int) -> InventoryResult:
    """The ghg engine's inventory of the park for ``year`` (cached until the year's readings change)."""
    zone = scope.data.park.timezone

    def compute() -> InventoryResult:
        start, end = year_range(year, zone)
        consumption = aggregates.consumption(service, scope.park_id, start, end, "month", by="tenant")
        by_meter = aggregates.consumption(service, scope.park_id, start, end, "year", by="meter")
        activities, notes = wwtp_activities(scope.data, by_meter, year)  # same inputs as the CLI and assess
        result = inventory(scope.data, consumption, year, wwtp_activities=activities)
        result.notes.extend(notes)
        return result

    return service.cached_year(scope.park_id, zone, year, ("inventory",), compute)


@router.get("/parks/{park_id}/inventory", response_model=InventoryResult, responses=ERRORS)
def get_inventory(scope: InventoryRead, service: ServiceDep, year: Year = None) -> InventoryResult:
    """The park's GHG inventory for a year: scopes, tenants, months, Decree 06 duties, factors used."""
    if scope.tenant_id is not None:
        raise ProblemError(
            403,
            "Forbidden",
            f"a tenant reads its own inventory at /api/v1/parks/{scope.park_id}/tenants/{scope.tenant_id}/inventory; "
            "park-wide figures would reveal other tenants",
        )
    return park_inventory(service, scope, _year(scope, year))


@router.get("/parks/{park_id}/tenants/{tenant_id}/inventory", response_model=TenantInventory, responses=ERRORS)
def get_tenant_inventory(
    tenant_id: str, scope: InventoryRead, service: ServiceDep, year: Year = None
) -> TenantInventory:
    """One tenant's inventory for a year (a tenant user: only its own; another's answers 404)."""
    scope.tenant(tenant_id)
    result = park_inventory(service, scope, _year(scope, year))
    for t in result.tenants:
        if t.tenant_id == tenant_id:
            return t
    return TenantInventory(tenant_id=tenant_id, name=scope.tenant(tenant_id).name)


@router.get("/parks/{park_id}/water", response_model=WaterResult, responses=ERRORS)
def get_water(scope: WaterRead, service: ServiceDep, year: Year = None) -> WaterResult:
    """The water pillar for a year: each WWTP against QCVN 40 (compliance, exceedances, faults), tenant loads."""
    y = _year(scope, year)
    zone = scope.data.park.timezone

    def compute() -> WaterResult:
        start, end = year_range(y, zone)
        electricity = aggregates.consumption(service, scope.park_id, start, end, "month", by="meter")
        return assess_water(scope.data, y, electricity=electricity)

    return service.cached_year(scope.park_id, zone, y, ("water",), compute)


@router.get("/parks/{park_id}/waste", response_model=WasteResult, responses=ERRORS)
def get_waste(scope: WasteRead, service: ServiceDep, year: Year = None) -> WasteResult:
    """The waste pillar for a year: indicators, GHG by route, manifest checks, symbiosis proposals (park-wide)."""
    if scope.tenant_id is not None:
        raise ProblemError(
            403, "Forbidden", "the park's waste result holds every tenant's records; a tenant cannot read it"
        )
    if scope.data.table("waste").empty:
        raise ProblemError(404, "Not found", f"park {scope.park_id!r} has no waste records; import a waste.csv")
    y = _year(scope, year)
    return service.cached_year(
        scope.park_id, scope.data.park.timezone, y, ("waste",), lambda: assess_waste(scope.data, y)
    )


def warm(service: Service) -> None:
    """Compute the inventory, water and waste results of each park's last two years with readings.

    Run in a background thread at start, so the first dashboard request does not wait for the engines.
    """
    from greenpark.api.accounts import Principal, Role

    warmer = Principal(user_id="-", username="warm-up", role=Role.operator)
    for park_id in service.park_ids():
        if service.stopping.is_set():
            return
        try:
            data = service.park(park_id)
            now = dt.datetime.now(data.park.zone)
            with service.lock:
                years_df = service.store.consumption(
                    park_id, dt.datetime(1990, 1, 1, tzinfo=data.park.zone), now + dt.timedelta(days=366), "year"
                )
            years = sorted({int(t.year) for t in years_df["period_start"]})[-2:] if len(years_df) else []
            scope = ParkScope(service, warmer, data)
            for y in reversed(years):
                if service.stopping.is_set():
                    return
                park_inventory(service, scope, y)
                if service.stopping.is_set():
                    return
                get_water(scope, service, y)
                if not data.table("waste").empty and not service.stopping.is_set():
                    get_waste(scope, service, y)
        except Exception:  # warming is an optimisation: a failure only means a slower first request
            log.exception("warming the results of park %s failed", park_id)
