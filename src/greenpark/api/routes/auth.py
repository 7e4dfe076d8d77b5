"""Sign-in, sessions, API tokens and users."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from greenpark.api.accounts import ROLE_RANK, Principal, Role, TokenLimitError, client_address
from greenpark.api.deps import CurrentPrincipal, ServiceDep, require
from greenpark.api.problems import ProblemError, not_found
from greenpark.api.provinces import province_key
from greenpark.api.schemas import (
    LoginIn,
    LoginOut,
    Message,
    PasswordChange,
    PasswordReset,
    SessionPublic,
    SessionsPublic,
    TokenCreate,
    TokenCreated,
    TokenPublic,
    TokensPublic,
    UserCreate,
    UserPublic,
    UsersPublic,
    UserUpdate,
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
        active=p.active,
        province=p.province,
    )


@router.post("/auth/login", response_model=LoginOut, responses={401: {}, 429: {}})
def login(body: LoginIn, request: Request, response: Response, service: ServiceDep) -> LoginOut:
    """Sign in with username and password: sets the session cookie, returns the CSRF token."""
    s = service.settings
    # the peer address, or (from a trusted proxy only) the client it forwards for: a header sent from anywhere else
    # is the caller's own claim and would let it pick a fresh key for every try
    client = client_address(
        request.client.host if request.client else None, request.headers.getlist("x-forwarded-for"), s.trusted_proxies
    )
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
        s.session_cookie, session, max_age=max_age, httponly=True, samesite="lax", secure=s.secure_cookies, path="/"
    )
    response.set_cookie(
        s.csrf_cookie, csrf, max_age=max_age, httponly=False, samesite="lax", secure=s.secure_cookies, path="/"
    )
    return LoginOut(user=user_public(who), csrf_token=csrf, expires_at=expires)


@router.post("/auth/logout", response_model=Message)
def logout(request: Request, response: Response, service: ServiceDep, who: CurrentPrincipal) -> Message:
    """End the caller's own browser session; a bearer token stays valid (revoke it with DELETE /auth/tokens/{id}).

    Only the session the request was authenticated with ends: a cookie sent beside a bearer token is not touched.
    """
    s = service.settings
    ended = service.accounts.end_own_session(who)
    if who.via == "session":
        response.delete_cookie(s.session_cookie, path="/", secure=s.secure_cookies, httponly=True, samesite="lax")
        response.delete_cookie(s.csrf_cookie, path="/", secure=s.secure_cookies, samesite="lax")
    if not ended:
        return Message(message=f"no session to end for {who.username} (signed in with a bearer token)")
    return Message(message=f"signed out {who.username}")


@router.get("/auth/me", response_model=UserPublic)
def me(who: CurrentPrincipal) -> UserPublic:
    """Who the caller is: role, park, tenant, meters."""
    return user_public(who)


@router.post(
    "/auth/tokens", response_model=TokenCreated, status_code=201, responses={403: {}, 404: {}, 409: {}, 422: {}}
)
def create_token(body: TokenCreate, service: ServiceDep, who: CurrentPrincipal) -> TokenCreated:
    """A new API token for yourself, or (operator) for another user such as a device.

    A device cannot make tokens (an operator makes them for it); a role makes tokens only of its own role or
    a lower one; a token lives ``token_days`` unless ``expires_at`` says less (at most ``token_max_days``); a
    user holds at most ``tokens_per_user`` live tokens (409 beyond).
    """
    if who.role is Role.device:
        raise ProblemError(403, "Forbidden", "a device cannot make API tokens; an operator makes them for it")
    user_id = body.user_id or who.user_id
    if user_id != who.user_id:
        if who.role is not Role.operator:
            raise ProblemError(403, "Forbidden", "only an operator may create a token for another user")
        target = service.accounts.user(user_id)
        if target is None or not target.active:
            raise not_found("user", user_id)
        if ROLE_RANK[target.role] > ROLE_RANK[who.role]:
            raise ProblemError(403, "Forbidden", f"a {who.role.value} cannot make a {target.role.value}'s token")
    expires = service.accounts.token_expiry(body.expires_at)
    try:
        token = service.accounts.issue_token(user_id, body.name, expires)
    except TokenLimitError as exc:
        raise ProblemError(409, "Too many tokens", str(exc)) from None
    return TokenCreated(token=token, user_id=user_id, name=body.name, expires_at=expires)


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


@router.get("/auth/sessions", response_model=SessionsPublic)
def list_sessions(service: ServiceDep, who: CurrentPrincipal) -> SessionsPublic:
    """Open browser sessions: your own (an operator: everyone's); ``current`` marks the one you call with."""
    rows = service.accounts.sessions(None if who.role is Role.operator else who.user_id, who.credential_hash)
    data = [SessionPublic(**r) for r in rows]
    return SessionsPublic(data=data, count=len(data))


@router.delete("/auth/sessions/{session_id}", status_code=204, responses={404: {}})
def end_session(session_id: str, service: ServiceDep, who: CurrentPrincipal) -> Response:
    """End a browser session by its id: your own (an operator: anyone's, e.g. on a lost laptop)."""
    if not service.accounts.end_session(session_id, None if who.role is Role.operator else who.user_id):
        raise not_found("session", session_id)
    return Response(status_code=204)


@router.post("/auth/password", response_model=Message, responses={401: {}, 403: {}, 422: {}})
def change_password(body: PasswordChange, service: ServiceDep, who: CurrentPrincipal) -> Message:
    """Change your own password (give the current one); your other sessions end, this one stays."""
    if who.role is Role.device:
        raise ProblemError(403, "Forbidden", "a device has no password; it signs in with its API token")
    if not service.accounts.check_password(who.user_id, body.current_password):
        raise ProblemError(403, "Forbidden", "the current password is wrong")
    service.accounts.set_password(
        who.user_id, body.new_password, keep_session=who.credential_hash if who.via == "session" else None
    )
    log.info("password changed by %r", who.username)
    return Message(message=f"password of {who.username} changed; other sessions ended")


@router.get("/users", response_model=UsersPublic)
def list_users(service: ServiceDep, who: Admin) -> UsersPublic:
    """Every user, deactivated ones too (operator only)."""
    users = [user_public(u) for u in service.accounts.users(include_inactive=True)]
    return UsersPublic(data=users, count=len(users))


@router.patch("/users/{user_id}", response_model=UserPublic, responses={403: {}, 404: {}, 422: {}})
def update_user(user_id: str, body: UserUpdate, service: ServiceDep, who: Admin) -> UserPublic:
    """Deactivate a user (its tokens and sessions end at once) or reactivate it (operator only).

    An operator cannot deactivate itself, so the park is never left without an operator.
    """
    target = service.accounts.user(user_id)
    if target is None:
        raise not_found("user", user_id)
    if not body.active and target.user_id == who.user_id:
        raise InputError("you cannot deactivate yourself; ask another operator")
    service.accounts.set_active(user_id, body.active)
    log.info("user %r %s by %r", target.username, "reactivated" if body.active else "deactivated", who.username)
    updated = service.accounts.user(user_id)
    assert updated is not None
    return user_public(updated)


@router.put("/users/{user_id}/password", response_model=Message, responses={403: {}, 404: {}, 422: {}})
def reset_password(user_id: str, body: PasswordReset, service: ServiceDep, who: Admin) -> Message:
    """Set another user's password (operator only); the user's sessions end. Devices have no password."""
    target = service.accounts.user(user_id)
    if target is None:
        raise not_found("user", user_id)
    if target.role is Role.device:
        raise InputError("a device has no password; make it an API token with POST /api/v1/auth/tokens")
    service.accounts.set_password(user_id, body.new_password)
    log.info("password of %r reset by %r", target.username, who.username)
    return Message(message=f"password of {target.username} set; its sessions ended")


@router.post("/users", response_model=UserPublic, status_code=201, responses={403: {}, 422: {}})
def create_user(body: UserCreate, service: ServiceDep, who: Admin) -> UserPublic:
    """Add a user (operator only): a tenant user names its park and tenant, a device its meters, an authority the
    province it oversees (or one park)."""
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
    if body.province is not None and province_key(body.province):
        known = {province_key(service.park(p).park.province): service.park(p).park.province for p in service.park_ids()}
        if province_key(body.province) not in known:
            names = ", ".join(sorted(v for k, v in known.items() if k)) or "none (no park names its province)"
            raise InputError(
                f"no park of the store is in province {body.province!r}; provinces of the parks: {names} "
                "(a park names its province in park.toml or the workbook's park sheet)"
            )
    p = service.accounts.create_user(
        body.username,
        body.role,
        password=body.password,
        park_id=body.park_id,
        tenant_id=body.tenant_id,
        meter_ids=body.meter_ids,
        province=body.province,
    )
    return user_public(p)
