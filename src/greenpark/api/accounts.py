"""Users, API tokens and browser sessions; the login rate limiter.

A *principal* is who is calling: a user with a role (operator, tenant, authority,
device), the park and tenant it is confined to, and for a device the meters it may
feed. It authenticates with a bearer token (``Authorization: Bearer gp_...``: scripts,
devices) or a session cookie set by ``POST /auth/login`` (the browser dashboard; unsafe
methods then also need the ``X-CSRF-Token`` header, double-submit style).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from greenpark.api.provinces import province_key
from greenpark.api.security import (
    check_password_policy,
    hash_password,
    needs_rehash,
    new_token,
    token_hash,
    verify_password,
)
from greenpark.api.servicedb import ServiceDb
from greenpark.errors import GreenparkError, InputError, WeakPasswordError

log = logging.getLogger(__name__)


class Role(StrEnum):
    """What a principal may do (see docs/service.md for the full matrix)."""

    operator = "operator"  # the whole park, read and write
    tenant = "tenant"  # its own tenant's data only
    authority = "authority"  # read-only compliance and inventories of the parks of its province (or its one park)
    device = "device"  # ingest only, its own meters


#: how much a role may do, for "a role can mint only tokens of its own role or lower": an operator holds every
#: permission of the others; authority and tenant are side by side (neither holds the other's); a device least
ROLE_RANK: dict[Role, int] = {Role.operator: 3, Role.authority: 2, Role.tenant: 2, Role.device: 1}


class BootstrapError(GreenparkError, ValueError):
    """The first operator cannot be created: no admin password, or one that fails the password policy."""


class TokenLimitError(InputError):
    """A user already holds the most live API tokens allowed (setting ``tokens_per_user``)."""


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    user_id: str
    username: str
    role: Role
    park_id: str | None = None
    tenant_id: str | None = None
    meter_ids: frozenset[str] = field(default_factory=frozenset)
    via: str = "token"  # "token" or "session"
    csrf_hash: str | None = None
    credential_hash: str | None = None  # the stored hash of the token or session this call came with
    active: bool = True
    province: str | None = None  # an authority's province, as the operator wrote it (matched by province_key)

    def reaches(self, park_id: str, province: str) -> bool:
        """Whether a park (its id and ``park.province``) is within this caller's reach.

        A user bound to a park (tenant, device, an authority of one park) reaches that park only; an authority
        bound to a province reaches the parks whose province has the same :func:`province_key`; an authority
        bound to neither (a user made before provinces) reaches no park; an operator reaches every park.
        """
        if self.park_id is not None:
            return park_id == self.park_id
        if self.role is Role.authority:
            return bool(self.province) and province_key(province) == province_key(self.province)
        return True


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _principal(
    row: dict, via: str = "token", csrf_hash: str | None = None, credential_hash: str | None = None
) -> Principal:
    meters = frozenset(m for m in (row.get("meter_ids") or "").split(",") if m)
    return Principal(
        user_id=row["user_id"],
        username=row["username"],
        role=Role(row["role"]),
        park_id=row.get("park_id"),
        tenant_id=row.get("tenant_id"),
        meter_ids=meters,
        via=via,
        csrf_hash=csrf_hash,
        credential_hash=credential_hash,
        active=bool(row.get("active", True)),
        province=row.get("province"),
    )


_USER_COLUMNS = "u.user_id, u.username, u.role, u.park_id, u.tenant_id, u.meter_ids, u.active, u.province"


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t


class Accounts:
    """Users, tokens and sessions kept in the service tables.

    Parameters
    ----------
    db : the service tables.
    scrypt_n : scrypt cost for new password hashes (older hashes are upgraded at sign-in).
    session_hours : lifetime of a browser session.
    password_min_length : the password policy's minimum length (every password set is checked).
    token_days : lifetime of an API token made without an expiry.
    token_max_days : the longest expiry an API token may ask for.
    tokens_per_user : live API tokens one user may hold.
    """

    def __init__(
        self,
        db: ServiceDb,
        *,
        scrypt_n: int,
        session_hours: float,
        password_min_length: int = 12,
        token_days: float = 90.0,
        token_max_days: float = 366.0,
        tokens_per_user: int = 20,
    ) -> None:
        self.db = db
        self.scrypt_n = scrypt_n
        self.session_hours = session_hours
        self.password_min_length = password_min_length
        self.token_days = token_days
        self.token_max_days = token_max_days
        self.tokens_per_user = tokens_per_user
        # a hash to check against when the user does not exist, so timing does not reveal it
        self._dummy_hash = hash_password(uuid.uuid4().hex, n=scrypt_n)

    # users -----------------------------------------------------------------------
    def create_user(
        self,
        username: str,
        role: Role | str,
        *,
        password: str | None = None,
        park_id: str | None = None,
        tenant_id: str | None = None,
        meter_ids: list[str] | None = None,
        province: str | None = None,
    ) -> Principal:
        """Add a user; a tenant user needs ``tenant_id`` and ``park_id``, a device its ``meter_ids``, an authority
        the ``province`` it oversees (or the one ``park_id`` it reads)."""
        role = Role(role)
        province = province.strip() if province and province.strip() else None
        if province is not None and role is not Role.authority:
            raise InputError(f"user {username!r}: only an authority user is bound to a province, not a {role.value}")
        if role is Role.authority and bool(province_key(province)) == (park_id is not None):
            raise InputError(
                f'user {username!r}: an authority user needs the province it oversees (e.g. "province": '
                '"Dong Nai": it reads every park of that province) or one park_id, not both'
            )
        if role is Role.tenant and not (tenant_id and park_id):
            raise InputError(f"user {username!r}: a tenant user needs park_id and tenant_id")
        if role is Role.device and not (meter_ids and park_id):
            raise InputError(f"user {username!r}: a device needs park_id and at least one meter id")
        if role in (Role.operator, Role.authority) and not password:
            raise InputError(f"a {role.value} user needs a password ({self.password_min_length} characters or more)")
        if password is not None:
            check_password_policy(password, self.password_min_length, username)
        if self.db.one("SELECT 1 AS x FROM service_users WHERE username = ?", [username]):
            raise InputError(f"user {username!r} exists already; pick another username")
        user_id = uuid.uuid4().hex
        pw = hash_password(password, n=self.scrypt_n) if password else None
        self.db.execute(
            "INSERT INTO service_users (user_id, username, password_hash, role, park_id, tenant_id, "
            "meter_ids, created_at, active, province) VALUES (?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?)",
            [user_id, username, pw, role.value, park_id, tenant_id, ",".join(meter_ids or []), _now(), province],
        )
        return _principal(
            {
                "user_id": user_id,
                "username": username,
                "role": role.value,
                "park_id": park_id,
                "tenant_id": tenant_id,
                "meter_ids": ",".join(meter_ids or []),
                "province": province,
            }
        )

    def bootstrap(self, username: str, password: str | None) -> bool:
        """Create the first operator when the store has no user yet; True when it was created.

        Raises
        ------
        BootstrapError : no user exists and ``password`` is missing or fails the password policy.
        """
        if self.user_count():
            return False
        if not password:
            raise BootstrapError(
                "the store has no user yet and GREENPARK_ADMIN_PASSWORD is not set: set it to a password of "
                f"{self.password_min_length} characters or more (not a common one) to create the first operator "
                f"{username!r}, or run 'greenpark serve --example' for a demo with a generated password"
            )
        try:
            self.create_user(username, Role.operator, password=password)
        except WeakPasswordError as exc:
            raise BootstrapError(f"GREENPARK_ADMIN_PASSWORD: {exc}") from None
        return True

    def users(self, include_inactive: bool = False) -> list[Principal]:
        """Every active user (with ``include_inactive``: the deactivated ones too)."""
        where = "" if include_inactive else "WHERE u.active"
        rows = self.db.rows(f"SELECT {_USER_COLUMNS} FROM service_users u {where} ORDER BY u.username")
        return [_principal(r) for r in rows]

    def user(self, user_id: str) -> Principal | None:
        """One user (active or not), or None."""
        row = self.db.one(f"SELECT {_USER_COLUMNS} FROM service_users u WHERE u.user_id = ?", [user_id])
        return _principal(row) if row else None

    def set_active(self, user_id: str, active: bool) -> None:
        """Deactivate (every token and session of the user ends at once) or reactivate a user."""
        self.db.execute("UPDATE service_users SET active = ? WHERE user_id = ?", [active, user_id])
        if not active:
            self.db.execute("UPDATE service_tokens SET revoked = TRUE WHERE user_id = ?", [user_id])

    def set_password(self, user_id: str, password: str, *, keep_session: str | None = None) -> None:
        """Store a new password (checked against the policy) and end the user's other sessions.

        ``keep_session`` is the stored hash of the session that asked for the change (it stays open).
        API tokens are not touched: they do not depend on the password (revoke them separately).
        """
        who = self.user(user_id)
        if who is None:
            raise InputError(f"no user {user_id!r}")
        check_password_policy(password, self.password_min_length, who.username)
        self.db.execute(
            "UPDATE service_users SET password_hash = ? WHERE user_id = ?",
            [hash_password(password, n=self.scrypt_n), user_id],
        )
        self.db.execute(
            "UPDATE service_tokens SET revoked = TRUE WHERE user_id = ? AND kind = 'session' AND token_hash <> ?",
            [user_id, keep_session or ""],
        )

    def check_password(self, user_id: str, password: str) -> bool:
        """Whether ``password`` is the user's current one (same work when the user has none)."""
        row = self.db.one("SELECT password_hash FROM service_users WHERE user_id = ?", [user_id])
        stored = row["password_hash"] if row and row["password_hash"] else self._dummy_hash
        return verify_password(password, stored) and bool(row and row["password_hash"])

    def user_count(self) -> int:
        """How many users exist (0 on a fresh store: the bootstrap operator is created)."""
        row = self.db.one("SELECT count(*) AS n FROM service_users")
        return int(row["n"]) if row else 0

    def authenticate(self, username: str, password: str) -> Principal | None:
        """The user when the password matches, else None (same work either way)."""
        row = self.db.one(
            f"SELECT {_USER_COLUMNS}, u.password_hash FROM service_users u WHERE u.username = ? AND u.active",
            [username],
        )
        stored = row["password_hash"] if row and row["password_hash"] else self._dummy_hash
        ok = verify_password(password, stored)
        if not (ok and row and row["password_hash"]):
            return None
        if needs_rehash(stored, n=self.scrypt_n):  # an older, cheaper hash: store one at today's cost
            self.db.execute(
                "UPDATE service_users SET password_hash = ? WHERE user_id = ?",
                [hash_password(password, n=self.scrypt_n), row["user_id"]],
            )
            log.info("password hash of %r upgraded to scrypt N=%d", row["username"], self.scrypt_n)
        return _principal(row)

    # tokens and sessions ---------------------------------------------------------------
    def token_expiry(self, expires_at: dt.datetime | None) -> dt.datetime:
        """When a new token ends: ``expires_at`` (checked), or ``token_days`` from now; raises InputError."""
        now = _now()
        expires_at = _aware(expires_at) or now + dt.timedelta(days=self.token_days)
        if expires_at <= now:
            raise InputError(f"expires_at {expires_at.isoformat()} is in the past; give a later time")
        if expires_at > now + dt.timedelta(days=self.token_max_days):
            raise InputError(
                f"expires_at {expires_at.isoformat()} is more than {self.token_max_days:g} days ahead; "
                "give an earlier time (or none, for the default lifetime)"
            )
        return expires_at

    def issue_token(self, user_id: str, name: str = "", expires_at: dt.datetime | None = None) -> str:
        """A new API token for a user; the plain token is returned once and stored hashed.

        Without ``expires_at`` the token lives ``token_days``; a later expiry than ``token_max_days`` ahead, or one
        in the past, is refused, as is a token beyond the user's ``tokens_per_user`` live ones.

        Raises
        ------
        InputError : the expiry is in the past or too far ahead.
        TokenLimitError : the user holds ``tokens_per_user`` live tokens already.
        """
        now = _now()
        expires_at = self.token_expiry(expires_at)
        live = self.db.one(
            "SELECT count(*) AS n FROM service_tokens WHERE user_id = ? AND kind = 'api' AND NOT revoked "
            "AND (expires_at IS NULL OR expires_at > ?)",
            [user_id, now],
        )
        if live and int(live["n"]) >= self.tokens_per_user:
            raise TokenLimitError(
                f"this user holds {live['n']} live API tokens, the most allowed ({self.tokens_per_user}); "
                "revoke one with DELETE /api/v1/auth/tokens/{token_id} first"
            )
        token = new_token()
        self.db.execute(
            "INSERT INTO service_tokens (token_hash, user_id, kind, name, csrf_hash, created_at, expires_at, "
            "revoked) VALUES (?, ?, 'api', ?, NULL, ?, ?, FALSE)",
            [token_hash(token), user_id, name, _now(), expires_at],
        )
        return token

    def open_session(self, user_id: str) -> tuple[str, str]:
        """A browser session: (session id for the cookie, CSRF value for the header)."""
        session, csrf = new_token(), new_token()
        self.db.execute(
            "INSERT INTO service_tokens (token_hash, user_id, kind, name, csrf_hash, created_at, expires_at, "
            "revoked) VALUES (?, ?, 'session', '', ?, ?, ?, FALSE)",
            [token_hash(session), user_id, token_hash(csrf), _now(), _now() + dt.timedelta(hours=self.session_hours)],
        )
        return session, csrf

    def _live(self, kind: str, user_id: str | None) -> list[dict]:
        where, params = "t.kind = ? AND NOT t.revoked AND (t.expires_at IS NULL OR t.expires_at > ?)", [kind, _now()]
        if user_id is not None:
            where += " AND t.user_id = ?"
            params.append(user_id)
        return self.db.rows(
            "SELECT substr(t.token_hash, 1, 16) AS token_id, t.token_hash, t.user_id, u.username, t.name, "
            f"t.created_at, t.expires_at FROM service_tokens t JOIN service_users u ON u.user_id = t.user_id "
            f"WHERE {where} ORDER BY t.created_at, t.token_hash",
            params,
        )

    def api_tokens(self, user_id: str | None) -> list[dict]:
        """Live API tokens (of one user, or of everyone when ``user_id`` is None); never the secrets.

        ``token_id`` is the first 16 hex digits of the stored hash: enough to name a token, useless to use it.
        """
        return [{k: v for k, v in r.items() if k != "token_hash"} for r in self._live("api", user_id)]

    def sessions(self, user_id: str | None, current_hash: str | None = None) -> list[dict]:
        """Open browser sessions (of one user, or everyone's), named like tokens; ``current`` marks the caller's."""
        return [
            {
                "session_id": r["token_id"],
                "user_id": r["user_id"],
                "username": r["username"],
                "created_at": r["created_at"],
                "expires_at": r["expires_at"],
                "current": r["token_hash"] == current_hash,
            }
            for r in self._live("session", user_id)
        ]

    def _revoke_named(self, kind: str, ident: str, user_id: str | None) -> bool:
        if len(ident) != 16 or not all(ch in "0123456789abcdef" for ch in ident):
            return False
        found = [r for r in self._live(kind, user_id) if r["token_id"] == ident]
        for r in found:
            self.db.execute("UPDATE service_tokens SET revoked = TRUE WHERE token_hash = ?", [r["token_hash"]])
        return bool(found)

    def revoke_id(self, token_id: str, user_id: str | None) -> bool:
        """Revoke the API token named ``token_id`` (only among ``user_id``'s when given); False if none."""
        return self._revoke_named("api", token_id, user_id)

    def end_session(self, session_id: str, user_id: str | None) -> bool:
        """End the session named ``session_id`` (only among ``user_id``'s when given); False if none."""
        return self._revoke_named("session", session_id, user_id)

    def end_own_session(self, who: Principal) -> bool:
        """End the session the caller came with (nothing when it came with a bearer token); True if one ended."""
        if who.via != "session" or not who.credential_hash:
            return False
        n = self.db.execute(
            "UPDATE service_tokens SET revoked = TRUE WHERE token_hash = ? AND user_id = ? AND kind = 'session'",
            [who.credential_hash, who.user_id],
        )
        return n != 0

    def revoke(self, token: str) -> None:
        """Revoke a token or end a session."""
        self.db.execute("UPDATE service_tokens SET revoked = TRUE WHERE token_hash = ?", [token_hash(token)])

    def resolve(self, token: str, kind: str) -> Principal | None:
        """The principal behind a live token (``kind`` 'api') or session (``kind`` 'session')."""
        hashed = token_hash(token)
        row = self.db.one(
            f"SELECT {_USER_COLUMNS}, t.csrf_hash, t.expires_at FROM service_tokens t "
            "JOIN service_users u ON u.user_id = t.user_id "
            "WHERE t.token_hash = ? AND t.kind = ? AND NOT t.revoked AND u.active",
            [hashed, kind],
        )
        if row is None:
            return None
        expires = row["expires_at"]
        if expires is not None:
            if expires.tzinfo is None:
                expires = expires.replace(tzinfo=dt.UTC)
            if expires <= _now():
                return None
        return _principal(
            row, via="session" if kind == "session" else "token", csrf_hash=row["csrf_hash"], credential_hash=hashed
        )


