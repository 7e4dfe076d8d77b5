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


# -- security defaults (issue 16, item 5): each test below fails on the code before these defaults ----------------
import datetime as dt  # noqa: E402
import re  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from service_fixtures import PASSWORD, make_callers, quarter_hours, test_settings, tiny_park  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from greenpark.api.accounts import BootstrapError, Role  # noqa: E402
from greenpark.api.security import password_problem  # noqa: E402
from greenpark.server import create_app  # noqa: E402
from greenpark.settings import Settings  # noqa: E402
from greenpark.store import open_store  # noqa: E402

LOGIN = "/api/v1/auth/login"
XSS = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.fixture
def app_for(tmp_path: Path) -> Iterator[Any]:
    """``app_for(**settings)``: a TestClient on the tiny park in a fresh DuckDB store, closed afterwards."""
    opened: list[Any] = []

    def make(park: Any = None, client: tuple[str, int] = ("testclient", 50000), **kw: Any) -> TestClient:
        store = open_store(f"duckdb:///{tmp_path / f's{len(opened)}.duckdb'}")
        store.save_park(park or tiny_park())
        c = TestClient(create_app(test_settings(**kw), store=store), client=client)
        c.__enter__()
        opened.append((c, store))
        return c

    yield make
    for c, store in opened:
        c.__exit__(None, None, None)
        store.close()


def test_no_default_admin_password_and_serve_refuses_to_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GREENPARK_ADMIN_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file
    assert Settings().admin_password is None
    # the app cannot create its first operator without one
    store = open_store(f"duckdb:///{tmp_path / 'empty.duckdb'}")
    store.save_park(tiny_park())
    app = create_app(test_settings(admin_password=None), store=store)
    with pytest.raises(BootstrapError, match="GREENPARK_ADMIN_PASSWORD is not set"), TestClient(app):
        pass
    store.close()
    # `greenpark serve` says what to set, exits 2, and never starts the server
    import uvicorn

    from greenpark.cli import app as cli

    started: list[Any] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **k: started.append(self.config))
    out = CliRunner().invoke(cli, ["serve", "--store", f"duckdb:///{tmp_path / 'x.duckdb'}"])
    assert out.exit_code == 2, out.output
    assert "GREENPARK_ADMIN_PASSWORD is not set" in out.output and "12 characters" in out.output
    assert started == []
    # a weak one is refused the same way, in every environment
    monkeypatch.setenv("GREENPARK_ADMIN_PASSWORD", "changethis")
    out = CliRunner().invoke(cli, ["serve", "--store", f"duckdb:///{tmp_path / 'x.duckdb'}"])
    assert out.exit_code == 2 and "at least 12 characters" in out.output
    assert started == []
    # with a good one it starts, and X-Forwarded-For is left to the app (uvicorn would believe any local peer)
    monkeypatch.setenv("GREENPARK_ADMIN_PASSWORD", PASSWORD)
    out = CliRunner().invoke(cli, ["serve", "--store", f"duckdb:///{tmp_path / 'x.duckdb'}"])
    assert out.exit_code == 0, out.output
    assert started and started[0].proxy_headers is False


def test_password_policy_applies_to_every_password_set(app_for: Any) -> None:
    # NIST SP 800-63B 5.1.1.2: a minimum length and a blocklist of common passwords; 12 is the setting's default
    assert password_problem("correct horse", 12) is None
    assert "at least 12" in (password_problem("1", 12) or "")
    assert "common" in (password_problem("Password1234", 12) or "")
    assert "username" in (password_problem("ana.nguyen@kcn", 12, "ANA.NGUYEN@KCN") or "")
    assert "too few" in (password_problem("abababababab", 12) or "")
    c = app_for()
    op = make_callers(c.app.state.service).headers["operator"]
    for weak, why in (("1", "at least 12"), ("password1234", "common"), ("admin123456!", None)):
        r = c.post(
            "/api/v1/users",
            json={"username": f"u{len(weak)}", "role": "authority", "password": weak, "park_id": "tiny"},
            headers=op,
        )
        if why is None:  # 12 characters, not on the list: accepted
            assert r.status_code == 201, r.text
        else:
            assert r.status_code == 422 and why in r.json()["detail"], r.text
    # the bootstrap password too: a store with no user and a placeholder password does not start
    with pytest.raises(BootstrapError, match="common"):
        app_for(admin_password="Password1234")  # 12 characters, but on the list


