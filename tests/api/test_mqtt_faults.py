"""MQTT fault tests with counts: a broker restart, a 15 s store outage at 150 messages/s, two service processes.

Each publishes one reading per message (``mqttkit.message``: meter e1, value = message number, ``seq``), injects
its fault mid-stream, waits (bounded) for the service to catch up without being restarted, and prints
``sent / acknowledged / stored / lost / duplicated``; lost and duplicated must be 0. The poison-message test is in
``test_mqtt.py``, the SIGKILL test (DuckDB and PostgreSQL) in ``test_durability.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from mqttkit import Mosquitto, Publisher, stored_messages, tally, until, until_settled
from service_fixtures import test_settings
from test_durability import _serve
from test_mqtt import forget_sessions

from greenpark.server import create_app
from greenpark.store import open_store
from greenpark.store.base import Store
from testkit import free_port, tiny_park, wait_for_health

pytestmark = [pytest.mark.mqtt, pytest.mark.slow, pytest.mark.timeout(150)]


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[tuple[Store, str, str]]:
    """The tiny park in a PostgreSQL schema of its own: (store, url, schema)."""
    schema = f"gptest_{uuid.uuid4().hex[:12]}"
    url = f"{pg_url}?schema={schema}"
    s = open_store(url)
    s.save_park(tiny_park())
    try:
        yield s, url, schema
    finally:
        s.drop_schema()  # type: ignore[attr-defined]
        s.close()


def test_broker_restart_mid_stream_loses_nothing(tmp_path: Path) -> None:
    """Our own Mosquitto (persistence on) is stopped and started again while 100 messages/s flow.

    The service's default plain subscription: Mosquitto 2.0 restores it with the session, so what the device
    publishes before the service reconnects is queued for it. (A shared subscription is not restored: that
    loss, measured in docs/service.md, is why the default is plain.)
    """
    store = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    store.save_park(tiny_park())
    broker = Mosquitto(tmp_path / "broker").start()
    settings = test_settings(mqtt_enabled=True, mqtt_port=broker.port, mqtt_spool_dir=tmp_path / "spool")
    app = create_app(settings, store=store)
    pub = Publisher(broker.port, "greenpark/tiny/e1", session_expiry_s=300)
    n = 600
    try:
        with TestClient(app):
            ingest = app.state.service.mqtt

            def restart(k: int) -> None:
                if k == 200:
                    broker.stop()  # SIGTERM: Mosquitto saves the sessions, as a service manager's restart does
                    time.sleep(2.0)
                    broker.start()

            pub.stream(range(n), 100, during=restart)
            assert until_settled(lambda: len(pub.acked), n), f"the broker acknowledged {len(pub.acked)} of {n}"

            def stored() -> int:  # the store serves this thread beside the service's (no lock to take)
                return len(stored_messages(store))

            assert until_settled(stored, n), f"{stored()} of {n} stored; service: {ingest.stats()}"
            stats = ingest.stats()
            t = tally(store, pub.sent, pub.acked)
            print(t.line("broker restart mid-stream"), f"(service: {stats['repeated']} redeliveries written once)")
            assert t.lost == 0 and t.duplicated == 0 and t.stored == n
            assert stats["connected"] is True  # reconnected by itself: the same ingestor, no service restart
    finally:
        pub.close()
        broker.stop()
        store.close()


@pytest.mark.postgres
@pytest.mark.parametrize("fault", ["readings locked", "readings table gone"])
def test_a_15_s_store_outage_at_150_messages_per_s_loses_nothing(
    pg_store: tuple[Store, str, str], fault: str, tmp_path: Path, mqtt_broker: tuple[str, int]
) -> None:
    """On the shared broker (Mosquitto's default queue of 1,000 messages): 5 s, 15 s outage, 5 s, at 150/s.

    ``readings locked``: another session holds ACCESS EXCLUSIVE on the readings table (writes wait);
    ``readings table gone``: the table is renamed away (writes fail and are retried with backoff). Either way the
    service goes on acknowledging into its spool, and writes the spool once the table is back.
    """
    store, url, schema = pg_store
    prefix = f"gpout{uuid.uuid4().hex[:6]}"
    settings = test_settings(
        url,
        mqtt_enabled=True,
        mqtt_topic_prefix=prefix,
        mqtt_client_id=f"gp-{prefix}",
        mqtt_spool_dir=tmp_path / "spool",
        mqtt_retry_max_s=2.0,
    )
    app = create_app(settings, store=store)
    pub = Publisher(1883, f"{prefix}/tiny/e1")
    rate, n = 150, 150 * 25
    during: dict[str, int] = {}
    outage_over = threading.Event()

    def outage() -> None:
        with psycopg.connect(url.split("?")[0], autocommit=True) as con:
            if fault == "readings locked":
                with con.transaction():
                    con.execute(f"LOCK TABLE {schema}.readings IN ACCESS EXCLUSIVE MODE")
                    acked0 = len(pub.acked)
                    time.sleep(15)
                    during["acked"] = len(pub.acked) - acked0
            else:
                con.execute(f"ALTER TABLE {schema}.readings RENAME TO readings_away")
                acked0 = len(pub.acked)
                time.sleep(15)
                during["acked"] = len(pub.acked) - acked0
                con.execute(f"ALTER TABLE {schema}.readings_away RENAME TO readings")
        outage_over.set()

    try:
        with TestClient(app):
            ingest = app.state.service.mqtt
            fault_thread = threading.Thread(target=outage)

            def inject(k: int) -> None:
                if k == 5 * rate:
                    fault_thread.start()
                if k == 19 * rate:
                    during["spool_bytes"] = ingest.stats()["spool_pending_bytes"]
                    during["store_failing"] = int(ingest.stats()["store_failing"])

            pub.stream(range(n), rate, during=inject)
            fault_thread.join(timeout=30)
            assert outage_over.is_set()
            assert until_settled(lambda: len(pub.acked), n), f"the broker acknowledged {len(pub.acked)} of {n}"
            assert until_settled(lambda: ingest.stats()["spool_pending_bytes"], 0), (
                f"the spool's replay stalled; service: {ingest.stats()}"
            )
            t = tally(store, pub.sent, pub.acked)
            print(
                t.line(f"15 s store outage ({fault}) at {rate}/s"),
                f"(during the outage: {during['acked']} messages acknowledged, spool {during['spool_bytes']:,} bytes; "
                f"store retries {ingest.stats()['store_retries']})",
            )
            assert t.lost == 0 and t.duplicated == 0 and t.stored == n
            assert during["acked"] >= 14 * rate  # the broker was drained all along (150/s for 15 s)
            assert during["spool_bytes"] > 0
            if fault == "readings table gone":
                assert during["store_failing"] == 1 and ingest.stats()["store_retries"] > 0
    finally:
        pub.close()
        forget_sessions(f"gp-{prefix}-0")


@pytest.mark.postgres
def test_two_service_processes_split_the_messages_and_write_each_once(
    pg_store: tuple[Store, str, str], tmp_path: Path, mqtt_broker: tuple[str, int]
) -> None:
    """Two ``greenpark serve`` processes on one PostgreSQL store and one spool folder: slots 0 and 1, one group."""
    store, url, _ = pg_store
    prefix = f"gptwo{uuid.uuid4().hex[:6]}"
    env = {
        "GREENPARK_MQTT_TOPIC_PREFIX": prefix,
        "GREENPARK_MQTT_CLIENT_ID": f"gp-{prefix}",
        "GREENPARK_MQTT_SHARE_GROUP": "greenpark",  # several processes: a shared subscription
        "GREENPARK_MQTT_SPOOL_DIR": str(tmp_path / "spool"),
        "GREENPARK_READ_CACHE_ENTRIES": "0",  # several processes on one store (docs/service.md, Caching)
    }
    old = dict(os.environ)
    os.environ.update(env)
    procs: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        for _ in range(2):
            port = free_port()
            procs.append((_serve(url, port, tmp_path / f"server-{port}.log", ["--mqtt"]), f"http://127.0.0.1:{port}"))
    finally:
        os.environ.clear()
        os.environ.update(old)
    pub = Publisher(1883, f"{prefix}/tiny/e1")
    n = 600
    try:
        for proc, base in procs:
            wait_for_health(base, proc, tmp_path / f"server-{base.rsplit(':', 1)[1]}.log", timeout_s=90)

        def stats() -> list[dict[str, object]]:
            return [httpx.get(f"{b}/api/v1/health", timeout=10).json()["mqtt_stats"] for _, b in procs]

        assert until(lambda: all(s["connected"] for s in stats()), 20)
        pub.stream(range(n), 100)
        assert until_settled(lambda: len(pub.acked), n)
        assert until_settled(lambda: min(n, sum(int(s["written"]) for s in stats())), n)  # type: ignore[call-overload]
        time.sleep(1.0)  # a message written twice would show now
        final = stats()
        written = [int(s["written"]) for s in final]  # type: ignore[call-overload]
        t = tally(store, pub.sent, pub.acked, processed=sum(written))
        print(t.line("two service processes, shared subscription"), f"(written per process: {written})")
        assert sorted(s["client_id"] for s in final) == [f"gp-{prefix}-0", f"gp-{prefix}-1"]
        assert t.lost == 0 and t.duplicated == 0 and t.stored == n
        assert sum(written) == n and min(written) > 0  # each message once; both processes took a share
    finally:
        pub.close()
        for proc, _ in procs:
            proc.send_signal(signal.SIGTERM)
        for proc, _ in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        forget_sessions(f"gp-{prefix}-0", f"gp-{prefix}-1")
