"""The Reports page in headless Chromium against a real ``greenpark serve`` process (9-tenant example park).

The operator starts a report of 2024 in English with its PDF, watches its stages until it is done and
downloads the HTML and the JSON through the page's links; the authority sees the downloads but no form;
a tenant is sent to its own page. No console errors. The screenshot goes to
``test-artifacts/screenshots/reports.png``; the page's response time and the run's time are printed,
not asserted.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "a long test password"
PARK = "longthanh-demo"
YEAR = 2024
ROOT = Path(__file__).parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
RUN_TIMEOUT_MS = 600_000  # a shared 2-core machine: the run with its PDF takes about a minute alone
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
    pytest.mark.timeout(900),
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
    reports_dir: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A small example park (9 tenants) imported into DuckDB and served by ``greenpark serve``."""
    tmp = tmp_path_factory.mktemp("reports_page")
    env = {
        **os.environ,
        "GREENPARK_ADMIN_PASSWORD": PASSWORD,
        "GREENPARK_ENVIRONMENT": "test",
        "GREENPARK_SCRYPT_N": "1024",
        "GREENPARK_REPORTS_DIR": str(tmp / "reports"),
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
        with httpx.Client(base_url=base, timeout=60) as admin:
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
        yield Server(base, tmp / "reports")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


class Session:
    """One signed-in browser context with its console errors; page timings are printed."""

    def __init__(self, browser: object, srv: Server, who: str) -> None:
        self.srv = srv
        self.who = who
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
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

    def goto(self, path: str, status: int = 200) -> float:
        """Open ``path``; returns (and prints) the navigation timing: request start to the last byte of HTML."""
        t0 = time.perf_counter()
        response = self.page.goto(self.srv.base + path)
        took = time.perf_counter() - t0
        assert response is not None and response.status == status, (path, response and response.status)
        timing = float(
            self.page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " return n ? n.responseEnd - n.requestStart : -1; }"
            )
        )
        where = f"{self.who} {path.split('?')[0]}"
        print(f"page {where}: {timing:.0f} ms to the last byte of HTML, {took * 1000:.0f} ms to load")
        return timing

    def download(self, file_name: str) -> tuple[str, bytes]:
        """Click the first run's download link of ``file_name``; the suggested name and the bytes saved."""
        link = self.page.locator(f"tr[data-report] a[data-file='{file_name}']").first
        with self.page.expect_download() as info:
            link.click()
        d = info.value
        return d.suggested_filename, Path(d.path()).read_bytes()

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def test_reports_page(server: Server, browser: object) -> None:
    srv = server
    url = f"/parks/{PARK}/reports"

    # operator: start a report, follow it, download ----------------------------------------
    op = Session(browser, srv, "operator")
    op.sign_in("op")
    page = op.page
    page.get_by_role("link", name="Reports").click()  # the nav entry
    page.wait_for_url(re.compile(url + "$"))
    timings = [op.goto(url)]
    assert page.locator("tr[data-report]").count() == 0
    page.select_option("#report-year", str(YEAR))
    page.select_option("#report-lang", "en")
    page.check("#report-pdf")
    t0 = time.perf_counter()
    page.get_by_role("button", name="Start the report").click()
    page.wait_for_selector("tr[data-report]", timeout=30_000)  # the page reloads with the new run
    row = page.locator("tr[data-report]").first
    assert row.get_attribute("data-status") in ("queued", "running", "done")
    # the progress line while it runs (the page polls the status; it reloads when the run ends)
    page.wait_for_function(
        "() => { const r = document.querySelector('tr[data-report]');"
        " return r && (/stages/.test(r.querySelector('.progress').textContent) || r.dataset.status === 'done'); }",
        timeout=60_000,
    )
    print(f"progress while running: {page.locator('tr[data-report] .progress').first.inner_text()!r}")
    page.wait_for_selector("tr[data-report][data-status=done]", timeout=RUN_TIMEOUT_MS)
    print(f"report of {YEAR} (9 tenants, en, with PDF) done in {time.perf_counter() - t0:.1f} s from the click")
    row = page.locator("tr[data-report]").first
    assert row.locator(".status").inner_text() == "done"
    assert row.locator(".progress").inner_text().startswith("8 of 8 stages"), row.locator(".progress").inner_text()
    assert [a.get_attribute("data-file") for a in row.locator("a[data-file]").all()] == [
        "report.html",
        "report.pdf",
        "assessment.json",
    ]
    name, body = op.download("assessment.json")
    assert name == f"greenpark-{PARK}-{YEAR}-en-assessment.json"
    a = json.loads(body)
    assert a["meta"]["year"] == YEAR and a["meta"]["park_id"] == PARK
    park_name = a["park"]["name"]
    name, body = op.download("report.html")
    assert name == f"greenpark-{PARK}-{YEAR}-en.html"
    assert park_name in body.decode("utf-8")
    timings.append(op.goto(url))  # the page with a finished run
    op.shot("reports")
    assert not op.errors, op.errors
    op.close()

    # authority: the downloads, no form -----------------------------------------------------
    prov = Session(browser, srv, "authority")
    prov.sign_in("prov")
    timings.append(prov.goto(url))
    page = prov.page
    assert page.locator("#report-form").count() == 0
    assert page.get_by_role("button", name="Start the report").count() == 0
    assert page.locator("tr[data-report] a[data-file]").count() == 3
    name, body = prov.download("assessment.json")
    assert json.loads(body)["meta"]["year"] == YEAR
    prov.goto(url + "?lang=vi")
    assert page.locator("tr[data-report] .status").first.inner_text() == "hoàn thành"
    assert page.locator("tr[data-report] a[data-file='report.pdf']").inner_text() == "Báo cáo (PDF)"
    assert not prov.errors, prov.errors
    prov.close()

    # tenant: sent to its own page ------------------------------------------------------------
    ten = Session(browser, srv, "tenant")
    ten.sign_in("t01")
    ten.goto(url)
    assert ten.page.url.endswith(f"/parks/{PARK}/tenants/T01")
    assert ten.page.get_by_role("link", name="Reports").count() == 0
    assert not ten.errors, ten.errors
    ten.close()

    print(f"reports page: {', '.join(f'{t:.0f}' for t in timings)} ms (target 300 ms; printed, not asserted)")
    assert len(list((srv.reports_dir / PARK).iterdir())) == 1  # the run's folder in GREENPARK_REPORTS_DIR
