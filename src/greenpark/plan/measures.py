"""Candidate measures per tenant from the catalogue (``reference/data/plan/measures.csv``) and the marginal
abatement cost curve.

Annualised cost of a measure (VND/yr) = capex x CRF(r, lifetime) + opex - annual bill savings, with the capital
recovery factor CRF = r / (1 - (1 + r)^-L); cost per tonne = annualised cost / annual abatement (tCO2e/yr at the
grid factor given). A negative cost per tonne is a measure that pays for itself.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pydantic import BaseModel

from greenpark.errors import InputError
from greenpark.reference import load_table, lookup


class Measure(BaseModel):
    """One measure at one tenant: what it saves each year and what it costs."""

    tenant_id: str
    measure: str
    kind: str  # electricity, fuel, fuel_switch or pv
    electricity_saved_kwh: float  # net of any electricity the measure adds (heat pump)
    fuel_saved_kwh: float
    fuel_abatement_tco2e: float  # per year; electricity abatement depends on the grid factor of the year
    annual_savings_vnd: float
    capex_vnd: float
    opex_vnd_per_year: float
    lifetime_years: int
    price_year: int | None = None
    excludes: list[str] = []  # measures on the same energy at this tenant (not adopted together)
    source: str = ""
    confidence: str = ""

    def abatement_tco2e(self, grid_tco2_per_mwh: float) -> float:
        """Annual abatement at a grid factor (tCO2/MWh)."""
        return self.electricity_saved_kwh / 1000.0 * grid_tco2_per_mwh + self.fuel_abatement_tco2e


class CostCurveRow(BaseModel):
    """A measure's place on the marginal abatement cost curve."""

    tenant_id: str
    measure: str
    abatement_tco2e: float
    annualised_cost_vnd: float
    cost_vnd_per_tco2e: float
    cumulative_abatement_tco2e: float


def plan_parameter(name: str) -> float:
    """A row of ``plan/parameters`` (discount_rate, electricity_price_vnd_per_kwh, fuel_price_vnd_per_kwh)."""
    return lookup("plan/parameters", parameter=name).value


def capital_recovery_factor(rate: float, years: int) -> float:
    """CRF = r / (1 - (1 + r)^-n); 1/n at r = 0."""
    return 1.0 / years if rate == 0 else rate / (1.0 - (1.0 + rate) ** -years)


def annualised_cost_vnd(m: Measure, rate: float) -> float:
    """capex x CRF + opex - savings (VND/yr)."""
    return m.capex_vnd * capital_recovery_factor(rate, m.lifetime_years) + m.opex_vnd_per_year - m.annual_savings_vnd


