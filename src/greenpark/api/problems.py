"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API returns has ``type``, ``title``, ``status`` and ``detail``; the
detail names the bad value, the valid choices and the fix, like greenpark's exceptions.
Domain errors (:class:`greenpark.errors.GreenparkError`) map to a status by their class.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from greenpark.errors import GreenparkError, InputError, ParkNotFoundError, ReferenceDataError, StoreUnavailableError

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
#: seconds a client is asked to wait before sending again a request the store could not serve (503)
RETRY_AFTER_S = 1


class ProblemError(Exception):
    """An HTTP error with a problem+json body; raise it from routes and dependencies."""

    def __init__(
        self, status: int, title: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = headers
        self.extra = extra


def not_found(what: str, ident: str) -> ProblemError:
    """404 for a resource that does not exist or that the caller may not see (same answer)."""
    return ProblemError(404, "Not found", f"no {what} {ident!r} here; list them with GET on the collection")


def forbidden(role: str, action: str) -> ProblemError:
    """403 for an action the caller's role does not allow (the authority's writes: said to be read-only access)."""
    if role == "authority" and action.rsplit(" ", 1)[-1] in ("write", "admin"):
        return ProblemError(
            403,
            "Forbidden",
            f"the authority's access is read-only: role 'authority' may not {action}; the park operator does that",
        )
    return ProblemError(403, "Forbidden", f"role {role!r} may not {action}; ask the park operator for access")


def problem_response(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _status_of(exc: GreenparkError) -> int:
    if isinstance(exc, ParkNotFoundError):
        return 404
    if isinstance(exc, InputError | ReferenceDataError):
        return 422
    return 500


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""

    @app.exception_handler(ProblemError)
    async def _problem(_: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc.status, exc.title, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        return problem_response(exc.status_code, title, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        detail = f"{'.'.join(first['loc'])}: {first['msg']}"
        return problem_response(422, "Invalid request", detail, errors=errors)

    @app.exception_handler(GreenparkError)
    async def _domain(_: Request, exc: GreenparkError) -> JSONResponse:
        if isinstance(exc, StoreUnavailableError):  # the request may be sent again as it is
            log.warning("store unavailable: %s", exc)
            return problem_response(503, "Store unavailable", str(exc), {"Retry-After": str(RETRY_AFTER_S)})
        status = _status_of(exc)
        if status >= 500:
            log.exception("store or engine failure")
            return problem_response(status, "Server error", "the service failed; see the server log")
        return problem_response(status, type(exc).__name__, str(exc))