class LoginLimiter:
    """Failed-login counter per key (username and client address) over a sliding window.

    In memory, per process: enough for one service process; it resets on restart. At most
    ``max_keys`` keys are kept: keys whose failures all left the window are dropped as new
    ones come, and beyond ``max_keys`` the least recently failed key goes first, so a flood of
    made-up usernames cannot grow the process without bound.
    """

    def __init__(self, max_attempts: int, window_s: float, max_keys: int = 100_000) -> None:
        self.max_attempts = max_attempts
        self.window_s = window_s
        self.max_keys = max_keys
        self._fails: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._fails)

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.get(key)
        if q is None:
            return deque()
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def _evict(self, now: float) -> None:
        # least recently failed first: drop keys whose last failure left the window, then the oldest beyond max_keys
        while self._fails:
            q = next(iter(self._fails.values()))
            if (q and now - q[-1] <= self.window_s) and len(self._fails) <= self.max_keys:
                break
            self._fails.popitem(last=False)

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again (0 when it may try now)."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(key, now)
            if len(q) < self.max_attempts:
                return 0.0
            return max(0.0, self.window_s - (now - q[len(q) - self.max_attempts]))

    def failed(self, key: str) -> None:
        """Count one failed attempt."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(key, now)
            q.append(now)
            self._fails[key] = q
            self._fails.move_to_end(key)
            self._evict(now)

    def succeeded(self, key: str) -> None:
        """Forget the failures of a key after a good login."""
        with self._lock:
            self._fails.pop(key, None)


def client_address(peer: str | None, forwarded_for: Iterable[str], trusted: Iterable[str]) -> str:
    """The address a request came from, for the login limiter.

    ``X-Forwarded-For`` is believed only when the peer is a trusted proxy (setting ``trusted_proxies``,
    addresses or CIDR networks); then the right-most address in it that is not a trusted proxy is the
    client (the left part of the header is written by the client and proves nothing).

    Parameters
    ----------
    peer : the TCP peer of the request (``request.client.host``).
    forwarded_for : the ``X-Forwarded-For`` header values, in order.
    trusted : the trusted proxies.
    """
    nets = [ipaddress.ip_network(t, strict=False) for t in trusted]

    def is_trusted(addr: str) -> bool:
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            return False
        return any(ip in n for n in nets)

    if not peer:
        return "-"
    if not nets or not is_trusted(peer):
        return peer
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop):
            return hop
    return hops[0] if hops else peer
