"""Rooftop solar: roof PV potential (pvlib, vectorised), PV + battery sizing per tenant (HiGHS LP), park portfolio.

Public API:

- :func:`roof_potential`: kWp, hourly AC output, annual kWh and specific yield of every roof at once;
- :func:`typical_year`: an estimated weather year for a site without a weather file (flagged estimate);
- :func:`check_weather` / :class:`Weather`: a weather year, checked and repaired with every repair stated
  (file readers: :func:`greenpark.solar.weather.read_weather`, io, used by the CLI);
- :func:`size_system` / :func:`size_both`: the NPV-maximising PV kWp and battery kWh/kW for one tenant
  (:class:`SizingInputs` -> :class:`SizingResult`), with and without a battery;
- :func:`assess_solar`: the park: roofs, tenants sorted by NPV, portfolio totals and assumptions
  (:class:`ParkSolarResult`; per tenant :class:`TenantSolar` with capex_vnd, opex_vnd_per_year,
  lifetime_years, annual_kwh, annual_savings_vnd, avoided_tco2e for the plan engine);
- :func:`pv_system_params` / :func:`cost_params`: defaults from ``reference/data/solar``.
"""

from greenpark.solar.climate import typical_year
from greenpark.solar.params import CostParams, PvSystemParams, cost_params, pv_system_params
from greenpark.solar.portfolio import ParkSolarResult, Portfolio, TenantSolar, assess_solar
from greenpark.solar.pv import RoofPotential, RoofResult, roof_potential
from greenpark.solar.sizing import SizingInputs, SizingResult, size_both, size_system
from greenpark.solar.weather import Weather, check_weather

__all__ = [
    "CostParams",
    "ParkSolarResult",
    "Portfolio",
    "PvSystemParams",
    "RoofPotential",
    "RoofResult",
    "SizingInputs",
    "SizingResult",
    "TenantSolar",
    "Weather",
    "assess_solar",
    "check_weather",
    "cost_params",
    "pv_system_params",
    "roof_potential",
    "size_both",
    "size_system",
    "typical_year",
]
