"""Validation rules of meter readings, each on a tiny hand-made input.

Park local time is Asia/Ho_Chi_Minh = UTC+7 (no DST), so a naive local
2024-01-01 00:00 is 2023-12-31 17:00 UTC.
"""

from __future__ import annotations

import pandas as pd
import pytest

from greenpark.io import read_park_folder

HEADER = "meter_id,timestamp,value\n"


def _reasons(read, file: str = "readings.csv") -> dict[str, str]:
    rej = read.rejects[read.rejects["file"] == file]
    return {str(r.line): str(r.reason) for r in rej.itertuples()}


def _values(read, meter: str) -> list[float]:
    r = read.readings
    return r[r["meter_id"] == meter].sort_values("ts")["value"].tolist()


def test_naive_is_park_local_offset_respected_stored_utc(make_park):
    park = make_park(
        readings=HEADER
        + (
            "E1,2024-01-01 00:00,1\n"  # naive: local (UTC+7) -> 2023-12-31T17:00Z
            "E1,2024-01-01T00:15:00+07:00,2\n"  # explicit +07:00 -> 2023-12-31T17:15Z
            "E1,2023-12-31T17:30:00Z,3\n"  # Z = UTC as is
            "E1,2024-01-01T03:45:00+09:00,4\n"  # +09:00 (Tokyo) -> 2023-12-31T18:45Z
        )
    )
    read = read_park_folder(park)
    got = read.readings[read.readings.meter_id == "E1"].sort_values("ts")
    expected = pd.to_datetime(
        ["2023-12-31T17:00Z", "2023-12-31T17:15Z", "2023-12-31T17:30Z", "2023-12-31T18:45Z"], utc=True
    )
    assert list(got["ts"]) == list(expected)
    assert str(got["ts"].dt.tz) == "UTC"
    assert got["value"].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_naive_local_and_offset_of_same_instant_are_duplicates(make_park):
    # 2024-01-01 00:15 local == 2024-01-01T00:15+07:00: the same instant, same value
    park = make_park(readings=HEADER + "E1,2024-01-01 00:15,2\nE1,2024-01-01T00:15:00+07:00,2\n")
    read = read_park_folder(park)
    assert _reasons(read) == {"3": "identical duplicate of line 2 (kept once)"}
    assert _values(read, "E1") == [2.0]


def test_unit_converted_once_at_import(make_park):
    # E2 counts MWh: 0.25 MWh = 250 kWh (1 MWh = 1000 kWh, SI definition)
    read = read_park_folder(make_park(readings=HEADER + "E2,2024-01-01 00:00,0.25\n"))
    assert _values(read, "E2") == [250.0]


def test_unknown_meter_id_is_rejected_with_known_ids(make_park):
    read = read_park_folder(make_park(readings=HEADER + "E1,2024-01-01 00:00,1\nE9,2024-01-01 00:00,1\n"))
    reason = _reasons(read)["3"]
    assert reason.startswith("unknown meter id: not in meters.csv")
    assert "E1" in reason
    row = read.rejects.iloc[0]
    assert (row.field, row.value, row.raw) == ("meter_id", "E9", "E9,2024-01-01 00:00,1")


def test_unknown_unit_in_meters_rejects_the_meter_then_its_readings(make_park):
    meters = (
        "meter_id,tenant_id,kind,unit,cumulative\nE1,T1,electricity_import,kWh,false\nW1,,water_supply,furlong,false\n"
    )
    read = read_park_folder(make_park(meters=meters, readings=HEADER + "W1,2024-01-01 00:00,5\n"))
    m = read.rejects[read.rejects.file == "meters.csv"].iloc[0]
    assert (m.line, m.field, m.value) == ("3", "unit", "furlong")
    assert "unknown unit 'furlong'" in m.reason and "m3" in m.reason
    assert _reasons(read)["2"].startswith("unknown meter id")


