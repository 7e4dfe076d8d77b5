"""The park-folder schema as data: one CSV per file under ``io/schema/``.

Each table (PyPSA's component-attribute CSVs are the model) lists a file's columns:
``attribute, type, unit, default, required, min, max, choices, label_vi, description``.
The readers take required columns, defaults, types, ranges and choices from here; the
template writer takes the Vietnamese labels and descriptions; a test checks the tables
against :mod:`greenpark.model`.

Types: ``str``, ``float``, ``int``, ``bool``, ``date`` (ISO date), ``period`` (``YYYY-MM``),
``timestamp`` (ISO 8601; no offset = park local time), ``unit`` (a unit known to
:mod:`greenpark.units`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from greenpark.errors import ParkFolderError

SCHEMA_DIR = Path(__file__).parent / "schema"

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
    "symbiosis",
    "connection_limits",
    "sludge",
)
#: Files a park folder must have (besides park.toml).
REQUIRED_FILES: tuple[str, ...] = ("tenants", "meters")


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
    """A wastewater parameter: canonical name, unit dimension and physical range (canonical unit)."""

    name: str
    dimension: str
    min: float | None
    max: float | None
    description: str


@lru_cache(maxsize=1)
def wastewater_parameters() -> tuple[dict[str, Parameter], dict[str, str]]:
    """Canonical wastewater parameters and the alias map (lower-case spelling -> canonical name)."""
    df = pd.read_csv(SCHEMA_DIR / "wastewater_parameters.csv", dtype=str, keep_default_na=False, comment="#")
    params: dict[str, Parameter] = {}
    aliases: dict[str, str] = {}
    rows: list[dict[str, str]] = df.to_dict("records")  # type: ignore[assignment]
    for r in rows:
        name = r["parameter"]
        params[name] = Parameter(name, r["dimension"], _opt_float(r["min"]), _opt_float(r["max"]), r["description"])
        aliases[name] = name
        aliases[name.replace("_", " ")] = name
        aliases[name.replace("_", "-")] = name
        for a in r["aliases"].split("|"):
            if a.strip():
                aliases[a.strip().lower()] = name
    return params, aliases


def canonical_parameter(text: str) -> str | None:
    """Canonical wastewater parameter name for a user's spelling, or None when unknown."""
    _, aliases = wastewater_parameters()
    key = " ".join(str(text).strip().lower().split())
    return aliases.get(key) or aliases.get(key.replace(" ", "_"))
