"""Grid electricity emission factor of Vietnam by data year.

A year without a published factor takes the latest published year's factor by
default and says so (``fallback=True``); with ``strict=True`` it is an error that
names the known years and how to add one. Rows whose ``status`` is ``study`` (the
2024 value from the HUST/MAE study) are usable but flagged, until announced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greenpark.errors import MissingFactorError
from greenpark.reference import FactorRow, load_table, row_to_factor

TABLE = "ghg/grid_factors"


@dataclass(frozen=True)
class GridFactor:
    """The grid factor applied to one inventory year, and how it was chosen."""

    year_requested: int
    year_used: int
    factor: FactorRow
    status: str
    fallback: bool

    @property
    def tco2_per_mwh(self) -> float:
        """The factor in tCO2 per MWh (= kg CO2 per kWh)."""
        return self.factor.value

    def as_dict(self) -> dict[str, Any]:
        """JSON form, with the flags the report shows."""
        return {
            **self.factor.as_dict(),
            "name": "grid_electricity_vn",
            "year_requested": self.year_requested,
            "year_used": self.year_used,
            "status": self.status,
            "fallback": self.fallback,
        }


def grid_factor(year: int, strict: bool = False, extra_dirs: Iterable[Path] = ()) -> GridFactor:
    """The Vietnam grid emission factor for data year ``year``.

    Parameters
    ----------
    year : int
        Data year of the electricity consumed.
    strict : bool
        If True, a year without its own factor raises instead of falling back.
    extra_dirs : iterable of Path
        User reference folders that may add rows (``ghg/grid_factors.csv``).

    Raises
    ------
    MissingFactorError
        ``strict`` and no row for ``year``; or no row at all up to ``year``.
    """
    df = load_table(TABLE, extra_dirs)
    df = df.sort_values("origin", key=lambda s: s.map({"user": 0, "shipped": 1})).drop_duplicates("year")
    known = sorted(int(y) for y in df["year"])
    hit = df[df["year"] == year]
    fallback = False
    if hit.empty:
        earlier = [y for y in known if y < year]
        if strict or not earlier:
            raise MissingFactorError(
                f"no grid emission factor for {year}; known years {known[0]}–{known[-1]}; add a row "
                f"'year,value,unit,status,source,edition,valid_from,valid_to,confidence' to "
                f"<your reference folder>/{TABLE}.csv, or drop --strict-factors to use "
                f"{max(earlier) if earlier else '—'}"
            )
        hit = df[df["year"] == max(earlier)]
        fallback = True
    row = hit.iloc[0]
    return GridFactor(
        year_requested=year,
        year_used=int(row["year"]),
        factor=row_to_factor(TABLE, row, ["year"]),
        status=str(row["status"]),
        fallback=fallback,
    )
