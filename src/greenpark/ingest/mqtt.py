"""MQTT ingestion: a subscriber that writes readings and only then acknowledges them.

Topic scheme (prefix ``greenpark`` by default), QoS 1, JSON payloads:

- meter readings: ``<prefix>/<park_id>/<meter_id>``, one ``{"timestamp", "value"}`` object or a
  list of them (see :mod:`greenpark.ingest.payload`);
- WWTP analyser values: ``<prefix>/<park_id>/wwtp/<wwtp_id>``, one ``{"timestamp", "point",
  "parameter", "value", "unit", "method"}`` object or a list of them.

Durability: the client runs with ``manual_ack`` and a persistent session
(``clean_session=False``, fixed client id). A message is PUBACKed only after the
store has written its readings (accepted rows to ``readings``, rejected rows to the
quarantine); a message received but not yet written when the service dies is not
acknowledged, so the broker delivers it again on the next connection. Writes are
batched across messages (up to ``mqtt_batch_max`` readings or ``mqtt_batch_wait_s``)
to keep up with many meters.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import paho.mqtt.client as mqtt
import pandas as pd

from greenpark.errors import InputError, ParkNotFoundError
from greenpark.ingest.payload import rows_from_json_bytes

log = logging.getLogger(__name__)

#: (park_id, raw rows, source label) -> None; raises on a store failure
WriteBatch = Callable[[str, pd.DataFrame, str], object]


@dataclass
class _Message:
    mid: int
    qos: int
    park_id: str
    rows: pd.DataFrame
    kind: str = "readings"  # or "wastewater"


class MqttIngestor:
    """Subscribe to the reading topics and feed the batches to ``write``.

    Parameters
    ----------
    write : writes one park's raw rows durably (validation and quarantine included).
    host, port : the broker.
    prefix : first topic level.
    client_id : stable id, so the broker keeps the session (and unacked messages) across restarts.
    batch_max : readings per write.
    batch_wait_s : longest wait to fill a write batch.
    """

    def __init__(
        self,
        write: WriteBatch,
        *,
        host: str,
        port: int,
        prefix: str,
        client_id: str,
        batch_max: int,
        batch_wait_s: float,
        username: str | None = None,
        password: str | None = None,
        write_wastewater: WriteBatch | None = None,
    ) -> None:
        self.write = write
        self.write_wastewater = write_wastewater
        self.host, self.port, self.prefix = host, port, prefix.strip("/")
        self.batch_max, self.batch_wait_s = batch_max, batch_wait_s
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.connected = threading.Event()
        self.messages_written = 0
        self.readings_written = 0
        self._queue: queue.Queue[_Message | None] = queue.Queue()
        self._writer = threading.Thread(target=self._write_loop, name="greenpark-mqtt-writer", daemon=True)
        self._stopping = threading.Event()

    @property
    def topic(self) -> str:
        """The subscription filter."""
        return f"{self.prefix}/+/+"

    def start(self, timeout_s: float = 10.0) -> None:
        """Connect, subscribe and start writing; raise ``ConnectionError`` if the broker does not answer."""
        self._writer.start()
        try:
            self.client.connect(self.host, self.port, keepalive=30)
        except OSError as exc:
            self.stop()
            raise ConnectionError(
                f"cannot reach the MQTT broker at {self.host}:{self.port} ({exc}); start it, or set "
                "GREENPARK_MQTT_HOST/GREENPARK_MQTT_PORT, or run without --mqtt"
            ) from None
        self.client.loop_start()
        if not self.connected.wait(timeout_s):
            self.stop()
            raise ConnectionError(f"no MQTT broker answered at {self.host}:{self.port} within {timeout_s} s")

    def stop(self) -> None:
        """Write what was received, acknowledge it, disconnect."""
        self._stopping.set()
        self._queue.put(None)
        if self._writer.is_alive():
            self._writer.join(timeout=30)
        self.client.disconnect()
        self.client.loop_stop()

    # paho callbacks (network thread) ------------------------------------------------
    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.error("MQTT broker refused the connection: %s", reason)
            return
        client.subscribe(self.topic, qos=1)
        if self.write_wastewater is not None:
            client.subscribe(f"{self.prefix}/+/wwtp/+", qos=1)
        self.connected.set()
        log.info("MQTT subscribed to %s on %s:%s", self.topic, self.host, self.port)

    def _on_message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        parts = msg.topic.split("/")
        if len(parts) == 4 and parts[2] == "wwtp" and parts[1] and parts[3]:
            self._queue.put(
                _Message(msg.mid, msg.qos, parts[1], _wastewater_rows(bytes(msg.payload), parts[3]), "wastewater")
            )
            return
        if len(parts) != 3 or not parts[1] or not parts[2]:
            log.warning("ignoring topic %r: expected %s/<park_id>/<meter_id>", msg.topic, self.prefix)
            client.ack(msg.mid, msg.qos)
            return
        _, park_id, meter_id = parts
        try:
            rows = rows_from_json_bytes(bytes(msg.payload), meter_id=meter_id)
        except InputError as exc:
            # the payload itself is unreadable: keep it in the quarantine as one rejected row
            rows = pd.DataFrame(
                {"meter_id": [meter_id], "timestamp": [None], "value": [msg.payload[:200].decode("utf-8", "replace")]},
                dtype=object,
            )
            log.warning("unreadable MQTT payload on %s: %s", msg.topic, exc)
        self._queue.put(_Message(msg.mid, msg.qos, park_id, rows))

    # writer thread ---------------------------------------------------------------
    def _take_batch(self) -> tuple[list[_Message], bool]:
        first = self._queue.get()
        if first is None:
            return [], True
        batch, n = [first], len(first.rows)
        deadline = time.monotonic() + self.batch_wait_s
        while n < self.batch_max:
            left = deadline - time.monotonic()
            try:
                m = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if m is None:
                return batch, True
            batch.append(m)
            n += len(m.rows)
        return batch, False

    def _write_loop(self) -> None:
        done = False
        while not done:
            batch, done = self._take_batch()
            if not batch:
                continue
            by_park: dict[tuple[str, str], list[_Message]] = {}
            for m in batch:
                by_park.setdefault((m.park_id, m.kind), []).append(m)
            for (park_id, kind), msgs in by_park.items():
                frame = pd.concat([m.rows for m in msgs], ignore_index=True)
                write = self.write if kind == "readings" else self.write_wastewater
                try:
                    assert write is not None
                    write(park_id, frame, "mqtt" if kind == "readings" else "mqtt-wastewater")
                except ParkNotFoundError:
                    # no park to keep them in: say so once per batch and do not let the broker resend forever
                    log.warning("MQTT readings for unknown park %r dropped (%d messages)", park_id, len(msgs))
                except Exception:
                    # not acknowledged: the broker redelivers after the next reconnect
                    log.exception(
                        "MQTT batch for park %s not written; %d messages left unacknowledged", park_id, len(msgs)
                    )
                    continue
                for m in msgs:
                    self.client.ack(m.mid, m.qos)
                self.messages_written += len(msgs)
                if kind == "readings":
                    self.readings_written += len(frame)


def _wastewater_rows(payload: bytes, wwtp_id: str) -> pd.DataFrame:
    """Raw wastewater rows of one message (the WWTP from the topic); an unreadable payload is one bad row."""
    from greenpark.ingest.wastewater import RAW_COLUMNS

    try:
        obj = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        obj = [{"value": payload[:200].decode("utf-8", "replace")}]
    items = obj if isinstance(obj, list) else [obj]
    rows = []
    for item in items:
        item = item if isinstance(item, dict) else {"value": item}
        if "timestamp" not in item and "ts" in item:
            item = {**item, "timestamp": item["ts"]}
        rows.append(
            {c: (None if item.get(c) is None else str(item.get(c))) for c in RAW_COLUMNS} | {"wwtp_id": wwtp_id}
        )
    return pd.DataFrame(rows, columns=RAW_COLUMNS, dtype=object)
