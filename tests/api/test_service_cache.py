"""The service's caches and its readiness (issue 16, items 1 and 4).

Single-flight: callers that ask for the same (park, year, engine) result while it is being computed wait for that
one computation, so the engine runs once however many dashboards open at once. ``/ready`` says whether the store
and the broker answer; ``/health`` only that the process does.
"""

from __future__ import annotations

import threading
import time
import uuid

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from mqttkit import until
from service_fixtures import test_settings, tiny_park

from greenpark.api.service import Service
from greenpark.server import create_app
from greenpark.store import open_store

pytestmark = pytest.mark.timeout(120)
N = 8


def _run_together(service: Service, compute, key: tuple[str, ...]) -> tuple[list[object], list[BaseException]]:  # type: ignore[no-untyped-def]
    got: list[object] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            got.append(service.cached_year("tiny", "Asia/Ho_Chi_Minh", 2024, key, compute))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return got, errors


def _all_waiting(service: Service, key: tuple[str, ...]) -> bool:
    """Block until the other N - 1 callers wait for the computation in flight (False if they never do)."""
    flight_key = ("year", "tiny", 2024, *key)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        flight = service.flights.get(flight_key)
        if flight is not None and flight.waiters == N - 1:
            return True
        time.sleep(0.005)
    return False


def test_concurrent_callers_wait_for_one_computation(client: TestClient) -> None:
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    runs: list[int] = []
    saw_all_waiting: list[bool] = []
    key = ("inventory", "AR5")

    def engine() -> dict[str, int]:
        runs.append(1)
        saw_all_waiting.append(_all_waiting(service, key))  # every other caller is inside, waiting
        return {"total": 42}

    got, errors = _run_together(service, engine, key)
    assert errors == []
    assert saw_all_waiting == [True]
    assert len(runs) == 1  # the engine ran once for 8 callers
    assert len(got) == N and all(g is got[0] for g in got)  # and every caller has its result (the same object)
    # the result is cached: a later caller does not run it again
    assert service.cached_year("tiny", "Asia/Ho_Chi_Minh", 2024, key, engine) is got[0] and len(runs) == 1


def test_a_failed_computation_fails_every_waiting_caller_once(client: TestClient) -> None:
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    runs: list[int] = []
    key = ("water",)

    def engine() -> None:
        runs.append(1)
        _all_waiting(service, key)
        raise ValueError("no wastewater records for 2024")

    got, errors = _run_together(service, engine, key)
    assert got == [] and len(runs) == 1
    assert len(errors) == N and all(isinstance(e, ValueError) for e in errors)
    assert service.flights == {}  # nothing left in flight: the next caller computes again


def test_ready_answers_while_the_store_does_and_503_when_it_does_not(duck_url: str) -> None:
    store = open_store(duck_url)
    store.save_park(tiny_park())
    app = create_app(test_settings(), store=store)
    with TestClient(app) as client:
        r = client.get("/api/v1/ready")
        assert r.status_code == 200, r.text
        assert r.json() == {"status": "ready", "checks": ["store"]}
        store.close()  # the database is gone for the service
        r = client.get("/api/v1/ready")
        assert r.status_code == 503
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["down"] == ["store"] and r.json()["detail"].startswith("store: ")
        assert client.get("/api/v1/health").status_code == 200  # liveness: the process still answers


@pytest.mark.mqtt
def test_ready_names_the_broker_when_mqtt_is_down(store, mqtt_broker: tuple[str, int]) -> None:  # type: ignore[no-untyped-def]
    host, port = mqtt_broker
    prefix = f"gpready{uuid.uuid4().hex[:6]}"
    settings = test_settings(
        mqtt_enabled=True, mqtt_host=host, mqtt_port=port, mqtt_topic_prefix=prefix, mqtt_client_id=f"gp-{prefix}"
    )
    app = create_app(settings, store=store)
    with TestClient(app) as client:
        r = client.get("/api/v1/ready")
        assert r.status_code == 200, r.text
        assert r.json()["checks"] == ["mqtt", "store"]
        service: Service = app.state.service
        assert service.mqtt is not None
        service.mqtt.client.loop_stop()
        service.mqtt.client.disconnect()  # the service has lost its broker
        r = client.get("/api/v1/ready")
        assert r.status_code == 503
        assert r.json()["down"] == ["mqtt"] and f"{host}:{port}" in r.json()["detail"]


