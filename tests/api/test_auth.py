"""Sign-in, sessions with CSRF, tokens, rate limit, problem+json, and no secret in the logs."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from service_fixtures import PASSWORD, Callers, test_settings, tiny_park

from greenpark.server import create_app
from greenpark.store import open_store

pytestmark = pytest.mark.timeout(120)
LOGIN = "/api/v1/auth/login"


def test_session_cookie_needs_the_csrf_header_on_writes(client: TestClient, callers: Callers) -> None:
    r = client.post(LOGIN, json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    assert r.json()["user"]["role"] == "operator"
    cookie = r.headers["set-cookie"]
    assert "greenpark_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    # reads work with the cookie alone
    assert client.get("/api/v1/auth/me").json()["username"] == "admin"
    body = [{"meter_id": "e1", "timestamp": "2024-03-01T08:00:00", "value": 1}]
    no_csrf = client.post("/api/v1/parks/tiny/readings", json=body)
    assert no_csrf.status_code == 403
    assert "X-CSRF-Token" in no_csrf.json()["detail"]
    wrong = client.post("/api/v1/parks/tiny/readings", json=body, headers={"X-CSRF-Token": "gp_wrong"})
    assert wrong.status_code == 403
    ok = client.post("/api/v1/parks/tiny/readings", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200
    out = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 200
    client.cookies.clear()
    assert client.get("/api/v1/auth/me").status_code == 401


def test_ended_session_cookie_is_refused(client: TestClient) -> None:
    r = client.post(LOGIN, json={"username": "admin", "password": PASSWORD})
    session = client.cookies.get("greenpark_session")
    client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": r.json()["csrf_token"]})
    client.cookies.clear()
    again = client.get("/api/v1/auth/me", cookies={"greenpark_session": session})
    assert again.status_code == 401
    assert "sign in again" in again.json()["detail"]


def test_wrong_password_and_devices_cannot_sign_in(client: TestClient, callers: Callers) -> None:
    r = client.post(LOGIN, json={"username": "admin", "password": "nope"})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "wrong username or password"
    assert client.post(LOGIN, json={"username": "ghost", "password": "nope"}).json()["detail"] == (
        "wrong username or password"
    )  # same answer whether the user exists or not


def test_login_is_rate_limited(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(f"duckdb:///{tmp_path / 's.duckdb'}")
    store.save_park(tiny_park())
    app = create_app(test_settings(login_max_attempts=3, login_window_s=600), store=store)
    with TestClient(app) as c:
        codes = [c.post(LOGIN, json={"username": "admin", "password": "bad"}).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        blocked = c.post(LOGIN, json={"username": "admin", "password": PASSWORD})
        assert blocked.status_code == 429  # even the right password waits out the window
        assert int(blocked.headers["retry-after"]) > 0
        assert "wait" in blocked.json()["detail"]
    store.close()


def test_bad_bearer_token_and_token_creation(client: TestClient, callers: Callers) -> None:
    r = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer gp_not-a-token"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    made = client.post("/api/v1/auth/tokens", json={"name": "script"}, headers=callers.headers["tenant"])
    assert made.status_code == 201
    token = made.json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "tenant" and me["tenant_id"] == "t1"
    # only an operator makes tokens for someone else
    other = client.post("/api/v1/auth/tokens", json={"user_id": me["user_id"]}, headers=callers.headers["authority"])
    assert other.status_code == 403


def test_secrets_stored_hashed_and_never_logged(
    client: TestClient, callers: Callers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.post(LOGIN, json={"username": "admin", "password": "a wrong secret pw"})
    made = client.post("/api/v1/auth/tokens", json={"name": "x"}, headers=callers.headers["operator"]).json()
    client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {made['token']}"})
    text = caplog.text
    assert "a wrong secret pw" not in text and made["token"] not in text and PASSWORD not in text
    db = callers.service.db
    rows = db.rows("SELECT token_hash FROM service_tokens") + db.rows("SELECT password_hash FROM service_users")
    dump = repr(rows)
    assert made["token"] not in dump and PASSWORD not in dump


def test_operator_creates_a_tenant_user_who_signs_in(client: TestClient, callers: Callers) -> None:
    body = {"username": "ana", "role": "tenant", "password": "ana-password-1", "park_id": "tiny", "tenant_id": "t2"}
    r = client.post("/api/v1/users", json=body, headers=callers.headers["operator"])
    assert r.status_code == 201, r.text
    dup = client.post("/api/v1/users", json=body, headers=callers.headers["operator"])
    assert dup.status_code == 422 and "exists already" in dup.json()["detail"]
    bad = client.post(
        "/api/v1/users", json={**body, "username": "bo", "tenant_id": "t9"}, headers=callers.headers["operator"]
    )
    assert bad.status_code == 422 and "t9" in bad.json()["detail"]
    login = client.post(LOGIN, json={"username": "ana", "password": "ana-password-1"})
    assert login.json()["user"]["tenant_id"] == "t2"


def test_many_usernames_from_one_address_are_rate_limited(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = open_store(f"duckdb:///{tmp_path / 's.duckdb'}")
    store.save_park(tiny_park())
    app = create_app(test_settings(login_max_attempts_per_client=3, login_window_s=600), store=store)
    with TestClient(app) as c:
        codes = [c.post(LOGIN, json={"username": f"user{i}", "password": "bad"}).status_code for i in range(4)]
        assert codes == [401, 401, 401, 429]
    store.close()


def test_tokens_are_listed_without_secrets_and_revoked(client: TestClient, callers: Callers) -> None:
    made = client.post("/api/v1/auth/tokens", json={"name": "laptop"}, headers=callers.headers["tenant"]).json()
    mine = client.get("/api/v1/auth/tokens", headers=callers.headers["tenant"]).json()
    assert {t["name"] for t in mine["data"]} == {"tenant", "laptop"}  # the fixture's token and the new one
    assert made["token"] not in repr(mine)
    laptop = next(t for t in mine["data"] if t["name"] == "laptop")
    auth = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/api/v1/auth/me", headers=auth).status_code == 200
    assert (
        client.delete(f"/api/v1/auth/tokens/{laptop['token_id']}", headers=callers.headers["tenant"]).status_code == 204
    )
    assert client.get("/api/v1/auth/me", headers=auth).status_code == 401
    # the operator sees everyone's tokens
    everyone = client.get("/api/v1/auth/tokens", headers=callers.headers["operator"]).json()
    assert {"operator", "tenant", "authority", "device"} <= {t["name"] for t in everyone["data"]}
