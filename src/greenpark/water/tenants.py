"""Tenant loads: shares of flow and pollutant load, connection-limit breaches, cost allocation.

Method
------
* Volume of tenant i, V_i (m3): the sum of its discharge-meter volumes in the period.
* Load of pollutant p: L_i,p (kg) = mean concentration at point ``tenant:<i>`` (mg/l = g/m3; lab and
  analyser values averaged, a censored value at its detection limit) x V_i / 1000.
* Shares: flow_share_i = V_i / sum V; load share of p = L_i,p / sum L_p (over tenants with both).
* Connection breaches: each tenant-point value above the connection limit (or below its lower limit);
  a censored value breaches only when its detection limit is below a lower limit.
* Cost allocation: cost_share_i = sum over components k of w_k x share_i,k with the weights of
  ``water/cost_allocation`` (volume, COD, TSS, total N; a load-based split in the spirit of the Mogden
  formula). When any tenant with volume lacks samples for a component, that component's weight moves
  to volume for all tenants (noted), so the shares still sum to 1.

Result names (stable): ``TenantLoad`` (tenant_id, volume_m3, flow_share, mean_mg_per_l, load_kg,
load_share, cod_load_share, connection_breaches, cost_share, cost_vnd), ``ConnectionBreach``
(tenant_id, parameter, timestamp, value, limit, limit_min, unit, censored), ``TenantAllocation``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import BaseModel

from greenpark.reference import load_table
from greenpark.water.compliance import utc_ns
from greenpark.water.standards import Limit

COST_TABLE = "water/cost_allocation"
LOAD_PARAMETERS = ("cod", "tss", "total_n")


class ConnectionBreach(BaseModel):
    """One tenant sample beyond the park's connection limit."""

    tenant_id: str
    parameter: str
    timestamp: dt.datetime
    value: float
    limit: float
    limit_min: float | None
    unit: str
    censored: bool


class TenantLoad(BaseModel):
    """One tenant's discharge, loads, shares, breaches and allocated treatment cost."""

    tenant_id: str
    volume_m3: float | None
    flow_share: float | None
    mean_mg_per_l: dict[str, float]
    load_kg: dict[str, float]
    load_share: dict[str, float]
    cod_load_share: float | None
    connection_breaches: list[ConnectionBreach]
    cost_share: float | None
    cost_vnd: float | None


class TenantAllocation(BaseModel):
    """All tenants, the weights used and notes on what was left out."""

    tenants: list[TenantLoad]
    weights: dict[str, float]
    notes: list[str]


def tenant_volumes_m3(volumes: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, float]:
    """Sum of each tenant's discharge volume (m3) in [start, end).

    ``volumes`` has tenant_id, value (m3) and either ``period_start`` (tz-aware) or ``period``
    (``YYYY-MM`` or a date), and optionally ``kind`` (only ``wastewater_discharge`` rows are used).
    """
    if volumes is None or volumes.empty:
        return {}
    df = volumes
    if "kind" in df:
        df = df[df["kind"] == "wastewater_discharge"]
    df = df[df["tenant_id"].notna()]
    col = "period_start" if "period_start" in df else "period" if "period" in df else None
    if col is not None and not df.empty:
        ps = pd.to_datetime(df[col].astype(str) if col == "period" else df[col])
        ps = pd.DatetimeIndex(ps)
        if ps.tz is None:
            # a period label (YYYY-MM) names local time: compare with the period start's local date
            ps = ps.tz_localize(start.tz)
        df = df[(ps >= start) & (ps < end)]
    return {str(k): float(v) for k, v in df.groupby("tenant_id")["value"].sum().items()}


def _breaches(tenant_id: str, rows: pd.DataFrame, limits: dict[str, Limit]) -> list[ConnectionBreach]:
    out = []
    for r in rows.itertuples():
        lim = limits.get(r.parameter)
        if lim is None:
            continue
        cens = bool(getattr(r, "censored", False))
        above = (not cens) and r.value > lim.cmax
        below = lim.cmin is not None and r.value < lim.cmin
        if above or below:
            out.append(
                ConnectionBreach(
                    tenant_id=tenant_id,
                    parameter=r.parameter,
                    timestamp=pd.Timestamp(r.timestamp).to_pydatetime(),
                    value=float(r.value),
                    limit=lim.cmax,
                    limit_min=lim.cmin,
                    unit=lim.unit,
                    censored=cens,
                )
            )
    return out


