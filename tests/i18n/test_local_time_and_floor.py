"""The one formatter's round-down percentage and park-local times (Babel CLDR en_GB / vi_VN patterns, written out)."""

import datetime as dt

import pytest

from greenpark import i18n


@pytest.mark.parametrize(
    ("value", "lang", "floor", "shown"),
    [
        (0.99997, "en", False, "100.00%"),  # half up: what a rate with one bad hour in 33,333 must NOT show
        (0.99997, "en", True, "99.99%"),
        (0.9997061, "vi", True, "99,97%"),
        (0.999667, "en", True, "99.96%"),  # half up would be 99.97 %
        (1.0, "en", True, "100.00%"),  # a full score stays full
    ],
)
def test_percent_rounded_down(value, lang, floor, shown):
    assert i18n.format_percent(value, lang, 2, floor=floor) == shown


def test_times_in_the_park_zone():
    # 07:00 UTC = 14:00 in Asia/Ho_Chi_Minh (UTC+7, no DST); 22:00 UTC is the next local day (05:00)
    assert i18n.format_datetime("2024-03-12T07:00:00Z", "en", "Asia/Ho_Chi_Minh") == "12 Mar 2024 14:00"
    assert i18n.format_datetime("2024-03-12T07:00:00Z", "vi", "Asia/Ho_Chi_Minh") == "12 thg 3, 2024 14:00"
    assert i18n.format_datetime("2024-06-20T22:00:00+00:00", "en", "Asia/Ho_Chi_Minh") == "21 Jun 2024 05:00"
    assert i18n.format_clock(dt.datetime(2024, 1, 1, 17, 30, tzinfo=dt.UTC), "en", "Asia/Ho_Chi_Minh") == "00:30"
    assert i18n.format_clock("2024-03-12T10:00:00Z", "vi", "Asia/Ho_Chi_Minh") == "17:00"


def test_month_names():
    assert i18n.month_names("en")[:3] == ["Jan", "Feb", "Mar"]
    assert i18n.month_names("vi")[11] == "thg 12"
