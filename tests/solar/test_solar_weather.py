"""Weather files: wrong columns, gaps, short data, repairs stated; the estimated year is flagged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from solarkit import LAT, LON, ZONE

from greenpark.errors import InputError
from greenpark.solar.weather import check_weather, read_weather


def _year(weather) -> pd.DataFrame:
    return weather.data.copy()


def test_wrong_columns_name_required_and_found(weather):
    df = _year(weather).rename(columns={"ghi": "global", "temp_air": "t"})
    with pytest.raises(InputError, match=r"lacks column\(s\) \['ghi', 'temp_air'\].*found \['global'"):
        check_weather(df, "test", ZONE, 1.0)


def test_short_gap_is_interpolated_and_stated(weather):
    df = _year(weather)
    df.iloc[4000:4003, df.columns.get_loc("ghi")] = np.nan  # 3 hours missing
    df = df.drop(df.index[5000:5002])  # 2 hours absent from the index
    w = check_weather(df, "test", ZONE, 1.0)
    assert len(w.data) == 8760 and not w.data.isna().any().any()
    assert any("ghi: 2 gap(s) of <= 3 h interpolated" in r for r in w.repairs)
    # linear interpolation across the 3-hour gap: the middle hour is the mean of its neighbours
    before, after = df["ghi"].iloc[3999], df["ghi"].iloc[4003]
    assert w.data["ghi"].iloc[4001] == pytest.approx(before + (after - before) * 2 / 4)


def test_long_gap_is_an_error(weather):
    df = _year(weather)
    df.iloc[100:110, df.columns.get_loc("temp_air")] = np.nan
    with pytest.raises(InputError, match=r"'temp_air' has a gap of 10 hours"):
        check_weather(df, "test", ZONE, 1.0)


def test_less_than_a_year_is_an_error(weather):
    with pytest.raises(InputError, match="covers 744 hours"):
        check_weather(_year(weather).iloc[:744], "test", ZONE, 1.0)


def test_missing_wind_and_naive_times_are_stated(weather):
    df = _year(weather).drop(columns=["wind_speed"])
    df.index = df.index.tz_localize(None)
    w = check_weather(df, "test", ZONE, 1.0)
    assert (w.data["wind_speed"] == 1.0).all()
    assert any("wind_speed" in r for r in w.repairs) and any("local time" in r for r in w.repairs)


def test_generic_csv_reader(tmp_path, weather):
    df = _year(weather)
    out = df.rename(columns={"ghi": "GHI", "temp_air": "T2m"}).drop(columns=["dni", "dhi"])
    out.index = out.index.tz_convert("UTC")
    out.index.name = "timestamp"
    path = tmp_path / "site.csv"
    out.to_csv(path)
    w = read_weather(path, LAT, LON, ZONE, 1.0)
    assert not w.estimate and "CSV file site.csv" in w.source
    assert any("Erbs" in r for r in w.repairs)
    assert w.data["ghi"].sum() == pytest.approx(df["ghi"].sum())


def test_unreadable_weather_file(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="no time column"):
        read_weather(path, LAT, LON, ZONE, 1.0)


def test_tmy3_file_through_pvlib_reader():
    # pvlib's shipped TMY3 sample (Greensboro NC, 723170TYA.CSV): read, checked, repairs stated
    from pathlib import Path

    import pvlib

    path = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"
    w = read_weather(path, 36.1, -79.95, "Etc/GMT+5", 1.0)
    assert w.source.startswith("TMY3 file") and not w.estimate
    assert len(w.data) >= 8760 and w.data.index.tz is not None
    assert list(w.data.columns) == ["ghi", "dni", "dhi", "temp_air", "wind_speed"]
    assert any("typical year" in r for r in w.repairs)


def test_pvgis_style_minutes_are_put_on_the_hour(weather):
    df = _year(weather)
    df.index = df.index.tz_convert("UTC") + pd.Timedelta(minutes=10)  # PVGIS labels hh:10 UTC
    w = check_weather(df, "test", ZONE, 1.0)
    assert (w.data.index.minute == 0).all() and len(w.data) == 8760
    assert any("start of their hour" in r for r in w.repairs)
    assert w.data["ghi"].sum() == pytest.approx(df["ghi"].sum())
