"""A year of waste records by tenant, code and route, and the symbiosis offers (gives and takes)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from greenpark.example import assumptions

WASTE_COLUMNS = [
    "date",
    "tenant_id",
    "waste_code",
    "description",
    "category",
    "quantity",
    "unit",
    "route",
    "receiver",
    "density_t_per_m3",
    "transporter",
    "manifest_id",
]
SYMBIOSIS_COLUMNS = ["tenant_id", "direction", "material", "quantity", "unit", "quality", "price_vnd_per_t"]
_DECIMALS = {"kg": 1, "t": 3, "m3": 2}
# the largest givers of each material offer it for symbiosis; small lots stay with the waste contractor
_GIVERS_PER_MATERIAL = 3


def _applies(profiles: str, profile: str) -> bool:
    return profiles == "all" or profile in profiles.split(";")


def waste_frame(tenants: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Waste collections of every tenant for every stream of ``example/waste_streams`` that applies.

    Monthly mass = rate x basis (GWh/yr or employees) x noise, split over the
    stream's pickups; hazardous loads carry a manifest id.
    """
    streams = assumptions.table(assumptions.WASTE_STREAMS)
    rows = []
    for t in tenants.itertuples():
        seq = 0
        for s in streams.itertuples():
            if not _applies(s.profiles, t.profile):
                continue
            basis = t.annual_kwh / 1e6 if s.basis == "gwh" else float(t.employees)
            monthly_t = s.rate * basis * rng.lognormal(0, 0.15, 12)
            pickups = float(s.pickups)
            for m in range(12):
                if pickups < 1:
                    every = round(1 / pickups)
                    if (m + 1) % every:
                        continue
                    n_pick, mass = 1, monthly_t[m - every + 1 : m + 1].sum()
                else:
                    n_pick, mass = int(pickups), monthly_t[m]
                days = np.sort(rng.choice(np.arange(1, 29), size=n_pick, replace=False))
                for d in days:
                    q_t = mass / n_pick
                    if s.unit == "kg":
                        q = q_t * 1000
                    elif s.unit == "m3":
                        q = q_t / float(s.density_t_per_m3)
                    else:
                        q = q_t
                    q = round(float(q), _DECIMALS[s.unit])
                    if q <= 0:
                        continue
                    manifest = ""
                    if s.category == "hazardous":
                        seq += 1
                        manifest = f"HW-{year}-{t.tenant_id}-{seq:04d}"
                    rows.append(
                        {
                            "date": f"{year}-{m + 1:02d}-{int(d):02d}",
                            "tenant_id": t.tenant_id,
                            "waste_code": s.waste_code,
                            "description": s.description,
                            "category": s.category,
                            "quantity": q,
                            "unit": s.unit,
                            "route": s.route,
                            "receiver": s.receiver,
                            "density_t_per_m3": float(s.density_t_per_m3) if s.unit == "m3" else None,
                            "transporter": s.transporter,
                            "manifest_id": manifest,
                        }
                    )
    df = pd.DataFrame(rows, columns=WASTE_COLUMNS)
    return df.sort_values(["date", "tenant_id", "waste_code"], kind="stable").reset_index(drop=True)


def quantity_t(waste: pd.DataFrame) -> pd.Series:
    """Mass of each waste record in tonnes (kg / 1000; m3 x density)."""
    q = waste["quantity"].astype(float)
    return (
        q.where(waste["unit"] == "t", 0.0)
        + (q / 1000).where(waste["unit"] == "kg", 0.0)
        + (q * waste["density_t_per_m3"].astype(float)).where(waste["unit"] == "m3", 0.0)
    )


def symbiosis_frame(tenants: pd.DataFrame, waste: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Gives and takes that can plausibly match inside the park (quantities per month).

    Gives come from the tenants' own waste records (fabric offcuts, food residues,
    wood pallets, plastic and metal scrap) plus surplus steam; takes are sized to
    absorb part or all of what is given.
    """
    monthly = waste.assign(q_t=quantity_t(waste)).groupby(["tenant_id", "waste_code"])["q_t"].sum() / 12
    by_profile = tenants.groupby("profile")["tenant_id"].apply(list)
    anchor = tenants.set_index("profile")["tenant_id"][tenants.set_index("profile")["anchor"]]

    def gives(code: str) -> pd.Series:
        return monthly.xs(code, level="waste_code") if code in monthly.index.get_level_values(1) else pd.Series()

    offers = [
        # material, waste code, taker, quality, price VND/t
        ("fabric offcuts", "10 02 03", by_profile.get("garment", [None])[-1], "sorted cotton/polyester", 1_500_000),
        ("food processing residues", "TP01", anchor.get("food"), "organic, for anaerobic digestion", 0),
        ("wood pallets and crates", "18 01 07", anchor.get("dyeing"), "untreated wood, chipped on site", 400_000),
        ("plastic scrap", "18 01 06", by_profile.get("plastics", [None])[0], "PP/PE regrind grade", 3_000_000),
        ("metal scrap", "07 03 12", by_profile.get("metal", [None])[0], "steel offcuts > 50 mm", 6_000_000),
    ]
    rows = []
    for material, code, taker, quality, price in offers:
        g = gives(code)
        g = g[g.index != taker].sort_values(ascending=False, kind="stable").head(_GIVERS_PER_MATERIAL).sort_index()
        if g.empty or taker is None:
            continue
        for tid, q in g.items():
            rows.append(
                {
                    "tenant_id": tid,
                    "direction": "give",
                    "material": material,
                    "quantity": round(float(q), 2),
                    "unit": "t",
                    "quality": quality,
                    "price_vnd_per_t": price,
                }
            )
        take = float(g.sum()) * rng.uniform(0.5, 1.2)
        rows.append(
            {
                "tenant_id": taker,
                "direction": "take",
                "material": material,
                "quantity": round(take, 1),
                "unit": "t",
                "quality": quality,
                "price_vnd_per_t": price,
            }
        )
    chem = by_profile.get("chemicals", [])
    food = by_profile.get("food", [])
    if chem and food:
        steam = round(float(rng.uniform(300, 600)), 0)
        rows.append(
            {
                "tenant_id": chem[0],
                "direction": "give",
                "material": "low-pressure steam (6 bar)",
                "quantity": steam,
                "unit": "t",
                "quality": "saturated, 6 bar",
                "price_vnd_per_t": 350_000,
            }
        )
        rows.append(
            {
                "tenant_id": food[-1],
                "direction": "take",
                "material": "low-pressure steam (6 bar)",
                "quantity": round(steam * 0.8, 0),
                "unit": "t",
                "quality": "saturated, 6 bar",
                "price_vnd_per_t": 350_000,
            }
        )
    return pd.DataFrame(rows, columns=SYMBIOSIS_COLUMNS)


MANIFEST_COLUMNS = ["manifest_id", "date", "tenant_id", "waste_code", "quantity", "unit", "transporter", "receiver"]


def manifests_frame(waste: pd.DataFrame) -> pd.DataFrame:
    """The hazardous-waste manifests (chứng từ CTNH): one per hazardous load, as the transporter signs it.

    Each manifest repeats its load's date, tenant, code, quantity and unit, so the records and the
    manifests reconcile month by month (the waste engine's ``manifest.unreconciled`` stays silent).
    """
    hz = waste[(waste["category"] == "hazardous") & (waste["manifest_id"] != "")]
    return hz[MANIFEST_COLUMNS].sort_values(["date", "manifest_id"], kind="stable").reset_index(drop=True)
