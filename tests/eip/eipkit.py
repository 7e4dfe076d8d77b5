"""The tiny EIP park: the tiny park (tests/testkit.py) with five tenants and the four EIP tables built in code.

Tenants t1..t5 (10, 5, 8, 4, 3 employees: 30 in all); meters e1 (t1 electricity), w0 (park water), ww1 (the WWTP);
WWTP wwtp1. The assessment date is 31 Dec 2024 unless a test declares a registration date, so the compliance
window is 2021-12-31 (excluded) to 2024-12-31 (Decree 35 Art. 37(1)(a): 3 years before registration).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

import testkit
from greenpark.model import EipDeclarations, ParkData, Tenant

D = dt.date


def park(eip: EipDeclarations | None = None, **tables: pd.DataFrame) -> ParkData:
    """The tiny park with tenants t1..t5, the given [eip] declarations and tables."""
    base = testkit.tiny_park("eiptiny")
    extra = [
        Tenant(tenant_id=f"t{i}", name=f"T{i}", sector="other", floor_area_m2=100, employees=n, voltage_level="<6kV")
        for i, n in ((3, 8), (4, 4), (5, 3))
    ]
    p = base.park.model_copy(update={"eip": eip})
    return dataclasses.replace(base, park=p, tenants=[*base.tenants, *extra], tables={**base.tables, **tables})


def certificates(*rows: tuple) -> pd.DataFrame:
    """rows: (tenant_id or None, standard, valid_from, valid_to); lines 2, 3, ... in order."""
    return pd.DataFrame(
        [
            {"tenant_id": t, "standard": s, "certificate_id": f"C{i}", "valid_from": a, "valid_to": b,
             "issuer": "x", "line": i + 2}
            for i, (t, s, a, b) in enumerate(rows)
        ],
        columns=["tenant_id", "standard", "certificate_id", "valid_from", "valid_to", "issuer", "line"],
    )  # fmt: skip


def recp(*rows: tuple) -> pd.DataFrame:
    """rows: (tenant_id, category, implemented_on[, evidence])."""
    return pd.DataFrame(
        [
            {"tenant_id": r[0], "measure": "m", "category": r[1], "implemented_on": r[2], "saving": 1.0, "unit": "kWh",
             "evidence": r[3] if len(r) > 3 else None, "line": i + 2}
            for i, r in enumerate(rows)
        ],
        columns=["tenant_id", "measure", "category", "implemented_on", "saving", "unit", "evidence", "line"],
    )  # fmt: skip


def exchanges(*rows: tuple) -> pd.DataFrame:
    """rows: (exchange_id, from, to, kind, quantity, unit, since, until)."""
    return pd.DataFrame(
        [
            {"exchange_id": r[0], "from_tenant_id": r[1], "to_tenant_id": r[2], "kind": r[3], "material": "x",
             "quantity": r[4], "unit": r[5], "since": r[6], "until": r[7], "line": i + 2}
            for i, r in enumerate(rows)
        ],
        columns=["exchange_id", "from_tenant_id", "to_tenant_id", "kind", "material", "quantity", "unit", "since",
                 "until", "line"],
    )  # fmt: skip


def events(*rows: tuple) -> pd.DataFrame:
    """rows: (date, tenant_id or None, field, decision or None)."""
    return pd.DataFrame(
        [
            {"date": r[0], "tenant_id": r[1], "field": r[2], "description": "d", "decision": r[3],
             "resolved_on": None, "line": i + 2}
            for i, r in enumerate(rows)
        ],
        columns=["date", "tenant_id", "field", "description", "decision", "resolved_on", "line"],
    )  # fmt: skip
