"""Industrial symbiosis matching: which tenant's waste or surplus should go to which other tenant.

Decree 35/2022/ND-CP asks an eco-industrial park for at least one working symbiosis. This module
finds the set of exchanges that maximises the park's net benefit plus the value of the tCO2e avoided,
with capacity on both sides, as a mixed-integer programme solved by HiGHS (``greenpark.optimisation``).

Steps (build -> solve -> read back -> typed result):

1. :func:`offers` gathers gives and takes (t/month): ``symbiosis.csv`` rows, gives derived from the
   waste records (a stream whose code feeds a material of ``waste/symbiosis_materials.csv``, unless the
   tenant already offers that material), and extra sources the caller passes (the WWTP's sludge, surplus
   heat: :func:`source_rows`). Each give knows its current route (largest by mass in the records).
2. :func:`candidate_exchanges` pairs every give with every take of the same material (case-insensitive;
   quality must match when both state one; a tenant never gives to itself) and prices one tonne:

   - ``value_to_taker`` = the take row's price_vnd_per_t (its willingness to pay for the input it
     replaces) or the material's ``virgin_value``;
   - ``giver_outlet`` = what the giver nets today per tonne: + the material's ``recycling_revenue`` if it
     is recycled/reused today, - the route fee (``waste/route_fees.csv``) if it is disposed of;
   - ``transport`` = distance x rate + handling (solids; energy goes by pipe, priced in ``setup``);
   - ``preparation`` (sorting, chipping) per material;
   - ``setup`` (VND/yr) per exchange: the one-off ``setup_cost`` annualised over ``setup_life`` years with the
     capital recovery factor of :mod:`greenpark.finance` at its one discount rate (a one-off cost is never
     subtracted from a yearly benefit as it stands);
   - ``benefit_vnd_per_t = value_to_taker - giver_outlet - transport - preparation`` (VND/t);
   - ``avoided_tco2e_per_t`` = lifetime emissions of the current route - of the taker's route (solids,
     :func:`greenpark.waste.ghg.route_intensity_tco2e_per_t`) + the virgin material avoided when the
     waste was not already recycled; for energy the fuel avoided per tonne.

3. :func:`solve_exchanges`, for candidates p with giver g(p), taker t(p), annual capacities G_g, T_t:

   maximise   sum_p (b_p + lambda a_p) x_p - S_p y_p
   subject to sum_{p: g(p)=g} x_p <= G_g          (each giver's supply, t/yr)
              sum_{p: t(p)=t} x_p <= T_t          (each taker's need, t/yr)
              0 <= x_p <= min(G_g(p), T_t(p)) y_p,  y_p in {0, 1}

   with b_p benefit (VND/t), a_p avoided (tCO2e/t), lambda the carbon value (VND/tCO2e,
   ``waste/symbiosis_costs.csv``), S_p the annualised setup cost (VND/yr). Pairs whose b_p + lambda a_p <= 0 are not
   offered to the solver (they cannot improve the objective).
4. :func:`match_symbiosis` reads back x, y into :class:`SymbiosisMatch` rows (numbers only: the presentation
   layer writes the sentence, ``greenpark.i18n.symbiosis_explanation``), and lists the profitable candidates
   that lost (capacity taken by better exchanges, or setup larger than the benefit).

Money in VND; quantities t/month in, t/yr out. Prices in the reference tables are illustrative (R).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field
from scipy import sparse

from greenpark import finance
from greenpark import optimisation as opt
from greenpark.errors import InputError
from greenpark.reference import load_table, lookup
from greenpark.waste import factors as wf
from greenpark.waste.ghg import route_intensity_tco2e_per_t

log = logging.getLogger(__name__)

MATERIALS = "waste/symbiosis_materials"
VALUES = "waste/symbiosis_values"
COSTS = "waste/symbiosis_costs"
FEES = "waste/route_fees"
OFFER_COLUMNS = [
    "tenant_id",
    "direction",
    "material",
    "quantity_t_per_month",
    "quality",
    "price_vnd_per_t",
    "current_route",
    "category",
    "origin",
]


class SymbiosisMatch(BaseModel):
    """One proposed exchange (stable field names: the report renders them)."""

    giver: str
    taker: str
    material: str
    quantity_t_per_year: float = Field(description="t/yr proposed")
    net_benefit_vnd: float = Field(description="VND/yr: benefit_vnd_per_t x quantity - setup_vnd_per_yr (annualised)")
    avoided_tco2e: float = Field(description="tCO2e/yr avoided (memo, never netted from an inventory)")
    benefit_vnd_per_t: float
    value_to_taker_vnd_per_t: float
    giver_outlet_vnd_per_t: float = Field(description="+ revenue lost / - disposal fee avoided by the giver")
    transport_vnd_per_t: float
    preparation_vnd_per_t: float
    setup_vnd_per_yr: float = Field(description="setup_cost_vnd x capital recovery factor(discount rate, life)")
    setup_cost_vnd: float = Field(description="one-off set-up cost, VND")
    setup_life_years: float
    giver_recycles: bool = Field(description="the giver recycles or reuses it today (no extra GHG credit)")
    giver_current_route: str | None
    taker_route: str | None
    giver_capacity_t_per_year: float
    taker_capacity_t_per_year: float


class SymbiosisCandidate(BaseModel):
    """A profitable pair that the optimum did not choose, and why."""

    giver: str
    taker: str
    material: str
    value_alone_vnd: float = Field(description="objective of this exchange alone at full possible quantity, VND/yr")
    reason: str


class SymbiosisResult(BaseModel):
    """The matcher's answer: proposed exchanges, losing candidates, totals and the parameters used."""

    matches: list[SymbiosisMatch]
    not_selected: list[SymbiosisCandidate]
    net_benefit_vnd: float
    avoided_tco2e: float
    objective_vnd: float
    carbon_value_vnd_per_tco2e: float
    discount_rate: float
    offers: int
    candidates: int
    notes: list[str] = Field(default_factory=list)


