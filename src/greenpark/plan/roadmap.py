"""Least-cost roadmap of measures to the park's emission targets, solved as a MILP with HiGHS
(``greenpark.optimisation``: build -> solve -> read back).

Formulation
-----------
Years t = y0 .. T (y0 the baseline year, T the last target year); start years s in S = y0+1 .. T.

Variables: x[i, s] in {0, 1}, measure i adopted from year s (and kept, renewed at the end of its life).

Objective (VND, discounted to y0 at rate r)::

    min  sum_{i,s} x[i,s] * C[i,s],   C[i,s] = sum_{t=s}^{T} A_i / (1 + r)^(t - y0)

with A_i the annualised cost of measure i (capex x CRF + opex - bill savings; may be negative) and r the discount
rate (``greenpark.finance``: CRF and discount factors). Costs after T
are not counted (every adopted measure is annualised, so its capital is spread over its life).

Constraints::

    sum_s x[i,s] <= 1                                               (each measure at most once)
    sum_s x[i,s] + sum_s x[j,s] <= 1         (i, j at one tenant, j in i.excludes: same energy, no double count)
    sum_{i, s <= k} a_i(k) x[i,s] >= BAU(k) - cap(k)   for each target year k

with the grid factor scenario g(t) = g0 (1 + d)^(t - y0) (d < 0 a decline), the abatement
a_i(k) = kWh_e,i / 1000 * g(k) + fuel tCO2e_i, the business-as-usual emissions
BAU(k) = (B - B_e) + B_e (1 + d)^(k - y0) (B baseline total, B_e its electricity part) and
cap(k) = B (1 - pct_k / 100).

Infeasible targets: when even every measure with positive abatement adopted in the first year cannot reach
cap(k), the gap (tCO2e) is reported and that year's requirement is relaxed to the most the catalogue can do, so
the solver still returns the least-cost path to the best reachable level.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from greenpark import finance
from greenpark import optimisation as opt
from greenpark.errors import InputError
from greenpark.plan.measures import Measure, annualised_cost_vnd


class Adoption(BaseModel):
    """A measure chosen by the roadmap and the year it starts."""

    tenant_id: str
    measure: str
    start_year: int
    abatement_tco2e_at_start: float
    annualised_cost_vnd: float


class RoadmapYear(BaseModel):
    """Emissions in one year: without measures, with the roadmap, and the cap if the year has a target."""

    year: int
    bau_tco2e: float
    planned_tco2e: float
    cap_tco2e: float | None
    abatement_by_group_tco2e: dict[str, float] = {}  # the adopted measures' abatement that year, by measure group


class RoadmapResult(BaseModel):
    """The least-cost roadmap, its cost and the gaps to targets that cannot be reached."""

    status: str  # "optimal" or "optimal_with_gaps"
    discounted_cost_vnd: float
    adoptions: list[Adoption]
    years: list[RoadmapYear]
    gaps_tco2e: dict[int, float]
    required_tco2e: dict[int, float] = {}  # reduction needed in each target year: BAU(k) - cap(k)
    notes: list[str]
    parameters: dict[str, float]


def most_abatement(abatement_tco2e: np.ndarray, exclusive: list[tuple[int, int]]) -> float:
    """The most the measures can abate together (tCO2e): the heaviest set with no exclusive pair in it.

    ``exclusive`` pairs (indices into ``abatement_tco2e``) act on the same energy at one tenant. The pairs form
    small groups (a tenant's boiler-fuel measures, three in the catalogue): each connected group is searched
    exhaustively for its heaviest allowed subset; measures in no pair all count.
    """
    a = np.asarray(abatement_tco2e, dtype=float)
    neighbours: dict[int, set[int]] = {}
    for i, j in exclusive:
        neighbours.setdefault(i, set()).add(j)
        neighbours.setdefault(j, set()).add(i)
    total = float(a[[i for i in range(len(a)) if i not in neighbours]].sum())
    seen: set[int] = set()
    for start in neighbours:
        if start in seen:
            continue
        group, todo = [], [start]
        while todo:
            k = todo.pop()
            if k not in seen:
                seen.add(k)
                group.append(k)
                todo.extend(neighbours[k] - seen)
        if len(group) > 16:
            raise ValueError(f"{len(group)} mutually exclusive measures in one group: too many to search")
        best = 0.0
        for mask in range(1 << len(group)):
            members = [group[b] for b in range(len(group)) if mask >> b & 1]
            if all(neighbours[m].isdisjoint(members) for m in members):
                best = max(best, float(a[members].sum()))
        total += best
    return total


def roadmap(
    measures: list[Measure],
    baseline_tco2e: float,
    baseline_year: int,
    targets: dict[int, float],
    grid_decline: float,
    *,
    baseline_electricity_tco2e: float,
    grid_tco2_per_mwh: float,
    discount_rate: float,
) -> RoadmapResult:
    """Choose measures and start years to meet reduction targets at least discounted cost (see module doc).

    Parameters
    ----------
    targets : dict
        Reduction against the baseline, percent, by year (e.g. ``{2030: 30.0, 2050: 100.0}``).
    grid_decline : float
        Yearly relative change of the grid factor (e.g. -0.02; ``ghg/grid_projection`` scenarios).
    grid_tco2_per_mwh : float
        Grid factor of the baseline year.
    """
    targets = {int(k): float(v) for k, v in targets.items() if int(k) > baseline_year}
    if not targets:
        raise InputError(
            f"roadmap needs at least one target year after the baseline year {baseline_year}; set them in "
            "park.toml, e.g. [targets] ghg_reduction_pct = { 2030 = 30, 2050 = 100 }"
        )
    y0, last = baseline_year, max(targets)
    starts = list(range(y0 + 1, last + 1))
    r, d, b_e = discount_rate, grid_decline, baseline_electricity_tco2e

    def grid(t: int) -> float:
        return grid_tco2_per_mwh * (1 + d) ** (t - y0)

    def bau(t: int) -> float:
        return baseline_tco2e - b_e + b_e * (1 + d) ** (t - y0)

    ms = [m for m in measures if m.abatement_tco2e(grid_tco2_per_mwh) > 0]
    ann = np.array([annualised_cost_vnd(m, r) for m in ms])
    disc = np.array([finance.discount_factor(r, t - y0) for t in range(y0, last + 1)])
    cum_disc = np.cumsum(disc[::-1])[::-1]  # cum_disc[s - y0] = sum_{t=s}^{T} disc
    cols = [(i, s) for i in range(len(ms)) for s in starts]
    scale = 1e6  # objective in million VND keeps HiGHS' numbers moderate
    cost = np.array([ann[i] * cum_disc[s - y0] / scale for i, s in cols])

    # -- build: one binary column per (measure, start year) ------------------------------------------------------
    rows = opt.Rows()
    for i in range(len(ms)):
        idx = np.array([j for j, (ii, _) in enumerate(cols) if ii == i], dtype=np.int64)
        rows.add(idx, 1.0, -opt.INF, 1.0)
    pairs = [
        (i, j)
        for i, mi in enumerate(ms)
        for j, mj in enumerate(ms)
        if j > i and mi.tenant_id == mj.tenant_id and (mj.measure in mi.excludes or mi.measure in mj.excludes)
    ]
    for i, j in pairs:
        idx = np.array([c for c, (ii, _) in enumerate(cols) if ii in (i, j)], dtype=np.int64)
        rows.add(idx, 1.0, -opt.INF, 1.0)
    gaps: dict[int, float] = {}
    required: dict[int, float] = {}
    notes: list[str] = []
    for k, pct in sorted(targets.items()):
        cap = baseline_tco2e * (1 - pct / 100.0)
        need = bau(k) - cap
        required[k] = need
        a_k = np.array([m.abatement_tco2e(grid(k)) for m in ms])
        most = most_abatement(a_k, pairs)
        if need > most + 1e-9:
            gaps[k] = need - most
            notes.append(
                f"{k}: target {pct:g} % (cap {cap:,.0f} tCO2e) is out of reach: business as usual {bau(k):,.0f} "
                f"tCO2e less every candidate measure ({most:,.0f} tCO2e) leaves {need - most:,.0f} tCO2e; "
                "needs measures outside the catalogue (e.g. renewable power purchase, process change)"
            )
            need = most
        if need <= 0:
            continue
        idx = np.array([j for j, (_, s) in enumerate(cols) if s <= k], dtype=np.int64)
        vals = np.array([a_k[cols[j][0]] for j in idx])
        rows.add(idx, vals, float(need) * (1 - 1e-9), opt.INF)
    n = len(cols)
    if cols:
        lp = opt.LinearProgram(
            name=f"roadmap {y0}-{last}",
            cost=cost,
            col_lower=np.zeros(n),
            col_upper=np.ones(n),
            a=rows.matrix(n),
            row_lower=rows.lower,
            row_upper=rows.upper,
            integer=np.ones(n, bool),
        )
        # -- solve and read back -----------------------------------------------------------------------------------
        solution = opt.solve(lp, hint="check the measures' abatement and costs and the targets' years")
        x = np.round(solution.x).astype(int)
    else:  # nothing to choose: the roadmap is business as usual (HiGHS refuses an empty model)
        x = np.array([], dtype=int)
        notes.append(
            "no candidate measure abates anything (no tenant electricity or fuel in the baseline): the roadmap is "
            "business as usual"
        )
    chosen = [(ms[i], s) for j, (i, s) in enumerate(cols) if x[j] == 1]
    years = []
    groups = sorted({m.group for m, _ in chosen})
    for t in range(y0, last + 1):
        by_group = {g: sum(m.abatement_tco2e(grid(t)) for m, s in chosen if s <= t and m.group == g) for g in groups}
        pct = targets.get(t)
        cap = baseline_tco2e * (1 - pct / 100.0) if pct is not None else None
        years.append(
            RoadmapYear(
                year=t,
                bau_tco2e=bau(t),
                planned_tco2e=bau(t) - sum(by_group.values()),
                cap_tco2e=cap,
                abatement_by_group_tco2e=by_group,
            )
        )
    return RoadmapResult(
        status="optimal_with_gaps" if gaps else "optimal",
        discounted_cost_vnd=float(np.dot(cost, x) * scale) if cols else 0.0,
        adoptions=[
            Adoption(
                tenant_id=m.tenant_id,
                measure=m.measure,
                start_year=s,
                abatement_tco2e_at_start=m.abatement_tco2e(grid(s)),
                annualised_cost_vnd=annualised_cost_vnd(m, r),
            )
            for m, s in sorted(chosen, key=lambda c: (c[1], c[0].tenant_id, c[0].measure))
        ],
        years=years,
        gaps_tco2e=gaps,
        required_tco2e=required,
        notes=notes,
        parameters={"discount_rate": r, "grid_decline": d, "grid_tco2_per_mwh": grid_tco2_per_mwh},
    )
