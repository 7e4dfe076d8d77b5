"""Reference data: factors, limits, tariffs and defaults, each row with its source.

Every number greenpark uses that is not a definition or a user's input lives in a
CSV file under ``reference/data/`` (one table per file, grouped by pillar in
sub-folders, e.g. ``data/ghg/grid_factors.csv``). Code names the row; it never holds
the number.

Every table has, besides its own key columns:

============  =================================================================
value         the number (float)
unit          the unit of ``value`` (free text, e.g. ``tCO2/MWh``, ``kg/TJ``)
source        where the number comes from (document, table, URL)
edition       edition or version of the source (e.g. ``IPCC 2006 Vol.2 Ch.2``)
valid_from    first date the row applies (ISO date; empty = always)
valid_to      last date the row applies (ISO date, inclusive; empty = open)
confidence    V verified, S secondary, D derived, R recalled (see docs/reference.md)
============  =================================================================

Tables whose rows are not single numbers (a tariff band, a time-of-use window)
keep the same provenance columns and add their own value columns.

A user can add rows or whole tables from a folder of their own
(:func:`load_table` ``extra_dirs``); a user's row with the same key and dates
wins over the shipped one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from greenpark.errors import MissingFactorError, ReferenceDataError

DATA_DIR = Path(__file__).parent / "data"
PROVENANCE_COLUMNS = ("source", "edition", "valid_from", "valid_to")


@dataclass(frozen=True)
class FactorRow:
    """One row of a reference table, with its provenance.

    ``keys`` holds the table's own key columns (e.g. ``{"year": 2023}``).
    """

    table: str
    keys: dict[str, Any]
    value: float
    unit: str
    source: str
    edition: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    confidence: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form used in result objects and the report's factor table."""
        return {
            "table": self.table,
            **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.keys.items()},
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "edition": self.edition,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "confidence": self.confidence,
        }


def _read_csv(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, comment="#", skipinitialspace=True, dtype={"valid_from": str, "valid_to": str})
    missing = [c for c in PROVENANCE_COLUMNS if c not in df.columns]
    if missing:
        raise ReferenceDataError(
            f"reference table {path} lacks column(s) {missing}; every table needs {PROVENANCE_COLUMNS}"
        )
    for col in ("valid_from", "valid_to"):
        df[col] = pd.to_datetime(df[col], errors="raise").dt.date
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    if "source" in df and df["source"].isna().any():
        bad = df.index[df["source"].isna()].tolist()
        raise ReferenceDataError(
            f"reference table {path}: rows {bad} have no source; every row must say where it comes from"
        )
    return df


def table_names() -> list[str]:
    """Names of the shipped tables, e.g. ``['ghg/grid_factors', 'water/qcvn40_2011', ...]``."""
    return sorted(str(p.relative_to(DATA_DIR).with_suffix("")) for p in DATA_DIR.rglob("*.csv"))


@lru_cache(maxsize=128)
def _shipped(name: str) -> pd.DataFrame:
    path = DATA_DIR / f"{name}.csv"
    if not path.exists():
        raise ReferenceDataError(f"no reference table {name!r}; shipped tables: {', '.join(table_names())}")
    return _read_csv(path)


def load_table(name: str, extra_dirs: Iterable[Path] = ()) -> pd.DataFrame:
    """Load a reference table by name (path under ``data/`` without ``.csv``).

    Rows from ``extra_dirs`` (user folders holding ``<name>.csv``) are appended after
    the shipped rows and marked ``origin='user'``; shipped rows get ``origin='shipped'``.
    Returns a copy the caller may modify.
    """
    frames = [_shipped(name).assign(origin="shipped")]
    for d in extra_dirs:
        path = Path(d) / f"{name}.csv"
        if path.exists():
            frames.append(_read_csv(path).assign(origin="user"))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].copy()


def valid_on(df: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Rows of a reference table that apply on date ``on`` (valid_from <= on <= valid_to)."""
    start_ok = df["valid_from"].map(lambda d: d is None or d <= on)
    end_ok = df["valid_to"].map(lambda d: d is None or on <= d)
    return df[start_ok & end_ok]


def row_to_factor(name: str, row: pd.Series, key_columns: Iterable[str]) -> FactorRow:
    """Turn one table row into a :class:`FactorRow`."""
    return FactorRow(
        table=name,
        keys={k: (row[k].item() if hasattr(row[k], "item") else row[k]) for k in key_columns},
        value=float(row["value"]),
        unit=str(row.get("unit", "")),
        source=str(row["source"]),
        edition=str(row.get("edition", "") if pd.notna(row.get("edition", "")) else ""),
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        confidence=str(row.get("confidence", "") if pd.notna(row.get("confidence", "")) else ""),
    )


def lookup(name: str, on: dt.date | None = None, extra_dirs: Iterable[Path] = (), **keys: Any) -> FactorRow:
    """The one row of table ``name`` matching ``keys`` (and valid on date ``on``).

    A user row (from ``extra_dirs``) wins over a shipped row with the same keys.

    Raises
    ------
    MissingFactorError
        No row matches; the message lists the key values the table does have.
    """
    df = load_table(name, extra_dirs)
    mask = pd.Series(True, index=df.index)
    for k, v in keys.items():
        if k not in df.columns:
            raise ReferenceDataError(f"reference table {name!r} has no column {k!r}; columns: {list(df.columns)}")
        mask &= df[k].astype(str) == str(v)
    hits = df[mask]
    if on is not None:
        hits = valid_on(hits, on)
    if hits.empty:
        known = {k: sorted(df[k].astype(str).unique().tolist()) for k in keys}
        when = f" valid on {on.isoformat()}" if on else ""
        raise MissingFactorError(
            f"no row in reference table {name!r} for {keys}{when}; known values: {known}; "
            f"add a row to a user reference folder (<dir>/{name}.csv) to supply it"
        )
    hits = hits.sort_values("origin", key=lambda s: s.map({"user": 0, "shipped": 1}))
    return row_to_factor(name, hits.iloc[0], keys.keys())
