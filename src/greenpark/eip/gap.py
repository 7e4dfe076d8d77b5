"""The gap to certification: for each unmet criterion, the steps that would meet it, with cost and time.

Measures come from the plan engine (candidate measures with capex and annualised cost), exchanges from the waste
engine's symbiosis proposals; the time of each step is ``eip/lead_times`` (months from decision to operation).
RECP steps take, per tenant without RECP, the measure that pays for itself with the smallest investment; other
steps are listed cheapest first until the criterion's threshold is reached (``effect`` is the value after the
step, cumulative). A criterion no engine can move (a sanction in the window, a declared fact) gets the one step
that would: wait for the sanction to leave the window, or establish the fact.
"""

from __future__ import annotations

import datetime as dt
import math

from greenpark.eip.criteria import Context, _participants
from greenpark.eip.evidence import PlanMeasure
from greenpark.eip.result import Criterion, GapAction
from greenpark.reference import lookup


def lead_months(kind: str) -> float:
    """Months from decision to operation for a kind of step (``eip/lead_times``; R screening values)."""
    return lookup("eip/lead_times", kind=kind).value


def _recp(ctx: Context, c: Criterion) -> list[GapAction]:
    n = len(ctx.tenant_ids)
    r = ctx.recp_tenants()
    have = set(r["tenant_id"].astype(str)) if len(r) else set()
    need = math.ceil(float(c.threshold) * n - 1e-9) - len(have)  # type: ignore[arg-type]

    # the cheapest way to one more enterprise applying RECP: a measure that pays for itself (annualised cost <= 0)
    # with the smallest investment, else the smallest investment
    def rank(m: PlanMeasure) -> tuple[bool, float]:
        return (m.annual_cost_vnd > 0, m.capex_vnd)

    cheapest: dict[str, PlanMeasure] = {}
    for m in ctx.evidence.measures:
        best = cheapest.get(m.tenant_id)
        if m.tenant_id not in have and (best is None or rank(m) < rank(best)):
            cheapest[m.tenant_id] = m
    order = sorted(cheapest.values(), key=rank)
    steps = []
    for i, m in enumerate(order[: max(need, 0)], start=1):
        steps.append(
            GapAction(
                criterion_id=c.id,
                action="measure",
                tenant_id=m.tenant_id,
                description=f"{m.tenant_id} applies '{m.measure}' (plan engine) and records it in recp_measures.csv",
                subject=f"{m.tenant_id}: {m.measure}",
                measure=m.measure,
                capex_vnd=m.capex_vnd,
                annual_cost_vnd=m.annual_cost_vnd,
                months=lead_months(m.kind),
                effect=(len(have) + i) / n,
                source="plan",
            )
        )
    short = max(need, 0) - len(steps)
    if short > 0:
        steps.append(
            GapAction(
                criterion_id=c.id,
                action="measure",
                description=f"{short} more enterprise(s) apply a RECP solution (no plan measure: an audit decides)",
                effect=(len(have) + max(need, 0)) / n,
            )
        )
    return steps


def _symbiosis(ctx: Context, c: Criterion) -> list[GapAction]:
    tenants = set(ctx.tenant_ids)
    certs = ctx.valid_certificates() if ctx.has("certificates") else None
    holders = set(certs["tenant_id"].dropna().astype(str)) if certs is not None and len(certs) else set()
    props = sorted(
        (p for p in ctx.evidence.proposals if p.giver in tenants and p.taker in tenants),
        key=lambda p: -p.net_benefit_vnd,
    )
    if not props:
        links = _participants(ctx.operating_exchanges(), tenants) if ctx.has("exchanges") else None
        if links is not None and len(links):
            what = "the participants of an operating exchange obtain ISO 14001 certification"
            return [GapAction(criterion_id=c.id, action="fix", description=what)]
        what = "start one exchange between two tenants (no proposal from the waste engine)"
        return [GapAction(criterion_id=c.id, action="symbiosis", description=what)]
    p = props[0]
    lacking = [t for t in (p.giver, p.taker) if t not in holders]
    note = f"; {', '.join(lacking)} also need a valid ISO certificate" if lacking else ""
    return [
        GapAction(
            criterion_id=c.id,
            action="symbiosis",
            description=f"{p.giver} gives {p.material} ({p.quantity_t_per_year:.0f} t/yr) to {p.taker}{note}",
            subject=f"{p.giver} > {p.taker}: {p.material}",
            tenant_id=p.giver,
            material=p.material,
            taker=p.taker,
            capex_vnd=p.setup_cost_vnd,
            annual_cost_vnd=-p.net_benefit_vnd,
            months=lead_months("symbiosis"),
            effect=1.0,
            source="waste",
        )
    ]


