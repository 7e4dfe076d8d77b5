"""The waste engine: registry and manifests, indicators, GHG by route, industrial symbiosis.

Modules (the package imports none of them, so importing one module costs only that module):

- :mod:`greenpark.waste.factors`: codes (Circular 02/2022/TT-BTNMT Annex III), routes, IPCC waste types
  (``reference/data/waste/*.csv``).
- :func:`greenpark.waste.ghg.route_emissions`: CH4, N2O, fossil CO2 and tCO2e per tenant and route (landfill
  by IPCC first-order decay, incineration, composting, anaerobic digestion); avoided emissions of recycling
  and reuse in a separate column, never netted. ``greenpark.runs`` passes it to the ``ghg`` engine's inventory as
  Scope 3 category 5.
- :func:`greenpark.waste.registry.validate_records` (raw rows, for the importer and ``check``) and
  :func:`greenpark.waste.registry.manifest_issues` (hazardous loads, month-by-month reconciliation):
  findings, never dropped rows.
- :func:`greenpark.waste.indicators.waste_indicators`: recovery rate, landfill and hazardous shares, per
  tenant and per unit of production, by month, top streams.
- :func:`greenpark.waste.symbiosis.match_symbiosis`: exchanges that maximise the net benefit and the
  tCO2e avoided (HiGHS MILP), each explained in English and Vietnamese.
- :func:`greenpark.waste.assessment.assess_waste`: all of it for one park and year (:class:`WasteResult`).
"""

from __future__ import annotations
