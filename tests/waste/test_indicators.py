"""Waste indicators: recovery-rate arithmetic, shares, per tenant and per unit of production."""

from __future__ import annotations

import pandas as pd
import pytest

from greenpark.waste.indicators import recovery_rate, waste_indicators


def _records(rows):
    return pd.DataFrame(
        rows, columns=["date", "tenant_id", "waste_code", "description", "category", "quantity_t", "route"]
    )


def test_recovery_rate_arithmetic():
    # recovery routes (waste/routes.csv): reuse, recycling, co_processing, composting, anaerobic_digestion
    # recovered = 10 (reuse) + 20 (recycling) + 5 (co_processing) + 15 (composting) + 0 (AD) = 50 t
    # total = 50 + 30 (landfill) + 20 (incineration) = 100 t -> recovery rate 0.50
    by_route = {
        "reuse": 10.0, "recycling": 20.0, "co_processing": 5.0, "composting": 15.0,
        "landfill": 30.0, "incineration": 20.0,
    }  # fmt: skip
    assert recovery_rate(by_route) == pytest.approx(0.50)
    assert recovery_rate({}) is None


def test_indicators_of_a_tiny_park():
    w = _records(
        [
            ("2024-01-10", "T1", "07 03 12", "Metal scrap", "industrial", 6.0, "recycling"),
            ("2024-01-20", "T1", "SH01", "Domestic", "domestic", 2.0, "landfill"),
            ("2024-02-10", "T1", "17 02 03", "Used oil", "hazardous", 0.5, "recycling"),
            ("2024-02-15", "T2", "16 01 06", "Lamps", "industrial", 0.1, "landfill"),  # hazardous by its code
            ("2024-02-20", "T2", "TP01", "Food", "industrial", 1.4, "composting"),
            ("2023-12-20", "T2", "TP01", "Food", "industrial", 99.0, "composting"),  # other year
        ]
    )
    prod = pd.DataFrame(
        [("T1", "2024-01", 100.0, "t"), ("T1", "2024-02", 100.0, "t"), ("T2", "2023-12", 5.0, "t")],
        columns=["tenant_id", "period", "quantity", "unit"],
    )
    ind = waste_indicators(w, 2024, prod)
    # total 6 + 2 + 0.5 + 0.1 + 1.4 = 10.0 t; recovered 6 + 0.5 + 1.4 = 7.9 -> 0.79
    # landfill 2 + 0.1 = 2.1 -> 0.21; hazardous 0.5 + 0.1 (16 01 06 is on the hazardous list) = 0.6 -> 0.06
    assert ind.total_t == pytest.approx(10.0)
    assert ind.recovery_rate == pytest.approx(0.79)
    assert ind.landfill_share == pytest.approx(0.21)
    assert ind.hazardous_t == pytest.approx(0.6)
    assert ind.by_route == pytest.approx({"recycling": 6.5, "landfill": 2.1, "composting": 1.4})
    t1 = next(t for t in ind.by_tenant if t.tenant_id == "T1")
    # T1: 8.5 t over 200 t of product = 0.0425 t/t; recovery 6.5 / 8.5
    assert t1.intensity_t_per_unit == pytest.approx(0.0425)
    assert t1.recovery_rate == pytest.approx(6.5 / 8.5)
    t2 = next(t for t in ind.by_tenant if t.tenant_id == "T2")
    assert t2.production is None  # no 2024 production recorded
    assert [m.month for m in ind.by_month] == ["2024-01", "2024-02"]
    assert ind.by_month[0].total_t == pytest.approx(8.0) and ind.by_month[0].recovery_rate == pytest.approx(0.75)
    assert ind.top_streams[0].waste_code == "07 03 12" and ind.top_streams[0].share == pytest.approx(0.6)
