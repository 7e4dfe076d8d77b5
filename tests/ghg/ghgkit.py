"""Consumption frames built in code for the ghg tests (a uniquely named module: `from conftest import` is
ambiguous once several directories have a conftest)."""

from __future__ import annotations

import pandas as pd

ZONE = "Asia/Ho_Chi_Minh"


def month_start(period: str) -> pd.Timestamp:
    return pd.Timestamp(f"{period}-01", tz=ZONE)


def consumption_rows(rows: list[tuple[str | None, str, str, float]]) -> pd.DataFrame:
    """(tenant_id, kind, period YYYY-MM, kWh) -> the store's monthly consumption frame."""
    return pd.DataFrame(
        [
            {"tenant_id": t, "kind": k, "period_start": month_start(p), "value": v, "n_values": 2976}
            for t, k, p, v in rows
        ]
    )
