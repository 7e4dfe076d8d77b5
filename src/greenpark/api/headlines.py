"""The service module under the province routes and the province page: every park of a province within the
caller's reach, side by side, with its headline figures for a year.

The figures are the parks' own engine results, asked of :mod:`greenpark.api.engines` (the cached path the park
pages and the results endpoints use, which computes through :mod:`greenpark.runs`), so a park's row equals its
``/inventory``, ``/water``, ``/waste`` and ``/eip`` answers for the same year. Nothing here computes what an engine
computes: a headline is read off a result (the lowest WWTP compliance of the park's plants, the tenants whose Decree
06 answer is ``required``); the one ratio, emissions per hectare of park, divides the inventory's total by the
park's declared area.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Literal

from pydantic import BaseModel, Field

from greenpark.api import engines
from greenpark.api.accounts import Principal
from greenpark.api.deps import ParkScope
from greenpark.api.problems import not_found
from greenpark.api.provinces import province_key
from greenpark.api.service import Service
from greenpark.errors import GreenparkError, StoreError

log = logging.getLogger(__name__)

#: the figure groups of a row, by the engine result they are read from
Group = Literal["ghg", "water", "waste", "eip"]


class ParkHeadline(BaseModel):
    """One park of a province: its headline figures for a year (None: not known; see ``pending`` and ``missing``)."""

    park_id: str
    name: str
    province: str
    area_ha: float = Field(description="the park's declared area (ha)")
    tenants: int
    year: int
    emissions_tco2e: float | None = Field(description="the inventory's total (location-based Scope 2), tCO2e")
    intensity_tco2e_per_ha: float | None = Field(description="emissions_tco2e / area_ha, tCO2e per ha of park")
    renewable_share: float | None = Field(description="the inventory's renewable share of electricity, 0-1")
    wwtp_compliance_rate: float | None = Field(
        description="the least compliant WWTP's QCVN 40 compliance rate of the year, 0-1 (None: no WWTP or no data)"
    )
    wwtps: int = Field(description="the park's WWTPs")
    waste_recovery_rate: float | None = Field(description="the waste result's recovery rate, 0-1")
    decree06_tenants: int | None = Field(description="tenants whose Decree 06/2022 answer is 'required'")
    eip_status: Literal["eligible", "not_eligible", "unknown"] | None = Field(
        description="Decree 35/2022 Art. 37 park status; None until the park's EIP assessment has been computed"
    )
    coverage: float | None = Field(description="valid / expected electricity import intervals of the year, 0-1")
    coverage_status: str | None = Field(description="complete, partial or insufficient")
    pending: list[Group] = Field(default_factory=list, description="figure groups still being computed")
    missing: dict[str, str] = Field(default_factory=dict, description="figure group -> why it has no figure")


class ProvinceParksPublic(BaseModel):
    """The parks of a province within the caller's reach, with their headline figures, in park id order."""

    province: str = Field(description="the province as the first of its parks writes it")
    key: str = Field(description="the province's key (its address: /api/v1/provinces/{key}/parks)")
    year: int
    data: list[ParkHeadline]
    count: int


class ProvincePublic(BaseModel):
    """A province with parks within the caller's reach."""

    province: str
    key: str
    parks: int


class ProvincesPublic(BaseModel):
    """The provinces within the caller's reach (parks without a province are not listed)."""

    data: list[ProvincePublic]
    count: int


def parks_in_reach(service: Service, who: Principal) -> list[ParkScope]:
    """The parks the caller reaches (:meth:`Principal.reaches`), in park id order, as its scopes."""
    out = []
    for park_id in service.park_ids():
        data = service.park(park_id)
        if who.reaches(park_id, data.park.province):
            out.append(ParkScope(service, who, data))
    return out


def provinces(service: Service, who: Principal) -> ProvincesPublic:
    """The provinces of the parks in the caller's reach, with how many parks each has."""
    found: dict[str, ProvincePublic] = {}
    for scope in parks_in_reach(service, who):
        name = scope.data.park.province
        key = province_key(name)
        if not key:
            continue
        entry = found.setdefault(key, ProvincePublic(province=name.strip(), key=key, parks=0))
        entry.parks += 1
    data = [found[k] for k in sorted(found)]
    return ProvincesPublic(data=data, count=len(data))


