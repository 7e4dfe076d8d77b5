"""TOU bands on the boundary minutes (Circular 16/2014 Art.5 and Decision 963/QD-BCT hours)."""

import datetime as dt

import pandas as pd
import pytest

from greenpark.errors import InputError, MissingFactorError
from greenpark.tariffs import retail_price, tou_band


@pytest.mark.parametrize(
    ("local", "band"),
    [
        # Circular 16/2014: Mon-Sat peak 09:30-11:30 and 17:00-20:00; off-peak 22:00-04:00
        ("2024-03-04 03:59", "offpeak"),  # Monday
        ("2024-03-04 04:00", "normal"),
        ("2024-03-04 09:29", "normal"),
        ("2024-03-04 09:30", "peak"),
        ("2024-03-04 11:29", "peak"),
        ("2024-03-04 11:30", "normal"),
        ("2024-03-04 16:59", "normal"),
        ("2024-03-04 17:00", "peak"),
        ("2024-03-04 19:59", "peak"),
        ("2024-03-04 20:00", "normal"),
        ("2024-03-04 22:00", "offpeak"),
        ("2024-03-09 10:00", "peak"),  # Saturday is a working day for TOU
        ("2024-03-10 10:00", "normal"),  # Sunday: no peak
        ("2024-03-10 18:00", "normal"),
        ("2024-03-10 23:00", "offpeak"),
        # Decision 963/QD-BCT from 2026-04-22: peak 17:30-22:30 Mon-Sat, off-peak 00:00-06:00
        ("2026-04-21 10:00", "peak"),  # last day of the old hours (Tuesday)
        ("2026-04-22 10:00", "normal"),  # first day of the new hours (Wednesday)
        ("2026-04-22 17:29", "normal"),
        ("2026-04-22 17:30", "peak"),
        ("2026-04-22 22:29", "peak"),
        ("2026-04-22 22:30", "normal"),
        ("2026-04-23 05:59", "offpeak"),
        ("2026-04-23 06:00", "normal"),
        ("2026-04-26 18:00", "normal"),  # Sunday
    ],
)
def test_band_boundaries(local, band):
    ts = pd.DatetimeIndex([local], tz="Asia/Ho_Chi_Minh")
    assert tou_band(ts)[0] == band


def test_utc_input_is_converted_to_vietnam_time():
    # 02:30 UTC = 09:30 ICT (UTC+7) on a Monday: peak starts
    ts = pd.DatetimeIndex(["2024-03-04 02:30"], tz="UTC")
    assert tou_band(ts)[0] == "peak"


def test_naive_timestamps_are_refused():
    with pytest.raises(InputError, match="tz-aware"):
        tou_band(pd.DatetimeIndex(["2024-03-04 09:30"]))


@pytest.mark.parametrize(
    ("on", "tariff", "voltage", "band", "price", "decision"),
    [
        # Decision 1279/QD-BCT, 22-110 kV peak 3,398 VND/kWh from 2025-05-10 (vietnam-facts.md s5.2)
        (dt.date(2025, 6, 1), "manufacturing", "22-110kV", "peak", 3398, "Decision 1279/QD-BCT"),
        (dt.date(2025, 5, 10), "manufacturing", ">=110kV", "offpeak", 1146, "Decision 1279/QD-BCT"),
        # the day before: Decision 2699/QD-BCT (11 Oct 2024), 22-110 kV peak 3,242 (recalled, R)
        (dt.date(2025, 5, 9), "manufacturing", "22-110kV", "peak", 3242, "Decision 2699/QD-BCT"),
        (dt.date(2024, 6, 1), "manufacturing", "22-110kV", "normal", 1676, "Decision 2941/QD-BCT"),
        (dt.date(2023, 5, 4), "manufacturing", "<6kV", "peak", 3171, "Decision 1062/QD-BCT"),
        # business >=22 kV (Decision 1279): one price for >=110 kV and 22-110 kV supply, normal 2,887
        (dt.date(2026, 1, 1), "business", ">=110kV", "normal", 2887, "Decision 1279/QD-BCT"),
        (dt.date(2026, 1, 1), "business", "22-110kV", "peak", 5025, "Decision 1279/QD-BCT"),
    ],
)
def test_retail_price_by_date(on, tariff, voltage, band, price, decision):
    row = retail_price(voltage, band, on, tariff)
    assert (row.value, row.edition) == (price, decision)


