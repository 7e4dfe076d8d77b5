"""The service module under the results routes and the dashboard: engine results for a park and year, scoped to the
caller and cached.

Every result is computed by :mod:`greenpark.runs` (the application layer the CLI and ``assess`` use too) on a
:class:`~greenpark.runs.ParkYear` whose readings come from the service's cached view of the store
(:class:`~greenpark.api.aggregates.CachedReadings`), so the API's figures equal the CLI's. Results are cached per
park and year until a reading of that year arrives (:meth:`Service.cached_year`); ``wait=False`` answers None
while a result is computed in the background (dashboard pages show it as pending).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from greenpark import runs
from greenpark.api.accounts import Principal, Role
from greenpark.api.aggregates import CachedReadings, UncachedReadings, data_years, meter_gaps
from greenpark.api.deps import ParkScope
from greenpark.api.schemas import TenantSolarPublic
from greenpark.api.service import Service
from greenpark.eip import EipResult
from greenpark.energy.verification import VerifiedSavings
from greenpark.errors import GreenparkError
from greenpark.ghg import InventoryResult, TenantInventory
from greenpark.periods import year_bounds
from greenpark.waste.assessment import WasteResult
from greenpark.water import WaterResult
from greenpark.water.calendar import CalendarDay, compliance_calendar

log = logging.getLogger(__name__)


def default_year(service: Service, scope: ParkScope) -> int:
    """:func:`greenpark.runs.default_year` of the park (cached until its readings change; the months it looks at
    come from the month cache the overview fills, so a new reading costs one month's query, not the year's)."""
    choice = service.cached_park(
        scope.park_id, ("default_year",), lambda: runs.default_year(scope.data, CachedReadings(service))
    )
    return choice.year


def _park_year(service: Service, scope: ParkScope, year: int, cached: bool = True) -> runs.ParkYear:
    readings = CachedReadings(service) if cached else UncachedReadings(service)
    return runs.ParkYear(scope.data, readings, year)


def _cached(
    service: Service,
    scope: ParkScope,
    year: int,
    key: tuple[Any, ...],
    compute: Any,
    wait: bool,
    also_years: tuple[int, ...] = (),
) -> Any:
    """``service.cached_year`` (fresh while the readings of ``year`` and ``also_years`` are unchanged); with
    ``wait=False`` the result only if ready (else None, computed behind)."""
    zone = scope.data.park.timezone
    if wait:
        return service.cached_year(scope.park_id, zone, year, key, compute, also_years)
    return service.cached_year_if_ready(scope.park_id, zone, year, key, compute, also_years)


def require_year(service: Service, scope: ParkScope, year: int) -> None:
    """:func:`greenpark.runs.require_readings`: NoDataError (the API answers 404 saying what the park's data covers)
    when ``year`` has no readings."""
    runs.require_readings(scope.data, CachedReadings(service), year)


def park_inventory(
    service: Service, scope: ParkScope, year: int, wait: bool = True, grid_purpose: str = "default"
) -> InventoryResult | None:
    """:func:`greenpark.runs.inventory_for` of the park for ``year`` (cached until the year's readings change);
    ``grid_purpose="decree06"``: on the latest grid factor announced by the DCC (a Decree 06 submission)."""
    return _cached(  # type: ignore[no-any-return]
        service,
        scope,
        year,
        ("inventory", grid_purpose),
        lambda: runs.inventory_for(_park_year(service, scope, year), grid_purpose=grid_purpose),
        wait,
    )


def tenant_inventory(
    service: Service, scope: ParkScope, tenant_id: str, year: int, wait: bool = True, grid_purpose: str = "default"
) -> TenantInventory | None:
    """One tenant's part of the park inventory (None with ``wait=False`` while the inventory is computed)."""
    scope.tenant(tenant_id)
    result = park_inventory(service, scope, year, wait, grid_purpose)
    if result is None:
        return None
    for t in result.tenants:
        if t.tenant_id == tenant_id:
            return t
    return TenantInventory(tenant_id=tenant_id, name=scope.tenant(tenant_id).name)


def park_water(service: Service, scope: ParkScope, year: int, wait: bool = True) -> WaterResult | None:
    """:func:`greenpark.runs.water_for` for ``year`` (``wait=False``: None while it is computed in the background)."""
    return _cached(  # type: ignore[no-any-return]
        service, scope, year, ("water",), lambda: runs.water_for(_park_year(service, scope, year)), wait
    )


def water_calendar(
    service: Service, scope: ParkScope, year: int, wait: bool = True
) -> dict[str, list[CalendarDay]] | None:
    """Each WWTP's compliance calendar of ``year`` (day by day) from the water result, by WWTP id."""

    def compute() -> dict[str, list[CalendarDay]]:
        water = park_water(service, scope, year)
        assert water is not None  # waited for
        ww = scope.data.table("wastewater")
        return {w.wwtp_id: compliance_calendar(w, ww, year, scope.data.park.timezone) for w in water.wwtps}

    return _cached(service, scope, year, ("water-calendar",), compute, wait)  # type: ignore[no-any-return]


def park_waste(service: Service, scope: ParkScope, year: int, wait: bool = True) -> WasteResult | None:
    """:func:`greenpark.runs.waste_for` for ``year`` (``wait=False``: None while it is computed in the background)."""
    return _cached(  # type: ignore[no-any-return]
        service, scope, year, ("waste",), lambda: runs.waste_for(_park_year(service, scope, year)), wait
    )


def tenant_solar(
    service: Service, scope: ParkScope, tenant_id: str, year: int, wait: bool = True
) -> TenantSolarPublic | None:
    """One tenant's rooftop PV + battery optimum for ``year``'s load, sized alone (:func:`greenpark.runs.solar_for`
    with ``tenant_id``), cached per park, year and tenant until the year's readings change."""
    scope.tenant(tenant_id)

    def compute() -> TenantSolarPublic:
        py = _park_year(service, scope, year, cached=False)
        result = runs.solar_for(py, dt.date.today(), tenant_id=tenant_id)
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


def park_energy(service: Service, scope: ParkScope, year: int, wait: bool = True) -> dict[str, Any] | None:
    """:func:`greenpark.runs.energy_for`: load analytics, baselines and benchmarks of every tenant for ``year``."""
    return _cached(  # type: ignore[no-any-return]
        service, scope, year, ("energy",), lambda: runs.energy_for(_park_year(service, scope, year)), wait
    )


def park_solar(service: Service, scope: ParkScope, year: int, wait: bool = True) -> Any:
    """:func:`greenpark.runs.solar_for` of the whole park for ``year`` (every tenant sized; seconds per tenant)."""
    return _cached(
        service,
        scope,
        year,
        ("solar-park",),
        lambda: runs.solar_for(_park_year(service, scope, year, cached=False), dt.date.today()),
        wait,
    )


def park_plan(service: Service, scope: ParkScope, year: int, wait: bool = True) -> dict[str, Any] | None:
    """:func:`greenpark.runs.plan_for`: measures, cost curve and roadmap from ``year``'s inventory and the park's
    solar offers (none when the park has no roofs)."""

    def compute() -> dict[str, Any]:
        inv = park_inventory(service, scope, year)
        solar = park_solar(service, scope, year) if scope.data.roofs else None
        return runs.plan_for(_park_year(service, scope, year), inv, solar)

    return _cached(service, scope, year, ("plan",), compute, wait)  # type: ignore[no-any-return]


def park_eip(service: Service, scope: ParkScope, year: int, wait: bool = True) -> EipResult | None:
    """:func:`greenpark.runs.eip_for`: the park against Decree 35/2022 Art. 37 and the EIP Framework v2.0, on the
    cached inventory, water, waste and solar results of ``year`` (a result that cannot be had is left to the run,
    which records why and leaves its criteria unknown). Cached until a reading of ``year`` or of the years before
    it that the effluent criteria read (:func:`greenpark.runs.effluent_years`) arrives."""

    def attempt(fn: Any) -> Any:
        try:
            return fn()
        except GreenparkError:  # the run computes it again and records the reason beside the criteria
            return None

    def compute() -> EipResult:
        inv = attempt(lambda: park_inventory(service, scope, year))
        water = attempt(lambda: park_water(service, scope, year)) if scope.data.wwtps else None
        waste = attempt(lambda: park_waste(service, scope, year))
        solar = attempt(lambda: park_solar(service, scope, year)) if scope.data.roofs else None
        return runs.eip_for(_park_year(service, scope, year), inv, water, waste, solar)

    earlier = tuple(y for y in runs.effluent_years(year) if y != year)
    return _cached(service, scope, year, ("eip",), compute, wait, earlier)  # type: ignore[no-any-return]


def default_baseline_year(service: Service, scope: ParkScope, year: int) -> int:
    """:func:`greenpark.runs.default_baseline_year`: the year before ``year`` (NoDataError when it has no data)."""
    return runs.default_baseline_year(data_years(service, scope.park_id), year)


def tenant_verified_savings(
    service: Service, scope: ParkScope, tenant_id: str, year: int, baseline_year: int, wait: bool = True
) -> VerifiedSavings | None:
    """:func:`greenpark.runs.savings_for`: a tenant's baseline test and verified savings of ``year`` against
    ``baseline_year``."""
    scope.tenant(tenant_id)

    def compute() -> VerifiedSavings:
        return runs.savings_for(scope.data, UncachedReadings(service), tenant_id, year, baseline_year)

    key = ("savings", tenant_id, baseline_year)
    return _cached(service, scope, year, key, compute, wait)  # type: ignore[no-any-return]


#: the quality page's window for meters with gaps (days)
GAPS_DAYS = 30


def default_gap_period(service: Service, scope: ParkScope) -> tuple[dt.datetime, dt.datetime]:
    """The last ``GAPS_DAYS`` days of data: up to now, or to the end of the latest year with readings."""
    now = dt.datetime.now(scope.data.park.zone).replace(minute=0, second=0, microsecond=0)
    years = data_years(service, scope.park_id)
    end = min(now, year_bounds(scope.data.park.timezone, years[-1])[1]) if years else now
    return end - dt.timedelta(days=GAPS_DAYS), end


def warm(service: Service) -> None:
    """Compute what the dashboard's pages show, so a first visit does not wait for the engines.

    Run in a background thread at start. For each park: its data, then for its last two years with readings
    (latest first) the inventory, water result and calendar, waste result; for the latest year the meters' gaps of
    the quality page and each tenant's verified savings; last, each tenant's solar offer (seconds per tenant).
    """
    warmer = Principal(user_id="-", username="warm-up", role=Role.operator)
    for park_id in service.park_ids():
        if service.stopping.is_set():
            return
        try:
            scope = ParkScope(service, warmer, service.park(park_id))
            years = data_years(service, park_id)[-2:]
            for y in reversed(years):
                if not _warm_year(service, scope, y, latest=y == years[-1]):
                    return
            for t in scope.data.tenants if years and scope.data.roofs else []:
                if service.stopping.is_set():
                    return
                tenant_solar(service, scope, t.tenant_id, years[-1])
        except Exception:  # warming is an optimisation: a failure only means a slower first request
            log.exception("warming the results of park %s failed", park_id)


def _warm_year(service: Service, scope: ParkScope, year: int, latest: bool) -> bool:
    """One year's results for :func:`warm`; False when the service is stopping."""
    steps: list[Any] = [park_inventory]
    if scope.data.wwtps:
        steps += [park_water, water_calendar]
    if not scope.data.table("waste").empty:
        steps.append(park_waste)
    for step in steps:
        if service.stopping.is_set():
            return False
        step(service, scope, year)
    if latest:
        meter_gaps(service, scope.park_id, *default_gap_period(service, scope))
        if year - 1 in data_years(service, scope.park_id):
            for t in scope.data.tenants:
                if service.stopping.is_set():
                    return False
                tenant_verified_savings(service, scope, t.tenant_id, year, year - 1)
    return not service.stopping.is_set()
