"""Ingestion throughput of the live service into the embedded (DuckDB) store, on loopback.

Measured in one run, bounded in time:
- HTTP: two clients POST JSON batches (20,000 readings each: 100 meters x 200 quarter-hours)
  for ``--seconds``; readings/s = readings in acknowledged (HTTP 200) batches / elapsed.
- MQTT: one publisher sends QoS 1 messages of 500 readings (topic greenpark/<park>/<meter>) to
  the machine's Mosquitto; readings/s = readings written by the service / time from the first
  publish to the last write (the service acknowledges each message after its write).

The store already holds a year of 15-minute data for the 100 meters (3.5 million rows), so
each upsert runs against a realistic table. Targets (issue 9): HTTP >= 50,000/s, MQTT >= 20,000/s.

Run: ``.venv/bin/python benchmarks/bench_ingest.py [--seconds 15]``
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

from greenpark.model import Meter, Park, ParkData
from greenpark.store import open_store

PASSWORD = "bench-password-123"
N_METERS = 100
PARK = "bench"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    store_url: str, extra_env: dict[str, str] | None = None, args: list[str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """``greenpark serve`` in a subprocess on a free loopback port; returns (process, base URL)."""
    port = free_port()
    env = {**os.environ, "GREENPARK_ADMIN_PASSWORD": PASSWORD, "GREENPARK_ENVIRONMENT": "test", **(extra_env or {})}
    code = "import sys; from greenpark.cli import app; sys.argv[0] = 'greenpark'; app()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--store", store_url, "--port", str(port), *(args or [])],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start within 120 s")


def bearer(base: str) -> dict[str, str]:
    """Sign in as the bootstrap operator and make an API token."""
    login = httpx.post(f"{base}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}, timeout=60)
    login.raise_for_status()
    tok = httpx.post(
        f"{base}/api/v1/auth/tokens",
        json={"name": "bench"},
        cookies=login.cookies,
        headers={"X-CSRF-Token": login.json()["csrf_token"]},
    )
    tok.raise_for_status()
    return {"Authorization": f"Bearer {tok.json()['token']}"}


def prepare_store(url: str) -> list[str]:
    """A park of N_METERS electricity meters with a year (2023) of 15-minute readings."""
    meters = [Meter(meter_id=f"m{i:03d}", kind="electricity_import", unit="kWh") for i in range(N_METERS)]
    park = Park(park_id=PARK, name="Bench Park", latitude=10.8, longitude=106.9, area_ha=100)
    store = open_store(url)
    try:
        store.save_park(ParkData(park=park, meters=meters))
        ts = pd.date_range("2023-01-01", "2024-01-01", freq="15min", tz="UTC", inclusive="left")
        ids = [m.meter_id for m in meters]

        def batches():  # one meter at a time: bounded memory
            for mid in ids:
                yield pd.DataFrame({"meter_id": mid, "ts": ts, "value": np.ones(len(ts))})

        store.replace_readings(PARK, batches())
    finally:
        store.close()
    return ids


def http_batch(ids: list[str], k: int, steps: int = 200) -> bytes:
    """JSON body of batch k: every meter, `steps` quarter-hours after the previous batch's."""
    ts = pd.date_range("2024-01-01", periods=steps, freq="15min", tz="UTC") + pd.Timedelta(minutes=15 * steps * k)
    stamps = ts.strftime("%Y-%m-%dT%H:%M:%SZ").tolist()
    return json.dumps([{"meter_id": m, "timestamp": t, "value": 1.5} for m in ids for t in stamps]).encode()


def run_clients(run: Callable[[], None], clients: int) -> float:
    """``run`` in ``clients`` threads at once; the wall seconds until the last one ends."""
    t0 = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - t0


def bench_http(base: str, headers: dict[str, str], ids: list[str], seconds: float, clients: int = 2) -> dict:
    """Acknowledged readings per second over ``seconds`` with ``clients`` concurrent posters."""
    counter = iter(range(1_000_000))
    lock = threading.Lock()
    done = {"readings": 0, "batches": 0, "errors": 0}
    bodies: dict[int, bytes] = {}
    # bodies are built before the clock starts (client-side JSON encoding is not the service's cost)
    n_pre = 64
    for k in range(n_pre):
        bodies[k] = http_batch(ids, k)
    stop_at = time.monotonic() + seconds

    def run() -> None:
        with httpx.Client(base_url=base, headers={**headers, "Content-Type": "application/json"}, timeout=60) as c:
            while time.monotonic() < stop_at:
                with lock:
                    k = next(counter)
                body = bodies.get(k % n_pre) if k < n_pre else http_batch(ids, k)
                r = c.post(f"/api/v1/parks/{PARK}/readings", content=body)
                with lock:
                    if r.status_code == 200:
                        done["readings"] += r.json()["accepted"]
                        done["batches"] += 1
                    else:
                        done["errors"] += 1

    elapsed = run_clients(run, clients)
    return {**done, "seconds": round(elapsed, 2), "readings_per_s": round(done["readings"] / elapsed)}


