"""Renewable-electricity claims of the example park: one anchor tenant retires certificates for one month."""

from __future__ import annotations

import pandas as pd

from greenpark.example import assumptions

RENEWABLES_COLUMNS = ["tenant_id", "period", "instrument", "energy_kwh", "source"]


def renewables_frame(tenants: pd.DataFrame, import_kwh: dict[str, float], year: int) -> pd.DataFrame:
    """One certificate purchase (``renewables.csv`` row) for the first anchor tenant.

    The certificates cover ``renewables_certificate_share`` of the tenant's mean monthly grid import
    (``import_kwh`` is its annual import, kWh) for month ``renewables_certificate_month``, rounded to the
    kWh: well under that month's import, so the claim is used whole and the market-based Scope 2 of the
    park falls by exactly ``energy_kwh`` x the grid factor.
    """
    anchors = tenants.loc[tenants["anchor"], "tenant_id"].tolist()
    if not anchors:
        return pd.DataFrame(columns=RENEWABLES_COLUMNS)
    tenant = str(anchors[0])
    share = assumptions.park_parameter("renewables_certificate_share")
    month = int(assumptions.park_parameter("renewables_certificate_month"))
    energy = round(share * import_kwh[tenant] / 12)
    return pd.DataFrame(
        [
            {
                "tenant_id": tenant,
                "period": f"{year}-{month:02d}",
                "instrument": "certificate",
                "energy_kwh": float(energy),
                "source": f"IREC-{year}-{tenant}-0001",
            }
        ],
        columns=RENEWABLES_COLUMNS,
    )
