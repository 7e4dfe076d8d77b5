"""MQTT ingestion that never stalls and never loses: broker -> local spool (fsync, then PUBACK) -> store.

Topic scheme (prefix ``greenpark`` by default), QoS 1, JSON payloads:

- meter readings: ``<prefix>/<park_id>/<meter_id>``, one ``{"timestamp", "value"}`` object, a list of
  them, or ``{"seq": n, "readings": [...]}`` (see :mod:`greenpark.ingest.payload`); the topic names the meter;
- WWTP analyser values: ``<prefix>/<park_id>/wwtp/<wwtp_id>``, one ``{"timestamp", "point", "parameter",
  "value", "unit", "method"}`` object or a list of them.

How a message travels. The paho network thread only queues what arrives. The *appender* thread takes
what is queued, appends it to this process's spool file (:mod:`greenpark.ingest.spool`), ``fsync``\\s it
and only then acknowledges it (manual PUBACK): the broker is drained at disk speed whatever the store
does, and a message the service acknowledged is on disk. The *replay* thread
(:class:`greenpark.ingest.replay.SpoolReplayer`) writes the spool to the store in order, retries a
failing store with backoff (no reconnect, nothing left waiting at the broker), quarantines a message that
can never be written with its topic and payload, and records how far it got. A full spool
(``spool_max_bytes``) stops the acknowledgements (the broker keeps the messages) and raises an alarm.

Sessions. MQTT v5 with ``clean_start=False`` and a session expiry, so the broker keeps the subscription
and queues messages while the service restarts. Each process holds a spool slot (``slot-<n>``, a lock
file) and its client id is ``<client_id_base>-<n>``: unique among running processes (no session
takeovers), the same after a restart (the broker hands the restarted process the messages it queued,
and the process replays its own spool). The subscription is a plain one by default: it survives a broker
restart. Several processes split the load through a shared subscription (``$share/<group>/<prefix>/+/+``,
``share_group``); a message goes to one of them. Mosquitto 2.0 does not restore a session's shared
subscriptions after a broker restart: what is published before the process reconnects is acknowledged to the
device and dropped (measured: benchmarks/broker_shared_restart.py, docs/service.md); the sequence check reports
it as missing.

A PUBACK is only ever sent on the connection that received the message: after a reconnect the broker
sends unacknowledged messages again (with the same packet id), and those are spooled and acknowledged
anew; the copy is written once (identical messages in a chunk are dropped, and readings are upserted).
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from greenpark.ingest.alerts import AlertBook, Finding
from greenpark.ingest.replay import MessageFormat, SpoolReplayer, WriteBatch, WriteRejects
from greenpark.ingest.sequences import SequenceBook
from greenpark.ingest.spool import SpoolFullError, SpoolSlot

log = logging.getLogger(__name__)

SPOOL_FULL_RULE = "mqtt.spool_full"


@dataclass
class _Received:
    mid: int
    qos: int
    topic: str
    payload: bytes
    received_at: float
    epoch: int  # the connection it came on: a PUBACK goes only on that connection


@dataclass(frozen=True)
class MqttOptions:
    """The broker, the session and the spool (from ``greenpark.settings``)."""

    host: str
    port: int
    prefix: str
    spool_dir: Path
    client_id_base: str = ""  # default: greenpark-<hostname>
    share_group: str = ""  # "" = a plain subscription (the default: it survives a broker restart)
    session_expiry_s: int = 7 * 24 * 3600
    keepalive_s: int = 30
    username: str | None = None
    password: str | None = None
    tls: bool = False
    tls_ca_file: Path | None = None
    spool_max_bytes: int = 2**30
    batch_max: int = 5_000
    batch_wait_s: float = 0.05
    retry_min_s: float = 0.5
    retry_max_s: float = 10.0
    max_json_depth: int = 16
    max_rows: int = 200_000
    quarantine_chars: int = 2_000
    seq_check_s: float = 10.0
    stop_drain_s: float = 10.0


class MqttIngestor:
    """Subscribe to the reading topics; spool, acknowledge, replay into the store (see the module docstring).

    Parameters
    ----------
    write : writes one park's raw rows durably (validation and quarantine of bad rows included).
    quarantine : writes rejects (quarantine columns) to a park's quarantine.
    options : broker, session, spool.
    write_wastewater : the same for WWTP rows (None: WWTP topics are not subscribed).
    sequences : records ``seq`` numbers and finds gaps (None: ``seq`` ignored).
    alerts : where a full spool is reported once the store answers (None: logged only).
    park_ids : the store's parks (a full spool is an alert of each park this process wrote for, else of these).
    """

    def __init__(
        self,
        write: WriteBatch,
        quarantine: WriteRejects,
        options: MqttOptions,
        *,
        write_wastewater: WriteBatch | None = None,
        sequences: SequenceBook | None = None,
        alerts: AlertBook | None = None,
        park_ids: Callable[[], list[str]] | None = None,
    ) -> None:
        o = options
        self.options = o
        self.prefix = o.prefix.strip("/")
        self.alerts = alerts
        self.park_ids = park_ids
        self._alarm_lock = threading.Lock()
        self.slot = SpoolSlot(o.spool_dir, o.spool_max_bytes)
        self.spool = self.slot.spool
        self.client_id = f"{o.client_id_base or 'greenpark-' + socket.gethostname()}-{self.slot.number}"
        self.replayer = SpoolReplayer(
            self.spool,
            MessageFormat(self.prefix, o.max_json_depth, o.max_rows, o.quarantine_chars),
            write,
            quarantine,
            write_wastewater=write_wastewater,
            sequences=sequences,
            batch_max=o.batch_max,
            batch_wait_s=o.batch_wait_s,
            retry_min_s=o.retry_min_s,
            retry_max_s=o.retry_max_s,
            seq_check_s=o.seq_check_s,
        )
        self.replayer.on_written = self._report_alarms
        self.subscribe_wastewater = write_wastewater is not None
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id, protocol=mqtt.MQTTv5, manual_ack=True
        )
        if o.username:
            self.client.username_pw_set(o.username, o.password)
        if o.tls:
            self.client.tls_set(ca_certs=str(o.tls_ca_file) if o.tls_ca_file else None, cert_reqs=ssl.CERT_REQUIRED)
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.connected = threading.Event()
        self.refused: str | None = None
        self.messages_received = 0
        self.messages_acknowledged = 0
        self.spool_full_since: float | None = None
        self._alarms: list[Finding] = []  # waiting for the store to answer
        self._epoch = 0
        self._queue: queue.Queue[_Received | None] = queue.Queue()
        self._closing = threading.Event()
        self._appender = threading.Thread(target=self._append_loop, name="greenpark-mqtt-spool", daemon=True)

    # counters (the /health answer) ---------------------------------------------------
    @property
    def messages_written(self) -> int:
        """Messages whose readings are in the store (this process)."""
        return self.replayer.counts.messages_written

    @property
    def readings_written(self) -> int:
        """Readings written to the store from MQTT (this process)."""
        return self.replayer.counts.readings_written

    def stats(self) -> dict[str, Any]:
        """Counters and states of this process's MQTT ingestion."""
        c = self.replayer.counts
        s = self.replayer.sequences
        return {
            "client_id": self.client_id,
            "connected": self.connected.is_set(),
            "received": self.messages_received,
            "acknowledged": self.messages_acknowledged,
            "written": c.messages_written,
            "readings_written": c.readings_written,
            "quarantined": c.quarantined,
            "dead_letters": c.dead_letters,
            "repeated": c.repeated,
            "store_retries": c.retries,
            "store_failing": self.replayer.store_failing,
            "spool_pending_bytes": self.spool.pending_bytes,
            "spool_full": self.spool_full_since is not None,
            "sequence_gaps": s.counts.gaps if s else 0,
            "messages_missing": s.counts.missing if s else 0,
        }

    # life cycle ---------------------------------------------------------------------
    @property
    def topics(self) -> list[str]:
        """The subscription filters (shared when a group is set)."""
        filters = [f"{self.prefix}/+/+"] + ([f"{self.prefix}/+/wwtp/+"] if self.subscribe_wastewater else [])
        group = self.options.share_group
        return [f"$share/{group}/{f}" for f in filters] if group else filters

    def start(self, timeout_s: float = 10.0) -> None:
        """Replay what the spool holds, connect, subscribe; ``ConnectionError`` if the broker does not let us in."""
        o = self.options
        self.replayer.start()
        self._appender.start()
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = o.session_expiry_s
        try:
            self.client.connect(o.host, o.port, keepalive=o.keepalive_s, clean_start=False, properties=props)
        except (OSError, ssl.SSLError) as exc:
            self.stop()
            raise ConnectionError(
                f"cannot reach the MQTT broker at {o.host}:{o.port} ({exc}); start it, or set "
                "GREENPARK_MQTT_HOST/GREENPARK_MQTT_PORT, or run without --mqtt"
            ) from None
        self.client.loop_start()
        deadline = time.monotonic() + timeout_s
        while not self.connected.wait(0.05):
            if self.refused is not None or time.monotonic() > deadline:
                why = self.refused or f"no answer within {timeout_s} s"
                self.stop()
                raise ConnectionError(
                    f"the MQTT broker at {o.host}:{o.port} did not let client {self.client_id} in ({why}); "
                    "check GREENPARK_MQTT_USERNAME/GREENPARK_MQTT_PASSWORD and the broker's ACL"
                )

    def stop(self) -> None:
        """Spool and acknowledge what was received, disconnect, write the spool (bounded time), release the slot."""
        self._closing.set()
        self._queue.put(None)
        if self._appender.is_alive():
            self._appender.join(timeout=30)
        self.client.disconnect()
        self.client.loop_stop()
        self.replayer.stop(self.options.stop_drain_s)
        self.slot.release()

    # paho callbacks (network thread) ------------------------------------------------
    def _on_connect(self, client: mqtt.Client, userdata: object, flags: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            self.refused = str(reason)
            log.error("MQTT broker refused client %s: %s", self.client_id, reason)
            return
        self._epoch += 1
        client.subscribe([(t, 1) for t in self.topics])
        log.info(
            "MQTT connected to %s:%s as %s (session %s); subscribing to %s",
            self.options.host,
            self.options.port,
            self.client_id,
            "resumed" if flags.session_present else "new",
            ", ".join(self.topics),
        )
        if self.options.share_group and not flags.session_present:
            log.warning(
                "MQTT shared subscription (group %r) in a new session: with Mosquitto 2.0 a broker restart loses "
                "the shared subscription, and messages published before this connection were dropped; devices "
                "that number their messages show the loss as sequence gaps",
                self.options.share_group,
            )

    def _on_subscribe(self, client: mqtt.Client, userdata: object, mid: int, reasons: Any, props: Any) -> None:
        refused = [str(r) for r in reasons if r.is_failure]
        if refused:
            self.refused = f"subscription refused: {', '.join(refused)}"
            log.error("MQTT broker refused the subscription of %s: %s", self.client_id, ", ".join(refused))
            return
        self.connected.set()

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags: Any, reason: Any, props: Any) -> None:
        self._epoch += 1  # from now on no PUBACK for what the lost connection brought (it comes again)
        self.connected.clear()
        if not self._closing.is_set():
            log.warning("MQTT connection lost (%s); reconnecting", reason)

    def _on_message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        # nothing here may raise: an exception in a paho callback ends the network thread
        if self._closing.is_set():
            return  # not acknowledged: the broker keeps it for the next start
        try:
            topic = msg.topic
        except UnicodeDecodeError:
            topic = bytes(msg._topic).decode("utf-8", "backslashreplace")
        self.messages_received += 1
        self._queue.put(_Received(msg.mid, msg.qos, topic, bytes(msg.payload), time.time(), self._epoch))

    # the appender thread -------------------------------------------------------------
    def _take(self) -> tuple[list[_Received], bool]:
        first = self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        while len(batch) < 1_000:
            try:
                m = self._queue.get_nowait()
            except queue.Empty:
                break
            if m is None:
                return batch, True
            batch.append(m)
        return batch, False

    def _append_loop(self) -> None:
        done = False
        while not done:
            batch, done = self._take()
            if not batch:
                continue
            if not self._append(batch):
                return  # stopping with a full spool: the broker keeps what was not acknowledged
            for m in batch:
                if m.epoch == self._epoch:  # else the connection it came on is gone: the broker sends it again
                    self.client.ack(m.mid, m.qos)
                    self.messages_acknowledged += 1
            self.replayer.wake.set()

    def _append(self, batch: list[_Received]) -> bool:
        """Append to the spool, waiting while it is full; False if the service stops meanwhile."""
        last_log = 0.0
        while True:
            try:
                self.spool.append([(m.topic, m.payload, m.received_at) for m in batch])
            except SpoolFullError as exc:
                now = time.monotonic()
                if self.spool_full_since is None:
                    self.spool_full_since = now
                    with self._alarm_lock:
                        self._alarm_full(str(exc))
                if now - last_log > 30:
                    log.error("%s; messages stay unacknowledged at the broker until the store catches up", exc)
                    last_log = now
                if self._closing.is_set() and self._queue.empty():
                    return False
                self.replayer.progress.wait(1.0)
                self.replayer.progress.clear()
                continue
            if self.spool_full_since is not None:
                log.warning(
                    "MQTT spool takes messages again after %.0f s full", time.monotonic() - self.spool_full_since
                )
                self.spool_full_since = None
            return True

    # alarms ----------------------------------------------------------------------------
    def _alarm_full(self, why: str) -> None:
        """A full spool is an alert of every park this process wrote for, raised by the replay thread.

        Not raised here: the store may not answer (that is why the spool is full) and this thread must not wait.
        """
        self._alarms.append(
            Finding(
                rule=SPOOL_FULL_RULE,
                subject=self.client_id,
                # the catalogue's note.mqtt_spool_full: the reader's language comes from there
                message=f"the MQTT spool of {self.client_id} is full ({self.spool.pending_bytes} bytes not yet in "
                "the store); new messages wait at the broker, which drops them when its queue is full",
                severity="critical",
                first_ts=dt.datetime.now(dt.UTC),
                last_ts=dt.datetime.now(dt.UTC),
                data={"spool_dir": str(self.spool.folder), "max_bytes": self.spool.max_bytes, "error": why},
            )
        )

    def _report_alarms(self) -> None:
        """Raise the waiting alarms as alerts (the replay thread, after a write: the store answers)."""
        if not self._alarms or self.alerts is None:
            return
        with self._alarm_lock:
            alarms, self._alarms = self._alarms, []
        try:
            parks = sorted(self.replayer.parks_seen) or (self.park_ids() if self.park_ids else [])
            for park_id in parks:
                self.alerts.raise_alerts(park_id, alarms)
        except Exception:  # the store does not answer after all: try again after the next write
            log.warning("MQTT spool alarm not yet recorded as an alert (the store does not answer)")
            with self._alarm_lock:
                self._alarms = alarms + self._alarms
