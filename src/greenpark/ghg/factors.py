"""Factor selection with the national priority order, and the record of factors used.

A factor may exist in several sets. The priority follows MOIT Circular 38/2023/TT-BCT Art.18 (vietnam-facts
§3.3): an approved facility-specific factor (``facility``), then the national list of Decision 2626/QD-BTNMT
(``national_2626``), then the IPCC default (``ipcc_2006`` / ``ipcc_2019r``). Within one set, a user row (from a
user reference folder) wins over a shipped row. Every factor an engine applies is returned as a
:class:`FactorUsed` so reports can show their factor table.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from greenpark.errors import MissingFactorError
from greenpark.reference import FactorRow, load_table, lookup, row_to_factor

FACTOR_SET_PRIORITY: tuple[str, ...] = ("facility", "national_2626", "ipcc_2019r", "ipcc_2006")


class FactorUsed(BaseModel):
    """One factor applied in a result: what it is, its value and where it comes from (immutable)."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="stable name, e.g. 'combustion.diesel.co2' or 'grid_electricity_vn'")
    value: float
    unit: str
    source: str
    edition: str = ""
    confidence: str = ""
    factor_set: str = ""
    flags: list[str] = Field(default_factory=list, description="e.g. 'fallback', 'study', 'recalled'")

    @classmethod
    def from_row(cls, name: str, row: FactorRow, factor_set: str = "", flags: Iterable[str] = ()) -> FactorUsed:
        """Record a reference row under a stable name."""
        flags = list(flags)
        if row.confidence == "R" and "recalled" not in flags:
            flags.append("recalled")
        return cls(
            name=name,
            value=row.value,
            unit=row.unit,
            source=row.source,
            edition=row.edition,
            confidence=row.confidence,
            factor_set=factor_set,
            flags=flags,
        )


def _rank(df: pd.DataFrame) -> pd.Series:
    order = {name: i for i, name in enumerate(FACTOR_SET_PRIORITY)}
    if "factor_set" in df:
        # a user row that names no set is taken as facility-specific (the user's own, approved factor)
        sets = df["factor_set"].where(df["factor_set"].notna() | (df["origin"] != "user"), "facility")
        set_rank = sets.map(lambda s: order.get(str(s), len(order)))
    else:
        set_rank = 0
    origin_rank = df["origin"].map({"user": 0, "shipped": 1})
    return set_rank * 10 + origin_rank


def select_factor(table: str, extra_dirs: Iterable[Path] = (), **keys: Any) -> tuple[FactorRow, str]:
    """The highest-priority row of ``table`` matching ``keys``, and its factor set.

    Shipped-only look-ups are cached (the shipped tables are read once per process, as in the loader); a
    look-up with user folders reads them afresh.

    Raises
    ------
    MissingFactorError
        No row matches; the message lists the known values of each key.
    """
    extra_dirs = tuple(extra_dirs)
    if not extra_dirs:
        return _select_shipped(table, tuple(keys.items()))
    return _select(table, extra_dirs, keys)


@lru_cache(maxsize=1024)
def _select_shipped(table: str, keys: tuple[tuple[str, Any], ...]) -> tuple[FactorRow, str]:
    return _select(table, (), dict(keys))


def _select(table: str, extra_dirs: tuple[Path, ...], keys: dict[str, Any]) -> tuple[FactorRow, str]:
    df = load_table(table, extra_dirs)
    mask = pd.Series(True, index=df.index)
    for k, v in keys.items():
        mask &= df[k].astype(str) == str(v)
    hits = df[mask]
    if hits.empty:
        known = {k: sorted(df[k].astype(str).unique().tolist()) for k in keys}
        raise MissingFactorError(
            f"no row in reference table {table!r} for {keys}; known values: {known}; "
            f"add a row to <your reference folder>/{table}.csv"
        )
    hits = hits.assign(_rank=_rank(hits)).sort_values("_rank", kind="stable")
    row = hits.iloc[0]
    factor_set = str(row["factor_set"]) if "factor_set" in hits else ""
    return row_to_factor(table, row, list(keys)), factor_set


def lookup_row(table: str, extra_dirs: Iterable[Path] = (), on: Any = None, **keys: Any) -> FactorRow:
    """:func:`greenpark.reference.lookup`, cached when only shipped tables are involved."""
    extra_dirs = tuple(extra_dirs)
    if not extra_dirs:
        return _lookup_shipped(table, on, tuple(keys.items()))
    return lookup(table, on=on, extra_dirs=extra_dirs, **keys)


@lru_cache(maxsize=1024)
def _lookup_shipped(table: str, on: Any, keys: tuple[tuple[str, Any], ...]) -> FactorRow:
    return lookup(table, on=on, **dict(keys))


def dedupe_factors(factors: Iterable[FactorUsed]) -> list[FactorUsed]:
    """Factors in first-use order, each name once."""
    seen: dict[str, FactorUsed] = {}
    for f in factors:
        seen.setdefault(f.name, f)
    return list(seen.values())
