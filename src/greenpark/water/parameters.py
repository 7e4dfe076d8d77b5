"""Wastewater parameter names, units and below-detection values: the one table both importer and engine use.

The table is ``reference/data/water/parameters.csv`` (parameter, unit, dimension, qcvn40_2011_no,
auto_monitoring, aliases). :func:`canonical_parameter` maps a user's spelling to the canonical name;
:func:`parse_value` reads ``"<0.05"`` as a censored value (value = detection limit, censored = True);
:func:`normalise_wastewater` applies both and the unit conversion to a raw frame, vectorised per
distinct (parameter, unit) pair.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from greenpark.errors import InputError, UnknownParameterError
from greenpark.reference import load_table
from greenpark.units import conversion_factor, parse_unit

PARAMETERS_TABLE = "water/parameters"
_CENSORED = re.compile(r"^\s*<\s*=?\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$")


def _key(text: str) -> str:
    return str(text).strip().lower().replace(" ", "")


@lru_cache(maxsize=1)
def _alias_map() -> dict[str, str]:
    table = load_table(PARAMETERS_TABLE)
    out: dict[str, str] = {}
    for row in table.itertuples():
        names = [row.parameter] + (str(row.aliases).split("|") if isinstance(row.aliases, str) else [])
        for name in names:
            out.setdefault(_key(name), row.parameter)
    return out


def parameter_table() -> pd.DataFrame:
    """The parameter table, indexed by canonical name (columns unit, dimension, qcvn40_2011_no, ...)."""
    return load_table(PARAMETERS_TABLE).set_index("parameter")


def canonical_parameter(name: str) -> str:
    """The canonical parameter name for a user's spelling (case and spaces ignored).

    Raises
    ------
    UnknownParameterError
        The name is neither canonical nor an alias; the message lists the canonical names.
    """
    hit = _alias_map().get(_key(name))
    if hit is None:
        names = ", ".join(parameter_table().index)
        raise UnknownParameterError(
            f"unknown wastewater parameter {name!r}; canonical names: {names}; "
            f"add an alias to reference/data/water/parameters.csv if it is another spelling of one of these"
        )
    return hit


def parse_value(text: object) -> tuple[float, bool]:
    """Read a measured value; ``"<0.05"`` is below detection: returns (0.05, True).

    Returns
    -------
    (value, censored)
        ``censored`` True means the true value is below ``value`` (the detection limit).

    Raises
    ------
    InputError
        The text is neither a number nor ``<number``.
    """
    if isinstance(text, (int, float, np.number)) and not isinstance(text, bool):
        if math.isnan(float(text)):
            raise InputError("empty wastewater value; give a number or '<DL' for a value below detection")
        return float(text), False
    s = str(text).strip()
    m = _CENSORED.match(s)
    if m:
        return float(m.group(1)), True
    try:
        value = float(s)
        if not math.isfinite(value):
            raise ValueError(s)
        return value, False
    except ValueError:
        raise InputError(
            f"wastewater value {text!r} is not a number; write a number (e.g. 12.5) "
            f"or '<DL' for a value below the detection limit (e.g. '<0.05')"
        ) from None


def normalise_wastewater(raw: pd.DataFrame) -> pd.DataFrame:
    """Canonical names, canonical units and censoring for a raw wastewater frame.

    Parameters
    ----------
    raw : DataFrame
        Columns wwtp_id, timestamp, point, parameter, value (number or ``"<DL"``), unit [, method].

    Returns
    -------
    DataFrame
        Same rows and order, with ``parameter`` canonical, ``value`` float in the canonical unit,
        ``unit`` canonical, ``censored`` bool, ``method`` filled with ``lab`` where missing.

    Raises
    ------
    UnknownParameterError, UnknownUnitError
        An unknown parameter name, or a unit unknown or of the wrong dimension for its parameter
        (e.g. ``"mg/l"`` for pH). ``g/m3`` and ``mg/l`` are the same unit and pass.
    """
    out = raw.copy()
    params = parameter_table()
    out["parameter"] = [canonical_parameter(p) for p in out["parameter"]]
    parsed = [parse_value(v) for v in out["value"]]
    values = np.array([p[0] for p in parsed], dtype=float)
    out["censored"] = np.array([p[1] for p in parsed], dtype=bool)
    units = out["unit"].astype(str).to_numpy()
    for (param, unit), idx in out.groupby(["parameter", out["unit"].astype(str)], sort=False).indices.items():
        dim = str(params.loc[param, "dimension"])
        parse_unit(unit, dim)  # raises UnknownUnitError naming the valid units of this dimension
        target = str(params.loc[param, "unit"])
        values[idx] = values[idx] * conversion_factor(unit, target)
        units[idx] = target
    out["value"] = values
    out["unit"] = units
    if "method" not in out:
        out["method"] = "lab"
    out["method"] = out["method"].fillna("lab").replace("", "lab")
    return out
