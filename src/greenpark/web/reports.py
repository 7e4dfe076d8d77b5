"""Dashboard page: reports (run the main job for a year, follow its stages, download HTML/PDF/JSON).

The page lists the park's report runs through the service module (``greenpark.api.views``) and, for an operator,
shows the form that starts one; the browser posts it to ``/api/v1/parks/{id}/reports`` with the CSRF
header and polls the run's status until it is done (``static/reports.js``). The authority reads and
downloads; a tenant is sent to its own page (a report holds every tenant).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from greenpark.api import views
from greenpark.api.pagination import PAGE_SIZE_DEFAULT
from greenpark.api.report_runs import RUN_STAGES
from greenpark.api.roles import allowed
from greenpark.i18n import request_lang
from greenpark.web.routes import data_years, park_prepared, park_wide, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(park_prepared)])
STATUS_POLL_MS = 2000  # how often the page asks for a running report's status (a run takes about a minute)


@router.get("/parks/{park_id}/reports", response_class=HTMLResponse)
def reports_page(park_id: str, request: Request) -> Response:
    """The park's report runs (newest first) with their downloads; operators start new ones here."""
    gate = park_wide(request, park_id, "reports:read")
    if isinstance(gate, Response):
        return gate
    service, who, scope = gate
    runs = views.reports(scope, request.app.state.reports, PAGE_SIZE_DEFAULT, 0)
    may_write = allowed(who.role, "reports:write")
    return render(
        request,
        "reports.html",
        who,
        zone=scope.data.park.timezone,
        park_id=park_id,
        runs=runs,
        may_write=may_write,
        years=list(reversed(data_years(service, scope))) if may_write else [],
        report_lang=request_lang(request)[0],
        stages=RUN_STAGES,
        poll_ms=STATUS_POLL_MS,
    )
