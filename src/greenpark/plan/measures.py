"""Candidate measures per tenant from the catalogue (``reference/data/plan/measures.csv``) and the marginal
abatement cost curve.

Annualised cost of a measure (VND/yr) = capex x CRF(r, lifetime) + opex - annual bill savings, with the capital
recovery factor CRF = r / (1 - (1 + r)^-L) of ``greenpark.finance`` and r its one discount rate; cost per
tonne = annualised cost / annual abatement (tCO2e/yr at the grid factor given). A negative cost per tonne is a
measure that pays for itself.

Where a measure can apply: its sectors fit and its ``requires`` rule holds (a boiler measure only with a boiler
fuel, a biomass switch or a heat pump only with a fossil boiler fuel: ``plan/fuel_uses.csv`` says which fuels
are burnt in boilers). Electricity saved is worth the tenant's own tariff: the EVN retail price of its voltage
level weighted by its load shape (kWh in each TOU band, :func:`greenpark.tariffs.price_of_load`), not one flat
price for all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from pydantic import BaseModel

from greenpark import finance
from greenpark.errors import InputError
from greenpark.reference import load_table, lookup
from greenpark.tariffs import BANDS, price_of_load


class Measure(BaseModel):
    """One measure at one tenant: what it saves each year and what it costs."""

    tenant_id: str
    measure: str
    kind: str  # electricity, fuel, fuel_switch or pv
    group: str = ""  # the catalogue's measure group (electrical_efficiency, heat, fuel_switch, wwtp; solar for PV)
    electricity_saved_kwh: float  # net of any electricity the measure adds (heat pump)
    fuel_saved_kwh: float
    fuel_abatement_tco2e: float  # per year; electricity abatement depends on the grid factor of the year
    annual_savings_vnd: float
    capex_vnd: float
    opex_vnd_per_year: float
    lifetime_years: int
    price_year: int | None = None
    electricity_price_vnd_per_kwh: float | None = None  # the tenant's tariff that values electricity saved
    excludes: list[str] = []  # measures on the same energy at this tenant (not adopted together)
    source: str = ""
    confidence: str = ""

    def abatement_tco2e(self, grid_tco2_per_mwh: float) -> float:
        """Annual abatement at a grid factor (tCO2/MWh)."""
        return self.electricity_saved_kwh / 1000.0 * grid_tco2_per_mwh + self.fuel_abatement_tco2e


class CostCurveRow(BaseModel):
    """A measure's place on the marginal abatement cost curve, with what it costs up front and pays back."""

    tenant_id: str
    measure: str
    abatement_tco2e: float
    annualised_cost_vnd: float
    cost_vnd_per_tco2e: float
    cumulative_abatement_tco2e: float
    group: str = ""
    capex_vnd: float = 0.0
    net_savings_vnd_per_year: float = 0.0  # bill savings less opex
    payback_years: float | None = None  # simple payback: capex / net savings (None: never pays back)
    excludes: list[str] = []


class MeasureGroupRow(BaseModel):
    """One measure summed over the tenants where it applies: a bar of the park's cost curve."""

    measure: str
    group: str
    tenants: int
    abatement_tco2e: float
    annualised_cost_vnd: float
    cost_vnd_per_tco2e: float
    capex_vnd: float


def plan_parameter(name: str) -> float:
    """A row of ``plan/parameters`` (fuel_price_vnd_per_kwh); electricity is priced by
    :func:`tenant_electricity_prices` and the discount rate is ``greenpark.finance.discount_rate``."""
    return lookup("plan/parameters", parameter=name).value


def annualised_cost_vnd(m: Measure, rate: float) -> float:
    """capex x CRF(rate, lifetime) + opex - savings (VND/yr)."""
    return finance.annualised(m.capex_vnd, rate, m.lifetime_years) + m.opex_vnd_per_year - m.annual_savings_vnd


def tenant_fuel_uses(combustion: pd.DataFrame) -> pd.DataFrame:
    """Per tenant: fossil boiler fuel [kWh] and its tCO2e, biomass boiler fuel [kWh] (``plan/fuel_uses.csv``).

    ``combustion`` is ``greenpark.ghg.combustion_emissions`` of the year's fuels (columns tenant_id, fuel,
    energy_tj, tco2e). Returns columns tenant_id, boiler_fuel_kwh, boiler_fuel_tco2e, biomass_kwh.
    """
    cols = ["tenant_id", "boiler_fuel_kwh", "boiler_fuel_tco2e", "biomass_kwh"]
    if combustion.empty:
        return pd.DataFrame(columns=cols)
    uses = load_table("plan/fuel_uses").set_index("fuel")
    unknown = sorted(set(combustion["fuel"].astype(str)) - set(uses.index))
    if unknown:
        raise InputError(f"fuel(s) {unknown} not in reference plan/fuel_uses.csv; add a row saying where each is burnt")
    c = combustion.assign(
        kwh=combustion["energy_tj"].astype(float) * 277_777.777_777_8,  # 1 TJ = 10^12 J / 3.6 x 10^6 J/kWh
        boiler=combustion["fuel"].map(uses["use"]).eq("boiler"),
        fossil=combustion["fuel"].map(uses["fossil"]).astype(int).eq(1),
    )
    fossil_boiler = c["boiler"] & c["fossil"]
    out = pd.DataFrame(
        {
            "boiler_fuel_kwh": c["kwh"].where(fossil_boiler, 0.0),
            "boiler_fuel_tco2e": c["tco2e"].astype(float).where(fossil_boiler, 0.0),
            "biomass_kwh": c["kwh"].where(c["boiler"] & ~c["fossil"], 0.0),
            "tenant_id": c["tenant_id"].astype(str),
        }
    )
    return out.groupby("tenant_id", as_index=False)[cols[1:]].sum()


