"""Meter plausibility (VEE): each rule on a hand-made park, with the expected outcome written out.

Thresholds are the rows of reference/data/quality/vee_rules.csv: physical_bound margin 1; history_bound
quantile 0.99, multiple 10, min_readings 96; flat_line min_hours 24; zero_run min_hours 96,
min_nonzero_share 0.25. The park's zone is Asia/Ho_Chi_Minh (UTC+7).
"""

from __future__ import annotations

import pandas as pd
import pytest

from greenpark.errors import ParkFolderError
from greenpark.io import read_park_folder
from greenpark.io.importer import import_park
from greenpark.io.plausibility import vee_rule
from greenpark.store import open_store

HEADER = "meter_id,timestamp,value\n"
METERS = """meter_id,tenant_id,kind,unit,cumulative,register_max,wwtp_id,max_kw,max_per_interval,interval_min
E1,T1,electricity_import,kWh,false,,,,,
E2,T1,electricity_import,kWh,false,,,100,,
E3,T2,electricity_import,MWh,false,,,,0.05,
C1,T2,electricity_import,kWh,true,,,40,,15
"""


def _quarter_hours(n: int, start: str = "2024-01-01 00:00") -> list[str]:
    return [t.strftime("%Y-%m-%d %H:%M") for t in pd.date_range(start, periods=n, freq="15min")]


def test_rules_table_has_the_thresholds_the_tests_use():
    # the numbers below come from this table; a change there must be seen here
    assert vee_rule("vee.history_bound", "quantile") == 0.99
    assert vee_rule("vee.history_bound", "multiple") == 10
    assert vee_rule("vee.history_bound", "min_readings") == 96
    assert vee_rule("vee.physical_bound", "margin") == 1.0
    assert vee_rule("vee.flat_line", "min_hours") == 24
    assert vee_rule("vee.zero_run", "min_hours") == 96


def _spike_park(make_park, **files):
    # 200 quarter-hours of E1 alternating 10 and 20 kWh; line 52 (the 51st reading, 2024-01-01 12:30 local)
    # is a glitch of 5,000,000 kWh
    times = _quarter_hours(200)
    rows = [f"E1,{t},{5000000 if i == 50 else (10 if i % 2 == 0 else 20)}" for i, t in enumerate(times)]
    return make_park(meters=METERS, readings=HEADER + "\n".join(rows) + "\n", **files)


def test_spike_is_held_out_with_its_bound_and_the_sum_is_the_one_without_it(make_park):
    read = read_park_folder(_spike_park(make_park))
    # bound: 99th percentile of the 200 values, DuckDB quantile_cont = linear between order statistics at
    # (200 - 1) x 0.99 = 197.01, i.e. between the 198th and 199th smallest: both 20 kWh (only the 200th is
    # the spike) -> 20 kWh; bound = 10 x 20 = 200 kWh
    held = read.held_out
    assert len(held) == 1
    h = held.iloc[0]
    assert (h["file"], h["line"], h["meter_id"], h["value"], h["bound"], h["rule_id"]) == (
        "readings.csv",
        "52",
        "E1",
        5_000_000.0,
        200.0,
        "vee.history_bound",
    )
    assert h["ts"] == pd.Timestamp("2024-01-01T05:30Z")  # 12:30 local, stored in UTC
    assert "from 2024-01-01 12:30 is above the bound 200 kWh" in h["reason"]  # people read local time
    assert h["raw"] == "E1,2024-01-01 12:30,5000000"  # the line as written
    # the spike never reaches the readings: the sum is the one without it. The 50th reading (index 50) is
    # even-indexed (10 kWh), so the other 199 readings are 99 x 10 + 100 x 20 = 2,990 kWh
    assert read.readings["value"].sum() == pytest.approx(99 * 10 + 100 * 20)
    c = read.counts["readings.csv"]
    assert (c.read, c.accepted, c.rejected, c.held_out) == (200, 199, 0, 1)
    assert c.read == c.accepted + c.rejected + c.held_out


def test_few_readings_give_no_history_bound(make_park):
    # 95 readings < min_readings 96: nothing is held out on the meter's own history
    rows = [f"E1,{t},{5000000 if i == 10 else 10}" for i, t in enumerate(_quarter_hours(95))]
    read = read_park_folder(make_park(meters=METERS, readings=HEADER + "\n".join(rows) + "\n"))
    assert read.held_out.empty
    assert read.counts["readings.csv"].held_out == 0