def bench_mqtt(base: str, prefix: str, ids: list[str], messages: int, per_message: int = 500) -> dict:
    """Readings/s from the first QoS 1 publish to the last write by the service."""
    import paho.mqtt.client as mqtt

    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:6]}")
    pub.max_inflight_messages_set(100)
    pub.connect("127.0.0.1", 1883)
    pub.loop_start()
    start0 = httpx.get(f"{base}/api/v1/health").json()["mqtt_readings_written"]
    payloads = []
    for k in range(messages):
        mid = ids[k % len(ids)]
        base_ts = pd.Timestamp("2024-06-01", tz="UTC") + pd.Timedelta(minutes=15 * per_message * (k // len(ids)))
        ts = pd.date_range(base_ts, periods=per_message, freq="15min").strftime("%Y-%m-%dT%H:%M:%SZ")
        payloads.append((f"{prefix}/{PARK}/{mid}", json.dumps([{"ts": t, "value": 2.0} for t in ts])))
    total = messages * per_message
    t0 = time.monotonic()
    infos = []
    for topic, body in payloads:
        infos.append(pub.publish(topic, body, qos=1))
        # keep the broker's queue for the subscriber under Mosquitto's default max_queued_messages (1000)
        if len(infos) % 200 == 0:
            infos[-200].wait_for_publish(30)
    for i in infos:
        i.wait_for_publish(30)
    deadline = time.monotonic() + 120
    written = 0
    while time.monotonic() < deadline:
        written = httpx.get(f"{base}/api/v1/health").json()["mqtt_readings_written"] - start0
        if written >= total:
            break
        time.sleep(0.02)
    elapsed = time.monotonic() - t0
    pub.loop_stop()
    pub.disconnect()
    return {
        "messages": messages,
        "readings": written,
        "seconds": round(elapsed, 2),
        "readings_per_s": round(written / elapsed),
    }


def _verdict(value: float, target: float) -> str:
    return "OK" if value >= target else "MISSED"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=15.0, help="HTTP load duration")
    ap.add_argument("--mqtt-messages", type=int, default=800, help="MQTT messages of 500 readings")
    ap.add_argument("--postgres", metavar="URL", help="measure on PostgreSQL instead (a scratch schema, dropped)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"duckdb://{Path(tmp) / 'bench.duckdb'}"
        if a.postgres:
            url = f"{a.postgres}{'&' if '?' in a.postgres else '?'}schema=gpbench_{uuid.uuid4().hex[:8]}"
        print(f"store: {url.split('://')[0]}")
        t = time.monotonic()
        ids = prepare_store(url)
        print(f"store: {N_METERS} meters x 1 year of 15-min readings loaded in {time.monotonic() - t:.1f} s")
        prefix = f"gpbench{uuid.uuid4().hex[:6]}"
        proc, base = start_server(
            url,
            {
                "GREENPARK_MQTT_TOPIC_PREFIX": prefix,
                "GREENPARK_MQTT_CLIENT_ID": f"greenpark-{prefix}",
                "GREENPARK_MQTT_SPOOL_DIR": str(Path(tmp) / "mqtt-spool"),
            },
            ["--mqtt"],
        )
        try:
            headers = bearer(base)
            h = bench_http(base, headers, ids, a.seconds)
            print(
                f"HTTP batch ingestion: {h['readings_per_s']:,} readings/s acknowledged "
                f"({h['readings']:,} readings in {h['batches']} batches of 20,000, {h['seconds']} s, "
                f"2 clients, {h['errors']} errors; target >= 50,000/s: {_verdict(h['readings_per_s'], 50_000)})"
            )
            m = bench_mqtt(base, prefix, ids, a.mqtt_messages)
            print(
                f"MQTT ingestion: {m['readings_per_s']:,} readings/s written and acknowledged "
                f"({m['readings']:,} readings in {m['messages']} QoS 1 messages of 500, {m['seconds']} s; "
                f"target >= 20,000/s: {_verdict(m['readings_per_s'], 20_000)})"
            )
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            import paho.mqtt.client as mqtt

            # forget the service's session (client id: the base and its spool slot)
            c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"greenpark-{prefix}-0", protocol=mqtt.MQTTv5)
            c.connect("127.0.0.1", 1883, clean_start=True)
            c.disconnect()
            if a.postgres:
                s = open_store(url)
                s.drop_schema()  # type: ignore[attr-defined]
                s.close()


if __name__ == "__main__":
    main()
