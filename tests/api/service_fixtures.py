"""Helpers and fixtures of the service tests: a tiny park in a real store, the app, one caller per role."""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from fastapi.testclient import TestClient

from greenpark.api import create_app
from greenpark.api.accounts import Role
from greenpark.api.service import Service
from greenpark.model import Meter, Park, ParkData, Tenant, Wwtp
from greenpark.settings import Settings
from greenpark.store import open_store
from greenpark.store.base import Store

PG_URL = os.environ.get("GREENPARK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "a long test password"


def tiny_park(park_id: str = "tiny") -> ParkData:
    """Two tenants with an electricity meter each, a park water meter, the WWTP and its flow meter."""
    park = Park(park_id=park_id, name="Tiny Park", latitude=10.8, longitude=106.9, area_ha=12)
    tenants = [
        Tenant(
            tenant_id="t1", name="One", sector="electronics", floor_area_m2=1000, employees=10, voltage_level="<6kV"
        ),
        Tenant(
            tenant_id="t2", name="Two", sector="textile_garment", floor_area_m2=500, employees=5, voltage_level="6-22kV"
        ),
    ]
    meters = [
        Meter(meter_id="e1", tenant_id="t1", kind="electricity_import", unit="kWh"),
        Meter(meter_id="e2", tenant_id="t2", kind="electricity_import", unit="MWh"),
        Meter(meter_id="w0", kind="water_supply", unit="m3"),
        Meter(meter_id="ww1", kind="wastewater_discharge", unit="m3", wwtp_id="wwtp1"),
    ]
    wwtps = [
        Wwtp(
            wwtp_id="wwtp1",
            name="Central WWTP",
            capacity_m3_per_day=2000,
            treatment="aerobic_well_managed",
            standard="QCVN40:2011",
            column="A",
            kq=0.9,
            kf=1.0,
        )
    ]
    waste = pd.DataFrame(
        {
            "date": [dt.date(2024, 1, 5)],
            "tenant_id": ["t1"],
            "waste_code": ["11 01 00"],
            "description": ["Mixed non-recyclable industrial waste"],
            "category": ["industrial"],
            "quantity_t": [0.5],
            "route": ["incineration"],
            "receiver": ["Incinerator JSC"],
            "transporter": ["Incinerator JSC"],
            "manifest_id": [None],
        }
    )
    return ParkData(park=park, tenants=tenants, meters=meters, wwtps=wwtps, tables={"waste": waste})


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


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_reason() -> str | None:
    """Why PostgreSQL cannot be used here, or None."""
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {PG_URL}: {str(exc).strip().splitlines()[0]}"
    return None


def mqtt_reason(host: str = "127.0.0.1", port: int = 1883) -> str | None:
    """Why the MQTT broker cannot be used here, or None."""
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as exc:
        return f"no MQTT broker at {host}:{port}: {exc}"
    return None


@pytest.fixture
def duck_url(tmp_path: Path) -> str:
    return f"duckdb:///{tmp_path / 'store.duckdb'}"


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The tiny park in each backend (PostgreSQL: a schema of its own, dropped afterwards)."""
    if request.param == "postgres":
        reason = pg_reason()
        if reason:
            pytest.skip(reason)
        s = open_store(f"{PG_URL}?schema=gptest_{uuid.uuid4().hex[:12]}")
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
    """operator, tenant t1, tenant t2, authority, device (meter e1) and the bootstrap admin."""
    acc = service.accounts
    specs = {
        "operator": dict(role=Role.operator, password=PASSWORD),
        "tenant": dict(role=Role.tenant, park_id="tiny", tenant_id="t1", password=PASSWORD),
        "tenant2": dict(role=Role.tenant, park_id="tiny", tenant_id="t2", password=PASSWORD),
        "authority": dict(role=Role.authority, password=PASSWORD),
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