def test_physical_bounds_max_kw_and_max_per_interval(make_park):
    # E2: max_kw 100 kW x 0.25 h (its most common step) = 25 kWh; 25 is kept (not above), 30 held out.
    # E3: max_per_interval 0.05 MWh = 50 kWh; 0.06 MWh = 60 kWh held out, 0.05 kept.
    times = _quarter_hours(4)
    rows = [f"E2,{t},{v}" for t, v in zip(times, (20, 25, 30, 10), strict=True)]
    rows += [f"E3,{t},{v}" for t, v in zip(times, (0.01, 0.05, 0.06, 0.02), strict=True)]
    read = read_park_folder(make_park(meters=METERS, readings=HEADER + "\n".join(rows) + "\n"))
    held = read.held_out.set_index("meter_id")
    assert held.loc["E2", ["value", "bound", "rule_id", "line"]].tolist() == [30.0, 25.0, "vee.physical_bound", "4"]
    assert held.loc["E3", ["value", "bound", "rule_id", "line"]].tolist() == [
        pytest.approx(60.0),
        pytest.approx(50.0),
        "vee.physical_bound",
        "8",
    ]
    assert "max_kw 100 kW x 0.25 h" in held.loc["E2", "reason"]
    assert sorted(read.readings.loc[read.readings.meter_id == "E2", "value"]) == [10, 20, 25]


def test_cumulative_register_step_beyond_the_bound_is_held_out(make_park):
    # C1: register, max_kw 40, interval 15 min -> at most 40 kW x 0.25 h = 10 kWh per step
    # readings 100, 108, 1108 (a step of 1,000 kWh: held out), 1116 (8 kWh: kept)
    rows = [f"C1,{t},{v}" for t, v in zip(_quarter_hours(4), (100, 108, 1108, 1116), strict=True)]
    read = read_park_folder(make_park(meters=METERS, readings=HEADER + "\n".join(rows) + "\n"))
    assert read.held_out[["meter_id", "line", "value", "bound"]].values.tolist() == [["C1", "4", 1000.0, 10.0]]
    # the held-out interval is the one from 00:15 (its start) to 00:30 local
    assert read.held_out.iloc[0]["ts"] == pd.Timestamp("2023-12-31T17:15Z")
    assert read.readings["value"].tolist() == [8.0, 8.0]
    c = read.counts["readings.csv"]
    # 4 lines read: the first gives no interval (base of the register) but is accepted
    assert (c.read, c.accepted, c.rejected, c.held_out) == (4, 3, 0, 1)


def test_accepted_csv_puts_the_value_back(make_park):
    park = _spike_park(make_park, accepted="meter_id,ts,note,by\nE1,2024-01-01 12:30,furnace test,Lan\n")
    read = read_park_folder(park)
    assert read.held_out.empty
    assert read.accepted_back[["meter_id", "value"]].values.tolist() == [["E1", 5_000_000.0]]
    assert read.readings["value"].sum() == pytest.approx(99 * 10 + 100 * 20 + 5_000_000)
    c = read.counts["readings.csv"]
    assert (c.read, c.accepted, c.held_out) == (200, 200, 0)
    assert read.counts["accepted.csv"].accepted == 1


def test_accepted_csv_that_matches_nothing_is_a_warning(make_park):
    park = _spike_park(make_park, accepted="meter_id,ts,note\nE1,2024-01-01 12:45,typo\nE9,2024-01-01 12:30,\n")
    read = read_park_folder(park)
    assert len(read.held_out) == 1
    w = read.warnings[read.warnings.code == "accepted.unmatched"]
    assert w[["file", "line", "subject"]].values.tolist() == [["accepted.csv", 2, "E1"]]
    assert "2024-01-01 12:45" in w.iloc[0]["message"]
    # an unknown meter in accepted.csv is rejected like any bad row
    assert read.rejects[read.rejects.file == "accepted.csv"]["line"].tolist() == ["3"]


