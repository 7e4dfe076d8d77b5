"""Waste indicators: generation, recovery rate, landfill and hazardous shares, trends, top streams.

Definitions (stated once; the report uses them):

- ``recovery_rate`` = t to recovery routes / total t, recovery routes being those marked ``recovery`` in
  ``waste/routes.csv``: reuse + recycling + co-processing + composting + anaerobic digestion.
- ``landfill_share`` = t landfilled / total t; ``hazardous_share`` = hazardous t / total t, hazardous by
  category or by a hazardous code of Circular 02/2022/TT-BTNMT Annex III.
- ``intensity`` per tenant = t waste / production of the year, in t per the tenant's production unit.

All masses are wet tonnes of the records of one calendar year (by record date).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, Field

from greenpark.reference import lookup
from greenpark.waste import factors as wf


class TenantWaste(BaseModel):
    """One tenant's waste in the year."""

    tenant_id: str
    total_t: float
    hazardous_t: float
    recovery_rate: float | None
    landfill_t: float
    production: float | None = Field(default=None, description="production of the year, in production_unit")
    production_unit: str | None = None
    intensity_t_per_unit: float | None = Field(default=None, description="t waste per production unit")


class MonthWaste(BaseModel):
    """Park totals of one month (YYYY-MM)."""

    month: str
    total_t: float
    hazardous_t: float
    recovery_rate: float | None


class WasteStream(BaseModel):
    """One of the park's largest streams (by code)."""

    waste_code: str
    description: str
    hazardous: bool
    total_t: float
    share: float
    main_route: str
    tenants: int


class WasteIndicators(BaseModel):
    """The year's indicators of the park's waste."""

    year: int
    records: int
    total_t: float
    hazardous_t: float
    hazardous_share: float | None
    recovery_t: float
    recovery_rate: float | None
    landfill_share: float | None
    by_route: dict[str, float] = Field(description="t per route")
    by_category: dict[str, float] = Field(description="t per category (domestic, industrial, hazardous)")
    by_tenant: list[TenantWaste]
    by_month: list[MonthWaste]
    top_streams: list[WasteStream]


def recovery_rate(by_route_t: dict[str, float], extra_dirs: Iterable[Path] = ()) -> float | None:
    """Recovery rate: t to routes marked ``recovery`` in ``waste/routes.csv`` over total t (None if no waste).

    Parameters
    ----------
    by_route_t : dict
        t per route.
    """
    total = sum(by_route_t.values())
    if total <= 0:
        return None
    rec = wf.routes(extra_dirs)["recovery"]
    return sum(q for r, q in by_route_t.items() if bool(rec.get(r, False))) / total


def _ratio(a: float, b: float) -> float | None:
    return a / b if b > 0 else None


def waste_indicators(
    waste: pd.DataFrame,
    year: int,
    production: pd.DataFrame | None = None,
    extra_dirs: Iterable[Path] = (),
) -> WasteIndicators:
    """Indicators of the waste records of ``year``.

    Parameters
    ----------
    waste : DataFrame
        Imported records: date, tenant_id, waste_code, description, category, quantity_t, route.
    year : int
        Calendar year (by record date).
    production : DataFrame, optional
        tenant_id, period (YYYY-MM), quantity, unit: for waste per unit of production.

    Returns
    -------
    WasteIndicators
    """
    dirs = tuple(extra_dirs)
    rec = wf.routes(dirs)["recovery"]
    w = wf.classify(waste, dirs) if not waste.empty else waste.assign(hazardous=[], ipcc_type=[], code_known=[])
    w = w.assign(month=w["date"].astype(str).str.slice(0, 7)) if not w.empty else w.assign(month=[])
    w = w[w["month"].astype(str).str.startswith(f"{year}-")].copy()  # an empty table's column is not text
    w["quantity_t"] = w["quantity_t"].astype(float)
    w["recovered"] = w["route"].map(lambda r: bool(rec.get(r, False))).astype(bool)
    w["haz_t"] = w["quantity_t"].where(w["hazardous"].astype(bool), 0.0)
    w["rec_t"] = w["quantity_t"].where(w["recovered"], 0.0)
    w["lf_t"] = w["quantity_t"].where(w["route"] == "landfill", 0.0)
    total, haz, recov, lf = (float(w[c].sum()) for c in ("quantity_t", "haz_t", "rec_t", "lf_t"))
    by_route = {str(k): float(v) for k, v in w.groupby("route")["quantity_t"].sum().items()}
    by_cat = {str(k): float(v) for k, v in w.groupby("category")["quantity_t"].sum().items()}

    prod = None
    if production is not None and not production.empty:
        p = production[production["period"].astype(str).str.startswith(f"{year}-")]
        prod = p.groupby("tenant_id").agg(quantity=("quantity", "sum"), unit=("unit", "first"))
    tenants = []
    for t, g in w.groupby("tenant_id", sort=True):
        tot = float(g["quantity_t"].sum())
        pq = float(prod.at[t, "quantity"]) if prod is not None and t in prod.index else None
        tenants.append(
            TenantWaste(
                tenant_id=str(t),
                total_t=tot,
                hazardous_t=float(g["haz_t"].sum()),
                recovery_rate=_ratio(float(g["rec_t"].sum()), tot),
                landfill_t=float(g["lf_t"].sum()),
                production=pq,
                production_unit=str(prod.at[t, "unit"]) if pq is not None else None,
                intensity_t_per_unit=_ratio(tot, pq) if pq else None,
            )
        )
    months = [
        MonthWaste(
            month=str(m),
            total_t=float(g["quantity_t"].sum()),
            hazardous_t=float(g["haz_t"].sum()),
            recovery_rate=_ratio(float(g["rec_t"].sum()), float(g["quantity_t"].sum())),
        )
        for m, g in w.groupby("month", sort=True)
    ]
    n_top = int(lookup("waste/checks", extra_dirs=dirs, parameter="top_streams").value)
    code = w["waste_code"].astype(object).where(w["waste_code"].notna(), "").astype(str)
    streams = []
    for c, g in w.assign(code=code).groupby("code"):
        q = float(g["quantity_t"].sum())
        desc = g["description"].dropna().astype(str) if "description" in g else pd.Series(dtype=str)
        streams.append(
            WasteStream(
                waste_code=str(c),
                description=desc.iloc[0] if len(desc) else "",
                hazardous=bool(g["hazardous"].any()),
                total_t=q,
                share=q / total if total else 0.0,
                main_route=str(g.groupby("route")["quantity_t"].sum().idxmax()),
                tenants=int(g["tenant_id"].nunique()),
            )
        )
    streams.sort(key=lambda s: -s.total_t)
    return WasteIndicators(
        year=year,
        records=len(w),
        total_t=total,
        hazardous_t=haz,
        hazardous_share=_ratio(haz, total),
        recovery_t=recov,
        recovery_rate=_ratio(recov, total),
        landfill_share=_ratio(lf, total),
        by_route=by_route,
        by_category=by_cat,
        by_tenant=tenants,
        by_month=months,
        top_streams=streams[:n_top],
    )
