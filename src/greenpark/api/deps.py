"""Route dependencies, as named aliases: the service, the caller, the park scope.

Tenant confinement is applied once, here: :class:`ParkScope` answers which tenants and
meters the caller may see, and a resource outside that scope is "not found" (404), as if
it did not exist, so a tenant cannot even learn that another tenant's id is valid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from greenpark.api.accounts import Principal, Role
from greenpark.api.problems import ProblemError, forbidden, not_found
from greenpark.api.roles import allowed
from greenpark.api.security import same_secret, token_hash
from greenpark.api.service import Service
from greenpark.model import Meter, ParkData, Tenant

_bearer = HTTPBearer(auto_error=False, description="API token: Authorization: Bearer gp_...")
_cookie = APIKeyCookie(name="greenpark_session", auto_error=False, description="session cookie set by /auth/login")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_service(request: Request) -> Service:
    """The service object of this app."""
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(get_service)]


def current_principal(
    request: Request,
    service: ServiceDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    """The authenticated caller: a bearer token, or a session cookie (+ CSRF header on writes)."""
    if bearer is not None and bearer.credentials:
        who = service.accounts.resolve(bearer.credentials, "api")
        if who is None:
            raise _unauthenticated("the bearer token is unknown, revoked or expired; create a new one")
        return who
    session = request.cookies.get(service.settings.session_cookie) or cookie
    if session:
        who = service.accounts.resolve(session, "session")
        if who is None:
            raise _unauthenticated("the session has ended; sign in again with POST /api/v1/auth/login")
        if request.method not in _SAFE_METHODS:
            sent = request.headers.get("x-csrf-token", "")
            if not sent or not who.csrf_hash or not same_secret(token_hash(sent), who.csrf_hash):
                raise ProblemError(
                    403,
                    "CSRF check failed",
                    "a cookie-authenticated write needs the X-CSRF-Token header with the csrf_token from login",
                )
        return who
    raise _unauthenticated("no credentials; send Authorization: Bearer <token> or sign in at /api/v1/auth/login")


def _unauthenticated(detail: str) -> ProblemError:
    return ProblemError(401, "Unauthenticated", detail, headers={"WWW-Authenticate": "Bearer"})


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class ParkScope:
    """A park as one caller may see it: the tenants and meters within its reach."""

    def __init__(self, service: Service, principal: Principal, data: ParkData) -> None:
        self.service = service
        self.principal = principal
        self.data = data
        self.park_id = data.park.park_id

    @property
    def tenant_id(self) -> str | None:
        """The tenant the caller is confined to (None: the whole park)."""
        return self.principal.tenant_id if self.principal.role is Role.tenant else None

    def tenants(self) -> list[Tenant]:
        """Tenants the caller may see."""
        tid = self.tenant_id
        return [t for t in self.data.tenants if tid is None or t.tenant_id == tid]

    def tenant(self, tenant_id: str) -> Tenant:
        """One tenant, or 404 when it does not exist or is not the caller's."""
        for t in self.tenants():
            if t.tenant_id == tenant_id:
                return t
        raise not_found("tenant", tenant_id)

    def meters(self) -> list[Meter]:
        """Meters the caller may see (a tenant: its own; a device: those it feeds)."""
        p = self.principal
        if p.role is Role.tenant:
            return [m for m in self.data.meters if m.tenant_id == p.tenant_id]
        if p.role is Role.device:
            return [m for m in self.data.meters if m.meter_id in p.meter_ids]
        return list(self.data.meters)

    def meter(self, meter_id: str) -> Meter:
        """One meter, or 404 when it does not exist or is out of the caller's reach."""
        for m in self.meters():
            if m.meter_id == meter_id:
                return m
        raise not_found("meter", meter_id)


def allow(permission: str) -> Callable[..., ParkScope]:
    """A dependency: the caller holds ``permission`` and may see park ``park_id`` (else 403 / 404)."""

    def dependency(park_id: str, service: ServiceDep, principal: CurrentPrincipal) -> ParkScope:
        if principal.park_id is not None and principal.park_id != park_id:
            raise not_found("park", park_id)
        if not service.has_park(park_id) or not principal.reaches(park_id, service.park(park_id).park.province):
            raise not_found("park", park_id)  # another province's park: as if it did not exist
        if not allowed(principal.role, permission):
            raise forbidden(principal.role.value, permission.replace(":", " "))
        return ParkScope(service, principal, service.park(park_id))

    dependency.__name__ = f"allow_{permission.replace(':', '_')}"
    return dependency


def require(permission: str) -> Callable[..., Principal]:
    """A dependency for routes outside a park: the caller holds ``permission`` (else 403)."""

    def dependency(principal: CurrentPrincipal) -> Principal:
        if not allowed(principal.role, permission):
            raise forbidden(principal.role.value, permission.replace(":", " "))
        return principal

    return dependency
