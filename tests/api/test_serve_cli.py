"""``greenpark serve --example``: a real process answers at once, generates and imports the example park behind,
replays its WWTP episodes through the live pipeline, says "ready", then serves it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from testkit import PASSWORD, free_port, stop, wait_for_health

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def test_serve_example_answers_the_overview(tmp_path: Path) -> None:
    port = free_port()
    # the warm-up (every tenant's solar offer on 48 tenants) is left out: ready once the park is prepared
    env = {
        **os.environ,
        "GREENPARK_ADMIN_PASSWORD": PASSWORD,
        "GREENPARK_ENVIRONMENT": "test",
        "GREENPARK_WARM_RESULTS": "false",
    }
    code = "import sys; from greenpark.cli import app; sys.argv[0] = 'greenpark'; app()"
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--example", "--data-dir", str(tmp_path), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        wait_for_health(f"http://127.0.0.1:{port}", proc, tmp_path / "serve.log", timeout_s=240)
        # it answers before the park is there (generating 48 tenants' year alone takes tens of seconds)
        r = httpx.get(f"{base}/ready", timeout=10)
        assert r.status_code == 503 and r.json()["down"] == ["startup"], r.text
        printed = (tmp_path / "serve.log").read_text()
        assert f"greenpark serve: http://127.0.0.1:{port}/ (answers now" in printed, printed
        wait_for_health(f"http://127.0.0.1:{port}", proc, tmp_path / "serve.log", timeout_s=600, path="/api/v1/ready")
        assert f"greenpark serve: ready at http://127.0.0.1:{port}/" in (tmp_path / "serve.log").read_text()
        # scrypt at N=2^17 (the OWASP cost) takes 0.3 s alone and seconds on a loaded machine
        login = httpx.post(f"{base}/auth/login", json={"username": "admin", "password": PASSWORD}, timeout=60)
        assert login.status_code == 200
        parks = httpx.get(f"{base}/parks", cookies=login.cookies).json()
        assert [p["park_id"] for p in parks["data"]] == ["longthanh-demo"]
        ov = httpx.get(f"{base}/parks/longthanh-demo/overview?year=2024", cookies=login.cookies, timeout=30).json()
        truth = json.loads((tmp_path / "example-park" / "metadata.json").read_text())
        assert ov["tenants"] == truth["counts"]["tenants"]  # the generator's own count
        # grid import of the year = the tenants' import meters + the park's common meters (the generator's truth;
        # its deliberate reading faults, rejected on import, move it by far less than 0.1 %)
        grid_kwh = truth["electricity"]["tenants_import_kwh"] + sum(truth["electricity"]["common_meters_kwh"].values())
        assert ov["consumption_by_kind"]["electricity_import"] == pytest.approx(grid_kwh, rel=1e-3)
        assert (tmp_path / "example-park" / "park.toml").exists()
        # the episodes replayed through the live pipeline: one alert per designed event (4 exceedances, 1 stuck probe)
        alerts = httpx.get(f"{base}/parks/longthanh-demo/alerts", cookies=login.cookies, timeout=30).json()["data"]
        rules = sorted((a["rule"], a["subject"]) for a in alerts)
        assert len(truth["water"]["episodes"]) == 4
        assert rules == sorted(
            [("water.exceedance", f"WWTP1/{e['parameter']}") for e in truth["water"]["episodes"]]
            + [("water.sensor_fault.flat_line", "WWTP1/cod")]
        )
    finally:
        stop(proc)
        log.close()
