"""Money over time: the one discount rate, annuity and capital recovery factors, NPV, IRR, paybacks, LCOE.

Every module that turns a one-off cost into a yearly one, or a stream of yearly amounts into a present value,
calls these functions (solar sizing, the cost curve and the roadmap, symbiosis set-up costs), with the one
discount rate of ``reference/data/finance/parameters.csv`` unless the caller passes another.

Conventions: real terms (constant prices, a real discount rate ``rate`` per year); end-of-year amounts; year 0 is
today (the investment), years 1..N the operating years. A cash-flow series is an array indexed by year.

References
----------
.. [1] W. Short, D. J. Packey, T. Holt, "A Manual for the Economic Evaluation of Energy Efficiency and
   Renewable Energy Technologies", NREL/TP-462-5173, 1995 (present value, capital recovery factor, NPV, LCOE,
   discounted payback: sections 4.1-4.5).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from greenpark.errors import InputError
from greenpark.reference import FactorRow, load_table, lookup, row_to_factor

TABLE = "finance/parameters"
RATES = "finance/exchange_rates"


def discount_rate_row(on: dt.date | None = None, extra_dirs: Iterable[Path] = ()) -> FactorRow:
    """The discount rate's reference row (value, source, edition, confidence), for result objects and reports."""
    return lookup(TABLE, on, extra_dirs, parameter="discount_rate")


def discount_rate(on: dt.date | None = None, extra_dirs: Iterable[Path] = ()) -> float:
    """The one real discount rate [1/yr] (``finance/parameters.csv``; a user folder's row wins)."""
    return discount_rate_row(on, extra_dirs).value


def exchange_rate(currency: str, extra_dirs: Iterable[Path] = ()) -> FactorRow:
    """The VND per unit of ``currency`` (JPY, USD) a report restates VND figures at: the latest dated row of
    ``finance/exchange_rates.csv`` (its date is ``valid_from``; a user folder's row with a later date wins).

    Raises
    ------
    InputError
        No rate for ``currency``; the message lists the currencies there are.
    """
    df = load_table(RATES, extra_dirs)
    rows = df[df["currency"] == currency]
    if rows.empty:
        known = ", ".join(sorted(df["currency"].unique()))
        raise InputError(
            f"no exchange rate for {currency!r}; second currencies: {known} (add a dated, sourced row to {RATES}.csv)"
        )
    latest = rows.assign(_date=rows["valid_from"].astype(str)).sort_values(["_date", "origin"]).iloc[-1]
    return row_to_factor(RATES, latest, ["currency"])


def in_currency(amount_vnd: float | None, rate: FactorRow) -> float | None:
    """``amount_vnd`` [VND] in the rate's currency: amount / rate [VND per unit] (None stays None)."""
    return None if amount_vnd is None else amount_vnd / rate.value


def discount_factor(rate: float, year: float) -> float:
    """Present value of 1 received at the end of ``year`` [-]: (1 + r)^-n."""
    return float((1.0 + rate) ** -year)


def annuity_factor(rate: float, years: int) -> float:
    """Present value of 1 per year for ``years`` years [-]: (1 - (1 + r)^-N) / r; N at r = 0."""
    return float(years) if rate == 0 else (1.0 - (1.0 + rate) ** -years) / rate


def capital_recovery_factor(rate: float, years: int) -> float:
    """The yearly amount that repays 1 today over ``years`` years [1/yr]: r / (1 - (1 + r)^-N); 1/N at r = 0.

    The reciprocal of :func:`annuity_factor` (NREL/TP-462-5173 eq. 4-6).
    """
    return 1.0 / annuity_factor(rate, years)


def annualised(one_off: float, rate: float, years: int) -> float:
    """A one-off amount spread over ``years`` years as an equal yearly amount: one_off x CRF(r, N)."""
    return one_off * capital_recovery_factor(rate, years)


def degraded_annuity_factor(rate: float, years: int, degradation_per_year: float) -> float:
    """Present value of a year-1 amount of 1 that shrinks by ``degradation_per_year`` each year [-]:
    sum over n = 1..N of (1 - d)^(n-1) / (1 + r)^n, the weight :func:`cash_flows` gives the year-1 saving."""
    n = np.arange(1, years + 1)
    return float(np.sum((1 - degradation_per_year) ** (n - 1) / (1 + rate) ** n))


def present_value(amounts_by_year: Mapping[int, float], rate: float) -> float:
    """Present value of amounts due in given years: sum of c_y (1 + r)^-y (e.g. replacements)."""
    return float(sum(c * (1.0 + rate) ** -y for y, c in amounts_by_year.items()))


def replacement_years(life_years: float, horizon_years: int) -> list[int]:
    """Years (1..horizon-1) in which a component of ``life_years`` is replaced: life, 2*life, ..."""
    if life_years <= 0 or life_years >= horizon_years:
        return []
    step = round(life_years)
    return list(range(step, horizon_years, step))


def cash_flows(
    capex: float,
    savings_year1: float,
    opex_per_year: float,
    degradation_per_year: float,
    horizon_years: int,
    replacements: Mapping[int, float],
) -> np.ndarray:
    """Cash flows of years 0..N (index = year): year 0 is ``-capex``; year n is
    ``savings_year1 (1 - d)^(n-1) - opex`` less the replacements due that year."""
    years = np.arange(1, horizon_years + 1)
    flows = np.zeros(horizon_years + 1)
    flows[0] = -capex
    flows[1:] = savings_year1 * (1 - degradation_per_year) ** (years - 1) - opex_per_year
    for year, cost in replacements.items():
        if 1 <= year <= horizon_years:
            flows[year] -= cost
    return flows


def npv(flows: np.ndarray, rate: float) -> float:
    """Net present value of a cash-flow series for years 0..N at ``rate``: sum of f_n (1 + r)^-n."""
    flows = np.asarray(flows, float)
    return float(np.sum(flows / (1 + rate) ** np.arange(len(flows))))


def irr(flows: np.ndarray) -> float | None:
    """Internal rate of return [-], or None when the NPV does not change sign on (-0.99, 10]."""
    flows = np.asarray(flows, float)
    lo, hi = -0.99, 10.0
    if flows[0] >= 0 or npv(flows, lo) * npv(flows, hi) > 0:
        return None
    return float(brentq(lambda r: npv(flows, r), lo, hi, xtol=1e-10))


def simple_payback(capex: float, net_saving_per_year: float) -> float | None:
    """Years to recover ``capex`` from a constant net yearly saving (None if the saving is not positive)."""
    if capex <= 0:
        return 0.0
    return capex / net_saving_per_year if net_saving_per_year > 0 else None


def discounted_payback(flows: np.ndarray, rate: float) -> float | None:
    """First time [years] at which the cumulative discounted cash flow reaches zero (linear within a year);
    None when it never does within the series."""
    flows = np.asarray(flows, float)
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
    capex: float,
    opex_per_year: float,
    replacements: Mapping[int, float],
    energy_year1_kwh: float,
    degradation_per_year: float,
    rate: float,
    horizon_years: int,
) -> float | None:
    """Levelised cost [money/kWh] = discounted lifecycle cost / discounted energy (degraded yearly);
    None when there is no energy."""
    years = np.arange(1, horizon_years + 1)
    disc = (1 + rate) ** -years
    energy = float(np.sum(energy_year1_kwh * (1 - degradation_per_year) ** (years - 1) * disc))
    if energy <= 0 or math.isclose(energy, 0.0):
        return None
    cost = capex + opex_per_year * float(disc.sum())
    cost += present_value({y: c for y, c in replacements.items() if 1 <= y <= horizon_years}, rate)
    return cost / energy
