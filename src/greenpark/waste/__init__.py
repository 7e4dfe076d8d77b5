"""The waste engine: registry and manifests, indicators, GHG by route, industrial symbiosis.

- :mod:`greenpark.waste.factors`: codes (Circular 02/2022/TT-BTNMT Annex III), routes, IPCC waste types.
- :func:`greenpark.waste.ghg.route_emissions`: CH4/N2O/fossil CO2 per tenant and route (the ``ghg`` engine
  calls it for Scope 3 category 5); avoided emissions of recycling as a separate memo.
"""

from __future__ import annotations
