"""The load year of solar sizing follows the one full-year rule (greenpark.coverage), as the inventory does.

Rule (reference/data/coverage/full_year.csv): full-year estimate = measured / coverage when coverage >= 0.25,
none below. 2025 has 8,760 local hours; 2024 has 8,784 (leap year).
"""

import numpy as np
import pandas as pd
import pytest

from greenpark.periods import local_hours
from greenpark.solar.portfolio import tenant_hourly_load
from greenpark.solar.sizing import year_weight

ZONE = "Asia/Ho_Chi_Minh"


def hourly(tenant, kind, hours, kwh):
    return pd.DataFrame({"tenant_id": tenant, "kind": kind, "period_start": hours, "value": kwh})


def coverage(rows, year):
    start = pd.Timestamp(f"{year}-01-01", tz=ZONE)
    return pd.DataFrame(
        [
            {"tenant_id": t, "kind": k, "period_start": start, "expected_intervals": e, "valid_intervals": v,
             "coverage": v / e, "longest_gap_h": 0.0}
            for t, k, v, e in rows
        ]
    )  # fmt: skip


def test_half_a_year_is_scaled_to_the_inventory_figure():
    hours = local_hours(2025, ZONE)
    first_half = hours[:4380]  # 4,380 of 8,760 h = 0.5
    c = hourly("T1", "electricity_import", first_half, 100.0)  # 438,000 kWh measured
    cov = coverage([("T1", "electricity_import", 4380, 8760)], 2025)
    tl = tenant_hourly_load(c, hours, cov)
    load = tl.loads["T1"]
    # full-year estimate 438,000 / 0.5 = 876,000 kWh; the measured hours kept as measured (100 kWh each)
    assert load.sum() == pytest.approx(876_000.0)
    assert np.all(load[:4380] == 100.0)
    assert tl.measured_kwh["T1"] == pytest.approx(438_000.0) and tl.coverage["T1"] == 0.5
    assert "full-year ESTIMATE 876,000.0 kWh" in tl.labels["T1"]


def test_one_week_is_not_sized():
    hours = local_hours(2024, ZONE)
    c = hourly("T1", "electricity_import", hours[:168], 100.0)
    cov = coverage([("T1", "electricity_import", 672, 35_136)], 2024)  # 672 of 35,136 quarter-hours = 1.9 %
    tl = tenant_hourly_load(c, hours, cov)
    assert "T1" not in tl.loads
    assert "below 25%: no full-year estimate; not sized" in tl.skipped["T1"]


def test_net_load_adds_each_kinds_estimate():
    # import 80 kWh/h and existing PV 20 kWh/h over the whole of 2025, export 10 kWh/h over half the year:
    # import 700,800 / 1 + PV 175,200 / 1 - export 43,800 / 0.5 = 700,800 + 175,200 - 87,600 = 788,400 kWh
    hours = local_hours(2025, ZONE)
    c = pd.concat(
        [
            hourly("T1", "electricity_import", hours, 80.0),
            hourly("T1", "pv_generation", hours, 20.0),
            hourly("T1", "electricity_export", hours[:4380], 10.0),
        ]
    )
    cov = coverage(
        [("T1", "electricity_import", 8760, 8760), ("T1", "pv_generation", 8760, 8760),
         ("T1", "electricity_export", 4380, 8760)],
        2025,
    )  # fmt: skip
    tl = tenant_hourly_load(c, hours, cov)
    assert tl.loads["T1"].sum() == pytest.approx(788_400.0)


def test_without_a_coverage_frame_the_share_of_hours_is_used_and_said():
    hours = local_hours(2025, ZONE)
    c = hourly("T1", "electricity_import", hours[:6570], 10.0)  # 6,570 / 8,760 = 0.75 -> 65,700 / 0.75 = 87,600
    tl = tenant_hourly_load(c, hours)
    assert tl.loads["T1"].sum() == pytest.approx(87_600.0)
    assert tl.notes[0].startswith("coverage not given")


def test_a_calendar_year_counts_as_the_year():
    # a leap year's 8,784 hours are the year's kWh (w = 1), as the inventory sums them; 24 hours -> 8,760 / 24
    assert year_weight(8784) == year_weight(8760) == 1.0
    assert year_weight(24) == 365.0


def test_a_tenant_not_sized_says_why():
    # the tenant page sizes one tenant: with too few readings it gets a result whose notes say why (the
    # application layer decides when a whole park has nothing to size)
    import datetime as dt

    from greenpark.model import Park, ParkData, Tenant
    from greenpark.solar import pv_system_params, typical_year
    from greenpark.solar.portfolio import assess_solar

    park = Park(park_id="tiny", name="Tiny IP", latitude=10.8, longitude=106.9, area_ha=10)
    t = Tenant(tenant_id="T1", name="A", sector="other", floor_area_m2=500, employees=5, voltage_level="<6kV")
    weather = typical_year(10.8, 106.9, 2025, ZONE, pv_system_params().wind_speed_default)
    hours = local_hours(2025, ZONE)
    c = hourly("T1", "electricity_import", hours[:168], 100.0)
    r = assess_solar(ParkData(park=park, tenants=[t], tables={}), c, weather, 2025, dt.date(2026, 11, 29), 0.68)
    assert r.tenants == [] and any(n.startswith("T1: measured 16,800.0 kWh over 1.9% of the year") for n in r.notes)