def _wait(ctx: Context, c: Criterion) -> list[GapAction]:
    s = ctx.sanctions()
    last = max(dt.date.fromisoformat(str(d)[:10]) for d in s["date"]) if len(s) else ctx.as_of
    years = int(ctx.as_of.year - ctx.window_start.year)
    clear = last.replace(year=last.year + years)
    months = max(0.0, (clear - ctx.as_of).days / 30.44)
    return [
        GapAction(
            criterion_id=c.id,
            action="wait",
            description=f"the last sanction ({last}) leaves the {years}-year window on {clear}; register after it",
            subject=clear.isoformat(),
            months=round(months, 1),
        )
    ]


def _recovery(ctx: Context, c: Criterion) -> list[GapAction]:
    e = ctx.evidence
    if e.waste_total_t is None or e.waste_recovery_rate is None or not e.waste_total_t:
        return []
    recovered = e.waste_recovery_rate * e.waste_total_t
    steps = []
    for p in sorted((p for p in e.proposals if not p.giver_recycles), key=lambda p: -p.quantity_t_per_year):
        if recovered / e.waste_total_t >= float(c.threshold):  # type: ignore[arg-type]
            break
        recovered += p.quantity_t_per_year
        steps.append(
            GapAction(
                criterion_id=c.id,
                action="symbiosis",
                tenant_id=p.giver,
                description=f"{p.giver} gives {p.material} ({p.quantity_t_per_year:.0f} t/yr) to {p.taker}",
                subject=f"{p.giver} > {p.taker}: {p.material}",
                material=p.material,
                taker=p.taker,
                capex_vnd=p.setup_cost_vnd,
                annual_cost_vnd=-p.net_benefit_vnd,
                months=lead_months("symbiosis"),
                effect=recovered / e.waste_total_t,
                source="waste",
            )
        )
    return steps


def _renewables(ctx: Context, c: Criterion) -> list[GapAction]:
    e = ctx.evidence
    if e.renewable_share is None or not e.electricity_kwh or not isinstance(c.threshold, float):
        return []
    share, steps = e.renewable_share, []
    for m in sorted((m for m in e.measures if m.kind == "pv"), key=lambda m: m.annual_cost_vnd):
        if share >= c.threshold:
            break
        share += m.electricity_saved_kwh / e.electricity_kwh
        steps.append(
            GapAction(
                criterion_id=c.id,
                action="measure",
                tenant_id=m.tenant_id,
                description=f"{m.tenant_id}: {m.measure}",
                subject=f"{m.tenant_id}: {m.measure}",
                measure=m.measure,
                capex_vnd=m.capex_vnd,
                annual_cost_vnd=m.annual_cost_vnd,
                months=lead_months("pv"),
                effect=share,
                source="plan",
            )
        )
    return steps


def roadmap(ctx: Context, criteria: list[Criterion]) -> list[GapAction]:
    """The steps that would meet each ``not_met`` criterion (Decree 35 first), with cost and time."""
    steps: list[GapAction] = []
    for c in sorted(criteria, key=lambda c: c.framework != "decree35"):
        if c.status != "not_met":
            continue
        if c.id == "D35-37.2c":
            steps += _recp(ctx, c)
        elif c.id == "D35-37.2b":
            steps += _symbiosis(ctx, c)
        elif c.id in ("D35-37.1a", "D35-37.2a", "EIPF-PRE-1"):
            steps += _wait(ctx, c)
        elif c.id == "EIPF-ENV-5":
            what = "raise waste recovery (no exchange proposal)"
            steps += _recovery(ctx, c) or [GapAction(criterion_id=c.id, action="fix", description=what)]
        elif c.id == "EIPF-ENV-2":
            what = "add renewable supply (no PV measure sized)"
            steps += _renewables(ctx, c) or [GapAction(criterion_id=c.id, action="fix", description=what)]
        elif c.id == "EIPF-PRE-2":
            years = int(lookup("eip/parameters", parameter="effluent_years").value)
            steps.append(GapAction(criterion_id=c.id, action="fix", months=12.0 * years,
                                   description=f"keep the effluent within QCVN 40 for {years} full years "
                                   f"(from {ctx.year + 1})"))  # fmt: skip
        else:
            what = f"establish {c.indicator} and record it in park.toml [eip]"
            steps.append(
                GapAction(criterion_id=c.id, action="fix", months=lead_months("declaration"), description=what)
            )
    return steps
