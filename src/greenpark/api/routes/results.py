"""Engine results for a year (GHG inventory, water, waste, a tenant's solar offer and verified savings), scoped to
the caller: HTTP only. What each route answers is computed in :mod:`greenpark.api.engines` (the service module, which
calls the application layer :mod:`greenpark.runs` and caches per park and year).

Park-wide results would reveal other tenants, so a tenant user reads only its own inventory
(``/tenants/{tenant_id}/inventory``). A year without readings answers 404 with the years the park has.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from greenpark.api import engines
from greenpark.api.deps import ParkScope, ServiceDep, allow
from greenpark.api.problems import ProblemError
from greenpark.api.schemas import TenantSolarPublic
from greenpark.eip import EipResult
from greenpark.energy.verification import VerifiedSavings
from greenpark.errors import NoDataError
from greenpark.ghg import InventoryResult, TenantInventory
from greenpark.waste.assessment import WasteResult
from greenpark.water import WaterResult

router = APIRouter(tags=["results"])
InventoryRead = Annotated[ParkScope, Depends(allow("inventory:read"))]
WaterRead = Annotated[ParkScope, Depends(allow("water:read"))]
WasteRead = Annotated[ParkScope, Depends(allow("waste:read"))]
SolarRead = Annotated[ParkScope, Depends(allow("solar:read"))]
EnergyRead = Annotated[ParkScope, Depends(allow("energy:read"))]
PlanRead = Annotated[ParkScope, Depends(allow("plan:read"))]
EipRead = Annotated[ParkScope, Depends(allow("eip:read"))]
Year = Annotated[
    int | None,
    Query(ge=1990, le=2100, description="calendar year (park local); default: the latest year with all 12 months"),
]
GridPurpose = Annotated[
    Literal["default", "decree06"],
    Query(
        description="grid factor: 'default' (the data year's) or 'decree06' (the latest announced by the DCC, as a "
        "Decree 06/2022 submission uses)"
    ),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "role not allowed"},
    404: {"description": "not found, out of reach, or no data for the year"},
}


def _year(service: Any, scope: ParkScope, year: int | None, require_readings: bool = True) -> int:
    """The year asked (404 when it has no readings), or :func:`greenpark.runs.default_year`.

    ``require_readings=False`` for results that stand on other records (water, waste): their engine run checks
    its own records' years.
    """
    try:
        if year is None:
            return engines.default_year(service, scope)
        if require_readings:
            engines.require_year(service, scope, year)
    except NoDataError as exc:
        raise ProblemError(404, "Not found", str(exc)) from None
    return year


@router.get("/parks/{park_id}/inventory", response_model=InventoryResult, responses=ERRORS)
def get_inventory(
    scope: InventoryRead, service: ServiceDep, year: Year = None, purpose: GridPurpose = "default"
) -> InventoryResult:
    """The park's GHG inventory for a year: scopes, tenants, months, Decree 06 duties, factors used."""
    if scope.tenant_id is not None:
        raise ProblemError(
            403,
            "Forbidden",
            f"a tenant reads its own inventory at /api/v1/parks/{scope.park_id}/tenants/{scope.tenant_id}/inventory; "
            "park-wide figures would reveal other tenants",
        )
    return engines.park_inventory(service, scope, _year(service, scope, year), grid_purpose=purpose)  # type: ignore[return-value]


@router.get("/parks/{park_id}/tenants/{tenant_id}/inventory", response_model=TenantInventory, responses=ERRORS)
def get_tenant_inventory(
    tenant_id: str, scope: InventoryRead, service: ServiceDep, year: Year = None, purpose: GridPurpose = "default"
) -> TenantInventory:
    """One tenant's inventory for a year (a tenant user: only its own; another's answers 404)."""
    scope.tenant(tenant_id)
    return engines.tenant_inventory(  # type: ignore[return-value]
        service, scope, tenant_id, _year(service, scope, year), grid_purpose=purpose
    )


@router.get("/parks/{park_id}/water", response_model=WaterResult, responses=ERRORS)
def get_water(scope: WaterRead, service: ServiceDep, year: Year = None) -> WaterResult:
    """The water pillar for a year: each WWTP against QCVN 40 (compliance, exceedances, faults), tenant loads."""
    if not scope.data.wwtps:
        raise ProblemError(404, "Not found", f"park {scope.park_id!r} has no WWTP; import a wwtp.csv")
    try:
        return engines.park_water(service, scope, _year(service, scope, year, False))  # type: ignore[return-value]
    except NoDataError as exc:
        raise ProblemError(404, "Not found", str(exc)) from None


