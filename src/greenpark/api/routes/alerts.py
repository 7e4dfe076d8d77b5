"""Alerts of a park: list, read, acknowledge, close (a tenant sees only its own)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from greenpark.api import views
from greenpark.api.deps import ParkScope, ServiceDep, allow
from greenpark.api.pagination import PAGE_SIZE_DEFAULT, Limit, Offset
from greenpark.api.problems import not_found
from greenpark.api.schemas import AlertPublic, AlertsPublic

router = APIRouter(tags=["alerts"])
AlertsRead = Annotated[ParkScope, Depends(allow("alerts:read"))]
AlertsWrite = Annotated[ParkScope, Depends(allow("alerts:write"))]


def _visible(scope: ParkScope, alert: dict | None, alert_id: str) -> dict:
    if alert is None or (scope.tenant_id is not None and alert.get("tenant_id") != scope.tenant_id):
        raise not_found("alert", alert_id)
    return alert


@router.get("/parks/{park_id}/alerts", response_model=AlertsPublic, responses={403: {}, 404: {}})
def list_alerts(
    scope: AlertsRead,
    service: ServiceDep,
    state: Annotated[Literal["open", "acknowledged", "closed"] | None, Query()] = None,
    limit: Limit = PAGE_SIZE_DEFAULT,
    offset: Offset = 0,
) -> AlertsPublic:
    """Alerts, newest first, optionally of one state."""
    return views.alerts(service, scope, state, limit, offset)


@router.get("/parks/{park_id}/alerts/{alert_id}", response_model=AlertPublic, responses={403: {}, 404: {}})
def get_alert(alert_id: str, scope: AlertsRead, service: ServiceDep) -> AlertPublic:
    """One alert."""
    return AlertPublic(**_visible(scope, service.alerts.get(scope.park_id, alert_id), alert_id))


@router.post(
    "/parks/{park_id}/alerts/{alert_id}/acknowledge", response_model=AlertPublic, responses={403: {}, 404: {}, 422: {}}
)
def acknowledge_alert(alert_id: str, scope: AlertsWrite, service: ServiceDep) -> AlertPublic:
    """Acknowledge an open alert."""
    _visible(scope, service.alerts.get(scope.park_id, alert_id), alert_id)
    done = service.alerts.transition(scope.park_id, alert_id, "acknowledge", scope.principal.username)
    return AlertPublic(**_visible(scope, done, alert_id))


@router.post(
    "/parks/{park_id}/alerts/{alert_id}/close", response_model=AlertPublic, responses={403: {}, 404: {}, 422: {}}
)
def close_alert(alert_id: str, scope: AlertsWrite, service: ServiceDep) -> AlertPublic:
    """Close an open or acknowledged alert."""
    _visible(scope, service.alerts.get(scope.park_id, alert_id), alert_id)
    done = service.alerts.transition(scope.park_id, alert_id, "close", scope.principal.username)
    return AlertPublic(**_visible(scope, done, alert_id))
