"""Monthly fuels, refrigerant top-ups and production of the tenants."""

from __future__ import annotations

import numpy as np
import pandas as pd

from greenpark.example import assumptions

FUEL_COLUMNS = ["tenant_id", "period", "fuel", "quantity", "unit"]
REFRIGERANT_COLUMNS = ["tenant_id", "period", "gas", "charge_kg", "leaked_kg"]
PRODUCTION_COLUMNS = ["tenant_id", "period", "quantity", "unit"]

# decimals written per fuel unit: whole litres, kg and m3; tonnes to 0.1 t
_DECIMALS = {"l": 0, "kg": 0, "m3": 0, "t": 1}
# refrigerant systems: gas, (charge min, charge max) kg. Illustrative: chillers use R-134a, split and VRF
# systems R-410A or R-32, some old plant still R-22 (phase-out under the Montreal Protocol / Decree 06/2022).
_SYSTEMS = [("R-134a", (150, 600)), ("R-410A", (20, 120)), ("R-32", (10, 60)), ("R-22", (40, 200))]


def periods(year: int) -> list[str]:
    """The 12 periods YYYY-MM of ``year``."""
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def monthly_index(production_kwh_by_month: np.ndarray) -> np.ndarray:
    """Each tenant's monthly activity relative to its mean month (tenants x 12)."""
    mean = production_kwh_by_month.mean(axis=1, keepdims=True)
    return production_kwh_by_month / np.where(mean > 0, mean, 1.0)


def fuels_frame(tenants: pd.DataFrame, month_index: np.ndarray, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly fuel use per tenant from ``example/fuel_use`` (quantity follows monthly activity)."""
    use = assumptions.table(assumptions.FUEL_USE)
    per = periods(year)
    rows = []
    for i, t in enumerate(tenants.itertuples()):
        for f in use[use["profile"] == t.profile].itertuples():
            if t.anchor:
                if pd.isna(f.anchor_monthly):
                    continue
                base = float(f.anchor_monthly)
            else:
                if rng.random() >= f.share:
                    continue
                base = float(rng.uniform(f.monthly_min, f.monthly_max))
            q = base * month_index[i] * rng.lognormal(0, 0.05, 12)
            q = np.round(q, _DECIMALS[f.unit])
            rows += [
                {"tenant_id": t.tenant_id, "period": p, "fuel": f.fuel, "quantity": float(x), "unit": f.unit}
                for p, x in zip(per, q, strict=True)
            ]
    return pd.DataFrame(rows, columns=FUEL_COLUMNS)


def refrigerants_frame(tenants: pd.DataFrame, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """A few refrigerant top-ups (a leak refilled): one row per event, about a quarter of the tenants."""
    per = periods(year)
    rows = []
    for t in tenants.itertuples():
        if not (t.anchor or rng.random() < 0.22):
            continue
        for _ in range(int(rng.integers(1, 3))):
            gas, (lo, hi) = _SYSTEMS[int(rng.integers(len(_SYSTEMS)))]
            charge = float(np.round(rng.uniform(lo, hi), 0))
            leaked = float(np.round(charge * rng.uniform(0.02, 0.15), 1))
            rows.append(
                {
                    "tenant_id": t.tenant_id,
                    "period": per[int(rng.integers(12))],
                    "gas": gas,
                    "charge_kg": charge,
                    "leaked_kg": leaked,
                }
            )
    return pd.DataFrame(rows, columns=REFRIGERANT_COLUMNS).sort_values(["tenant_id", "period"], kind="stable")


def production_frame(tenants: pd.DataFrame, production_kwh_by_month: np.ndarray, year: int) -> pd.DataFrame:
    """Monthly production in each profile's unit: the production part of electricity / kWh per unit."""
    prof = assumptions.profiles().loc[tenants["profile"]]
    per = periods(year)
    qty = production_kwh_by_month / prof["kwh_per_unit"].to_numpy()[:, None]
    rows = []
    for i, t in enumerate(tenants["tenant_id"]):
        unit = prof["production_unit"].iloc[i]
        q = np.round(qty[i], 1 if unit == "t" else 0)
        rows += [{"tenant_id": t, "period": p, "quantity": float(x), "unit": unit} for p, x in zip(per, q, strict=True)]
    return pd.DataFrame(rows, columns=PRODUCTION_COLUMNS)
