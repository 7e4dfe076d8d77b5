"""What the other engines measured, in the form the EIP assessment reads (:class:`EipEvidence`).

The assessment never recomputes an engine's figure: the inventory gives the renewable share, energy and emissions;
the water engine each year's effluent exceedances and the wastewater volume; the waste engine the recovery rate and
its symbiosis proposals; the plan engine its candidate measures. :func:`evidence_from` reads them off the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from greenpark.ghg.electricity import electricity_consumed_kwh
from greenpark.plan.measures import annualised_cost_vnd


@dataclass(frozen=True)
class EffluentYear:
    """One year of the central WWTP(s) against QCVN 40: exceedance events and the compliance rate."""

    year: int
    exceedance_events: int
    compliance_rate: float | None


@dataclass(frozen=True)
class PlanMeasure:
    """A candidate measure of the plan engine, as the roadmap uses it."""

    tenant_id: str
    measure: str
    kind: str
    capex_vnd: float
    annual_cost_vnd: float  # annualised cost net of savings, VND/yr (negative: it pays)
    electricity_saved_kwh: float = 0.0


@dataclass(frozen=True)
class SymbiosisProposal:
    """An exchange the waste engine proposes (giver, taker, material, t/yr, set-up cost, net benefit)."""

    giver: str
    taker: str
    material: str
    quantity_t_per_year: float
    setup_cost_vnd: float
    net_benefit_vnd: float
    giver_recycles: bool


@dataclass(frozen=True)
class EipEvidence:
    """Measured figures for the assessment; ``None`` where the engine did not run or had no data.

    Attributes
    ----------
    renewable_share : float or None
        (PV self-consumed + contractual) / (grid import + PV self-consumed), from the inventory.
    electricity_kwh : float or None
        Grid import + PV self-consumed, kWh (the renewable share's denominator).
    energy_toe, total_tco2e : float or None
        The inventory's energy (toe) and emissions (tCO2e).
    waste_total_t, waste_recovery_rate : float or None
        The waste engine's totals.
    wastewater_m3 : float or None
        Tenants' wastewater discharged in the year, m3 (the water engine).
    effluent : dict
        Year -> :class:`EffluentYear`, or None where the year has no wastewater records.
    measures, proposals : list
        The plan engine's candidate measures, the waste engine's symbiosis proposals.
    stages : dict
        Engine stage -> the reason it gave no result (for ``missing``).
    """

    renewable_share: float | None = None
    electricity_kwh: float | None = None
    energy_toe: float | None = None
    total_tco2e: float | None = None
    waste_total_t: float | None = None
    waste_recovery_rate: float | None = None
    wastewater_m3: float | None = None
    effluent: dict[int, EffluentYear | None] = field(default_factory=dict)
    measures: list[PlanMeasure] = field(default_factory=list)
    proposals: list[SymbiosisProposal] = field(default_factory=list)
    stages: dict[str, str] = field(default_factory=dict)


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def effluent_year(year: int, water: Any) -> EffluentYear:
    """The year's exceedance events and the mean compliance rate over the WWTPs of a water result."""
    plants = list(_get(water, "wwtps") or [])
    events = sum(len(_get(w, "exceedances") or []) for w in plants)
    rates = [float(r) for w in plants if (r := _get(w, "compliance_rate")) is not None]
    return EffluentYear(year, events, sum(rates) / len(rates) if rates else None)


def evidence_from(
    inventory: Any = None,
    water: dict[int, Any] | None = None,
    waste: Any = None,
    plan_measures: list[Any] | None = None,
    discount_rate: float | None = None,
    stages: dict[str, str] | None = None,
) -> EipEvidence:
    """Read the figures the assessment needs off the engines' results (objects or their JSON dicts).

    Parameters
    ----------
    inventory : InventoryResult, optional
    water : dict, optional
        Year -> WaterResult (None for a year without wastewater records).
    waste : WasteResult, optional
    plan_measures : list of greenpark.plan Measure, optional
        The plan engine's candidate measures (``annual_cost_vnd`` is their annualised cost at ``discount_rate``).
    stages : dict, optional
        Engine stage -> why it gave no result.
    """
    kwh = None
    if inventory is not None:
        kwh = electricity_consumed_kwh(
            float(_get(inventory, "grid_import_kwh") or 0.0), float(_get(inventory, "pv_self_consumed_kwh") or 0.0)
        )
    volume = None
    current = max(water) if water else None
    if water and water.get(current) is not None:
        volume = sum(float(_get(t, "volume_m3") or 0.0) for t in _get(water[current], "tenants") or [])
    measures = [
        PlanMeasure(
            tenant_id=m.tenant_id,
            measure=m.measure,
            kind=m.kind,
            capex_vnd=float(m.capex_vnd),
            annual_cost_vnd=float(annualised_cost_vnd(m, discount_rate)) if discount_rate is not None else 0.0,
            electricity_saved_kwh=float(m.electricity_saved_kwh),
        )
        for m in plan_measures or []
    ]
    proposals = [
        SymbiosisProposal(
            giver=str(_get(x, "giver")),
            taker=str(_get(x, "taker")),
            material=str(_get(x, "material")),
            quantity_t_per_year=float(_get(x, "quantity_t_per_year")),
            setup_cost_vnd=float(_get(x, "setup_cost_vnd")),
            net_benefit_vnd=float(_get(x, "net_benefit_vnd")),
            giver_recycles=bool(_get(x, "giver_recycles")),
        )
        for x in (_get(waste, "symbiosis_matches") or [] if waste is not None else [])
    ]
    return EipEvidence(
        renewable_share=float(_get(inventory, "renewable_share")) if inventory is not None else None,
        electricity_kwh=kwh,
        energy_toe=float(_get(inventory, "energy_toe")) if inventory is not None else None,
        total_tco2e=float(_get(inventory, "total_tco2e")) if inventory is not None else None,
        waste_total_t=float(_get(waste, "total_t")) if waste is not None else None,
        waste_recovery_rate=(
            float(r) if waste is not None and (r := _get(waste, "recovery_rate")) is not None else None
        ),
        wastewater_m3=volume,
        effluent={y: (effluent_year(y, w) if w is not None else None) for y, w in (water or {}).items()},
        measures=measures,
        proposals=proposals,
        stages=dict(stages or {}),
    )
