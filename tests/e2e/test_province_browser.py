"""The authority's province page in headless Chromium against a real ``greenpark serve`` (issue 20, item 4).

Three tiny parks in one DuckDB store: ``tiny`` ("Tiny Park") and ``other`` ("Other Park") in Dong Nai, ``far`` in
Binh Duong. 2024 readings (base unit kWh, one quarter hour each): tiny e1 2,000,000; other e1 500,000; far e1 7.
An authority bound to "Dong Nai" signs in and lands on its province's page; the page lists tiny and other (not far)
with the figures the API gives for each park, sorts by a column heading, reads in Vietnamese, English and Japanese
(the server is strict about message keys: a missing one fails the page), does not overflow a tablet screen, and each
park's link opens that park's overview. A tenant is sent to its own page; another province's park answers 404.
Screenshots go to ``test-artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pandas as pd
import pytest

from greenpark.store import open_store
from testkit import free_port, stop, tiny_park, wait_for_health

PASSWORD = "a long test password"
ROOT = Path(__file__).parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# the page's heading in each language, written out (locales/<lang>.json "province.title" with "Đồng Nai", the
# province as park other, first in id order, writes it)
TITLES = {
    "vi": "Các khu công nghiệp của tỉnh Đồng Nai",
    "en": "Industrial parks of Đồng Nai",
    "ja": "Đồng Nai省の工業団地",
}
# thousands separators of each language (CLDR: vi_VN groups with '.', en_GB and ja_JP with ',')
GROUP = {"vi": ".", "en": ",", "ja": ","}

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]


def _cli(*args: str) -> list[str]:
    code = "import sys; from greenpark.cli import app; sys.argv[0] = 'greenpark'; app()"
    return [sys.executable, "-c", code, *args]


@dataclass
class Server:
    base: str
    admin: httpx.Client


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, chromium: Path) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("province")
    path = tmp / "store.duckdb"
    store = open_store(f"duckdb:///{path}")
    other = tiny_park("other", province="Đồng Nai")
    store.save_park(tiny_park(province="Dong Nai"))
    store.save_park(dataclasses.replace(other, park=other.park.model_copy(update={"name": "Other Park"})))
    store.save_park(tiny_park("far", province="Binh Duong"))
    ts = pd.Timestamp("2024-03-01T01:00:00Z")
    for park_id, kwh in (("tiny", 2_000_000.0), ("other", 500_000.0), ("far", 7.0)):
        store.write_readings(park_id, pd.DataFrame({"meter_id": ["e1"], "ts": [ts], "value": [kwh]}))
    store.close()
    env = {
        **os.environ,
        "GREENPARK_ADMIN_PASSWORD": PASSWORD,
        "GREENPARK_ENVIRONMENT": "test",
        "GREENPARK_SCRYPT_N": "1024",
        "GREENPARK_I18N_STRICT": "1",
        "GREENPARK_REPORTS_DIR": str(tmp / "reports"),
    }
    port = free_port()
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen(
        _cli("serve", "--store", f"duckdb://{path}", "--port", str(port)), env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, proc, tmp / "serve.log", timeout_s=90)
        admin = httpx.Client(base_url=base, timeout=60)
        csrf = admin.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}).json()["csrf_token"]
        for user in (
            {"username": "dongnai", "role": "authority", "password": PASSWORD, "province": "Dong Nai"},
            {"username": "t1", "role": "tenant", "password": PASSWORD, "park_id": "tiny", "tenant_id": "t1"},
        ):
            r = admin.post("/api/v1/users", json=user, headers={"X-CSRF-Token": csrf})
            assert r.status_code == 201, r.text
        yield Server(base, admin)
        admin.close()
    finally:
        stop(proc)
        log.close()


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium), args=ARGS, headless=True)
        yield b
        b.close()


def _session(browser: object, srv: Server, username: str, width: int = 1280) -> tuple[object, object, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.goto(srv.base + "/login")
    page.get_by_label(re.compile("Username|Tên đăng nhập")).fill(username)
    page.get_by_label(re.compile("Password|Mật khẩu")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Sign in|Đăng nhập")).click()
    page.wait_for_url(re.compile(r"/(parks|provinces)/"))
    page.wait_for_load_state("load")
    return context, page, errors


def _wait_done(page: object) -> None:
    """Until no figure of the page is pending (computed behind, filled in by the page's own polling)."""
    page.wait_for_function("() => !document.querySelector('[data-pending]')", timeout=120_000)  # type: ignore[attr-defined]


def _shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _order(page: object) -> list[str]:
    return [r.get_attribute("data-park") for r in page.locator("table.province tbody tr[data-park]").all()]  # type: ignore[attr-defined]


def test_the_authority_reads_its_province_in_three_languages(server: Server, browser: object) -> None:
    srv = server
    context, page, errors = _session(browser, srv, "dongnai")
    assert page.url.endswith("/provinces/dong-nai"), page.url  # an authority lands on its province
    _wait_done(page)
    # the province's two parks, not Binh Duong's; the largest emitter first (default: emissions, descending)
    assert _order(page) == ["tiny", "other"]
    totals = {
        p: srv.admin.get(f"/api/v1/parks/{p}/inventory?year=2024").json()["total_tco2e"] for p in ("tiny", "other")
    }
    # 2,000,000 kWh x 0.6811 tCO2/MWh (2024) = 1,362.2 t of Scope 2 in tiny's total; 500,000 kWh: 340.55 t in other's
    assert 1362.2 < totals["tiny"] < 1364 and 340.55 < totals["other"] < 342
    for lang in ("vi", "en", "ja"):
        page.goto(f"{srv.base}/provinces/dong-nai?lang={lang}")
        _wait_done(page)
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("h1").inner_text().startswith(TITLES[lang]), page.locator("h1").inner_text()
        text = page.locator("main").inner_text()
        # no message key shown instead of its text (the strict server would have failed the page on a missing one)
        assert not re.search(r"\b(province|col|kpi|coverage|eip|nav)\.[a-z_.]+", text), text
        for park_id, total in totals.items():
            cell = page.locator(f"tr[data-park={park_id}] td[data-field=emissions]").inner_text()
            assert cell == f"{round(total):,}".replace(",", GROUP[lang]), (lang, park_id, cell)
        eip = page.locator("tr[data-park=tiny] td[data-field=eip]")
        assert eip.get_attribute("data-status") == "unknown"  # the tiny park declares nothing for Decree 35
        assert page.get_by_role("link", name=re.compile("Tiny Park")).count() == 1
        _shot(page, f"authority-province-{lang}")
    # the link of each park leads to that park's overview, in the year shown
    page.goto(f"{srv.base}/provinces/dong-nai?lang=en")
    page.locator("a[data-park-link=other]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/parks/other?year=2024"), page.url
    assert page.locator("h1").inner_text().startswith("Other Park")
    # and back to the province from the park's navigation; sorting by a heading
    page.get_by_role("link", name="Province", exact=True).click()
    page.wait_for_load_state("load")
    page.locator("th a[data-sort=emissions]").click()  # emissions ascending now
    page.wait_for_load_state("load")
    assert _order(page) == ["other", "tiny"]
    page.locator("th a[data-sort=park]").click()
    page.wait_for_load_state("load")
    assert _order(page) == ["other", "tiny"]  # by park id, ascending first
    # another province's park answers as if it did not exist
    response = page.goto(f"{srv.base}/parks/far")
    assert response is not None and response.status == 404
    errors.clear()  # Chromium logs the expected 404 itself
    context.close()

    # a tablet: the table scrolls inside its card, the page does not overflow, in every language
    context, page, errors = _session(browser, srv, "dongnai", width=768)
    for lang in ("vi", "en", "ja"):
        page.goto(f"{srv.base}/provinces/dong-nai?lang={lang}")
        _wait_done(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 768 + 1, f"the province page overflows a tablet screen in {lang}: {width} px"
        _shot(page, f"authority-province-tablet-{lang}")
    assert not errors, errors
    context.close()

    # a tenant still sees only itself
    context, page, errors = _session(browser, srv, "t1")
    assert page.url.endswith("/parks/tiny/tenants/t1")
    page.goto(f"{srv.base}/provinces/dong-nai")
    assert page.url.endswith("/parks/tiny/tenants/t1"), page.url
    assert not errors, errors
    context.close()
