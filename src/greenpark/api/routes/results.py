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
from greenpark.api.schemas import TenantSolarPublic
from greenpark.api.service import Service
from greenpark.energy.verification import VerifiedSavings
from greenpark.gather import tenant_savings, tenant_solar_for_year, wwtp_activities
from greenpark.ghg import InventoryResult, TenantInventory, inventory
from greenpark.waste.assessment import WasteResult, assess_waste
from greenpark.water import WaterResult, assess_water
from greenpark.water.calendar import CalendarDay, compliance_calendar

log = logging.getLogger(__name__)
router = APIRouter(tags=["results"])
InventoryRead = Annotated[ParkScope, Depends(allow("inventory:read"))]
WaterRead = Annotated[ParkScope, Depends(allow("water:read"))]
WasteRead = Annotated[ParkScope, Depends(allow("waste:read"))]
SolarRead = Annotated[ParkScope, Depends(allow("solar:read"))]
Year = Annotated[int | None, Query(ge=1990, le=2100, description="calendar year (park local); default: last year")]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "role not allowed"},
    404: {"description": "not found or out of reach"},
}


def _year(scope: ParkScope, year: int | None) -> int:
    return year or dt.datetime.now(scope.data.park.zone).year - 1


def _cached(service: Service, scope: ParkScope, year: int, key: tuple[Any, ...], compute: Any, wait: bool) -> Any:
    """``service.cached_year``; with ``wait=False`` the result only if ready (else None, computed behind)."""
    zone = scope.data.park.timezone
    if wait:
        return service.cached_year(scope.park_id, zone, year, key, compute)
    return service.cached_year_if_ready(scope.park_id, zone, year, key, compute)


def park_inventory(service: Service, scope: ParkScope, year: int, wait: bool = True) -> InventoryResult | None:
    """The ghg engine's inventory of the park for ``year`` (cached until the year's readings change).

    ``wait=False`` (dashboard pages): the result if ready, else None while it is computed in the background.
    """
    zone = scope.data.park.timezone

    def compute() -> InventoryResult:
        start, end = year_range(year, zone)
        consumption = aggregates.consumption(service, scope.park_id, start, end, "month", by="tenant")
        by_meter = aggregates.consumption(service, scope.park_id, start, end, "year", by="meter")
        activities, notes = wwtp_activities(scope.data, by_meter, year)  # same inputs as the CLI and assess
        result = inventory(scope.data, consumption, year, wwtp_activities=activities)
        result.notes.extend(notes)
        return result

    return _cached(service, scope, year, ("inventory",), compute, wait)  # type: ignore[no-any-return]


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
    return park_inventory(service, scope, _year(scope, year))  # type: ignore[return-value]


@router.get("/parks/{park_id}/tenants/{tenant_id}/inventory", response_model=TenantInventory, responses=ERRORS)
def get_tenant_inventory(
    tenant_id: str, scope: InventoryRead, service: ServiceDep, year: Year = None
) -> TenantInventory:
    """One tenant's inventory for a year (a tenant user: only its own; another's answers 404)."""
    return tenant_inventory(service, scope, tenant_id, _year(scope, year))  # type: ignore[return-value]


def tenant_inventory(
    service: Service, scope: ParkScope, tenant_id: str, year: int, wait: bool = True
) -> TenantInventory | None:
    """One tenant's part of the park inventory (None with ``wait=False`` while the inventory is computed)."""
    scope.tenant(tenant_id)
    result = park_inventory(service, scope, year, wait)
    if result is None:
        return None
    for t in result.tenants:
        if t.tenant_id == tenant_id:
            return t
    return TenantInventory(tenant_id=tenant_id, name=scope.tenant(tenant_id).name)


@router.get("/parks/{park_id}/water", response_model=WaterResult, responses=ERRORS)
def get_water(scope: WaterRead, service: ServiceDep, year: Year = None) -> WaterResult:
    """The water pillar for a year: each WWTP against QCVN 40 (compliance, exceedances, faults), tenant loads."""
    return park_water(service, scope, _year(scope, year))  # type: ignore[return-value]


