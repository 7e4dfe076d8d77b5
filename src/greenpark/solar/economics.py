"""Project finance of a PV/battery system: cash flows, NPV, IRR, payback, LCOE.

Real terms: constant prices and a real discount rate. Cash flow of year ``n`` (1..N):
``savings_1 * (1 - d)^(n-1) - opex`` minus replacements due that year; year 0 is ``-capex``.
Degradation ``d`` is applied to the whole year-1 saving (an approximation for the battery's share).

References
----------
.. [1] W. Short, D. J. Packey, T. Holt, "A Manual for the Economic Evaluation of Energy Efficiency and
   Renewable Energy Technologies", NREL/TP-462-5173, 1995 (NPV, LCOE, discounted payback).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq


def annuity_factor(rate: float, years: int) -> float:
    """Present value of 1 per year for ``years`` years at ``rate`` [-]: (1 - (1+r)^-N) / r."""
    return float(years) if rate == 0 else (1 - (1 + rate) ** -years) / rate


def degraded_annuity_factor(rate: float, years: int, degradation_per_year: float) -> float:
    """Present value of a year-1 saving of 1 that shrinks by ``degradation_per_year`` each year [-]:
    sum over n = 1..N of (1 - d)^(n-1) / (1 + r)^n, the weight ``cash_flows`` gives the year-1 saving."""
    n = np.arange(1, years + 1)
    return float(np.sum((1 - degradation_per_year) ** (n - 1) / (1 + rate) ** n))


def replacement_years(life_years: float, horizon_years: int) -> list[int]:
    """Years (1..horizon-1) in which a component of ``life_years`` is replaced: life, 2*life, ..."""
    if life_years <= 0 or life_years >= horizon_years:
        return []
    step = round(life_years)
    return list(range(step, horizon_years, step))


def cash_flows(
    capex_vnd: float,
    savings_year1_vnd: float,
    opex_vnd_per_year: float,
    degradation_per_year: float,
    horizon_years: int,
    replacements: dict[int, float],
) -> np.ndarray:
    """Cash flows [VND] of years 0..N (index = year)."""
    years = np.arange(1, horizon_years + 1)
    flows = np.zeros(horizon_years + 1)
    flows[0] = -capex_vnd
    flows[1:] = savings_year1_vnd * (1 - degradation_per_year) ** (years - 1) - opex_vnd_per_year
    for year, cost in replacements.items():
        if 1 <= year <= horizon_years:
            flows[year] -= cost
    return flows


def npv(flows: np.ndarray, rate: float) -> float:
    """Net present value [VND] of flows for years 0..N at ``rate``."""
    return float(np.sum(flows / (1 + rate) ** np.arange(len(flows))))


def irr(flows: np.ndarray) -> float | None:
    """Internal rate of return [-], or None when NPV does not change sign on (-0.99, 10]."""
    f = lambda r: npv(flows, r)  # noqa: E731
    lo, hi = -0.99, 10.0
    if flows[0] >= 0 or f(lo) * f(hi) > 0:
        return None
    return float(brentq(f, lo, hi, xtol=1e-10))


def simple_payback(capex_vnd: float, net_saving_vnd_per_year: float) -> float | None:
    """Years to recover capex from the year-1 net saving (None if the saving is not positive)."""
    if capex_vnd <= 0:
        return 0.0
    return capex_vnd / net_saving_vnd_per_year if net_saving_vnd_per_year > 0 else None


def discounted_payback(flows: np.ndarray, rate: float) -> float | None:
    """First time [years] at which cumulative discounted cash flow reaches zero (linear within a year)."""
    if flows[0] >= 0:
        return 0.0
    disc = flows / (1 + rate) ** np.arange(len(flows))
    cum = np.cumsum(disc)
    hit = np.flatnonzero(cum >= 0)
    if hit.size == 0:
        return None
    n = int(hit[0])
    return (n - 1) + (-cum[n - 1]) / disc[n] if disc[n] > 0 else float(n)


def lcoe(
    capex_vnd: float,
    opex_vnd_per_year: float,
    replacements: dict[int, float],
    energy_year1_kwh: float,
    degradation_per_year: float,
    rate: float,
    horizon_years: int,
) -> float | None:
    """Levelised cost [VND/kWh] = discounted lifecycle cost / discounted energy (degraded yearly)."""
    years = np.arange(1, horizon_years + 1)
    disc = (1 + rate) ** -years
    energy = float(np.sum(energy_year1_kwh * (1 - degradation_per_year) ** (years - 1) * disc))
    if energy <= 0 or math.isclose(energy, 0.0):
        return None
    cost = capex_vnd + opex_vnd_per_year * float(disc.sum())
    cost += sum(c * (1 + rate) ** -y for y, c in replacements.items() if 1 <= y <= horizon_years)
    return cost / energy