def test_duplicate_with_different_values_rejects_every_row(make_park):
    read = read_park_folder(
        make_park(readings=HEADER + ("E1,2024-01-01 00:00,1\nE1,2024-01-01 00:15,2\nE1,2024-01-01 00:15,7\n"))
    )
    reasons = _reasons(read)
    assert set(reasons) == {"3", "4"}
    assert reasons["3"].startswith("duplicate (meter, timestamp) with different values (2.0, 7.0 on lines 3, 4)")
    assert _values(read, "E1") == [1.0]
    c = read.counts["readings.csv"]
    assert (c.read, c.accepted, c.rejected) == (3, 1, 2)


def test_identical_duplicate_is_kept_once(make_park):
    read = read_park_folder(make_park(readings=HEADER + "E1,2024-01-01 00:00,1\nE1,2024-01-01 00:00,1\n"))
    assert _reasons(read) == {"3": "identical duplicate of line 2 (kept once)"}
    assert _values(read, "E1") == [1.0]


def test_negative_interval_value_is_rejected(make_park):
    read = read_park_folder(make_park(readings=HEADER + "E1,2024-01-01 00:00,-3.5\n"))
    assert _reasons(read) == {"2": "negative interval consumption"}
    assert read.readings.empty


def test_unparseable_timestamp_is_rejected(make_park):
    read = read_park_folder(
        make_park(
            readings=HEADER
            + (
                "E1,2024-02-30T00:00:00,1\n"  # 30 February does not exist
                "E1,yesterday,1\n"
                "E1,,1\n"
            )
        )
    )
    reasons = _reasons(read)
    assert set(reasons) == {"2", "3", "4"}
    assert all(r.startswith("timestamp does not parse as ISO 8601") for r in reasons.values())


@pytest.mark.parametrize("value", ["abc", "1,5", "nan", "inf", ""])
def test_value_not_a_finite_number_is_rejected(make_park, value):
    read = read_park_folder(make_park(readings=HEADER + f'E1,2024-01-01 00:00,"{value}"\n'))
    assert _reasons(read) == {"2": "value is not a finite number (use a decimal point)"}


def test_row_with_wrong_number_of_fields_is_rejected_not_dropped(make_park):
    read = read_park_folder(make_park(readings=HEADER + "E1,2024-01-01 00:00,1,extra\nE1,2024-01-01 00:15,2\n"))
    assert _reasons(read) == {"2": "row has 4 fields, the header has 3"}
    assert read.rejects.iloc[0].raw == "E1,2024-01-01 00:00,1,extra"
    c = read.counts["readings.csv"]
    assert (c.read, c.accepted, c.rejected) == (2, 1, 1)


def test_cumulative_register_gives_interval_consumption(make_park):
    # register 100 -> 110 -> 125: intervals [00:00, 00:15) = 10 kWh and [00:15, 00:30) = 15 kWh,
    # each labelled with its start; the first reading is the base (accepted, no interval).
    read = read_park_folder(
        make_park(readings=HEADER + ("C2,2024-01-01 00:00,100\nC2,2024-01-01 00:15,110\nC2,2024-01-01 00:30,125\n"))
    )
    got = read.readings[read.readings.meter_id == "C2"]
    assert got["value"].tolist() == [10.0, 15.0]
    assert list(got["ts"]) == list(pd.to_datetime(["2023-12-31T17:00Z", "2023-12-31T17:15Z"], utc=True))
    assert read.counts["readings.csv"].accepted == 3


def test_rollover_repaired_when_register_max_known(make_park):
    # C1 wraps after register_max = 1000 kWh: 990 -> 5 is 5 - 990 + 1000 = 15 kWh, then 5 -> 12 = 7 kWh
    read = read_park_folder(
        make_park(readings=HEADER + ("C1,2024-01-01 00:00,990\nC1,2024-01-01 00:15,5\nC1,2024-01-01 00:30,12\n"))
    )
    assert _values(read, "C1") == [15.0, 7.0]
    assert read.rejects.empty
    w = read.warnings
    assert w["code"].tolist() == ["readings.rollover"]
    assert w.iloc[0].subject == "C1"


