"""Record tables read back from the store equal the tables read from the park's files, value for value and dtype.

The first run of a command on a park folder reads the files while it imports them; every later run loads the
tables from the store. Both must give the same figures to the last bit: the store kept floats through pandas'
``to_json`` (``2.506`` came back ``2.5060000000000002``, so a park's waste sum differed between the two runs:
452.052 t against 452.05199999999996 t) and gave ``valid_from``/``implemented_on``/... back as text.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd

from greenpark.io.importer import open_park
from greenpark.model import Park, ParkData
from greenpark.store import codec


def _table() -> pd.DataFrame:
    """A record table with every kind of column a park's files give: text, float, int, date, timestamp, gaps."""
    return pd.DataFrame(
        {
            "tenant_id": pd.Series(["T01", "T02", None], dtype="str"),
            "quantity_t": [2.506, 0.1 + 0.2, float("nan")],  # 0.30000000000000004 must stay itself
            "line": [2, 3, 4],
            "valid_from": [dt.date(2022, 6, 1), None, dt.date(2024, 1, 1)],
            "ts": pd.to_datetime(["2024-01-01T00:15:00Z", "2024-07-01T12:00:00Z", None], utc=True),
            "flag": [True, False, True],
        }
    )


def test_a_record_table_survives_the_json_doc_exactly():
    table = _table()
    back = codec.table_from_doc(codec.table_doc(table))
    pd.testing.assert_frame_equal(back, table, check_exact=True)
    assert back["quantity_t"].tolist()[:2] == [2.506, 0.30000000000000004]
    assert back["valid_from"].tolist()[0] == dt.date(2022, 6, 1)


def test_an_empty_table_keeps_its_columns():
    table = _table().iloc[0:0]
    back = codec.table_from_doc(codec.table_doc(table))
    assert list(back.columns) == list(table.columns)
    assert len(back) == 0


def test_a_table_written_by_an_earlier_version_still_reads():
    """Stores written before the typed doc hold pandas' ``split`` JSON: dates restored by column name."""
    old = '{"columns":["date","quantity_t"],"data":[["2024-01-02",1.5]]}'
    back = codec.table_from_doc(old)
    assert back["date"].tolist() == [dt.date(2024, 1, 2)]
    assert back["quantity_t"].tolist() == [1.5]


def test_every_backend_gives_the_tables_back_as_saved(store):
    data = ParkData(
        park=Park(park_id="p1", name="P", latitude=10.8, longitude=106.9, area_ha=100), tables={"waste": _table()}
    )
    store.save_park(data)
    pd.testing.assert_frame_equal(store.load_park("p1").tables["waste"], _table(), check_exact=True)


def test_the_example_parks_first_run_and_later_runs_read_the_same_tables(example_park, tmp_path):
    """First open imports (tables from the files), the second loads the store: every table equal, dtypes too."""
    folder = tmp_path / "park"
    shutil.copytree(example_park, folder, ignore=shutil.ignore_patterns(".greenpark"))  # not yet imported
    from_files, store = open_park(folder)
    store.close()
    from_store, store = open_park(folder)
    store.close()
    assert set(from_files.tables) == set(from_store.tables)
    for name, table in from_files.tables.items():
        pd.testing.assert_frame_equal(
            from_store.tables[name].reset_index(drop=True), table.reset_index(drop=True), check_exact=True, obj=name
        )
