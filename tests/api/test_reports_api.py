"""Reports over the API: a real run of the main job on a small example park (9 tenants, 2024).

One run (no PDF) is started once for the module: while it runs a second request answers 409; when it is
done its files are downloaded by the operator and the authority, never by a tenant; file names outside
the whitelist are refused; a new service on the same folder lists the run again. The PDF is checked on
the tiny park (fast: no roofs to size).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from service_fixtures import PASSWORD, quarter_hours, test_settings, tiny_park

from greenpark.api.accounts import Role
from greenpark.io.importer import import_park
from greenpark.server import create_app
from greenpark.store import open_store
from greenpark.store.base import Store

PARK = "longthanh-demo"  # the example park's id (park.toml)
YEAR = 2024
RUN_TIMEOUT_S = 600  # a shared 2-core machine: the run takes about a minute alone
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@dataclass
class Served:
    """The app over the example park, bearer headers per role, and the module's run."""

    client: TestClient
    headers: dict[str, dict[str, str]]
    store: Store
    reports_dir: Path
    started: httpx.Response
    conflict: httpx.Response
    ingest_during_run: tuple[int, str]  # the readings POST's status, and the run's status right after it
    run: dict[str, Any]


def _callers(app: Any, park_id: str, tenant_id: str) -> dict[str, dict[str, str]]:
    """Bearer headers: operator, authority, a tenant of the park, a device, and nobody."""
    acc = app.state.service.accounts
    specs: dict[str, dict[str, Any]] = {
        "operator": {"role": Role.operator, "password": PASSWORD},
        "authority": {"role": Role.authority, "park_id": park_id, "password": PASSWORD},
        "tenant": {"role": Role.tenant, "park_id": park_id, "tenant_id": tenant_id, "password": PASSWORD},
        "device": {
            "role": Role.device,
            "park_id": park_id,
            "meter_ids": [app.state.service.park(park_id).meters[0].meter_id],
        },
    }
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for name, spec in specs.items():
        user = acc.create_user(f"{name}-{uuid.uuid4().hex[:6]}", **spec)
        headers[name] = {"Authorization": f"Bearer {acc.issue_token(user.user_id, name)}"}
    return headers


