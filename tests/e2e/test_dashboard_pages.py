"""Dashboard pages rendered by the app (no browser): who sees what, 404 across tenants, languages."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parents[1] / "api"))
from service_fixtures import PASSWORD, test_settings, tiny_park

from greenpark.api.accounts import Role
from greenpark.server import create_app
from greenpark.store import open_store

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    store = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    store.save_park(tiny_park())
    app = create_app(test_settings(), store=store)
    with TestClient(app) as c:
        acc = c.app.state.service.accounts  # type: ignore[attr-defined]
        acc.create_user("op", Role.operator, password=PASSWORD)
        acc.create_user("auth", Role.authority, password=PASSWORD, park_id="tiny")
        acc.create_user("ten1", Role.tenant, password=PASSWORD, park_id="tiny", tenant_id="t1")
        yield c
    store.close()


def sign_in(c: TestClient, username: str) -> None:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text


def test_signed_out_goes_to_sign_in(app_client: TestClient) -> None:
    r = app_client.get("/parks/tiny", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    page = app_client.get("/login").text
    assert '<label for="username">' in page and '<label for="password">' in page


def test_operator_sees_every_page(app_client: TestClient) -> None:
    sign_in(app_client, "op")
    assert app_client.get("/", follow_redirects=False).headers["location"] == "/parks/tiny"
    pages = ("/parks/tiny", "/parks/tiny/tenants/t1", "/parks/tiny/wwtp", "/parks/tiny/alerts", "/parks/tiny/quality",
             "/parks/tiny/eip")  # fmt: skip
    for path in pages:
        r = app_client.get(path)
        assert r.status_code == 200, (path, r.text[:500])
    assert "Data quality" in app_client.get("/parks/tiny").text
    assert app_client.get("/static/vendor/plotly.min.js").status_code == 200
    assert app_client.get("/static/app.js").status_code == 200


def test_tenant_reaches_only_its_own_page(app_client: TestClient) -> None:
    sign_in(app_client, "ten1")
    assert app_client.get("/", follow_redirects=False).headers["location"] == "/parks/tiny/tenants/t1"
    assert app_client.get("/parks/tiny/tenants/t1").status_code == 200
    assert app_client.get("/parks/tiny/tenants/t2").status_code == 404
    for path in ("/parks/tiny", "/parks/tiny/alerts", "/parks/tiny/quality", "/parks/tiny/wwtp", "/parks/tiny/eip"):
        r = app_client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/parks/tiny/tenants/t1", path


def test_authority_reads_without_quarantine_or_actions(app_client: TestClient) -> None:
    sign_in(app_client, "auth")
    assert app_client.get("/parks/tiny").status_code == 200
    assert app_client.get("/parks/tiny/quality").status_code == 403
    assert app_client.get("/parks/tiny/eip").status_code == 200  # Decree 35 Art. 40-41: the authority certifies
    alerts = app_client.get("/parks/tiny/alerts").text
    assert 'data-action="acknowledge"' not in alerts


def test_vietnamese_is_remembered(app_client: TestClient) -> None:
    sign_in(app_client, "op")
    page = app_client.get("/parks/tiny?lang=vi").text
    assert "Tổng quan" in page and 'lang="vi"' in page
    assert "Tổng quan" in app_client.get("/parks/tiny/alerts").text  # the cookie keeps the choice
    page = app_client.get("/parks/tiny/alerts?lang=en&state=open").text
    assert "Overview" in page
    assert 'href="/parks/tiny/alerts?lang=vi&amp;state=open"' in page  # the switch keeps the page's filters


def test_tenants_list_links_every_tenant_and_sorts(app_client: TestClient) -> None:
    sign_in(app_client, "op")
    page = app_client.get("/parks/tiny/tenants?lang=en").text
    tenants = [t.tenant_id for t in tiny_park().tenants]
    for tid in tenants:
        assert f'href="/parks/tiny/tenants/{tid}?year=' in page
    for key in ("name", "emissions", "consumption", "decree06", "solar"):
        assert f'data-sort="{key}"' in page
    by_name = app_client.get("/parks/tiny/tenants?sort=name&dir=asc").text
    order = [by_name.index(f'data-tenant="{tid}"') for tid in sorted(tenants)]
    assert order == sorted(order)
    assert app_client.get("/parks/tiny/tenants?sort=name&dir=desc").text.index(
        f'data-tenant="{sorted(tenants)[-1]}"'
    ) < (app_client.get("/parks/tiny/tenants?sort=name&dir=desc").text.index(f'data-tenant="{sorted(tenants)[0]}"'))
    assert 'href="/parks/tiny/tenants"' in page  # in the navigation


@pytest.mark.parametrize("lang", ["vi", "ja"])
def test_every_page_in_vietnamese_and_japanese_has_no_english_left(app_client: TestClient, lang: str) -> None:
    from langkit import english_left, visible_texts

    sign_in(app_client, "op")
    park = tiny_park()
    names = {park.park.name, *(t.name for t in park.tenants), *(w.name for w in park.wwtps), "greenpark", "op"}
    pages = ["", "/tenants", "/tenants/t1", "/wwtp", "/alerts", "/quality", "/reports", "/eip"]
    for path in pages:
        r = app_client.get(f"/parks/tiny{path}?lang={lang}")
        assert r.status_code == 200, path
        assert english_left(visible_texts(r.text), lang, names) == [], path


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", "negative interval consumption"),
        ("vi", "điện năng tiêu thụ trong khoảng đo bị âm"),
        ("ja", "区間消費量が負"),
    ],
)
def test_quarantine_reasons_in_the_readers_language(app_client: TestClient, lang: str, shown: str) -> None:
    """The store keeps the English reason; the quality page shows it by its code in the reader's language."""
    import pandas as pd

    from langkit import english_left, visible_texts

    rows = pd.DataFrame(
        [
            {"file": "readings.csv", "line": "3", "field": "value", "value": "-2",
             "reason": "negative interval consumption", "raw": "E1,2024-01-01 00:15,-2"},
            {"file": "meters.csv", "line": "4", "field": "kq", "value": "2",
             "reason": "kq out of range [0.6, 1.2]", "raw": "x"},
        ]
    )  # fmt: skip
    service = app_client.app.state.service  # type: ignore[attr-defined]
    service.store.add_quarantine("tiny", rows)
    sign_in(app_client, "op")
    page = app_client.get(f"/parks/tiny/quality?lang={lang}").text
    assert f'<td data-reason="negative_interval">{shown}</td>' in page
    assert 'data-reason="out_of_range"' in page
    api = app_client.get("/api/v1/parks/tiny/quarantine").json()["data"]
    assert {r["reason"] for r in api} == {"negative interval consumption", "kq out of range [0.6, 1.2]"}
    assert {r["reason_code"] for r in api} == {"negative_interval", "out_of_range"}
    if lang != "en":
        park = tiny_park()
        names = {park.park.name, *(t.name for t in park.tenants), *(w.name for w in park.wwtps), "greenpark", "op"}
        assert english_left(visible_texts(page), lang, names) == []
