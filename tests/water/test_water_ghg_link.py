"""GHG activity of a WWTP: flow-weighted concentrations, loads and the effluent COD (hand calculations)."""

from __future__ import annotations

import pandas as pd
import pytest
from waterkit import ZONE, analyser, lab, local

from greenpark.water.compliance import MonitoringRules
from greenpark.water.ghg_link import flow_weighted_means, ghg_activity


@pytest.fixture
def two_days():
    # at the shared tiny park's WWTP, wwtp1 (tests/testkit.py)
    # day 1 (2025-03-10): outlet flow 1,000 m3/day, inlet COD 400 mg/l, outlet COD 40
    # day 2 (2025-03-11): outlet flow 3,000 m3/day, inlet COD 800 mg/l, outlet COD 60
    # (flow jitters +-10 around the value: a live analyser; the daily mean is the value)
    return pd.concat(
        [
            analyser("flow", "2025-03-10 00:00", [990.0, 1010.0] * 144, wwtp_id="wwtp1"),
            analyser("flow", "2025-03-11 00:00", [2990.0, 3010.0] * 144, wwtp_id="wwtp1"),
            lab(
                [
                    ("2025-03-10 09:00", "inlet", "cod", 400, False),
                    ("2025-03-11 09:00", "inlet", "cod", 800, False),
                    ("2025-03-10 09:00", "outlet", "cod", 40, False),
                    ("2025-03-11 09:00", "outlet", "cod", 60, False),
                ],
                wwtp_id="wwtp1",
            ),
        ],
        ignore_index=True,
    )


def test_flow_weighted_means_by_day(two_days):
    w = flow_weighted_means(
        two_days, "wwtp1", local("2025-01-01"), local("2026-01-01"), ZONE, MonitoringRules.from_reference()
    )
    # inlet: (400 x 1000 + 800 x 3000) / 4000 = 2,800,000 / 4000 = 700 mg/l (the plain mean would be 600)
    assert w["inlet"]["cod"] == pytest.approx(700.0)
    # outlet: (40 x 1000 + 60 x 3000) / 4000 = 220,000 / 4000 = 55 mg/l (plain mean 50)
    assert w["outlet"]["cod"] == pytest.approx(55.0)


def test_activity_uses_flow_weighted_loads(tiny_park, two_days):
    tiny_park.tables["wastewater"] = two_days
    (act,) = ghg_activity(tiny_park, 2025)
    # volume = mean outlet flow 2,000 m3/day x 365 days = 730,000 m3
    assert act.volume_m3 == pytest.approx(730_000)
    # TOW = 700 g/m3 x 730,000 m3 / 1000 = 511,000 kg COD; effluent COD = 55 x 730,000 / 1000 = 40,150 kg
    assert act.tow_kg_cod == pytest.approx(511_000)
    assert act.effluent_cod_kg == pytest.approx(40_150)
    assert act.concentration_basis == "flow-weighted"
    assert act.to_ghg().effluent_cod_kg == pytest.approx(40_150)