def test_drop_without_register_max_is_a_reset_not_repaired(make_park):
    # C2 has no register_max: 500 -> 3 is reported (reset or negative step) and not counted;
    # the register continues from 3: 3 -> 9 = 6 kWh.
    read = read_park_folder(
        make_park(readings=HEADER + ("C2,2024-01-01 00:00,500\nC2,2024-01-01 00:15,3\nC2,2024-01-01 00:30,9\n"))
    )
    reason = _reasons(read)["3"]
    assert "cumulative register went down from 500.0 to 3.0" in reason
    assert "give register_max" in reason
    assert _values(read, "C2") == [6.0]


def test_drop_too_large_for_a_rollover_is_a_reset(make_park):
    # C1 (register_max 1000): 600 -> 590 repaired would be 590 - 600 + 1000 = 990 kWh,
    # more than rollover_max_fraction (0.5, reference io/validation) x 1000: a negative step.
    read = read_park_folder(
        make_park(readings=HEADER + ("C1,2024-01-01 00:00,600\nC1,2024-01-01 00:15,590\nC1,2024-01-01 00:30,595\n"))
    )
    assert "too large for a rollover of register_max 1000.0" in _reasons(read)["3"]
    assert _values(read, "C1") == [5.0]


def test_gap_is_a_warning_not_a_reject(make_park):
    rows = [f"E1,2024-01-01 {h:02d}:{m:02d},1" for h in range(2) for m in (0, 15, 30, 45)]
    del rows[3]  # 00:45 missing: step 00:30 -> 01:00 is 30 min
    read = read_park_folder(make_park(readings=HEADER + "\n".join(rows) + "\n"))
    assert read.rejects.empty
    gaps = read.warnings[read.warnings.code == "readings.gap"]
    assert len(gaps) == 1
    assert "gap from 2024-01-01 00:30 to 2024-01-01 01:00" in gaps.iloc[0].message  # park local time


def test_counts_reconcile_on_mixed_input(make_park):
    read = read_park_folder(
        make_park(
            readings=HEADER
            + (
                "E1,2024-01-01 00:00,1\nE9,2024-01-01 00:00,1\nE1,bad,1\nE1,2024-01-01 00:15,-1\n"
                "E1,2024-01-01 00:30,1,2\nC1,2024-01-01 00:00,10\nC1,2024-01-01 00:15,20\n"
            )
        )
    )
    c = read.counts["readings.csv"]
    assert c.read == 7
    assert c.read == c.accepted + c.rejected
    assert c.rejected == read.rejects[read.rejects.file == "readings.csv"]["line"].nunique() == 4


def test_readings_parquet(make_park, tmp_path):
    park = make_park()
    df = pd.DataFrame(
        {
            "meter_id": ["E1", "E1", "E9"],
            "timestamp": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 00:15", "2024-01-01 00:00"]),  # naive = local
            "value": [1.0, 2.0, 3.0],
        }
    )
    df.to_parquet(park / "readings.parquet")
    read = read_park_folder(park)
    assert _values(read, "E1") == [1.0, 2.0]
    assert read.readings["ts"].min() == pd.Timestamp("2023-12-31T17:00Z")
    assert _reasons(read, "readings.parquet")["4"].startswith("unknown meter id")


def test_semicolon_file_is_rejected_with_a_hint(make_park):
    read = read_park_folder(make_park(readings="meter_id;timestamp;value\nE1;2024-01-01 00:00;1\n"))
    reason = _reasons(read)["2"]
    assert reason.startswith("file has no column 'meter_id'")
    assert "save the CSV with ',' as separator" in reason
    assert read.counts["readings.csv"].rejected == 1


