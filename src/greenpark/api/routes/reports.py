"""Reports: run the main job (all engines + the report) for a year in the background; list runs; download files.

``POST`` starts :func:`greenpark.assess.assess_park` and :func:`greenpark.report.write_report` (the same
stages and files as ``greenpark assess``) in a thread and answers 202 at once; the caller polls the run's
status. One run at a time per park (409 while one runs). A report holds every tenant, so tenants get
neither permission; the authority reads and downloads what the operator ran. Runs live in
:mod:`greenpark.api.report_runs`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from greenpark.api import aggregates, views
from greenpark.api.deps import ParkScope, ServiceDep, allow
from greenpark.api.pagination import PAGE_SIZE_DEFAULT, Limit, Offset
from greenpark.api.periods import EARLIEST, LATEST
from greenpark.api.problems import ProblemError, not_found
from greenpark.api.report_runs import REPORT_FILES, Lang, ReportRun, ReportRunningError, ReportRuns
from greenpark.api.views import API_PREFIX, ReportPublic, ReportsPublic, download_name

router = APIRouter(tags=["reports"])
ReportsRead = Annotated[ParkScope, Depends(allow("reports:read"))]
ReportsWrite = Annotated[ParkScope, Depends(allow("reports:write"))]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "role not allowed"},
    404: {"description": "not found or out of reach"},
}


def get_runs(request: Request) -> ReportRuns:
    """The service's report runs (made at start-up, on ``app.state.reports``)."""
    return request.app.state.reports  # type: ignore[no-any-return]


RunsDep = Annotated[ReportRuns, Depends(get_runs)]


class ReportCreate(BaseModel):
    """What to run: the year (park local time), the report's language, whether to render the PDF too."""

    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=EARLIEST.year, le=LATEST.year, description="calendar year with readings")
    lang: Lang = Field(default="en", description="report language: vi, en or ja")
    pdf: bool = Field(default=True, description="also render report.pdf (WeasyPrint; adds tens of seconds)")


def _run_or_404(runs: ReportRuns, scope: ParkScope, report_id: str) -> ReportRun:
    run = runs.get(scope.park_id, report_id)
    if run is None:
        raise not_found("report", report_id)
    return run


@router.post(
    "/parks/{park_id}/reports",
    response_model=ReportPublic,
    status_code=202,
    responses={**ERRORS, 409: {"description": "a report of this park is running"}, 422: {}},
)
def start_report(
    body: ReportCreate, scope: ReportsWrite, service: ServiceDep, runs: RunsDep, response: Response
) -> ReportPublic:
    """Start the main job for a year in the background (inventory, solar, water, waste, energy, plan, report).

    Answers 202 with the run; poll ``status_url`` until ``status`` is ``done`` (or ``failed``), then
    download from ``downloads``. One run at a time per park: 409 while one is queued or running.
    """
    years = aggregates.data_years(service, scope.park_id)
    if body.year not in years:
        raise ProblemError(
            422,
            "No readings for that year",
            f"park {scope.park_id!r} has no readings in {body.year}; years with readings: "
            f"{', '.join(map(str, years)) or 'none (import readings first)'}",
        )
    try:
        run = runs.start(scope.park_id, body.year, body.lang, body.pdf, scope.principal.username)
    except ReportRunningError as exc:
        raise ProblemError(
            409,
            "A report is running",
            str(exc),
            report_id=exc.run.report_id,
            status_url=f"{API_PREFIX}/parks/{scope.park_id}/reports/{exc.run.report_id}",
        ) from None
    out = views.report_public(runs, run)
    response.headers["Location"] = out.status_url
    return out


@router.get("/parks/{park_id}/reports", response_model=ReportsPublic, responses=ERRORS)
def list_reports(
    scope: ReportsRead, runs: RunsDep, limit: Limit = PAGE_SIZE_DEFAULT, offset: Offset = 0
) -> ReportsPublic:
    """The park's report runs, newest first: status, stage progress, times, error, files."""
    return views.reports(scope, runs, limit, offset)


@router.get("/parks/{park_id}/reports/{report_id}", response_model=ReportPublic, responses=ERRORS)
def get_report(report_id: str, scope: ReportsRead, runs: RunsDep) -> ReportPublic:
    """One report run (poll it while ``status`` is ``queued`` or ``running``)."""
    return views.report_public(runs, _run_or_404(runs, scope, report_id))


@router.get(
    "/parks/{park_id}/reports/{report_id}/files/{name}",
    response_class=FileResponse,
    responses={
        **ERRORS,
        200: {"content": {media: {} for media in REPORT_FILES.values()}, "description": "the file, as an attachment"},
    },
)
def download_report_file(report_id: str, name: str, scope: ReportsRead, runs: RunsDep) -> FileResponse:
    """Download ``report.html``, ``report.pdf`` or ``assessment.json`` of a finished run (as an attachment)."""
    run = _run_or_404(runs, scope, report_id)
    path = runs.file(run, name)
    if path is None:
        ready = ", ".join(run.files) or f"none yet (status {run.status})"
        raise ProblemError(
            404, "Not found", f"report {report_id} has no file {name!r}; files: {ready} (of {', '.join(REPORT_FILES)})"
        )
    # FileResponse with a filename answers Content-Disposition: attachment (and ETag, Last-Modified)
    return FileResponse(path, media_type=REPORT_FILES[name], filename=download_name(run, name))