@router.get("/parks/{park_id}/waste", response_model=WasteResult, responses=ERRORS)
def get_waste(scope: WasteRead, service: ServiceDep, year: Year = None) -> WasteResult:
    """The waste pillar for a year: indicators, GHG by route, manifest checks, symbiosis proposals (park-wide)."""
    if scope.tenant_id is not None:
        raise ProblemError(
            403, "Forbidden", "the park's waste result holds every tenant's records; a tenant cannot read it"
        )
    if scope.data.table("waste").empty:
        raise ProblemError(404, "Not found", f"park {scope.park_id!r} has no waste records; import a waste.csv")
    try:
        return engines.park_waste(service, scope, _year(service, scope, year, False))  # type: ignore[return-value]
    except NoDataError as exc:
        raise ProblemError(404, "Not found", str(exc)) from None


@router.get("/parks/{park_id}/tenants/{tenant_id}/solar", response_model=TenantSolarPublic, responses=ERRORS)
def get_tenant_solar(tenant_id: str, scope: SolarRead, service: ServiceDep, year: Year = None) -> TenantSolarPublic:
    """One tenant's solar offer: PV kWp, battery, self-consumption, savings, NPV, payback, avoided tCO2e, roofs.

    A tenant user reads only its own (another's answers 404). The first answer for a year may take seconds
    (the sizing LP); later ones come from the cache.
    """
    scope.tenant(tenant_id)
    return engines.tenant_solar(service, scope, tenant_id, _year(service, scope, year))  # type: ignore[return-value]


@router.get("/parks/{park_id}/tenants/{tenant_id}/savings", response_model=VerifiedSavings, responses=ERRORS)
def get_tenant_savings(
    tenant_id: str,
    scope: InventoryRead,
    service: ServiceDep,
    year: Year = None,
    baseline_year: Annotated[
        int | None,
        Query(ge=1990, le=2100, description="the baseline year (park local); default: the year before"),
    ] = None,
) -> VerifiedSavings:
    """A tenant's verified electricity savings (IPMVP Option C, ASHRAE 14): the baseline year's model on production
    (R2, CV(RMSE), NMBE, accepted or the statistic that refused it) and the year's avoided kWh with its fractional
    savings uncertainty. A tenant user reads only its own (another's answers 404); 404 when the baseline year (by
    default the year before) has no readings."""
    scope.tenant(tenant_id)
    y = _year(service, scope, year)
    try:
        base = baseline_year if baseline_year is not None else engines.default_baseline_year(service, scope, y)
        if base >= y:
            raise ProblemError(422, "Unprocessable", f"the baseline year {base} must be before the year {y}")
        engines.require_year(service, scope, base)
    except NoDataError as exc:
        raise ProblemError(404, "Not found", str(exc)) from None
    return engines.tenant_verified_savings(service, scope, tenant_id, y, base)  # type: ignore[return-value]


@router.get("/parks/{park_id}/energy", responses=ERRORS)
def get_energy(scope: EnergyRead, service: ServiceDep, year: Year = None) -> dict[str, Any]:
    """Load analytics (peak, load factor, base load, monthly kWh), monthly baselines on production and
    energy-intensity benchmarks of every tenant for a year (the same JSON as ``greenpark energy --json``)."""
    try:
        return engines.park_energy(service, scope, _year(service, scope, year))  # type: ignore[return-value]
    except NoDataError as exc:
        raise ProblemError(404, "Not found", str(exc)) from None


@router.get("/parks/{park_id}/plan", responses=ERRORS)
def get_plan(scope: PlanRead, service: ServiceDep, year: Year = None) -> dict[str, Any]:
    """Candidate measures, the marginal abatement cost curve and the roadmap to the park's targets from a year's
    inventory and the tenants' solar offers (the same JSON as ``greenpark plan --json``). The first answer for a year
    sizes every tenant's rooftop PV (seconds per tenant); later ones come from the cache."""
    return engines.park_plan(service, scope, _year(service, scope, year))  # type: ignore[return-value]


@router.get("/parks/{park_id}/eip", responses=ERRORS)
def get_eip(scope: EipRead, service: ServiceDep, year: Year = None) -> EipResult:
    """The park against Decree 35/2022/ND-CP Art. 37 and the International EIP Framework v2.0: each criterion
    met / not_met / unknown with value, threshold, evidence and what is missing; eco-enterprises; the park's status;
    the roadmap (the same JSON as ``greenpark eip --json``). For the operator and the authority."""
    return engines.park_eip(service, scope, _year(service, scope, year))  # type: ignore[return-value]
