"""The work after the start (issue 18, item 7): the service answers at once, prepares the park behind, then is ready.

``greenpark serve`` runs :class:`~greenpark.server.ServedApp`: it answers from the moment uvicorn listens (health
"starting", everything else 503) while the app is built in a thread, then hands every request to the app.

``create_app(..., prepare=...)`` runs ``prepare(service)`` in a background thread once the service is up, then
the warm-up; meanwhile ``/health`` answers, ``/ready`` answers 503 naming ``startup``, and a signed-in caller's
park pages say the park is being prepared (in vi, en, ja) instead of a 404 or a half-imported park. With the
example park, the preparation imports it through the validated import and replays its WWTP episodes through
the live pipeline: the alert rules open one alert per designed event.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from service_fixtures import PASSWORD, test_settings, tiny_park

from greenpark.api.service import Service
from greenpark.cli.serve import prepare_example
from greenpark.i18n import translator
from greenpark.server import ServedApp, create_app
from greenpark.store import open_store
from testkit import free_port

pytestmark = pytest.mark.timeout(600)


def _sign_in(c: TestClient) -> None:
    r = c.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200, r.text


def _wait_ready(c: TestClient, timeout_s: float) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        r = c.get("/api/v1/ready")
        if r.status_code == 200:
            return r.json()  # type: ignore[no-any-return]
        time.sleep(0.2)
    pytest.fail(f"not ready after {timeout_s} s: {r.text}")


def test_pages_say_the_park_is_being_prepared_until_it_is(duck_url: str) -> None:
    release, started = threading.Event(), threading.Event()
    ready_calls: list[int] = []

    def prepare(service: Service) -> None:  # a park import that ends when the test says so
        started.set()
        assert release.wait(60)
        service.store.save_park(tiny_park())

    app = create_app(test_settings(duck_url), prepare=prepare, on_ready=lambda: ready_calls.append(1))
    with TestClient(app) as c:
        assert started.wait(30)
        assert c.get("/api/v1/health").status_code == 200  # liveness at once
        r = c.get("/api/v1/ready")
        assert r.status_code == 503 and r.json()["down"] == ["startup"]
        assert "being prepared" in r.json()["detail"]
        assert c.get("/parks/tiny", follow_redirects=False).headers["location"] == "/login"  # signed out: sign in
        _sign_in(c)
        for lang in ("vi", "en", "ja"):
            t = translator(lang)
            for path in ("/", "/parks/tiny", "/parks/tiny/wwtp", "/parks/tiny/alerts", "/parks/tiny/reports"):
                page = c.get(f"{path}?lang={lang}", follow_redirects=False)
                assert page.status_code == 503 and page.headers["retry-after"] == "3", (lang, path)
                assert t("startup.title") in page.text and "data-preparing" in page.text, (lang, path)
                assert '<meta http-equiv="refresh" content="3">' in page.text
        assert ready_calls == []
        release.set()
        assert _wait_ready(c, 30) == {"status": "ready", "checks": ["startup", "store"]}
        assert ready_calls == [1]
        assert c.get("/parks/tiny").status_code == 200  # the park itself now
        assert "data-preparing" not in c.get("/parks/tiny").text


def test_a_failed_preparation_is_named_by_ready(duck_url: str) -> None:
    def prepare(service: Service) -> None:
        raise FileNotFoundError("no park.toml in /nowhere")

    app = create_app(test_settings(duck_url), prepare=prepare)
    with TestClient(app) as c:
        deadline = time.monotonic() + 30
        while "failed" not in (detail := c.get("/api/v1/ready").json().get("detail", "")):
            assert time.monotonic() < deadline, detail
            time.sleep(0.1)
        assert detail == "startup: the park's preparation failed: FileNotFoundError: no park.toml in /nowhere"
        assert c.get("/api/v1/health").status_code == 200
        _sign_in(c)
        assert c.get("/parks/tiny").status_code == 404  # no park, and no longer "being prepared"


def test_ready_waits_for_the_warm_up(duck_url: str) -> None:
    store = open_store(duck_url)
    store.save_park(tiny_park())
    app = create_app(test_settings(duck_url, warm_results=True), store=store)
    with TestClient(app) as c:
        assert _wait_ready(c, 120) == {"status": "ready", "checks": ["startup", "store"]}
        assert app.state.service.startup.done.is_set()
    store.close()


def test_serve_example_replays_the_wwtp_episodes_through_the_live_pipeline(tmp_path: Path, example_park: Path) -> None:
    from testkit import example_truth

    shutil.copytree(example_park, tmp_path / "example-park", ignore=shutil.ignore_patterns(".greenpark"))
    truth = example_truth(example_park)["water"]
    app = create_app(test_settings(f"duckdb:///{tmp_path / 'store.duckdb'}"), prepare=prepare_example(tmp_path))
    with TestClient(app) as c:
        _wait_ready(c, 500)
        _sign_in(c)
        alerts = c.get("/api/v1/parks/longthanh-demo/alerts?limit=100").json()["data"]
        found = {(a["rule"], a["subject"]): a for a in alerts}
        # one exceedance per designed episode (metadata.json: cod, ammonium_n, tss, ph) and the stuck COD probe
        expected = {("water.exceedance", f"WWTP1/{e['parameter']}") for e in truth["episodes"]}
        expected.add(("water.sensor_fault.flat_line", f"WWTP1/{truth['flatline']['parameter']}"))
        assert set(found) == expected
        for e in truth["episodes"]:
            a = found[("water.exceedance", f"WWTP1/{e['parameter']}")]
            # the worst hourly mean lies beyond the limit, and not beyond the episode's extreme 5-min value
            if e["kind"] == "high":  # Cmax: QCVN 40:2011 column A x Kq 0.9 x Kf 1.0
                assert a["data"]["limit"] == e["limit"]
                assert e["limit"] < a["data"]["peak"] <= e["peak"]
            else:  # pH below its minimum of 6
                assert e["peak"] <= a["data"]["peak"] < e["limit"]
        assert found[("water.sensor_fault.flat_line", "WWTP1/cod")]["data"]["peak"] == truth["flatline"]["value"]
        # the live panel's last 24 hours hold them: the outlet COD series of the replayed day
        end = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 300))
        # (an hour more than the panel's 24 h: the day ended at the replay, minutes before this check)
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 86400 - 3600))
        series = c.get(
            "/api/v1/parks/longthanh-demo/wwtps/WWTP1/series",
            params={"start": start, "end": end, "point": "outlet", "method": "analyser", "parameter": "cod"},
        ).json()["data"]
        assert len(series) == 1 and len(series[0]["points"]) == 288  # 24 h of 5-min values
        assert max(p["value"] for p in series[0]["points"]) == next(
            e["peak"] for e in truth["episodes"] if e["parameter"] == "cod"
        )


def _serve(served: ServedApp) -> tuple[uvicorn.Server, threading.Thread, str]:
    server = uvicorn.Server(uvicorn.Config(served, host="127.0.0.1", port=free_port(), log_level="warning"))
    served.stop = lambda: setattr(server, "should_exit", True)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive():
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{server.config.port}"


def test_served_app_answers_while_the_app_is_built_then_is_the_app(duck_url: str) -> None:
    built = threading.Event()

    def build() -> FastAPI:  # importing the stack takes seconds: here it ends when the test says so
        assert built.wait(60)
        return create_app(test_settings(duck_url))

    served = ServedApp(build, stop=lambda: None)
    server, thread, base = _serve(served)
    try:
        r = httpx.get(f"{base}/api/v1/health")
        assert r.status_code == 200 and r.json()["status"] == "starting"  # alive, the app not built yet
        r = httpx.get(f"{base}/api/v1/ready")
        assert r.status_code == 503 and r.headers["retry-after"] == "2"
        assert r.headers["content-type"] == "application/problem+json" and r.json()["down"] == ["startup"]
        assert httpx.post(f"{base}/api/v1/auth/login", json={}).status_code == 503
        page = httpx.get(f"{base}/parks/tiny")
        assert page.status_code == 503 and "data-starting" in page.text
        for lang in ("vi", "en", "ja"):
            assert translator(lang)("startup.starting") in page.text
        assert page.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in page.headers["content-security-policy"]
        built.set()
        deadline = time.monotonic() + 60
        while httpx.get(f"{base}/api/v1/health").json()["status"] != "ok":
            assert time.monotonic() < deadline, "the app did not take over"
            time.sleep(0.05)
        assert httpx.get(f"{base}/api/v1/ready").status_code == 200  # the app's own answer (its store)
        assert httpx.get(f"{base}/login").status_code == 200
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    assert not thread.is_alive() and served.failed is None


def test_served_app_stops_the_server_when_the_app_cannot_start(tmp_path: Path) -> None:
    # a store that cannot be opened: the app's lifespan fails, the server stops, the CLI reports the failure
    url = f"duckdb:///{tmp_path / 'not-a-folder.txt' / 'store.duckdb'}"
    (tmp_path / "not-a-folder.txt").write_text("a file where the store's folder should be")
    served = ServedApp(lambda: create_app(test_settings(url)), stop=lambda: None)
    _, thread, _ = _serve(served)
    thread.join(timeout=60)
    assert not thread.is_alive() and served.failed is not None
