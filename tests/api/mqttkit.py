"""What the MQTT tests share: a Mosquitto of their own, a counting publisher, and the loss/duplicate count.

``Mosquitto`` starts the machine's ``mosquitto`` binary on a free loopback port with a config written for the
test (persistence in the test's folder, optionally a password file and an ACL), so a test may stop and restart
its broker without touching the shared one on 1883. ``Publisher`` sends one reading per message (meter ``e1``
of the tiny park, a 15-minute step per message, ``seq`` = message number) at a given rate and records which
messages the broker acknowledged (PUBACK to the publisher). ``tally`` compares that with the store and prints
the line every fault test prints: sent / acknowledged / stored / lost / duplicated.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
import pandas as pd
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from greenpark.store.base import Store
from testkit import free_port

T0 = pd.Timestamp("2024-01-01T00:00:00Z")
STEP = pd.Timedelta(minutes=15)
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


def until(cond: Callable[[], bool], timeout: float = 30, every: float = 0.05) -> bool:
    """Wait for ``cond()`` (True) or ``timeout`` seconds (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(every)
    return bool(cond())


def until_settled(value: Callable[[], float], target: float, stall_s: float = 30, every: float = 0.1) -> bool:
    """Wait until ``value()`` equals ``target``; False once it has not moved for ``stall_s`` seconds.

    A backlog being worked off passes however slowly it goes (a loaded machine, a busy shared database), a
    stall fails: the tests assert that nothing is lost or stuck, not a speed (the benchmarks measure that).
    """
    last, moved = value(), time.monotonic()
    while last != target:
        time.sleep(every)
        now = value()
        if now != last:
            last, moved = now, time.monotonic()
        elif time.monotonic() - moved > stall_s:
            return False
    return True


class Mosquitto:
    """A Mosquitto broker of the test's own on 127.0.0.1:<free port>, with persistence in ``folder``.

    Parameters
    ----------
    folder : where its config, password file, ACL, persistence file and log go.
    users : user -> password; with users, anonymous clients are refused (``allow_anonymous false``).
    acl : the ACL file's text (``user``/``topic`` lines), used with ``users``.
    extra : more config lines.
    """

    def __init__(
        self, folder: Path, users: dict[str, str] | None = None, acl: str | None = None, extra: str = ""
    ) -> None:
        if not Path(MOSQUITTO).exists():
            pytest.fail(f"the mosquitto binary is not installed ({MOSQUITTO}; apt-get install mosquitto)")
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        lines = [
            f"listener {self.port} 127.0.0.1",
            "persistence true",
            f"persistence_location {folder}/",
            f"log_dest file {folder / 'mosquitto.log'}",
            "max_queued_messages 100000",
        ]
        if users:
            pw = folder / "passwd"
            pw.write_text("")
            for user, password in users.items():
                subprocess.run(["mosquitto_passwd", "-b", str(pw), user, password], check=True, capture_output=True)
            pw.chmod(0o600)
            lines += ["allow_anonymous false", f"password_file {pw}"]
            if acl is not None:
                (folder / "acl").write_text(acl)
                (folder / "acl").chmod(0o600)
                lines.append(f"acl_file {folder / 'acl'}")
        else:
            lines.append("allow_anonymous true")
        self.config = folder / "mosquitto.conf"
        self.config.write_text("\n".join(lines) + "\n" + _as_me() + extra)
        self.proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def from_example(cls, folder: Path, conf: Path, acl: Path, users: dict[str, str]) -> Mosquitto:
        """A broker run with an example config file: its port, file paths and persistence moved into ``folder``.

        ``users``: user -> password written to the password file the config names.
        """
        broker = cls(folder)
        pw = folder / "passwd"
        pw.write_text("")
        for user, password in users.items():
            subprocess.run(["mosquitto_passwd", "-b", str(pw), user, password], check=True, capture_output=True)
        shutil.copy(acl, folder / "acl")
        moved = {
            "listener": f"listener {broker.port} 127.0.0.1",
            "password_file": f"password_file {pw}",
            "acl_file": f"acl_file {folder / 'acl'}",
            "persistence_location": f"persistence_location {folder}/",
        }
        lines = []
        for line in conf.read_text().splitlines():
            word = line.split(" ", 1)[0]
            if word in moved:
                lines.append(moved.pop(word))
            elif not line.startswith("#") and line.strip():
                lines.append(line)
        assert not moved, f"the example config {conf} lacks {sorted(moved)}"
        lines.append(f"log_dest file {folder / 'mosquitto.log'}")
        broker.config.write_text("\n".join(lines) + "\n" + _as_me())
        return broker

    def start(self) -> Mosquitto:
        """Start it and wait until it accepts connections."""
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(self.config)], stderr=subprocess.PIPE)

        def up() -> bool:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return True
            except OSError:
                return False

        if not until(up, 10):
            self.stop()
            pytest.fail(f"mosquitto did not start on port {self.port}: {self.log()}")
        return self

    def stop(self) -> None:
        """Stop it (SIGTERM: it saves its persistence file, as a service manager's restart does)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)
        self.proc = None

    def log(self) -> str:
        p = self.folder / "mosquitto.log"
        return p.read_text(errors="replace")[-3000:] if p.exists() else ""

    def __enter__(self) -> Mosquitto:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _as_me() -> str:
    """Run as the test's user: Mosquitto started as root would switch to ``mosquitto`` and not read the test's files."""
    return "user root\n" if os.geteuid() == 0 else ""


def value_of(k: int) -> float:
    """The reading of message ``k``: near 1 kWh, so that no value looks implausible beside the others.

    (A value growing with ``k`` would be held out by the VEE history bound when a batch mixes old and new
    messages: live ingestion keeps such a reading in the held-out list, as the file import does, not in the
    readings these tests count; ``test_mqtt.py`` checks that it is kept.)
    """
    return 1.0 + (k % 100) / 1000


def message(k: int) -> bytes:
    """Message ``k``: one reading of meter e1 at T0 + k steps, value ``value_of(k)``, sequence number k."""
    return json.dumps({"seq": k, "ts": (T0 + k * STEP).isoformat(), "value": value_of(k)}).encode()


@dataclass
class Publisher:
    """A persistent-session publisher (QoS 1) that records the broker's acknowledgements."""

    port: int
    topic: str
    username: str | None = None
    password: str | None = None
    session_expiry_s: int = 0  # > 0: the broker keeps the session (and resends) across a broker restart
    acked: set[int] = field(default_factory=set)
    sent: int = 0

    def __post_init__(self) -> None:
        self._mids: dict[int, int] = {}
        self._early: set[int] = set()
        self._lock = threading.Lock()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:10]}", protocol=mqtt.MQTTv5
        )
        self.client.max_queued_messages_set(0)
        self.client.max_inflight_messages_set(1000)
        if self.username:
            self.client.username_pw_set(self.username, self.password)
        self.client.on_publish = self._on_publish
        self.client.reconnect_delay_set(1, 2)
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = self.session_expiry_s
        self.client.connect("127.0.0.1", self.port, clean_start=False, properties=props)
        self.client.loop_start()

    def _on_publish(self, client: mqtt.Client, userdata: object, mid: int, reason: object, props: object) -> None:
        with self._lock:  # paho may call this before publish() below has recorded the mid
            k = self._mids.pop(mid, None)
            if k is None:
                self._early.add(mid)
            else:
                self.acked.add(k)

    def publish(self, k: int, payload: bytes | None = None, topic: str | None = None) -> None:
        """Send message ``k`` (or another payload, counted as ``k``)."""
        info = self.client.publish(topic or self.topic, message(k) if payload is None else payload, qos=1)
        with self._lock:  # not held across publish(): paho's thread holds its own lock when it calls on_publish
            if info.mid in self._early:
                self._early.discard(info.mid)
                self.acked.add(k)
            else:
                self._mids[info.mid] = k
        self.sent += 1

    def stream(self, ks: range, rate_per_s: float, during: Callable[[int], None] | None = None) -> None:
        """Publish messages ``ks`` at ``rate_per_s``; ``during(k)`` is called before each (to inject a fault)."""
        start = time.monotonic()
        for i, k in enumerate(ks):
            if during is not None:
                during(k)
            self.publish(k)
            ahead = start + (i + 1) / rate_per_s - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@dataclass
