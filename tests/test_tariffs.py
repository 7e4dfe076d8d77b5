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
