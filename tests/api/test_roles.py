"""Every endpoint, every role: the allowed/denied matrix (docs/service.md, "Roles").

A tenant user (``tenant``: t1) never sees another tenant's resource: it answers 404, as if
it did not exist. A role that may not do an action at all gets 403. Every route of the app
must appear below, so a new route cannot slip in without its row.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from service_fixtures import PASSWORD, make_callers, test_settings, tiny_park

from greenpark.ingest.alerts import Finding
from greenpark.server import create_app
from greenpark.store import open_store

pytestmark = pytest.mark.timeout(120)

ROLES = ("operator", "tenant", "authority", "authority_other", "device", "anonymous")
R = "?start=2024-03-01T00:00:00&end=2024-03-02T00:00:00"

# (method, path template, body key) -> expected status for operator, tenant (t1), the authority of Dong Nai (the
# province of parks tiny and other), the authority of Binh Duong (park far), device, anonymous
MATRIX: list[tuple[str, str, str | None, tuple[int, int, int, int, int, int]]] = [
    ("GET", "/api/v1/health", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/ready", None, (200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/auth/me", None, (200, 200, 200, 200, 200, 401)),
    # a device cannot make tokens (an operator makes them for it)
    ("POST", "/api/v1/auth/tokens", "token", (201, 201, 201, 201, 403, 401)),
    ("GET", "/api/v1/auth/tokens", None, (200, 200, 200, 200, 200, 401)),
    ("DELETE", "/api/v1/auth/tokens/{tok_t2}", None, (204, 404, 404, 404, 404, 401)),
    ("GET", "/api/v1/auth/sessions", None, (200, 200, 200, 200, 200, 401)),
    ("DELETE", "/api/v1/auth/sessions/{sess_t2}", None, (204, 404, 404, 404, 404, 401)),
    # every role with a password changes its own (a device has none)
    ("POST", "/api/v1/auth/password", "password_change", (200, 200, 200, 200, 403, 401)),
    ("POST", "/api/v1/auth/logout", None, (200, 200, 200, 200, 200, 401)),
    ("GET", "/api/v1/users", None, (200, 403, 403, 403, 403, 401)),
    ("POST", "/api/v1/users", "user", (201, 403, 403, 403, 403, 401)),
    ("PATCH", "/api/v1/users/{u_victim}", "deactivate", (200, 403, 403, 403, 403, 401)),
    ("PUT", "/api/v1/users/{u_victim}/password", "password_reset", (200, 403, 403, 403, 403, 401)),
    ("GET", "/api/v1/parks", None, (200, 200, 200, 200, 403, 401)),
    ("GET", "/api/v1/parks/tiny", None, (200, 200, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/other", None, (200, 404, 200, 404, 404, 401)),
    ("GET", "/api/v1/parks/nowhere", None, (404, 404, 404, 404, 404, 401)),
    # the province view (issue 20): the operator every province, an authority its own; another province's parks
    # answer as if they did not exist; tenants and devices have no province view
    ("GET", "/api/v1/provinces", None, (200, 403, 200, 200, 403, 401)),
    ("GET", "/api/v1/provinces/dong-nai/parks?year=2024", None, (200, 403, 200, 404, 403, 401)),
    ("GET", "/api/v1/provinces/Dong%20Nai/parks", None, (200, 403, 200, 404, 403, 401)),
    ("GET", "/api/v1/provinces/binh-duong/parks?year=2024", None, (200, 403, 404, 200, 403, 401)),
    ("GET", "/api/v1/provinces/nowhere/parks", None, (404, 403, 404, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/overview", None, (200, 200, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/tenants", None, (200, 200, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/tenants/t1", None, (200, 200, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/tenants/t2", None, (200, 404, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/meters", None, (200, 200, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/meters/e1", None, (200, 200, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/meters/e2", None, (200, 404, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/meters/e1/readings" + R, None, (200, 200, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/meters/e2/readings" + R, None, (200, 404, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/consumption" + R, None, (200, 200, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/consumption" + R + "&tenant_id=t1", None, (200, 200, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/consumption" + R + "&tenant_id=t2", None, (200, 404, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/meters/gaps" + R, None, (200, 403, 403, 404, 403, 401)),
    ("POST", "/api/v1/parks/tiny/readings", "reading_e1", (200, 403, 403, 404, 200, 401)),
    ("POST", "/api/v1/parks/tiny/readings", "reading_e2", (200, 403, 403, 404, 403, 401)),
    ("POST", "/api/v1/parks/tiny/wastewater", "wastewater", (200, 403, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/quarantine", None, (200, 403, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/inventory?year=2024", None, (200, 403, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/tenants/t1/inventory?year=2024", None, (200, 200, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/tenants/t2/inventory?year=2024", None, (200, 404, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/tenants/t1/solar?year=2024", None, (200, 200, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/tenants/t2/solar?year=2024", None, (200, 404, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/tenants/t1/savings?year=2024", None, (200, 200, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/energy?year=2024", None, (200, 403, 403, 404, 403, 401)),
    # the tiny park has no targets: the operator may ask, the roadmap answers 422 saying so
    ("GET", "/api/v1/parks/tiny/plan?year=2024", None, (422, 403, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/tenants/t2/savings?year=2024", None, (200, 404, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/water?year=2024", None, (200, 403, 200, 404, 403, 401)),
    # eco-industrial park criteria: park-wide, for the operator and the authority (Decree 35 Art. 40-41 certifiers)
    ("GET", "/api/v1/parks/tiny/eip?year=2024", None, (200, 403, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/waste?year=2024", None, (200, 403, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/wwtps", None, (200, 403, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/wwtps/wwtp1/series" + R, None, (200, 403, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/wwtps/nope/series" + R, None, (404, 403, 404, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/alerts", None, (200, 200, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/alerts/{a_t1}", None, (200, 200, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/alerts/{a_t2}", None, (200, 404, 200, 404, 403, 401)),
    ("POST", "/api/v1/parks/tiny/alerts/{a_t1}/acknowledge", None, (200, 403, 403, 404, 403, 401)),
    ("POST", "/api/v1/parks/tiny/alerts/{b_t1}/close", None, (200, 403, 403, 404, 403, 401)),
    # a report holds every tenant: tenants get neither permission (runs and downloads: tests/api/test_reports_api.py)
    ("POST", "/api/v1/parks/tiny/reports", "report", (202, 403, 403, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/reports", None, (200, 403, 200, 404, 403, 401)),
    ("GET", "/api/v1/parks/tiny/reports/20240101T000000Z-00000000", None, (404, 403, 404, 404, 403, 401)),
    (
        "GET",
        "/api/v1/parks/tiny/reports/20240101T000000Z-00000000/files/report.html",
        None,
        (404, 403, 404, 404, 403, 401),
    ),
]
PUBLIC = {("POST", "/api/v1/auth/login")}  # tested in test_auth.py


@pytest.fixture
def world(tmp_path: Any) -> Any:
    store = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    store.save_park(tiny_park(province="Dong Nai"))
    store.save_park(tiny_park("other", province="Đồng Nai"))  # the same province, written with its tone marks
    store.save_park(tiny_park("far", province="Binh Duong"))
    # one reading of each tenant in 2023: the baseline year of the savings rows (the year before 2024)
    ts = pd.Timestamp("2023-03-01T01:00:00Z")
    store.write_readings("tiny", pd.DataFrame({"meter_id": ["e1", "e2"], "ts": [ts, ts], "value": [1.0, 1.0]}))
    app = create_app(test_settings(reports_dir=tmp_path / "reports"), store=store)
    with TestClient(app) as client:
        callers = make_callers(app.state.service)
        acc = app.state.service.accounts
        for role, province in (("authority", "Dong Nai"), ("authority_other", "Binh Duong")):
            user = acc.create_user(f"{role}-matrix", "authority", password=PASSWORD, province=province)
            callers.headers[role] = {"Authorization": f"Bearer {acc.issue_token(user.user_id, role)}"}
        book = app.state.service.alerts
        ids = {}
        for name, tenant in (("a_t1", "t1"), ("b_t1", "t1"), ("a_t2", "t2")):
            finding = Finding("test.rule", f"subject-{name}", "test", tenant_id=tenant)
            (ids[name],) = book.raise_alerts("tiny", [finding])
        # a token of tenant t2's user: only an operator may revoke it (the matrix's operator row comes first)
        t2 = client.get("/api/v1/auth/me", headers=callers.headers["tenant2"]).json()["user_id"]
        tok = app.state.service.accounts.issue_token(t2, "victim")
        ids["tok_t2"] = app.state.service.accounts.api_tokens(t2)[-1]["token_id"]
        assert tok.startswith("gp_")
        # a session of tenant t2's user and a user to deactivate: only an operator may end or change them
        app.state.service.accounts.open_session(t2)
        ids["sess_t2"] = app.state.service.accounts.sessions(t2)[-1]["session_id"]
        ids["u_victim"] = app.state.service.accounts.create_user(
            "victim", "authority", password=PASSWORD, province="Dong Nai"
        ).user_id
        yield client, callers, ids
    store.close()


def _body(key: str | None, n: int) -> Any:
    if key == "token":
        return {"name": "matrix"}
    if key == "user":
        return {"username": f"matrix-user-{n}", "role": "authority", "password": PASSWORD, "province": "Dong Nai"}
    if key == "reading_e1":
        return [{"meter_id": "e1", "timestamp": "2024-03-01T08:00:00", "value": 1.0}]
    if key == "wastewater":  # the test device feeds e1 only, not the WWTP's meter: 403
        return [
            {
                "wwtp_id": "wwtp1",
                "timestamp": "2024-03-01T08:00:00",
                "point": "outlet",
                "parameter": "cod",
                "value": "40",
                "unit": "mg/l",
                "method": "analyser",
            }
        ]
    if key == "password_change":  # each role changes its own password once (to the same new one)
        return {"current_password": PASSWORD, "new_password": PASSWORD + " changed"}
    if key == "deactivate":
        return {"active": False}
    if key == "password_reset":
        return {"new_password": PASSWORD + " reset"}
    if key == "report":  # 2024 has the readings posted by the rows above
        return {"year": 2024, "lang": "en", "pdf": False}
    if key == "reading_e2":
        return [{"meter_id": "e2", "timestamp": "2024-03-01T08:00:00", "value": 1.0}]
    return None


def test_every_route_is_in_the_matrix(world: Any) -> None:
    client, _, _ = world
    # the OpenAPI document lists every API route (app.routes holds included-router wrappers in this FastAPI)
    routes = {
        (m.upper(), path)
        for path, ops in client.app.openapi()["paths"].items()
        if path.startswith("/api/")
        for m in ops
    }
    assert len(routes) > 30, "the OpenAPI document lists too few routes for this check to mean anything"
    listed = {(m, p.split("?")[0]) for m, p, _, _ in MATRIX} | PUBLIC
    templated = set()
    for m, p in listed:
        parts = p.split("/")
        templated.add((m, p))
        for route_m, route_p in routes:
            rp = route_p.split("/")
            if (
                route_m == m
                and len(rp) == len(parts)
                and all(a == b or a.startswith("{") for a, b in zip(rp, parts, strict=True))
            ):
                templated.add((route_m, route_p))
    missing = routes - templated
    assert not missing, f"routes without a row in MATRIX: {sorted(missing)}"


def test_role_matrix(world: Any) -> None:
    client, callers, ids = world
    failures = []
    n = 0
    for method, template, key, expected in MATRIX:
        path = template.format(**ids)
        for role, want in zip(ROLES, expected, strict=True):
            n += 1
            headers = callers.headers.get(role, {})
            body = _body(key, n)
            r = client.request(method, path, headers=headers, json=body)
            if r.status_code != want:
                failures.append(f"{role:9} {method} {path}: {r.status_code} (want {want}) {r.text[:120]}")
            elif want >= 400:
                assert r.headers["content-type"] == "application/problem+json", (role, method, path)
        client.cookies.clear()
    assert not failures, "\n".join(failures)


def test_tenant_overview_and_consumption_hold_only_its_own_rows(world: Any) -> None:
    client, callers, _ = world
    for meter, value in (("e1", 1.0), ("e2", 2.0), ("w0", 3.0)):
        client.post(
            "/api/v1/parks/tiny/readings",
            headers=callers.headers["operator"],
            json=[{"meter_id": meter, "timestamp": "2024-03-01T08:00:00", "value": value}],
        )
    park = client.get("/api/v1/parks/tiny/consumption" + R, headers=callers.headers["operator"]).json()
    assert {(r["tenant_id"], r["value"]) for r in park["data"]} == {("t1", 1.0), ("t2", 2000.0), (None, 3.0)}
    own = client.get("/api/v1/parks/tiny/consumption" + R, headers=callers.headers["tenant"]).json()
    assert [(r["tenant_id"], r["value"]) for r in own["data"]] == [("t1", 1.0)]
    ov = client.get("/api/v1/parks/tiny/overview?year=2024", headers=callers.headers["tenant"]).json()
    assert ov["scope"] == "tenant"
    assert ov["consumption_by_kind"] == {"electricity_import": 1.0}
    assert ov["tenants"] == 1
    assert ov["open_alerts"] == 2  # a_t1 and b_t1, not a_t2
    tenants = client.get("/api/v1/parks/tiny/tenants", headers=callers.headers["tenant"]).json()
    assert [t["tenant_id"] for t in tenants["data"]] == ["t1"]
    alerts = client.get("/api/v1/parks/tiny/alerts", headers=callers.headers["tenant"]).json()
    assert {a["tenant_id"] for a in alerts["data"]} == {"t1"}
