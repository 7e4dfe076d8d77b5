"""A generated province: N fictional parks of varied size, sector mix and maturity, for demos, tests and benchmarks.

``greenpark example --province DIR [--parks N]`` writes ``DIR/<park_id>/`` for each park with the example park's
generator (:func:`~greenpark.example.generate.write_example_park`) and a :class:`~greenpark.example.generate.ParkShape`
per park, plus ``DIR/province.json`` listing the parks. The archetypes are rows of ``example/province_parks``: a
wet-process park with a large central WWTP, a mostly-logistics park, a new park read from May (a partial year), a
park with many rooftop PV systems, then ordinary parks whose size, area and place are drawn from the table's
ranges. Seeded and deterministic: the same seed and number of parks give the same bytes; park ``k`` is the same
park whatever the number of parks after it.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greenpark.errors import InputError
from greenpark.example import assumptions
from greenpark.example.generate import DEFAULT_SEED, PARK, ParkShape, write_example_park

PROVINCE_PARKS = "example/province_parks"
ORDINARY = "ordinary"


@dataclass(frozen=True)
class ProvincePark:
    """One park of the generated province: its id, archetype, tenants and shape."""

    park_id: str
    archetype: str
    n_tenants: int
    seed: int
    shape: ParkShape


def _weights(text: Any) -> dict[str, float]:
    """``"dyeing:8;food:5"`` -> {"dyeing": 8.0, "food": 5.0} (empty cell: no change)."""
    if not isinstance(text, str) or not text.strip():
        return {}
    out = {}
    for item in text.split(";"):
        name, _, factor = item.partition(":")
        out[name.strip()] = float(factor)
    return out


def _optional(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def province_parks(n_parks: int, seed: int = DEFAULT_SEED) -> list[ProvincePark]:
    """The parks of a generated province of ``n_parks`` (the archetypes first, then ordinary parks).

    Park ``k`` draws from its own random stream (seed, k), so adding parks does not change the earlier ones.
    """
    if n_parks < 1:
        raise InputError(f"a province needs at least one park; got --parks {n_parks}")
    table = assumptions.table(PROVINCE_PARKS).set_index("archetype")
    special = [a for a in table.index if a != ORDINARY]
    parks = []
    for k in range(n_parks):
        archetype = special[k] if k < len(special) else ORDINARY
        row = table.loc[archetype]
        rng = np.random.default_rng([seed, zlib.crc32(b"province"), k])
        n_tenants = int(rng.integers(int(row["tenants_min"]), int(row["tenants_max"]) + 1))
        park_id = f"dn-ip{k + 1:02d}"
        park = dict(PARK) | {
            "id": park_id,
            "name": f"Dong Nai Demo IP {k + 1:02d}: {row['name']}",
            "latitude": round(float(rng.uniform(row["latitude_min"], row["latitude_max"])), 3),
            "longitude": round(float(rng.uniform(row["longitude_min"], row["longitude_max"])), 3),
            "area_ha": round(float(rng.uniform(row["area_ha_min"], row["area_ha_max"])), 0),
        }
        pv = _optional(row["pv_tenants"])
        shape = ParkShape(
            park=park,
            profile_weights=_weights(row["weights"]),
            pv_tenants=None if pv is None else int(pv),
            wwtp_capacity_m3_per_day=_optional(row["wwtp_capacity_m3_per_day"]),
            first_month=int(row["first_month"]),
        )
        park_seed = int(rng.integers(2**31))  # each park its own draws (two ordinary parks are not twins)
        parks.append(ProvincePark(park_id, archetype, n_tenants, park_seed, shape))
    return parks


def write_province(
    folder: str | Path,
    n_parks: int = 32,
    seed: int = DEFAULT_SEED,
    year: int = 2024,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write the province's parks into ``folder/<park_id>/`` and ``folder/province.json``; return that index.

    Parameters
    ----------
    folder : path
        Target folder; created if missing; must be empty unless ``force``.
    n_parks : int
        Number of parks (the first four are the archetypes of ``example/province_parks``).
    seed : int
        Seed of every draw; same seed, same bytes.
    year : int
        Calendar year of the data.
    progress : callable, optional
        Called with each park's id once it is written.

    Returns
    -------
    dict
        ``{"seed", "year", "parks": [{"park_id", "archetype", "tenants", "folder", "readings_rows", ...}]}``.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not force:
        raise InputError(f"folder {folder} is not empty; choose an empty folder or pass --force to overwrite")
    folder.mkdir(parents=True, exist_ok=True)
    index: dict[str, Any] = {"generator": "greenpark.example.province", "seed": seed, "year": year, "parks": []}
    for park in province_parks(n_parks, seed):
        meta = write_example_park(
            folder / park.park_id, seed=park.seed, year=year, n_tenants=park.n_tenants, force=force, shape=park.shape
        )
        index["parks"].append(
            {
                "park_id": park.park_id,
                "archetype": park.archetype,
                "seed": park.seed,
                "name": park.shape.park["name"],
                "folder": park.park_id,
                "area_ha": park.shape.park["area_ha"],
                "tenants": meta["counts"]["tenants"],
                "pv_tenants": len([t for t in meta["electricity"]["tenants"].values() if "pv_kwh" in t]),
                "wwtp_capacity_m3_per_day": park.shape.wwtp_capacity_m3_per_day,
                "operating_from": meta.get("operating_from"),
                "readings_rows": meta["counts"]["readings_rows"],
                "wastewater_rows": meta["counts"]["wastewater_rows"],
            }
        )
        if progress:
            progress(park.park_id)
    (folder / "province.json").write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return index
