"""The dashboard in headless Chromium against a real ``greenpark serve`` process on a small example park.

Signs in as operator, tenant and authority; checks what each sees (a tenant cannot open another tenant's
page by URL); acknowledges an alert raised by out-of-limit analyser values; watches a reading posted over
the API appear on the WWTP live page; switches to Vietnamese. Screenshots go to
``test-artifacts/screenshots/`` (git-ignored); each page's response time is printed, not asserted.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a long test password"
PARK = "longthanh-demo"
ROOT = Path(__file__).parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(300),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str) -> list[str]:
    code = "import sys; from greenpark.cli import app; sys.argv[0] = 'greenpark'; app()"
    return [sys.executable, "-c", code, *args]


@dataclass
class Server:
    base: str
    admin: httpx.Client
    csrf: str
    timings: list[tuple[str, float]] = field(default_factory=list)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A small example park (9 tenants) imported into DuckDB and served by ``greenpark serve``."""
    tmp = tmp_path_factory.mktemp("dashboard")
    env = {
        **os.environ,
        "GREENPARK_ADMIN_PASSWORD": PASSWORD,
        "GREENPARK_ENVIRONMENT": "test",
        "GREENPARK_SCRYPT_N": "1024",
    }
    store = f"duckdb://{tmp / 'store.duckdb'}"
    subprocess.run(_cli("example", str(tmp / "park"), "--tenants", "9"), env=env, check=True, capture_output=True)
    subprocess.run(_cli("import", str(tmp / "park"), "--store", store), env=env, check=True, capture_output=True)
    port = _free_port()
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen(
        _cli("serve", "--store", store, "--port", str(port)), env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp / "serve.log").read_text()[-2000:]
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "greenpark serve did not answer within 90 s"
            time.sleep(0.3)
        admin = httpx.Client(base_url=base, timeout=60)
        login = admin.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
        assert login.status_code == 200, login.text
        csrf = login.json()["csrf_token"]
        users = [
            {"username": "op", "role": "operator", "password": PASSWORD},
            {"username": "prov", "role": "authority", "password": PASSWORD},
            {"username": "t01", "role": "tenant", "password": PASSWORD, "park_id": PARK, "tenant_id": "T01"},
        ]
        for u in users:
            r = admin.post("/api/v1/users", json=u, headers={"X-CSRF-Token": csrf})
            assert r.status_code == 201, r.text
        # the engines' first answers on a cold service (the warm-up thread may still be running): printed only
        for path in ("inventory", "water", "waste"):
            t0 = time.perf_counter()
            r = admin.get(f"/api/v1/parks/{PARK}/{path}?year=2024")
            assert r.status_code == 200, r.text
            print(f"cold API /{path}?year=2024: {(time.perf_counter() - t0) * 1000:.0f} ms")
        yield Server(base, admin, csrf)
        admin.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        log.close()


def post_outlet(srv: Server, parameter: str, stamps: list[dt.datetime], value: float) -> dict:
    """Analyser values at the WWTP outlet, posted over the API (operator session + CSRF header)."""
    rows = [
        {
            "wwtp_id": "WWTP1",
            "timestamp": t.isoformat(),
            "point": "outlet",
            "parameter": parameter,
            "value": f"{value + (i % 3) * 0.5:g}",
            "unit": "mg/l",
            "method": "analyser",
        }
        for i, t in enumerate(stamps)
    ]
    r = srv.admin.post(f"/api/v1/parks/{PARK}/wastewater", json=rows, headers={"X-CSRF-Token": srv.csrf})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