def test_scrypt_cost_is_owasp_and_old_hashes_verify_and_are_upgraded(app_for: Any) -> None:
    # OWASP Password Storage Cheat Sheet, scrypt: N=2^17 (128 MiB), r=8, p=1
    assert Settings(admin_password=PASSWORD).scrypt_n == 2**17
    h = hash_password(PASSWORD, n=2**17)
    assert h.startswith("scrypt$131072$8$1$") and verify_password(PASSWORD, h)
    c = app_for(scrypt_n=2048)
    svc = c.app.state.service
    svc.db.execute(  # a hash made at an older, lower cost
        "UPDATE service_users SET password_hash = ? WHERE username = 'admin'", [hash_password(PASSWORD, n=1024)]
    )
    assert c.post(LOGIN, json={"username": "admin", "password": PASSWORD}).status_code == 200
    stored = svc.db.one("SELECT password_hash FROM service_users WHERE username = 'admin'")["password_hash"]
    assert stored.startswith("scrypt$2048$8$1$")  # upgraded at sign-in
    assert c.post(LOGIN, json={"username": "admin", "password": PASSWORD}).status_code == 200


def test_cookies_are_secure_unless_bound_to_loopback(app_for: Any) -> None:
    local = app_for()  # host 127.0.0.1 (the default)
    cookie = local.post(LOGIN, json={"username": "admin", "password": PASSWORD}).headers["set-cookie"]
    assert "greenpark_session=" in cookie and "Secure" not in cookie
    public = app_for(host="0.0.0.0")
    cookies = public.post(LOGIN, json={"username": "admin", "password": PASSWORD}).headers.get_list("set-cookie")
    assert len(cookies) == 2 and all("; Secure" in x for x in cookies)
    forced = app_for(host="0.0.0.0", cookie_secure=False)
    assert "Secure" not in forced.post(LOGIN, json={"username": "admin", "password": PASSWORD}).headers["set-cookie"]


def test_security_headers_on_every_response(app_for: Any) -> None:
    c = app_for()
    c.post(LOGIN, json={"username": "admin", "password": PASSWORD})
    for path in ("/api/v1/health", "/api/v1/nowhere", "/static/app.css", "/login", "/parks/tiny", "/docs"):
        r = c.get(path)
        h = r.headers
        csp = h.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
        script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, path
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY", path
        assert h["referrer-policy"] == "same-origin", path
    # the dashboard's inline scripts carry this response's nonce; no inline script without it
    page = c.get("/parks/tiny")
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"]).group(1)  # type: ignore[union-attr]
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page.text)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
    assert c.get("/parks/tiny").headers["content-security-policy"] != page.headers["content-security-policy"]


def test_tenant_name_with_a_script_tag_renders_inert(app_for: Any) -> None:
    park = tiny_park()
    park.tenants[0] = park.tenants[0].model_copy(update={"name": XSS})  # as a park import would store it
    c = app_for(park=park)
    op = make_callers(c.app.state.service).headers["operator"]
    # December: the overview charts the last month of a past year
    r = c.post("/api/v1/parks/tiny/readings", json=quarter_hours("e1", "2024-12-02T08:00:00", 4, 2.0), headers=op)
    assert r.json()["accepted"] == 4
    c.post(LOGIN, json={"username": "admin", "password": PASSWORD})
    for path in ("/parks/tiny?year=2024", "/parks/tiny/tenants/t1?year=2024"):
        html = c.get(path).text
        assert XSS not in html and "<script>window.pwned" not in html and '<img src=x onerror="' not in html, path
        scripts = "".join(re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S))
        assert "</script" not in scripts.lower() and "<img" not in scripts.lower()
    overview = c.get("/parks/tiny?year=2024").text
    assert "\\u003c/script\\u003e\\u003cscript\\u003ewindow.pwned=1" in overview  # the name, as JSON text, in the chart


