"""The dashboard's new endpoints on the tiny park: meters' gaps, one tenant's consumption, solar offer and savings.

Role scoping of each route is in test_roles.py (MATRIX); here the answers themselves, with hand-made readings.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from service_fixtures import Callers, batch

pytestmark = pytest.mark.timeout(180)
HOUR = "start=2024-03-01T00:00:00&end=2024-03-01T01:00:00"


def _post(client: TestClient, callers: Callers) -> None:
    # e1 (tenant t1, 15-min): 00:00, 00:15 and 00:45 local: the 00:30 interval is missing;
    # e2 (tenant t2): one reading
    rows = [("e1", "2024-03-01T00:00:00", 1.0), ("e1", "2024-03-01T00:15:00", 1.0)]
    rows += [("e1", "2024-03-01T00:45:00", 1.0), ("e2", "2024-03-01T00:00:00", 0.002)]
    r = client.post("/api/v1/parks/tiny/readings", headers=callers.headers["operator"], json=batch(rows))
    assert r.status_code == 200 and r.json()["accepted"] == 4, r.text


def test_meter_gaps_worst_first(client: TestClient, callers: Callers) -> None:
    _post(client, callers)
    body = client.get(f"/api/v1/parks/tiny/meters/gaps?{HOUR}", headers=callers.headers["operator"]).json()
    rows = {g["meter_id"]: g for g in body["data"]}
    # w0 and ww1 have no reading in the hour: 100 % missing, first; then e1: spacings 15 and 30 min (one each:
    # the shorter is the step), 60 / 15 = 4 expected, 3 received, the gap is 00:30-00:45 local (17:30-17:45 UTC)
    assert [g["meter_id"] for g in body["data"]][:2] == ["w0", "ww1"]
    e1 = rows["e1"]
    assert (e1["step_s"], e1["expected"], e1["received"], e1["missing"]) == (900.0, 4, 3, 1)
    assert e1["missing_share"] == 0.25 and e1["gap_hours"] == 0.25
    assert e1["gap_start"].startswith("2024-02-29T17:30:00") and e1["gap_end"].startswith("2024-02-29T17:45:00")
    assert rows["e2"]["step_s"] is None and rows["e2"]["received"] == 1  # one reading: step unknown


def test_consumption_of_one_tenant(client: TestClient, callers: Callers) -> None:
    _post(client, callers)
    q = f"/api/v1/parks/tiny/consumption?{HOUR}&grain=hour&tenant_id=t2"
    rows = client.get(q, headers=callers.headers["operator"]).json()["data"]
    assert [(r["tenant_id"], r["value"]) for r in rows] == [("t2", 2.0)]  # 0.002 MWh = 2 kWh
    assert client.get(q, headers=callers.headers["tenant"]).status_code == 404  # t1's user asks for t2


def test_solar_offer_for_a_year_without_readings_is_404_naming_the_years(client: TestClient, callers: Callers) -> None:
    _post(client, callers)  # readings in March 2024 only
    r = client.get("/api/v1/parks/tiny/tenants/t1/solar?year=2023", headers=callers.headers["tenant"])
    assert r.status_code == 404
    assert (
        r.json()["detail"]
        == "no readings for 2023; the park's data covers 2024-03-01 to 2024-03-01; choose --year 2024"
    )


def test_savings_default_baseline_is_the_year_before(client: TestClient, callers: Callers) -> None:
    _post(client, callers)
    # 2024 is the park's first year with readings: no year before it to verify against (never a model of itself)
    r = client.get("/api/v1/parks/tiny/tenants/t1/savings?year=2024", headers=callers.headers["tenant"])
    assert r.status_code == 404 and r.json()["detail"].startswith(
        "no baseline year for 2024: the park has no readings in 2023"
    )
    # with a reading in March 2023 the default baseline is 2023; the tiny park has electricity but no production
    # table, and savings are measured against production
    one = batch([("e1", "2023-03-01T00:00:00", 2.0)])
    assert client.post("/api/v1/parks/tiny/readings", headers=callers.headers["operator"], json=one).status_code == 200
    for who in ("tenant", "authority"):
        r = client.get("/api/v1/parks/tiny/tenants/t1/savings?year=2024", headers=callers.headers[who])
        body = r.json()
        assert (body["baseline_year"], body["reporting_year"]) == (2023, 2024), body
        assert body["verified"] is False and body["refused_by"] == "no_production"
        assert body["baseline"] is None and body["savings"] is None
        assert [(m["month"], m["actual_kwh"]) for m in body["months"]] == [("2023-03", 2.0), ("2024-03", 3.0)]
    assert client.post("/api/v1/parks/tiny/tenants/t1/savings", headers=callers.headers["authority"]).status_code == 405
