"""Does the broker keep an offline session's subscription over its own restart? Plain vs shared (docs/service.md).

Why the service subscribes plainly by default: Mosquitto 2.0 restores a persistent session's plain subscription
after a restart, not its shared one, and drops what is published to it meanwhile. For each of plain/shared and
without/with a restart, a subscriber session (MQTT v5, ``clean_start=False``, expiry 300 s, QoS 1) subscribes and
goes offline, the broker (``persistence true``, a temporary folder, a free port) is restarted or not, a publisher
sends 10 QoS 1 messages (each acknowledged), and the subscriber comes back: the script prints how many it got.
Nothing is asserted: run it on the broker you deploy.

    python benchmarks/broker_shared_restart.py [--mosquitto /usr/sbin/mosquitto]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

N = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _client(client_id: str, port: int, got: list[bytes] | None = None) -> mqtt.Client:
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    if got is not None:
        c.on_message = lambda _c, _u, m: got.append(m.payload)
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 300
    c.connect("127.0.0.1", port, clean_start=False, properties=props)
    c.loop_start()
    return c


def delivered(mosquitto: str, shared: bool, restart: bool) -> int:
    """Messages the offline subscriber gets back of the ``N`` published while it was away."""
    with tempfile.TemporaryDirectory() as folder:
        port = _free_port()
        conf = Path(folder) / "mosquitto.conf"
        conf.write_text(
            f"listener {port} 127.0.0.1\npersistence true\npersistence_location {folder}/\nallow_anonymous true\n"
            "max_queued_messages 100000\n" + ("user root\n" if os.geteuid() == 0 else "")  # root: keep our files
        )

        def broker() -> subprocess.Popen[bytes]:
            proc = subprocess.Popen([mosquitto, "-c", str(conf)], stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            return proc

        proc = broker()
        got: list[bytes] = []
        sub = _client("sub", port, got)
        time.sleep(0.3)
        sub.subscribe("$share/g/t/#" if shared else "t/#", 1)
        time.sleep(0.5)
        sub.disconnect()
        sub.loop_stop()
        if restart:
            proc.terminate()  # SIGTERM: Mosquitto saves its sessions
            proc.wait()
            proc = broker()
        pub = _client("pub", port)
        for i in range(N):
            pub.publish("t/a", str(i), qos=1).wait_for_publish(5)
        sub = _client("sub", port, got)
        time.sleep(1.5)
        sub.disconnect()
        pub.disconnect()
        proc.terminate()
        proc.wait()
        return len(got)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mosquitto", default="/usr/sbin/mosquitto")
    args = ap.parse_args()
    version = subprocess.run([args.mosquitto, "-h"], capture_output=True, text=True).stdout.splitlines()[0]
    print(version)
    print(f"{'subscription':<14}{'broker':<12}{'delivered':>10}")
    for shared in (False, True):
        for restart in (False, True):
            n = delivered(args.mosquitto, shared, restart)
            print(f"{'shared' if shared else 'plain':<14}{'restarted' if restart else 'running':<12}{n:>7} / {N}")


if __name__ == "__main__":
    main()
