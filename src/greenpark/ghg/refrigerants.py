"""Refrigerant leakage: kg lost (topped up) x GWP of the gas -> tCO2e.

Method: GHG Protocol / IPCC 2006 GL Vol.3 Ch.7 mass-balance simplification: emissions = refrigerant added to
make up losses in the period (``leaked_kg``) x GWP100. Blend GWPs are the mass-weighted sum of their components
(``ghg/refrigerant_blends``). HCFC-22 (R-22) is a Montreal Protocol gas, not a Kyoto gas: its emissions are
returned as a memo item outside Scope 1 (GHG Protocol Corporate Standard ch.4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from greenpark.errors import InputError
from greenpark.ghg.factors import FactorUsed
from greenpark.ghg.gwp import DEFAULT_GWP_SET, gwp_sets
from greenpark.reference import load_table, row_to_factor

GWP_TABLE = "ghg/refrigerant_gwp"
BLEND_TABLE = "ghg/refrigerant_blends"


class UnknownRefrigerantError(InputError):
    """A refrigerant name is neither a pure gas nor a blend of the reference tables."""


def _norm(name: str) -> str:
    key = str(name).strip().upper().replace(" ", "").replace("-", "")
    for prefix in ("HCFC", "HFC", "R"):
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def known_refrigerants(extra_dirs: Iterable[Path] = ()) -> list[str]:
    """Refrigerant names with a GWP (pure gases and blends), e.g. ``['R-125', 'R-134a', ..., 'R-410A']``."""
    pure = load_table(GWP_TABLE, extra_dirs)["gas"].astype(str)
    blends = load_table(BLEND_TABLE, extra_dirs)["blend"].astype(str)
    return sorted(set(pure) | set(blends))


def canonical_refrigerant(name: str, extra_dirs: Iterable[Path] = ()) -> str:
    """Map a spelling (``R410A``, ``r-410a``, ``HFC-134a``) to the table's name (``R-410A``, ``R-134a``)."""
    names = {_norm(n): n for n in known_refrigerants(extra_dirs)}
    hit = names.get(_norm(name))
    if hit is None:
        raise UnknownRefrigerantError(
            f"unknown refrigerant {name!r}; known: {', '.join(sorted(names.values()))}; "
            f"add its GWP to <your reference folder>/{GWP_TABLE}.csv or its composition to {BLEND_TABLE}.csv"
        )
    return hit


@dataclass(frozen=True)
class RefrigerantGwp:
    """GWP100 of one refrigerant in one GWP set, whether it is a Kyoto gas, and the rows used."""

    gas: str
    gwp_set: str
    kg_co2e_per_kg: float
    kyoto: bool
    factors: list[FactorUsed]


def refrigerant_gwp(gas: str, gwp_set: str = DEFAULT_GWP_SET, extra_dirs: Iterable[Path] = ()) -> RefrigerantGwp:
    """GWP100 of a refrigerant (pure or blend) in ``gwp_set``.

    References
    ----------
    IPCC AR4 WG1 Table 2.14, AR5 WG1 Table 8.A.1, AR6 WG1 Table 7.SM.7; ANSI/ASHRAE 34 blend compositions.
    """
    if gwp_set not in gwp_sets():
        raise UnknownRefrigerantError(f"unknown GWP set {gwp_set!r}; choose one of {', '.join(gwp_sets())}")
    name = canonical_refrigerant(gas, extra_dirs)
    pure = load_table(GWP_TABLE, extra_dirs)
    pure = pure[pure["gwp_set"] == gwp_set].sort_values("origin", key=lambda s: s.map({"user": 0, "shipped": 1}))
    pure = pure.drop_duplicates("gas").set_index("gas", drop=False)
    blends = load_table(BLEND_TABLE, extra_dirs)
    parts = blends[blends["blend"] == name]
    components = (
        [(name, 1.0, None)]
        if parts.empty
        else [(str(r["component"]), float(r["value"]), r) for _, r in parts.iterrows()]
    )
    total, kyoto, used = 0.0, True, []
    for comp, fraction, blend_row in components:
        if comp not in pure.index:
            raise UnknownRefrigerantError(
                f"no {gwp_set} GWP for {comp!r} (component of {name}); add a row to {GWP_TABLE}.csv"
            )
        row = pure.loc[comp]
        total += fraction * float(row["value"])
        kyoto &= str(row["protocol"]) == "kyoto"
        used.append(FactorUsed.from_row(f"gwp.{gwp_set}.{comp}", row_to_factor(GWP_TABLE, row, ["gwp_set", "gas"])))
        if blend_row is not None:
            used.append(
                FactorUsed.from_row(
                    f"blend.{name}.{comp}", row_to_factor(BLEND_TABLE, blend_row, ["blend", "component"])
                )
            )
    return RefrigerantGwp(gas=name, gwp_set=gwp_set, kg_co2e_per_kg=total, kyoto=kyoto, factors=used)


def refrigerant_emissions(
    refrigerants: pd.DataFrame, gwp_set: str = DEFAULT_GWP_SET, extra_dirs: Iterable[Path] = ()
) -> tuple[pd.DataFrame, list[FactorUsed]]:
    """tCO2e of refrigerant leaks per row.

    Parameters
    ----------
    refrigerants : DataFrame
        Columns tenant_id, period (YYYY-MM), gas, leaked_kg [, charge_kg].

    Returns
    -------
    DataFrame
        Input columns plus gas (canonical), gwp (kg CO2e/kg), kyoto (bool), tco2e.
    list of FactorUsed

    Raises
    ------
    InputError
        A negative or missing ``leaked_kg``; UnknownRefrigerantError for an unknown gas.
    """
    if refrigerants.empty:
        return refrigerants.assign(
            gwp=pd.Series(dtype=float), kyoto=pd.Series(dtype=bool), tco2e=pd.Series(dtype=float)
        ), []
    leaked = pd.to_numeric(refrigerants["leaked_kg"], errors="coerce")
    bad = refrigerants.index[leaked.isna() | (leaked < 0)]
    if len(bad):
        sample = refrigerants.loc[bad[:5]].to_dict("records")
        raise InputError(
            f"{len(bad)} refrigerant row(s) have a negative or missing leaked_kg, e.g. {sample}; "
            "leaked_kg must be >= 0 (fix refrigerants.csv)"
        )
    gwps = {g: refrigerant_gwp(g, gwp_set, extra_dirs) for g in refrigerants["gas"].astype(str).unique()}
    out = refrigerants.assign(
        gas=refrigerants["gas"].astype(str).map(lambda g: gwps[g].gas),
        gwp=refrigerants["gas"].astype(str).map(lambda g: gwps[g].kg_co2e_per_kg),
        kyoto=refrigerants["gas"].astype(str).map(lambda g: gwps[g].kyoto),
    )
    out["tco2e"] = leaked * out["gwp"] / 1e3
    used = [f for g in gwps.values() for f in g.factors]
    return out, used
