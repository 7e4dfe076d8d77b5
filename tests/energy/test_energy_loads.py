"""Load analytics on tiny hand-made series."""

import pandas as pd
import pytest

from greenpark.energy import load_analytics

ZONE = "Asia/Ho_Chi_Minh"


def _series(start: str, values: list[float], freq: str = "30min", tenant: str = "T1") -> pd.DataFrame:
    ts = pd.date_range(start, periods=len(values), freq=freq, tz=ZONE)
    return pd.DataFrame({"tenant_id": tenant, "ts": ts, "kwh": values})


def test_tou_boundary_minutes_and_sunday():
    # Circular 16/2014 hours (tariffs/tou_hours.csv): Mon-Sat peak 09:30-11:30 and 17:00-20:00,
    # normal 04:00-09:30, 11:30-17:00, 20:00-22:00, offpeak 22:00-04:00; Sunday has no peak.
    # 1 kWh every 30 min from Saturday 2025-06-07 00:00 to Sunday 24:00 (96 intervals):
    # Saturday offpeak 8 + 4 = 12, peak 4 + 6 = 10, normal 48 - 22 = 26; Sunday offpeak 12, normal 36.
    ts = pd.date_range("2025-06-07 00:00", periods=96, freq="30min", tz=ZONE)
    r = load_analytics(pd.DataFrame({"tenant_id": "T1", "ts": ts, "kwh": 1.0}), ZONE)
    t = r.tenants[0]
    assert t.total_kwh == pytest.approx(96.0)
    assert t.tou_share["peak"] == pytest.approx(10 / 96)
    assert t.tou_share["offpeak"] == pytest.approx(24 / 96)
    assert t.tou_share["normal"] == pytest.approx(62 / 96)
    # out of hours (Mon-Sat before 07:00 or from 19:00; all Sunday): 14 + 10 + 48 = 72 half-hours
    assert t.out_of_hours_share == pytest.approx(72 / 96)


def test_tou_shares_split_an_hour_straddling_a_band_edge():
    # Hourly readings, Saturday 2025-06-07 09:00-12:00 (Circular 16/2014: peak 09:30-11:30), 6 kWh each:
    # 09:00-10:00 = 3 normal + 3 peak; 10:00-11:00 = 6 peak; 11:00-12:00 = 3 peak + 3 normal -> peak 12/18.
    ts = pd.date_range("2025-06-07 09:00", periods=3, freq="h", tz=ZONE)
    r = load_analytics(pd.DataFrame({"tenant_id": "T1", "ts": ts, "kwh": 6.0}), ZONE)
    assert r.tenants[0].tou_share["peak"] == pytest.approx(12 / 18)
    assert r.tenants[0].tou_share["normal"] == pytest.approx(6 / 18)


def test_base_peak_load_factor_and_profiles():
    # Saturday 2025-06-07, hourly: 1 kWh/h at night, 10 kWh/h from 08:00 to 17:59 (10 hours).
    sat = [10.0 if 8 <= h < 18 else 1.0 for h in range(24)]
    sun = [1.0] * 24  # Sunday idle at 1 kW
    r = load_analytics(_series("2025-06-07 00:00", sat + sun, freq="1h"), ZONE)
    t = r.tenants[0]
    # step 1 h, so kW == kWh per interval. total = 10*10 + 14*1 + 24 = 138 kWh over 48 h -> mean 2.875 kW
    assert t.total_kwh == pytest.approx(138.0)
    assert t.peak_kw == pytest.approx(10.0)
    assert t.base_load_kw == pytest.approx(1.0)  # 5th percentile of 38 ones and 10 tens
    assert t.load_factor == pytest.approx(2.875 / 10.0)
    assert t.weekday_profile_kw[9] == pytest.approx(10.0)
    assert t.sunday_profile_kw[9] == pytest.approx(1.0)
    assert t.monthly_kwh == {"2025-06": pytest.approx(138.0)}
    # park total equals the single tenant
    assert r.park.total_kwh == pytest.approx(138.0)


def test_unusual_day_not_scored_when_mad_is_zero():
    # Mon 2025-06-02 .. Sat 06-07 and Mon 06-09 .. Thu 06-12: 24 kWh/day (1 kWh/h) except Wed 06-04 with
    # 2 kWh/h (48 kWh) and Tue 06-10 with 1.1 kWh/h (26.4 kWh). Sunday 06-08 at 0.5 kWh/h.
    days = pd.date_range("2025-06-02", "2025-06-12", freq="D")
    rows = []
    for d in days:
        level = {"2025-06-04": 2.0, "2025-06-10": 1.1}.get(str(d.date()), 1.0)
        if d.day_of_week == 6:
            level = 0.5
        rows.append(_series(str(d), [level] * 24, freq="1h"))
    r = load_analytics(pd.concat(rows, ignore_index=True), ZONE)
    flagged = r.tenants[0].unusual_days
    # Mon-Sat daily kWh: eight days of 24, one of 48, one of 26.4 -> median 24; |deviations| are
    # 0 (x8), 24, 2.4 -> MAD = 0. The stated rule does not score a day type whose MAD is zero, so nothing is
    # flagged (conservative: a flat series gives no scale to judge by).
    assert flagged == []


def test_unusual_day_with_spread():
    # Mon-Sat daily kWh (1 h intervals, level x 24): 24, 26.4, 48, 21.6, 24, 26.4 (Mon 06-02 .. Sat 06-07)
    levels = [1.0, 1.1, 2.0, 0.9, 1.0, 1.1]
    rows = [
        _series(str(d), [lv] * 24, freq="1h")
        for d, lv in zip(pd.date_range("2025-06-02", periods=6), levels, strict=True)
    ]
    r = load_analytics(pd.concat(rows, ignore_index=True), ZONE)
    # median of (21.6, 24, 24, 26.4, 26.4, 48) = 25.2; |dev| = 3.6, 1.2, 1.2, 1.2, 1.2, 22.8 -> MAD = 1.2
    # z(48) = 0.6745 * 22.8 / 1.2 = 12.8155 > 3.5 ; z(21.6) = 0.6745 * -3.6 / 1.2 = -2.0235 (not flagged)
    flagged = r.tenants[0].unusual_days
    assert [d.date for d in flagged] == ["2025-06-04"]
    assert flagged[0].z == pytest.approx(0.6745 * 22.8 / 1.2)
    assert flagged[0].median_kwh == pytest.approx(25.2)


def test_one_interval_per_tenant_is_taken_as_an_hour():
    # one reading each (as in a park that has just started sending): no step to measure, so an hour is assumed:
    # 1000 kWh in one hour = 1000 kW mean and peak; 08:00 on a Friday is in the normal band (EVN TOU)
    ts = pd.Timestamp("2024-03-01 08:00", tz=ZONE)
    load = pd.DataFrame({"tenant_id": ["t1", "t2"], "ts": [ts, ts], "kwh": [1.0, 1000.0]})
    t2 = load_analytics(load, ZONE).tenants[1]
    assert (t2.entity_id, t2.total_kwh, t2.mean_kw, t2.peak_kw) == ("t2", 1000.0, 1000.0, 1000.0)
    assert t2.tou_share == {"offpeak": 0.0, "normal": 1.0, "peak": 0.0}
