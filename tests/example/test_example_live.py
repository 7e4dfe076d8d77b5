"""The example's WWTP episodes as a day of live analyser data (what ``serve --example`` replays at start)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from greenpark.example.live import episode_day

ZONE = "Asia/Ho_Chi_Minh"  # the example park's zone (park.toml), UTC+7 without DST
ANALYSER = {"flow", "ph", "temperature", "cod", "tss", "ammonium_n"}


def test_the_day_holds_every_designed_event_in_order_and_fills_24_hours(full_park) -> None:
    folder, meta = full_park
    now = dt.datetime(2026, 12, 6, 21, 43, 10, tzinfo=dt.UTC)
    day = episode_day(folder, ZONE, now, dt.timedelta(hours=24))

    # the events, in the order they happened: the four exceedances and the stuck COD probe (metadata.json)
    order = list(dict.fromkeys(day["event"]))
    assert order == ["cod_shock", "nh4_night", "cod_stuck", "tss_storm", "ph_acid"]
    assert len(meta["water"]["episodes"]) == 4 and meta["water"]["flatline"]["parameter"] == "cod"
    # events last 3 h + 7.5 h + 6 h + 2.5 h + 1.25 h = 20.25 h = 1215 min; 24 h = 1440 min leave 225 min:
    # 225 / 10 sides = 22.5 min, whole 5-min steps: 20 min of ordinary data on each side of each event,
    # and the last event the remaining 225 - 200 = 25 min after it: 1440 min = 288 steps x 6 parameters
    assert len(day) == 288 * 6
    assert set(day["parameter"]) == ANALYSER
    stamps = pd.to_datetime(day["timestamp"]).drop_duplicates().sort_values().reset_index(drop=True)
    assert len(stamps) == 288 and stamps.diff().dropna().eq(pd.Timedelta(minutes=5)).all()  # no step missing
    # it ends at now rounded down to the step (21:40 UTC) with its last 5-min value at 21:35
    assert stamps.iloc[0] == pd.Timestamp("2026-12-05T21:40:00Z")
    assert stamps.iloc[-1] == pd.Timestamp("2026-12-06T21:35:00Z")
    # the first piece starts 20 min before the COD shock (2024-03-12 14:00 local)
    first = day[day["event"] == "cod_shock"]
    assert first["source_timestamp"].min() == "2024-03-12T13:40:00"
    assert first["source_timestamp"].max() == "2024-03-12T17:15:00"  # last value 20 min after the end, minus a step
    last = day[day["event"] == "ph_acid"]
    assert last["source_timestamp"].max() == "2024-11-14T04:55:00"  # 04:15 + 20 + 25 min = 05:00, minus a step


def test_the_values_are_the_files_row_by_row(full_park) -> None:
    folder, meta = full_park
    day = episode_day(folder, ZONE, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.timedelta(hours=24))
    raw = pd.read_csv(folder / "wastewater.csv", dtype=str, keep_default_na=False)
    raw = raw[(raw["point"] == "outlet") & (raw["method"] == "analyser")]
    key = ["parameter", "timestamp"]
    joined = day.rename(columns={"timestamp": "moved", "source_timestamp": "timestamp"}).merge(
        raw, on=key, suffixes=("", "_file")
    )
    assert len(joined) == len(day)
    assert (joined["value"] == joined["value_file"]).all() and (joined["unit"] == joined["unit_file"]).all()
    # the stuck probe's value repeats through its piece: the generator's 32.9 mg/l (metadata.json)
    stuck = joined[(joined["event"] == "cod_stuck") & (joined["parameter"] == "cod")]
    start, end = meta["water"]["flatline"]["start"], meta["water"]["flatline"]["end"]
    inside = stuck[(stuck["timestamp"] >= start) & (stuck["timestamp"] < end)]
    assert len(inside) == 72 and set(inside["value"].astype(float)) == {meta["water"]["flatline"]["value"]}
    # each moved time is its file time (UTC+7) plus one shift per piece, a whole number of steps
    moved = pd.to_datetime(joined["moved"])
    source = pd.to_datetime(joined["timestamp"]).dt.tz_localize(ZONE).dt.tz_convert("UTC")
    shift = (moved - source).groupby(joined["event"]).nunique()
    assert shift.eq(1).all()
    assert ((moved - source) % pd.Timedelta(minutes=5) == pd.Timedelta(0)).all()
