"""Refrigerant leaks: kg x GWP; blends by mass fraction; HCFC-22 as a memo."""

import pandas as pd
import pytest

from greenpark.errors import InputError
from greenpark.ghg.refrigerants import UnknownRefrigerantError, refrigerant_emissions, refrigerant_gwp


def test_blend_gwp_from_components():
    # R-410A = 50 % R-32 + 50 % R-125 (ASHRAE 34); AR5: 0.5 x 677 + 0.5 x 3170 = 1923.5 (AR5 Table 8.A.1)
    assert refrigerant_gwp("R-410A").kg_co2e_per_kg == pytest.approx(1923.5)
    # R-404A = 44 % R-125 + 52 % R-143a + 4 % R-134a; AR4: 0.44 x 3500 + 0.52 x 4470 + 0.04 x 1430 = 3921.6
    assert refrigerant_gwp("R404A", "AR4").kg_co2e_per_kg == pytest.approx(3921.6)
    # R-407C = 23 % R-32 + 25 % R-125 + 52 % R-134a; AR6: 0.23 x 771 + 0.25 x 3740 + 0.52 x 1530 = 1907.93
    assert refrigerant_gwp("r-407c", "AR6").kg_co2e_per_kg == pytest.approx(1907.93)
    assert refrigerant_gwp("HFC-134a").gas == "R-134a"


def test_leak_hand_calculation():
    df = pd.DataFrame(
        {
            "tenant_id": ["A", "A"],
            "period": ["2024-03", "2024-03"],
            "gas": ["R-410A", "R-22"],
            "charge_kg": [20.0, 10.0],
            "leaked_kg": [2.0, 1.0],
        }
    )
    out, _ = refrigerant_emissions(df)
    # 2 kg R-410A x 1923.5 = 3847 kg = 3.847 t (Scope 1); 1 kg R-22 x 1760 (AR5) = 1.76 t, Montreal gas (memo)
    assert out.loc[0, "tco2e"] == pytest.approx(3.847)
    assert out.loc[1, "tco2e"] == pytest.approx(1.76)
    assert list(out["kyoto"]) == [True, False]


def test_bad_refrigerant_inputs():
    with pytest.raises(UnknownRefrigerantError, match="unknown refrigerant 'R-999'; known: R-125"):
        refrigerant_gwp("R-999")
    df = pd.DataFrame({"tenant_id": ["A"], "period": ["2024-01"], "gas": ["R-32"], "leaked_kg": [-1.0]})
    with pytest.raises(InputError, match="negative or missing leaked_kg"):
        refrigerant_emissions(df)
