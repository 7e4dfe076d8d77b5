"""Tenants and their roofs, drawn from the sector profiles of ``example/sector_profiles``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from greenpark.errors import InputError
from greenpark.example import assumptions

TENANT_COLUMNS = ["tenant_id", "name", "sector", "vsic", "floor_area_m2", "employees", "voltage_level"]
ROOF_COLUMNS = ["roof_id", "tenant_id", "area_m2", "tilt_deg", "azimuth_deg", "usable_fraction"]

# Fictional company name prefixes (no real firm is meant).
_PREFIXES = [
    "Lotus",
    "Mekong",
    "Sakura",
    "Dong Nai",
    "Long Thanh",
    "Saigon",
    "Kobe",
    "Phu My",
    "Bien Hoa",
    "Song Be",
    "Hoa Sen",
    "Nam Viet",
    "Asahi",
    "Golden Star",
    "Green Leaf",
    "Pacific",
    "Truong Son",
    "An Phat",
    "Hikari",
    "Minh Long",
    "Tan Thuan",
    "Orchid",
    "Vina",
    "Sun Rise",
    "Blue Ocean",
    "Cuu Long",
    "Hanul",
    "Thanh Cong",
    "Evergreen",
    "Nhon Trach",
]


def allocate_profiles(n_tenants: int, weights: pd.Series) -> list[str]:
    """Split ``n_tenants`` over profiles by weight (largest remainder, at least one each)."""
    if n_tenants < len(weights):
        raise InputError(
            f"an example park needs at least {len(weights)} tenants (one per profile: "
            f"{', '.join(weights.index)}); got {n_tenants}"
        )
    share = weights / weights.sum() * (n_tenants - len(weights))
    counts = np.floor(share).astype(int) + 1
    remainder = (share - np.floor(share)).sort_values(ascending=False, kind="stable")
    for name in remainder.index[: n_tenants - int(counts.sum())]:
        counts[name] += 1
    return [name for name in weights.index for _ in range(int(counts[name]))]


def draw_tenants(
    n_tenants: int, rng: np.random.Generator, weight_multipliers: dict[str, float] | None = None
) -> pd.DataFrame:
    """Tenants with their contract columns plus the generator's own (``profile``, ``annual_kwh``, ...).

    The first tenant of each profile with an ``anchor_gwh`` is that profile's large
    factory (``anchor`` True), sized to cross the Decree 06/2022 inventory thresholds.
    ``weight_multipliers`` (profile -> factor) reshape the sector mix of another park than the example park.
    """
    prof = assumptions.profiles()
    weights = prof["weight"].astype(float)
    for name, factor in (weight_multipliers or {}).items():
        if name not in weights.index:
            raise InputError(f"no tenant profile {name!r}; known: {', '.join(weights.index)}")
        weights[name] *= factor
    names = allocate_profiles(n_tenants, weights)
    p = prof.loc[names].reset_index()
    n = len(p)
    first = ~p["profile"].duplicated()
    anchor = first & p["anchor_gwh"].notna()
    log_kwh = rng.uniform(np.log(p["gwh_min"] * 1e6), np.log(p["gwh_max"] * 1e6))
    annual_kwh = np.where(anchor, p["anchor_gwh"].fillna(0) * 1e6 * rng.uniform(0.95, 1.05, n), np.exp(log_kwh))
    floor = annual_kwh / p["kwh_per_m2"] * rng.uniform(0.8, 1.25, n)
    floor = np.round(np.clip(floor, 1500, None), -1)
    employees = np.round(floor / 1000 * p["employees_per_1000m2"] * rng.uniform(0.7, 1.3, n)).astype(int)
    # The park distributes at 22 kV from its 110/22 kV substation: a tenant on that network is billed in the
    # "22 kV to under 110 kV" band (Decision 1279/QD-BCT); small tenants take low voltage from a park transformer.
    voltage = np.where(
        annual_kwh < assumptions.park_parameter("low_voltage_supply_max_kwh_per_year"), "<6kV", "22-110kV"
    )
    order = rng.permutation(n)  # tenant numbers are not grouped by sector, as in a real park
    ids = np.empty(n, dtype=object)
    ids[order] = [f"T{i + 1:02d}" for i in range(n)]
    prefixes = rng.permutation(_PREFIXES)
    names_out: list[str] = []
    for i, stem in enumerate(p["name_stem"]):
        name = f"{prefixes[i % len(prefixes)]} {stem}"
        while f"{name} Co., Ltd." in names_out:
            name += " II"
        names_out.append(f"{name} Co., Ltd.")
    df = pd.DataFrame(
        {
            "tenant_id": ids,
            "name": names_out,
            "sector": p["sector"],
            "vsic": p["vsic"].astype(int).astype(str).str.zfill(4),
            "floor_area_m2": floor,
            "employees": employees,
            "voltage_level": voltage,
            "profile": p["profile"],
            "anchor": anchor.to_numpy(),
            "annual_kwh": annual_kwh,
        }
    )
    return df.sort_values("tenant_id", kind="stable").reset_index(drop=True)


def draw_roofs(tenants: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """1-3 roofs per tenant: low-tilt metal roofs (3-10 deg), some east-west pairs.

    Total roof area is 70-95 % of the floor area (single-storey factory halls).
    """
    rows = []
    for t in tenants.itertuples():
        n_roofs = int(rng.choice([1, 2, 3], p=[0.4, 0.4, 0.2]))
        total = t.floor_area_m2 * rng.uniform(0.7, 0.95)
        split = rng.dirichlet(np.full(n_roofs, 4.0))
        east_west = n_roofs >= 2 and rng.random() < 0.35
        grid_azimuth = float(rng.choice([165.0, 180.0, 195.0]))
        for k in range(n_roofs):
            tilt = float(np.round(rng.uniform(3, 10), 1))
            if east_west and k < 2:
                area = total * (split[0] + split[1]) / 2
                azimuth = 105.0 if k == 0 else 285.0
            else:
                area = total * split[k]
                azimuth = grid_azimuth if rng.random() < 0.6 else (grid_azimuth + 180.0) % 360
            rows.append(
                {
                    "roof_id": f"{t.tenant_id}-R{k + 1}",
                    "tenant_id": t.tenant_id,
                    "area_m2": float(np.round(area, 0)),
                    "tilt_deg": tilt,
                    "azimuth_deg": azimuth,
                    "usable_fraction": float(np.round(rng.uniform(0.5, 0.8), 2)),
                }
            )
    return pd.DataFrame(rows, columns=ROOF_COLUMNS)
