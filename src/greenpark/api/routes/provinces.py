"""Provinces: the parks of a province side by side, for the operator and the province's authority (read-only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from greenpark.api import headlines
from greenpark.api.accounts import Principal
from greenpark.api.deps import ServiceDep, require
from greenpark.api.headlines import ProvinceParksPublic, ProvincesPublic

router = APIRouter(tags=["provinces"])
ProvinceReader = Annotated[Principal, Depends(require("province:read"))]
RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "the caller's role does not allow this (tenants, devices)"},
    404: {"description": "no park of this province within the caller's reach"},
}


@router.get("/provinces", response_model=ProvincesPublic, responses={403: RESPONSES[403]})
def list_provinces(service: ServiceDep, who: ProvinceReader) -> ProvincesPublic:
    """The provinces of the parks within the caller's reach (an authority: its own), with their park counts."""
    return headlines.provinces(service, who)


@router.get("/provinces/{province}/parks", response_model=ProvinceParksPublic, responses=RESPONSES)
def province_parks(
    service: ServiceDep,
    who: ProvinceReader,
    province: Annotated[str, Path(max_length=200, description="the province's key (dong-nai) or its name")],
    year: Annotated[
        int | None,
        Query(ge=1990, le=2100, description="calendar year; default: the latest of the parks' default years"),
    ] = None,
) -> ProvinceParksPublic:
    """Every park of the province within the caller's reach with its headline figures for the year: emissions,
    tCO2e per ha, renewable share, the least compliant WWTP's QCVN 40 compliance, waste recovery, Decree 06 tenants,
    the EIP status (once the park's EIP assessment has been computed; ``pending`` until then) and the data coverage.
    The figures are each park's own results (``/parks/{id}/inventory``, ``/water``, ``/waste``, ``/eip``); a figure
    a park cannot have names its reason in ``missing``."""
    return headlines.province_parks(service, who, province, year)
