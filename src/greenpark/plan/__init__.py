"""Plan engine: the baseline year from the inventory (full-year rule), candidate measures per tenant, the
marginal abatement cost curve and the least-cost roadmap.

Pure functions over typed inputs; the MILP is solved with HiGHS (``highspy``).
"""

from greenpark.plan.baseline import PlanBaseline, plan_baseline
from greenpark.plan.measures import (
    CostCurveRow,
    Measure,
    MeasureGroupRow,
    annualised_cost_vnd,
    candidate_measures,
    cost_curve,
    cost_curve_by_measure,
    plan_parameter,
    tenant_electricity_prices,
    tenant_fuel_uses,
    top_measures,
)
from greenpark.plan.roadmap import Adoption, RoadmapResult, RoadmapYear, roadmap

__all__ = [
    "Adoption",
    "CostCurveRow",
    "Measure",
    "MeasureGroupRow",
    "PlanBaseline",
    "RoadmapResult",
    "RoadmapYear",
    "annualised_cost_vnd",
    "candidate_measures",
    "cost_curve",
    "cost_curve_by_measure",
    "plan_baseline",
    "plan_parameter",
    "roadmap",
    "tenant_electricity_prices",
    "tenant_fuel_uses",
    "top_measures",
]