def test_swagger_ui_and_redoc_are_served_locally(app_for: Any) -> None:
    c = app_for()
    for path in ("/docs", "/redoc"):
        html = c.get(path).text
        assert "http://" not in html and "https://" not in html and "cdn" not in html.lower(), path
        assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"{path} has an inline script"
        for asset in re.findall(r'(?:src|href)="(/[^"]+)"', html):
            got = c.get(asset)
            assert got.status_code == 200 and len(got.content) > 100, asset
    assert "SwaggerUIBundle" in c.get("/api-docs/vendor/swagger-ui-bundle.js").text
    assert c.get("/openapi.json").json()["info"]["title"] == "greenpark"


def test_limiter_evicts_old_and_excess_keys() -> None:
    lim = LoginLimiter(max_attempts=3, window_s=60, max_keys=100)
    for i in range(1_000):
        lim.failed(f"user{i}|198.51.100.{i % 250}")
    assert len(lim) == 100  # the least recently failed went first
    assert lim.retry_after("user999|198.51.100.249") == 0  # one failure: not blocked
    short = LoginLimiter(max_attempts=3, window_s=0.05, max_keys=100)
    for i in range(50):
        short.failed(f"k{i}")
    import time

    time.sleep(0.1)
    short.failed("fresh")
    assert len(short) == 1  # keys whose failures all left the window are dropped


