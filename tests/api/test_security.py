"""Secrets at rest: passwords under scrypt, tokens under SHA-256, never stored plain."""

from __future__ import annotations

import hashlib

from greenpark.api.accounts import LoginLimiter
from greenpark.api.security import hash_password, new_token, token_hash, verify_password


def test_password_hash_is_salted_scrypt_and_verifies() -> None:
    h1 = hash_password("correct horse", n=2**10)
    h2 = hash_password("correct horse", n=2**10)
    assert h1.startswith("scrypt$1024$8$1$")
    assert h1 != h2  # a fresh salt each time
    assert "correct horse" not in h1
    assert verify_password("correct horse", h1)
    assert not verify_password("correct horsE", h1)
    assert not verify_password("x", "not-a-hash")


def test_token_is_random_and_stored_as_sha256() -> None:
    t = new_token()
    assert t.startswith("gp_") and len(t) > 40
    assert new_token() != t
    assert token_hash(t) == hashlib.sha256(t.encode()).hexdigest()


def test_login_limiter_blocks_after_max_failures_and_forgives_on_success() -> None:
    lim = LoginLimiter(max_attempts=3, window_s=60)
    for _ in range(2):
        lim.failed("ana|1.2.3.4")
    assert lim.retry_after("ana|1.2.3.4") == 0
    lim.failed("ana|1.2.3.4")
    assert 0 < lim.retry_after("ana|1.2.3.4") <= 60
    assert lim.retry_after("bao|1.2.3.4") == 0  # another user is not blocked
    lim.succeeded("ana|1.2.3.4")
    assert lim.retry_after("ana|1.2.3.4") == 0
