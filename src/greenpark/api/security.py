"""Secrets at rest: scrypt for passwords, SHA-256 for random API tokens, constant-time checks; the password policy.

Passwords are low-entropy, so they get a slow, salted KDF (scrypt, hashlib) with the cost the
OWASP Password Storage Cheat Sheet gives for scrypt (N=2^17, r=8, p=1: 128 MiB and a few hundred
ms per hash; N is the setting ``scrypt_n``). A hash keeps its parameters, so hashes made with
an older, lower cost still verify; :func:`needs_rehash` tells the caller to store a new one at
the user's next sign-in. API tokens and session ids are 256-bit random strings, so a fast hash
is enough: a stolen table of token hashes cannot be turned back into tokens. Only hashes are
stored; the plain token is shown once, when it is created.

The password policy (:func:`password_problem`) follows NIST SP 800-63B section 5.1.1.2: a
minimum length, and no password from a list of common ones (``common-passwords.txt``), the
username, or a run of a few repeated characters. No composition rules (they do not help).

References
----------
OWASP Cheat Sheet Series, Password Storage Cheat Sheet, section "scrypt" (minimum N=2^17, r=8, p=1).
NIST Special Publication 800-63B, Digital Identity Guidelines, section 5.1.1.2 (memorized secret verifiers).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache
from pathlib import Path

from greenpark.errors import WeakPasswordError

TOKEN_PREFIX = "gp_"
_SCRYPT_R = 8
_SCRYPT_P = 1
_SALT_BYTES = 16
_DKLEN = 32
_COMMON = Path(__file__).with_name("common-passwords.txt")
_MIN_DISTINCT = 5  # fewer distinct characters than this is a repeated pattern ("aaaaaaaaaaaa", "abababababab")


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
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(got, want)


def needs_rehash(stored: str, *, n: int) -> bool:
    """True when ``stored`` was made with other scrypt parameters than (``n``, r=8, p=1): hash it again."""
    parts = stored.split("$")
    return len(parts) != 6 or parts[0] != "scrypt" or parts[1:4] != [str(n), str(_SCRYPT_R), str(_SCRYPT_P)]


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The common passwords the policy refuses (lower case)."""
    lines = _COMMON.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


def password_problem(password: str, min_length: int, username: str | None = None) -> str | None:
    """Why ``password`` fails the policy, or None when it passes (see the module docstring)."""
    if len(password) < min_length:
        return f"a password needs at least {min_length} characters (got {len(password)}); a few words make a good one"
    folded = password.strip().lower()
    if folded in common_passwords():
        return "this password is on the list of common passwords; choose another"
    if username and folded == username.strip().lower():
        return "the password may not be the username; choose another"
    if len(set(folded)) < _MIN_DISTINCT:
        return f"the password repeats too few characters (fewer than {_MIN_DISTINCT} different ones); choose another"
    return None


def check_password_policy(password: str, min_length: int, username: str | None = None) -> None:
    """Raise :class:`WeakPasswordError` when ``password`` fails :func:`password_problem`."""
    problem = password_problem(password, min_length, username)
    if problem:
        raise WeakPasswordError(problem)


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
