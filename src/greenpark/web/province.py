"""Dashboard page: a province's parks side by side (the authority's view; the operator's too).

The rows are the API's own (:func:`greenpark.api.headlines.province_parks`, the service module under
``/api/v1/provinces/{key}/parks``), asked without waiting: a park whose figures are still being computed shows them as
pending and the page asks for itself again. The table sorts by each column (links, so it works without script)
and each park's name leads to its overview page for the same year. A tenant is sent to its own page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from greenpark.api.accounts import Role
from greenpark.api.deps import get_service
from greenpark.api.headlines import ParkHeadline, province_parks
from greenpark.api.problems import ProblemError, forbidden
from greenpark.api.roles import allowed
from greenpark.web.routes import PENDING_RETRY_MS, _problem_page, _who, render

router = APIRouter(include_in_schema=False)

#: the sortable columns: the query's ``sort`` value -> the row's field
PROVINCE_SORTS = {
    "park": "park_id",
    "tenants": "tenants",
    "emissions": "emissions_tco2e",
    "intensity": "intensity_tco2e_per_ha",
    "renewable": "renewable_share",
    "wwtp": "wwtp_compliance_rate",
    "waste": "waste_recovery_rate",
    "decree06": "decree06_tenants",
    "eip": "eip_status",
    "coverage": "coverage",
}
_ASCENDING_FIRST = ("park", "eip")  # the others start with the largest figure


def sorted_rows(rows: list[ParkHeadline], sort: str, desc: bool) -> list[ParkHeadline]:
    """Rows ordered by the column ``sort``; parks without that figure go last either way."""
    field = PROVINCE_SORTS[sort]
    present = [r for r in rows if getattr(r, field) is not None]
    absent = [r for r in rows if getattr(r, field) is None]
    return sorted(present, key=lambda r: (getattr(r, field), r.park_id), reverse=desc) + absent


@router.get("/provinces/{province}", response_class=HTMLResponse)
def province_page(province: str, request: Request) -> Response:
    """Every park of the province within the caller's reach with its headline figures; sortable; links to parks."""
    service = get_service(request)
    who = _who(request, service)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    if who.role is Role.tenant:
        return RedirectResponse(f"/parks/{who.park_id}/tenants/{who.tenant_id}", status_code=303)
    raw = request.query_params.get("year", "")
    year = int(raw) if raw.isdigit() and 1990 <= int(raw) <= 2100 else None
    try:
        if not allowed(who.role, "province:read"):
            raise forbidden(who.role.value, "province read")
        view = province_parks(service, who, province, year, wait=False)
    except ProblemError as exc:
        return _problem_page(request, who, exc)
    sort = request.query_params.get("sort", "emissions")
    sort = sort if sort in PROVINCE_SORTS else "emissions"
    default_dir = "asc" if sort in _ASCENDING_FIRST else "desc"
    desc = request.query_params.get("dir", default_dir) == "desc"
    hrefs: dict[str, str] = {}
    for key in PROVINCE_SORTS:
        flip = (
            "asc" if key == sort and desc else "desc" if key == sort else ("asc" if key in _ASCENDING_FIRST else "desc")
        )
        hrefs[key] = f"?{urlencode({**request.query_params, 'sort': key, 'dir': flip})}"
    rows = sorted_rows(view.data, sort, desc)
    pending: list[Any] = [g for r in rows for g in r.pending]  # asked again until every figure is in
    return render(
        request,
        "province.html",
        who,
        province=view,
        province_key=view.key,
        year=view.year,
        rows=rows,
        sort=sort,
        desc=desc,
        hrefs=hrefs,
        pending=pending,
        retry_ms=PENDING_RETRY_MS,
    )
