"""SIGKILL in the middle of ingestion loses no acknowledged reading.

A real ``greenpark serve`` process is fed batches by two threads; once some batches are
acknowledged it is killed with SIGKILL while batches are still in flight. The store is
then opened again and every reading of every acknowledged (HTTP 200) batch must be there.
Runs on the embedded DuckDB store and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pandas as pd
import pytest
from mqttkit import Mosquitto, Publisher, tally, until

from greenpark.store import open_store
from testkit import PASSWORD, free_port, tiny_park, wait_for_health

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]
BATCH = 500


def _batch(k: int) -> list[dict[str, object]]:
    ts = pd.date_range("2024-01-01T00:00:00Z", periods=BATCH, freq="15min") + pd.Timedelta(minutes=15 * BATCH * k)
    return [{"meter_id": "e1", "timestamp": t.isoformat(), "value": float(k)} for t in ts]


def _serve(url: str, port: int, log: Path, extra: list[str] | None = None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GREENPARK_ADMIN_PASSWORD": PASSWORD,
        "GREENPARK_ENVIRONMENT": "test",
        "GREENPARK_SCRYPT_N": "1024",
    }
    code = "import sys; from greenpark.cli import app; sys.argv[0] = 'greenpark'; app()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--store", url, "--port", str(port), *(extra or [])],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "postgres":
        url = f"{request.getfixturevalue('pg_url')}?schema=gptest_{uuid.uuid4().hex[:12]}"
    else:
        url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    s = open_store(url)
    s.save_park(tiny_park())
    s.close()
    yield url
    if request.param == "postgres":
        s = open_store(url)
        s.drop_schema()  # type: ignore[attr-defined]
        s.close()


def test_sigkill_loses_no_acknowledged_reading(store_url: str, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    proc = _serve(store_url, port, log)
    try:
        wait_for_health(base, proc, log)
        login = httpx.post(f"{base}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
        assert login.status_code == 200, login.text
        tok = httpx.post(
            f"{base}/api/v1/auth/tokens",
            json={"name": "kill-test"},
            cookies=login.cookies,
            headers={"X-CSRF-Token": login.json()["csrf_token"]},
        )
        headers = {"Authorization": f"Bearer {tok.json()['token']}"}

        acked: list[int] = []
        lock = threading.Lock()
        next_k = iter(range(10_000))
        stop = threading.Event()

        def feed() -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as c:
                while not stop.is_set():
                    with lock:
                        k = next(next_k)
                    try:
                        r = c.post("/api/v1/parks/tiny/readings", json=_batch(k))
                    except httpx.HTTPError:
                        return  # the server is gone: this batch was never acknowledged
                    if r.status_code == 200 and r.json()["accepted"] == BATCH:
                        with lock:
                            acked.append(k)

        threads = [threading.Thread(target=feed) for _ in range(2)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acked) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # mid-ingestion: the feeders are still posting
        proc.wait(timeout=30)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)

    assert len(acked) >= 10
    store = open_store(store_url)
    try:
        got = store.readings(
            "tiny", ["e1"], dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
        )
    finally:
        store.close()
    have = set(zip(got["ts"], got["value"], strict=True))
    lost = [
        (k, r["timestamp"])
        for k in acked
        for r in _batch(k)
        if (pd.Timestamp(str(r["timestamp"])), float(k)) not in have
    ]
    assert lost == [], f"{len(lost)} acknowledged readings lost, e.g. {lost[:3]}"


@pytest.mark.mqtt
def test_sigkill_during_mqtt_ingestion_loses_nothing(
    store_url: str, tmp_path: Path, mqtt_broker: tuple[str, int]
) -> None:
    """Kill the subscriber mid-stream; the restarted one replays its spool and gets what the broker kept.

    What the killed process had acknowledged is in its spool (fsync before the PUBACK); what it had not is
    still at the broker, in its session, which the restarted process resumes: it takes the same spool slot and
    so the same client id. Counts are printed; nothing lost, nothing stored twice.
    """
    prefix = f"gpkill{uuid.uuid4().hex[:6]}"
    # a broker of the test's own with the production queue headroom (deploy/mosquitto: max_queued_messages
    # 100000): with Mosquitto's default of 1,000 the broker itself drops what arrives for the session while the
    # killed service is down for longer than 1,000 messages take
    broker = Mosquitto(tmp_path / "broker").start()
    env = {
        "GREENPARK_MQTT_PORT": str(broker.port),
        "GREENPARK_MQTT_TOPIC_PREFIX": prefix,
        "GREENPARK_MQTT_CLIENT_ID": f"gp-{prefix}",
        "GREENPARK_MQTT_SPOOL_DIR": str(tmp_path / "spool"),
    }
    n_messages = 1_500

    def serve() -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        log = tmp_path / f"server-{port}.log"
        old = dict(os.environ)
        os.environ.update(env)
        try:
            proc = _serve(store_url, port, log, ["--mqtt"])
        finally:
            os.environ.clear()
            os.environ.update(old)
        base = f"http://127.0.0.1:{port}"
        wait_for_health(base, proc, log)
        return proc, base

    def mqtt_stats(base: str) -> dict[str, object]:
        return httpx.get(f"{base}/api/v1/health", timeout=10).json()["mqtt_stats"]  # type: ignore[no-any-return]

    proc, base = serve()
    pub = Publisher(broker.port, f"{prefix}/tiny/e1")
    try:
        killed_after = 0
        for k in range(n_messages):
            pub.publish(k)
            if k == n_messages // 3:
                until(lambda: len(pub.acked) > n_messages // 4, 10)
                killed_after = int(mqtt_stats(base)["acknowledged"])  # type: ignore[call-overload]
                os.kill(proc.pid, signal.SIGKILL)  # mid-stream: some written, some spooled, some in flight
                proc.wait(timeout=30)
        assert until(lambda: len(pub.acked) == n_messages, 30), "the broker did not take every message"
        proc, base = serve()  # the same slot, client id and spool
        login = httpx.post(f"{base}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})

        def stored() -> int:
            c = httpx.get(
                f"{base}/api/v1/parks/tiny/consumption",
                cookies=login.cookies,
                timeout=30,
                params={"start": "2023-12-31T00:00:00Z", "end": "2030-01-01T00:00:00Z", "grain": "year"},
            ).json()
            return sum(int(r["n_values"]) for r in c["data"])

        until(lambda: stored() >= n_messages, 90, every=0.5)  # bounded; the count below says what arrived
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        store = open_store(store_url)
        try:
            t = tally(store, n_messages, pub.acked)
        finally:
            store.close()
        print(t.line(f"SIGKILL of the MQTT consumer ({store_url.split(':')[0]}, killed after {killed_after} acks)"))
        assert killed_after > 0
        assert t.lost == 0 and t.duplicated == 0 and t.stored == n_messages
    finally:
        pub.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        broker.stop()
