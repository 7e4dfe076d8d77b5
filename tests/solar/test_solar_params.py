"""Solar reference data: every default is a sourced row; the loss derate by hand."""

from __future__ import annotations

import pytest
from pvlib.pvsystem import pvwatts_losses

from greenpark.reference import load_table
from greenpark.solar.params import cost_params, pv_system_params


@pytest.mark.parametrize(
    "table",
    ["solar/pv_system", "solar/costs", "solar/climate_monthly", "solar/climate_sites", "tariffs/vat",
     "tariffs/rooftop_surplus", "tariffs/regions"],
)  # fmt: skip
def test_every_row_has_source_and_confidence(table):
    df = load_table(table)
    assert df["source"].str.len().min() > 5
    assert set(df["confidence"]) <= {"V", "S", "D", "R"}


def test_defaults_carry_their_rows():
    p, c = pv_system_params(), cost_params()
    assert len(p.factors) == 18 and len(c.factors) == 13
    assert {f.keys["parameter"] for f in c.factors} >= {"pv_capex", "battery_capex_energy", "discount_rate"}


def test_loss_derate_by_hand():
    # PVWatts combines losses multiplicatively: 1 - prod(1 - l_i/100), soiling 5, shading 1, mismatch 2,
    # wiring 2, connections 0.5, LID 1.5, nameplate 1, availability 1 (solar/pv_system.csv):
    # 0.95 x 0.99 x 0.98 x 0.98 x 0.995 x 0.985 x 0.99 x 0.99 = 0.86764 -> 13.236 % loss
    p = pv_system_params()
    assert pvwatts_losses(**p.losses_kwargs()) == pytest.approx(13.236, abs=1e-3)
