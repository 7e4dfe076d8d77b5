"""Broker authentication with the example configuration (deploy/mosquitto): who may connect, publish, subscribe.

A second Mosquitto is started on a free port with ``deploy/mosquitto/greenpark.conf`` and its ACL (only the port,
file paths and persistence folder moved into the test's folder): an anonymous publisher is refused, a park's
gateway may publish to its own park and not to another's, and the service, with its credentials from the
settings, subscribes and stores what the gateway sent.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from fastapi.testclient import TestClient
from mqttkit import Mosquitto, Publisher, stored_messages, tally, until
from service_fixtures import test_settings

from greenpark.server import create_app
from greenpark.store import open_store
from testkit import tiny_park

pytestmark = [pytest.mark.mqtt, pytest.mark.timeout(120)]

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "mosquitto"
USERS = {"greenpark-service": "service secret 1", "gw-tiny": "gateway secret 2", "gw-longthanh-demo": "other 3"}


def _connect(port: int, user: str | None, password: str | None) -> mqtt.ReasonCode:
    """The broker's CONNACK reason to a client with these credentials."""
    got: list[mqtt.ReasonCode] = []
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"probe-{uuid.uuid4().hex[:8]}", protocol=mqtt.MQTTv5)
    if user:
        c.username_pw_set(user, password)
    c.on_connect = lambda client, userdata, flags, reason, props: got.append(reason)
    c.connect("127.0.0.1", port)
    c.loop_start()
    until(lambda: bool(got), 10)
    c.disconnect()
    c.loop_stop()
    return got[0]


def test_the_example_broker_config_refuses_anonymous_and_confines_each_park(tmp_path: Path) -> None:
    store = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    store.save_park(tiny_park())
    broker = Mosquitto.from_example(tmp_path / "broker", DEPLOY / "greenpark.conf", DEPLOY / "greenpark.acl", USERS)
    with broker:
        anonymous = _connect(broker.port, None, None)
        wrong = _connect(broker.port, "gw-tiny", "not the password")
        print(f"anonymous client: {anonymous}; wrong password: {wrong}")
        assert anonymous.is_failure and anonymous.value == 135  # Not authorized
        assert wrong.is_failure and wrong.value == 135  # Mosquitto 2 answers a wrong password the same way
        settings = test_settings(
            mqtt_enabled=True,
            mqtt_port=broker.port,
            mqtt_username="greenpark-service",
            mqtt_password=USERS["greenpark-service"],
            mqtt_spool_dir=tmp_path / "spool",
        )
        app = create_app(settings, store=store)
        gateway = Publisher(broker.port, "greenpark/tiny/e1", "gw-tiny", USERS["gw-tiny"])
        intruder = Publisher(broker.port, "greenpark/tiny/e1", "gw-longthanh-demo", USERS["gw-longthanh-demo"])
        try:
            with TestClient(app):
                lock = nullcontext()  # the store serves the test's thread beside the service's
                for k in range(20):
                    gateway.publish(k)
                for k in range(20, 25):
                    intruder.publish(k)  # another park's gateway writing into tiny: refused by the ACL
                assert until(lambda: len(gateway.acked) == 20 and len(intruder.acked) == 5, 20)

                def stored() -> int:
                    with lock:
                        return len(stored_messages(store))

                assert until(lambda: stored() == 20, 20)
                with lock:
                    t = tally(store, gateway.sent, gateway.acked)
                    got = stored_messages(store)
                print(t.line("authenticated gateway"))
                print(f"another park's gateway: 5 sent, {len(got) - 20} stored")
                assert t.lost == 0 and t.duplicated == 0 and t.stored == 20
                assert len(got) == 20  # nothing of the intruder's (messages 20-24) arrived
                assert app.state.service.mqtt.stats()["received"] == 20
            refused = create_app(
                settings.model_copy(update={"mqtt_password": "not the password"}),
                store=open_store("duckdb:///:memory:"),
            )
            with (
                pytest.raises(ConnectionError, match=r"did not let client .* in \(Not authorized\).*USERNAME"),
                TestClient(refused),
            ):
                pass
        finally:
            gateway.close()
            intruder.close()
            store.close()