def candidate_measures(
    tenants: pd.DataFrame,
    electricity_price_vnd_per_kwh: float | None = None,
    fuel_price_vnd_per_kwh: float | None = None,
    solar: Any = None,
    catalogue: pd.DataFrame | None = None,
) -> list[Measure]:
    """The catalogue's measures that apply to each tenant, sized by its energy use.

    Parameters
    ----------
    tenants : DataFrame
        Columns ``tenant_id``, ``sector`` (model.Sector value, or ``wwtp``), ``electricity_kwh`` (year),
        ``fuel_kwh`` (fossil fuel energy, year), ``fuel_tco2e`` (its emissions).
    solar : ParkSolarResult or list of TenantSolar, optional
        Rooftop PV per tenant (``greenpark.solar``): one ``pv`` measure per tenant with PV.
    """
    need = {"tenant_id", "sector", "electricity_kwh", "fuel_kwh", "fuel_tco2e"}
    if need - set(tenants.columns):
        raise InputError(
            f"candidate_measures needs columns {sorted(need)}; missing {sorted(need - set(tenants.columns))}"
        )
    pe = (
        plan_parameter("electricity_price_vnd_per_kwh")
        if electricity_price_vnd_per_kwh is None
        else electricity_price_vnd_per_kwh
    )
    pf = plan_parameter("fuel_price_vnd_per_kwh") if fuel_price_vnd_per_kwh is None else fuel_price_vnd_per_kwh
    cat = load_table("plan/measures") if catalogue is None else catalogue
    # every (tenant, measure) pair whose sector fits, computed column-wise
    pairs = tenants.merge(cat, how="cross")
    fits = pairs.apply(lambda r: r["sectors"] == "all" or r["sector"] in str(r["sectors"]).split(";"), axis=1)
    pairs = pairs[fits & ((pairs["sectors"] != "all") | (pairs["sector"] != "wwtp"))].copy()
    part = pairs["end_use_share"] * pairs["saving_fraction"]
    is_e, is_f, is_s = (pairs["applies_to"] == k for k in ("electricity", "fuel", "fuel_switch"))
    fuel_saved = (pairs["fuel_kwh"] * part).where(is_f, 0.0)
    e_saved = (pairs["electricity_kwh"] * part).where(is_e, 0.0) - fuel_saved * pairs["electricity_per_fuel_saved"]
    fuel_t = (pairs["fuel_tco2e"] * part).where(is_f | is_s, 0.0)
    switched = (pairs["fuel_kwh"] * pairs["end_use_share"]).where(is_s, 0.0)
    basis = e_saved.where(is_e, 0.0) + fuel_saved + switched
    savings = e_saved * pe + fuel_saved * pf + switched * pf * pairs["fuel_cost_saving_fraction"]
    pairs = pairs.assign(e=e_saved, f=fuel_saved, ft=fuel_t, basis=basis, sav=savings)
    out = [
        Measure(
            tenant_id=str(r.tenant_id),
            measure=str(r.measure),
            kind=str(r.applies_to),
            electricity_saved_kwh=float(r.e),
            fuel_saved_kwh=float(r.f),
            fuel_abatement_tco2e=float(r.ft),
            annual_savings_vnd=float(r.sav),
            capex_vnd=float(r.basis * r.capex_vnd_per_kwh_yr),
            opex_vnd_per_year=float(r.basis * r.opex_vnd_per_kwh_yr),
            lifetime_years=int(r.lifetime_years),
            price_year=int(r.price_year),
            excludes=[] if pd.isna(r.excludes) else str(r.excludes).split(";"),
            source=str(r.source),
            confidence=str(r.confidence),
        )
        for r in pairs.itertuples()
        if r.basis > 0
    ]
    tenants_solar = getattr(solar, "tenants", solar) or []
    for t in tenants_solar:
        if t.annual_kwh > 0 and t.capex_vnd > 0:
            out.append(
                Measure(
                    tenant_id=t.tenant_id,
                    measure="rooftop_pv",
                    kind="pv",
                    electricity_saved_kwh=float(t.annual_kwh),
                    fuel_saved_kwh=0.0,
                    fuel_abatement_tco2e=0.0,
                    annual_savings_vnd=float(t.annual_savings_vnd),
                    capex_vnd=float(t.capex_vnd),
                    opex_vnd_per_year=float(t.opex_vnd_per_year),
                    lifetime_years=int(t.lifetime_years),
                    source="greenpark.solar sizing (PV + battery optimum)",
                    confidence="D",
                )
            )
    return out


def cost_curve(measures: list[Measure], discount_rate: float, grid_tco2_per_mwh: float) -> list[CostCurveRow]:
    """Marginal abatement cost curve: measures with positive abatement, cheapest tonne first."""
    rows = []
    for m in measures:
        a = m.abatement_tco2e(grid_tco2_per_mwh)
        if a > 0:
            c = annualised_cost_vnd(m, discount_rate)
            rows.append((c / a, a, c, m))
    rows.sort(key=lambda x: x[0])
    out, cum = [], 0.0
    for per_t, a, c, m in rows:
        cum += a
        out.append(
            CostCurveRow(
                tenant_id=m.tenant_id,
                measure=m.measure,
                abatement_tco2e=a,
                annualised_cost_vnd=c,
                cost_vnd_per_tco2e=per_t,
                cumulative_abatement_tco2e=cum,
            )
        )
    return out
