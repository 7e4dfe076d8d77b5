"""The one full-year rule: how a yearly figure is stated when the year's readings are not all there.

Every engine that states a yearly figure (the inventory, solar sizing, energy benchmarks, the plan) takes the
readings' coverage as an input frame and applies these functions, so one tenant's yearly consumption is the
same number in every command. The engines never ask the store: the application layer passes
``Store.coverage(park_id, start, end, by=..., grain=...)``, whose columns are

==================  ===============================================================================
meter_id/tenant_id  the meter (``by="meter"``) or the tenant (``by="tenant"``; empty = park common)
kind                meter kind (``electricity_import`` ...)
period_start        tz-aware start of the period (park local month or year)
expected_intervals  intervals the period should hold at the meter's interval (int)
valid_intervals     stored readings (held-out values excluded) (int)
coverage            valid / expected, 0..1
longest_gap_h       longest run without a valid reading, hours
==================  ===============================================================================

The rule (thresholds are rows of ``reference/data/coverage/full_year.csv``, with their rationale):

- ``coverage >= complete_min`` (0.9, CalTRACK 2.0 data sufficiency): ``complete``; the measured figure is the
  year's figure, and while coverage < 1 the estimate is shown beside it;
- ``estimate_min <= coverage < complete_min``: ``partial``; the year is reported as measured, with the
  full-year estimate ``measured / coverage`` beside it, labelled as an estimate;
- ``coverage < estimate_min`` (0.25), or coverage unknown: ``insufficient``; no full-year estimate is stated.

The estimate assumes the missing intervals look like the measured ones on average (a straight scale-up of
the measured part, the simplest of the estimation methods utilities' VEE systems use); it is a screen, never a
figure for submission to the authorities.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from greenpark.errors import InputError
from greenpark.reference import FactorRow, lookup

TABLE = "coverage/full_year"
COMPLETE, PARTIAL, INSUFFICIENT = "complete", "partial", "insufficient"
STATUSES: tuple[str, ...] = (COMPLETE, PARTIAL, INSUFFICIENT)
#: Columns of ``Store.coverage`` besides its key (``meter_id`` or ``tenant_id``).
COVERAGE_COLUMNS: tuple[str, ...] = (
    "kind",
    "period_start",
    "expected_intervals",
    "valid_intervals",
    "coverage",
    "longest_gap_h",
)


@dataclass(frozen=True)
class FullYearRule:
    """The thresholds of the rule and the reference rows they come from."""

    complete_min: float
    estimate_min: float
    rows: tuple[FactorRow, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON form for results' assumptions (values and their sources)."""
        return {
            "complete_min": self.complete_min,
            "estimate_min": self.estimate_min,
            "method": "full-year estimate = measured / coverage, stated when coverage >= estimate_min",
            "rows": [r.as_dict() for r in self.rows],
        }


def full_year_rule(extra_dirs: Iterable[Path] = ()) -> FullYearRule:
    """The thresholds of the rule from ``reference/data/coverage/full_year.csv`` (a user folder may override)."""
    extra_dirs = tuple(extra_dirs)
    return _rule(extra_dirs) if extra_dirs else _shipped_rule()


@lru_cache(maxsize=1)
def _shipped_rule() -> FullYearRule:
    return _rule(())


def _rule(extra_dirs: tuple[Path, ...]) -> FullYearRule:
    complete = lookup(TABLE, extra_dirs=extra_dirs, item="complete_min")
    estimate = lookup(TABLE, extra_dirs=extra_dirs, item="estimate_min")
    if not 0 < estimate.value <= complete.value <= 1:
        raise InputError(
            f"coverage thresholds must satisfy 0 < estimate_min ({estimate.value}) <= complete_min "
            f"({complete.value}) <= 1; fix {TABLE}.csv in your reference folder"
        )
    return FullYearRule(complete.value, estimate.value, (complete, estimate))


def coverage_statuses(coverage: pd.Series | np.ndarray, rule: FullYearRule | None = None) -> np.ndarray:
    """``complete`` / ``partial`` / ``insufficient`` for each coverage (NaN = unknown = ``insufficient``)."""
    rule = rule or full_year_rule()
    c = np.asarray(coverage, dtype=float)
    return np.where(c >= rule.complete_min, COMPLETE, np.where(c >= rule.estimate_min, PARTIAL, INSUFFICIENT))


def full_year_estimates(
    measured: pd.Series | np.ndarray, coverage: pd.Series | np.ndarray, rule: FullYearRule | None = None
) -> np.ndarray:
    """``measured / coverage`` where coverage >= ``estimate_min``, NaN elsewhere (no estimate stated).

    Coverage above 1 (more readings than expected intervals, e.g. duplicate channels) is taken as 1.
    """
    rule = rule or full_year_rule()
    m = np.asarray(measured, dtype=float)
    c = np.minimum(np.asarray(coverage, dtype=float), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c >= rule.estimate_min, m / c, np.nan)


