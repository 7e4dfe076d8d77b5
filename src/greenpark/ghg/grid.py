"""Grid electricity emission factor of Vietnam by data year.

A year without a published factor takes the latest published year's factor by
default and says so (``fallback=True``); with ``strict=True`` it is an error that
names the known years and how to add one. Rows whose ``status`` is ``study`` (the
2024 value from the HUST/MAE study) are usable but flagged, until announced.

Which factor an inventory uses depends on its purpose (:func:`grid_factor_for`, rule table
``ghg/grid_factor_rules``): an analysis uses its data year's factor; an inventory for submission under
Decree 06/2022 uses the latest factor the DCC had *announced* when the report is made (a study value is not
an announcement), and says which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from greenpark.errors import InputError, MissingFactorError
from greenpark.reference import FactorRow, load_table, row_to_factor

TABLE = "ghg/grid_factors"
RULES_TABLE = "ghg/grid_factor_rules"


@dataclass(frozen=True)
class GridFactor:
    """The grid factor applied to one inventory year, and how it was chosen."""

    year_requested: int
    year_used: int
    factor: FactorRow
    status: str
    fallback: bool
    rule: str = "data_year"
    note: str = ""

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
            "rule": self.rule,
            "note": self.note,
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


def grid_factor_for(
    year: int,
    purpose: str = "default",
    submission_date: dt.date | None = None,
    strict: bool = False,
    extra_dirs: Iterable[Path] = (),
) -> GridFactor:
    """The grid factor an inventory of data year ``year`` uses for ``purpose``, by the rule in reference data.

    Parameters
    ----------
    year : int
        Data year of the electricity consumed.
    purpose : str
        A ``purpose`` of ``ghg/grid_factor_rules``: ``default`` (the data year's factor, as
        :func:`grid_factor`) or ``decree06`` (an inventory for submission under Decree 06/2022: the latest
        factor announced by the DCC at ``submission_date``, of a data year not after ``year``).
    submission_date : date, optional
        When the report is made (``decree06``): rows announced after it are not yet known. None: every row
        announced so far. Rows whose ``announced_on`` is unknown are taken as announced (the note says so).
    strict, extra_dirs
        As for :func:`grid_factor` (``default`` purpose).

    Returns
    -------
    GridFactor
        With ``rule`` and a ``note`` saying which factor was taken and why (shown with the inventory).

    Raises
    ------
    InputError
        Unknown purpose (the message lists them).
    MissingFactorError
        No announced factor up to ``year``.

    References
    ----------
    Decree 06/2022/ND-CP (as amended by Decree 119/2025/ND-CP): inventories use the emission factors the
    competent authority announced; grid factors are announced by the Department of Climate Change.
    """
    rules = load_table(RULES_TABLE, extra_dirs)
    if purpose not in set(rules["purpose"]):
        raise InputError(f"unknown grid-factor purpose {purpose!r}; choose one of {sorted(set(rules['purpose']))}")
    rule = str(rules.loc[rules["purpose"] == purpose, "rule"].iloc[-1])  # a user row (appended last) wins
    if rule == "data_year":
        gf = grid_factor(year, strict=strict, extra_dirs=extra_dirs)
        note = f"grid factor of data year {gf.year_used} ({gf.status})"
        return GridFactor(gf.year_requested, gf.year_used, gf.factor, gf.status, gf.fallback, rule, note)
    df = load_table(TABLE, extra_dirs)
    df = df.sort_values("origin", key=lambda s: s.map({"user": 0, "shipped": 1})).drop_duplicates("year")
    announced = pd.to_datetime(df["announced_on"], errors="coerce").dt.date
    known = df["status"].eq("announced") & (df["year"].astype(int) <= year)
    if submission_date is not None:
        known &= announced.isna() | (announced <= submission_date)
    hits = df[known]
    if hits.empty:
        raise MissingFactorError(
            f"no grid factor announced by the DCC for a data year up to {year}"
            f"{' by ' + submission_date.isoformat() if submission_date else ''}; add the announced row to "
            f"<your reference folder>/{TABLE}.csv with status 'announced' and its announced_on date"
        )
    row = hits.loc[hits["year"].astype(int).idxmax()]
    used = int(row["year"])
    skipped = df[(df["year"].astype(int) > used) & (df["year"].astype(int) <= year)]
    value = float(row["value"])
    note = f"Decree 06 submission: latest factor announced by the DCC = data year {used} ({value:g} tCO2/MWh)"
    if pd.isna(announced.loc[row.name]):
        note += "; its announcement date is not recorded, taken as announced before the submission"
    if not skipped.empty:
        note += "; not used (not announced at the time): " + ", ".join(
            f"{int(r.year)} {r.status} {float(r.value):g}" for r in skipped.itertuples()
        )
    return GridFactor(
        year_requested=year,
        year_used=used,
        factor=row_to_factor(TABLE, row, ["year"]),
        status=str(row["status"]),
        fallback=used != year,
        rule=rule,
        note=note,
    )