def province_scopes(service: Service, who: Principal, province: str) -> list[ParkScope]:
    """The parks of ``province`` (a name or its key) in the caller's reach; 404 when there is none (another
    province's parks answer as if the province did not exist)."""
    key = province_key(province)
    scopes = [s for s in parks_in_reach(service, who) if key and province_key(s.data.park.province) == key]
    if not scopes:
        raise not_found("province", province)
    return scopes


def default_year(service: Service, scopes: list[ParkScope]) -> int:
    """The latest of the parks' default years (:func:`greenpark.runs.default_year`), so the parks are compared on one
    year; this year in the first park's zone when none has readings."""
    years = []
    for scope in scopes:
        try:
            years.append(engines.default_year(service, scope))
        except StoreError:
            raise
        except GreenparkError as exc:  # a park without readings has no default year: it does not choose
            log.info("province: park %s has no default year: %s", scope.park_id, exc)
    return max(years) if years else dt.datetime.now(scopes[0].data.park.zone).year


def headline(service: Service, scope: ParkScope, year: int, wait: bool = True) -> ParkHeadline:
    """One park's headline figures for ``year`` from its cached engine results.

    ``wait=True`` (the API) waits for the inventory; ``wait=False`` (the page) takes it only when ready and lists
    it in ``pending`` otherwise (computed behind). The water and waste results are always waited for: the start-up
    warm-up computes them, and a result that cannot be had (no wastewater records for the year) must be said, which
    a figure asked without waiting never is (a failed background run leaves it pending). The EIP status is never
    waited for: it needs every tenant's solar sizing on a park with roofs (seconds per tenant), so it is shown once
    computed behind (by this call, or by the park's EIP page).
    """
    park = scope.data.park
    pending: list[Group] = []
    missing: dict[str, str] = {}

    def ask(group: Group, fn: Any, *args: Any, wait_for: bool = wait) -> Any:
        try:
            value = fn(service, scope, *args, wait=wait_for)
        except StoreError:
            raise  # the store is down or slow: the request answers 503, not a row without figures
        except GreenparkError as exc:  # no readings that year, no records: the row says why
            missing[group] = str(exc)
            return None
        if value is None:
            pending.append(group)
        return value

    inv = None
    try:  # as /inventory and /eip: a year without readings has no inventory (not one of zero)
        engines.require_year(service, scope, year)
    except StoreError:
        raise
    except GreenparkError as exc:
        missing["ghg"] = str(exc)
    else:
        inv = ask("ghg", engines.park_inventory, year)
    water = None
    if scope.data.wwtps:
        water = ask("water", engines.park_water, year, wait_for=True)
    else:
        missing["water"] = "the park has no WWTP"
    waste = None
    if not scope.data.table("waste").empty:
        waste = ask("waste", engines.park_waste, year, wait_for=True)
    else:
        missing["waste"] = "the park has no waste records"
    eip = ask("eip", engines.park_eip, year, wait_for=False) if "ghg" not in missing else None
    rates = [w.compliance_rate for w in (water.wwtps if water else []) if w.compliance_rate is not None]
    return ParkHeadline(
        park_id=scope.park_id,
        name=park.name,
        province=park.province,
        area_ha=park.area_ha,
        tenants=len(scope.data.tenants),
        year=year,
        emissions_tco2e=inv.total_tco2e if inv else None,
        intensity_tco2e_per_ha=inv.total_tco2e / park.area_ha if inv else None,
        renewable_share=inv.renewable_share if inv else None,
        wwtp_compliance_rate=min(rates) if rates else None,
        wwtps=len(scope.data.wwtps),
        waste_recovery_rate=waste.recovery_rate if waste else None,
        decree06_tenants=sum(t.decree06_status == "required" for t in inv.tenants) if inv else None,
        eip_status=eip.park_status if eip else None,
        coverage=inv.coverage if inv else None,
        coverage_status=inv.coverage_status if inv else None,
        pending=pending,
        missing=missing,
    )


def province_parks(
    service: Service, who: Principal, province: str, year: int | None = None, wait: bool = True
) -> ProvinceParksPublic:
    """Every park of ``province`` in the caller's reach with its headline figures for ``year`` (default: the latest
    of the parks' default years)."""
    scopes = province_scopes(service, who, province)
    year = year or default_year(service, scopes)
    rows = [headline(service, s, year, wait) for s in scopes]
    first = scopes[0].data.park.province.strip()
    return ProvinceParksPublic(province=first, key=province_key(first), year=year, data=rows, count=len(rows))
