"""The one place where units are parsed and converted.

Inside greenpark every quantity has one unit, written in its name
(``energy_kwh``, ``volume_m3``, ``mass_kg``, ``cod_mg_per_l``, ``flow_m3_per_day``).
Input files may use other spellings or multiples; :func:`parse_unit` maps a user's
spelling to a canonical symbol and :func:`conversion_factor` gives the multiplier
into the base unit of its dimension. Conversions here are definitions (1 MWh =
1,000 kWh, 1 g/m3 = 1 mg/L), not emission factors; anything that needs a
property of a substance (a fuel's density or heating value) is reference data and
lives in ``greenpark.reference``.

Base units per dimension
------------------------
energy kWh · volume m3 · mass kg · concentration mg/L · flow m3/day · power kW ·
temperature degC · area m2 · count of bacteria MPN/100mL · activity Bq/L ·
colour Pt-Co · pH (dimensionless) · ratio (dimensionless)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from greenpark.errors import UnitMismatchError, UnknownUnitError


@dataclass(frozen=True)
class Unit:
    """A canonical unit: its symbol, its dimension and the factor into the base unit."""

    symbol: str
    dimension: str
    to_base: float


# symbol -> Unit. Factors are exact definitions (SI prefixes, 1 J = 1/3.6e6 kWh).
_UNITS: dict[str, Unit] = {
    u.symbol: u
    for u in [
        # energy, base kWh
        Unit("Wh", "energy", 1e-3),
        Unit("kWh", "energy", 1.0),
        Unit("MWh", "energy", 1e3),
        Unit("GWh", "energy", 1e6),
        Unit("MJ", "energy", 1 / 3.6),
        Unit("GJ", "energy", 1e3 / 3.6),
        Unit("TJ", "energy", 1e6 / 3.6),
        # volume, base m3
        Unit("l", "volume", 1e-3),
        Unit("m3", "volume", 1.0),
        # mass, base kg
        Unit("g", "mass", 1e-3),
        Unit("kg", "mass", 1.0),
        Unit("t", "mass", 1e3),
        # mass concentration in water, base mg/L (1 g/m3 = 1 mg/L)
        Unit("ug/l", "concentration", 1e-3),
        Unit("mg/l", "concentration", 1.0),
        Unit("g/l", "concentration", 1e3),
        # volumetric flow, base m3/day
        Unit("m3/day", "flow", 1.0),
        Unit("m3/h", "flow", 24.0),
        Unit("l/s", "flow", 86.4),
        Unit("m3/s", "flow", 86400.0),
        # power, base kW
        Unit("W", "power", 1e-3),
        Unit("kW", "power", 1.0),
        Unit("MW", "power", 1e3),
        # others with a single unit
        Unit("degC", "temperature", 1.0),
        Unit("m2", "area", 1.0),
        Unit("ha", "area", 1e4),
        Unit("pH", "ph", 1.0),
        Unit("Pt-Co", "colour", 1.0),
        Unit("MPN/100ml", "bacteria", 1.0),
        Unit("Bq/l", "activity", 1.0),
        Unit("1", "ratio", 1.0),
        Unit("%", "ratio", 0.01),
    ]
}

# user spelling (lower-cased, spaces removed) -> canonical symbol
_ALIASES: dict[str, str] = {
    "wh": "Wh",
    "kwh": "kWh",
    "mwh": "MWh",
    "gwh": "GWh",
    "mj": "MJ",
    "gj": "GJ",
    "tj": "TJ",
    "l": "l",
    "litre": "l",
    "liter": "l",
    "litres": "l",
    "liters": "l",
    "lit": "l",
    "lít": "l",
    "m3": "m3",
    "m^3": "m3",
    "m³": "m3",
    "cbm": "m3",
    "khối": "m3",
    "g": "g",
    "kg": "kg",
    "t": "t",
    "tonne": "t",
    "tonnes": "t",
    "ton": "t",
    "tấn": "t",
    "ug/l": "ug/l",
    "µg/l": "ug/l",
    "mg/m3": "ug/l",
    "mg/l": "mg/l",
    "g/m3": "mg/l",
    "g/m³": "mg/l",
    "ppm": "mg/l",
    "mg/dm3": "mg/l",
    "g/l": "g/l",
    "kg/m3": "g/l",
    "m3/day": "m3/day",
    "m3/d": "m3/day",
    "m3/ngđ": "m3/day",
    "m3/24h": "m3/day",
    "m³/day": "m3/day",
    "m3/h": "m3/h",
    "m3/hr": "m3/h",
    "m³/h": "m3/h",
    "l/s": "l/s",
    "m3/s": "m3/s",
    "w": "W",
    "kw": "kW",
    "mw": "MW",
    "degc": "degC",
    "°c": "degC",
    "c": "degC",
    "oc": "degC",
    "celsius": "degC",
    "m2": "m2",
    "m^2": "m2",
    "m²": "m2",
    "ha": "ha",
    "ph": "pH",
    "-": "pH",
    "pt-co": "Pt-Co",
    "ptco": "Pt-Co",
    "pt/co": "Pt-Co",
    "tcu": "Pt-Co",
    "mpn/100ml": "MPN/100ml",
    "cfu/100ml": "MPN/100ml",
    "vk/100ml": "MPN/100ml",
    "bq/l": "Bq/l",
    "1": "1",
    "fraction": "1",
    "%": "%",
    "percent": "%",
}


def known_units(dimension: str | None = None) -> list[str]:
    """Canonical unit symbols, optionally only those of one dimension."""
    return sorted(s for s, u in _UNITS.items() if dimension is None or u.dimension == dimension)


def parse_unit(text: str, dimension: str | None = None) -> Unit:
    """Map a user's spelling of a unit to its canonical :class:`Unit`.

    Parameters
    ----------
    text : str
        The unit as written in an input file, e.g. ``"MWh"``, ``"mg/L"``, ``"g/m3"``.
    dimension : str, optional
        When given, the unit must be of this dimension (``"energy"``, ``"volume"``...).

    Raises
    ------
    UnknownUnitError
        The spelling is unknown, or of another dimension than asked.
    """
    key = str(text).strip().lower().replace(" ", "")
    symbol = _ALIASES.get(key)
    if symbol is None:
        choices = ", ".join(known_units(dimension))
        raise UnknownUnitError(
            f"unknown unit {text!r}; known units{f' of {dimension}' if dimension else ''}: {choices}"
        )
    unit = _UNITS[symbol]
    if dimension is not None and unit.dimension != dimension:
        raise UnknownUnitError(
            f"unit {text!r} is a unit of {unit.dimension}, not of {dimension}; "
            f"use one of: {', '.join(known_units(dimension))}"
        )
    return unit


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiplier that turns a value in ``from_unit`` into ``to_unit``.

    >>> conversion_factor("MWh", "kWh")
    1000.0
    """
    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a.dimension != b.dimension:
        raise UnitMismatchError(f"cannot convert {from_unit!r} ({a.dimension}) into {to_unit!r} ({b.dimension})")
    return a.to_base / b.to_base


def convert(value: float | np.ndarray, from_unit: str, to_unit: str) -> float | np.ndarray:
    """Convert a value or an array from one unit into another of the same dimension."""
    return value * conversion_factor(from_unit, to_unit)


def base_unit(dimension: str) -> str:
    """The base unit symbol of a dimension (the one whose factor is 1)."""
    for s, u in _UNITS.items():
        if u.dimension == dimension and u.to_base == 1.0:
            return s
    raise UnknownUnitError(f"unknown dimension {dimension!r}")
