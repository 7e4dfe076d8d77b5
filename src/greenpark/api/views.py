"""The service module under the park-data routes and the dashboard: what the overview, alerts, quarantine, WWTP,
meters' gaps and report-run listings answer, for a caller's :class:`~greenpark.api.deps.ParkScope`.

Routes keep HTTP (parameters, status codes); the dashboard's pages call these same functions, never a route
module. Engine results live in :mod:`greenpark.api.engines`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, Field

from greenpark.api import aggregates
from greenpark.api.deps import ParkScope
from greenpark.api.engines import default_gap_period
from greenpark.api.periods import aware, check_range
from greenpark.api.report_runs import REPORT_FILES, ReportRun, ReportRuns
from greenpark.api.schemas import (
    AlertPublic,
    AlertsPublic,
    ConsumptionRow,
    MeterGapPublic,
    MeterGapsPublic,
    OverviewPublic,
    QuarantinePublic,
    WwtpPublic,
    WwtpsPublic,
)
from greenpark.api.service import Service
from greenpark.io.reasons import reason_code
from greenpark.periods import month_bounds, year_bounds

API_PREFIX = "/api/v1"  # greenpark.api.API_PREFIX (not imported: that package imports the routers that import this)


def caller_consumption(
    service: Service, scope: ParkScope, start: dt.datetime, end: dt.datetime, grain: str, tenant_id: str | None = None
) -> pd.DataFrame:
    """The caller's consumption rows: one tenant's (asked of the store for that tenant only), or the park's."""
    if tenant_id is not None:
        scope.tenant(tenant_id)  # another tenant's id answers 404
    tenant = tenant_id or scope.tenant_id
    if tenant is not None:
        return aggregates.consumption(service, scope.park_id, start, end, grain, by="tenant", tenant_id=tenant)
    return aggregates.consumption(service, scope.park_id, start, end, grain, by="tenant")


def consumption_rows(df: pd.DataFrame) -> list[ConsumptionRow]:
    """Consumption frame rows as the API's models (park-common rows with ``tenant_id`` None)."""
    if df is None or not len(df):
        return []
    out = df[["tenant_id", "kind", "period_start", "value", "n_values"]].copy()
    out["tenant_id"] = out["tenant_id"].astype(object).where(out["tenant_id"].notna(), None)
    return [ConsumptionRow(**{str(k): v for k, v in r.items()}) for r in out.to_dict(orient="records")]


def overview(service: Service, scope: ParkScope, year: int | None = None) -> OverviewPublic:
    """The park at a glance for a year: consumption by kind, this (or the year's last) month by tenant, open alerts."""
    now = dt.datetime.now(scope.data.park.zone)
    year = year or now.year
    start, end = year_bounds(scope.data.park.timezone, year)
    # the months of the year give both the year's totals and the last month's rows
    months = caller_consumption(service, scope, start, end, "month")
    by_kind = {} if not len(months) else {str(k): float(v) for k, v in months.groupby("kind")["value"].sum().items()}
    last_month = now if now.year == year else end - dt.timedelta(days=1)
    m_start, _ = month_bounds(last_month.astimezone(scope.data.park.zone))
    monthly = months[months["period_start"] == m_start] if len(months) else months
    _, n_open = service.alerts.page(scope.park_id, state="open", tenant_id=scope.tenant_id, limit=1)
    return OverviewPublic(
        park_id=scope.park_id,
        name=scope.data.park.name,
        year=year,
        scope="tenant" if scope.tenant_id else "park",
        tenant_id=scope.tenant_id,
        tenants=len(scope.tenants()),
        meters=len(scope.meters()),
        consumption_by_kind=by_kind,
        month_consumption_by_tenant=consumption_rows(monthly),
        open_alerts=n_open,
    )


def alerts(
    service: Service,
    scope: ParkScope,
    state: Literal["open", "acknowledged", "closed"] | None,
    limit: int,
    offset: int,
) -> AlertsPublic:
    """The caller's alerts, newest first, optionally of one state (a tenant: its own)."""
    rows, total = service.alerts.page(scope.park_id, state=state, tenant_id=scope.tenant_id, limit=limit, offset=offset)
    return AlertsPublic(data=[AlertPublic(**r) for r in rows], count=total)