def test_a_date_no_tariff_covers_names_the_nearest_rows():
    with pytest.raises(MissingFactorError, match=r"in force on 2023-01-01 .* nearest rows after: Decision 1062/QD-BCT"):
        retail_price("22-110kV", "peak", dt.date(2023, 1, 1))


def test_wholesale_price_for_parks():
    from greenpark.tariffs import wholesale_price

    # Decision 1279/QD-BCT wholesale to IP retailers, medium voltage 22-110 kV, normal 1,800 (vietnam-facts.md s5.2)
    assert wholesale_price("mv_22_110kV", "normal", dt.date(2025, 7, 1)).value == 1800
    assert wholesale_price("110kV_busbar_over_100MVA", "peak", dt.date(2025, 7, 1)).value == 3197
    with pytest.raises(MissingFactorError, match="nearest rows after: Decision 1062"):
        wholesale_price("mv_22_110kV", "normal", dt.date(2022, 1, 1))


# -- TOU by the minute --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "minutes", "expected"),
    [
        # Decision 963 hours (Monday 2026-05-04): 17:00-18:00 = 30 normal + 30 peak; 22:00-23:00 = 30 peak + 30 normal
        ("2026-05-04 17:00", 60, [0, 30, 30]),
        ("2026-05-04 22:00", 60, [0, 30, 30]),
        ("2026-05-04 17:15", 15, [0, 15, 0]),
        ("2026-05-04 17:30", 15, [0, 0, 15]),
        ("2026-05-04 05:30", 60, [30, 30, 0]),  # off-peak ends 06:00
        # Circular 16/2014 hours (Monday 2024-03-04): 09:00-10:00 = 30 normal + 30 peak; 11:00-12:00 = 30 + 30
        ("2024-03-04 09:00", 60, [0, 30, 30]),
        ("2024-03-04 11:00", 60, [0, 30, 30]),
        ("2024-03-10 09:00", 60, [0, 60, 0]),  # Sunday: no peak
        # across midnight Saturday -> Sunday: 23:30-00:30 all off-peak
        ("2024-03-09 23:30", 60, [60, 0, 0]),
        # across the change of hours at midnight 2026-04-21/22: 23:30-00:30 off-peak under both
        ("2026-04-21 23:30", 60, [60, 0, 0]),
        # a 22:30-23:30 hour on 2026-04-21 (old hours, off-peak from 22:00) vs on 2026-04-22 (new: normal)
        ("2026-04-21 22:30", 60, [60, 0, 0]),
        ("2026-04-22 22:30", 60, [0, 60, 0]),
    ],
)
def test_tou_split_by_the_minute(local, minutes, expected):
    from greenpark.tariffs import tou_split

    ts = pd.DatetimeIndex([local], tz="Asia/Ho_Chi_Minh")
    assert tou_split(ts, minutes)[0].tolist() == expected


def test_an_hour_straddling_an_edge_is_split_by_hand():
    from greenpark.tariffs import kwh_by_band

    # 120 kWh in 17:00-18:00 on Monday 2026-05-04 (Decision 963: peak from 17:30) -> 60 normal + 60 peak;
    # 90 kWh in 09:15-10:15 on Monday 2024-03-04 (Circular 16/2014: peak from 09:30) -> 15/60 x 90 = 22.5 normal,
    # 45/60 x 90 = 67.5 peak.
    ts = pd.DatetimeIndex(["2026-05-04 17:00", "2024-03-04 09:15"], tz="Asia/Ho_Chi_Minh")
    split = kwh_by_band(ts, [120.0, 90.0], 60)
    assert split.tolist() == [[0.0, 60.0, 60.0], [0.0, 22.5, 67.5]]


def test_tou_split_refuses_bad_intervals():
    from greenpark.tariffs import tou_split

    ts = pd.DatetimeIndex(["2026-05-04 17:00"], tz="Asia/Ho_Chi_Minh")
    with pytest.raises(InputError, match=r"\(0, 1440\] minutes"):
        tou_split(ts, 0)
    with pytest.raises(InputError, match="tz-aware"):
        tou_split(pd.DatetimeIndex(["2026-05-04 17:00"]), 60)


# -- VAT, surplus rules, prices at the rules of a date (solar engine) -------------------------------------------


