"""The input edge of time: ISO 8601 text to UTC, with naive times taken as park local time.

A timestamp with an offset (``+07:00``, ``Z``) is taken as is; one without is park
local time (``park.toml`` ``timezone``). Parsing runs in DuckDB (vectorised, ICU time
zones) with the session ``TimeZone`` set to the park's zone, so one cast reads both
forms: the same SQL expression serves the readings pipeline and the record tables.
"""

from __future__ import annotations

import duckdb
import pandas as pd


def sql_quote(text: str) -> str:
    """Quote a string as an SQL literal."""
    return "'" + str(text).replace("'", "''") + "'"


def timestamp_sql(column: str) -> str:
    """SQL (DuckDB) turning text column ``column`` into TIMESTAMPTZ; NULL when it does not parse.

    The connection's ``TimeZone`` setting must be the park's zone while this runs: DuckDB
    then reads a timestamp without an offset as park local time and one with an offset
    (``+07:00``, ``Z``) as written. (A local time that does not exist in a zone with
    daylight saving is moved forward by DuckDB/ICU; an ambiguous one takes the later instant.)
    """
    return f"TRY_CAST(trim(CAST({column} AS VARCHAR)) AS TIMESTAMPTZ)"


def parse_timestamps(values: pd.Series, zone: str) -> pd.Series:
    """Parse ISO 8601 text into tz-aware UTC timestamps (NaT where it does not parse).

    Parameters
    ----------
    values : pandas.Series
        Timestamps as text (naive = park local time; an offset is respected).
    zone : str
        IANA zone of the park, applied to naive timestamps.

    Returns
    -------
    pandas.Series
        ``datetime64[us, UTC]`` aligned with ``values``.
    """
    frame = pd.DataFrame({"t": values.astype("string").fillna("").to_numpy(dtype=object)})
    con = duckdb.connect()
    try:
        con.execute(f"SET TimeZone={sql_quote(zone)}")
        con.register("frame", frame)
        out = con.sql(f"SELECT epoch_us({timestamp_sql('t')}) AS us FROM frame").df()["us"]
    finally:
        con.close()
    ts = pd.to_datetime(out, unit="us", utc=True)
    ts.index = values.index
    return ts


def local_text(ts: object, zone: str) -> str:
    """A UTC instant as park local time for people: ``2024-03-05 10:15`` (the park's zone, no offset shown).

    Parameters
    ----------
    ts : datetime or pandas.Timestamp
        A tz-aware instant (naive = UTC, as the stores return it).
    zone : str
        IANA zone of the park.
    """
    t = pd.Timestamp(ts)  # type: ignore[arg-type]
    if pd.isna(t):
        return ""
    if t.tzinfo is None:
        t = t.tz_localize("UTC")
    return t.tz_convert(zone).strftime("%Y-%m-%d %H:%M")


def local_series(ts: pd.Series, zone: str) -> pd.Series:
    """A column of UTC instants as park local time text (``2024-03-05 10:15``); '' where missing."""
    t = pd.to_datetime(ts, utc=True, errors="coerce")
    return t.dt.tz_convert(zone).dt.strftime("%Y-%m-%d %H:%M").fillna("")
