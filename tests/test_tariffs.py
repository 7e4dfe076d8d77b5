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


def test_retail_price_by_date():
    # Decision 1279/QD-BCT, 22-110 kV peak 3,398 VND/kWh from 2025-05-10 (vietnam-facts.md §5.2)
    assert retail_price("22-110kV", "peak", dt.date(2025, 6, 1)).value == 3398
    with pytest.raises(MissingFactorError, match="valid on 2024-06-01"):
        retail_price("22-110kV", "peak", dt.date(2024, 6, 1))


# -- VAT, surplus rules, prices at the rules of a date (solar engine) -------------------------------------------


@pytest.mark.parametrize(
    ("on", "rate"),
    [
        (dt.date(2024, 3, 1), 0.10),  # standard rate (Law on VAT)
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
        (dt.date(2025, 6, 1), "south", "decree58_2025", 0.20, 1426.6),
        (dt.date(2026, 6, 25), "south", "decree58_2025", 0.20, 1426.6),
        # Decree 243/2026 (26 Jun 2026): 50 %; price capped at Decision 988/QD-BCT South ceiling 1,012.0 (s5.3)
        (dt.date(2026, 6, 26), "south", "decree243_2026", 0.50, 1012.0),
        (dt.date(2026, 11, 29), "north", "decree243_2026", 0.50, 1382.7),
        # Decree 135/2024 (22 Oct 2024): 20 %
        (dt.date(2024, 12, 1), "central", "decree135_2024", 0.20, 1426.6),
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
    # Monday 2024-03-04 10:00 is normal (1,833), 18:00 is peak (3,398), 05:00 is off-peak (1,190).
    ts = pd.DatetimeIndex(["2024-03-04 05:00", "2024-03-04 10:00", "2024-03-04 18:00"], tz="Asia/Ho_Chi_Minh")
    price, rows = energy_price(ts, "22-110kV", dt.date(2026, 11, 29))
    assert price.tolist() == [1190.0, 1833.0, 3398.0]
    assert [r.keys["band"] for r in rows] == ["offpeak", "normal", "peak"]
