"""HTTP ingestion: validated like the file import, rejects quarantined, upsert on (meter, ts)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from service_fixtures import Callers, batch, quarter_hours

pytestmark = pytest.mark.timeout(120)
URL = "/api/v1/parks/tiny/readings"


def _stored(callers: Callers, meter: str) -> list[float]:
    s = callers.service
    start, end = dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    df = s.store.readings("tiny", [meter], start, end)
    return df["value"].tolist()


def test_batch_is_written_and_a_resent_batch_changes_nothing(client: TestClient, callers: Callers) -> None:
    body = quarter_hours("e1", "2024-03-01T08:00:00+07:00", 8, 2.5)
    r = client.post(URL, json=body, headers=callers.headers["operator"])
    assert r.status_code == 200, r.text
    assert r.json() | {"rejects": []} == {
        "received": 8,
        "accepted": 8,
        "rejected": 0,
        "rejects": [],
        "alerts_opened": [],
    }
    again = client.post(URL, json=body, headers=callers.headers["operator"])
    assert again.json()["accepted"] == 8
    assert _stored(callers, "e1") == [2.5] * 8


def test_units_are_converted_like_the_import(client: TestClient, callers: Callers) -> None:
    # e2 reads in MWh: 0.25 MWh = 250 kWh (greenpark.units: MWh = 1e3 kWh)
    r = client.post(URL, json=batch([("e2", "2024-03-01T08:00:00", 0.25)]), headers=callers.headers["operator"])
    assert r.json()["accepted"] == 1
    assert _stored(callers, "e2") == [250.0]


def test_bad_rows_are_rejected_with_line_and_reason_and_kept(client: TestClient, callers: Callers) -> None:
    body = batch(
        [
            ("e1", "2024-03-01T08:00:00", 1.0),
            ("zz", "2024-03-01T08:00:00", 1.0),  # unknown meter
            ("e1", "yesterday", 1.0),  # bad timestamp
            ("e1", "2024-03-01T08:30:00", "abc"),  # not a number
            ("e1", "2024-03-01T08:45:00", -3),  # negative interval consumption
        ]
    )
    r = client.post(URL, json=body, headers=callers.headers["operator"])
    out = r.json()
    assert (out["received"], out["accepted"], out["rejected"]) == (5, 1, 4)
    reasons = {x["line"]: x["reason"] for x in out["rejects"]}
    assert reasons["2"].startswith("unknown meter id")
    assert "ISO 8601" in reasons["3"]
    assert "not a finite number" in reasons["4"]
    assert reasons["5"] == "negative interval consumption"
    q = client.get("/api/v1/parks/tiny/quarantine", headers=callers.headers["operator"]).json()
    assert q["count"] == 4
    assert {row["file"] for row in q["data"]} == {"http"}


def test_csv_batch(client: TestClient, callers: Callers) -> None:
    body = "meter_id,timestamp,value\ne1,2024-03-01T08:00:00,1.5\ne1,2024-03-01T08:15:00,x\n"
    r = client.post(URL, content=body, headers={**callers.headers["operator"], "Content-Type": "text/csv"})
    assert (r.json()["accepted"], r.json()["rejected"]) == (1, 1)


def test_malformed_batches_answer_problem_json(client: TestClient, callers: Callers) -> None:
    h = callers.headers["operator"]
    r = client.post(URL, content=b"{not json", headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert "not valid JSON" in r.json()["detail"]
    r = client.post(URL, content=b"x", headers={**h, "Content-Type": "application/xml"})
    assert r.status_code == 415
    assert "application/json or text/csv" in r.json()["detail"]


def test_device_sends_only_its_own_meters(client: TestClient, callers: Callers) -> None:
    h = callers.headers["device"]
    ok = client.post(URL, json=batch([("e1", "2024-03-01T08:00:00", 1.0)]), headers=h)
    assert ok.status_code == 200
    no = client.post(URL, json=batch([("e2", "2024-03-01T08:00:00", 1.0)]), headers=h)
    assert no.status_code == 403
    assert "e2" in no.json()["detail"]
    assert _stored(callers, "e2") == []


def test_a_body_over_the_byte_limit_is_refused_before_reading(store) -> None:  # type: ignore[no-untyped-def]
    from service_fixtures import make_callers, test_settings

    from greenpark.api import create_app

    app = create_app(test_settings(ingest_max_bytes=1000), store=store)
    with TestClient(app) as c:
        h = make_callers(app.state.service).headers["operator"]
        r = c.post(URL, json=quarter_hours("e1", "2024-03-01T08:00:00", 100), headers=h)
        assert r.status_code == 413
        assert "at most 1000" in r.json()["detail"]