def test_forwarded_for_is_believed_only_from_trusted_proxies(app_for: Any) -> None:
    bad = {"username": "admin", "password": "a wrong password"}
    # a caller that is no proxy cannot pick a fresh limiter key per try with X-Forwarded-For
    direct = app_for(login_max_attempts=3, client=("203.0.113.7", 40000))
    codes = [direct.post(LOGIN, json=bad, headers={"X-Forwarded-For": f"192.0.2.{i}"}).status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
    # behind a trusted proxy, each forwarded client has its own key: the attacker is blocked, the user is not
    proxied = app_for(login_max_attempts=3, trusted_proxies=["10.0.0.0/24"], client=("10.0.0.5", 40000))
    attacker = {"X-Forwarded-For": "spoofed, 192.0.2.66"}  # the left part is the client's own claim
    codes = [proxied.post(LOGIN, json=bad, headers=attacker).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    good = proxied.post(
        LOGIN, json={"username": "admin", "password": PASSWORD}, headers={"X-Forwarded-For": "192.0.2.8"}
    )
    assert good.status_code == 200
    still = proxied.post(
        LOGIN, json={"username": "admin", "password": PASSWORD}, headers={"X-Forwarded-For": "other, 192.0.2.66"}
    )
    assert still.status_code == 429


def test_the_right_password_from_another_client_is_not_locked_out(app_for: Any) -> None:
    attacker = app_for(login_max_attempts=3)
    svc = attacker.app.state.service
    bad = {"username": "admin", "password": "a wrong password"}
    assert [attacker.post(LOGIN, json=bad).status_code for _ in range(4)] == [401, 401, 401, 429]
    user = TestClient(attacker.app, client=("198.51.100.20", 1234))  # same app, another address
    assert user.post(LOGIN, json={"username": "admin", "password": PASSWORD}).status_code == 200
    assert svc.limiter.retry_after("admin|testclient") > 0  # the attacker still waits


def test_client_address_rules() -> None:
    from greenpark.api.accounts import client_address

    assert client_address("203.0.113.7", ["1.2.3.4"], []) == "203.0.113.7"
    assert client_address("203.0.113.7", ["1.2.3.4"], ["10.0.0.0/8"]) == "203.0.113.7"
    assert client_address("10.0.0.5", ["1.2.3.4, 10.0.0.9"], ["10.0.0.0/8"]) == "1.2.3.4"
    assert client_address("10.0.0.5", ["spoof", "1.2.3.4"], ["10.0.0.0/8"]) == "1.2.3.4"
    assert client_address("10.0.0.5", [], ["10.0.0.0/8"]) == "10.0.0.5"
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        Settings(admin_password=PASSWORD, trusted_proxies=["not-an-ip"])


def test_tokens_expire_by_default_and_creation_is_scoped(app_for: Any) -> None:
    c = app_for(tokens_per_user=3)
    callers = make_callers(c.app.state.service)
    h = callers.headers
    made = c.post("/api/v1/auth/tokens", json={"name": "script"}, headers=h["tenant"]).json()
    expires = dt.datetime.fromisoformat(made["expires_at"])
    assert dt.timedelta(days=89) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(days=90)  # token_days: 90
    listed = c.get("/api/v1/auth/tokens", headers=h["tenant"]).json()["data"]
    assert all(t["expires_at"] is not None for t in listed)
    # devices cannot mint, not even for themselves
    r = c.post("/api/v1/auth/tokens", json={"name": "more"}, headers=h["device"])
    assert r.status_code == 403 and "device" in r.json()["detail"]
    # a tenant cannot make an operator's token (or anyone else's)
    admin_id = next(u.user_id for u in c.app.state.service.accounts.users() if u.username == "admin")
    assert c.post("/api/v1/auth/tokens", json={"user_id": admin_id}, headers=h["tenant"]).status_code == 403
    # an operator makes a device's token
    device_id = c.get("/api/v1/auth/me", headers=h["device"]).json()["user_id"]
    assert c.post("/api/v1/auth/tokens", json={"user_id": device_id}, headers=h["operator"]).status_code == 201
    # lifetime bounds
    too_far = (dt.datetime.now(dt.UTC) + dt.timedelta(days=400)).isoformat()
    r = c.post("/api/v1/auth/tokens", json={"expires_at": too_far}, headers=h["tenant"])
    assert r.status_code == 422 and "366 days" in r.json()["detail"]
    # a limit per user: the fixture's token, "script", one more, then 409
    assert c.post("/api/v1/auth/tokens", json={"name": "third"}, headers=h["tenant"]).status_code == 201
    r = c.post("/api/v1/auth/tokens", json={"name": "fourth"}, headers=h["tenant"])
    assert r.status_code == 409 and "revoke one" in r.json()["detail"]


def test_logout_ends_only_the_callers_own_session(app_for: Any) -> None:
    c = app_for()
    h = make_callers(c.app.state.service).headers
    assert c.post(LOGIN, json={"username": "admin", "password": PASSWORD}).status_code == 200
    # someone else's call, with their bearer token, while admin's session cookie is in the jar
    r = c.post("/api/v1/auth/logout", headers=h["tenant"])
    assert r.status_code == 200 and "no session" in r.json()["message"]
    me = c.get("/api/v1/auth/me")  # the cookie alone
    assert me.status_code == 200 and me.json()["username"] == "admin"


def test_deactivation_password_change_and_sessions(app_for: Any) -> None:
    c = app_for()
    svc = c.app.state.service
    h = make_callers(svc).headers
    ana = svc.accounts.create_user("ana", Role.authority, password=PASSWORD, park_id="tiny")
    token = svc.accounts.issue_token(ana.user_id, "ana-script")
    laptop, phone = TestClient(c.app), TestClient(c.app)
    csrf = laptop.post(LOGIN, json={"username": "ana", "password": PASSWORD}).json()["csrf_token"]
    assert phone.post(LOGIN, json={"username": "ana", "password": PASSWORD}).status_code == 200
    # sessions listed, the caller's marked; ending the other one signs that device out
    mine = laptop.get("/api/v1/auth/sessions").json()
    assert mine["count"] == 2 and sum(s["current"] for s in mine["data"]) == 1
    other = next(s["session_id"] for s in mine["data"] if not s["current"])
    assert laptop.delete(f"/api/v1/auth/sessions/{other}", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert phone.get("/api/v1/auth/me").status_code == 401
    assert laptop.get("/api/v1/auth/me").status_code == 200
    # another user's session is not found for a non-operator
    assert c.delete(f"/api/v1/auth/sessions/{other}", headers=h["tenant"]).status_code == 404
    # password change: the current one is needed, the policy applies, the old one stops working
    new = "a brand new long password"
    body = {"current_password": "wrong wrong wrong", "new_password": new}
    assert laptop.post("/api/v1/auth/password", json=body, headers={"X-CSRF-Token": csrf}).status_code == 403
    body = {"current_password": PASSWORD, "new_password": "short"}
    assert laptop.post("/api/v1/auth/password", json=body, headers={"X-CSRF-Token": csrf}).status_code == 422
    body = {"current_password": PASSWORD, "new_password": new}
    assert laptop.post("/api/v1/auth/password", json=body, headers={"X-CSRF-Token": csrf}).status_code == 200
    assert laptop.get("/api/v1/auth/me").status_code == 200  # the session that changed it stays
    assert TestClient(c.app).post(LOGIN, json={"username": "ana", "password": PASSWORD}).status_code == 401
    assert TestClient(c.app).post(LOGIN, json={"username": "ana", "password": new}).status_code == 200
    # deactivation (operator only) ends every token and session at once; reactivation lets the user back in
    assert c.patch(f"/api/v1/users/{ana.user_id}", json={"active": False}, headers=h["tenant"]).status_code == 403
    r = c.patch(f"/api/v1/users/{ana.user_id}", json={"active": False}, headers=h["operator"])
    assert r.status_code == 200 and r.json()["active"] is False
    assert c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert laptop.get("/api/v1/auth/me").status_code == 401
    assert TestClient(c.app).post(LOGIN, json={"username": "ana", "password": new}).status_code == 401
    assert c.patch(f"/api/v1/users/{ana.user_id}", json={"active": True}, headers=h["operator"]).status_code == 200
    assert TestClient(c.app).post(LOGIN, json={"username": "ana", "password": new}).status_code == 200
    # an operator resets a password (policy applies); the operator cannot deactivate itself
    op_id = c.get("/api/v1/auth/me", headers=h["operator"]).json()["user_id"]
    r = c.put(f"/api/v1/users/{ana.user_id}/password", json={"new_password": "123456789012"}, headers=h["operator"])
    assert r.status_code == 422
    r = c.put(f"/api/v1/users/{ana.user_id}/password", json={"new_password": PASSWORD}, headers=h["operator"])
    assert r.status_code == 200
    r = c.patch(f"/api/v1/users/{op_id}", json={"active": False}, headers=h["operator"])
    assert r.status_code == 422 and "yourself" in r.json()["detail"]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(300)
def test_in_a_browser_the_script_name_stays_text_and_the_policy_blocks_nothing_of_ours(
    tmp_path: Path, chromium: Path
) -> None:
    """Headless Chromium on a real server: the XSS name does not run; charts and Swagger UI work under the CSP."""
    import threading
    import time

    import httpx
    import uvicorn
    from playwright.sync_api import sync_playwright
    from service_fixtures import free_port

    park = tiny_park()
    park.tenants[0] = park.tenants[0].model_copy(update={"name": XSS})
    store = open_store(f"duckdb:///{tmp_path / 'browser.duckdb'}")
    store.save_park(park)
    app = create_app(test_settings(), store=store)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        base = f"http://127.0.0.1:{server.config.port}"
        op = make_callers(app.state.service).headers["operator"]
        r = httpx.post(
            f"{base}/api/v1/parks/tiny/readings", json=quarter_hours("e1", "2024-12-02T08:00", 8), headers=op
        )
        assert r.json()["accepted"] == 8
        problems: list[str] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{base}/login")
            page.fill("#username", "admin")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/parks/**", timeout=30_000)
            page.goto(f"{base}/parks/tiny?year=2024")
            page.wait_for_selector("#month-chart .main-svg", timeout=30_000)  # Plotly drew under the policy
            assert page.evaluate("window.pwned") is None
            assert XSS in page.inner_text("#month-chart")  # the name is shown, as text
            page.goto(f"{base}/docs")
            page.wait_for_selector(".opblock", timeout=30_000)  # Swagger UI from local files, started by a file
            browser.close()
        assert not problems, problems
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        store.close()
