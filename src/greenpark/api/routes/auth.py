"""Sign-in, sessions, API tokens and users."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from greenpark.api.accounts import Principal, Role
from greenpark.api.deps import CurrentPrincipal, ServiceDep, require
from greenpark.api.problems import ProblemError, not_found
from greenpark.api.schemas import (
    LoginIn,
    LoginOut,
    Message,
    TokenCreate,
    TokenCreated,
    TokenPublic,
    TokensPublic,
    UserCreate,
    UserPublic,
    UsersPublic,
)
from greenpark.errors import InputError

log = logging.getLogger(__name__)
router = APIRouter(tags=["auth"])
Admin = Annotated[Principal, Depends(require("users:admin"))]


def user_public(p: Principal) -> UserPublic:
    """The public form of a principal."""
    return UserPublic(
        user_id=p.user_id,
        username=p.username,
        role=p.role,
        park_id=p.park_id,
        tenant_id=p.tenant_id,
        meter_ids=sorted(p.meter_ids),
    )


@router.post("/auth/login", response_model=LoginOut, responses={401: {}, 429: {}})
def login(body: LoginIn, request: Request, response: Response, service: ServiceDep) -> LoginOut:
    """Sign in with username and password: sets the session cookie, returns the CSRF token."""
    s = service.settings
    client = request.client.host if request.client else "-"
    key = f"{body.username}|{client}"
    wait = max(service.limiter.retry_after(key), service.client_limiter.retry_after(client))
    if wait > 0:
        raise ProblemError(
            429,
            "Too many login attempts",
            f"too many failed sign-ins for {body.username!r}; wait {wait:.0f} s and try again",
            headers={"Retry-After": str(int(wait) + 1)},
        )
    who = service.accounts.authenticate(body.username, body.password)
    if who is None or who.role is Role.device:
        service.limiter.failed(key)
        service.client_limiter.failed(client)
        log.info("failed sign-in for %r from %s", body.username, client)  # never the password
        raise ProblemError(401, "Unauthenticated", "wrong username or password")
    service.limiter.succeeded(key)
    session, csrf = service.accounts.open_session(who.user_id)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=s.session_hours)
    max_age = int(s.session_hours * 3600)
    response.set_cookie(
        s.session_cookie, session, max_age=max_age, httponly=True, samesite="lax", secure=s.cookie_secure, path="/"
    )
    response.set_cookie(
        s.csrf_cookie, csrf, max_age=max_age, httponly=False, samesite="lax", secure=s.cookie_secure, path="/"
    )
    return LoginOut(user=user_public(who), csrf_token=csrf, expires_at=expires)


@router.post("/auth/logout", response_model=Message)
def logout(request: Request, response: Response, service: ServiceDep, who: CurrentPrincipal) -> Message:
    """End the browser session (a bearer token stays valid: revoke it separately)."""
    s = service.settings
    session = request.cookies.get(s.session_cookie)
    if session:
        service.accounts.revoke(session)
    response.delete_cookie(s.session_cookie, path="/")
    response.delete_cookie(s.csrf_cookie, path="/")
    return Message(message=f"signed out {who.username}")


@router.get("/auth/me", response_model=UserPublic)
def me(who: CurrentPrincipal) -> UserPublic:
    """Who the caller is: role, park, tenant, meters."""
    return user_public(who)


@router.post("/auth/tokens", response_model=TokenCreated, status_code=201, responses={403: {}, 404: {}})
def create_token(body: TokenCreate, service: ServiceDep, who: CurrentPrincipal) -> TokenCreated:
    """A new API token for yourself, or (operator) for another user such as a device."""
    user_id = body.user_id or who.user_id
    if user_id != who.user_id:
        if who.role is not Role.operator:
            raise ProblemError(403, "Forbidden", "only an operator may create a token for another user")
        if user_id not in {u.user_id for u in service.accounts.users()}:
            raise not_found("user", user_id)
    token = service.accounts.issue_token(user_id, body.name, body.expires_at)
    return TokenCreated(token=token, user_id=user_id, name=body.name)


@router.get("/auth/tokens", response_model=TokensPublic)
def list_tokens(service: ServiceDep, who: CurrentPrincipal) -> TokensPublic:
    """Live API tokens: your own (an operator: everyone's). Only ids and names, never the tokens."""
    rows = service.accounts.api_tokens(None if who.role is Role.operator else who.user_id)
    data = [TokenPublic(**r) for r in rows]
    return TokensPublic(data=data, count=len(data))


@router.delete("/auth/tokens/{token_id}", status_code=204, responses={404: {}})
def revoke_token(token_id: str, service: ServiceDep, who: CurrentPrincipal) -> Response:
    """Revoke an API token by its id: your own (an operator: anyone's, e.g. a lost device's)."""
    if not service.accounts.revoke_id(token_id, None if who.role is Role.operator else who.user_id):
        raise not_found("token", token_id)
    return Response(status_code=204)


@router.get("/users", response_model=UsersPublic)
def list_users(service: ServiceDep, who: Admin) -> UsersPublic:
    """Every user (operator only)."""
    users = [user_public(u) for u in service.accounts.users()]
    return UsersPublic(data=users, count=len(users))


@router.post("/users", response_model=UserPublic, status_code=201, responses={403: {}, 422: {}})
def create_user(body: UserCreate, service: ServiceDep, who: Admin) -> UserPublic:
    """Add a user (operator only): a tenant user names its park and tenant, a device its meters."""
    if body.park_id is not None and not service.has_park(body.park_id):
        raise InputError(f"park {body.park_id!r} is not in the store; known parks: {', '.join(service.park_ids())}")
    if body.park_id is not None:
        data = service.park(body.park_id)
        if body.tenant_id is not None and body.tenant_id not in {t.tenant_id for t in data.tenants}:
            raise InputError(
                f"tenant {body.tenant_id!r} is not a tenant of park {body.park_id!r}; "
                f"tenants: {', '.join(t.tenant_id for t in data.tenants)}"
            )
        unknown = sorted(set(body.meter_ids) - {m.meter_id for m in data.meters})
        if unknown:
            raise InputError(f"meter(s) {', '.join(unknown[:10])} are not meters of park {body.park_id!r}")
    if body.role in (Role.operator, Role.authority) and body.password is None:
        raise InputError(f"a {body.role.value} user needs a password (8 characters or more)")
    p = service.accounts.create_user(
        body.username,
        body.role,
        password=body.password,
        park_id=body.park_id,
        tenant_id=body.tenant_id,
        meter_ids=body.meter_ids,
    )
    return user_public(p)
