"""Reading batches over HTTP (JSON or CSV) and the quarantine of rejected rows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from greenpark.api import views
from greenpark.api.accounts import Role
from greenpark.api.deps import ParkScope, ServiceDep, allow
from greenpark.api.pagination import PAGE_SIZE_DEFAULT, Limit, Offset
from greenpark.api.problems import ProblemError
from greenpark.api.schemas import IngestReportPublic, QuarantinePublic
from greenpark.api.service import Service
from greenpark.ingest.payload import (
    RAW_COLUMNS,
    BatchTooLargeError,
    check_csv_batch,
    check_json_batch,
    fields_from_json_bytes,
    records_from_json_bytes,
    rows_from_csv_bytes,
)
from greenpark.ingest.pipeline import IngestReport
from greenpark.ingest.wastewater import RAW_COLUMNS as WASTEWATER_COLUMNS

router = APIRouter(tags=["ingest"])
ReadingsWrite = Annotated[ParkScope, Depends(allow("readings:write"))]
QuarantineRead = Annotated[ParkScope, Depends(allow("quarantine:read"))]
WastewaterWrite = Annotated[ParkScope, Depends(allow("wastewater:write"))]

_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "meter_id": {"type": "string"},
                            "timestamp": {"type": "string", "description": "ISO 8601; no offset = park local"},
                            "value": {"type": "number"},
                        },
                        "required": ["meter_id", "timestamp", "value"],
                    },
                }
            },
            "text/csv": {"schema": {"type": "string", "description": "header meter_id,timestamp,value"}},
        },
    }
}


async def _body(request: Request, service: ServiceDep) -> bytes:
    """The request body, refused (413) beyond ``ingest_max_bytes`` while it streams in (never held whole)."""
    limit = service.settings.ingest_max_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ProblemError(413, "Batch too large", f"the body has {declared} bytes; send at most {limit} per request")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProblemError(413, "Batch too large", f"the body exceeds {limit} bytes; split the batch")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/parks/{park_id}/readings",
    response_model=IngestReportPublic,
    openapi_extra=_BODY_DOC,
    responses={403: {}, 404: {}, 413: {}, 415: {}, 422: {}},
)
async def post_readings(request: Request, scope: ReadingsWrite, service: ServiceDep) -> IngestReportPublic:
    """Ingest a batch of readings (JSON list or CSV); answers once the accepted ones are durable.

    Rows are validated as in the file import; rejected rows are kept in the quarantine and
    counted (received = accepted + rejected). Upsert on (meter_id, timestamp): resending a
    batch changes nothing. A device may only send readings of its own meters.
    """
    ctype = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if ctype not in ("text/csv", "application/csv", "application/json", ""):
        raise ProblemError(
            415, "Unsupported media type", f"content type {ctype!r} is not taken; send application/json or text/csv"
        )
    body = await _body(request, service)
    csv = ctype in ("text/csv", "application/csv")
    # one hop to the thread pool for the whole batch: a one-reading POST used to make three (check, decode, ingest)
    report = await run_in_threadpool(_ingest_readings, service, scope, body, csv)
    return IngestReportPublic(**report.__dict__)


def _ingest_readings(service: Service, scope: ParkScope, body: bytes, csv: bool) -> IngestReport:
    """Check, decode and ingest a reading batch (in a worker thread); refusals as :class:`ProblemError`."""
    s = service.settings
    try:  # depth and row count from the bytes, before a document that could take gigabytes is decoded
        if csv:
            check_csv_batch(body, max_rows=s.ingest_max_rows)
            raw = rows_from_csv_bytes(body)
            fields = tuple(raw[c].tolist() for c in RAW_COLUMNS)
        else:
            check_json_batch(body, max_depth=s.ingest_max_json_depth, max_rows=s.ingest_max_rows)
            fields = fields_from_json_bytes(body)
    except BatchTooLargeError as exc:
        raise ProblemError(413, "Batch too large", str(exc)) from None
    limit, n = s.ingest_max_rows, len(fields[0])
    if n > limit:
        raise ProblemError(413, "Batch too large", f"{n} rows in one batch; send at most {limit} per request")
    if scope.principal.role is Role.device:
        foreign = sorted({str(m) for m in fields[0] if m is not None} - scope.principal.meter_ids)
        if foreign:
            raise ProblemError(
                403,
                "Forbidden",
                f"this device may not send readings for meter(s) "
                f"{', '.join(foreign[:10])}; its meters: {', '.join(sorted(scope.principal.meter_ids))}",
            )
    sender = f"user:{scope.principal.user_id}"  # the quarantine budget is per user or device
    if csv:
        return service.ingestor.ingest(scope.park_id, raw, "http-csv", sender)
    return service.ingestor.ingest_fields(scope.park_id, fields, "http", sender)


_WW_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "wwtp_id": {"type": "string"},
                            "timestamp": {"type": "string", "description": "ISO 8601; no offset = park local"},
                            "point": {"type": "string", "description": "inlet, outlet or tenant:<tenant_id>"},
                            "parameter": {"type": "string", "description": "e.g. cod, tss, ph, ammonium_n, flow"},
                            "value": {"type": "string", "description": "number, or <DL below detection"},
                            "unit": {"type": "string"},
                            "method": {"type": "string", "description": "analyser or lab (default)"},
                        },
                        "required": ["wwtp_id", "timestamp", "point", "parameter", "value", "unit"],
                    },
                }
            }
        },
    }
}


@router.post(
    "/parks/{park_id}/wastewater",
    response_model=IngestReportPublic,
    openapi_extra=_WW_BODY_DOC,
    responses={403: {}, 404: {}, 413: {}, 422: {}},
)
async def post_wastewater(request: Request, scope: WastewaterWrite, service: ServiceDep) -> IngestReportPublic:
    """Ingest WWTP analyser or lab values (JSON list); answers once the accepted ones are durable.

    Validated as ``wastewater.csv`` in the file import; rejected rows are quarantined. The water
    engine's alert rules (exceedance over the averaging window, sensor faults, missing data) run
    on the outlet analysers that received values. A device may send rows only for the WWTPs
    whose meters it feeds.
    """
    body = await _body(request, service)
    s = service.settings
    try:
        await run_in_threadpool(check_json_batch, body, max_depth=s.ingest_max_json_depth, max_rows=s.ingest_max_rows)
    except BatchTooLargeError as exc:
        raise ProblemError(413, "Batch too large", str(exc)) from None
    raw = await run_in_threadpool(records_from_json_bytes, body, WASTEWATER_COLUMNS)
    limit = service.settings.ingest_max_rows
    if len(raw) > limit:
        raise ProblemError(413, "Batch too large", f"{len(raw)} rows in one batch; send at most {limit} per request")
    if scope.principal.role is Role.device:
        own = {m.wwtp_id for m in scope.meters() if m.wwtp_id}
        foreign = sorted(set(raw["wwtp_id"].dropna().astype(str)) - own)
        if foreign:
            raise ProblemError(
                403,
                "Forbidden",
                f"this device may not send values of WWTP(s) {', '.join(foreign[:10])}; "
                f"its WWTPs: {', '.join(sorted(own)) or 'none'}",
            )
    sender = f"user:{scope.principal.user_id}"
    report = await run_in_threadpool(service.ingestor.ingest_wastewater, scope.park_id, raw, "http-wastewater", sender)
    return IngestReportPublic(**report.__dict__)


@router.get("/parks/{park_id}/quarantine", response_model=QuarantinePublic, responses={403: {}, 404: {}})
def quarantine(
    scope: QuarantineRead,
    service: ServiceDep,
    limit: Limit = PAGE_SIZE_DEFAULT,
    offset: Offset = 0,
) -> QuarantinePublic:
    """Rejected rows kept for the park (file import and live ingestion), oldest first."""
    return views.quarantine(service, scope, limit, offset)
