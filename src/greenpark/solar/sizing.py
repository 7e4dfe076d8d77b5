"""PV + battery sizing for one tenant: a linear programme over the year at hourly resolution (HiGHS).

Formulation (build -> solve -> read back -> typed result)
----------------------------------------------------------
Sets: hours t = 1..T (a calendar year's 8,760 or 8,784 hours count as the year, w = 1, so the load is the
year's kWh as every engine states it; a shorter series is scaled to a year by w = 8,760 / T).

Decision variables (all >= 0)
    P        PV capacity [kWp], P <= P_max (the tenant's roofs, ``roof_potential``)
    E, W     battery energy [kWh] and power [kW] (absent in the no-battery model)
    imp_t    grid import [kWh]          exp_t   export of surplus [kWh]
    ch_t, dis_t   battery charge / discharge [kWh]
    soc'_t   battery state of charge above the minimum [kWh] (soc_t = soc'_t + m E)

Parameters
    L_t load [kWh]; y_t PV output per kWp [kWh/kWp]; c_t import price [VND/kWh] (voltage level, excl. VAT;
    an hour straddling a TOU band edge at the minute-weighted mean of its bands' prices,
    ``greenpark.tariffs.energy_price``); s surplus price [VND/kWh]; a export cap share of PV output; eta_c = eta_d =
    sqrt(round-trip efficiency); m minimum state of charge share; costs from ``solar/costs.csv``.

Constraints
    balance        imp_t - exp_t - ch_t + dis_t + y_t P >= L_t   (the slack is curtailed PV)
    storage        soc'_t = soc'_{t-1} + eta_c ch_t - dis_t / eta_d     (cyclic: soc'_0 = soc'_T)
    energy limit   soc'_t <= (1 - m) E
    power limit    ch_t + dis_t <= W   (one row per hour; also rules out charging and discharging at once)
    export origin  exp_t <= y_t P   (only PV is sold; left out when s <= min_t c_t, where it cannot bind)
    export cap     sum_t exp_t <= a * sum_t y_t P   (cap base "output": Decree 58/2025, 243/2026, share of output)
                   or exp_t <= a * P * 1 h each hour (cap base "installed_capacity": Decree 135/2024, a share of
                   the installed capacity in kW, so no hour's export exceeds a x P)

Objective (minimise lifecycle cost over the PV life N at real discount rate r; A = annuity factor)
    capex:  P (c_pv + PV(inverter replacement)) + E (c_E + PV(battery replacements)) + W c_W
    + A * [ P om_pv + E om_E ] + A_d * w (sum_t c_t imp_t - s sum_t exp_t)

A_d weighs the year-1 bill as the reported cash flows weigh the year-1 saving, which shrinks by the
degradation d each year (``finance.degraded_annuity_factor``). The lifecycle bill is
A * bill before - A_d * saving = (A - A_d) * bill before + A_d * bill after, and the first term is fixed, so
minimising this cost maximises the reported NPV exactly.
Before the storage LP is built, ``battery_screen`` checks the PV-only optimum: if a battery of any size
trading at that optimum's marginal prices (balance-row duals) cannot pay (its value is computed exactly by a
small dynamic programme at eight power/energy ratios and bounded in between by concavity), the PV-only
solution satisfies the full LP's optimality conditions, so the optimum has no battery and the storage LP
is not built. The full storage LP is the slow case (seconds to tens of seconds at 8,760 hours): interior point
without crossover is the fastest of the HiGHS methods and formulations measured on it (warm-started primal or
dual simplex from the PV-only basis, HiPO, PDLP, fewer export columns, a state-of-charge-only form: all slower
or equal, same optimum; figures in docs/solar.md). So when the screen cannot rule a battery out, the storage is
sized in two stages by default (``_size_two_stage``): the same LP over about 24 representative days fixes the
sizes, the year is then dispatched exactly at those sizes week by week (small LPs on one hot-started HiGHS
``Resolver``), and a golden-section search on the battery's scale refines it on that exact yearly cost. Its
answer is a feasible point of the full LP, within a stated tolerance of its optimum (0.5 % of the value the
battery adds; docs/solar.md, tests/solar/test_storage_two_stage.py); ``method="exact"`` solves the full LP.

Steps (``greenpark.optimisation``): build (column/row arrays in numpy, one CSC matrix, ``LinearProgram``) ->
solve (HiGHS interior point, then interior point with crossover if it stalls) -> read back (P, E, W, hourly
flows; curtailment = the balance slack) -> ``SizingResult`` with the bills, NPV, IRR, paybacks, LCOE and avoided tCO2e
(``greenpark.finance``). The programme is an LP (costs are linear; no binaries needed). The dispatch is year 1;
degradation enters through A_d.

References
----------
.. [1] Q. Huangfu, J. A. J. Hall, "Parallelizing the dual revised simplex method", Math. Prog. Comp.
   10, 119-142, 2018 (HiGHS).
.. [2] D. Cutler et al., "REopt: A Platform for Energy System Integration and Optimization",
   NREL/TP-7A40-70022, 2017 (the same behind-the-meter formulation).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from pydantic import BaseModel

from greenpark import finance as fin
from greenpark import optimisation as opt
from greenpark.errors import InputError
from greenpark.solar.params import CostParams

log = logging.getLogger(__name__)

HOURS_PER_YEAR = 8760.0
CALENDAR_YEAR_HOURS = (8760, 8784)
EXPORT_CAP_BASES = ("output", "installed_capacity")  # tariffs/rooftop_surplus.csv cap_base


def year_weight(hours: int) -> float:
    """Weight of one hour of the series in a year: 1 for a calendar year (leap or not), else 8,760 / T."""
    return 1.0 if hours in CALENDAR_YEAR_HOURS else HOURS_PER_YEAR / hours


_SCALE = 1e-3  # objective in thousand VND: keeps coefficients near 1 for the solver
_STRATEGIES: tuple[dict[str, bool | float | str], ...] = (
    {"solver": "ipm", "run_crossover": "off"},
    {"solver": "ipm", "run_crossover": "on"},
)


@dataclass(frozen=True)
class SizingInputs:
    """Everything the sizing LP needs for one tenant (arrays of one year, hourly).

    ``load_kwh`` and ``pv_kwh_per_kwp`` are per hour; ``price_vnd_per_kwh`` is the import price of each
    hour (excl. VAT); ``grid_tco2_per_mwh`` converts avoided grid kWh into tCO2e.
    """

    tenant_id: str
    load_kwh: np.ndarray
    pv_kwh_per_kwp: np.ndarray
    price_vnd_per_kwh: np.ndarray
    pv_max_kwp: float
    export_cap_share: float
    surplus_price_vnd_per_kwh: float
    vat_rate: float
    grid_tco2_per_mwh: float
    degradation_per_year: float
    export_cap_base: str = "output"

    def check(self) -> None:
        """Refuse inputs the LP cannot use, naming the value and the fix."""
        n = len(self.load_kwh)
        for name in ("pv_kwh_per_kwp", "price_vnd_per_kwh"):
            if len(getattr(self, name)) != n:
                raise InputError(f"{self.tenant_id}: {name} has {len(getattr(self, name))} hours, load has {n}")
        for name in ("load_kwh", "pv_kwh_per_kwp", "price_vnd_per_kwh"):
            arr = np.asarray(getattr(self, name), float)
            if not np.isfinite(arr).all():
                raise InputError(f"{self.tenant_id}: {name} has {int((~np.isfinite(arr)).sum())} missing values; "
                                 "fill the gaps (the load is resampled to hours before sizing)")  # fmt: skip
        if (np.asarray(self.load_kwh) < 0).any():
            raise InputError(f"{self.tenant_id}: negative hourly load; check the meters' direction and units")
        if self.pv_max_kwp < 0:
            raise InputError(f"{self.tenant_id}: roof limit {self.pv_max_kwp} kWp is negative")
        if not 0 <= self.export_cap_share <= 1:
            raise InputError(f"export cap share {self.export_cap_share} must be within 0-1")
        if self.export_cap_base not in EXPORT_CAP_BASES:
            raise InputError(f"export cap base {self.export_cap_base!r}: use one of {', '.join(EXPORT_CAP_BASES)}")


class SizingResult(BaseModel):
    """Optimal system for one tenant and its economics (year 1, VND excl. VAT unless named ``incl_vat``)."""

    tenant_id: str
    with_battery: bool
    pv_kwp: float
    pv_max_kwp: float
    battery_kwh: float
    battery_kw: float
    load_kwh: float
    annual_kwh: float  # PV generation, year 1
    import_kwh: float
    export_kwh: float
    curtailed_kwh: float
    self_consumption: float
    self_sufficiency: float
    export_cap_binding: bool
    bill_before_vnd: float
    bill_after_vnd: float
    bill_before_incl_vat_vnd: float
    bill_after_incl_vat_vnd: float
    annual_savings_vnd: float
    capex_vnd: float
    opex_vnd_per_year: float
    lifetime_years: int
    npv_vnd: float
    irr: float | None
    payback_years: float | None
    discounted_payback_years: float | None
    lcoe_vnd_per_kwh: float | None
    avoided_tco2e: float  # per year
    solver_status: str


_MAX_LEVELS = 8  # finest power/energy ratio examined by the screen: 1/8 of usable kWh per hour


def battery_value_bounds(discharge_value: np.ndarray, charge_cost: np.ndarray, efficiency: float) -> np.ndarray:
    """Upper bounds on the yearly value [VND] of 1 kWh of usable storage whose state of charge moves at most
    ``1/n`` kWh per hour, for n = 1..8 (a dynamic programme over n + 1 charge levels, all n at once).

    Moving up one level costs ``charge_cost_t / (n sqrt(eta))``; moving down earns
    ``discharge_value_t sqrt(eta) / n``. Every start level is tried; the year must end at least as full
    as it started (a relaxation of the cyclic condition, so still an upper bound).

    One price series (T,) gives (8,); a batch (B, T) of series of several tenants gives (B, 8) in one pass
    over the hours (the per-hour work in Python is shared, which is what makes a park's screens cheap).
    """
    eta = math.sqrt(efficiency)
    gain_all = np.atleast_2d(np.asarray(discharge_value, float)) * eta
    fill_all = np.atleast_2d(np.asarray(charge_cost, float)) / eta
    batch = gain_all.shape[0]
    size = _MAX_LEVELS + 1
    n = np.arange(1, _MAX_LEVELS + 1)[None, :, None, None]
    start = np.arange(size)[None, None, :, None]
    level = np.arange(size)[None, None, None, :]
    valid = (level <= n) & (start <= n)
    v = np.where(valid & (level == start), 0.0, -np.inf) + np.zeros((batch, 1, 1, 1))
    inv_n = 1.0 / np.arange(1, _MAX_LEVELS + 1)
    gain = gain_all[:, :, None] * inv_n  # (B, T, 8): earned per level moved down, hour t, n levels
    fill = fill_all[:, :, None] * inv_n
    ninf = np.full((batch, _MAX_LEVELS, size, 1), -np.inf)
    for t in range(gain.shape[1]):
        up = np.concatenate([ninf, v[..., :-1]], axis=3) - fill[:, t, :, None, None]  # charged this hour
        down = np.concatenate([v[..., 1:], ninf], axis=3) + gain[:, t, :, None, None]  # discharged
        v = np.where(valid, np.maximum(v, np.maximum(up, down)), -np.inf)
    v = np.where(level >= start, v, -np.inf)
    values = np.maximum(v.max(axis=(2, 3)), 0.0)
    return values[0] if np.ndim(discharge_value) == 1 else values


def concave_net_bound(steps: np.ndarray, values: np.ndarray, cost_per_step: float) -> float:
    """The largest ``V(s) - cost_per_step * s`` over s > 0 that any concave nondecreasing V with V(0) = 0,
    ``V(steps[i]) = values[i]`` and V flat beyond the last step can reach (steps ascending).

    Between two known points a concave V lies below the line through the left point with the slope of the
    chord before it, below the line through the right point with the slope of the chord after it, and below
    the right point's value (nondecreasing). The bound is that envelope minus the linear cost; it is concave
    on each interval, so its maximum is at an interval end or where two of the lines cross.
    """
    s = np.concatenate([[0.0], np.asarray(steps, float)])
    v = np.concatenate([[0.0], np.asarray(values, float)])
    chord = np.diff(v) / np.diff(s)  # chord[i]: slope between points i and i + 1
    best = 0.0
    for i in range(len(s) - 1):
        lines = [(0.0, v[i + 1])]  # (slope, value at s[i + 1]): the cap
        if i >= 1:
            lines.append((chord[i - 1], v[i] + chord[i - 1] * (s[i + 1] - s[i])))
        if i + 1 < len(chord):
            lines.append((chord[i + 1], v[i + 1]))
        candidates = {s[i], s[i + 1]}
        for a in range(len(lines)):
            for b in range(a + 1, len(lines)):
                (ka, va), (kb, vb) = lines[a], lines[b]
                if ka != kb:  # va + ka (x - s1) = vb + kb (x - s1)
                    x = s[i + 1] + (vb - va) / (ka - kb)
                    if s[i] <= x <= s[i + 1]:
                        candidates.add(x)
        for x in candidates:
            envelope = min(vi + k * (x - s[i + 1]) for k, vi in lines)
            best = max(best, envelope - cost_per_step * x)
    return float(best)


def battery_screen(
    inputs: SizingInputs, costs: CostParams, marginal_price_vnd_per_kwh: np.ndarray | None = None
) -> tuple[float, float]:
    """The largest lifecycle net value [VND per usable kWh] a battery could add, and the kWh cost it must beat.

    ``marginal_price_vnd_per_kwh`` is the value of one more kWh at the tenant's bus in each hour at the
    PV-only optimum (the duals of its balance rows; default: the import price, right when there is no PV
    surplus). A battery added at those prices is a price-taker store; if no store of any size pays at them,
    the PV-only solution with duals for the storage rows satisfies the optimality conditions of the full
    LP, so the optimum has no battery.

    The store's value per usable kWh, V(s), depends on the largest hourly move of its state of charge s
    (power W per usable kWh moves it at most s = W / sqrt(eta)). With the year's end at least as full as
    its start (a relaxation of the cyclic condition), V is the optimum of a totally unimodular LP, so at
    s = 1/n the dynamic programme of ``battery_value_bounds`` over n + 1 charge levels gives it exactly;
    as the optimum of an LP whose right-hand side grows with s, V is concave and nondecreasing. Between the
    points s = 1/8 .. 1, ``concave_net_bound`` bounds V minus the power cost ``c_W sqrt(eta) s``.
    Returned: (that bound, energy cost per usable kWh ``(c_E + PV(replacements) + A om_E) / (1 - m)``).
    """
    marginal = np.asarray(
        inputs.price_vnd_per_kwh if marginal_price_vnd_per_kwh is None else marginal_price_vnd_per_kwh, float
    )
    return _screen(inputs, costs, battery_value_bounds(marginal, marginal, costs.battery_roundtrip_efficiency))


def _screen(inputs: SizingInputs, costs: CostParams, values_per_year: np.ndarray) -> tuple[float, float]:
    """``battery_screen`` from the dynamic programme's yearly values (VND per usable kWh, n = 1..8)."""
    n_years = int(costs.pv_lifetime)
    a = fin.annuity_factor(costs.discount_rate, n_years)
    a_d = fin.degraded_annuity_factor(costs.discount_rate, n_years, inputs.degradation_per_year)
    eta = math.sqrt(costs.battery_roundtrip_efficiency)
    values = values_per_year * year_weight(len(inputs.load_kwh)) * a_d
    steps = 1.0 / np.arange(1, _MAX_LEVELS + 1)
    order = np.argsort(steps)
    bound = concave_net_bound(steps[order], values[order], costs.battery_capex_power * eta)
    _, bat_repl = _replacement_costs(costs, n_years)
    cost_e = costs.battery_capex_energy + fin.present_value(bat_repl, costs.discount_rate) + a * costs.battery_om
    return bound, cost_e / (1 - costs.battery_min_soc)


def _replacement_costs(costs: CostParams, horizon: int) -> tuple[dict[int, float], dict[int, float]]:
    """Replacement cost per kWp (inverter) and per kWh (battery) by year."""
    inv = {y: costs.inverter_replacement for y in fin.replacement_years(costs.inverter_replacement_year, horizon)}
    bat = {
        y: costs.battery_replacement_share * costs.battery_capex_energy
        for y in fin.replacement_years(costs.battery_lifetime, horizon)
    }
    return inv, bat


def size_system(inputs: SizingInputs, costs: CostParams, with_battery: bool = True) -> SizingResult:
    """Size PV (and a battery) for one tenant to minimise lifecycle cost; see the module docstring.

    Parameters
    ----------
    inputs : SizingInputs
        Hourly load, PV profile per kWp, import price; roof limit; surplus rule; VAT; grid factor.
    costs : CostParams
        Capex, O&M, replacement, lifetimes, efficiency, discount rate.
    with_battery : bool
        False solves the PV-only model (the no-battery optimum for comparison).

    Returns
    -------
    SizingResult

    Raises
    ------
    SolverError
        HiGHS did not reach an optimal solution (status named).
    """
    inputs.check()
    if not with_battery:
        return _solve(inputs, costs, False)[0]
    return size_both(inputs, costs)[0]


STORAGE_METHODS = ("two_stage", "exact")


def size_both(
    inputs: SizingInputs, costs: CostParams, screen: bool = True, method: str = "two_stage"
) -> tuple[SizingResult, SizingResult]:
    """The optimum with a battery allowed and the PV-only optimum (solved once each, screen in between).

    The PV-only LP is solved first. ``battery_screen`` then bounds the value of a battery that trades at
    that solution's marginal prices (balance-row duals); if no size pays, the PV-only optimum is also the
    optimum with a battery allowed (an optimality certificate, within solver tolerance) and the storage LP
    is skipped.
    ``screen=False`` always sizes the storage. ``method`` picks how: ``"two_stage"`` (default; sizes from
    representative days, then the year dispatched week by week, ``_size_two_stage``) or ``"exact"`` (the
    full-year storage LP in one solve; the reference the two-stage answer is tested against).
    """
    return size_many([(inputs, costs)], screen, method)[0]


def size_many(
    jobs: Sequence[tuple[SizingInputs, CostParams]], screen: bool = True, method: str = "two_stage"
) -> list[tuple[SizingResult, SizingResult]]:
    """``size_both`` for several tenants: their PV-only LPs, then one dynamic programme for all their screens
    (its per-hour work is shared across the batch), then the storage the screens do not settle."""
    if method not in STORAGE_METHODS:
        raise InputError(f"storage sizing method {method!r}: use one of {', '.join(STORAGE_METHODS)}")
    for inputs, _ in jobs:
        inputs.check()
    first = [_solve(inputs, costs, False) for inputs, costs in jobs]
    values: list[np.ndarray | None] = [None] * len(jobs)
    if screen:
        groups: dict[tuple[int, float], list[int]] = {}
        for k, ((_, costs), (_, marginal)) in enumerate(zip(jobs, first, strict=True)):
            groups.setdefault((len(marginal), costs.battery_roundtrip_efficiency), []).append(k)
        for (_, efficiency), ks in groups.items():
            prices = np.stack([first[k][1] for k in ks])
            for k, v in zip(ks, battery_value_bounds(prices, prices, efficiency), strict=True):
                values[k] = v
    out = []
    for (inputs, costs), (pv_only, _), v in zip(jobs, first, values, strict=True):
        if v is not None:
            bound, cost_e = _screen(inputs, costs, v)
            if bound <= cost_e:
                log.info("%s: battery screened out (bound %.0f <= cost %.0f VND/kWh)", inputs.tenant_id, bound, cost_e)
                status = (
                    f"Optimal (battery = 0 proven: value bound {bound:,.0f} <= lifecycle cost "
                    f"{cost_e:,.0f} VND per kWh)"
                )
                out.append((pv_only.model_copy(update={"with_battery": True, "solver_status": status}), pv_only))
                continue
        if method == "two_stage" and len(inputs.load_kwh) % 24 == 0:
            with_storage = _size_two_stage(inputs, costs)
        else:  # the exact LP (also for a series that is not whole days, which the two stages cut into days)
            with_storage = _solve(inputs, costs, True)[0]
        # The LP's objective is the reported NPV (A_d), but a solver's tolerance can leave a battery worth less
        # than nothing by a few dong: then the PV-only system is the better answer and is reported as the optimum.
        if with_storage.npv_vnd < pv_only.npv_vnd:
            note = f"Optimal (PV-only kept: NPV with the LP's {with_storage.battery_kwh:,.1f} kWh battery is lower)"
            out.append((pv_only.model_copy(update={"with_battery": True, "solver_status": note}), pv_only))
        else:
            out.append((with_storage, pv_only))
    return out


@dataclass(frozen=True)
class _Hours:
    """A selection of the year's hours for one LP: ``index`` into the year's series, ``weight`` (hours of the
    year each stands for) and ``prev`` (each hour's predecessor in the state-of-charge chain, positions within
    ``index``; the chain closes within each period, so every period's battery ends as full as it began)."""

    index: np.ndarray
    weight: np.ndarray
    prev: np.ndarray

    @staticmethod
    def year(hours: int) -> _Hours:
        """The whole series as one cyclic period, each hour weighing ``year_weight``."""
        t = np.arange(hours)
        return _Hours(t, np.full(hours, year_weight(hours)), (t - 1) % hours)


@dataclass(frozen=True)
class _Sizes:
    """Fixed sizes for a dispatch-only LP: PV [kWp], battery energy [kWh] and power [kW]."""

    pv_kwp: float
    battery_kwh: float
    battery_kw: float


def _solve(
    inputs: SizingInputs,
    costs: CostParams,
    with_battery: bool,
    hours: _Hours | None = None,
    fixed: _Sizes | None = None,
) -> tuple[SizingResult, np.ndarray]:
    """Build, solve and read back one LP; also returns each hour's marginal price at the bus [VND/kWh]
    (the balance rows' duals). Over the whole year by default; see ``_lp`` for ``hours`` and ``fixed``."""
    T = len(inputs.load_kwh)
    solution, off = _lp_solution(inputs, costs, with_battery, hours or _Hours.year(T), fixed)
    x = solution.x
    w = year_weight(T)
    A_d = fin.degraded_annuity_factor(costs.discount_rate, int(costs.pv_lifetime), inputs.degradation_per_year)
    price = np.asarray(inputs.price_vnd_per_kwh, float)
    if solution.row_dual is not None:
        marginal = np.abs(solution.row_dual[:T]) / (_SCALE * A_d * w)
    else:  # no duals: fall back to the import price (the screen then only rules out grid arbitrage)
        marginal = np.maximum(price, inputs.surplus_price_vnd_per_kwh)

    # -- read back -------------------------------------------------------------------------------------------------
    def block(name: str) -> np.ndarray:
        return np.clip(x[off[name] : off[name] + T], 0, None) if name in off else np.zeros(T)

    pv_kwp = max(0.0, float(x[0]))
    e_kwh = max(0.0, float(x[1])) if with_battery else 0.0
    w_kw = max(0.0, float(x[2])) if with_battery else 0.0
    return _result(inputs, costs, with_battery, pv_kwp, e_kwh, w_kw, block, solution.status), marginal


def _lp_solution(
    inputs: SizingInputs, costs: CostParams, with_battery: bool, hours: _Hours, fixed: _Sizes | None
) -> tuple[opt.Solution, dict[str, int]]:
    """Build the sizing LP over ``hours`` (sizes fixed when ``fixed`` is given) and solve it with HiGHS;
    returns the solution and each hourly block's first column."""
    lp, off = _lp(inputs, costs, with_battery, hours, fixed)
    # Interior point: on the storage LP it beat PDLP (which took 2-3x longer when a battery pays) and the dual
    # simplex (10x); the cases where PDLP was quicker, a battery worth nothing, are settled by the screen.
    solution = opt.solve(
        lp,
        strategies=_STRATEGIES,
        hint="check that the load and prices are finite and the roof limit is not negative",
    )
    return solution, off


def _lp(
    inputs: SizingInputs, costs: CostParams, with_battery: bool, hours: _Hours, fixed: _Sizes | None
) -> tuple[opt.LinearProgram, dict[str, int]]:
    """The sizing LP of the module docstring over a selection of hours.

    ``hours`` picks the hours (the whole year, representative days or one period of the year), their weights
    w_t in the objective and the export cap, and the state-of-charge chain. ``fixed`` pins P, E and W (a
    dispatch-only LP); the yearly export cap then applies to the selection's own output, a share
    sum_t w_t exp_t <= a P sum_t w_t y_t of it. Columns: [P, E, W | imp, exp | ch, dis, soc'].
    """
    idx = hours.index
    load = np.asarray(inputs.load_kwh, float)[idx]
    y = np.asarray(inputs.pv_kwh_per_kwp, float)[idx]
    price = np.asarray(inputs.price_vnd_per_kwh, float)[idx]
    T = len(idx)
    w = np.asarray(hours.weight, float)
    N = int(costs.pv_lifetime)
    r = costs.discount_rate
    A = fin.annuity_factor(r, N)
    A_d = fin.degraded_annuity_factor(r, N, inputs.degradation_per_year)
    inv_repl, bat_repl = _replacement_costs(costs, N)

    # -- build: columns [P, E, W | imp, exp | ch, dis, soc'] ---------------------------------------------------------
    n_scalar = 3 if with_battery else 1
    blocks = ["imp", "exp"] + (["ch", "dis", "soc"] if with_battery else [])
    off = {b: n_scalar + i * T for i, b in enumerate(blocks)}
    n_cols = n_scalar + len(blocks) * T
    t = np.arange(T)
    inf = opt.INF

    cost = np.zeros(n_cols)
    cost[0] = costs.pv_capex + fin.present_value(inv_repl, r) + A * costs.pv_om
    if with_battery:
        cost[1] = costs.battery_capex_energy + fin.present_value(bat_repl, r) + A * costs.battery_om
        cost[2] = costs.battery_capex_power
    cost[off["imp"] : off["imp"] + T] = A_d * w * price
    cost[off["exp"] : off["exp"] + T] = -A_d * w * inputs.surplus_price_vnd_per_kwh
    lower = np.zeros(n_cols)
    upper = np.full(n_cols, inf)
    upper[0] = inputs.pv_max_kwp
    if fixed is not None:
        lower[:n_scalar] = upper[:n_scalar] = [fixed.pv_kwp, fixed.battery_kwh, fixed.battery_kw][:n_scalar]

    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []
    r0 = 0

    def add(col_idx: np.ndarray, v: np.ndarray | float, row_idx: np.ndarray | None = None) -> None:
        ri = r0 + t if row_idx is None else row_idx
        rows.append(ri)
        cols.append(col_idx)
        vals.append(np.broadcast_to(np.asarray(v, float), ri.shape))

    p_col = np.zeros(T, int)
    # balance: imp - exp - ch + dis + y P >= L  (PV not used, stored or sold is curtailed: the slack)
    add(off["imp"] + t, 1.0)
    add(off["exp"] + t, -1.0)
    add(p_col, y)
    if with_battery:
        add(off["ch"] + t, -1.0)
        add(off["dis"] + t, 1.0)
    lo.append(load)
    hi.append(np.full(T, inf))
    r0 += T
    # export origin: exp_t - y_t P <= 0; redundant (and left out) when the surplus price is at most the
    # cheapest import price, since exporting grid energy would then lose money
    if inputs.surplus_price_vnd_per_kwh > np.min(inputs.price_vnd_per_kwh):
        add(off["exp"] + t, 1.0)
        add(p_col, -y)
        lo.append(np.full(T, -inf))
        hi.append(np.zeros(T))
        r0 += T
    if inputs.export_cap_base == "installed_capacity":
        # export cap per hour: exp_t - a P <= 0 (a share of the installed kW, over a 1-hour step)
        add(off["exp"] + t, 1.0)
        add(p_col, -inputs.export_cap_share)
        lo.append(np.full(T, -inf))
        hi.append(np.zeros(T))
        r0 += T
    else:
        # export cap on the year: sum w exp - a sum(w y) P <= 0
        add(off["exp"] + t, w, np.full(T, r0))
        add(np.array([0]), -inputs.export_cap_share * float(w @ y), np.array([r0]))
        lo.append(np.array([-inf]))
        hi.append(np.array([0.0]))
        r0 += 1
    if with_battery:
        eta = math.sqrt(costs.battery_roundtrip_efficiency)
        # storage, with soc' = soc - m E >= 0: soc'_t - soc'_{prev t} - eta ch_t + dis_t / eta = 0 (cyclic)
        add(off["soc"] + t, 1.0)
        add(off["soc"] + np.asarray(hours.prev), -1.0)
        add(off["ch"] + t, -eta)
        add(off["dis"] + t, 1.0 / eta)
        lo.append(np.zeros(T))
        hi.append(np.zeros(T))
        r0 += T
        # soc'_t - (1 - m) E <= 0 ; ch_t + dis_t - W <= 0
        add(off["soc"] + t, 1.0)
        add(np.full(T, 1), -(1.0 - costs.battery_min_soc))
        lo.append(np.full(T, -inf))
        hi.append(np.zeros(T))
        r0 += T
        add(off["ch"] + t, 1.0)
        add(off["dis"] + t, 1.0)
        add(np.full(T, 2), -1.0)
        lo.append(np.full(T, -inf))
        hi.append(np.zeros(T))
        r0 += T
    a = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r0, n_cols))
    lp = opt.LinearProgram(
        name=f"{inputs.tenant_id}: PV {'+ battery ' if with_battery else ''}sizing",
        cost=cost * _SCALE,
        col_lower=lower,
        col_upper=upper,
        a=a,
        row_lower=np.concatenate(lo),
        row_upper=np.concatenate(hi),
    )
    return lp, off


