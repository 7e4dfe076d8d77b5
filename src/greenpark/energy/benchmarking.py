"""Energy intensity benchmarking: kWh per unit of production and per m2 of floor, ranked within a sector.

Outliers (stated rule): within a sector of at least four tenants, an intensity above Q3 + k IQR or below
Q1 - k IQR, with k the ``outlier_iqr_k`` row of ``reference/data/energy/benchmarking.csv`` (Tukey 1977, k = 1.5).
Rank 1 is the least energy-intensive tenant of its sector (by kWh/m2, the measure every tenant has).
Production units differ between tenants, so kWh per production unit is compared only within a sector and unit.

A yearly intensity needs a year's energy: :func:`full_year_energy` applies the one full-year rule
(:mod:`greenpark.coverage`) to each tenant's measured kWh before :func:`benchmark`, so the kWh benchmarked is the
inventory's full-year figure; a tenant whose readings are too few for an estimate is left out, with a note.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel

from greenpark.coverage import coverage_by, coverage_statuses, describe, full_year_estimates, full_year_rule
from greenpark.errors import InputError
from greenpark.reference import lookup

MIN_SECTOR_SIZE = 4  # quartiles of fewer than four values say nothing about outliers


class TenantIntensity(BaseModel):
    """One tenant's energy intensity and its place in its sector."""

    tenant_id: str
    sector: str
    energy_kwh: float
    kwh_per_m2: float
    kwh_per_unit: float | None
    production_unit: str | None
    rank_in_sector: int
    sector_size: int
    sector_median_kwh_per_m2: float
    outlier: str | None  # "high", "low" or None
    energy_kwh_measured: float | None = None  # before the full-year rule (None: not given)
    coverage: float | None = None


def tukey_outliers(x: pd.Series, groups: pd.Series, k: float) -> pd.Series:
    """'high' / 'low' / None per value, by the Tukey fences within each group (groups < 4 values: None)."""
    g = x.groupby(groups)
    q1, q3, n = g.transform(lambda s: s.quantile(0.25)), g.transform(lambda s: s.quantile(0.75)), g.transform("size")
    iqr = q3 - q1
    out = pd.Series(None, index=x.index, dtype=object)
    judged = n >= MIN_SECTOR_SIZE
    out[judged & (x > q3 + k * iqr)] = "high"
    out[judged & (x < q1 - k * iqr)] = "low"
    return out


def full_year_energy(
    tenants: pd.DataFrame, coverage: pd.DataFrame | None, kind: str = "electricity_import"
) -> tuple[pd.DataFrame, list[str]]:
    """Each tenant's year of energy by the full-year rule, ready for :func:`benchmark`.

    Parameters
    ----------
    tenants : DataFrame
        ``benchmark``'s input with ``energy_kwh`` as measured over the year's valid intervals.
    coverage : DataFrame or None
        ``Store.coverage(park_id, start, end, by="tenant")`` over the year. None = not measured: no tenant can be
        benchmarked (a week is not a year), said in the notes.

    Returns
    -------
    DataFrame
        The tenants that have a full-year figure, with ``energy_kwh`` = measured / coverage,
        ``energy_kwh_measured``, ``coverage`` and ``coverage_status``.
    list of str
        Notes naming the tenants left out and why.
    """
    rule = full_year_rule()
    df = tenants.copy()
    if coverage is None:
        return df.iloc[0:0].assign(energy_kwh_measured=[], coverage=[], coverage_status=[]), [
            "coverage not given: no intensity benchmark (a yearly kWh/m2 needs the year's coverage, Store.coverage)"
        ]
    cov = coverage_by(coverage, kind)["coverage"]
    df["coverage"] = df["tenant_id"].astype(str).map(cov).astype(float)
    df["coverage_status"] = coverage_statuses(df["coverage"], rule)
    df["energy_kwh_measured"] = df["energy_kwh"].astype(float)
    df["energy_kwh"] = full_year_estimates(df["energy_kwh_measured"], df["coverage"], rule)
    out = df["energy_kwh"].isna()
    notes = []
    for r in df[out].itertuples():
        cov_r = None if pd.isna(r.coverage) else float(r.coverage)
        notes.append(f"{r.tenant_id}: not benchmarked: {describe(float(r.energy_kwh_measured), cov_r, 'kWh', rule)}")
    return df[~out].reset_index(drop=True), notes


def benchmark(tenants: pd.DataFrame) -> list[TenantIntensity]:
    """Energy intensity per tenant.

    Parameters
    ----------
    tenants : DataFrame
        Columns ``tenant_id``, ``sector``, ``energy_kwh`` (year), ``floor_area_m2``, and optionally
        ``production`` (year, in ``production_unit``) and ``production_unit``; from :func:`full_year_energy`
        also ``energy_kwh_measured`` and ``coverage``.
    """
    need = {"tenant_id", "sector", "energy_kwh", "floor_area_m2"}
    if need - set(tenants.columns):
        raise InputError(f"benchmark needs columns {sorted(need)}; missing {sorted(need - set(tenants.columns))}")
    df = tenants.copy()
    df["kwh_per_m2"] = df["energy_kwh"] / df["floor_area_m2"]
    prod = df["production"] if "production" in df else pd.Series(np.nan, index=df.index)
    df["kwh_per_unit"] = (df["energy_kwh"] / prod.where(prod > 0)).astype(float)
    df["rank"] = df.groupby("sector")["kwh_per_m2"].rank(method="min").astype(int)
    df["size"] = df.groupby("sector")["kwh_per_m2"].transform("size")
    df["median"] = df.groupby("sector")["kwh_per_m2"].transform("median")
    df["outlier"] = tukey_outliers(
        df["kwh_per_m2"], df["sector"], lookup("energy/benchmarking", parameter="outlier_iqr_k").value
    )
    return [
        TenantIntensity(
            tenant_id=str(r.tenant_id),
            sector=str(r.sector),
            energy_kwh=float(r.energy_kwh),
            kwh_per_m2=float(r.kwh_per_m2),
            kwh_per_unit=None if pd.isna(r.kwh_per_unit) else float(r.kwh_per_unit),
            production_unit=str(r.production_unit) if "production_unit" in df and pd.notna(r.production_unit) else None,
            rank_in_sector=int(r.rank),
            sector_size=int(r.size),
            sector_median_kwh_per_m2=float(r.median),
            outlier=None if pd.isna(r.outlier) else str(r.outlier),
            energy_kwh_measured=float(r.energy_kwh_measured) if "energy_kwh_measured" in df else None,
            coverage=None if "coverage" not in df or pd.isna(r.coverage) else float(r.coverage),
        )
        for r in df.itertuples()
    ]