def test_a_result_on_earlier_years_too_is_fresh_until_their_readings_change() -> None:
    # The EIP criteria of 2024 read the effluent of 2022-2024 (runs.effluent_years): a 2023 reading must refresh
    # them, while the inventory of 2024 (2024's readings only) stays cached.
    store = open_store("duckdb:///:memory:")
    store.save_park(tiny_park())
    service = Service(test_settings(serve_stale_results=False), store)
    try:
        counted: dict[str, int] = {"eip": 0, "inventory": 0}

        def result(name: str, also: tuple[int, ...]) -> int:
            def compute() -> int:
                counted[name] += 1
                return counted[name]

            return service.cached_year("tiny", "Asia/Ho_Chi_Minh", 2024, (name,), compute, also)

        eip = lambda: result("eip", (2022, 2023))  # noqa: E731
        inventory = lambda: result("inventory", ())  # noqa: E731
        assert (eip(), inventory()) == (1, 1)
        service.touched("tiny", pd.DataFrame({"ts": pd.to_datetime(["2023-06-15T03:00Z"], utc=True)}))
        assert (eip(), inventory()) == (2, 1)  # the EIP result was computed again, the inventory was not
        service.touched("tiny", pd.DataFrame({"ts": pd.to_datetime(["2024-06-15T03:00Z"], utc=True)}))
        assert (eip(), inventory()) == (3, 2)
        assert (eip(), inventory()) == (3, 2)  # nothing changed: both cached
    finally:
        store.close()


def test_the_eip_result_is_cached_with_the_effluent_years() -> None:
    from greenpark import runs

    # reference eip/parameters effluent_years = 3: the EIP of 2024 reads 2022, 2023 and 2024
    assert runs.effluent_years(2024) == [2022, 2023, 2024]


def test_a_background_computation_that_fails_on_the_data_is_answered_as_that_failure() -> None:
    # A page asks without waiting (cached_year_if_ready): None while the engine runs behind. When the engine fails
    # on the data (here NoDataError: no wastewater records for the year), later callers get that error, not None
    # for ever (the page showed "computing" without end); a reading of the year makes it computed again.
    from greenpark.errors import NoDataError

    store = open_store("duckdb:///:memory:")
    store.save_park(tiny_park())
    service = Service(test_settings(serve_stale_results=False), store)
    try:
        calls: list[int] = []

        def water() -> int:
            calls.append(1)
            if len(calls) == 1:
                raise NoDataError("no wastewater records for 2024")
            return 7

        ask = lambda: service.cached_year_if_ready("tiny", "Asia/Ho_Chi_Minh", 2024, ("water",), water)  # noqa: E731
        assert ask() is None  # computed behind
        failed = False
        deadline = time.monotonic() + 30
        while not failed and time.monotonic() < deadline:
            try:
                ask()
                time.sleep(0.02)
            except NoDataError as exc:
                failed = "no wastewater records" in str(exc)
        assert failed and len(calls) == 1
        with pytest.raises(NoDataError):  # asked again: the same answer, the engine not run again
            ask()
        assert len(calls) == 1
        service.touched("tiny", pd.DataFrame({"ts": pd.to_datetime(["2024-03-01T03:00Z"], utc=True)}))
        assert ask() is None  # new readings: computed again behind
        assert until(lambda: ask() == 7) and len(calls) == 2
    finally:
        store.close()