def _cap_binds(inputs: SizingInputs, pv_kwp: float, exp: np.ndarray, gen_y: float, exp_y: float) -> bool:
    """Whether the export cap limits the export: the year's export at the cap (base ``output``), or some hour's
    export at a x P (base ``installed_capacity``)."""
    if exp_y <= 0 or gen_y <= 1e-9:
        return False
    if inputs.export_cap_base == "installed_capacity":
        return bool((exp >= inputs.export_cap_share * pv_kwp * (1 - 1e-6)).any())
    return exp_y >= inputs.export_cap_share * gen_y * (1 - 1e-6)


def _result(
    inputs: SizingInputs,
    costs: CostParams,
    with_battery: bool,
    pv_kwp: float,
    e_kwh: float,
    w_kw: float,
    block,
    status: str,
) -> SizingResult:
    load = np.asarray(inputs.load_kwh, float)
    price = np.asarray(inputs.price_vnd_per_kwh, float)
    w = year_weight(len(load))
    N = int(costs.pv_lifetime)
    r = costs.discount_rate
    inv_repl, bat_repl = _replacement_costs(costs, N)
    imp, exp = block("imp"), block("exp")
    gen = pv_kwp * np.asarray(inputs.pv_kwh_per_kwp, float)
    cur = np.clip(imp - exp - block("ch") + block("dis") + gen - load, 0, None)  # the balance row's slack
    load_y, gen_y = w * load.sum(), w * gen.sum()
    imp_y, exp_y, cur_y = w * imp.sum(), w * exp.sum(), w * cur.sum()
    bill_before = w * float(price @ load)
    bill_after = w * float(price @ imp) - inputs.surplus_price_vnd_per_kwh * exp_y
    savings = bill_before - bill_after
    capex = pv_kwp * costs.pv_capex + e_kwh * costs.battery_capex_energy + w_kw * costs.battery_capex_power
    opex = pv_kwp * costs.pv_om + e_kwh * costs.battery_om
    repl: dict[int, float] = {}
    for year, c in inv_repl.items():
        repl[year] = repl.get(year, 0.0) + c * pv_kwp
    for year, c in bat_repl.items():
        repl[year] = repl.get(year, 0.0) + c * e_kwh
    d = inputs.degradation_per_year
    flows = fin.cash_flows(capex, savings, opex, d, N, repl)
    used = gen_y - exp_y - cur_y
    tiny = 1e-9
    return SizingResult(
        tenant_id=inputs.tenant_id,
        with_battery=with_battery,
        pv_kwp=pv_kwp,
        pv_max_kwp=inputs.pv_max_kwp,
        battery_kwh=e_kwh,
        battery_kw=w_kw,
        load_kwh=load_y,
        annual_kwh=gen_y,
        import_kwh=imp_y,
        export_kwh=exp_y,
        curtailed_kwh=cur_y,
        self_consumption=used / gen_y if gen_y > tiny else 0.0,
        self_sufficiency=min(used, load_y) / load_y if load_y > tiny else 0.0,
        export_cap_binding=_cap_binds(inputs, pv_kwp, exp, gen_y, exp_y),
        bill_before_vnd=bill_before,
        bill_after_vnd=bill_after,
        bill_before_incl_vat_vnd=bill_before * (1 + inputs.vat_rate),
        bill_after_incl_vat_vnd=bill_after * (1 + inputs.vat_rate),
        annual_savings_vnd=savings,
        capex_vnd=capex,
        opex_vnd_per_year=opex,
        lifetime_years=N,
        npv_vnd=fin.npv(flows, r),
        irr=fin.irr(flows),
        payback_years=fin.simple_payback(capex, savings - opex),
        discounted_payback_years=fin.discounted_payback(flows, r),
        lcoe_vnd_per_kwh=fin.lcoe(capex, opex, repl, gen_y - cur_y, d, r, N),
        avoided_tco2e=(load_y - imp_y + exp_y) * inputs.grid_tco2_per_mwh / 1000.0,
        solver_status=status,
    )