def quarantine(service: Service, scope: ParkScope, limit: int, offset: int) -> QuarantinePublic:
    """Rejected rows kept for the park (file import and live ingestion), oldest first."""
    page = service.store.quarantine(scope.park_id, limit=limit, offset=offset).astype(object)  # paged in SQL
    page = page.where(page.notna(), None)
    return QuarantinePublic(
        data=[_quarantine_row(r) for r in page.to_dict(orient="records")],
        count=service.store.quarantine_count(scope.park_id),
    )


def _quarantine_row(row: dict[str, Any]) -> dict[str, Any]:
    """A stored rejected row as text, with its reason's code and parameters (:func:`greenpark.io.reasons.reason_code`,
    read from the English ``reason`` the store keeps) so a reader can show the reason in its language."""
    out: dict[str, Any] = {str(k): (str(v) if v is not None else None) for k, v in row.items()}
    out["reason_code"], out["reason_params"] = reason_code(out.get("reason"))
    return out


def wwtps(scope: ParkScope) -> WwtpsPublic:
    """The park's WWTPs."""
    data = [WwtpPublic(**w.model_dump(mode="json", include=set(WwtpPublic.model_fields))) for w in scope.data.wwtps]
    return WwtpsPublic(data=data, count=len(data))


def meter_gaps(
    service: Service, scope: ParkScope, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> MeterGapsPublic:
    """Every meter's expected vs received intervals in [start, end) (default: the last 30 days of data), its share
    missing and longest gap, worst first; computed in the store in one query."""
    zone = scope.data.park.timezone
    if start is None or end is None:
        d_start, d_end = default_gap_period(service, scope)
        start, end = start or d_start, end or d_end
    start, end = aware(start, zone), aware(end, zone)
    check_range(start, end, service.settings.query_max_days)
    df = aggregates.meter_gaps(service, scope.park_id, start, end)
    rows = [
        MeterGapPublic(**{k: (None if pd.isna(v) else v) for k, v in r.items()})  # type: ignore[arg-type]
        for r in df.astype(object).to_dict(orient="records")
    ]
    return MeterGapsPublic(start=start, end=end, data=rows, count=len(rows))


class ReportFile(BaseModel):
    """A file of a finished run, ready for download."""

    name: str
    media_type: str
    bytes: int
    url: str


class ReportPublic(ReportRun):
    """A report run with its links: where to poll, what to download."""

    status_url: str
    downloads: list[ReportFile] = Field(default_factory=list)


class ReportsPublic(BaseModel):
    """A page of report runs, newest first."""

    data: list[ReportPublic]
    count: int


def download_name(run: ReportRun, name: str) -> str:
    """The file name a download is saved as: ``greenpark-<park>-<year>-<lang>.<ext>`` (the JSON ``-assessment``)."""
    stem = f"greenpark-{run.park_id}-{run.year}-{run.lang}"
    return f"{stem}-assessment.json" if name == "assessment.json" else f"{stem}.{name.rsplit('.', 1)[1]}"


def report_public(runs: ReportRuns, run: ReportRun) -> ReportPublic:
    """The run as the API shows it (status URL, downloadable files with their sizes)."""
    base = f"{API_PREFIX}/parks/{run.park_id}/reports/{run.report_id}"
    downloads = []
    for name in run.files:
        path = runs.file(run, name)
        if path is not None:
            downloads.append(
                ReportFile(
                    name=name, media_type=REPORT_FILES[name], bytes=path.stat().st_size, url=f"{base}/files/{name}"
                )
            )
    return ReportPublic(**run.model_dump(), status_url=base, downloads=downloads)


def reports(scope: ParkScope, runs: ReportRuns, limit: int, offset: int) -> ReportsPublic:
    """The park's report runs, newest first: status, stage progress, times, error, files."""
    all_runs = runs.list(scope.park_id)
    return ReportsPublic(data=[report_public(runs, r) for r in all_runs[offset : offset + limit]], count=len(all_runs))
