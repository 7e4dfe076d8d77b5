"""assess_waste on a tiny park built in code: totals, GHG by route, manifests, symbiosis incl. WWTP sludge."""

from __future__ import annotations

import pandas as pd
import pytest

from greenpark.model import Park, ParkData
from greenpark.waste.assessment import assess_waste
from greenpark.waste.symbiosis import source_rows


def _park() -> ParkData:
    park = Park(park_id="tiny", name="Tiny park", latitude=10.9, longitude=106.9, area_ha=10)
    waste = pd.DataFrame(
        [
            ("2024-01-10", "T1", "07 03 12", "Metal scrap", "industrial", 12.0, "recycling", "Scrap Co", "", ""),
            ("2024-01-12", "T1", "17 02 03", "Used oil", "hazardous", 0.2, "recycling", "", "", "HW-1"),
            ("2024-02-10", "T2", "18 01 06", "Plastic", "industrial", 2.0, "incineration", "Burn Co", "", ""),
        ],
        columns=["date", "tenant_id", "waste_code", "description", "category", "quantity_t", "route", "receiver",
                 "transporter", "manifest_id"],
    )  # fmt: skip
    sym = pd.DataFrame(
        [("T3", "take", "wwtp sludge", 20.0, "", 0.0)],
        columns=["tenant_id", "direction", "material", "quantity_t_per_month", "quality", "price_vnd_per_t"],
    )
    sludge = pd.DataFrame(
        [("2024-01-31", "WWTP1", "12 06 06", 30.0, "landfill"), ("2024-02-29", "WWTP1", "12 06 06", 30.0, "landfill")],
        columns=["date", "wwtp_id", "waste_code", "quantity_t", "route"],
    )
    return ParkData(park=park, tables={"waste": waste, "symbiosis": sym, "sludge": sludge})


def test_tiny_park():
    r = assess_waste(_park(), 2024, "AR5")
    # total 12 + 0.2 + 2 = 14.2 t; recovered (recycling) 12.2 -> 0.8592
    assert r.total_t == pytest.approx(14.2)
    assert r.recovery_rate == pytest.approx(12.2 / 14.2)
    assert r.hazardous_t == pytest.approx(0.2)
    # incineration of 2 t plastics: 2 x 0.75 x 44/12 = 5.5 t CO2 + 0.2 kg N2O x 265 + 0.4 g CH4 x 28 = 5.55301
    assert r.tco2e["incineration"] == pytest.approx(5.55301, abs=1e-5)
    assert r.tco2e_total == pytest.approx(5.55301, abs=1e-5)
    # avoided (memo): 12 t metal x 1.8 + 0.2 t used oil x 0.6 = 21.72 tCO2e
    assert r.avoided_tco2e == pytest.approx(21.72)
    assert "manifest.no_receiver" in {f.code for f in r.manifest_issues}
    # the WWTP's landfilled sludge (30 t/month) is offered; T3 takes 20 t/month (co-processing):
    # benefit = 0 (virgin value) + 700,000 (landfill fee avoided) - 80,000 (transport) - 100,000 (dewatering)
    #         = 520,000 VND/t x 240 t/yr - set-up 30 M VND once over 5 years at 8 %
    #           (CRF 0.08 / (1 - 1.08^-5) = 0.2504565 -> 7,513,694 VND/yr) = 117,286,306 VND/yr
    (m,) = r.symbiosis_matches
    assert (m.giver, m.taker, m.material) == ("WWTP1", "T3", "wwtp sludge")
    assert m.quantity_t_per_year == pytest.approx(240.0)
    assert m.net_benefit_vnd == pytest.approx(117_286_306, abs=1)
    # sludge landfilled in 2024 emits from 2025; with 10 years back-filled at 60 t/yr (k 0.40, DOC 0.05):
    # 60 x (1 - e^-4.0) = 60 x 0.981684 = 58.901 t x 0.05 x 0.5 x 1 x 0.5 x 16/12 = 0.98168 t CH4 x 28 = 27.487
    assert r.park_own_tco2e == pytest.approx(27.487, abs=1e-3)


def test_extra_source_and_json_names():
    extra = source_rows("T9", "surplus heat", 100.0)
    r = assess_waste(_park(), 2024, extra_sources=extra)
    d = r.model_dump(mode="json")
    for key in ("total_t", "hazardous_t", "recovery_rate", "by_route", "tco2e", "manifest_issues",
                "symbiosis_matches"):  # fmt: skip
        assert key in d
    # T3 take; gives from records: T1 metal scrap, T2 plastic scrap; WWTP1 sludge; T9 heat
    assert r.symbiosis.offers == 5
