"""The ``ghg`` engine: greenhouse-gas inventory and emission-reduction MRV.

Public functions (pure: typed inputs in, typed results out; factors from ``reference/data/ghg``):

- :func:`inventory` -> :class:`InventoryResult`: a park's inventory for a year by scope, tenant (and park common)
  and month, with memo items, energy in TOE, the Decree 06 duty check and calendar, and every factor used.
- :func:`fuel_emissions`: tCO2e (and energy, TOE) of an amount of fuel burnt, e.g. for fuel-switch measures.
- :func:`grid_factor`: the Vietnam grid factor of a data year (flagged fallback; ``strict``).
- :func:`gwp_value`: GWP100 of a gas in AR4/AR5/AR6; :func:`refrigerant_gwp` for refrigerants and blends.
- :func:`wastewater_emissions`: a WWTP's CH4 and N2O from :class:`WwtpActivity` (IPCC 2006 / 2019R).
- :func:`scope2_emissions`: location- and market-based Scope 2 per tenant and month.
- :func:`duty_check`, :func:`reporting_calendar`: Decree 06/2022 thresholds and deadlines.
- :mod:`greenpark.ghg.mrv`: JCM-style reductions per monitoring period with factors fixed ex ante
  (:func:`fix_factors`, :func:`monitoring_report`).
"""

from greenpark.ghg.combustion import FuelEmissions, fuel_emissions
from greenpark.ghg.decree06 import ReportingCalendar, duty_check, reporting_calendar
from greenpark.ghg.electricity import scope2_emissions
from greenpark.ghg.factors import FactorUsed
from greenpark.ghg.grid import GridFactor, grid_factor, grid_factor_for
from greenpark.ghg.gwp import DEFAULT_GWP_SET, gwp_value
from greenpark.ghg.inventory import InventoryResult, TenantInventory, inventory
from greenpark.ghg.mrv import MeasureType, MonitoringReport, MrvFactorSet, fix_factors, monitoring_report
from greenpark.ghg.refrigerants import refrigerant_gwp
from greenpark.ghg.wastewater import WastewaterEmissions, WwtpActivity, wastewater_emissions

__all__ = [
    "DEFAULT_GWP_SET",
    "FactorUsed",
    "FuelEmissions",
    "GridFactor",
    "InventoryResult",
    "MeasureType",
    "MonitoringReport",
    "MrvFactorSet",
    "ReportingCalendar",
    "TenantInventory",
    "WastewaterEmissions",
    "WwtpActivity",
    "duty_check",
    "fix_factors",
    "fuel_emissions",
    "grid_factor",
    "grid_factor_for",
    "gwp_value",
    "inventory",
    "monitoring_report",
    "refrigerant_gwp",
    "reporting_calendar",
    "scope2_emissions",
    "wastewater_emissions",
]