class Session:
    """One signed-in browser context with its console errors and page timings."""

    def __init__(self, browser: object, srv: Server, who: str, width: int = 1280, height: int = 900) -> None:
        self.srv = srv
        self.who = who
        self.context = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def sign_in(self, username: str) -> None:
        self.goto("/login")
        self.page.get_by_label(re.compile("Username|Tên đăng nhập")).fill(username)
        self.page.get_by_label(re.compile("Password|Mật khẩu")).fill(PASSWORD)
        self.page.get_by_role("button", name=re.compile("Sign in|Đăng nhập")).click()
        self.page.wait_for_url(re.compile(r"/parks/"))
        self.page.wait_for_load_state("load")
        self._timing(self.page.url.removeprefix(self.srv.base), -1.0)

    def goto(self, path: str, status: int = 200) -> None:
        t0 = time.perf_counter()
        response = self.page.goto(self.srv.base + path)
        took = time.perf_counter() - t0
        assert response is not None and response.status == status, (path, response and response.status)
        self._timing(path, took)

    def _timing(self, path: str, took: float) -> None:
        timing = self.page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return n ? n.responseEnd - n.requestStart : -1; }"
        )
        key = f"{self.who} {path.split('?')[0]}"
        self.srv.timings.append((key, float(timing)))
        print(f"page {key}: {timing:.0f} ms to the last byte of HTML, {took * 1000:.0f} ms to load")

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def test_dashboard_in_a_browser(server: Server, browser: object) -> None:
    srv = server
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    # 2 h of COD far above the outlet limit: the water rules open an exceedance alert
    report = post_outlet(srv, "cod", [now - dt.timedelta(minutes=5 * (24 - i)) for i in range(24)], 120.0)
    assert report["accepted"] == 24, report

    # operator -----------------------------------------------------------------------------
    op = Session(browser, srv, "operator")
    op.sign_in("op")
    assert op.page.url.endswith(f"/parks/{PARK}")
    page = op.page
    page.wait_for_selector("#month-chart .plotly", state="attached", timeout=15000)
    assert page.locator("[data-kpi=ghg] .value").inner_text().strip() != "–"
    assert page.locator("[data-kpi=tenants] .value").inner_text().strip() == "9"
    assert page.get_by_role("link", name="Data quality").count() == 1
    op.shot("operator-overview")
    op.goto(f"/parks/{PARK}/tenants/T02")
    page.wait_for_selector("#profile-chart .plotly", state="attached", timeout=15000)
    page.wait_for_selector("#heatmap-chart .plotly", state="attached", timeout=15000)
    op.shot("operator-tenant-T02")
    op.goto(f"/parks/{PARK}/quality")
    assert page.locator("table tbody tr").count() >= 1
    op.shot("operator-quality")

    op.goto(f"/parks/{PARK}/alerts?state=open")
    row = page.locator("tr[data-state=open]", has_text="water.exceedance").first
    alert_id = row.get_attribute("data-alert")
    op.shot("operator-alerts")
    row.get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state("load")
    page.wait_for_function(f"() => !document.querySelector('tr[data-alert=\"{alert_id}\"][data-state=open]')")
    state = srv.admin.get(f"/api/v1/parks/{PARK}/alerts/{alert_id}").json()["state"]
    assert state == "acknowledged"

    op.goto(f"/parks/{PARK}/wwtp?poll=1")
    page.wait_for_selector("tr[data-parameter=cod]", timeout=15000)
    assert "777" not in page.locator("section.wwtp").inner_text()
    post_outlet(srv, "cod", [now + dt.timedelta(minutes=1)], 777.0)
    page.wait_for_function(
        "() => document.querySelector('tr[data-parameter=cod]').innerText.includes('777')", timeout=15000
    )
    page.wait_for_selector("section.wwtp .plotly", state="attached", timeout=15000)
    op.shot("operator-wwtp-live")

    op.goto(f"/parks/{PARK}")
    page.get_by_role("link", name="VI", exact=True).click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("link", name="Tổng quan").count() == 1
    assert "Phát thải" in page.locator("[data-kpi=ghg]").inner_text()
    ghg = page.locator("[data-kpi=ghg] .value").inner_text()
    assert re.search(r"\d\.\d{3}", ghg) or "," not in ghg, ghg  # Vietnamese groups thousands with '.'
    op.shot("operator-overview-vi")
    assert not op.errors, op.errors
    op.close()

    tablet = Session(browser, srv, "operator-tablet", width=768, height=1024)
    tablet.sign_in("op")
    tablet.page.wait_for_selector("#month-chart .plotly", state="attached", timeout=15000)
    width = tablet.page.evaluate("() => document.documentElement.scrollWidth")
    tablet.shot("operator-overview-tablet")
    assert width <= 768 + 1, f"the overview overflows a tablet screen: {width} px"
    assert not tablet.errors, tablet.errors
    tablet.close()

    # tenant -------------------------------------------------------------------------------
    ten = Session(browser, srv, "tenant")
    ten.sign_in("t01")
    assert ten.page.url.endswith(f"/parks/{PARK}/tenants/T01")
    ten.page.wait_for_selector("#profile-chart .plotly", state="attached", timeout=15000)
    assert ten.page.get_by_role("link", name="Overview").count() == 0
    ten.shot("tenant-own-page")
    assert not ten.errors, ten.errors
    ten.goto(f"/parks/{PARK}/tenants/T02", status=404)
    ten.shot("tenant-other-tenant-404")
    ten.errors.clear()  # Chromium logs the expected 404 itself
    for path in (f"/parks/{PARK}", f"/parks/{PARK}/alerts", f"/parks/{PARK}/quality", f"/parks/{PARK}/wwtp"):
        ten.page.goto(srv.base + path)
        assert ten.page.url.endswith(f"/parks/{PARK}/tenants/T01"), path
    assert not ten.errors, ten.errors
    ten.close()

    # authority ----------------------------------------------------------------------------
    prov = Session(browser, srv, "authority")
    prov.sign_in("prov")
    assert prov.page.url.endswith(f"/parks/{PARK}")
    prov.page.wait_for_selector("#month-chart .plotly", state="attached", timeout=15000)
    assert prov.page.get_by_role("link", name="Data quality").count() == 0
    prov.goto(f"/parks/{PARK}/alerts")
    assert prov.page.locator("tr", has_text="water.exceedance").count() >= 1
    assert prov.page.locator("button[data-action]").count() == 0
    prov.shot("authority-alerts")
    prov.goto(f"/parks/{PARK}/wwtp")
    prov.page.wait_for_selector("tr[data-parameter=cod]", timeout=15000)
    assert not prov.errors, prov.errors
    prov.goto(f"/parks/{PARK}/quality", status=403)
    prov.close()

    print("page response times (ms, server answer as the browser saw it):")
    for key, ms in srv.timings:
        print(f"  {key:45s} {ms:7.0f}")
