"""MQTT ingestion against the machine's Mosquitto broker (127.0.0.1:1883).

Topic ``<prefix>/<park_id>/<meter_id>``, QoS 1; the subscriber acknowledges a message
only after its readings are written, so a message whose write failed comes back after
a reconnect. Each test uses its own topic prefix and client id.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable

import paho.mqtt.client as mqtt
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from service_fixtures import Callers, free_port, make_callers, test_settings

from greenpark.ingest.mqtt import MqttIngestor
from greenpark.server import create_app
from greenpark.store.base import Store

pytestmark = [pytest.mark.mqtt, pytest.mark.timeout(120)]


@pytest.fixture(autouse=True)
def _broker(mqtt_broker: tuple[str, int]) -> None:
    """Every test here needs the broker (skipped without it; failed under GREENPARK_REQUIRE_SERVICES=1)."""


def _publisher() -> mqtt.Client:
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}")
    c.connect("127.0.0.1", 1883)
    c.loop_start()
    return c


def _publish(c: mqtt.Client, topic: str, payload: object) -> None:
    info = c.publish(topic, json.dumps(payload) if not isinstance(payload, bytes) else payload, qos=1)
    info.wait_for_publish(10)


def _until(cond: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def test_readings_published_over_mqtt_are_stored_and_bad_ones_quarantined(store: Store) -> None:
    prefix = f"gptest-{uuid.uuid4().hex[:8]}"
    settings = test_settings(
        mqtt_enabled=True, mqtt_topic_prefix=prefix, mqtt_client_id=f"gp-{prefix}", mqtt_batch_wait_s=0.01
    )
    app = create_app(settings, store=store)
    pub = _publisher()
    try:
        with TestClient(app) as client:
            callers: Callers = make_callers(app.state.service)
            _publish(pub, f"{prefix}/tiny/e1", {"ts": "2024-03-01T08:00:00+07:00", "value": 1.25})
            _publish(
                pub,
                f"{prefix}/tiny/e1",
                [{"ts": "2024-03-01T08:15:00+07:00", "value": 2}, {"ts": "2024-03-01T08:30:00+07:00", "value": "oops"}],
            )
            _publish(pub, f"{prefix}/tiny/e1", b"not json at all")
            _publish(
                pub,
                f"{prefix}/tiny/wwtp/wwtp1",
                [
                    {
                        "ts": "2024-03-01T08:00:00+07:00",
                        "point": "outlet",
                        "parameter": "cod",
                        "value": 42,
                        "unit": "mg/l",
                        "method": "analyser",
                    }
                ],
            )
            ingest = app.state.service.mqtt
            assert _until(lambda: ingest.messages_written >= 4)
            start, end = dt.datetime(2024, 3, 1, tzinfo=dt.UTC), dt.datetime(2024, 3, 2, tzinfo=dt.UTC)
            got = store.readings("tiny", ["e1"], start, end)
            assert got["value"].tolist() == [1.25, 2.0]
            assert got["ts"].tolist() == [pd.Timestamp("2024-03-01T01:00Z"), pd.Timestamp("2024-03-01T01:15Z")]
            q = client.get("/api/v1/parks/tiny/quarantine", headers=callers.headers["operator"]).json()
            assert q["count"] == 2
            assert {r["file"] for r in q["data"]} == {"mqtt"}
            assert any("not a finite number" in r["reason"] for r in q["data"])
            ww = store.load_park("tiny").table("wastewater")
            assert ww[["parameter", "value"]].values.tolist() == [["cod", 42.0]]
            health = client.get("/api/v1/health").json()
            assert health["mqtt"] is True
    finally:
        pub.loop_stop()
        pub.disconnect()
        _forget_session(f"gp-{prefix}")


def _forget_session(client_id: str) -> None:
    """Drop a persistent session the test left on the broker."""
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
    c.connect("127.0.0.1", 1883)
    c.disconnect()


def test_a_message_is_acknowledged_only_after_its_write() -> None:
    """The first subscriber fails to write and goes away; the broker redelivers to the next one."""
    prefix = f"gptest-{uuid.uuid4().hex[:8]}"
    client_id = f"gp-{prefix}"
    written: list[tuple[str, int]] = []
    attempts: list[int] = []

    def failing(park_id: str, rows: pd.DataFrame, source: str) -> None:
        attempts.append(len(rows))
        raise OSError("store down (simulated)")

    def working(park_id: str, rows: pd.DataFrame, source: str) -> None:
        written.append((park_id, len(rows)))

    kw = dict(host="127.0.0.1", port=1883, prefix=prefix, client_id=client_id, batch_max=100, batch_wait_s=0.01)
    first = MqttIngestor(failing, **kw)  # type: ignore[arg-type]
    first.start()
    pub = _publisher()
    try:
        _publish(pub, f"{prefix}/tiny/e1", [{"ts": "2024-03-01T08:00:00", "value": 1}] * 3)
        assert _until(lambda: len(attempts) >= 1)
        first.stop()  # no PUBACK was sent: the write failed
        assert written == []
        second = MqttIngestor(working, **kw)  # type: ignore[arg-type]
        second.start()
        try:
            assert _until(lambda: len(written) >= 1), "the broker did not redeliver the unacknowledged message"
            assert written == [("tiny", 3)]
        finally:
            second.stop()
        # acknowledged now: a third session with the same id gets nothing again
        third_got: list[int] = []
        third = MqttIngestor(lambda p, r, s: third_got.append(len(r)), **kw)  # type: ignore[arg-type]
        third.start()
        time.sleep(1.0)
        third.stop()
        assert third_got == []
    finally:
        pub.loop_stop()
        pub.disconnect()
        _forget_session(client_id)


def test_no_broker_is_a_clear_error() -> None:
    port = free_port()  # nothing listens there
    ing = MqttIngestor(
        lambda p, r, s: None,
        host="127.0.0.1",
        port=port,
        prefix="x",
        client_id="gp-none",
        batch_max=10,
        batch_wait_s=0.01,
    )
    with pytest.raises(ConnectionError, match="cannot reach the MQTT broker"):
        ing.start(timeout_s=5)