def tenant_loads(
    wastewater: pd.DataFrame,
    volumes_m3: dict[str, float],
    limits: dict[str, Limit],
    start: pd.Timestamp,
    end: pd.Timestamp,
    treatment_cost_vnd: float | None = None,
    weights: dict[str, float] | None = None,
) -> TenantAllocation:
    """Loads, shares, breaches and cost allocation of every tenant seen in volumes or samples.

    Parameters
    ----------
    wastewater : DataFrame
        The ``wastewater`` table; rows at points ``tenant:<id>`` are used.
    volumes_m3 : dict
        tenant_id -> discharge volume in the period (see :func:`tenant_volumes_m3`).
    limits : dict
        Connection limits (:func:`greenpark.water.standards.connection_limits`).
    treatment_cost_vnd : float, optional
        The plant's treatment cost in the period, to split by ``cost_share``.
    weights : dict, optional
        Component weights (volume, cod, tss, total_n); default ``water/cost_allocation``.
    """
    notes: list[str] = []
    if weights is None:
        t = load_table(COST_TABLE)
        weights = {r.component: float(r.value) for r in t.itertuples()}
    tw = pd.DataFrame(columns=["point", "timestamp", "parameter", "value"])
    if not wastewater.empty:
        tw = wastewater[wastewater["point"].astype(str).str.startswith("tenant:")]
        if not tw.empty:
            t = utc_ns(tw["timestamp"])
            tw = tw[(t >= start.value) & (t < end.value)]
    ids = sorted(set(volumes_m3) | {p.split(":", 1)[1] for p in tw["point"].unique()})
    by_tenant = {tid: tw[tw["point"] == f"tenant:{tid}"] for tid in ids}
    means = {tid: rows.groupby("parameter")["value"].mean().to_dict() for tid, rows in by_tenant.items()}
    total_v = sum(volumes_m3.values())
    loads: dict[str, dict[str, float]] = {tid: {} for tid in ids}
    for tid in ids:
        v = volumes_m3.get(tid)
        if v is None:
            continue
        for p in LOAD_PARAMETERS:
            if p in means[tid]:
                loads[tid][p] = means[tid][p] * v / 1000.0  # mg/l = g/m3; g -> kg
    totals = {p: sum(loads[tid].get(p, 0.0) for tid in ids) for p in LOAD_PARAMETERS}
    shares = {tid: {p: loads[tid][p] / totals[p] for p in loads[tid] if totals[p] > 0} for tid in ids}
    flow_share = {tid: volumes_m3[tid] / total_v for tid in volumes_m3 if total_v > 0}

    eff_w = dict(weights)
    with_volume = [tid for tid in ids if tid in volumes_m3]
    for p in LOAD_PARAMETERS:
        if p in eff_w and any(p not in loads[tid] for tid in with_volume):
            notes.append(f"{p}: not every tenant with discharge has samples; its weight moved to volume")
            eff_w["volume"] = eff_w.get("volume", 0.0) + eff_w.pop(p)
    cost_share: dict[str, float] = {}
    if total_v > 0:
        for tid in with_volume:
            s = eff_w.get("volume", 0.0) * flow_share.get(tid, 0.0)
            s += sum(w * shares[tid].get(p, 0.0) for p, w in eff_w.items() if p != "volume")
            cost_share[tid] = s
    else:
        notes.append("no tenant discharge volumes: flow shares, loads and cost allocation left out")

    out = []
    for tid in ids:
        cs = cost_share.get(tid)
        out.append(
            TenantLoad(
                tenant_id=tid,
                volume_m3=volumes_m3.get(tid),
                flow_share=flow_share.get(tid),
                mean_mg_per_l={k: float(v) for k, v in means[tid].items()},
                load_kg=loads[tid],
                load_share=shares[tid],
                cod_load_share=shares[tid].get("cod"),
                connection_breaches=_breaches(tid, by_tenant[tid], limits),
                cost_share=cs,
                cost_vnd=cs * treatment_cost_vnd if cs is not None and treatment_cost_vnd else None,
            )
        )
    return TenantAllocation(tenants=out, weights=eff_w, notes=notes)