def park_water(service: Service, scope: ParkScope, year: int, wait: bool = True) -> WaterResult | None:
    """The water engine's result for ``year`` (``wait=False``: None while it is computed in the background)."""
    zone = scope.data.park.timezone

    def compute() -> WaterResult:
        start, end = year_range(year, zone)
        electricity = aggregates.consumption(service, scope.park_id, start, end, "month", by="meter")
        return assess_water(scope.data, year, electricity=electricity)

    return _cached(service, scope, year, ("water",), compute, wait)  # type: ignore[no-any-return]


def water_calendar(
    service: Service, scope: ParkScope, year: int, wait: bool = True
) -> dict[str, list[CalendarDay]] | None:
    """Each WWTP's compliance calendar of ``year`` (day by day) from the water result, by WWTP id."""

    def compute() -> dict[str, list[CalendarDay]]:
        water = park_water(service, scope, year)
        assert water is not None
        ww = scope.data.table("wastewater")
        return {w.wwtp_id: compliance_calendar(w, ww, year, scope.data.park.timezone) for w in water.wwtps}

    return _cached(service, scope, year, ("water-calendar",), compute, wait)  # type: ignore[no-any-return]


@router.get("/parks/{park_id}/waste", response_model=WasteResult, responses=ERRORS)
def get_waste(scope: WasteRead, service: ServiceDep, year: Year = None) -> WasteResult:
    """The waste pillar for a year: indicators, GHG by route, manifest checks, symbiosis proposals (park-wide)."""
    if scope.tenant_id is not None:
        raise ProblemError(
            403, "Forbidden", "the park's waste result holds every tenant's records; a tenant cannot read it"
        )
    if scope.data.table("waste").empty:
        raise ProblemError(404, "Not found", f"park {scope.park_id!r} has no waste records; import a waste.csv")
    return park_waste(service, scope, _year(scope, year))  # type: ignore[return-value]


def park_waste(service: Service, scope: ParkScope, year: int, wait: bool = True) -> WasteResult | None:
    """The waste engine's result for ``year`` (``wait=False``: None while it is computed in the background)."""
    return _cached(service, scope, year, ("waste",), lambda: assess_waste(scope.data, year), wait)  # type: ignore[no-any-return]


def tenant_solar(
    service: Service, scope: ParkScope, tenant_id: str, year: int, wait: bool = True
) -> TenantSolarPublic | None:
    """One tenant's rooftop PV + battery optimum for ``year``'s load, sized alone (not the whole park).

    Cached per park, year and tenant until the year's readings change. ``wait=False``: None while it is
    computed in the background (sizing one tenant takes 0.1 s to several seconds).
    """
    scope.tenant(tenant_id)

    def compute() -> TenantSolarPublic:
        start, end = year_range(year, scope.data.park.timezone)
        hourly = aggregates.consumption_uncached(service, scope.park_id, start, end, "hour", tenant_id=tenant_id)
        result = tenant_solar_for_year(scope.data, hourly, tenant_id, year, dt.date.today())
        offer = next((t for t in result.tenants if t.tenant_id == tenant_id), None)
        return TenantSolarPublic(
            park_id=scope.park_id,
            tenant_id=tenant_id,
            year=year,
            estimate=result.estimate,
            offer=offer,
            roofs=result.roofs,
            roof_limit_kwp=sum(r.kwp for r in result.roofs),
            roof_annual_kwh=sum(r.annual_kwh for r in result.roofs),
            notes=result.notes + (offer.notes if offer else []),
            assumptions=result.assumptions,
        )

    return _cached(service, scope, year, ("solar", tenant_id), compute, wait)  # type: ignore[no-any-return]


@router.get("/parks/{park_id}/tenants/{tenant_id}/solar", response_model=TenantSolarPublic, responses=ERRORS)
def get_tenant_solar(tenant_id: str, scope: SolarRead, service: ServiceDep, year: Year = None) -> TenantSolarPublic:
    """One tenant's solar offer: PV kWp, battery, self-consumption, savings, NPV, payback, avoided tCO2e, roofs.

    A tenant user reads only its own (another's answers 404). The first answer for a year may take seconds
    (the sizing LP); later ones come from the cache.
    """
    return tenant_solar(service, scope, tenant_id, _year(scope, year))  # type: ignore[return-value]


