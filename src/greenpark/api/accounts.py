"""Users, API tokens and browser sessions; the login rate limiter.

A *principal* is who is calling: a user with a role (operator, tenant, authority,
device), the park and tenant it is confined to, and for a device the meters it may
feed. It authenticates with a bearer token (``Authorization: Bearer gp_...``: scripts,
devices) or a session cookie set by ``POST /auth/login`` (the browser dashboard; unsafe
methods then also need the ``X-CSRF-Token`` header, double-submit style).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from greenpark.api.security import hash_password, new_token, token_hash, verify_password
from greenpark.api.servicedb import ServiceDb
from greenpark.errors import InputError


class Role(StrEnum):
    """What a principal may do (see docs/service.md for the full matrix)."""

    operator = "operator"  # the whole park, read and write
    tenant = "tenant"  # its own tenant's data only
    authority = "authority"  # read-only compliance and inventories
    device = "device"  # ingest only, its own meters


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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _principal(row: dict, via: str = "token", csrf_hash: str | None = None) -> Principal:
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
    )


_USER_COLUMNS = "u.user_id, u.username, u.role, u.park_id, u.tenant_id, u.meter_ids"


class Accounts:
    """Users, tokens and sessions kept in the service tables."""

    def __init__(self, db: ServiceDb, *, scrypt_n: int, session_hours: float) -> None:
        self.db = db
        self.scrypt_n = scrypt_n
        self.session_hours = session_hours
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
    ) -> Principal:
        """Add a user; a tenant user needs ``tenant_id`` and ``park_id``, a device its ``meter_ids``."""
        role = Role(role)
        if role is Role.tenant and not (tenant_id and park_id):
            raise InputError(f"user {username!r}: a tenant user needs park_id and tenant_id")
        if role is Role.device and not (meter_ids and park_id):
            raise InputError(f"user {username!r}: a device needs park_id and at least one meter id")
        if self.db.one("SELECT 1 AS x FROM service_users WHERE username = ?", [username]):
            raise InputError(f"user {username!r} exists already; pick another username")
        user_id = uuid.uuid4().hex
        pw = hash_password(password, n=self.scrypt_n) if password else None
        self.db.execute(
            "INSERT INTO service_users (user_id, username, password_hash, role, park_id, tenant_id, "
            "meter_ids, created_at, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, TRUE)",
            [user_id, username, pw, role.value, park_id, tenant_id, ",".join(meter_ids or []), _now()],
        )
        return _principal(
            {
                "user_id": user_id,
                "username": username,
                "role": role.value,
                "park_id": park_id,
                "tenant_id": tenant_id,
                "meter_ids": ",".join(meter_ids or []),
            }
        )

    def users(self) -> list[Principal]:
        """Every active user."""
        rows = self.db.rows(f"SELECT {_USER_COLUMNS} FROM service_users u WHERE u.active ORDER BY u.username")
        return [_principal(r) for r in rows]

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
        return _principal(row) if ok and row and row["password_hash"] else None

    # tokens and sessions ---------------------------------------------------------------
    def issue_token(self, user_id: str, name: str = "", expires_at: dt.datetime | None = None) -> str:
        """A new API token for a user; the plain token is returned once and stored hashed."""
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

    def api_tokens(self, user_id: str | None) -> list[dict]:
        """Live API tokens (of one user, or of everyone when ``user_id`` is None); never the secrets.

        ``token_id`` is the first 16 hex digits of the stored hash: enough to name a token, useless to use it.
        """
        where, params = "t.kind = 'api' AND NOT t.revoked", []
        if user_id is not None:
            where += " AND t.user_id = ?"
            params.append(user_id)
        return self.db.rows(
            "SELECT substr(t.token_hash, 1, 16) AS token_id, t.user_id, u.username, t.name, t.created_at, "
            f"t.expires_at FROM service_tokens t JOIN service_users u ON u.user_id = t.user_id WHERE {where} "
            "ORDER BY t.created_at, t.token_hash",
            params,
        )

    def revoke_id(self, token_id: str, user_id: str | None) -> bool:
        """Revoke the API token named ``token_id`` (only among ``user_id``'s when given); False if none."""
        if len(token_id) != 16 or not all(ch in "0123456789abcdef" for ch in token_id):
            return False
        found = [t for t in self.api_tokens(user_id) if t["token_id"] == token_id]
        if not found:
            return False
        self.db.execute(
            "UPDATE service_tokens SET revoked = TRUE WHERE kind = 'api' AND substr(token_hash, 1, 16) = ?",
            [token_id],
        )
        return True

    def revoke(self, token: str) -> None:
        """Revoke a token or end a session."""
        self.db.execute("UPDATE service_tokens SET revoked = TRUE WHERE token_hash = ?", [token_hash(token)])

    def resolve(self, token: str, kind: str) -> Principal | None:
        """The principal behind a live token (``kind`` 'api') or session (``kind`` 'session')."""
        row = self.db.one(
            f"SELECT {_USER_COLUMNS}, t.csrf_hash, t.expires_at FROM service_tokens t "
            "JOIN service_users u ON u.user_id = t.user_id "
            "WHERE t.token_hash = ? AND t.kind = ? AND NOT t.revoked AND u.active",
            [token_hash(token), kind],
        )
        if row is None:
            return None
        expires = row["expires_at"]
        if expires is not None:
            if expires.tzinfo is None:
                expires = expires.replace(tzinfo=dt.UTC)
            if expires <= _now():
                return None
        return _principal(row, via="session" if kind == "session" else "token", csrf_hash=row["csrf_hash"])


class LoginLimiter:
    """Failed-login counter per key (username and client address) over a sliding window.

    In memory, per process: enough for one service process; it resets on restart.
    """

    def __init__(self, max_attempts: int, window_s: float) -> None:
        self.max_attempts = max_attempts
        self.window_s = window_s
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again (0 when it may try now)."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(key, now)
            if len(q) < self.max_attempts:
                return 0.0
            return max(0.0, self.window_s - (now - q[0]))

    def failed(self, key: str) -> None:
        """Count one failed attempt."""
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        """Forget the failures of a key after a good login."""
        with self._lock:
            self._fails.pop(key, None)
