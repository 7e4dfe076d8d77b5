"""The input edge of time: ISO 8601 text to UTC, with naive times taken as park local time.

A timestamp with an offset (``+07:00``, ``Z``) is taken as is; one without is park
local time (``park.toml`` ``timezone``). Parsing runs in DuckDB (vectorised, ICU time
zones): the same SQL expression serves the readings pipeline and the record tables.
"""

from __future__ import annotations

import duckdb
import pandas as pd

# An explicit offset at the end of a date-time: Z, +07, +0700, +07:00 (after a time part).
_OFFSET_RE = r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)$"


def sql_quote(text: str) -> str:
    """Quote a string as an SQL literal."""
    return "'" + str(text).replace("'", "''") + "'"


def timestamp_sql(column: str, zone: str) -> str:
    """SQL (DuckDB) turning text column ``column`` into TIMESTAMPTZ; NULL when it does not parse."""
    col = f"trim(CAST({column} AS VARCHAR))"
    return (
        f"CASE WHEN regexp_matches({col}, '{_OFFSET_RE}') "
        f"THEN TRY_CAST({col} AS TIMESTAMPTZ) "
        f"ELSE timezone({sql_quote(zone)}, TRY_CAST({col} AS TIMESTAMP)) END"
    )


def parse_timestamps(values: pd.Series, zone: str) -> pd.Series:
    """Parse ISO 8601 text into tz-aware UTC timestamps (NaT where it does not parse).

    Parameters
    ----------
    values : pandas.Series
        Timestamps as text (or datetimes: naive = park local, aware kept).
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
        con.execute("SET TimeZone='UTC'")
        con.register("frame", frame)
        out = con.sql(f"SELECT {timestamp_sql('t', zone)} AS ts FROM frame").df()["ts"]
    finally:
        con.close()
    out.index = values.index
    return pd.to_datetime(out, utc=True)