def tenant_verified_savings(
    service: Service, scope: ParkScope, tenant_id: str, year: int, baseline_year: int, wait: bool = True
) -> VerifiedSavings | None:
    """A tenant's baseline test and verified savings of ``year`` against ``baseline_year`` (energy engine)."""
    scope.tenant(tenant_id)
    first, last = sorted((year, baseline_year))

    def compute() -> VerifiedSavings:
        start, _ = year_range(first, scope.data.park.timezone)
        _, end = year_range(last, scope.data.park.timezone)
        monthly = aggregates.consumption_uncached(service, scope.park_id, start, end, "month", tenant_id=tenant_id)
        return tenant_savings(scope.data, monthly, tenant_id, year, baseline_year)

    key = ("savings", tenant_id, baseline_year)
    return _cached(service, scope, year, key, compute, wait)  # type: ignore[no-any-return]


@router.get("/parks/{park_id}/tenants/{tenant_id}/savings", response_model=VerifiedSavings, responses=ERRORS)
def get_tenant_savings(
    tenant_id: str,
    scope: InventoryRead,
    service: ServiceDep,
    year: Year = None,
    baseline_year: Annotated[
        int | None,
        Query(
            ge=1990,
            le=2100,
            description="the baseline year (park local); default: the year before, or the year itself when the "
            "park has no readings before it",
        ),
    ] = None,
) -> VerifiedSavings:
    """A tenant's verified electricity savings (IPMVP Option C, ASHRAE 14): the baseline year's model on production
    (R2, CV(RMSE), NMBE, accepted or the statistic that refused it) and the year's avoided kWh with its fractional
    savings uncertainty. A tenant user reads only its own (another's answers 404)."""
    y = _year(scope, year)
    base = baseline_year or default_baseline_year(service, scope.park_id, y)
    return tenant_verified_savings(service, scope, tenant_id, y, base)  # type: ignore[return-value]


def default_baseline_year(service: Service, park_id: str, year: int) -> int:
    """The year before ``year``; ``year`` itself when the park has no readings before it (its statistics are
    then shown as the baseline that later years will be verified against)."""
    return year - 1 if year - 1 in aggregates.data_years(service, park_id) else year


def warm(service: Service) -> None:
    """Compute what the dashboard's pages show, so a first visit does not wait for the engines.

    Run in a background thread at start. For each park: its data, then for its last two years with readings
    (latest first) the inventory, water result and calendar, waste result; for the latest year the meters' gaps of
    the quality page and each tenant's verified savings; last, each tenant's solar offer (seconds per tenant).
    """
    from greenpark.api.accounts import Principal, Role

    warmer = Principal(user_id="-", username="warm-up", role=Role.operator)
    for park_id in service.park_ids():
        if service.stopping.is_set():
            return
        try:
            scope = ParkScope(service, warmer, service.park(park_id))
            years = aggregates.data_years(service, park_id)[-2:]
            for y in reversed(years):
                if not _warm_year(service, scope, y, latest=y == years[-1]):
                    return
            for t in scope.data.tenants if years else []:
                if service.stopping.is_set():
                    return
                tenant_solar(service, scope, t.tenant_id, years[-1])
        except Exception:  # warming is an optimisation: a failure only means a slower first request
            log.exception("warming the results of park %s failed", park_id)


def _warm_year(service: Service, scope: ParkScope, year: int, latest: bool) -> bool:
    """One year's results for :func:`warm`; False when the service is stopping."""
    from greenpark.api.routes.parks import default_gap_period

    steps: list[Any] = [park_inventory, park_water, water_calendar]
    if not scope.data.table("waste").empty:
        steps.append(park_waste)
    for step in steps:
        if service.stopping.is_set():
            return False
        step(service, scope, year)
    if latest:
        aggregates.meter_gaps(service, scope.park_id, *default_gap_period(service, scope))
        base = default_baseline_year(service, scope.park_id, year)
        for t in scope.data.tenants:
            if service.stopping.is_set():
                return False
            tenant_verified_savings(service, scope, t.tenant_id, year, base)
    return not service.stopping.is_set()
