"""Waste reference data: codes (Circular 02/2022/TT-BTNMT Annex III), routes, IPCC waste-type parameters.

The one place the waste engine reads ``reference/data/waste/*.csv``. Every function
takes ``extra_dirs`` (user folders holding ``waste/<table>.csv``) so a park can add a
code or override a factor with a data edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from greenpark.errors import MissingFactorError
from greenpark.reference import FactorRow, load_table, lookup

CODES = "waste/codes"
ROUTES = "waste/routes"
TYPES = "waste/waste_types"
FOD = "waste/fod"
BIOLOGICAL = "waste/biological"
COMBUSTION = "waste/combustion"
CATEGORY_DEFAULTS = "waste/category_defaults"

CATEGORIES = ("domestic", "industrial", "hazardous")


def _latest(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per key: a user row wins over a shipped one (user rows come last)."""
    return df.sort_values("origin", key=lambda s: s.map({"user": 0, "shipped": 1}), kind="stable").drop_duplicates(
        key, keep="first"
    )


def routes(extra_dirs: Iterable[Path] = ()) -> pd.DataFrame:
    """The routes table indexed by route: method, recovery (bool), avoided (bool)."""
    df = _latest(load_table(ROUTES, tuple(extra_dirs)), "route").set_index("route")
    df["recovery"] = df["recovery"].astype(int).astype(bool)
    df["avoided"] = df["avoided"].astype(int).astype(bool)
    return df


def route_names(extra_dirs: Iterable[Path] = ()) -> list[str]:
    """The known routes, e.g. ``['anaerobic_digestion', 'co_processing', ...]``."""
    return sorted(routes(extra_dirs).index.tolist())


def codes(extra_dirs: Iterable[Path] = ()) -> pd.DataFrame:
    """The waste-code table indexed by ``waste_code``: hazardous (bool), ipcc_type, description, description_vi."""
    df = load_table(CODES, tuple(extra_dirs))
    df["waste_code"] = df["waste_code"].astype(str).str.strip()
    df = _latest(df, "waste_code").set_index("waste_code")
    df["hazardous"] = df["hazardous"].astype(int).astype(bool)
    return df


def category_types(extra_dirs: Iterable[Path] = ()) -> dict[str, str]:
    """IPCC waste type by category, for records whose code is empty or unknown."""
    df = _latest(load_table(CATEGORY_DEFAULTS, tuple(extra_dirs)), "category")
    return dict(zip(df["category"], df["ipcc_type"], strict=True))


def classify(waste: pd.DataFrame, extra_dirs: Iterable[Path] = ()) -> pd.DataFrame:
    """Add ``code_known``, ``hazardous`` and ``ipcc_type`` columns to waste records.

    A record is hazardous when its category says so or its code is a hazardous code of
    Circular 02/2022/TT-BTNMT Annex III. The IPCC waste type comes from the code, or from
    the category when the code is empty or unknown (see :func:`category_types`).

    Parameters
    ----------
    waste : DataFrame
        Waste records with at least ``waste_code`` and ``category``.

    Returns
    -------
    DataFrame
        A copy with the three added columns; rows are never dropped.
    """
    table = codes(extra_dirs)
    by_cat = category_types(extra_dirs)
    out = waste.copy()
    code = out["waste_code"].astype(object).where(out["waste_code"].notna(), "").astype(str).str.strip()
    cat = out["category"].astype(object).where(out["category"].notna(), "").astype(str).str.strip().str.lower()
    out["code_known"] = code.isin(table.index)
    out["hazardous"] = (cat == "hazardous") | code.map(table["hazardous"]).eq(True)
    from_code = code.map(table["ipcc_type"])
    out["ipcc_type"] = from_code.where(from_code.notna(), cat.map(by_cat)).fillna(by_cat.get("industrial", ""))
    return out


def type_factor(waste_type: str, parameter: str, extra_dirs: Iterable[Path] = ()) -> FactorRow:
    """The ``parameter`` (doc, k, fossil_c, avoided) of IPCC waste type ``waste_type``.

    Raises
    ------
    MissingFactorError
        Unknown waste type or parameter; the message lists the known ones.
    """
    return lookup(TYPES, extra_dirs=tuple(extra_dirs), waste_type=waste_type, parameter=parameter)


def fod_factor(parameter: str, extra_dirs: Iterable[Path] = ()) -> FactorRow:
    """A park-wide FOD parameter (docf, f_ch4, mcf, ox, backfill_years)."""
    return lookup(FOD, extra_dirs=tuple(extra_dirs), parameter=parameter)


def biological_factor(route: str, gas: str, extra_dirs: Iterable[Path] = ()) -> FactorRow:
    """kg of ``gas`` (CH4, N2O) per tonne of wet waste treated by ``route`` (composting, anaerobic_digestion)."""
    return lookup(BIOLOGICAL, extra_dirs=tuple(extra_dirs), route=route, gas=gas)


def combustion_factor(parameter: str, category: str = "any", extra_dirs: Iterable[Path] = ()) -> FactorRow:
    """Incineration parameter (oxidation_factor, ch4, n2o) for a waste category ('any' as fallback)."""
    try:
        return lookup(COMBUSTION, extra_dirs=tuple(extra_dirs), parameter=parameter, category=category)
    except MissingFactorError:
        if category == "any":
            raise
        return lookup(COMBUSTION, extra_dirs=tuple(extra_dirs), parameter=parameter, category="any")
