"""Consumption through the API: cut in local months, cached per month, fresh after new readings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from service_fixtures import Callers, batch

from greenpark.api.aggregates import month_chunks

pytestmark = pytest.mark.timeout(120)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_month_chunks_split_at_local_month_starts() -> None:
    chunks = month_chunks(dt.datetime(2024, 1, 15, tzinfo=HCM), dt.datetime(2024, 3, 2, tzinfo=HCM), HCM)
    assert [(a.isoformat(), b.isoformat()) for a, b in chunks] == [
        ("2024-01-15T00:00:00+07:00", "2024-02-01T00:00:00+07:00"),
        ("2024-02-01T00:00:00+07:00", "2024-03-01T00:00:00+07:00"),
        ("2024-03-01T00:00:00+07:00", "2024-03-02T00:00:00+07:00"),
    ]


def test_year_and_month_totals_and_fresh_after_new_data(client: TestClient, callers: Callers) -> None:
    op = callers.headers["operator"]
    post = "/api/v1/parks/tiny/readings"
    # 2024-01-31T23:45 local is January; 2024-02-01T00:00 local is February (17:00Z the day before)
    client.post(
        post,
        headers=op,
        json=batch(
            [
                ("e1", "2024-01-31T23:45:00", 1.0),
                ("e1", "2024-02-01T00:00:00", 2.0),
                ("e1", "2024-06-10T12:00:00+07:00", 4.0),
            ]
        ),
    )
    q = "/api/v1/parks/tiny/consumption?start=2024-01-01T00:00:00&end=2025-01-01T00:00:00&grain="
    year = client.get(q + "year", headers=op).json()["data"]
    assert [(r["tenant_id"], r["period_start"], r["value"], r["n_values"]) for r in year] == [
        ("t1", "2024-01-01T00:00:00+07:00", 7.0, 3)
    ]
    months = client.get(q + "month", headers=op).json()["data"]
    assert [(r["period_start"][:7], r["value"]) for r in months] == [
        ("2024-01", 1.0),
        ("2024-02", 2.0),
        ("2024-06", 4.0),
    ]
    # new reading in June, and a changed one in February: both months are recomputed
    client.post(
        post, headers=op, json=batch([("e1", "2024-06-10T12:15:00+07:00", 8.0), ("e1", "2024-02-01T00:00:00", 5.0)])
    )
    months = client.get(q + "month", headers=op).json()["data"]
    assert [(r["period_start"][:7], r["value"]) for r in months] == [
        ("2024-01", 1.0),
        ("2024-02", 5.0),
        ("2024-06", 12.0),
    ]
    ov = client.get("/api/v1/parks/tiny/overview?year=2024", headers=op).json()
    assert ov["consumption_by_kind"] == {"electricity_import": 18.0}
    # one meter by day, with the range cut inside a month
    r = client.get(
        "/api/v1/parks/tiny/meters/e1/readings?start=2024-06-10T00:00:00&end=2024-06-11T00:00:00&grain=day", headers=op
    ).json()
    assert [(p["ts"], p["value"]) for p in r["data"]] == [("2024-06-10T00:00:00+07:00", 12.0)]


def test_engine_results_outlive_a_burst_of_aggregates() -> None:
    # A year's engine result is kept apart from the month aggregates: filling the aggregate cache (4 entries here)
    # must not evict it, or every page would recompute the inventory behind the scenes (seen on the dashboard).
    from service_fixtures import test_settings

    from greenpark.api.service import Service
    from greenpark.store import open_store

    store = open_store("duckdb:///:memory:")
    service = Service(test_settings(read_cache_entries=4), store)
    try:
        runs: list[int] = []
        year = lambda: service.cached_year("p", "Asia/Ho_Chi_Minh", 2024, ("inventory",), lambda: runs.append(1) or 42)  # noqa: E731
        assert year() == 42 and len(runs) == 1
        for m in range(1, 13):
            service.cached_month("p", f"2024-{m:02d}", ("consumption", m), lambda m=m: m)
        assert year() == 42 and len(runs) == 1  # still cached, not computed again
    finally:
        store.close()
