"""WWTP analyser values arriving live: validated like wastewater.csv, stored, and the water rules raise alerts."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from service_fixtures import PASSWORD, Callers

from greenpark.api.accounts import Role

pytestmark = pytest.mark.timeout(120)
URL = "/api/v1/parks/tiny/wastewater"


def outlet(parameter: str, start: str, n: int, value: float, unit: str = "mg/l") -> list[dict[str, str]]:
    """n 5-minute analyser values at the outlet, jittering around ``value`` (a live analyser is never flat)."""
    ts = pd.date_range(start, periods=n, freq="5min")
    return [
        {
            "wwtp_id": "wwtp1",
            "timestamp": t.isoformat(),
            "point": "outlet",
            "parameter": parameter,
            "value": f"{value + (i % 3) * 0.5:g}",
            "unit": unit,
            "method": "analyser",
        }
        for i, t in enumerate(ts)
    ]


def test_analyser_rows_are_validated_and_stored(client: TestClient, callers: Callers) -> None:
    op = callers.headers["operator"]
    rows = outlet("COD", "2024-03-01T08:00:00", 3, 40.0)  # alias spelled in capitals, as the import accepts
    rows.append({**rows[0], "parameter": "unobtainium"})
    rows.append({**rows[0], "wwtp_id": "nowhere"})
    r = client.post(URL, json=rows, headers=op)
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["received"], out["accepted"], out["rejected"]) == (5, 3, 2)
    assert {x["line"] for x in out["rejects"]} == {"4", "5"}
    again = client.post(URL, json=rows[:3], headers=op).json()  # resent: upsert, nothing added
    assert again["accepted"] == 3
    stored = callers.service.store.load_park("tiny").table("wastewater")
    assert len(stored) == 3
    assert set(stored["parameter"]) == {"cod"}
    assert stored["value"].tolist() == [40.0, 40.5, 41.0]


def test_an_outlet_exceedance_raises_a_water_alert(client: TestClient, callers: Callers) -> None:
    op = callers.headers["operator"]
    # QCVN 40:2011 column A COD 75 mg/l x Kq 0.9 x Kf 1.0 = Cmax 67.5 mg/l (tiny park's WWTP);
    # 2 hours at ~120 mg/l is two full 60-minute windows above it: one exceedance alert (rule water.exceedance)
    r = client.post(URL, json=outlet("cod", "2024-03-01T08:00:00", 24, 120.0), headers=op).json()
    assert r["accepted"] == 24
    alerts = client.get("/api/v1/parks/tiny/alerts", headers=op).json()["data"]
    rules = {(a["rule"], a["subject"]) for a in alerts}
    assert ("water.exceedance", "wwtp1/cod") in rules
    exc = next(a for a in alerts if a["rule"] == "water.exceedance")
    assert exc["severity"] == "critical"
    assert exc["data"]["limit"] == pytest.approx(67.5)
    assert r["alerts_opened"]
    # the authority sees the alert; the water result for the year shows the data
    assert client.get("/api/v1/parks/tiny/alerts", headers=callers.headers["authority"]).json()["count"] >= 1
    water = client.get("/api/v1/parks/tiny/water?year=2024", headers=op)
    assert water.status_code == 200, water.text


def test_series_with_the_limit_line(client: TestClient, callers: Callers) -> None:
    op = callers.headers["operator"]
    client.post(
        URL,
        json=outlet("cod", "2024-03-01T08:00:00", 4, 50.0) + outlet("tss", "2024-03-01T08:00:00", 2, 20.0),
        headers=op,
    )
    r = client.get(
        "/api/v1/parks/tiny/wwtps/wwtp1/series?start=2024-03-01T00:00:00&end=2024-03-02T00:00:00", headers=op
    )
    assert r.status_code == 200, r.text
    by = {s["parameter"]: s for s in r.json()["data"]}
    assert set(by) == {"cod", "tss"}
    assert [p["value"] for p in by["cod"]["points"]] == [50.0, 50.5, 51.0, 50.0]
    assert by["cod"]["points"][0]["ts"] == "2024-03-01T01:00:00Z"
    # QCVN 40:2011 column A: COD 75, TSS 50 mg/l; x Kq 0.9 x Kf 1.0 (tiny park's WWTP)
    assert by["cod"]["limit_max"] == pytest.approx(67.5)
    assert by["tss"]["limit_max"] == pytest.approx(45.0)


def test_dashboard_compliance_is_rounded_down_beside_the_event_count(client: TestClient, callers: Callers) -> None:
    """Issue 18: the overview showed a WWTP with exceedances as '100.0 %'. Here 3 one-hour windows of COD at the
    outlet: two at ~40 mg/l, one at ~120 mg/l above Cmax 67.5 (QCVN 40:2011 A x Kq 0.9 x Kf 1.0). Compliance
    2 / 3 = 0.666666...: half up would print 66.67 %, rounded down it is 66.66 %, with '1 exceedance event(s)'."""
    op = callers.headers["operator"]
    rows = outlet("cod", "2024-03-01T08:00:00", 24, 40.0) + outlet("cod", "2024-03-01T10:00:00", 12, 120.0)
    assert client.post(URL, json=rows, headers=op).json()["accepted"] == 36
    water = client.get("/api/v1/parks/tiny/water?year=2024", headers=op).json()  # computed and cached
    assert water["wwtps"][0]["compliance_rate"] == pytest.approx(2 / 3)
    callers.service.accounts.create_user("op-page", Role.operator, password=PASSWORD)
    assert client.post("/api/v1/auth/login", json={"username": "op-page", "password": PASSWORD}).status_code == 200
    page = client.get("/parks/tiny?lang=en&year=2024").text
    kpi = page[page.index('data-kpi="wwtp"') :]
    kpi = kpi[: kpi.index("</div>")]
    assert '<p class="value" data-wwtp="wwtp1">66.66%</p>' in kpi
    assert "1 exceedance event(s)" in kpi
