"""The plan's baseline year from the inventory: each tenant's energy and the park's emissions for a full year.

Measures are sized on a year of energy and the roadmap starts from a year of emissions, so a partial year is
completed by the one full-year rule (:mod:`greenpark.coverage`): where the inventory states a full-year estimate
(coverage below 1), the plan uses it; where it states none (coverage too low or not measured), the plan uses the
measured figure, which under-states the year, and says so. Fuel energy is taken as recorded (fuel TOE = energy
TOE - grid electricity TOE).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from greenpark.errors import NoDataError
from greenpark.reference import lookup

#: kWh per TOE: 1 toe = 41.868 GJ = 11,630 kWh by definition (IEA/OECD/Eurostat Energy Statistics Manual, 2005)
KWH_PER_TOE = 11_630.0
ACTIVITY_COLUMNS = ("tenant_id", "sector", "electricity_kwh", "fuel_kwh", "fuel_tco2e")


@dataclass
class PlanBaseline:
    """What :func:`greenpark.plan.candidate_measures` and :func:`greenpark.plan.roadmap` start from."""

    year: int
    activity: pd.DataFrame  # ACTIVITY_COLUMNS: one row per tenant (and the WWTP), energy of a full year
    baseline_tco2e: float
    baseline_electricity_tco2e: float
    full_year_estimate: bool  # True when any figure is a full-year estimate rather than the measurement
    notes: list[str] = field(default_factory=list)


def _year_s2(x: Any) -> float:
    """Location-based Scope 2 for the year: the estimate's electricity part when one is stated."""
    if x.full_year_estimate_tco2e is None:
        return float(x.scope2_location_tco2e)
    return float(x.full_year_estimate_tco2e - x.scope1_tco2e - x.scope3_tco2e)


def plan_baseline(inv: Any, sectors: Mapping[str, str], wwtp_ids: Iterable[str] = ()) -> PlanBaseline:
    """The plan's baseline from an ``InventoryResult`` (:func:`greenpark.ghg.inventory`).

    Parameters
    ----------
    inv : InventoryResult or None
        The baseline year's inventory; None = not computed (the plan cannot start).
    sectors : mapping
        tenant_id -> sector (model.Sector value).
    wwtp_ids : iterable of str
        The park's WWTPs: the park common's electricity becomes one ``park_wwtp`` row when there is one.

    Raises
    ------
    NoDataError
        No inventory, or an inventory of zero: there is no baseline to reduce.
    """
    if inv is None:
        raise NoDataError("the plan needs the baseline year's inventory; run greenpark inventory for that year first")
    notes: list[str] = []
    toe_per_kwh = lookup("ghg/toe", carrier="electricity").value
    rows, estimated = [], False
    for x in inv.tenants:
        kwh = x.full_year_estimate_kwh if x.full_year_estimate_kwh is not None else x.grid_import_kwh
        estimated |= x.full_year_estimate_kwh is not None
        if x.full_year_estimate_kwh is None and x.coverage is not None and x.coverage < 1:
            notes.append(f"{x.tenant_id}: {x.estimate_label}; its measures are sized on the measured part only")
        fuel_kwh = max(x.energy_toe * KWH_PER_TOE - x.grid_import_kwh * toe_per_kwh * KWH_PER_TOE, 0.0)
        rows.append(
            {
                "tenant_id": x.tenant_id,
                "sector": sectors.get(x.tenant_id, "other"),
                "electricity_kwh": float(kwh),
                "fuel_kwh": fuel_kwh,
                "fuel_tco2e": x.scope1_combustion_tco2e,
            }
        )
    pc = inv.park_common
    pc_kwh = pc.full_year_estimate_kwh if pc.full_year_estimate_kwh is not None else pc.grid_import_kwh
    if pc_kwh > 0 and list(wwtp_ids):
        rows.append({"tenant_id": "park_wwtp", "sector": "wwtp", "electricity_kwh": float(pc_kwh),
                     "fuel_kwh": 0.0, "fuel_tco2e": 0.0})  # fmt: skip
    if inv.full_year_estimate_tco2e is not None:
        total, estimated = inv.full_year_estimate_tco2e, True
        notes.append(
            f"baseline {inv.year}: full-year ESTIMATE {total:,.0f} tCO2e (measured {inv.total_tco2e:,.0f} tCO2e "
            f"over {inv.coverage:.1%} of the year's intervals)"
        )
    else:
        total = inv.total_tco2e
        if inv.coverage is not None and inv.coverage < 1:
            notes.append(
                f"baseline {inv.year}: the measured {total:,.0f} tCO2e (coverage {inv.coverage:.1%}; no full-year "
                "estimate): targets set against it are too easy"
            )
    if total <= 0:
        raise NoDataError(
            f"the inventory of {inv.year} is zero: no baseline to reduce; import readings and records for the year"
        )
    s2 = sum(_year_s2(x) for x in [*inv.tenants, pc])
    activity = pd.DataFrame(rows, columns=list(ACTIVITY_COLUMNS))
    return PlanBaseline(inv.year, activity, float(total), float(s2), estimated, notes)
