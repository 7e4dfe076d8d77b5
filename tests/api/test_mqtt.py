"""MQTT ingestion against the machine's Mosquitto broker (127.0.0.1:1883).

Topic ``<prefix>/<park_id>/<meter_id>``, QoS 1; the subscriber acknowledges a message once it is in its local
spool (fsync), and writes the spool to the store behind, retrying a failing store from the spool. Each test uses
its own topic prefix and client id base, and forgets the broker sessions it made.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from contextlib import nullcontext
from pathlib import Path

import paho.mqtt.client as mqtt
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from mqttkit import Publisher, stored_messages, tally, until
from service_fixtures import Callers, free_port, make_callers, test_settings

from greenpark.ingest.mqtt import MqttIngestor, MqttOptions
from greenpark.server import create_app
from greenpark.store import open_store
from greenpark.store.base import Store
from testkit import tiny_park

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


def forget_sessions(*client_ids: str) -> None:
    """Drop persistent sessions a test left on the broker (MQTT v5: clean start, session expiry 0)."""
    for client_id in client_ids:
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
        c.connect("127.0.0.1", 1883, clean_start=True)
        c.disconnect()


def test_readings_published_over_mqtt_are_stored_and_bad_ones_quarantined(store: Store, tmp_path: Path) -> None:
    prefix = f"gptest-{uuid.uuid4().hex[:8]}"
    settings = test_settings(
        mqtt_enabled=True,
        mqtt_topic_prefix=prefix,
        mqtt_client_id=f"gp-{prefix}",
        mqtt_batch_wait_s=0.01,
        mqtt_spool_dir=tmp_path / "spool",
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
            assert until(lambda: ingest.messages_written + ingest.stats()["quarantined"] >= 4)
            start, end = dt.datetime(2024, 3, 1, tzinfo=dt.UTC), dt.datetime(2024, 3, 2, tzinfo=dt.UTC)
            got = store.readings("tiny", ["e1"], start, end)
            assert got["value"].tolist() == [1.25, 2.0]
            assert got["ts"].tolist() == [pd.Timestamp("2024-03-01T01:00Z"), pd.Timestamp("2024-03-01T01:15Z")]
            q = client.get("/api/v1/parks/tiny/quarantine", headers=callers.headers["operator"]).json()
            assert q["count"] == 2
            assert {r["file"] for r in q["data"]} == {"mqtt"}
            assert any("not a finite number" in r["reason"] for r in q["data"])
            unreadable = next(r for r in q["data"] if r["field"] == "payload")
            assert unreadable["value"] == "not json at all"
            assert unreadable["raw"] == f"topic={prefix}/tiny/e1 payload=not json at all"
            ww = store.load_park("tiny").table("wastewater")
            assert ww[["parameter", "value"]].values.tolist() == [["cod", 42.0]]
            health = client.get("/api/v1/health").json()
            assert health["mqtt"] is True
            assert health["mqtt_stats"]["client_id"] == f"gp-{prefix}-0"  # base + the spool slot
            assert health["mqtt_stats"]["acknowledged"] == 4
    finally:
        pub.loop_stop()
        pub.disconnect()
        forget_sessions(f"gp-{prefix}-0")


POISON: dict[str, bytes] = {
    # a number Python's JSON decoder refuses (over 4,300 digits): on the code before the spool this raised in
    # paho's network thread, which ended it; the message, never acknowledged, came back after every restart
    "huge integer": b'{"ts": "2024-01-01T00:00:00Z", "value": ' + b"9" * 5000 + b"}",
    "not UTF-8": b'{"ts": "2024-01-01T00:00:00Z", "value": "\xff\xfe"}',
    "NUL in the value": b'{"ts": "2024-01-01T00:00:00Z", "value": "1\\u0000"}',
    "raw NUL byte": b'{"ts": "2024-01-01T00:00:00Z",\x00 "value": 1}',
    "not JSON": b"value=1",
    "100,000-deep array": b"[" * 100_000 + b"]" * 100_000,
    "non-finite value": b'{"ts": "2024-01-01T00:00:00Z", "value": NaN}',
    "infinite timestamp": b'{"ts": "infinity", "value": 1}',
    "a string, not an object": b'"hello"',
}


def test_a_poison_message_amid_good_ones_is_quarantined_and_blocks_nothing(tmp_path: Path) -> None:
    """Good messages around each poison are all stored; each poison is one quarantine row with topic and payload.

    Runs the service as ``greenpark serve`` runs it (create_app with MQTT settings), so the same test shows what
    the code before the spool did: the huge integer ended the MQTT network thread and nothing after it was stored.
    """
    store = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    store.save_park(tiny_park())
    prefix = f"gppoison-{uuid.uuid4().hex[:8]}"
    settings = test_settings(
        mqtt_enabled=True, mqtt_topic_prefix=prefix, mqtt_client_id=f"gp-{prefix}", mqtt_spool_dir=tmp_path / "spool"
    )
    app = create_app(settings, store=store)
    pub = Publisher(1883, f"{prefix}/tiny/e1")
    good = list(range(0, 3 * (len(POISON) + 1)))
    try:
        with TestClient(app):
            lock = nullcontext()  # the store serves the test's thread beside the service's (a cursor per thread)
            poisons = iter(POISON.values())
            for k in good:
                pub.publish(k)
                if k % 3 == 2 and (p := next(poisons, None)) is not None:
                    pub.publish(10_000 + k, p)  # counted apart: a poison is acknowledged, never stored

            def counts() -> tuple[int, int]:
                with lock:
                    return len(stored_messages(store)), len(store.quarantine("tiny"))

            assert until(lambda: len(pub.acked) == pub.sent, 30), "the broker did not take every message"
            assert until(lambda: counts() == (len(good), len(POISON)), 60), (
                f"(good messages stored, quarantine rows) = {counts()} of {(len(good), len(POISON))}: the queue is "
                f"blocked; quarantine: {store.quarantine('tiny')[['field', 'reason']].to_dict('records')}"
            )
            with lock:
                t = tally(store, len(good), {k for k in pub.acked if k < 10_000})
                q = store.quarantine("tiny")
            print(t.line("poison amid good messages"))
            print(f"poison messages quarantined: {len(q)} of {len(POISON)}")
            assert t.lost == 0 and t.duplicated == 0 and t.stored == len(good)
            assert len(q) == len(POISON)
            assert set(q["file"]) == {"mqtt"}
            # six cannot be read at all: one row each, with the topic and the payload (escaped, bounded)
            unreadable = q[q["field"] == "payload"]
            assert len(unreadable) == 6
            assert all(r.startswith(f"topic={prefix}/tiny/e1 payload=") for r in unreadable["raw"])
            assert any("\\xff\\xfe" in v for v in unreadable["value"])  # bad bytes kept, escaped
            assert any("\\x00" in v for v in unreadable["value"])  # the raw NUL byte, escaped
            deep = unreadable[unreadable["reason"].str.contains("nested")]
            assert len(deep) == 1 and len(deep["value"].iloc[0]) < 2_100  # 2,000 characters and a note
            # three are JSON whose reading the screen rejects, with its reason: NUL, NaN, infinity
            rows = q[q["field"] != "payload"]
            assert sorted(rows["field"]) == ["timestamp", "value", "value"]
            assert any("NUL" in r for r in rows["reason"]) and "1\\x00" in set(rows["value"])
            stats = app.state.service.mqtt.stats()
            assert (stats["written"], stats["quarantined"]) == (len(good) + 3, 6)
    finally:
        pub.close()
        store.close()
        forget_sessions(f"gp-{prefix}-0", f"gp-{prefix}")


def _options(prefix: str, spool: Path, **kw: object) -> MqttOptions:
    base: dict[str, object] = dict(
        host="127.0.0.1",
        port=1883,
        prefix=prefix,
        spool_dir=spool,
        client_id_base=f"gp-{prefix}",
        batch_wait_s=0.01,
        retry_min_s=0.05,
        retry_max_s=0.2,
        stop_drain_s=0.5,
    )
    base.update(kw)
    return MqttOptions(**base)  # type: ignore[arg-type]


def _no_quarantine(park_id: str, rejects: pd.DataFrame) -> None:
    raise AssertionError(f"nothing should be quarantined here: {rejects.to_dict('records')}")


def test_a_message_is_acknowledged_once_spooled_and_written_when_the_store_answers(tmp_path: Path) -> None:
    """The store fails: the message is spooled and acknowledged; the next process on the slot writes it once."""
    prefix = f"gptest-{uuid.uuid4().hex[:8]}"
    spool = tmp_path / "spool"
    written: list[tuple[str, int]] = []
    attempts: list[int] = []

    def failing(park_id: str, rows: pd.DataFrame, source: str) -> None:
        attempts.append(len(rows))
        raise ConnectionError("store down (the PostgreSQL server is restarting)")

    def working(park_id: str, rows: pd.DataFrame, source: str) -> None:
        written.append((park_id, len(rows)))

    first = MqttIngestor(failing, _no_quarantine, _options(prefix, spool))
    first.start()
    pub = _publisher()
    try:
        _publish(pub, f"{prefix}/tiny/e1", [{"ts": "2024-03-01T08:00:00", "value": 1}] * 3)
        assert until(lambda: len(attempts) >= 3), "the failed write was not retried"
        assert first.stats()["acknowledged"] == 1 and first.stats()["store_failing"] is True
        assert first.stats()["connected"] is True  # retried from the spool: the broker connection stays
        first.stop()
        assert written == []
        second = MqttIngestor(working, _no_quarantine, _options(prefix, spool))
        assert second.client_id == first.client_id  # the same slot: the same session
        second.start()
        try:
            assert until(lambda: len(written) >= 1), "the spooled message was not written"
            time.sleep(1.0)  # had the broker kept it (not acknowledged), it would come again now
            assert written == [("tiny", 3)]
        finally:
            second.stop()
    finally:
        pub.loop_stop()
        pub.disconnect()
        forget_sessions(f"gp-{prefix}-0")


def test_two_processes_on_one_spool_folder_get_their_own_slot_and_client_id(tmp_path: Path) -> None:
    prefix = f"gptest-{uuid.uuid4().hex[:8]}"
    a = MqttIngestor(lambda p, r, s: None, _no_quarantine, _options(prefix, tmp_path, share_group="greenpark"))
    b = MqttIngestor(lambda p, r, s: None, _no_quarantine, _options(prefix, tmp_path, share_group="greenpark"))
    try:
        assert (a.client_id, b.client_id) == (f"gp-{prefix}-0", f"gp-{prefix}-1")
        assert a.topics == [f"$share/greenpark/{prefix}/+/+"]
    finally:
        a.slot.release()
        b.slot.release()
    c = MqttIngestor(lambda p, r, s: None, _no_quarantine, _options(prefix, tmp_path))
    assert c.client_id == f"gp-{prefix}-0"  # released slots are taken again, lowest first
    assert c.topics == [f"{prefix}/+/+"]  # no group (the default): a plain subscription, restored after a restart
    c.slot.release()


def test_no_broker_is_a_clear_error(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    ing = MqttIngestor(lambda p, r, s: None, _no_quarantine, _options("x", tmp_path, port=port))
    with pytest.raises(ConnectionError, match="cannot reach the MQTT broker"):
        ing.start(timeout_s=5)


def test_sequence_gaps_raise_an_alert_and_count(store: Store, tmp_path: Path) -> None:
    """Messages 0..9 of meter e1 with 4 and 7 never sent: one alert for e1 saying 2 messages are missing."""
    prefix = f"gpseq-{uuid.uuid4().hex[:8]}"
    settings = test_settings(
        mqtt_enabled=True,
        mqtt_topic_prefix=prefix,
        mqtt_client_id=f"gp-{prefix}",
        mqtt_spool_dir=tmp_path / "spool",
        mqtt_seq_grace_s=0.0,
        mqtt_seq_check_s=2.0,  # the first check comes after all eight messages are in
    )
    app = create_app(settings, store=store)
    pub = Publisher(1883, f"{prefix}/tiny/e1")
    try:
        with TestClient(app) as client:
            callers = make_callers(app.state.service)
            for k in [0, 1, 2, 3, 5, 6, 8, 9]:
                pub.publish(k)
            ingest = app.state.service.mqtt
            assert until(lambda: ingest.stats()["sequence_gaps"] >= 1, 20)
            stats = ingest.stats()
            assert (stats["sequence_gaps"], stats["messages_missing"]) == (1, 2)  # 4 and 7, found in one check
            alerts = client.get(
                "/api/v1/parks/tiny/alerts", headers=callers.headers["operator"], params={"state": "open"}
            ).json()["data"]
            gap = [a for a in alerts if a["rule"] == "mqtt.sequence_gap"]
            assert [(a["subject"], a["tenant_id"], a["data"]["missing"]) for a in gap] == [("e1", "t1", 2)]
            assert gap[0]["data"]["first_seq"] == 4 and gap[0]["data"]["last_seq"] == 7
            pub.publish(3)  # the same message again: not a gap, not an alert
            pub.publish(10)
            assert until(lambda: ingest.stats()["written"] >= 10, 20)
            time.sleep(0.5)
            assert ingest.stats()["sequence_gaps"] == 1
    finally:
        pub.close()
        forget_sessions(f"gp-{prefix}-0")


def test_a_reading_held_out_over_mqtt_is_kept_held_out_and_can_be_accepted_back(store: Store, tmp_path: Path) -> None:
    """Live ingestion keeps what the VEE history bound holds out, as the file import does: nothing is dropped.

    One message of 100 quarter hours of e1 (no bound in the tiny park's meters): 99 x 2.0 kWh and a 5,000,000 kWh
    spike at position 41. The history bound (reference quality/vee_rules: 10 x the 99th percentile of the meter's
    values, 96 or more): the 99th percentile interpolates at 0.99 x (100 - 1) = 98.01 of the sorted values, between
    2.0 (index 98) and 5,000,000 (index 99): 2 + 0.01 x (5,000,000 - 2) = 50,001.98, so the bound is 500,019.8 kWh.
    Rows read (100) = stored (99) + rejected (0) + held out (1).
    """
    prefix = f"gpheld-{uuid.uuid4().hex[:8]}"
    settings = test_settings(
        mqtt_enabled=True,
        mqtt_topic_prefix=prefix,
        mqtt_client_id=f"gp-{prefix}",
        mqtt_batch_wait_s=0.01,
        mqtt_spool_dir=tmp_path / "spool",
    )
    app = create_app(settings, store=store)
    pub = _publisher()
    stamps = pd.date_range("2024-03-01T00:00:00+07:00", periods=100, freq="15min")
    body = [{"ts": t.isoformat(), "value": 2.0} for t in stamps]
    body[40]["value"] = 5_000_000
    try:
        with TestClient(app):
            _publish(pub, f"{prefix}/tiny/e1", body)
            ingest = app.state.service.mqtt
            assert until(lambda: ingest.stats()["written"] >= 1)
            start, end = stamps[0].to_pydatetime(), stamps[-1].to_pydatetime() + dt.timedelta(hours=1)
            got = store.readings("tiny", ["e1"], start, end)
            assert got["value"].tolist() == [2.0] * 99
            held = store.held_out("tiny")
            assert held[["file", "line", "meter_id", "value", "rule_id"]].values.tolist() == [
                ["mqtt", "41", "e1", 5e6, "vee.history_bound"]
            ]
            assert held["bound"].iloc[0] == pytest.approx(500_019.8)
            assert held["ts"].iloc[0] == pd.Timestamp("2024-03-01T10:00:00+07:00")  # 40 quarter hours after 00:00
            assert store.quality_counts("tiny")["held_out"] == 1
            back = store.accept_held_out("tiny", "e1", None, by="operator", note="furnace test")
            assert back["value"].tolist() == [5e6]
            assert len(store.readings("tiny", ["e1"], start, end)) == 100
    finally:
        pub.loop_stop()
        pub.disconnect()
        forget_sessions(f"gp-{prefix}-0")
