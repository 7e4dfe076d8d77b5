"""Engine results through the API: cached per year, warmed at start, stale-while-recomputing after new data."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from service_fixtures import make_callers, test_settings

from greenpark.server import create_app
from greenpark.store.base import Store

pytestmark = pytest.mark.timeout(120)
INV = "/api/v1/parks/tiny/tenants/t1/inventory?year=2024"


def _until(cond: Any, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def test_results_are_warmed_at_start_and_served_stale_while_recomputed(store: Store) -> None:
    store.write_readings(
        "tiny", pd.DataFrame({"meter_id": ["e1"], "ts": [pd.Timestamp("2024-03-01T01:00Z")], "value": [10.0]})
    )
    app = create_app(test_settings(warm_results=True), store=store)
    with TestClient(app) as client:
        service = app.state.service
        op = make_callers(service).headers["operator"]
        # the warm-up computed 2024 (the only year with readings) in the background
        assert _until(lambda: ("tiny", 2024, ("inventory", "default")) in service._latest)
        first = client.get(INV, headers=op).json()
        assert first["grid_import_kwh"] == 10.0
        client.post(
            "/api/v1/parks/tiny/readings",
            headers=op,
            json=[{"meter_id": "e1", "timestamp": "2024-03-01T08:15:00", "value": 5.0}],
        )
        # answered at once with the last result, recomputed in the background ...
        assert client.get(INV, headers=op).json()["grid_import_kwh"] == 10.0
        # ... and the next requests get the new figure (10 + 5 kWh)
        assert _until(lambda: client.get(INV, headers=op).json()["grid_import_kwh"] == 15.0)


def test_a_stale_result_is_recomputed_at_most_once_per_interval(store: Store) -> None:
    """Under continuous ingestion the engines run once per ``stale_recompute_min_s``, not back to back: the second
    recompute waits for the interval (here an hour), the last result is answered meanwhile, and stopping the
    service ends the wait."""
    store.write_readings(
        "tiny", pd.DataFrame({"meter_id": ["e1"], "ts": [pd.Timestamp("2024-03-01T01:00Z")], "value": [10.0]})
    )
    app = create_app(test_settings(warm_results=True, stale_recompute_min_s=3600), store=store)
    post = "/api/v1/parks/tiny/readings"
    with TestClient(app) as client:
        service = app.state.service
        op = make_callers(service).headers["operator"]
        assert _until(lambda: ("tiny", 2024, ("inventory", "default")) in service._latest)
        assert client.get(INV, headers=op).json()["grid_import_kwh"] == 10.0
        client.post(post, headers=op, json=[{"meter_id": "e1", "timestamp": "2024-03-01T08:15:00", "value": 5.0}])
        # the first recompute after the warm-up starts at once: 10 + 5 kWh
        assert _until(lambda: client.get(INV, headers=op).json()["grid_import_kwh"] == 15.0)
        client.post(post, headers=op, json=[{"meter_id": "e1", "timestamp": "2024-03-01T08:30:00", "value": 7.0}])
        assert client.get(INV, headers=op).json()["grid_import_kwh"] == 15.0  # the last result ...
        key = ("tiny", 2024, ("inventory", "default"))
        assert _until(lambda: key in service._refreshing)  # ... while the next recompute waits for its interval
        time.sleep(1.0)
        assert client.get(INV, headers=op).json()["grid_import_kwh"] == 15.0
        stopped_at = time.monotonic()
    assert time.monotonic() - stopped_at < 30  # the waiting recompute did not hold the shutdown for an hour


def test_without_stale_results_the_answer_is_always_fresh(store: Store) -> None:
    app = create_app(test_settings(serve_stale_results=False), store=store)
    with TestClient(app) as client:
        op = make_callers(app.state.service).headers["operator"]
        post = "/api/v1/parks/tiny/readings"
        client.post(post, headers=op, json=[{"meter_id": "e1", "timestamp": "2024-03-01T08:00:00", "value": 2.0}])
        assert client.get(INV, headers=op).json()["grid_import_kwh"] == 2.0
        client.post(post, headers=op, json=[{"meter_id": "e1", "timestamp": "2024-03-01T08:15:00", "value": 3.0}])
        assert client.get(INV, headers=op).json()["grid_import_kwh"] == 5.0


def test_a_first_reading_of_a_new_year_is_seen_at_once(store: Store) -> None:
    """One invalidation mechanism (``Service.touched``) for results, aggregates and the years with data: the park's
    first 2025 reading makes 2025 a year with data, its inventory answerable and the default year, without restart."""
    store.write_readings(
        "tiny", pd.DataFrame({"meter_id": ["e1"], "ts": [pd.Timestamp("2024-03-01T01:00Z")], "value": [10.0]})
    )
    app = create_app(test_settings(), store=store)
    with TestClient(app) as client:
        op = make_callers(app.state.service).headers["operator"]
        r = client.get("/api/v1/parks/tiny/tenants/t1/inventory?year=2025", headers=op)
        assert (
            r.status_code == 404
            and r.json()["detail"]
            == "no readings for 2025; the park's data covers 2024-03-01 to 2024-03-01; choose --year 2024"
        )
        assert client.get("/api/v1/parks/tiny/tenants/t1/inventory", headers=op).json()["grid_import_kwh"] == 10.0
        one = [{"meter_id": "e1", "timestamp": "2025-01-02T08:00:00", "value": 4.0}]
        assert client.post("/api/v1/parks/tiny/readings", headers=op, json=one).json()["accepted"] == 1
        r = client.get("/api/v1/parks/tiny/tenants/t1/inventory?year=2025", headers=op)
        assert r.status_code == 200 and r.json()["grid_import_kwh"] == 4.0
        # neither year has all 12 months: the default is the latest year with readings, now 2025
        assert client.get("/api/v1/parks/tiny/tenants/t1/inventory", headers=op).json()["grid_import_kwh"] == 4.0


def test_decree06_inventory_uses_the_announced_grid_factor(store: Store) -> None:
    """``?purpose=decree06``: the tenant's Scope 2 on the latest grid factor the DCC announced (data year 2023,
    0.6592 tCO2/MWh) instead of the 2024 study value (0.6811): 10 kWh -> 0.006592 t vs 0.006811 t; cached apart."""
    store.write_readings(
        "tiny", pd.DataFrame({"meter_id": ["e1"], "ts": [pd.Timestamp("2024-03-01T01:00Z")], "value": [10.0]})
    )
    app = create_app(test_settings(), store=store)
    with TestClient(app) as client:
        op = make_callers(app.state.service).headers["operator"]
        analysis = client.get(INV, headers=op).json()
        submission = client.get(INV + "&purpose=decree06", headers=op).json()
        assert analysis["scope2_location_tco2e"] == pytest.approx(10 * 0.6811 / 1000)
        assert submission["scope2_location_tco2e"] == pytest.approx(10 * 0.6592 / 1000)
        assert client.get(INV + "&purpose=audit", headers=op).status_code == 422


def test_background_recomputes_run_one_at_a_time(store: Store) -> None:
    """``background_recomputes`` (1) bounds the engines recomputing side by side; the others wait, then run."""
    import threading

    app = create_app(test_settings(background_recomputes=1), store=store)
    with TestClient(app):
        service = app.state.service
        lock = threading.Lock()
        running, most, done = [0], [0], []

        def compute(name: str) -> None:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.2)  # an engine at work: without the bound the three would overlap here
            with lock:
                running[0] -= 1
                done.append(name)

        for name in ("inventory", "water", "solar"):
            service._refresh_in_background(("tiny", 2024, (name,)), lambda n=name: compute(n))
        assert _until(lambda: len(done) == 3)
        assert most[0] == 1
