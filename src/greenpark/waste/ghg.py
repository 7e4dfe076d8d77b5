"""GHG of waste by treatment route: the one place greenpark computes it.

:func:`route_emissions` gives Scope 3 category 5 (waste generated in operations) of each tenant and the park's
own treatment; ``greenpark.runs.inventory_for`` passes it to the ``ghg`` engine's inventory (it uses the ghg
package's GWP values and factor records, the ghg package never imports waste).

Methods (factors in ``reference/data/waste/*.csv``, each row with its source):

- **landfill**: IPCC 2006 GL Vol.5 Ch.3 first-order decay (FOD), per tenant and IPCC
  waste type, tropical moist/wet decay rates (Table 3.3; Dong Nai MAT 27-28 C, MAP
  ~1,900 mm). Mass of decomposable DOC deposited in year y:
  ``DDOCm_d(y) = W(y) x DOC x DOCf x MCF`` (Eq.3.2). With the IPCC default delay of six
  months (§3.2.2) decay starts on 1 January after deposition, so the DDOCm decomposing
  in inventory year T is ``sum_{y<T} DDOCm_d(y) x exp(-k (T-1-y)) x (1 - exp(-k))``
  (Eq.3.4-3.5) and ``CH4(T) = DDOCm_decomp(T) x F x 16/12 x (1 - OX)`` (Eq.3.8, R = 0).
  **Deposits of the inventory year itself emit nothing in that year** (they emit in later
  years); deposits of earlier years are taken from the records when the frame holds them.
  **When the records start after T - backfill_years** (typically one year of records
  only), each missing earlier year is filled with the mean annual deposit of the
  recorded years up to T: the assumption that the tenant landfilled at the same rate for
  ``backfill_years`` years (``waste/fod.csv``, default 10). The result's notes say so.
  Landfill CH4 is biogenic (GWP ``CH4_biogenic``).
- **incineration, co_processing**: Vol.5 Ch.5 Eq.5.1, ``CO2 = W x dm x CF x FCF x OF x 44/12``
  on the dry basis: W wet tonnes, dm the dry-matter fraction, CF the carbon of the dry matter, FCF its
  fossil share (rows ``dm``, ``cf``, ``fcf`` of the waste type); CH4 and N2O per tonne
  (Tables 5.3, 5.6) by category.
- **composting, anaerobic_digestion**: Vol.5 Ch.4 Table 4.1, CH4 and N2O per tonne wet.
- **recycling, reuse**: no emission counted for the generator; the avoided emissions of
  displaced virgin material (``avoided`` of the waste type) go to ``avoided_tco2e``,
  reported separately and never netted from ``tco2e``.

The waste type of a record comes from its code (``waste/codes.csv``) or, when the code
is empty or unknown, from its category (``waste/category_defaults.csv``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from greenpark.errors import InputError
from greenpark.ghg.factors import FactorUsed
from greenpark.ghg.gwp import gwp_value
from greenpark.reference import FactorRow
from greenpark.waste import factors as wf

log = logging.getLogger(__name__)

ROUTE_EMISSION_COLUMNS = (
    "tenant_id",
    "route",
    "quantity_t",
    "ch4_t",
    "n2o_t",
    "co2_fossil_t",
    "tco2e",
    "avoided_tco2e",
)
C_TO_CO2 = 44.0 / 12.0  # molecular weights (definition, not a factor)
C_TO_CH4 = 16.0 / 12.0


def fod_decomposed(deposits_t: Mapping[int, float], year: int, k_per_yr: float) -> float:
    """Share-weighted mass deposited in earlier years that decomposes in ``year`` (FOD, 6-month delay).

    Returns ``sum_{y<year} W(y) x exp(-k (year-1-y)) x (1 - exp(-k))``: multiply by
    ``DOC x DOCf x MCF`` to get DDOCm decomposed (IPCC 2006 GL Vol.5 Ch.3 Eq.3.4-3.5).
    Deposits of ``year`` and later contribute nothing.

    Parameters
    ----------
    deposits_t : mapping of int to float
        Tonnes deposited by calendar year.
    year : int
        Inventory year.
    k_per_yr : float
        Decay rate, 1/yr.

    Returns
    -------
    float
        Tonnes of waste-equivalent decomposing in ``year``.
    """
    if k_per_yr <= 0:
        return 0.0
    step = 1.0 - math.exp(-k_per_yr)
    return sum(w * math.exp(-k_per_yr * (year - 1 - y)) * step for y, w in deposits_t.items() if y < year)


def landfill_ch4_t(
    deposits_t: Mapping[int, float],
    year: int,
    doc: float,
    k_per_yr: float,
    docf: float,
    mcf: float,
    f_ch4: float,
    ox: float = 0.0,
) -> float:
    """CH4 (t) emitted in ``year`` by the deposits of earlier years (IPCC 2006 GL Vol.5 Ch.3 FOD).

    ``CH4 = sum_{y<year} W(y) DOC DOCf MCF exp(-k (year-1-y)) (1-exp(-k)) x F x 16/12 x (1-OX)``.

    Parameters
    ----------
    deposits_t : mapping of int to float
        Wet tonnes deposited by calendar year.
    year : int
        Inventory year.
    doc, k_per_yr, docf, mcf, f_ch4, ox : float
        DOC (t C/t wet), decay rate (1/yr), DOCf, MCF, F, OX (fractions).

    Returns
    -------
    float
        t CH4 in ``year``.
    """
    return fod_decomposed(deposits_t, year, k_per_yr) * doc * docf * mcf * f_ch4 * C_TO_CH4 * (1.0 - ox)


def _years(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates.astype(str).str.slice(0, 10), errors="coerce").dt.year


class _Factors:
    """Looks up and records each factor once (the result's factor table)."""

    def __init__(self, extra_dirs: tuple[Path, ...]) -> None:
        self.extra_dirs = extra_dirs
        self.used: dict[str, FactorUsed] = {}
        self._values: dict[tuple, float] = {}

    def _keep(self, name: str, row: FactorRow) -> float:
        if name not in self.used:
            self.used[name] = FactorUsed.from_row(name, row)
        return row.value

    def _cached(self, key: tuple, fetch) -> float:  # one lookup per distinct factor, not per record
        if key not in self._values:
            name, row = fetch()
            self._values[key] = self._keep(name, row)
        return self._values[key]

    def waste_type(self, waste_type: str, parameter: str) -> float:
        return self._cached(
            ("type", waste_type, parameter),
            lambda: (f"waste.{waste_type}.{parameter}", wf.type_factor(waste_type, parameter, self.extra_dirs)),
        )

    def fossil_carbon(self, waste_type: str) -> float:
        """Fossil carbon per tonne of wet waste, t C/t = dm x CF (of dry matter) x FCF (IPCC Vol.5 Ch.5 Eq.5.1)."""
        return (
            self.waste_type(waste_type, "dm") * self.waste_type(waste_type, "cf") * self.waste_type(waste_type, "fcf")
        )

    def fod(self, parameter: str) -> float:
        return self._cached(
            ("fod", parameter), lambda: (f"waste.fod.{parameter}", wf.fod_factor(parameter, self.extra_dirs))
        )

    def biological(self, route: str, gas: str) -> float:
        return self._cached(
            ("bio", route, gas),
            lambda: (f"waste.{route}.{gas.lower()}", wf.biological_factor(route, gas, self.extra_dirs)),
        )

    def combustion(self, parameter: str, category: str) -> float:
        def fetch() -> tuple[str, FactorRow]:
            row = wf.combustion_factor(parameter, category, self.extra_dirs)
            return f"waste.combustion.{parameter}.{row.keys['category']}", row

        return self._cached(("comb", parameter, category), fetch)


def route_emissions(
    waste: pd.DataFrame,
    year: int,
    gwp_set: str = "AR5",
    extra_dirs: Iterable[Path] = (),
    backfill_years: int | None = None,
) -> pd.DataFrame:
    """GHG of waste per tenant and route in ``year`` (landfill FOD, incineration, biological; avoided memo).

    Parameters
    ----------
    waste : DataFrame
        Waste records: date, tenant_id, waste_code, category, quantity_t, route. Records of
        every year up to ``year`` feed the landfill FOD; only ``year``'s records feed the
        other routes. Later records are ignored.
    year : int
        Inventory year.
    gwp_set : str
        GWP set for :func:`greenpark.ghg.gwp.gwp_value` (AR5 default, AR4, AR6).
    extra_dirs : iterable of Path
        User reference folders (``<dir>/waste/<table>.csv``) that add or override rows.
    backfill_years : int, optional
        Years of constant deposits assumed before the first record year for the FOD
        (None = ``waste/fod.csv`` ``backfill_years``; 0 = recorded years only).

    Returns
    -------
    DataFrame
        One row per tenant and route: tenant_id, route, quantity_t (t in ``year``), ch4_t,
        n2o_t, co2_fossil_t, tco2e, avoided_tco2e (memo, never netted). ``attrs``:
        ``unit``, ``gwp_set``, ``notes`` (assumptions, list of str) and ``factors``
        (list of FactorUsed dicts).

    Raises
    ------
    InputError
        A route is not in ``waste/routes.csv`` or a column is missing.

    References
    ----------
    IPCC 2006 GL Vol.5 Ch.3 (Eq.3.2-3.8, Table 3.3), Ch.4 (Table 4.1), Ch.5 (Eq.5.1, Tables 5.2, 5.3, 5.6).
    """
    dirs = tuple(extra_dirs)
    needed = ("date", "tenant_id", "category", "quantity_t", "route")
    missing = [c for c in needed if c not in waste.columns]
    if missing:
        raise InputError(f"waste table lacks column(s) {missing}; route_emissions needs {list(needed)}")
    table = wf.routes(dirs)
    w = wf.classify(waste if "waste_code" in waste else waste.assign(waste_code=""), dirs)
    w["route"] = w["route"].astype(str).str.strip().str.lower()
    unknown = sorted(set(w["route"]) - set(table.index))
    if unknown:
        raise InputError(
            f"unknown waste route(s) {unknown}; known routes: {', '.join(table.index)}; "
            "fix waste.csv or add the route to a user reference folder (waste/routes.csv)"
        )
    w["tenant_id"] = w["tenant_id"].astype(object).where(w["tenant_id"].notna(), "")
    w["year"] = _years(w["date"])
    w["quantity_t"] = w["quantity_t"].astype(float)
    w["category"] = w["category"].astype(str).str.lower()
    fx = _Factors(dirs)
    notes: list[str] = []
    gwp_ch4_bio = gwp_value("CH4_biogenic", gwp_set)
    gwp_ch4_fossil = gwp_value("CH4_fossil", gwp_set)
    gwp_n2o = gwp_value("N2O", gwp_set)

    cur = w[w["year"] == year].copy()
    method = cur["route"].map(table["method"])
    cur["ch4_t"] = 0.0
    cur["n2o_t"] = 0.0
    cur["co2_fossil_t"] = 0.0
    cur["ch4_gwp"] = gwp_ch4_bio
    cur["avoided_tco2e"] = 0.0

    comb = method == "combustion"
    if comb.any():
        ox = fx.combustion("oxidation_factor", "any")
        fossil_c = cur.loc[comb, "ipcc_type"].map(fx.fossil_carbon)
        cur.loc[comb, "co2_fossil_t"] = cur.loc[comb, "quantity_t"] * fossil_c * ox * C_TO_CO2
        ch4_kg = cur.loc[comb, "category"].map(lambda c: fx.combustion("ch4", c))
        n2o_kg = cur.loc[comb, "category"].map(lambda c: fx.combustion("n2o", c))
        cur.loc[comb, "ch4_t"] = cur.loc[comb, "quantity_t"] * ch4_kg / 1000.0
        cur.loc[comb, "n2o_t"] = cur.loc[comb, "quantity_t"] * n2o_kg / 1000.0
        cur.loc[comb, "ch4_gwp"] = gwp_ch4_fossil
    bio = method == "biological"
    if bio.any():
        ch4_kg = cur.loc[bio, "route"].map(lambda r: fx.biological(r, "CH4"))
        n2o_kg = cur.loc[bio, "route"].map(lambda r: fx.biological(r, "N2O"))
        cur.loc[bio, "ch4_t"] = cur.loc[bio, "quantity_t"] * ch4_kg / 1000.0
        cur.loc[bio, "n2o_t"] = cur.loc[bio, "quantity_t"] * n2o_kg / 1000.0
    avoided = cur["route"].map(table["avoided"]).astype(bool)
    if avoided.any():
        per_t = cur.loc[avoided, "ipcc_type"].map(lambda t: fx.waste_type(t, "avoided"))
        cur.loc[avoided, "avoided_tco2e"] = cur.loc[avoided, "quantity_t"] * per_t
    cur["tco2e"] = cur["co2_fossil_t"] + cur["ch4_t"] * cur["ch4_gwp"] + cur["n2o_t"] * gwp_n2o

    cols = ["quantity_t", "ch4_t", "n2o_t", "co2_fossil_t", "tco2e", "avoided_tco2e"]
    out = cur.groupby(["tenant_id", "route"], as_index=False, sort=True)[cols].sum()

    fod = _landfill(w, year, table, fx, backfill_years, notes)
    if not fod.empty:
        fod["tco2e"] = fod["ch4_t"] * gwp_ch4_bio
        out = out.set_index(["tenant_id", "route"])
        fod = fod.set_index(["tenant_id", "route"])
        out = out.reindex(out.index.union(fod.index)).fillna(0.0)
        out.loc[fod.index, "ch4_t"] += fod["ch4_t"]
        out.loc[fod.index, "tco2e"] += fod["tco2e"]
        out = out.reset_index()
    out = out[list(ROUTE_EMISSION_COLUMNS)].sort_values(["tenant_id", "route"], kind="stable").reset_index(drop=True)
    out.attrs.update(
        unit={"quantity_t": "t", "ch4_t": "t", "n2o_t": "t", "co2_fossil_t": "t", "tco2e": "tCO2e"},
        gwp_set=gwp_set,
        notes=notes,
        factors=[f.model_dump() for f in fx.used.values()],
    )
    return out


def _landfill(
    w: pd.DataFrame,
    year: int,
    table: pd.DataFrame,
    fx: _Factors,
    backfill_years: int | None,
    notes: list[str],
) -> pd.DataFrame:
    """Landfill CH4 in ``year`` per tenant (FOD over the recorded and back-filled deposits)."""
    fod_routes = table.index[table["method"] == "fod"].tolist()
    lf = w[w["route"].isin(fod_routes) & (w["year"] <= year) & w["year"].notna()]
    if lf.empty:
        return pd.DataFrame(columns=["tenant_id", "route", "ch4_t"])
    first = int(w.loc[w["year"].notna(), "year"].min())
    back = int(fx.fod("backfill_years")) if backfill_years is None else int(backfill_years)
    docf, mcf, f_ch4, ox = fx.fod("docf"), fx.fod("mcf"), fx.fod("f_ch4"), fx.fod("ox")
    fill_from = year - back
    recorded = year - first + 1
    if back > 0 and fill_from < first:
        notes.append(
            f"landfill FOD: records start in {first}; deposits of {fill_from}-{first - 1} assumed equal to the mean "
            f"annual deposit of {first}-{year} ({recorded} recorded year(s)); deposits of {year} emit from {year + 1}"
        )
    else:
        notes.append(f"landfill FOD: recorded deposits {first}-{year}; deposits of {year} emit from {year + 1}")
    deposits = lf.groupby(["tenant_id", "route", "ipcc_type", "year"])["quantity_t"].sum()
    rows = []
    for (tenant, route, wtype), series in deposits.groupby(level=[0, 1, 2]):
        by_year = {int(y): float(q) for y, q in series.droplevel([0, 1, 2]).items()}
        if fill_from < first:
            mean = sum(by_year.values()) / recorded
            by_year.update({y: mean for y in range(fill_from, first)})
        doc, k = fx.waste_type(wtype, "doc"), fx.waste_type(wtype, "k")
        ch4 = landfill_ch4_t(by_year, year, doc, k, docf, mcf, f_ch4, ox)
        rows.append({"tenant_id": tenant, "route": route, "ch4_t": ch4})
    return pd.DataFrame(rows).groupby(["tenant_id", "route"], as_index=False)["ch4_t"].sum()


def route_intensity_tco2e_per_t(
    ipcc_type: str,
    route: str,
    category: str = "industrial",
    gwp_set: str = "AR5",
    extra_dirs: Iterable[Path] = (),
) -> float:
    """Lifetime tCO2e per wet tonne of a waste type sent down a route (for comparing routes, not the inventory).

    Landfill uses the FOD commitment (all DDOCm eventually decomposed):
    ``DOC x DOCf x MCF x F x 16/12 x (1 - OX) x GWP_CH4``; combustion and biological routes
    their per-tonne emissions as in :func:`route_emissions`; recycling and reuse 0.

    Parameters
    ----------
    ipcc_type : str
        Row of ``waste/waste_types.csv`` (food, paper, plastics, ...).
    route : str
        Row of ``waste/routes.csv``.
    category : str
        domestic, industrial or hazardous (selects the incineration N2O factor).
    gwp_set : str
        GWP set (AR5 default).

    Returns
    -------
    float
        tCO2e per t of waste.
    """
    dirs = tuple(extra_dirs)
    table = wf.routes(dirs)
    if route not in table.index:
        raise InputError(f"unknown waste route {route!r}; known routes: {', '.join(table.index)}")
    fx = _Factors(dirs)
    method = table.loc[route, "method"]
    n2o = gwp_value("N2O", gwp_set)
    if method == "fod":
        ch4 = fx.waste_type(ipcc_type, "doc") * fx.fod("docf") * fx.fod("mcf") * fx.fod("f_ch4") * C_TO_CH4
        return ch4 * (1.0 - fx.fod("ox")) * gwp_value("CH4_biogenic", gwp_set)
    if method == "combustion":
        co2 = fx.fossil_carbon(ipcc_type) * fx.combustion("oxidation_factor", "any") * C_TO_CO2
        return (
            co2
            + fx.combustion("ch4", category) / 1000.0 * gwp_value("CH4_fossil", gwp_set)
            + fx.combustion("n2o", category) / 1000.0 * n2o
        )
    if method == "biological":
        return (
            fx.biological(route, "CH4") / 1000.0 * gwp_value("CH4_biogenic", gwp_set)
            + fx.biological(route, "N2O") / 1000.0 * n2o
        )
    return 0.0
