"""Readings exported as Parquet (partitioned by park and local month) and read back as a runs.Readings source."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from typer.testing import CliRunner

import testkit
from greenpark import runs
from greenpark.cli import app
from greenpark.errors import InputError, NoDataError, ParkNotFoundError
from greenpark.store.parquet import ParquetReadings, export_readings

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _readings() -> pd.DataFrame:
    """e1 (kWh): 10 + 20 in local January, 5 in local February (2024-01-31T17:00Z is 1 February 00:00 in
    Ho Chi Minh City, UTC+7); w0 (m3): 7 in local January."""
    return pd.DataFrame(
        {
            "meter_id": ["e1", "e1", "e1", "w0"],
            "ts": pd.to_datetime(
                ["2024-01-10T00:00Z", "2024-01-31T16:45Z", "2024-01-31T17:00Z", "2024-01-10T00:00Z"], utc=True
            ),
            "value": [10.0, 20.0, 5.0, 7.0],
        }
    )


def test_export_partitions_by_park_and_local_month_and_reads_back(store, tmp_path):
    data = testkit.tiny_park()
    store.save_park(data)
    store.write_readings("tiny", _readings())
    root = tmp_path / "parquet"
    assert export_readings(store, "tiny", root) == {"2024-01": 3, "2024-02": 1}
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.parquet"))
    assert files == ["park_id=tiny/month=2024-01/data_0.parquet", "park_id=tiny/month=2024-02/data_0.parquet"]

    source = ParquetReadings(root, data)
    assert source.years_with_data("tiny") == [2024]
    first, last = source.data_span("tiny")
    assert (first.isoformat(), last.isoformat()) == ("2024-01-10T07:00:00+07:00", "2024-02-01T00:00:00+07:00")
    start, end = dt.datetime(2024, 1, 1, tzinfo=HCM), dt.datetime(2025, 1, 1, tzinfo=HCM)
    monthly = source.consumption("tiny", start, end, "month", "meter")
    # e1: January 10 + 20 = 30 kWh, February 5 kWh; w0: January 7 m3
    got = list(zip(monthly["meter_id"], monthly["period_start"].dt.month, monthly["value"], strict=True))
    assert got == [("e1", 1, 30.0), ("e1", 2, 5.0), ("w0", 1, 7.0)]
    assert monthly["n_values"].tolist() == [2, 1, 1]
    # the store and the files answer alike (the same queries)
    pd.testing.assert_frame_equal(source.consumption("tiny", start, end), store.consumption("tiny", start, end))
    pd.testing.assert_frame_equal(source.coverage("tiny", start, end), store.coverage("tiny", start, end))


def test_a_second_export_replaces_the_parks_months(store, tmp_path):
    data = testkit.tiny_park()
    store.save_park(data)
    store.write_readings("tiny", _readings())
    root = tmp_path / "parquet"
    export_readings(store, "tiny", root)
    store.replace_readings("tiny", iter([_readings().iloc[[2]]]))  # only the February reading is left
    assert export_readings(store, "tiny", root) == {"2024-02": 1}
    assert [p.parent.name for p in root.rglob("*.parquet")] == ["month=2024-02"]


def test_export_errors_name_the_problem(store, tmp_path):
    data = testkit.tiny_park()
    store.save_park(data)
    with pytest.raises(InputError, match="no readings to export"):
        export_readings(store, "tiny", tmp_path)
    with pytest.raises(ParkNotFoundError):
        export_readings(store, "nowhere", tmp_path)
    with pytest.raises(InputError, match="park 'tiny'"):
        ParquetReadings(tmp_path, data).consumption("other", dt.datetime(2024, 1, 1, tzinfo=HCM), dt.datetime.now(HCM))


def test_a_park_without_files_has_no_years(tmp_path):
    """runs then says the park has no readings (NoDataError), as for an empty store."""
    data = testkit.tiny_park()
    assert ParquetReadings(tmp_path, data).years_with_data("tiny") == []
    with pytest.raises(Exception, match="no meter readings"):
        runs.park_year(data, ParquetReadings(tmp_path, data), None)


def test_the_engines_run_unchanged_on_the_files(example_park, tmp_path):
    """The CLI exports the example park; the inventory from the files equals the store's exactly (both sum the
    readings as decimals, so the row order of the files does not matter)."""
    root = tmp_path / "parquet"
    result = CliRunner().invoke(app, ["export", str(example_park), "--parquet", str(root), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert sorted(out["rows_by_month"]) == [f"2024-{m:02d}" for m in range(1, 13)]
    from greenpark.io.importer import open_park

    data, store = open_park(str(example_park))
    try:
        assert sum(out["rows_by_month"].values()) == len(store.readings(data.park.park_id, None, *_year(data)))
        from_store = runs.inventory_for(runs.ParkYear(data, store, 2024), "AR5")
    finally:
        store.close()
    from_files = runs.inventory_for(runs.ParkYear(data, ParquetReadings(root, data), 2024), "AR5")
    assert from_files.model_dump(mode="json") == from_store.model_dump(mode="json")


def _year(data) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime(2023, 1, 1, tzinfo=HCM), dt.datetime(2026, 1, 1, tzinfo=HCM)


def test_assess_on_the_files_equals_assess_on_the_store(example_park, tmp_path):
    """``assess --parquet``: the readings from the exported files, the records from the store; every figure equal."""
    from greenpark.assess import assess
    from greenpark.portfolio.cluster import without_timing

    root = tmp_path / "parquet"
    assert CliRunner().invoke(app, ["export", str(example_park), "--parquet", str(root)]).exit_code == 0
    on_store = assess(str(example_park), year=2024, study_date=dt.date(2025, 6, 1), workers=1).to_json()
    on_files = assess(
        str(example_park), year=2024, study_date=dt.date(2025, 6, 1), workers=1, readings_dir=str(root)
    ).to_json()
    assert without_timing(on_files) == without_timing(on_store)
    assert on_files["stages"]["inventory"]["status"] == "ok"


def test_assess_on_a_dataset_without_the_park_says_so(example_park, tmp_path):
    """A dataset that does not hold the park: no readings, the error names the years there are (none)."""
    from greenpark.assess import assess

    (tmp_path / "empty").mkdir()
    with pytest.raises(NoDataError, match="no readings of park .* in the Parquet dataset .*greenpark export"):
        assess(str(example_park), year=2024, workers=1, readings_dir=str(tmp_path / "empty"))