def tenant_electricity_prices(load: pd.DataFrame, on: dt.date) -> pd.Series:
    """Each tenant's electricity price [VND/kWh, excl. VAT]: its voltage level's EVN retail prices in force on
    ``on``, weighted by its kWh in each TOU band (its load shape).

    ``load`` has columns tenant_id, voltage_level, offpeak_kwh, normal_kwh, peak_kwh (e.g. from
    :func:`greenpark.tariffs.kwh_by_band` over the year's intervals). Returns a Series indexed by tenant_id.
    """
    need = {"tenant_id", "voltage_level", *(f"{b}_kwh" for b in BANDS)}
    if need - set(load.columns):
        raise InputError(
            f"tenant_electricity_prices needs columns {sorted(need)}; missing {sorted(need - set(load.columns))}"
        )
    return pd.Series(
        {
            str(r["tenant_id"]): price_of_load({b: float(r[f"{b}_kwh"]) for b in BANDS}, str(r["voltage_level"]), on)
            for _, r in load.iterrows()
        },
        name="electricity_price_vnd_per_kwh",
        dtype=float,
    )


def _requirement_met(pairs: pd.DataFrame) -> pd.Series:
    req = pairs["requires"].fillna("").astype(str)
    boiler = pairs["boiler_fuel_kwh"] + pairs["biomass_kwh"] > 0
    fossil_boiler = pairs["boiler_fuel_kwh"] > 0
    known = req.isin(["", "boiler_fuel", "fossil_boiler_fuel"])
    if not known.all():
        raise InputError(
            f"plan/measures.csv: unknown requires {sorted(set(req[~known]))}; use boiler_fuel or fossil_boiler_fuel"
        )
    return (req == "") | ((req == "boiler_fuel") & boiler) | ((req == "fossil_boiler_fuel") & fossil_boiler)


