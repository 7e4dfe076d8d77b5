"""open_park / import_park: import once, reuse while unchanged, park ids, the store URL rule."""

from __future__ import annotations

import os
import time

import pytest

from greenpark.errors import ParkNotFoundError
from greenpark.io.importer import default_store_url, import_park, open_park
from greenpark.store import open_store

READINGS = "meter_id,timestamp,value\nE1,2024-01-01 00:00,1\nE1,2024-01-01 00:15,2\nE9,2024-01-01 00:00,1\n"


def test_open_park_imports_once_then_reuses(make_park, monkeypatch):
    monkeypatch.delenv("GREENPARK_STORE", raising=False)
    park = make_park(readings=READINGS)
    data, store = open_park(str(park))
    try:
        assert data.park.park_id == "tiny"
        assert (park / ".greenpark" / "store.duckdb").exists()
        assert len(store.quarantine("tiny")) == 1  # E9: unknown meter
    finally:
        store.close()
    # unchanged: the second call does not import again (the report says skipped)
    with open_store(default_store_url(park)) as store:
        report = import_park(park, store)
        assert report.skipped
        assert report.counts["readings.csv"].read == 3
        assert len(store.quarantine("tiny")) == 1  # not doubled


def test_changed_file_is_imported_again(make_park, monkeypatch):
    monkeypatch.delenv("GREENPARK_STORE", raising=False)
    park = make_park(readings=READINGS)
    _, store = open_park(str(park))
    store.close()
    time.sleep(0.01)
    (park / "readings.csv").write_text(READINGS + "E1,2024-01-01 00:30,5\n")
    with open_store(default_store_url(park)) as store:
        report = import_park(park, store)
        assert not report.skipped
        assert report.readings_written == 3
        assert len(store.quarantine("tiny")) == 1


def test_park_id_in_store_from_url_or_env(make_park, tmp_path, monkeypatch):
    url = f"duckdb://{tmp_path / 'shared.duckdb'}"
    park = make_park(readings=READINGS)
    monkeypatch.delenv("GREENPARK_STORE", raising=False)
    _, store = open_park(str(park), url)
    store.close()
    data, store = open_park("tiny", url)
    store.close()
    assert data.park.park_id == "tiny"
    monkeypatch.setenv("GREENPARK_STORE", url)
    data, store = open_park("tiny")
    store.close()
    assert [m.meter_id for m in data.meters] == ["E1", "E2", "C1", "C2", "W1"]
    with pytest.raises(ParkNotFoundError, match="park 'nope' is not in store"):
        open_park("nope")


def test_unknown_park_without_store_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("GREENPARK_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParkNotFoundError, match="neither a park folder"):
        open_park("nope")
    assert not os.path.exists(tmp_path / ".greenpark")  # nothing created


def test_workbook_store_sits_next_to_it(tmp_path):
    book = tmp_path / "p.xlsx"
    book.write_bytes(b"")
    assert default_store_url(book) == f"duckdb://{tmp_path / '.greenpark' / 'store.duckdb'}"