def wait_done(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    """Poll a run's status until it is done or failed."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        r = client.get(url, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        if body["status"] in ("done", "failed"):
            return body
        assert time.monotonic() < deadline, f"the report did not finish in {RUN_TIMEOUT_S} s: {body}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, example_park: Path) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("reports_api")
    store = open_store(f"duckdb:///{tmp / 'store.duckdb'}")
    import_park(example_park, store)
    reports_dir = tmp / "reports"
    app = create_app(test_settings(reports_dir=reports_dir), store=store)
    try:
        with TestClient(app) as client:
            headers = _callers(app, PARK, "T01")
            url = f"/api/v1/parks/{PARK}/reports"
            started = client.post(url, headers=headers["operator"], json={"year": YEAR, "lang": "en", "pdf": False})
            assert started.status_code == 202, started.text
            # the run takes tens of seconds: a second request now finds it queued or running
            conflict = client.post(url, headers=headers["operator"], json={"year": YEAR, "lang": "vi", "pdf": False})
            # ingestion goes on while the engines run (the run holds the store lock only to read its tables)
            meter = app.state.service.park(PARK).meters[0].meter_id
            reading = [{"meter_id": meter, "timestamp": "2025-01-01T00:00:00", "value": 1.0}]
            ingested = client.post(f"/api/v1/parks/{PARK}/readings", headers=headers["operator"], json=reading)
            during = client.get(started.json()["status_url"], headers=headers["operator"]).json()["status"]
            run = wait_done(client, started.json()["status_url"], headers["operator"])
            yield Served(client, headers, store, reports_dir, started, conflict, (ingested.status_code, during), run)
    finally:
        store.close()


def test_a_run_starts_with_202_and_a_status_url(served: Served) -> None:
    body = served.started.json()
    assert body["status"] in ("queued", "running")
    assert body["year"] == YEAR and body["lang"] == "en" and body["pdf"] is False
    assert body["status_url"] == f"/api/v1/parks/{PARK}/reports/{body['report_id']}"
    assert served.started.headers["location"] == body["status_url"]


def test_a_second_run_while_one_runs_answers_409_saying_what_runs(served: Served) -> None:
    r = served.conflict
    assert r.status_code == 409, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    run_id = served.started.json()["report_id"]
    assert problem["report_id"] == run_id
    assert run_id in problem["detail"] and str(YEAR) in problem["detail"] and "wait" in problem["detail"]


def test_readings_are_ingested_while_a_run_goes_on(served: Served) -> None:
    status, run_status = served.ingest_during_run
    assert status == 200
    assert run_status in ("queued", "running")  # answered before the run was done


def test_the_run_reports_every_stage_and_its_files(served: Served) -> None:
    run = served.run
    assert run["status"] == "done", run
    assert run["error"] is None
    # the assessment's progress callback, stage by stage, then the rendering
    # the example park has data for every stage: each one ran, none failed and none was skipped
    stages = ("load", "inventory", "water", "waste", "energy", "solar", "plan", "eip", "report")
    assert run["stages"] == dict.fromkeys(stages, "ok"), run["stages"]
    assert run["stages_total"] == len(run["stages"])
    assert run["started_at"] <= run["finished_at"]
    assert run["files"] == ["report.html", "assessment.json"]  # no PDF asked
    assert [d["name"] for d in run["downloads"]] == run["files"]
    assert all(d["bytes"] > 0 for d in run["downloads"])


def test_files_download_as_attachments_with_the_park_year_and_language(served: Served) -> None:
    base = served.run["status_url"]
    r = served.client.get(f"{base}/files/assessment.json", headers=served.headers["operator"])
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["content-disposition"] == f'attachment; filename="greenpark-{PARK}-{YEAR}-en-assessment.json"'
    a = json.loads(r.content)
    assert a["meta"]["year"] == YEAR and a["meta"]["park_id"] == PARK
    assert a["park"]["tenants"] == 9
    r = served.client.get(f"{base}/files/report.html", headers=served.headers["authority"])
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["content-disposition"] == f'attachment; filename="greenpark-{PARK}-{YEAR}-en.html"'
    assert a["park"]["name"] in r.text
    # no PDF was asked: the answer says which files there are
    r = served.client.get(f"{base}/files/report.pdf", headers=served.headers["operator"])
    assert r.status_code == 404
    assert "report.html, assessment.json" in r.json()["detail"]


@pytest.mark.parametrize(
    ("role", "post", "read"),
    [
        ("operator", 422, 200),  # past the permission gate (202 is the module's run); 2019 has no readings
        ("authority", 403, 200),
        ("tenant", 403, 403),  # a report holds every tenant
        ("device", 403, 403),
        ("anonymous", 401, 401),
    ],
)
def test_role_matrix(served: Served, role: str, post: int, read: int) -> None:
    c, h = served.client, served.headers[role]
    base = served.run["status_url"]
    url = f"/api/v1/parks/{PARK}/reports"
    for method, path in (
        ("GET", url),
        ("GET", base),
        ("GET", f"{base}/files/report.html"),
        ("GET", f"{base}/files/assessment.json"),
    ):
        r = c.request(method, path, headers=h)
        assert r.status_code == read, (role, path, r.text[:200])
    # another park, or none: 404 for everyone signed in
    if role != "anonymous":
        assert c.get("/api/v1/parks/nowhere/reports", headers=h).status_code == 404
    r = c.post(url, headers=h, json={"year": 2019, "lang": "vi", "pdf": False})
    assert r.status_code == post, r.text
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    [
        "files/status.json",
        "files/..%2Fstatus.json",
        "files/..%2F..%2F..%2Fstore.duckdb",
        "files/tables",
        "files/tables%2Finventory_tenants.csv",
        "files/%2Fetc%2Fpasswd",
        "files/REPORT.HTML",
    ],
)
def test_only_whitelisted_files_are_served(served: Served, path: str) -> None:
    r = served.client.get(f"{served.run['status_url']}/{path}", headers=served.headers["operator"])
    assert r.status_code == 404, (path, r.status_code, r.text[:200])
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("report_id", ["..", "..%2F..", "%2E%2E", "20240101T000000Z-00000000", "x" * 300])
def test_unknown_or_crafted_report_ids_are_not_found(served: Served, report_id: str) -> None:
    r = served.client.get(
        f"/api/v1/parks/{PARK}/reports/{report_id}/files/report.html", headers=served.headers["operator"]
    )
    assert r.status_code == 404, (report_id, r.status_code, r.text[:200])


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"year": 2019, "lang": "en"}, "years with readings: 2024, 2025"),  # 2025: the reading posted meanwhile
        ({"year": YEAR, "lang": "fr"}, "lang"),
        ({"year": YEAR, "lang": "en", "format": "docx"}, "format"),
        ({"lang": "en"}, "year"),
    ],
)
def test_bad_requests_say_what_to_fix(served: Served, body: dict[str, Any], says: str) -> None:
    r = served.client.post(f"/api/v1/parks/{PARK}/reports", headers=served.headers["operator"], json=body)
    assert r.status_code == 422, r.text
    assert says in r.json()["detail"]


def test_the_list_is_rebuilt_from_the_folder_by_a_new_service(served: Served) -> None:
    before = served.client.get(f"/api/v1/parks/{PARK}/reports", headers=served.headers["operator"]).json()
    assert before["count"] >= 1
    # a run a stopped process left running: the next service marks it failed
    stale = served.reports_dir / PARK / "20200101T000000Z-deadbeef"
    stale.mkdir(parents=True)
    (stale / "status.json").write_text(
        json.dumps(
            {
                "report_id": stale.name,
                "park_id": PARK,
                "year": YEAR,
                "lang": "en",
                "pdf": True,
                "status": "running",
                "stages": {"load": "ok", "solar": "start"},
                "created_at": "2020-01-01T00:00:00Z",
                "started_at": "2020-01-01T00:00:00Z",
            }
        ),
        encoding="utf-8",
    )
    app = create_app(test_settings(reports_dir=served.reports_dir), store=served.store)
    with TestClient(app) as client:
        h = _callers(app, PARK, "T01")["authority"]
        after = client.get(f"/api/v1/parks/{PARK}/reports", headers=h).json()
        by_id = {r["report_id"]: r for r in after["data"]}
        assert after["count"] == before["count"] + 1
        for old in before["data"]:
            assert by_id[old["report_id"]]["status"] == old["status"]
            assert by_id[old["report_id"]]["files"] == old["files"]
        assert by_id[stale.name]["status"] == "failed"
        assert "stopped" in by_id[stale.name]["error"]
        assert [r["report_id"] for r in after["data"]] == sorted(by_id, reverse=True)  # newest first
        r = client.get(f"{served.run['status_url']}/files/report.html", headers=h)
        assert r.status_code == 200 and r.content.startswith(b"<!")


def test_a_report_with_its_pdf(tmp_path: Path) -> None:
    """The PDF too (WeasyPrint), on the tiny park: a few readings, no roofs to size."""
    store = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    store.save_park(tiny_park())
    app = create_app(test_settings(reports_dir=tmp_path / "reports"), store=store)
    try:
        with TestClient(app) as client:
            h = _callers(app, "tiny", "t1")["operator"]
            ingest = client.post("/api/v1/parks/tiny/readings", headers=h, json=quarter_hours("e1", "2024-03-01", 96))
            assert ingest.status_code == 200, ingest.text
            r = client.post("/api/v1/parks/tiny/reports", headers=h, json={"year": YEAR, "lang": "vi", "pdf": True})
            assert r.status_code == 202, r.text
            run = wait_done(client, r.json()["status_url"], h)
            assert run["status"] == "done", run
            assert run["files"] == ["report.html", "report.pdf", "assessment.json"]
            assert run["stages"]["solar"] == "skipped"
            pdf = client.get(f"{run['status_url']}/files/report.pdf", headers=h)
            assert pdf.status_code == 200
            assert pdf.headers["content-type"] == "application/pdf"
            assert pdf.headers["content-disposition"] == f'attachment; filename="greenpark-tiny-{YEAR}-vi.pdf"'
            assert pdf.content.startswith(b"%PDF")
    finally:
        store.close()
