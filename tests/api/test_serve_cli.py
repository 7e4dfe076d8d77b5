"""``greenpark serve --example``: a real process generates and loads the example park, then serves it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from testkit import PASSWORD, free_port, stop, wait_for_health

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_serve_example_answers_the_overview(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "GREENPARK_ADMIN_PASSWORD": PASSWORD, "GREENPARK_ENVIRONMENT": "test"}
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
    finally:
        stop(proc)
        log.close()
