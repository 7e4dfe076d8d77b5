"""The park-folder schema as data: one CSV per file under ``io/schema/``.

Each table (PyPSA's component-attribute CSVs are the model) lists a file's columns:
``attribute, type, unit, default, required, min, max, choices, label_vi, description``.
The readers take required columns, defaults, types, ranges and choices from here; the
template writer takes the Vietnamese labels and descriptions; a test checks the tables
against :mod:`greenpark.model`.

Types: ``str``, ``float``, ``int``, ``bool``, ``date`` (ISO date), ``period`` (``YYYY-MM``),
``timestamp`` (ISO 8601; no offset = park local time), ``unit`` (a unit known to
:mod:`greenpark.units`).

Wastewater parameter names, aliases, canonical units and physical ranges are not a schema table
of their own: they come from the reference table ``reference/data/water/parameters.csv``, the
one the water engine reads, so a parameter is added in one place.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from greenpark.errors import ParkFolderError
from greenpark.reference import load_table

SCHEMA_DIR = Path(__file__).parent / "schema"
#: The one wastewater parameter table (names, aliases, units, physical ranges), shared with the water engine.
PARAMETERS_TABLE = "water/parameters"

#: Park-folder files in reading order (objects first: later files refer to them).
FILES: tuple[str, ...] = (
    "tenants",
    "roofs",
    "wwtp",
    "meters",
    "readings",
    "fuels",
    "refrigerants",
    "production",
    "wastewater",
    "waste",
    "manifests",
    "symbiosis",
    "connection_limits",
    "sludge",
    "renewables",
    "prices",
    "certificates",
    "recp_measures",
    "exchanges",
    "compliance_events",
    "accepted",
)
#: Files a park folder must have (besides park.toml).
REQUIRED_FILES: tuple[str, ...] = ("tenants", "meters")
#: Files that become model objects (read first: the record tables refer to them).
OBJECT_FILES: tuple[str, ...] = ("tenants", "roofs", "wwtp", "meters")
#: Files that are neither objects nor readings: record tables, and accepted.csv (held-out readings accepted back).
RECORD_FILES: tuple[str, ...] = tuple(f for f in FILES if f not in (*OBJECT_FILES, "readings", "accepted"))
#: The park settings file of a folder.
SETTINGS_FILE = "park.toml"


def park_files() -> tuple[str, ...]:
    """Every file name a park folder may hold, in reading order: the one list (docs/park-folder.md).

    ``park.toml``, one ``<name>.csv`` per entry of :data:`FILES`, and ``readings.parquet`` (the
    readings in Parquet instead of CSV). A workbook (``.xlsx``) holds the same as sheets.
    """
    csvs = [f"{n}.csv" for n in FILES]
    at = csvs.index("readings.csv") + 1
    return (SETTINGS_FILE, *csvs[:at], "readings.parquet", *csvs[at:])


@dataclass(frozen=True)
class Attribute:
    """One column of a park-folder file, as the schema table describes it."""

    name: str
    type: str
    unit: str
    default: str | None
    required: bool
    min: float | None
    max: float | None
    choices: tuple[str, ...]
    label_vi: str
    description: str


def _opt_float(v: str) -> float | None:
    return None if v is None or v == "" else float(v)


@lru_cache(maxsize=32)
def file_schema(name: str) -> tuple[Attribute, ...]:
    """The columns of park-folder file ``name`` (e.g. ``"tenants"``), in order.

    Raises
    ------
    ParkFolderError
        No schema table of that name.
    """
    path = SCHEMA_DIR / f"{name}.csv"
    if not path.exists():
        raise ParkFolderError(f"no schema for park-folder file {name!r}; known files: {', '.join(FILES)}")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    rows: list[dict[str, str]] = df.to_dict("records")  # type: ignore[assignment]
    return tuple(
        Attribute(
            name=r["attribute"],
            type=r["type"],
            unit=r["unit"],
            default=r["default"] if r["default"] != "" else None,
            required=r["required"].strip().lower() == "true",
            min=_opt_float(r["min"]),
            max=_opt_float(r["max"]),
            choices=tuple(c for c in r["choices"].split("|") if c),
            label_vi=r["label_vi"],
            description=r["description"],
        )
        for r in rows
    )


def columns(name: str) -> list[str]:
    """Column names of park-folder file ``name``."""
    return [a.name for a in file_schema(name)]


@dataclass(frozen=True)
class Parameter:
    """A wastewater parameter: canonical name, canonical unit and its dimension, physical range (canonical unit)."""

    name: str
    unit: str
    dimension: str
    min: float | None
    max: float | None
    description: str


def parameter_key(text: str) -> str:
    """How a parameter spelling is matched: lower case, all whitespace removed (``"NH4 - N"`` -> ``"nh4-n"``).

    The same rule as :func:`greenpark.water.parameters.canonical_parameter`, so the importer and the
    water engine accept the same spellings (a test checks it on every alias).
    """
    return "".join(str(text).lower().split())


@lru_cache(maxsize=1)
def wastewater_parameters() -> tuple[dict[str, Parameter], dict[str, str]]:
    """Canonical wastewater parameters and the alias map (:func:`parameter_key` of a spelling -> canonical name).

    Read from the one parameter table, ``reference/data/water/parameters.csv`` (shared with the water
    engine; it holds each row's source and edition). Besides the listed aliases, the canonical name is
    accepted with ``_`` written as a space, as ``-`` or left out (``total_n``, ``total n``, ``total-n``).
    """
    table = load_table(PARAMETERS_TABLE)
    params: dict[str, Parameter] = {}
    aliases: dict[str, str] = {}
    for r in table.itertuples(index=False):
        name = str(r.parameter)
        params[name] = Parameter(
            name,
            str(r.unit),
            str(r.dimension),
            _opt_number(r.physical_min),
            _opt_number(r.physical_max),
            str(r.description),
        )
        listed = str(r.aliases).split("|") if isinstance(r.aliases, str) else []
        for spelling in [name, name.replace("_", ""), name.replace("_", "-"), *listed]:
            if spelling.strip():
                aliases.setdefault(parameter_key(spelling), name)
    return params, aliases


def canonical_parameters(text: pd.Series) -> pd.Series:
    """Canonical wastewater parameter names for a column of user spellings (NaN where unknown)."""
    _, aliases = wastewater_parameters()
    return text.fillna("").astype(str).map(parameter_key).map(aliases)


def canonical_parameter(text: str) -> str | None:
    """Canonical wastewater parameter name for a user's spelling, or None when unknown."""
    _, aliases = wastewater_parameters()
    return aliases.get(parameter_key(text))


ALIASES_FILE = SCHEMA_DIR / "aliases.csv"


def choice_key(text: object) -> str:
    """How a choice is matched: case, accents (đ = d), spaces and punctuation ignored.

    ``"Điện tử"``, ``"dien tu"`` and ``"DIEN-TU"`` give the same key, as do ``"food & beverage"``
    and ``"food_beverage"``.
    """
    t = unicodedata.normalize("NFKD", str(text).casefold().replace("đ", "d"))
    return "".join(ch for ch in t if ch.isalnum() and not unicodedata.combining(ch))


@lru_cache(maxsize=32)
def choice_aliases(name: str, attribute: str) -> dict[str, str]:
    """:func:`choice_key` of every accepted spelling -> the canonical choice of column ``attribute`` of ``name``.

    The canonical choices of the schema table, plus the Vietnamese and English labels and aliases of
    ``io/schema/aliases.csv`` (columns ``file, attribute, choice, alias, language``).
    """
    attrs = {a.name: a for a in file_schema(name)}
    out: dict[str, str] = {}
    if attribute in attrs:
        for c in attrs[attribute].choices:
            out[choice_key(c)] = c
    table = pd.read_csv(ALIASES_FILE, dtype=str, keep_default_na=False, comment="#")
    rows = table[(table["file"] == name) & (table["attribute"] == attribute)]
    for choice, alias in zip(rows["choice"], rows["alias"], strict=True):
        out.setdefault(choice_key(alias), choice)
    return out


def _opt_number(v: object) -> float | None:
    return None if v is None or pd.isna(v) else float(v)  # type: ignore[arg-type]