def test_gap_in_a_cumulative_register_is_reported(make_park):
    # readings 00:00 .. 00:45 then 01:30: the last interval spans 45 min; mean step (90 min / 4) = 22.5 min,
    # 45 min > 1.5 x 22.5 min (gap_warning_steps, reference io/validation): one gap warning
    rows = [
        "C2,2024-01-01 00:00,100",
        "C2,2024-01-01 00:15,101",
        "C2,2024-01-01 00:30,102",
        "C2,2024-01-01 00:45,103",
        "C2,2024-01-01 01:30,106",
    ]
    read = read_park_folder(make_park(readings=HEADER + "\n".join(rows) + "\n"))
    assert _values(read, "C2") == [1.0, 1.0, 1.0, 3.0]
    gaps = read.warnings[read.warnings.code == "readings.gap"]
    assert gaps["message"].str.contains("gap from 2024-01-01 00:45 to 2024-01-01 01:30").tolist() == [True]


def test_line_numbers_exact_in_a_big_file_with_a_malformed_row(make_park):
    # 200,000 rows: a multi-threaded parse loses the line of a malformed row, so the reader
    # reads again in one thread; the lines reported must be the physical lines.
    rows = [
        f"E1,{(pd.Timestamp('2024-01-01T00:00Z') + pd.Timedelta(minutes=15 * i)).isoformat()},1" for i in range(200_000)
    ]
    rows[99_998] = "E1,2024-01-01 00:00,1,extra"  # line 100,000 (header = line 1)
    rows[149_998] = "E1,not-a-time,1"  # line 150,000
    read = read_park_folder(make_park(readings=HEADER + "\n".join(rows) + "\n"))
    assert _reasons(read) == {
        "100000": "row has 4 fields, the header has 3",
        "150000": "timestamp does not parse as ISO 8601 (e.g. 2024-03-01T08:15:00 or ...+07:00)",
    }
    c = read.counts["readings.csv"]
    assert (c.read, c.accepted, c.rejected) == (200_000, 199_998, 2)


def test_set_rule_rejects_keep_the_line_as_written(make_park):
    # The stage keeps the raw text only of rows a row rule rejects; the rows a set rule rejects (a
    # duplicate, a register drop) get theirs by reading the file again. Fields as the CSV reader
    # splits them, joined with ','; the spaces around ' 7' are part of what was written.
    read = read_park_folder(
        make_park(
            readings=HEADER
            + (
                "E1,2024-01-01 00:00,1\n"  # line 2, kept
                "E1,2024-01-01T00:00:00+07:00, 7\n"  # line 3: the same instant, another value
                "C2,2024-01-01 00:00,500\n"  # line 4, register base
                "C2,2024-01-01 00:15,3\n"  # line 5: 500 -> 3, a reset (no register_max)
                "E9,2024-01-01 00:00,1\n"  # line 6: unknown meter (a row rule)
            )
        )
    )
    raw = {str(r.line): str(r.raw) for r in read.rejects.itertuples()}
    assert raw == {
        "2": "E1,2024-01-01 00:00,1",
        "3": "E1,2024-01-01T00:00:00+07:00, 7",
        "5": "C2,2024-01-01 00:15,3",
        "6": "E9,2024-01-01 00:00,1",
    }


def test_set_rule_reject_after_a_one_thread_read_keeps_its_line(make_park):
    # A malformed row makes the reader start again in one thread; the second read for the raw text of
    # a duplicate must number the lines the same way (line 100,001 is the duplicate of line 100,000).
    rows = [
        f"E1,{(pd.Timestamp('2024-01-01T00:00Z') + pd.Timedelta(minutes=15 * i)).isoformat()},1" for i in range(200_000)
    ]
    rows[49_998] = "E1,2024-01-01 00:00,1,extra"  # line 50,000
    rows[99_999] = rows[99_998].replace(",1", ",2")  # line 100,001: time of line 100,000, value 2
    read = read_park_folder(make_park(readings=HEADER + "\n".join(rows) + "\n"))
    raw = {str(r.line): str(r.raw) for r in read.rejects.itertuples()}
    assert raw == {
        "50000": "E1,2024-01-01 00:00,1,extra",
        "100000": rows[99_998],
        "100001": rows[99_999],
    }