def coverage_status(coverage: float | None, rule: FullYearRule | None = None) -> str:
    """The status of one coverage (None = not measured = ``insufficient``)."""
    return str(coverage_statuses(np.array([np.nan if coverage is None else coverage]), rule)[0])


def full_year_estimate(measured: float, coverage: float | None, rule: FullYearRule | None = None) -> float | None:
    """The full-year estimate of one measured figure, or None when coverage is unknown or too low.

    Parameters
    ----------
    measured : float
        The figure summed over the valid intervals of the year (kWh, tCO2e ...).
    coverage : float or None
        Valid / expected intervals of the year, 0..1 (``Store.coverage``); None = not measured.

    Returns
    -------
    float or None
        ``measured / coverage`` when ``coverage >= estimate_min``, else None.
    """
    est = full_year_estimates(np.array([measured]), np.array([np.nan if coverage is None else coverage]), rule)[0]
    return None if math.isnan(est) else float(est)


class YearFigure(BaseModel):
    """A yearly figure as measured, its coverage, and the labelled full-year estimate beside it."""

    measured: float
    unit: str
    coverage: float | None = Field(description="valid / expected intervals of the year; None = not measured")
    status: str = Field(description="complete, partial or insufficient")
    full_year_estimate: float | None = Field(description="ESTIMATE measured / coverage; None when not stated")
    label: str


def year_figure(measured: float, coverage: float | None, unit: str, rule: FullYearRule | None = None) -> YearFigure:
    """Measured figure, coverage and the full-year estimate with a label a reader can quote."""
    rule = rule or full_year_rule()
    status = coverage_status(coverage, rule)
    est = full_year_estimate(measured, coverage, rule)
    return YearFigure(
        measured=measured,
        unit=unit,
        coverage=coverage,
        status=status,
        full_year_estimate=est,
        label=describe(measured, coverage, unit, rule),
    )


def describe(measured: float, coverage: float | None, unit: str, rule: FullYearRule | None = None) -> str:
    """One line: what was measured, over what share of the year, and the estimate (or why there is none)."""
    rule = rule or full_year_rule()
    if coverage is None:
        return f"measured {measured:,.1f} {unit}; coverage of the year not measured: no full-year estimate"
    est = full_year_estimate(measured, coverage, rule)
    head = f"measured {measured:,.1f} {unit} over {coverage:.1%} of the year ({coverage_status(coverage, rule)})"
    if coverage >= 1:
        return head
    if est is None:
        return f"{head}; below {rule.estimate_min:.0%}: no full-year estimate"
    return f"{head}; full-year ESTIMATE {est:,.1f} {unit} (measured / coverage)"


def check_coverage_frame(coverage: pd.DataFrame, key: str) -> None:
    """Refuse a coverage frame without the columns of ``Store.coverage``, naming the missing ones."""
    missing = [c for c in (key, "kind", "expected_intervals", "valid_intervals") if c not in coverage.columns]
    if missing:
        raise InputError(
            f"coverage frame lacks column(s) {missing}; pass Store.coverage(park_id, start, end, by=...) "
            f"with columns {key}, {', '.join(COVERAGE_COLUMNS)}"
        )


def coverage_by(
    coverage: pd.DataFrame, kind: str = "electricity_import", key: str = "tenant_id", common: str = ""
) -> pd.DataFrame:
    """A ``Store.coverage`` frame of one kind summed over its periods: one row per ``key``.

    Months (``grain="month"``) and the year give the same answer: coverage = sum(valid) / sum(expected), the
    longest gap = the max over the periods (a gap across a month edge is counted by the store).

    Returns
    -------
    DataFrame
        Index ``key`` (``common`` for rows without one: the park common), columns expected_intervals,
        valid_intervals, coverage (NaN when nothing was expected), longest_gap_h.
    """
    check_coverage_frame(coverage, key)
    c = coverage[coverage["kind"] == kind]
    keys = c[key].astype(object).where(c[key].notna() & (c[key].astype(str) != ""), common).astype(str)
    agg = pd.DataFrame(
        {
            "expected_intervals": pd.to_numeric(c["expected_intervals"]).astype(float),
            "valid_intervals": pd.to_numeric(c["valid_intervals"]).astype(float),
            "longest_gap_h": pd.to_numeric(c["longest_gap_h"], errors="coerce").astype(float)
            if "longest_gap_h" in c
            else np.nan,
            key: keys,
        }
    ).groupby(key)
    out = agg.agg(
        expected_intervals=("expected_intervals", "sum"),
        valid_intervals=("valid_intervals", "sum"),
        longest_gap_h=("longest_gap_h", "max"),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["coverage"] = np.where(
            out["expected_intervals"] > 0, out["valid_intervals"] / out["expected_intervals"], np.nan
        )
    return out


def total_coverage(coverage: pd.DataFrame, kind: str = "electricity_import", key: str = "tenant_id") -> float | None:
    """The park's coverage of one kind: sum(valid) / sum(expected) over all its rows (None if none expected)."""
    by = coverage_by(coverage, kind, key)
    expected = float(by["expected_intervals"].sum())
    return float(by["valid_intervals"].sum()) / expected if expected > 0 else None