def _norm(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").astype(str).str.strip().str.lower()


def _materials(extra_dirs: tuple[Path, ...]) -> pd.DataFrame:
    df = load_table(MATERIALS, extra_dirs)
    df["key"] = _norm(df["material"])
    return df.drop_duplicates("key", keep="last").set_index("key")


def _value(material: str, parameter: str, extra_dirs: tuple[Path, ...]) -> float:
    df = load_table(VALUES, extra_dirs)
    hit = df[(_norm(df["material"]) == material.strip().lower()) & (df["parameter"] == parameter)]
    if hit.empty:
        hit = df[(df["material"] == "*") & (df["parameter"] == parameter)]
    if hit.empty:
        raise InputError(f"no {parameter!r} in {VALUES} for {material!r} nor a '*' default; add a row")
    return float(hit.iloc[-1]["value"])


def _cost(parameter: str, extra_dirs: tuple[Path, ...]) -> float:
    return lookup(COSTS, extra_dirs=extra_dirs, parameter=parameter).value


def _fee(route: str, category: str, extra_dirs: tuple[Path, ...]) -> float:
    df = load_table(FEES, extra_dirs)
    for cat in (category, "any"):
        hit = df[(df["route"] == route) & (df["category"] == cat)]
        if not hit.empty:
            return float(hit.iloc[-1]["value"])
    raise InputError(f"no fee for route {route!r} in {FEES}; add a row (route, category 'any')")


def source_rows(
    giver: str, material: str, quantity_t_per_month: float, current_route: str | None = None, quality: str = ""
) -> pd.DataFrame:
    """One give row for a source outside the tenants' records (WWTP sludge, surplus heat as t steam-eq).

    Parameters
    ----------
    giver : str
        Id shown in the results (e.g. the WWTP id).
    material : str
        A material of ``waste/symbiosis_materials.csv`` (e.g. ``wwtp sludge``, ``surplus heat``).
    quantity_t_per_month : float
        t/month available.
    current_route : str, optional
        Where it goes today (e.g. ``landfill`` for sludge); None = nowhere paid (vented heat).
    """
    return pd.DataFrame(
        [
            {
                "tenant_id": giver,
                "direction": "give",
                "material": material,
                "quantity_t_per_month": float(quantity_t_per_month),
                "quality": quality,
                "price_vnd_per_t": np.nan,
                "current_route": current_route,
                "category": "industrial",
                "origin": "source",
            }
        ],
        columns=OFFER_COLUMNS,
    )


def offers(
    symbiosis: pd.DataFrame,
    waste: pd.DataFrame | None = None,
    year: int | None = None,
    extra_sources: pd.DataFrame | None = None,
    extra_dirs: Iterable[Path] = (),
) -> pd.DataFrame:
    """Gives and takes (t/month) from ``symbiosis.csv``, the waste records of ``year`` and extra sources.

    Parameters
    ----------
    symbiosis : DataFrame
        tenant_id, direction (give/take), material, quantity_t_per_month, quality, price_vnd_per_t.
    waste : DataFrame, optional
        Waste records (date, tenant_id, waste_code, category, quantity_t, route): set each give's
        current route and add gives for streams that feed a known material.
    year : int, optional
        Year of the waste records to use (all records when None).
    extra_sources : DataFrame, optional
        Rows from :func:`source_rows`.

    Returns
    -------
    DataFrame
        Columns :data:`OFFER_COLUMNS`; ``origin`` is symbiosis.csv, waste records or source.
    """
    dirs = tuple(extra_dirs)
    mats = _materials(dirs)
    s = symbiosis.copy() if symbiosis is not None and not symbiosis.empty else pd.DataFrame(columns=OFFER_COLUMNS)
    for c in OFFER_COLUMNS:
        if c not in s:
            s[c] = np.nan if c == "price_vnd_per_t" else None
    s["direction"] = _norm(s["direction"])
    bad = sorted(set(s["direction"]) - {"give", "take"})
    if bad:
        raise InputError(f"symbiosis direction(s) {bad} unknown; use give or take")
    s["origin"] = "symbiosis.csv"
    frames = [s[OFFER_COLUMNS]]
    if waste is not None and not waste.empty:
        w = wf.classify(waste, dirs)
        if year is not None:
            w = w[pd.to_datetime(w["date"].astype(str).str.slice(0, 10), errors="coerce").dt.year == year]
        code_to_mat = {
            code.strip(): key
            for key, row in mats.iterrows()
            for code in str(row["waste_codes"] if pd.notna(row["waste_codes"]) else "").split(";")
            if code.strip()
        }
        w = w.assign(mat=w["waste_code"].astype(str).str.strip().map(code_to_mat))
        w = w[w["mat"].notna()]
        months = 12.0
        by = w.groupby(["tenant_id", "mat", "route"], as_index=False).agg(
            quantity_t=("quantity_t", "sum"), category=("category", "first")
        )
        main = by.sort_values("quantity_t", ascending=False, kind="stable").drop_duplicates(["tenant_id", "mat"])
        total = by.groupby(["tenant_id", "mat"])["quantity_t"].sum()
        give_keys = set(
            zip(
                s.loc[s["direction"] == "give", "tenant_id"],
                _norm(s.loc[s["direction"] == "give", "material"]),
                strict=True,
            )
        )
        # current route and category of declared gives, from their records
        route_of = {(r.tenant_id, r.mat): (r.route, r.category) for r in main.itertuples()}
        gives = frames[0]["direction"] == "give"
        keys = list(zip(frames[0]["tenant_id"], _norm(frames[0]["material"]), strict=True))
        frames[0].loc[gives, "current_route"] = [
            route_of.get(k, (None, None))[0] for k, g in zip(keys, gives, strict=True) if g
        ]
        frames[0].loc[gives, "category"] = [
            route_of.get(k, (None, None))[1] for k, g in zip(keys, gives, strict=True) if g
        ]
        derived = [
            {
                "tenant_id": r.tenant_id,
                "direction": "give",
                "material": mats.loc[r.mat, "material"],
                "quantity_t_per_month": float(total[(r.tenant_id, r.mat)]) / months,
                "quality": "",
                "price_vnd_per_t": np.nan,
                "current_route": r.route,
                "category": r.category,
                "origin": "waste records",
            }
            for r in main.itertuples()
            if (r.tenant_id, r.mat) not in give_keys
        ]
        if derived:
            frames.append(pd.DataFrame(derived, columns=OFFER_COLUMNS))
    if extra_sources is not None and not extra_sources.empty:
        frames.append(extra_sources[OFFER_COLUMNS])
    out = (
        pd.concat([f for f in frames if not f.empty], ignore_index=True)
        if any(not f.empty for f in frames)
        else frames[0]
    )
    out["quantity_t_per_month"] = out["quantity_t_per_month"].astype(float)
    out["price_vnd_per_t"] = pd.to_numeric(out["price_vnd_per_t"], errors="coerce")
    return out.reset_index(drop=True)


def candidate_exchanges(
    offer_table: pd.DataFrame,
    gwp_set: str = "AR5",
    extra_dirs: Iterable[Path] = (),
    discount_rate: float | None = None,
) -> pd.DataFrame:
    """Every compatible (give, take) pair with its per-tonne economics and avoided tCO2e.

    Parameters
    ----------
    discount_rate : float, optional
        Real rate [1/yr] that annualises the one-off set-up cost (None = ``greenpark.finance.discount_rate``).

    Returns
    -------
    DataFrame
        giver, taker, material, give_idx, take_idx, value_to_taker, giver_outlet, transport, preparation,
        setup_cost (VND once), setup_life (yr), setup (VND/yr, annualised), benefit_vnd_per_t,
        avoided_tco2e_per_t, giver_route, taker_route, kind.
    """
    dirs = tuple(extra_dirs)
    rate = finance.discount_rate(extra_dirs=dirs) if discount_rate is None else discount_rate
    mats = _materials(dirs)
    routes = wf.routes(dirs)
    o = offer_table.assign(key=_norm(offer_table["material"]), q=_norm(offer_table["quality"]))
    gives, takes = o[o["direction"] == "give"], o[o["direction"] == "take"]
    pairs = gives.reset_index().merge(takes.reset_index(), on="key", suffixes=("_g", "_t"))
    pairs = pairs[pairs["tenant_id_g"] != pairs["tenant_id_t"]]
    ok_q = (pairs["q_g"] == "") | (pairs["q_t"] == "") | (pairs["q_g"] == pairs["q_t"])
    pairs = pairs[ok_q]
    memo: dict[tuple, float] = {}

    def cached(key: tuple, fetch) -> float:  # one reference lookup per distinct key, not per pair
        if key not in memo:
            memo[key] = fetch()
        return memo[key]

    def value_of(material: str, parameter: str) -> float:
        return cached(("v", material, parameter), lambda: _value(material, parameter, dirs))

    def intensity(wtype: str, route: str, category: str) -> float:
        return cached(
            ("i", wtype, route, category),
            lambda: route_intensity_tco2e_per_t(wtype, route, category, gwp_set, dirs),
        )

    haul = _cost("transport_vnd_per_t_km", dirs) * _cost("in_park_distance_km", dirs) + _cost(
        "handling_vnd_per_t", dirs
    )
    rows = []
    for p in pairs.itertuples():
        known = p.key in mats.index
        mat = mats.loc[p.key] if known else None
        kind = mat["kind"] if known else "solid"
        wtype = mat["ipcc_type"] if known and pd.notna(mat["ipcc_type"]) else None
        taker_route = mat["taker_route"] if known and pd.notna(mat["taker_route"]) else None
        g_route = p.current_route_g if isinstance(p.current_route_g, str) and p.current_route_g else None
        category = p.category_g if isinstance(p.category_g, str) and p.category_g else "industrial"
        value = (
            float(p.price_vnd_per_t_t)
            if pd.notna(p.price_vnd_per_t_t) and p.price_vnd_per_t_t > 0
            else value_of(p.key, "virgin_value")
        )
        if g_route is None:
            outlet = 0.0
        elif routes.loc[g_route, "avoided"]:
            outlet = value_of(p.key, "recycling_revenue")
        else:
            outlet = -cached(("f", g_route, category), lambda r=g_route, c=category: _fee(r, c, dirs))
        transport = 0.0 if kind == "energy" else haul
        prep = value_of(p.key, "preparation")
        if kind == "energy":
            avoided = value_of(p.key, "avoided")
        elif wtype is None or g_route is None or taker_route is None:
            avoided = 0.0
        else:
            avoided = intensity(wtype, g_route, category) - intensity(wtype, taker_route, category)
            if routes.loc[taker_route, "avoided"] and not routes.loc[g_route, "avoided"]:
                avoided += cached(("a", wtype), lambda t=wtype: wf.type_factor(t, "avoided", dirs).value)
        setup_cost, setup_life = value_of(p.key, "setup_cost"), value_of(p.key, "setup_life")
        rows.append(
            {
                "giver": p.tenant_id_g,
                "taker": p.tenant_id_t,
                "material": p.material_g,
                "give_idx": p.index_g,
                "take_idx": p.index_t,
                "giver_cap_t_per_year": 12.0 * p.quantity_t_per_month_g,
                "taker_cap_t_per_year": 12.0 * p.quantity_t_per_month_t,
                "value_to_taker": value,
                "giver_outlet": outlet,
                "transport": transport,
                "preparation": prep,
                "setup_cost": setup_cost,
                "setup_life": setup_life,
                "setup": finance.annualised(setup_cost, rate, round(setup_life)),
                "benefit_vnd_per_t": value - outlet - transport - prep,
                "avoided_tco2e_per_t": avoided,
                "giver_route": g_route,
                "giver_recycles": bool(g_route is not None and routes.loc[g_route, "avoided"]),
                "taker_route": taker_route,
                "kind": kind,
            }
        )
    return pd.DataFrame(rows)


def solve_exchanges(
    value_per_t: np.ndarray,
    setup: np.ndarray,
    give_idx: np.ndarray,
    take_idx: np.ndarray,
    give_cap: dict,
    take_cap: dict,
    time_limit_s: float = 60.0,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Solve the matching MILP (module docstring, step 3) with HiGHS.

    Parameters
    ----------
    value_per_t : array
        Objective value per tonne of each candidate (VND/t, incl. the carbon value).
    setup : array
        Setup cost of each candidate (VND/yr).
    give_idx, take_idx : array
        Giver and taker key of each candidate.
    give_cap, take_cap : dict
        Capacity (t/yr) by giver and taker key.
    time_limit_s : float
        HiGHS time limit; on reaching it the best solution found is used (logged with a warning).
        A park of about 50 tenants solves in well under a second; hundreds of candidates take seconds.

    Returns
    -------
    (x, y, objective)
        Tonnes per year and 0/1 selection of each candidate, objective (VND/yr).

    Raises
    ------
    SolverError
        HiGHS did not report an optimal solution.
    """
    n = len(value_per_t)
    if n == 0:
        return np.zeros(0), np.zeros(0), 0.0
    upper = np.array([min(give_cap[g], take_cap[t]) for g, t in zip(give_idx, take_idx, strict=True)], dtype=float)
    c = np.concatenate([np.asarray(value_per_t, float), -np.asarray(setup, float)])  # maximised
    # sparse rows: one per giver, one per taker (capacity), one per candidate (x_p - U_p y_p <= 0)
    g_keys, g_row = np.unique(np.asarray(give_idx).astype(str), return_inverse=True)
    t_keys, t_row = np.unique(np.asarray(take_idx).astype(str), return_inverse=True)
    ng, nt = len(g_keys), len(t_keys)
    cols = np.arange(n)
    r = np.concatenate([g_row, ng + t_row, ng + nt + cols, ng + nt + cols])
    k = np.concatenate([cols, cols, cols, n + cols])
    v = np.concatenate([np.ones(n), np.ones(n), np.ones(n), -upper])
    a = sparse.csr_array((v, (r, k)), shape=(ng + nt + n, 2 * n))
    caps_g = {str(key): val for key, val in give_cap.items()}
    caps_t = {str(key): val for key, val in take_cap.items()}
    ub = np.concatenate([[caps_g[g] for g in g_keys], [caps_t[t] for t in t_keys], np.zeros(n)])
    lp = opt.LinearProgram(
        name=f"symbiosis matching ({n} candidate exchanges)",
        cost=c,
        col_lower=np.zeros(2 * n),
        col_upper=np.concatenate([upper, np.ones(n)]),
        a=a,
        row_lower=np.full(ng + nt + n, -np.inf),
        row_upper=ub,
        integer=np.concatenate([np.zeros(n, bool), np.ones(n, bool)]),
        sense="max",
    )
    solution = opt.solve(
        lp,
        time_limit_s=time_limit_s,
        accept_time_limit=True,
        hint="check the offers' quantities (t/month, not negative) and the reference prices",
    )
    x, y = solution.x[:n], np.round(solution.x[n:])
    x = np.where(y > 0.5, x, 0.0)
    y = np.where(x > 1e-9, y, 0.0)  # a free link with nothing on it is not an exchange
    return x, y, solution.objective


def _text(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def match_symbiosis(
    offer_table: pd.DataFrame,
    gwp_set: str = "AR5",
    extra_dirs: Iterable[Path] = (),
    carbon_value_vnd_per_tco2e: float | None = None,
    discount_rate: float | None = None,
) -> SymbiosisResult:
    """The set of exchanges that maximises net benefit + carbon value, with capacity on both sides.

    Parameters
    ----------
    offer_table : DataFrame
        From :func:`offers` (t/month).
    gwp_set : str
        GWP set for the avoided emissions.
    carbon_value_vnd_per_tco2e : float, optional
        Weight of a tCO2e avoided (None = ``waste/symbiosis_costs.csv``; 0 = money only).
    discount_rate : float, optional
        Real rate [1/yr] that annualises set-up costs (None = ``greenpark.finance.discount_rate``).

    Returns
    -------
    SymbiosisResult
    """
    dirs = tuple(extra_dirs)
    lam = (
        _cost("carbon_value_vnd_per_tco2e", dirs) if carbon_value_vnd_per_tco2e is None else carbon_value_vnd_per_tco2e
    )
    rate = finance.discount_rate(extra_dirs=dirs) if discount_rate is None else discount_rate
    cand = candidate_exchanges(offer_table, gwp_set, dirs, rate)
    notes = [
        "prices and costs are illustrative reference values (waste/route_fees.csv, symbiosis_values.csv): "
        "replace them with the park's contracts",
    ]
    if cand.empty:
        return SymbiosisResult(
            matches=[],
            not_selected=[],
            net_benefit_vnd=0.0,
            avoided_tco2e=0.0,
            objective_vnd=0.0,
            carbon_value_vnd_per_tco2e=lam,
            discount_rate=rate,
            offers=len(offer_table),
            candidates=0,
            notes=notes,
        )
    cand["value_per_t"] = cand["benefit_vnd_per_t"] + lam * cand["avoided_tco2e_per_t"]
    cand["upper"] = cand[["giver_cap_t_per_year", "taker_cap_t_per_year"]].min(axis=1)
    cand["alone"] = cand["value_per_t"] * cand["upper"] - cand["setup"]
    useful = cand[cand["value_per_t"] > 0].reset_index(drop=True)
    give_cap = dict(zip(useful["give_idx"], useful["giver_cap_t_per_year"], strict=True))
    take_cap = dict(zip(useful["take_idx"], useful["taker_cap_t_per_year"], strict=True))
    x, y, obj = solve_exchanges(
        useful["value_per_t"].to_numpy(),
        useful["setup"].to_numpy(),
        useful["give_idx"].to_numpy(),
        useful["take_idx"].to_numpy(),
        give_cap,
        take_cap,
    )
    matches, losers = [], []
    for i, m in useful.iterrows():
        if y[i] > 0.5 and x[i] > 1e-9:
            q = float(x[i])
            net = m["benefit_vnd_per_t"] * q - m["setup"]
            avoided = m["avoided_tco2e_per_t"] * q
            matches.append(
                SymbiosisMatch(
                    giver=str(m["giver"]),
                    taker=str(m["taker"]),
                    material=str(m["material"]),
                    quantity_t_per_year=q,
                    net_benefit_vnd=float(net),
                    avoided_tco2e=float(avoided),
                    benefit_vnd_per_t=float(m["benefit_vnd_per_t"]),
                    value_to_taker_vnd_per_t=float(m["value_to_taker"]),
                    giver_outlet_vnd_per_t=float(m["giver_outlet"]),
                    transport_vnd_per_t=float(m["transport"]),
                    preparation_vnd_per_t=float(m["preparation"]),
                    setup_vnd_per_yr=float(m["setup"]),
                    setup_cost_vnd=float(m["setup_cost"]),
                    setup_life_years=float(m["setup_life"]),
                    giver_recycles=bool(m["giver_recycles"]),
                    giver_current_route=_text(m["giver_route"]),
                    taker_route=_text(m["taker_route"]),
                    giver_capacity_t_per_year=float(m["giver_cap_t_per_year"]),
                    taker_capacity_t_per_year=float(m["taker_cap_t_per_year"]),
                )
            )
        elif m["alone"] > 0:
            reason = "capacity on one side is worth more in other exchanges"
            losers.append(
                SymbiosisCandidate(
                    giver=str(m["giver"]),
                    taker=str(m["taker"]),
                    material=str(m["material"]),
                    value_alone_vnd=float(m["alone"]),
                    reason=reason,
                )
            )
    matches.sort(key=lambda r: -r.net_benefit_vnd)
    log.info("symbiosis: %d offers, %d candidates, %d matches", len(offer_table), len(cand), len(matches))
    return SymbiosisResult(
        matches=matches,
        not_selected=losers,
        net_benefit_vnd=float(sum(r.net_benefit_vnd for r in matches)),
        avoided_tco2e=float(sum(r.avoided_tco2e for r in matches)),
        objective_vnd=obj,
        carbon_value_vnd_per_tco2e=lam,
        discount_rate=rate,
        offers=len(offer_table),
        candidates=len(cand),
        notes=notes,
    )