def test_accept_in_the_store_survives_a_reimport(make_park, tmp_path):
    from greenpark.io.accept import accept_readings
    from greenpark.io.quality import data_quality_summary

    park = _spike_park(make_park)
    store = open_store(f"duckdb://{tmp_path / 's.duckdb'}")
    try:
        import_park(park, store)
        assert data_quality_summary(store, "tiny").held_out == 1
        rows = accept_readings(store, "tiny", "E1", "2024-01-01 12:30", by="Lan", note="real")
        assert rows["value"].tolist() == [5_000_000.0]
        q = data_quality_summary(store, "tiny")
        assert (q.held_out, q.accepted_back) == (0, 1)
        assert q.banner() is None
        # forced re-import: the decision kept in the store is applied again
        import_park(park, store, force=True)
        held = store.held_out("tiny", include_accepted=True)
        assert held[["meter_id", "accepted_by", "note"]].values.tolist() == [["E1", "Lan", "real"]]
        total = store.readings(
            "tiny", ["E1"], pd.Timestamp("2023-01-01", tz="UTC"), pd.Timestamp("2025-01-01", tz="UTC")
        )
        assert total["value"].sum() == pytest.approx(99 * 10 + 100 * 20 + 5_000_000)
    finally:
        store.close()


def test_accept_says_what_is_held_out_when_nothing_matches(make_park, tmp_path):
    from greenpark.errors import InputError
    from greenpark.io.accept import accept_readings

    store = open_store(f"duckdb://{tmp_path / 's.duckdb'}")
    try:
        import_park(_spike_park(make_park), store)
        with pytest.raises(InputError, match=r"its held-out readings start at 2024-01-01 12:30"):
            accept_readings(store, "tiny", "E1", "2024-01-01 12:45", by="Lan")
        with pytest.raises(InputError, match="--by NAME"):
            accept_readings(store, "tiny", "E1", "2024-01-01 12:30", by=" ")
    finally:
        store.close()


def test_flat_line_and_zero_run_are_warnings_with_file_and_line(make_park):
    # T1: E1 frozen on 7 kWh for 30 h (120 readings, 00:00 .. 29:45) while E2 of the same tenant changes
    # -> vee.flat_line (29.75 h >= 24 h), line 2 (E1's first reading). E3 (T2): 5 kWh for 2 days, then 0 for
    # 5 days: nonzero share 192 / 672 = 0.29 >= 0.25, zero run 00:00 day 3 .. 23:45 day 7 = 119.75 h >= 96 h
    times = _quarter_hours(120)
    rows = [f"E1,{t},7" for t in times] + [f"E2,{t},{1 + (i % 5)}" for i, t in enumerate(times)]
    week = _quarter_hours(672)
    rows += [f"E3,{t},{0.005 if i < 192 else 0}" for i, t in enumerate(week)]  # E3 is in MWh: 0.005 = 5 kWh
    read = read_park_folder(make_park(meters=METERS, readings=HEADER + "\n".join(rows) + "\n"))
    assert read.held_out.empty and read.rejects.empty
    w = read.warnings[read.warnings.code.str.startswith("vee.")].reset_index(drop=True)
    assert w[["file", "code", "subject", "line"]].values.tolist() == [
        ["readings.csv", "vee.flat_line", "E1", 2],
        ["readings.csv", "vee.zero_run", "E3", 2 + 240 + 192],  # header, 240 rows of E1 and E2, 192 readings
    ]
    assert "from 2024-01-01 00:00 to 2024-01-02 05:45" in w.loc[0, "message"]
    assert "from 2024-01-03 00:00 to 2024-01-07 23:45" in w.loc[1, "message"]
    # warnings only: every reading is kept
    assert len(read.readings) == 120 + 120 + 672


def test_voltage_written_as_a_number_and_vietnamese_sector_labels(make_park):
    tenants = (
        "tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level\n"
        "T1,A,Điện tử,,100,1,22kV\n"  # 22 kV: "from 22 kV to under 110 kV" (Decision 1279/QD-BCT bands)
        "T2,B,dệt may,,100,1,22 kV\n"
        "T3,C,Food & Beverage,,100,1,0.4kV\n"  # 0.4 kV: under 6 kV
        "T4,D,Hóa chất,,100,1,110kV\n"  # 110 kV: from 110 kV up
        "T5,E,electronics,,100,1,6 kV\n"
    )
    read = read_park_folder(make_park(tenants=tenants, meters="meter_id,tenant_id,kind,unit\n"))
    got = {t.tenant_id: (t.sector.value, t.voltage_level.value) for t in read.data.tenants}
    assert got == {
        "T1": ("electronics", "22-110kV"),
        "T2": ("textile_garment", "22-110kV"),
        "T3": ("food_beverage", "<6kV"),
        "T4": ("chemicals", ">=110kV"),
        "T5": ("electronics", "6-22kV"),
    }
    info = read.warnings[read.warnings.code == "info.voltage_level_read_as"]
    assert any("'22kV' read as '22-110kV'" in m for m in info["message"])


