"""Store faults under live HTTP ingestion, on a real ``greenpark serve`` over PostgreSQL (issue 16, item 6).

Two feeder threads post batches of readings as a device does: each batch is sent again until it is acknowledged
(200); a 503 or a dropped connection means "not taken, send again". Each test prints sent / acknowledged /
stored / lost / duplicated (readings) and asserts lost = 0, duplicated = 0, no answer 500, and that the service
recovered by itself (batches acknowledged after the fault, same process).

- the service's PostgreSQL connections are killed (``pg_terminate_backend``) three times mid-stream: before the
  connection pool (issue 16), every request answered 500 until a restart;
- the readings table is locked past the statement timeout: posts and reads of readings answer 503 problem+json
  (before: they hung, and every other request waited behind the service-wide lock), ``/health`` and a page on
  another table answer while the lock is held, and ingestion resumes once it is released.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pandas as pd
import psycopg
import pytest
from mqttkit import Tally, until

from greenpark.store import open_store
from testkit import PASSWORD, free_port, stop, tiny_park, wait_for_health

pytestmark = [pytest.mark.timeout(240), pytest.mark.slow, pytest.mark.postgres]
BATCH = 200
T0 = pd.Timestamp("2024-01-01T00:00:00Z")


def batch(k: int) -> list[dict[str, object]]:
    """Batch ``k``: meter e1, BATCH quarter hours of its own, value k (so a reading tells which batch wrote it)."""
    ts = pd.date_range(T0 + pd.Timedelta(minutes=15 * BATCH * k), periods=BATCH, freq="15min")
    return [{"meter_id": "e1", "timestamp": t.isoformat(), "value": float(k % 100 + 1)} for t in ts]


@dataclass
class Served:
    base: str
    url: str  # the store's URL
    schema: str
    app_name: str  # application_name of the service's connections
    headers: dict[str, str]
    proc: subprocess.Popen[bytes]


@pytest.fixture
def served(pg_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Served]:
    env_extra: dict[str, str] = getattr(request, "param", {})
    schema = f"gpfault_{uuid.uuid4().hex[:10]}"
    app_name = f"gp-fault-{uuid.uuid4().hex[:8]}"
    url = f"{pg_url}?schema={schema}&application_name={app_name}"
    s = open_store(f"{pg_url}?schema={schema}")
    s.save_park(tiny_park())
    s.close()
    port = free_port()
    log = tmp_path / "server.log"
    env = {
        **os.environ,
        "GREENPARK_ADMIN_PASSWORD": PASSWORD,
        "GREENPARK_ENVIRONMENT": "test",
        "GREENPARK_SCRYPT_N": "1024",
        "GREENPARK_WARM_RESULTS": "false",
        **env_extra,
    }
    code = "import sys; from greenpark.cli import app; sys.argv[0] = 'greenpark'; app()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--store", url, "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, proc, log)
        login = httpx.post(f"{base}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
        assert login.status_code == 200, login.text
        tok = httpx.post(
            f"{base}/api/v1/auth/tokens",
            json={"name": "fault-test"},
            cookies=login.cookies,
            headers={"X-CSRF-Token": login.json()["csrf_token"]},
        )
        assert tok.status_code == 201, tok.text
        yield Served(base, url, schema, app_name, {"Authorization": f"Bearer {tok.json()['token']}"}, proc)
    finally:
        stop(proc)
        s = open_store(f"{pg_url}?schema={schema}")
        s.drop_schema()  # type: ignore[attr-defined]
        s.close()


@dataclass
class Feed:
    """Feeder threads that post batch after batch, each until it is acknowledged."""

    served: Served
    stop: threading.Event = field(default_factory=threading.Event)
    acked: list[int] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)  # status codes (and "dropped") of every attempt
    problems: list[dict[str, object]] = field(default_factory=list)  # bodies of the 503s
    sent: set[int] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next: Iterator[int] = field(default_factory=lambda: iter(range(100_000)))

    def run(self) -> None:
        with httpx.Client(base_url=self.served.base, headers=self.served.headers, timeout=60) as c:
            while not self.stop.is_set():
                with self._lock:
                    k = next(self._next)
                    self.sent.add(k)
                while not self.stop.is_set():  # this batch until it is taken
                    try:
                        r = c.post("/api/v1/parks/tiny/readings", json=batch(k))
                    except httpx.HTTPError:
                        with self._lock:
                            self.answers["dropped"] += 1
                        continue
                    with self._lock:
                        self.answers[str(r.status_code)] += 1
                        if r.status_code == 503:
                            self.problems.append({**r.json(), "media_type": r.headers.get("content-type")})
                    if r.status_code == 200 and r.json()["accepted"] == BATCH:
                        with self._lock:
                            self.acked.append(k)
                        break
                    time.sleep(0.05)  # a device waits a moment before it sends again

    def n_acked(self) -> int:
        with self._lock:
            return len(self.acked)


def feeding(served: Served, n: int = 2) -> tuple[Feed, list[threading.Thread]]:
    feed = Feed(served)
    threads = [threading.Thread(target=feed.run, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    return feed, threads


def count(served: Served, feed: Feed, pg_url: str, name: str) -> Tally:
    """Readings sent / acknowledged / stored / lost / duplicated, read from PostgreSQL directly, printed."""
    with psycopg.connect(pg_url) as con:
        rows = con.execute(f"SELECT ts, value FROM {served.schema}.readings WHERE meter_id = 'e1'").fetchall()
    stored = pd.DataFrame(rows, columns=["ts", "value"])
    have = set(zip(pd.to_datetime(stored["ts"], utc=True), stored["value"].astype(float), strict=True))
    acked_readings = [(pd.Timestamp(str(r["timestamp"])), float(r["value"])) for k in feed.acked for r in batch(k)]  # type: ignore[arg-type]
    lost = sum(1 for x in acked_readings if x not in have)
    duplicated = len(stored) - stored["ts"].nunique()
    t = Tally(len(feed.sent) * BATCH, len(acked_readings), len(stored), lost, duplicated)
    print(f"\n{t.line(name)}; answers {dict(feed.answers)}")
    return t


def service_backends(pg_url: str, app_name: str, waiting_on_lock: bool = False) -> int:
    with psycopg.connect(pg_url, autocommit=True) as con:
        row = con.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
            + (" AND wait_event_type = 'Lock'" if waiting_on_lock else ""),
            [app_name],
        ).fetchone()
    return int(row[0]) if row else 0


def test_killed_connections_are_replaced_without_a_restart(served: Served, pg_url: str) -> None:
    feed, threads = feeding(served)
    killed: list[int] = []
    try:
        for round_ in range(3):
            assert until(lambda r=round_: feed.n_acked() >= 5 * (r + 1), 60), f"no progress: {dict(feed.answers)}"
            with psycopg.connect(pg_url, autocommit=True) as admin:
                row = admin.execute(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = %s",
                    [served.app_name],
                ).fetchone()
            killed.append(int(row[0]) if row else 0)
        after_kills = feed.n_acked()
        # recovered: batches acknowledged after the last kill, by the same process
        assert until(lambda: feed.n_acked() >= after_kills + 10, 60), f"no recovery: {dict(feed.answers)}"
    finally:
        feed.stop.set()
        for t in threads:
            t.join(timeout=90)
    print(f"\nservice backends killed per round: {killed}")
    assert all(n >= 1 for n in killed)  # each round did kill the service's connections
    assert served.proc.poll() is None  # never restarted
    t = count(served, feed, pg_url, "PostgreSQL connections killed 3 times mid-stream")
    assert feed.answers["500"] == 0, dict(feed.answers)
    assert t.lost == 0 and t.duplicated == 0
    assert t.stored == t.acknowledged  # every stored reading was acknowledged (a batch is all or nothing)


@pytest.mark.parametrize(
    "served",
    [{"GREENPARK_STORE_STATEMENT_TIMEOUT_S": "1", "GREENPARK_STORE_LOCK_TIMEOUT_S": "5"}],
    indirect=True,
)
def test_a_locked_readings_table_answers_503_and_nothing_else_waits(served: Served, pg_url: str) -> None:
    feed, threads = feeding(served)
    h = served.headers
    try:
        assert until(lambda: feed.n_acked() >= 5, 60), f"no progress: {dict(feed.answers)}"
        with psycopg.connect(pg_url) as locker, httpx.Client(base_url=served.base, timeout=60) as c:
            locker.execute(f"LOCK TABLE {served.schema}.readings IN ACCESS EXCLUSIVE MODE")
            # the feeders' writes now wait on the lock (seen in pg_stat_activity) until the statement timeout
            assert until(lambda: service_backends(pg_url, served.app_name, waiting_on_lock=True) >= 1, 30)
            # while the lock is held (it is released only below, whatever the answers): these must answer
            health = c.get("/api/v1/health")
            quarantine = c.get("/api/v1/parks/tiny/quarantine?limit=5", headers=h)  # another table
            post = c.post("/api/v1/parks/tiny/readings", json=batch(400), headers=h)  # 2026: past the feeders' batches
            read = c.get(
                "/api/v1/parks/tiny/consumption",
                params={"start": "2024-01-01T00:00:00", "end": "2024-02-01T00:00:00", "grain": "day"},
                headers=h,
            )
            assert until(lambda: feed.answers["503"] >= 1, 30)  # the feeders got their 503s too
            locker.rollback()  # the lock ends here: every answer above came while it was held
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert quarantine.status_code == 200, quarantine.text
        for r in (post, read):
            assert r.status_code == 503, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert r.headers["retry-after"] == "1"
            assert "statement_timeout" in r.json()["detail"]
        released_at = feed.n_acked()
        assert until(lambda: feed.n_acked() >= released_at + 5, 60), f"no recovery: {dict(feed.answers)}"
    finally:
        feed.stop.set()
        for t in threads:
            t.join(timeout=90)
    assert served.proc.poll() is None
    t = count(served, feed, pg_url, "readings table locked past the statement timeout")
    assert feed.answers["500"] == 0, dict(feed.answers)
    assert all(p["media_type"] == "application/problem+json" for p in feed.problems)
    assert t.lost == 0 and t.duplicated == 0 and t.stored == t.acknowledged
