"""Verified savings of one tenant (IPMVP Option C on production) with hand-made months."""

from __future__ import annotations

import pandas as pd
import pytest

from greenpark.energy.verification import verify_savings

# baseline 2023: kwh = 1000 + 2 x production, +-5 kWh alternating (a hand-made, nearly exact model)
PROD = [100, 120, 140, 160, 180, 200, 220, 240, 260, 280, 300, 320]
NOISE = [5, -5] * 6


def months(reporting_cut_kwh: float) -> pd.DataFrame:
    base = [(f"2023-{m:02d}", 1000 + 2 * p + e, p) for m, p, e in zip(range(1, 13), PROD, NOISE, strict=True)]
    report = [(f"2024-{m:02d}", 1000 + 2 * p - reporting_cut_kwh, p) for m, p in zip(range(1, 13), PROD, strict=True)]
    return pd.DataFrame(base + report, columns=["month", "kwh", "production"])


def test_savings_against_last_year_are_verified() -> None:
    r = verify_savings("T1", months(100.0), 2023, 2024)
    assert r.baseline is not None and r.baseline.accepted and r.baseline.refused_by is None
    assert r.baseline.r2 > 0.99  # 2 kWh per unit of production explains almost everything
    # 2024 uses 100 kWh a month less than the model predicts: 12 x 100 = 1,200 kWh avoided (the alternating
    # +-5 kWh noise averages out, so the fitted line is the hand line)
    assert r.savings is not None and r.savings.avoided_kwh == pytest.approx(1200.0, abs=1e-6)
    assert r.verified and r.refused_by is None
    assert [m.period for m in r.months] == ["baseline"] * 12 + ["reporting"] * 12
    assert r.months[-1].cusum_kwh == pytest.approx(-1200.0, abs=1e-6)  # CUSUM falls by 100 a month


def test_savings_too_small_for_their_uncertainty_are_not_verified() -> None:
    r = verify_savings("T1", months(0.5), 2023, 2024)  # 6 kWh avoided against a model that misses by ~5 a month
    assert r.savings is not None and not r.verified and r.refused_by == "fsu_max"


def test_a_year_without_enough_months_refuses_the_baseline() -> None:
    r = verify_savings("T1", months(100.0).iloc[6:], 2023, 2024)  # only July-December 2023
    assert r.refused_by == "min_points" and r.baseline is not None and r.baseline.n == 6
    assert r.savings is None and not r.verified