def test_period_that_excel_made_a_date_is_read_as_its_month(make_park):
    fuels = "tenant_id,period,fuel,quantity,unit\nT1,2024-03-01,diesel,10,l\nT1,2024-04-01T00:00:00,Dầu DO,5,l\n"
    read = read_park_folder(make_park(fuels=fuels))
    assert read.rejects.empty
    assert read.data.table("fuels")[["period", "fuel"]].values.tolist() == [
        ["2024-03", "diesel"],
        ["2024-04", "diesel"],
    ]


def test_workbook_with_data_beside_csv_files_is_refused(make_park):
    from openpyxl import Workbook

    park = make_park()
    wb = Workbook()
    ws = wb.active
    ws.title = "tenants"
    ws.append(["tenant_id", "name"])
    ws.append(["T9", "Filled in the workbook"])
    wb.save(park / "park-template.xlsx")
    with pytest.raises(ParkFolderError) as exc:
        read_park_folder(park)
    msg = str(exc.value)
    assert "park-template.xlsx (data in sheets tenants)" in msg
    assert "tenants.csv" in msg and "meters.csv" in msg


def test_empty_template_workbook_beside_csv_files_is_fine(make_park):
    from greenpark.io.template import write_template

    park = make_park()
    tpl = park.parent / "tpl"
    write_template(tpl)
    (park / "park-template.xlsx").write_bytes((tpl / "park-template.xlsx").read_bytes())
    assert read_park_folder(park).ok


def test_history_quantile_is_duckdbs_quantile_cont_without_holding_every_value():
    # The stage computes each meter's 0.99 quantile from a window sort (which spills to disk) instead of
    # DuckDB's quantile_cont aggregate (which holds every value of every meter in memory: 35 M values overflowed
    # the stage, issue 20). Both must give the same number: quantile_cont itself is the reference here, on
    # meters of 95 (too few), 96, 97 and 1000 values with ties, and a cumulative register with a zero-length
    # interval (its rate is NULL: counted in n, left out of the quantile).
    import duckdb
    import numpy as np

    from greenpark.io.plausibility import find_held_out

    rng = np.random.default_rng(7)
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.execute(
        "CREATE TABLE meters (meter_id VARCHAR, cumulative BOOLEAN, max_kw DOUBLE, max_per_interval DOUBLE, "
        "interval_s DOUBLE, base_unit VARCHAR)"
    )
    con.execute("CREATE TABLE accepted (meter_id VARCHAR, ts TIMESTAMPTZ)")
    rows = []
    for meter, n, cumulative in (("A", 95, False), ("B", 96, False), ("C", 97, False), ("D", 1000, False),
                                 ("R", 200, True)):  # fmt: skip
        con.execute("INSERT INTO meters VALUES (?, ?, NULL, NULL, 900, 'kWh')", [meter, cumulative])
        values = np.round(rng.gamma(2.0, 3.0, n), 1)  # rounded: ties
        for i, v in enumerate(values):
            span = 0 if (cumulative and i == 5) else 900
            rows.append((meter, i, span, float(v)))
    con.execute("CREATE TABLE c_in (meter_id VARCHAR, i INTEGER, span INTEGER, value DOUBLE)")
    con.executemany("INSERT INTO c_in VALUES (?, ?, ?, ?)", rows)
    con.execute("""
        CREATE VIEW candidates AS
        SELECT i + 2 AS line, meter_id, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(900 * i) AS ts,
               TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(900 * i + span) AS end_ts, value FROM c_in
    """)
    find_held_out(con, "readings.csv", "UTC")
    got = dict(con.execute("SELECT meter_id, q FROM vee_hist").fetchall())
    want = dict(
        con.execute("""
        SELECT c.meter_id, quantile_cont(CASE WHEN m.cumulative THEN c.value / nullif(epoch(c.end_ts) - epoch(c.ts), 0)
                                              ELSE c.value END, 0.99)
        FROM candidates c JOIN meters m USING (meter_id) GROUP BY c.meter_id HAVING count(*) >= 96
    """).fetchall()
    )
    assert set(got) == {"B", "C", "D", "R"} == set(want)  # A has 95 readings, below min_readings 96
    for meter in want:
        assert got[meter] == pytest.approx(want[meter], rel=1e-12)
