"""Helpers and fixtures of the service tests: the tiny park in a real store, the app, one caller per role.

The tiny park, the service probes and ``free_port`` come from ``testkit`` (re-exported here for the modules that
import them from this one).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from greenpark.api.accounts import Role
from greenpark.api.service import Service
from greenpark.server import create_app
from greenpark.settings import Settings
from greenpark.store import open_store
from greenpark.store.base import Store
from testkit import PASSWORD, PG_URL, free_port, mqtt_reason, pg_reason, tiny_park

__all__ = ["PASSWORD", "PG_URL", "free_port", "mqtt_reason", "pg_reason", "tiny_park"]  # re-exported


def test_settings(store_url: str = "duckdb:///:memory:", **kw: object) -> Settings:
    """Settings for tests: fast scrypt, no MQTT, no webhook."""
    base: dict[str, object] = {
        "environment": "test",
        "store_url": store_url,
        "scrypt_n": 1024,
        "admin_password": PASSWORD,
        "warm_results": False,  # tests that want the warm-up ask for it
    }
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


test_settings.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture
def duck_url(tmp_path: Path) -> str:
    return f"duckdb:///{tmp_path / 'store.duckdb'}"


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The tiny park in each backend (PostgreSQL: a schema of its own, dropped afterwards)."""
    if request.param == "postgres":
        pg_url = request.getfixturevalue("pg_url")  # skips, or fails under GREENPARK_REQUIRE_SERVICES=1
        s = open_store(f"{pg_url}?schema=gptest_{uuid.uuid4().hex[:12]}")
    else:
        s = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    s.save_park(tiny_park())
    try:
        yield s
    finally:
        if request.param == "postgres":
            s.drop_schema()  # type: ignore[attr-defined]
        s.close()


@dataclass
class Callers:
    """Bearer headers per role, and the service they were made in."""

    service: Service
    headers: dict[str, dict[str, str]]


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    app = create_app(test_settings(), store=store)
    with TestClient(app) as c:
        yield c


def make_callers(service: Service) -> Callers:
    """operator, tenant t1, tenant t2, authority (of park tiny), device (meter e1) and the bootstrap admin."""
    acc = service.accounts
    specs = {
        "operator": dict(role=Role.operator, password=PASSWORD),
        "tenant": dict(role=Role.tenant, park_id="tiny", tenant_id="t1", password=PASSWORD),
        "tenant2": dict(role=Role.tenant, park_id="tiny", tenant_id="t2", password=PASSWORD),
        "authority": dict(role=Role.authority, park_id="tiny", password=PASSWORD),  # the authority of one park
        "device": dict(role=Role.device, park_id="tiny", meter_ids=["e1"]),
    }
    headers = {}
    for name, spec in specs.items():
        user = acc.create_user(f"{name}-{uuid.uuid4().hex[:6]}", **spec)  # type: ignore[arg-type]
        headers[name] = {"Authorization": f"Bearer {acc.issue_token(user.user_id, name)}"}
    return Callers(service, headers)


@pytest.fixture
def callers(client: TestClient) -> Callers:
    return make_callers(client.app.state.service)  # type: ignore[attr-defined]


def batch(rows: list[tuple[str, str, object]]) -> list[dict[str, object]]:
    """JSON reading objects from (meter_id, timestamp, value) tuples."""
    return [{"meter_id": m, "timestamp": t, "value": v} for m, t, v in rows]


def quarter_hours(meter: str, start: str, n: int, value: float = 1.0) -> list[dict[str, object]]:
    """n consecutive 15-minute readings of one meter."""
    ts = pd.date_range(start, periods=n, freq="15min")
    return [{"meter_id": meter, "timestamp": t.isoformat(), "value": value} for t in ts]
