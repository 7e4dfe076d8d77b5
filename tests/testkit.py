"""What every test may import: the service probes, the health wait and the tiny park.

The fixtures built on these live in ``tests/conftest.py``; this module exists (uniquely named) so test modules
and other fixture modules can import the plain functions, which pytest does not allow from a conftest.

Services: PostgreSQL at ``GREENPARK_TEST_PG_URL`` (the one name for the test database; default
``postgresql://postgres@127.0.0.1:5432/test``), Mosquitto at 127.0.0.1:1883, Debian's Chromium at
``/usr/bin/chromium`` and ``pdftoppm`` (poppler-utils). A test that needs one calls :func:`need` with the probe's
answer: a missing service skips the test, with its reason, on a developer's machine, and fails it under
``GREENPARK_REQUIRE_SERVICES=1`` (set by ``.ci/run``), so CI cannot go green by skipping.

``python tests/testkit.py`` runs every probe and exits 1, naming what is missing (``.ci/run`` calls it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from greenpark.model import Meter, Park, ParkData, Tenant, Wwtp

PG_URL = os.environ.get("GREENPARK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
MQTT_HOST, MQTT_PORT = "127.0.0.1", 1883
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_ENV = "GREENPARK_REQUIRE_SERVICES"
PASSWORD = "a long test password"


def services_required() -> bool:
    """True when a missing service must fail the test (``GREENPARK_REQUIRE_SERVICES=1``, as in CI)."""
    return os.environ.get(REQUIRE_ENV, "").strip() not in ("", "0")


def need(reason: str | None) -> None:
    """Go on when ``reason`` is None; else skip the test, or fail it when services are required.

    Every service probe's answer goes through here: the one place a service skip is decided.
    """
    if reason is None:
        return
    if services_required():
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1: a missing service is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def pg_reason(url: str = PG_URL) -> str | None:
    """Why the test database cannot be used, or None."""
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL not reachable at {url} (GREENPARK_TEST_PG_URL): {first}"
    return None


def mqtt_reason(host: str = MQTT_HOST, port: int = MQTT_PORT) -> str | None:
    """Why the MQTT broker cannot be used, or None."""
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as exc:
        return f"no MQTT broker (Mosquitto) at {host}:{port}: {exc}"
    return None


def chromium_reason() -> str | None:
    """Why headless Chromium cannot be driven, or None."""
    if not CHROMIUM.exists():
        return f"Debian's chromium is not installed ({CHROMIUM}; apt-get install chromium)"
    return None


def pdftoppm_reason() -> str | None:
    """Why PDF pages cannot be rendered to images, or None."""
    if shutil.which("pdftoppm") is None:
        return "pdftoppm is not installed (apt-get install poppler-utils)"
    return None


PROBES = {"PostgreSQL": pg_reason, "Mosquitto": mqtt_reason, "Chromium": chromium_reason, "poppler": pdftoppm_reason}


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_health(
    base: str,
    proc: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
    timeout_s: float = 60,
    path: str = "/api/v1/health",
) -> None:
    """Wait until ``base + path`` answers 200; fail the test if ``proc`` exits first or time runs out.

    For tests that start ``greenpark serve`` (or uvicorn in a thread: no ``proc``). ``/api/v1/health`` counts once
    the app itself answers (``"status": "ok"``), not ``greenpark serve``'s stand-in while it builds the app
    (``"starting"``, :class:`greenpark.server.ServedApp`). The failure shows the end of the server's ``log`` when given.
    """
    import httpx

    def tail() -> str:
        return log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the server exited (code {proc.returncode}) before answering {path}:\n{tail()}")
        try:
            r = httpx.get(f"{base}{path}", timeout=1)
            if r.status_code == 200 and (path != "/api/v1/health" or r.json().get("status") == "ok"):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not answer {base}{path} within {timeout_s:.0f} s:\n{tail()}")


def stop(proc: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    """End a server the test started: SIGTERM (a clean shutdown, as a service manager would), SIGKILL if it does
    not exit within ``timeout_s``."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout_s)


def tiny_park(park_id: str = "tiny", province: str = "") -> ParkData:
    """The tiny park: two tenants with an electricity meter each, a park water meter, the WWTP and its flow meter.

    t1 (electronics, <6kV, meter e1 in kWh), t2 (textile, 6-22kV, meter e2 in MWh), w0 (park water supply, m3),
    ww1 (the WWTP's discharge, m3); WWTP wwtp1 (QCVN 40:2011 column A, Kq 0.9, Kf 1.0); one waste record
    (t1, 0.5 t incinerated, 2024-01-05). A fresh object each call: tests may add tables to it. ``province``: the
    province the park names (several tiny parks in one province for the authority's view).
    """
    park = Park(park_id=park_id, name="Tiny Park", province=province, latitude=10.8, longitude=106.9, area_ha=12)
    tenants = [
        Tenant(
            tenant_id="t1", name="One", sector="electronics", floor_area_m2=1000, employees=10, voltage_level="<6kV"
        ),
        Tenant(
            tenant_id="t2", name="Two", sector="textile_garment", floor_area_m2=500, employees=5, voltage_level="6-22kV"
        ),
    ]
    meters = [
        Meter(meter_id="e1", tenant_id="t1", kind="electricity_import", unit="kWh"),
        Meter(meter_id="e2", tenant_id="t2", kind="electricity_import", unit="MWh"),
        Meter(meter_id="w0", kind="water_supply", unit="m3"),
        Meter(meter_id="ww1", kind="wastewater_discharge", unit="m3", wwtp_id="wwtp1"),
    ]
    wwtps = [
        Wwtp(
            wwtp_id="wwtp1",
            name="Central WWTP",
            capacity_m3_per_day=2000,
            treatment="aerobic_well_managed",
            standard="QCVN40:2011",
            column="A",
            kq=0.9,
            kf=1.0,
        )
    ]
    waste = pd.DataFrame(
        {
            "date": [dt.date(2024, 1, 5)],
            "tenant_id": ["t1"],
            "waste_code": ["11 01 00"],
            "description": ["Mixed non-recyclable industrial waste"],
            "category": ["industrial"],
            "quantity_t": [0.5],
            "route": ["incineration"],
            "receiver": ["Incinerator JSC"],
            "transporter": ["Incinerator JSC"],
            "manifest_id": [None],
        }
    )
    return ParkData(park=park, tenants=tenants, meters=meters, wwtps=wwtps, tables={"waste": waste})


def example_truth(folder: Path) -> dict:
    """The generator's ``metadata.json`` of an example park folder (what the tests check results against)."""
    return json.loads((folder / "metadata.json").read_text(encoding="utf-8"))


def main() -> int:
    """Run every probe; print what answers and what does not; 1 if anything is missing."""
    missing = 0
    for name, probe in PROBES.items():
        reason = probe()
        print(f"ci: {name:<10} {'ok' if reason is None else 'MISSING: ' + reason}", file=sys.stderr)
        missing += reason is not None
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
