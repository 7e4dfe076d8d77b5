"""Secrets at rest: scrypt for passwords, SHA-256 for random API tokens, constant-time checks.

Passwords are low-entropy, so they get a slow, salted KDF (scrypt, hashlib). API tokens and
session ids are 256-bit random strings, so a fast hash is enough: a stolen table of token
hashes cannot be turned back into tokens. Only hashes are stored; the plain token is shown
once, when it is created.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_PREFIX = "gp_"
_SCRYPT_R = 8
_SCRYPT_P = 1
_SALT_BYTES = 16
_DKLEN = 32


def hash_password(password: str, *, n: int) -> str:
    """Salted scrypt hash of a password, as ``scrypt$n$r$p$salt$hash`` (base64 parts).

    Parameters
    ----------
    password : the plain password.
    n : scrypt CPU/memory cost (a power of two; from settings).
    """
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_DKLEN, maxmem=128 * n * _SCRYPT_R * 2
    )
    return "$".join(["scrypt", str(n), str(_SCRYPT_R), str(_SCRYPT_P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches a hash made by :func:`hash_password` (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        want = _unb64(digest)
        got = hashlib.scrypt(
            password.encode(),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(want),
            maxmem=128 * int(n) * int(r) * 2,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def new_token() -> str:
    """A fresh random API token or session id (shown once, never stored in plain)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_secret(a: str, b: str) -> bool:
    """Constant-time equality of two secrets (CSRF values)."""
    return hmac.compare_digest(a.encode(), b.encode())


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def _unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