def candidate_measures(
    tenants: pd.DataFrame,
    electricity_price_vnd_per_kwh: float | None = None,
    fuel_price_vnd_per_kwh: float | None = None,
    solar: Any = None,
    catalogue: pd.DataFrame | None = None,
) -> list[Measure]:
    """The catalogue's measures that can apply at each tenant, sized by its energy use.

    Parameters
    ----------
    tenants : DataFrame
        Columns ``tenant_id``, ``sector`` (model.Sector value, or ``wwtp``), ``electricity_kwh`` (year),
        ``electricity_price_vnd_per_kwh`` (the tenant's tariff for its voltage and load shape,
        :func:`tenant_electricity_prices`), ``fuel_kwh`` (fossil fuel energy, year), ``fuel_tco2e`` (its
        emissions), and from :func:`tenant_fuel_uses` ``boiler_fuel_kwh``, ``boiler_fuel_tco2e`` (fossil fuel burnt
        in boilers), ``biomass_kwh`` (biomass burnt in boilers). Without the three boiler columns a tenant has no
        boiler (no boiler, fuel-switch or heat-pump measure applies).
    electricity_price_vnd_per_kwh : float, optional
        One price for every tenant instead of the column (tests and what-if runs).
    solar : ParkSolarResult or list of TenantSolar, optional
        Rooftop PV per tenant (``greenpark.solar``): one ``pv`` measure per tenant with PV.
    """
    need = {"tenant_id", "sector", "electricity_kwh", "fuel_kwh", "fuel_tco2e"}
    if electricity_price_vnd_per_kwh is None:
        need.add("electricity_price_vnd_per_kwh")
    if need - set(tenants.columns):
        raise InputError(
            f"candidate_measures needs columns {sorted(need)}; missing {sorted(need - set(tenants.columns))}"
            + (
                "; price electricity with plan.tenant_electricity_prices"
                if "electricity_price_vnd_per_kwh" in need - set(tenants.columns)
                else ""
            )
        )
    tenants = tenants.copy()
    if electricity_price_vnd_per_kwh is not None:
        tenants["electricity_price_vnd_per_kwh"] = electricity_price_vnd_per_kwh
    for col in ("boiler_fuel_kwh", "boiler_fuel_tco2e", "biomass_kwh"):
        tenants[col] = tenants[col].fillna(0.0).astype(float) if col in tenants else 0.0
    pf = plan_parameter("fuel_price_vnd_per_kwh") if fuel_price_vnd_per_kwh is None else fuel_price_vnd_per_kwh
    cat = load_table("plan/measures") if catalogue is None else catalogue
    if "requires" not in cat:
        cat = cat.assign(requires="")
    # every (tenant, measure) pair whose sector fits and whose requirement holds, computed column-wise
    pairs = tenants.merge(cat, how="cross")
    fits = pairs.apply(lambda r: r["sectors"] == "all" or r["sector"] in str(r["sectors"]).split(";"), axis=1)
    pairs = pairs[fits & ((pairs["sectors"] != "all") | (pairs["sector"] != "wwtp")) & _requirement_met(pairs)].copy()
    part = pairs["end_use_share"] * pairs["saving_fraction"]
    is_e, is_f, is_s = (pairs["applies_to"] == k for k in ("electricity", "fuel", "fuel_switch"))
    fuel_saved = (pairs["boiler_fuel_kwh"] * part).where(is_f, 0.0)
    e_saved = (pairs["electricity_kwh"] * part).where(is_e, 0.0) - fuel_saved * pairs["electricity_per_fuel_saved"]
    fuel_t = (pairs["boiler_fuel_tco2e"] * part).where(is_f | is_s, 0.0)
    switched = (pairs["boiler_fuel_kwh"] * pairs["end_use_share"]).where(is_s, 0.0)
    basis = e_saved.where(is_e, 0.0) + fuel_saved + switched
    pe = pairs["electricity_price_vnd_per_kwh"].astype(float)
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
            electricity_price_vnd_per_kwh=float(r.electricity_price_vnd_per_kwh),
            excludes=[] if pd.isna(r.excludes) else str(r.excludes).split(";"),
            source=str(r.source),
            confidence=str(r.confidence),
            group=str(getattr(r, "group", "") or ""),
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
                    group="solar",
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
        net = m.annual_savings_vnd - m.opex_vnd_per_year
        out.append(
            CostCurveRow(
                tenant_id=m.tenant_id,
                measure=m.measure,
                abatement_tco2e=a,
                annualised_cost_vnd=c,
                cost_vnd_per_tco2e=per_t,
                cumulative_abatement_tco2e=cum,
                group=m.group,
                capex_vnd=m.capex_vnd,
                net_savings_vnd_per_year=net,
                payback_years=finance.simple_payback(m.capex_vnd, net),
                excludes=m.excludes,
            )
        )
    return out


def cost_curve_by_measure(curve: list[CostCurveRow]) -> list[MeasureGroupRow]:
    """The park's cost curve by measure: each measure's abatement, annualised cost and capex summed over its
    tenants, cost per tonne = summed cost / summed abatement, cheapest tonne first (one bar per measure instead of
    one sliver per tenant)."""
    sums: dict[str, dict[str, Any]] = {}
    for c in curve:
        s = sums.setdefault(c.measure, {"group": c.group, "tenants": 0, "a": 0.0, "cost": 0.0, "capex": 0.0})
        s["tenants"] += 1
        s["a"] += c.abatement_tco2e
        s["cost"] += c.annualised_cost_vnd
        s["capex"] += c.capex_vnd
    rows = [
        MeasureGroupRow(
            measure=k,
            group=s["group"],
            tenants=s["tenants"],
            abatement_tco2e=s["a"],
            annualised_cost_vnd=s["cost"],
            cost_vnd_per_tco2e=s["cost"] / s["a"],
            capex_vnd=s["capex"],
        )
        for k, s in sums.items()
        if s["a"] > 0
    ]
    return sorted(rows, key=lambda r: r.cost_vnd_per_tco2e)


def top_measures(curve: list[CostCurveRow], n: int = 10) -> list[CostCurveRow]:
    """The cost-effective measures (annualised cost <= 0: they pay for themselves) with the largest abatement
    first; the curve's order (cheapest tonne first) would put sub-tonne measures with huge savings per tonne on
    top. Of two measures on the same energy at one tenant (``excludes``: not adopted together) only the larger is
    listed, so the abatements listed add up."""
    chosen: list[CostCurveRow] = []
    for c in sorted((c for c in curve if c.annualised_cost_vnd <= 0), key=lambda c: -c.abatement_tco2e):
        clash = any(o.tenant_id == c.tenant_id and (o.measure in c.excludes or c.measure in o.excludes) for o in chosen)
        if not clash:
            chosen.append(c)
        if len(chosen) == n:
            break
    return chosen