# -- two-stage storage sizing -------------------------------------------------------------------------------------
_PERIODS = 12  # the year is cut into this many equal runs of days (about a month each) for the representative days
_DISPATCH_DAYS = 7  # days per dispatch piece: the battery ends each week as full as it began
_REFINE_RANGE = (0.85, 1.15)  # battery scale factors searched around the coarse size (coarse errors seen: < 10 %)
_REFINE_STEPS = 5  # golden-section steps: the bracket shrinks to 0.3 x 0.618^5 = 2.7 % of the coarse size


def _representative_days(inputs: SizingInputs) -> tuple[_Hours, int]:
    """One real day for each (period of the year, tariff day type), weighed by the days it stands for.

    The days of each twelfth of the year are grouped by their hourly price vector (the tariff's day types:
    Vietnam's TOU has a peak on Monday to Saturday and none on Sunday) and each group is represented by its
    medoid, the day whose load and PV profiles (each over its yearly mean) lie nearest the group's mean. Each
    representative day's state of charge is cyclic within the day.
    Returns the hours and the number of days.
    """
    T = len(inputs.load_kwh)
    D = T // 24
    load = np.asarray(inputs.load_kwh, float).reshape(D, 24)
    pv = np.asarray(inputs.pv_kwh_per_kwp, float).reshape(D, 24)
    price = np.asarray(inputs.price_vnd_per_kwh, float).reshape(D, 24)
    features = np.hstack([load / max(load.mean(), 1e-9), pv / max(pv.mean(), 1e-9)])
    period = np.arange(D) * min(_PERIODS, D) // D
    groups: dict[tuple[int, bytes], list[int]] = {}
    for d in range(D):
        groups.setdefault((int(period[d]), price[d].tobytes()), []).append(d)
    days, counts = [], []
    for members in groups.values():
        g = np.asarray(members)
        spread = ((features[g] - features[g].mean(axis=0)) ** 2).sum(axis=1)
        days.append(int(g[np.argmin(spread)]))
        counts.append(len(g))
    n = len(days)
    k = np.arange(24 * n)
    index = (np.asarray(days)[:, None] * 24 + np.arange(24)).ravel()
    weight = np.repeat(np.asarray(counts, float), 24) * year_weight(T)
    return _Hours(index, weight, (k // 24) * 24 + (k % 24 - 1) % 24), n


def _dispatch_pieces(days: int) -> list[np.ndarray]:
    """The year's days cut into weeks (the remainder joins the last week): each piece's hour indices."""
    starts = list(range(0, days - _DISPATCH_DAYS + 1, _DISPATCH_DAYS)) or [0]
    ends = [*starts[1:], days]
    return [np.arange(24 * a, 24 * b) for a, b in zip(starts, ends, strict=True)]


class _YearDispatch:
    """The year's hourly dispatch at fixed sizes, week by week (each week cyclic), on one :class:`Resolver` per
    week length: columns [imp, exp, ch, dis, soc'] per hour; the sizes enter only bounds.

    Rows: balance imp - exp - ch + dis >= L - y P; storage soc'_t - soc'_{t-1} - eta ch_t + dis_t / eta = 0
    (cyclic in the week); power ch + dis <= W; the week's export sum exp <= cap (open unless ``run`` is asked
    for weekly caps). Bounds: exp_t <= y_t P (only PV is sold), and <= a P with cap base
    ``installed_capacity``; soc'_t <= (1 - m) E.
    """

    def __init__(self, inputs: SizingInputs, costs: CostParams) -> None:
        self.inputs, self.costs = inputs, costs
        self.T = len(inputs.load_kwh)
        self.pieces = _dispatch_pieces(self.T // 24)
        self._solvers: dict[int, opt.Resolver] = {}
        n_years = int(costs.pv_lifetime)
        r = costs.discount_rate
        self.a_d = fin.degraded_annuity_factor(r, n_years, inputs.degradation_per_year)
        a = fin.annuity_factor(r, n_years)
        inv_repl, bat_repl = _replacement_costs(costs, n_years)
        self.size_cost = np.array([
            costs.pv_capex + fin.present_value(inv_repl, r) + a * costs.pv_om,
            costs.battery_capex_energy + fin.present_value(bat_repl, r) + a * costs.battery_om,
            costs.battery_capex_power,
        ])  # fmt: skip

    def _resolver(self, n: int) -> opt.Resolver:
        if n not in self._solvers:
            t = np.arange(n)
            eta = math.sqrt(self.costs.battery_roundtrip_efficiency)
            rows = opt.Rows()
            imp, exp, ch, dis, soc = (k * n + t for k in range(5))
            four = np.tile(t, 4)
            # balance (>= L - y P), storage (= 0, cyclic in the piece), power (<= W), the piece's export (<= cap)
            rows.add_block(four, np.r_[imp, exp, ch, dis], np.repeat([1.0, -1.0, -1.0, 1.0], n), 0.0, opt.INF)
            rows.add_block(four, np.r_[soc, soc[(t - 1) % n], ch, dis], np.repeat([1.0, -1.0, -eta, 1 / eta], n),
                           0.0, 0.0)  # fmt: skip
            rows.add_block(np.r_[t, t], np.r_[ch, dis], 1.0, -opt.INF, 0.0, n_rows=n)
            rows.add_block(np.zeros(n, int), exp, 1.0, -opt.INF, opt.INF, n_rows=1)
            lp = opt.LinearProgram(
                name=f"{self.inputs.tenant_id}: battery dispatch at fixed sizes ({n // 24} days)",
                cost=np.zeros(5 * n), col_lower=np.zeros(5 * n), col_upper=np.full(5 * n, opt.INF),
                a=rows.matrix(5 * n), row_lower=rows.lower, row_upper=rows.upper,
            )  # fmt: skip
            self._solvers[n] = opt.Resolver(lp, hint="check that the load and prices are finite")
        return self._solvers[n]

    def run(self, sizes: _Sizes) -> tuple[float, dict[str, np.ndarray]]:
        """Lifecycle cost [thousand VND, the LP's objective] of ``sizes`` with the best weekly dispatch, and the
        hourly flows imp, exp, ch, dis [kWh].

        With cap base ``output`` the weeks are first dispatched without a cap; if the year's export then exceeds
        a P sum_t y_t, they are dispatched again with each week's export capped at its uncapped export times
        the year's cap over the year's uncapped export (every week gives up the same share; the caps add up to
        the year's, so the answer stays feasible)."""
        total, flows = self._run(sizes, None)
        inp = self.inputs
        if inp.export_cap_base != "installed_capacity":
            cap = inp.export_cap_share * sizes.pv_kwp * float(np.sum(inp.pv_kwh_per_kwp))
            exported = float(flows["exp"].sum())
            if exported > cap * (1 + 1e-9) + 1e-6:
                week_caps = [float(flows["exp"][hours].sum()) * cap / exported for hours in self.pieces]
                total, flows = self._run(sizes, week_caps)
        return total, flows

    def _run(self, sizes: _Sizes, week_caps: list[float] | None) -> tuple[float, dict[str, np.ndarray]]:
        inp = self.inputs
        load = np.asarray(inp.load_kwh, float)
        y = np.asarray(inp.pv_kwh_per_kwp, float)
        price = np.asarray(inp.price_vnd_per_kwh, float)
        w = year_weight(self.T)
        p, e, wk = sizes.pv_kwp, sizes.battery_kwh, sizes.battery_kw
        flows = {k: np.zeros(self.T) for k in ("imp", "exp", "ch", "dis")}
        total = _SCALE * float(self.size_cost @ [p, e, wk])
        for k, hours in enumerate(self.pieces):
            n = len(hours)
            cost = np.zeros(5 * n)
            cost[:n] = _SCALE * self.a_d * w * price[hours]
            cost[n : 2 * n] = -_SCALE * self.a_d * w * inp.surplus_price_vnd_per_kwh
            upper = np.full(5 * n, opt.INF)
            upper[n : 2 * n] = y[hours] * p
            if inp.export_cap_base == "installed_capacity":
                upper[n : 2 * n] = np.minimum(upper[n : 2 * n], inp.export_cap_share * p)
            upper[4 * n :] = (1.0 - self.costs.battery_min_soc) * e
            week_cap = opt.INF if week_caps is None else week_caps[k]
            row_lower = np.r_[load[hours] - y[hours] * p, np.zeros(n), np.full(n + 1, -opt.INF)]
            row_upper = np.r_[np.full(n, opt.INF), np.zeros(n), np.full(n, wk), week_cap]
            solution = self._resolver(n).solve(cost, None, upper, row_lower, row_upper)
            total += solution.objective
            for j, name in enumerate(("imp", "exp", "ch", "dis")):
                flows[name][hours] = solution.x[j * n : (j + 1) * n]
        return total, flows


def _size_two_stage(inputs: SizingInputs, costs: CostParams) -> SizingResult:
    """The storage LP's optimum in two stages and a refinement (the fast default of ``size_many``).

    1. **Coarse sizes**: the sizing LP (``_lp``) over representative days only (``_representative_days``:
       about 24 days instead of 365), which fixes P, E and W.
    2. **Exact year at fixed sizes**: the year's hourly dispatch week by week (``_YearDispatch``), each week
       re-solved from the last week's basis; its cost is the full LP's objective at those sizes (up to the
       weekly cycles). Bills, NPV and every reported figure come from this dispatch.
    3. **Refinement**: a golden-section search on one scale factor of the battery (E and W together, P kept)
       over ``_REFINE_RANGE`` of the coarse size, each point costed by step 2. Where the yearly export cap does
       not bind, that cost is convex along the line (an LP's optimal value is convex in its right-hand side),
       so the search converges to the line's minimum; where it binds, the weeks' shares of the cap depend on
       the point and the search is a heuristic. The best point evaluated is kept either way, so the
       refinement never makes the answer worse than the coarse size's.

    The answer is a feasible point of the full LP (each week cyclic, and a week's export within its share of the
    year's cap, restrict the yearly cycle and cap), so its NPV is never above the full LP's;
    ``tests/solar/test_storage_two_stage.py`` checks how far below on hand-made and example tenants.
    """
    hours, n_days = _representative_days(inputs)
    solution, _ = _lp_solution(inputs, costs, True, hours, None)
    coarse = _Sizes(*(max(0.0, float(v)) for v in solution.x[:3]))
    dispatch = _YearDispatch(inputs, costs)
    tried: dict[float, tuple[float, dict[str, np.ndarray]]] = {}

    def cost_at(scale: float) -> float:
        if scale not in tried:
            sizes = _Sizes(coarse.pv_kwp, coarse.battery_kwh * scale, coarse.battery_kw * scale)
            tried[scale] = dispatch.run(sizes)
        return tried[scale][0]

    cost_at(1.0)
    if coarse.battery_kwh > 0:
        lo, hi = _REFINE_RANGE
        g = (math.sqrt(5.0) - 1.0) / 2.0
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        for _ in range(_REFINE_STEPS):
            if cost_at(a) <= cost_at(b):
                hi, b = b, a
                a = hi - g * (hi - lo)
            else:
                lo, a = a, b
                b = lo + g * (hi - lo)
    scale = min(tried, key=lambda k: tried[k][0])
    flows = tried[scale][1]

    def block(name: str) -> np.ndarray:
        return np.clip(flows[name], 0, None) if name in flows else np.zeros(len(inputs.load_kwh))

    status = (f"Optimal (two-stage: sizes from {n_days} representative days, battery x {scale:.3f} by golden "
              f"section on the year dispatched week by week)")  # fmt: skip
    e_kwh, w_kw = coarse.battery_kwh * scale, coarse.battery_kw * scale
    return _result(inputs, costs, True, coarse.pv_kwp, e_kwh, w_kw, block, status)