@pytest.mark.parametrize(
    ("on", "rate"),
    [
        (dt.date(2022, 1, 31), 0.10),  # standard rate (Law on VAT)
        (dt.date(2022, 2, 1), 0.08),  # Decree 15/2022
        (dt.date(2023, 3, 1), 0.10),  # Jan-Jun 2023: no reduction
        (dt.date(2023, 7, 1), 0.08),  # Decree 44/2023
        (dt.date(2024, 3, 1), 0.08),  # Decree 94/2023
        (dt.date(2024, 9, 1), 0.08),  # Decree 72/2024
        (dt.date(2025, 3, 1), 0.08),  # Decree 180/2024
        (dt.date(2025, 8, 1), 0.08),  # Resolution 204/2025/QH15: 8 % to 2026-12-31 (vietnam-facts.md s5.2)
        (dt.date(2026, 12, 31), 0.08),
        (dt.date(2027, 1, 1), 0.10),
    ],
)
def test_vat_rate_by_date(on, rate):
    from greenpark.tariffs import vat_rate

    assert vat_rate(on).value == rate


@pytest.mark.parametrize(
    ("on", "region", "rule", "cap", "price"),
    [
        # Decree 58/2025 (3 Mar 2025): 20 % of output (vietnam-facts.md s5.4)
        (dt.date(2026, 1, 15), "south", "decree58_2025", 0.20, 1426.6),
        (dt.date(2026, 6, 25), "south", "decree58_2025", 0.20, 1426.6),
        # Decree 243/2026 (26 Jun 2026): 50 %; price capped at Decision 988/QD-BCT South ceiling 1,012.0 (s5.3)
        (dt.date(2026, 6, 26), "south", "decree243_2026", 0.50, 1012.0),
        (dt.date(2026, 11, 29), "north", "decree243_2026", 0.50, 1382.7),
    ],
)
def test_surplus_rule_by_date(on, region, rule, cap, price):
    from greenpark.tariffs import surplus_rule

    r = surplus_rule(on, region)
    assert (r.rule, r.export_cap_share, r.price_vnd_per_kwh) == (rule, cap, price)


def test_surplus_rule_before_decree_135_is_an_error():
    from greenpark.tariffs import surplus_rule

    with pytest.raises(MissingFactorError, match="no rooftop surplus export_cap_share .* in force on 2024-01-01"):
        surplus_rule(dt.date(2024, 1, 1))
    with pytest.raises(InputError, match="unknown price region 'east'"):
        surplus_rule(dt.date(2026, 1, 1), "east")


def test_price_region_of_dong_nai():
    from greenpark.tariffs import price_region

    assert price_region(10.95) == "south"  # Bien Hoa
    assert price_region(21.0) == "north"  # Hanoi


def test_energy_price_uses_the_hours_in_force_on_the_study_date():
    from greenpark.tariffs import energy_price

    # A 2024 load year priced at the rules of 2026-11-29 (Decision 963 hours, Decision 1279 prices, 22-110 kV):
    # hours starting Monday 2024-03-04 10:00 are normal (1,833), 18:00 peak (3,398), 05:00 off-peak (1,190).
    ts = pd.DatetimeIndex(["2024-03-04 05:00", "2024-03-04 10:00", "2024-03-04 18:00"], tz="Asia/Ho_Chi_Minh")
    price, rows = energy_price(ts, "22-110kV", dt.date(2026, 11, 29), interval_min=60)
    assert price.tolist() == [1190.0, 1833.0, 3398.0]
    assert [r.keys["band"] for r in rows] == ["offpeak", "normal", "peak"]


def test_energy_price_of_an_hour_straddling_a_band_edge():
    from greenpark.tariffs import energy_price

    # Hourly series, Monday 2026-05-04 at Decision 963 hours and Decision 1279 prices (22-110 kV):
    # 17:00-18:00 = (30 x 1,833 + 30 x 3,398) / 60 = 2,615.5; 22:00-23:00 = (30 x 3,398 + 30 x 1,833) / 60 = 2,615.5;
    # 18:00-19:00 all peak 3,398. (Before the split, 17:00 was priced 1,833 and 22:00 3,398.)
    ts = pd.date_range("2026-05-04 17:00", periods=6, freq="h", tz="Asia/Ho_Chi_Minh")
    price, _ = energy_price(ts, "22-110kV", dt.date(2026, 5, 4))
    assert price.tolist() == [2615.5, 3398.0, 3398.0, 3398.0, 3398.0, 2615.5]


def test_price_of_a_load_shape():
    from greenpark.tariffs import price_of_load

    # 22-110 kV, Decision 1279: (100 x 1,190 + 600 x 1,833 + 300 x 3,398) / 1,000 = 2,238.2 VND/kWh
    p = price_of_load({"offpeak": 100, "normal": 600, "peak": 300}, "22-110kV", dt.date(2025, 6, 1))
    assert p == pytest.approx(2238.2)