class Tally:
    """What a fault test counts."""

    sent: int
    acknowledged: int
    stored: int
    lost: int
    duplicated: int

    def line(self, name: str) -> str:
        return (
            f"{name}: sent {self.sent} / acknowledged {self.acknowledged} / stored {self.stored} / "
            f"lost {self.lost} / duplicated {self.duplicated}"
        )


def stored_messages(store: Store, park_id: str = "tiny") -> pd.DataFrame:
    """Meter e1's readings in the store (one per message ``k``: ts = T0 + k steps, value ``value_of(k)``)."""
    return store.readings(park_id, ["e1"], T0.to_pydatetime(), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


def tally(store: Store, sent: int, acked: set[int], processed: int | None = None) -> Tally:
    """Count the store's readings against the acknowledged messages.

    ``lost``: messages the broker acknowledged to the publisher whose reading is not in the store, or whose value
    is not the message's. ``duplicated``: rows beyond one per (meter, time) in the store, plus, when ``processed``
    (messages the services wrote, summed over processes) is given, messages written more than once.
    """
    got = stored_messages(store)
    ks = ((got["ts"] - T0) / STEP).round().astype(int)
    by_k = dict(zip(ks, got["value"], strict=True))
    lost = sum(1 for k in acked if by_k.get(k) != value_of(k))
    duplicated = len(got) - ks.nunique() + (max(0, processed - len(acked)) if processed is not None else 0)
    return Tally(sent, len(acked), int(ks.nunique()), lost, duplicated)
