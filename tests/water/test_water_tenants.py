"""Tenant loads and breaches: censored values, lower limits, volumes from the store's shape, cost fallback."""

from __future__ import annotations

import pandas as pd
import pytest
from waterkit import lab, local

from greenpark.water.standards import connection_limits
from greenpark.water.tenants import tenant_loads, tenant_volumes_m3

LIMITS = connection_limits(
    pd.DataFrame(
        {
            "parameter": ["cod", "lead", "ph"],
            "limit": [500.0, 0.5, 9.0],
            "unit": ["mg/l", "mg/l", "pH"],
            "limit_min": [None, None, 5.5],
        }
    )
)
START, END = local("2025-01-01"), local("2026-01-01")


def test_censored_values_do_not_breach_and_low_ph_does():
    ww = lab(
        [
            ("2025-02-01 09:00", "tenant:T1", "lead", 0.8, True),  # "<0.8": true value unknown below 0.8
            ("2025-02-01 09:00", "tenant:T1", "ph", 4.9, False),  # below 5.5
            ("2025-02-01 09:00", "tenant:T1", "cod", 450, False),
        ]
    )  # within 500
    alloc = tenant_loads(ww, {"T1": 1000.0}, LIMITS, START, END)
    (t1,) = alloc.tenants
    assert [(b.parameter, b.value, b.limit_min) for b in t1.connection_breaches] == [("ph", 4.9, 5.5)]
    # COD load 450 g/m3 x 1,000 m3 / 1000 = 450 kg
    assert t1.load_kg["cod"] == pytest.approx(450.0)


def test_volumes_from_store_consumption_shape():
    # Store.consumption(by="tenant") rows: tenant_id, kind, period_start (local month start), value
    vols = pd.DataFrame(
        {
            "tenant_id": ["T1", "T1", "T2", None, "T1"],
            "kind": [
                "wastewater_discharge",
                "wastewater_discharge",
                "wastewater_discharge",
                "wastewater_discharge",
                "electricity_import",
            ],
            "period_start": [
                local("2025-01-01"),
                local("2025-02-01"),
                local("2025-01-01"),
                local("2025-01-01"),
                local("2025-01-01"),
            ],
            "value": [100.0, 50.0, 30.0, 999.0, 12345.0],
        }
    )
    # T1: 100 + 50 m3 (the kWh row and the park-common row are not tenant discharge)
    assert tenant_volumes_m3(vols, START, END) == {"T1": 150.0, "T2": 30.0}
    # a row of another year is left out
    vols.loc[1, "period_start"] = local("2024-12-01")
    assert tenant_volumes_m3(vols, START, END)["T1"] == 100.0


def test_tenant_without_samples_moves_load_weights_to_volume():
    ww = lab([("2025-02-01 09:00", "tenant:T1", "cod", 800, False)])
    alloc = tenant_loads(ww, {"T1": 250.0, "T2": 750.0}, LIMITS, START, END, treatment_cost_vnd=4_000_000)
    t1, t2 = alloc.tenants
    # T2 has no COD, TSS or N samples: every load weight moves to volume -> cost share = flow share
    assert alloc.weights == {"volume": pytest.approx(1.0)}
    assert (t1.cost_share, t2.cost_share) == pytest.approx((0.25, 0.75))
    assert t2.cost_vnd == pytest.approx(3_000_000)
    assert len(alloc.notes) == 3
