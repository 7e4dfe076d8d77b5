"""Alerts: raised by rules on arriving data, stored with a state, pushed once to a webhook on loopback."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from service_fixtures import Callers, make_callers, test_settings

from greenpark.ingest.alerts import Finding
from greenpark.model import ParkData
from greenpark.server import create_app
from greenpark.store.base import Store

pytestmark = pytest.mark.timeout(120)


class Receiver:
    """A webhook receiver on 127.0.0.1 that records each POST; fails the first ``fail_first`` posts."""

    def __init__(self, fail_first: int = 0) -> None:
        self.posts: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.fail_first = fail_first
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.fail_first > 0:
                    outer.fail_first -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                outer.posts.append(json.loads(body))
                outer.keys.append(self.headers["Idempotency-Key"])
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def over_limit(data: ParkData, readings: pd.DataFrame) -> list[Finding]:
    """A test rule: any interval over 100 kWh on a meter is a finding on that meter."""
    tenant_of = {m.meter_id: m.tenant_id for m in data.meters}
    hot = readings[readings["value"] > 100]
    return [
        Finding(
            "test.over_limit",
            mid,
            f"{mid} above 100 kWh",
            tenant_id=tenant_of.get(mid),
            first_ts=g["ts"].min().to_pydatetime(),
            last_ts=g["ts"].max().to_pydatetime(),
        )
        for mid, g in hot.groupby("meter_id")
    ]


def _until(cond: Any, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def hooked(store: Store) -> Iterator[tuple[TestClient, Callers, Receiver]]:
    with Receiver(fail_first=1) as rx:
        app = create_app(test_settings(webhook_url=rx.url, webhook_retry_s=0.2), store=store)
        with TestClient(app) as client:
            app.state.service.ingestor.rules.append(over_limit)
            yield client, make_callers(app.state.service), rx


def test_arriving_data_raises_one_alert_pushed_once(hooked: tuple[TestClient, Callers, Receiver]) -> None:
    client, callers, rx = hooked
    op = callers.headers["operator"]
    body = [{"meter_id": "e1", "timestamp": "2024-03-01T08:00:00", "value": 150}]
    first = client.post("/api/v1/parks/tiny/readings", json=body, headers=op).json()
    assert len(first["alerts_opened"]) == 1
    (alert_id,) = first["alerts_opened"]
    # the same problem again (resent, and a later interval) extends the open alert: no new one
    client.post("/api/v1/parks/tiny/readings", json=body, headers=op)
    more = [{"meter_id": "e1", "timestamp": "2024-03-01T08:15:00", "value": 170}]
    assert client.post("/api/v1/parks/tiny/readings", json=more, headers=op).json()["alerts_opened"] == []
    # the receiver failed the first push: the pusher retries, and delivers exactly once
    assert _until(lambda: len(rx.posts) >= 1)
    time.sleep(0.6)  # several retry periods: nothing more may arrive
    assert len(rx.posts) == 1
    assert rx.keys == [alert_id]
    assert rx.posts[0]["event"] == "alert.opened"
    assert rx.posts[0]["alert"]["subject"] == "e1" and rx.posts[0]["alert"]["tenant_id"] == "t1"
    listed = client.get("/api/v1/parks/tiny/alerts?state=open", headers=op).json()
    assert listed["count"] == 1
    a = listed["data"][0]
    assert a["last_ts"] == "2024-03-01T01:15:00Z" and a["pushed_at"] is not None


def test_alert_life_open_acknowledged_closed(hooked: tuple[TestClient, Callers, Receiver]) -> None:
    client, callers, _ = hooked
    op = callers.headers["operator"]
    body = [{"meter_id": "e2", "timestamp": "2024-03-01T08:00:00", "value": 0.5}]  # 0.5 MWh = 500 kWh
    (alert_id,) = client.post("/api/v1/parks/tiny/readings", json=body, headers=op).json()["alerts_opened"]
    base = f"/api/v1/parks/tiny/alerts/{alert_id}"
    ack = client.post(f"{base}/acknowledge", headers=op).json()
    assert ack["state"] == "acknowledged" and ack["acknowledged_by"].startswith("operator")
    again = client.post(f"{base}/acknowledge", headers=op)
    assert again.status_code == 422 and "is acknowledged" in again.json()["detail"]
    closed = client.post(f"{base}/close", headers=op).json()
    assert closed["state"] == "closed"
    # after closing, the same problem opens a new alert
    later = [{"meter_id": "e2", "timestamp": "2024-03-02T08:00:00", "value": 0.5}]
    assert len(client.post("/api/v1/parks/tiny/readings", json=later, headers=op).json()["alerts_opened"]) == 1
    # tenant t1 does not see t2's alerts, tenant t2 would
    assert client.get(base, headers=callers.headers["tenant"]).status_code == 404
    assert client.get("/api/v1/parks/tiny/alerts/nope", headers=op).status_code == 404
