"""The water engine: the park's central WWTP against QCVN 40, its efficiency, tenant loads, GHG activity, alerts.

Modules (each pure: typed inputs in, typed results out; no files, no store, no printing):

- :mod:`~greenpark.water.parameters`: the one parameter table (canonical names, units, aliases, ``<DL`` values).
- :mod:`~greenpark.water.standards`: QCVN 40:2011 (A/B, Kq, Kf) and 2025 limits; tenant connection limits.
- :mod:`~greenpark.water.compliance`: lab samples and analyser windows, events, sensor faults, completeness.
- :mod:`~greenpark.water.efficiency`: volume, removal efficiency, kWh/m3, kWh/kg COD, benchmarks.
- :mod:`~greenpark.water.tenants`: flow and load shares, connection breaches, cost allocation.
- :mod:`~greenpark.water.ghg_link`: activity data for the ``ghg`` engine (:func:`ghg_activity`).
- :mod:`~greenpark.water.alerts`: rule functions for the live service.
- :mod:`~greenpark.water.assessment`: :func:`assess_water`, one result for a park and year.
"""

from greenpark.water.assessment import WaterResult, WwtpResult, assess_water
from greenpark.water.compliance import MonitoringRules
from greenpark.water.ghg_link import WwtpGhgActivity, ghg_activity
from greenpark.water.parameters import canonical_parameter, normalise_wastewater, parse_value
from greenpark.water.standards import Limit, connection_limits, discharge_limits, kf_coefficient, kq_coefficient

__all__ = [
    "Limit",
    "MonitoringRules",
    "WaterResult",
    "WwtpGhgActivity",
    "WwtpResult",
    "assess_water",
    "canonical_parameter",
    "connection_limits",
    "discharge_limits",
    "ghg_activity",
    "kf_coefficient",
    "kq_coefficient",
    "normalise_wastewater",
    "parse_value",
]
