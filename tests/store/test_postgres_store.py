"""The PostgreSQL store against the real server: same interface, same answers as DuckDB.

Each test gets its own schema (``?schema=`` in the URL), dropped afterwards. Skipped, with
the reason, only when no server answers at ``GREENPARK_TEST_PG_URL`` (failed instead under
``GREENPARK_REQUIRE_SERVICES=1``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

import testkit
from greenpark.errors import InputError, ParkNotFoundError
from greenpark.model import ParkData
from greenpark.store import open_store
from greenpark.store.base import Store
from greenpark.store.duckdb import DuckDBStore
from greenpark.store.postgres import PostgresStore, split_url

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC


@pytest.fixture
def pg(pg_url: str) -> Iterator[PostgresStore]:
    store = open_store(f"{pg_url}?schema=gptest_{uuid.uuid4().hex[:12]}")
    assert isinstance(store, PostgresStore)
    try:
        yield store
    finally:
        store.drop_schema()
        store.close()


def tiny_park() -> ParkData:
    """The tiny park (``testkit.tiny_park``) with one diesel record, so a table round-trips too."""
    data = testkit.tiny_park()
    data.tables["fuels"] = pd.DataFrame(
        {"tenant_id": ["t1"], "period": ["2024-01"], "fuel": ["diesel"], "quantity": [120.0], "unit": ["l"]}
    )
    return data


def readings() -> pd.DataFrame:
    """Around the local month boundary 2024-02-01 00:00 +07:00 (= 2024-01-31 17:00 UTC)."""
    ts = pd.to_datetime(["2024-01-31T16:30Z", "2024-01-31T16:45Z", "2024-01-31T17:00Z", "2024-01-31T17:15Z"])
    return pd.DataFrame(
        {
            "meter_id": ["e1", "e1", "e1", "e1", "e2", "w0"],
            "ts": [*ts, ts[0], ts[3]],
            "value": [1.0, 2.0, 3.0, 4.0, 10.0, 0.5],
        }
    )


def test_url_schema_option_is_split_from_libpq_url() -> None:
    assert split_url("postgresql://u@h:5432/db?schema=s1&sslmode=disable") == (
        "postgresql://u@h:5432/db?sslmode=disable",
        "s1",
    )
    with pytest.raises(InputError, match="plain SQL name"):
        split_url("postgresql://u@h/db?schema=a;drop")


def test_park_round_trip(pg: PostgresStore) -> None:
    data = tiny_park()
    pg.save_park(data)
    back = pg.load_park("tiny")
    assert back.park == data.park
    assert back.tenants == data.tenants
    assert back.meters == data.meters
    pd.testing.assert_frame_equal(back.table("fuels"), data.table("fuels"))
    assert pg.park_ids() == ["tiny"]
    with pytest.raises(ParkNotFoundError, match="is not in store .*known parks: tiny"):
        pg.load_park("nope")


def test_write_readings_is_an_idempotent_upsert(pg: PostgresStore) -> None:
    pg.save_park(tiny_park())
    r = readings()
    assert pg.write_readings("tiny", r) == 6
    assert pg.write_readings("tiny", r) == 6  # resent batch: same rows, nothing added
    changed = r.iloc[[0]].assign(value=7.0)
    pg.write_readings("tiny", changed)
    got = pg.readings("tiny", ["e1"], dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2024, 3, 1, tzinfo=UTC))
    assert got["value"].tolist() == [7.0, 2.0, 3.0, 4.0]
    assert str(got["ts"].dt.tz) == "UTC"


def test_consumption_is_cut_at_local_midnight(pg: PostgresStore) -> None:
    pg.save_park(tiny_park())
    pg.write_readings("tiny", readings())
    df = pg.consumption("tiny", dt.datetime(2024, 1, 1, tzinfo=HCM), dt.datetime(2024, 3, 1, tzinfo=HCM), "month")
    # e1: 16:30Z and 16:45Z are 23:30 and 23:45 on 31 Jan local -> January 1 + 2 = 3 kWh;
    # 17:00Z and 17:15Z are 00:00 and 00:15 on 1 Feb local -> February 3 + 4 = 7 kWh.
    e = df[df["tenant_id"] == "t1"]
    assert e["value"].tolist() == [3.0, 7.0]
    assert [p.isoformat() for p in e["period_start"]] == ["2024-01-01T00:00:00+07:00", "2024-02-01T00:00:00+07:00"]
    common = df[df["tenant_id"].isna()]
    assert common[["kind", "value", "n_values"]].values.tolist() == [["water_supply", 0.5, 1]]


def test_quarantine_keeps_rows_in_order_and_meta_replaces(pg: PostgresStore) -> None:
    pg.save_park(tiny_park())
    rej = pd.DataFrame(
        {
            "file": ["http", "http"],
            "line": ["3", "1"],
            "field": ["value", "meter_id"],
            "value": ["x", "zz"],
            "reason": ["not a number", "unknown meter"],
            "raw": ["a", "b"],
        }
    )
    assert pg.add_quarantine("tiny", rej) == 2
    pg.add_quarantine("tiny", rej.iloc[[0]])
    q = pg.quarantine("tiny")
    assert q["line"].tolist() == ["3", "1", "3"]
    pg.clear_quarantine("tiny")
    assert pg.quarantine("tiny").empty
    assert pg.get_meta("k") is None
    pg.set_meta("k", "1")
    pg.set_meta("k", "2")
    assert pg.get_meta("k") == "2"


def test_replace_readings_swaps_all_rows(pg: PostgresStore) -> None:
    pg.save_park(tiny_park())
    pg.write_readings("tiny", readings())
    n = pg.replace_readings("tiny", [readings().iloc[:2], readings().iloc[2:3]])
    assert n == 3
    got = pg.readings("tiny", None, dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2024, 3, 1, tzinfo=UTC))
    assert len(got) == 3


def _same_answers(store: Store) -> dict[str, pd.DataFrame]:
    store.save_park(tiny_park())
    store.write_readings("tiny", readings())
    start, end = dt.datetime(2024, 1, 1, tzinfo=HCM), dt.datetime(2024, 3, 1, tzinfo=HCM)
    out = {"readings": store.readings("tiny", None, start, end)}
    for grain in ("15min", "hour", "day", "month", "year"):
        for by in ("tenant", "meter"):
            out[f"{grain}/{by}"] = store.consumption("tiny", start, end, grain, by)  # type: ignore[arg-type]
    return out


def test_postgres_and_duckdb_give_the_same_answers(pg: PostgresStore) -> None:
    duck = DuckDBStore(":memory:")
    try:
        want = _same_answers(duck)
    finally:
        duck.close()
    got = _same_answers(pg)
    for key, df in want.items():
        pd.testing.assert_frame_equal(
            got[key].reset_index(drop=True), df.reset_index(drop=True), check_dtype=False, obj=key
        )
