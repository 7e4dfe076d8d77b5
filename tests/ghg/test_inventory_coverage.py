"""The inventory with the readings' coverage: measured figures, labelled full-year estimates, Decree 06 status.

Grid factor 2023 = 0.6592 tCO2/MWh (DCC 2023, ghg/grid_factors.csv); electricity 0.1543 TOE/MWh (MOIT
3505/BCT-KHCN); thresholds 3,000 tCO2e and 1,000 TOE (Decree 06 Art.5(1)); the full-year rule
(coverage/full_year.csv): complete >= 0.9, estimate from 0.25, estimate = measured / coverage.
"""

import pandas as pd
import pytest
from ghgkit import ZONE, consumption_rows

from greenpark.ghg import inventory

DIESEL_1000L = 2.757835  # t CO2e, AR5 (see test_combustion)
LPG_1T = 2.987208
T1_FUEL_TOE = 0.879954 + 1.09  # diesel 1,000 l + LPG 1 t (MOIT 3505)


def coverage_frame(rows):
    """(tenant_id, valid, expected) -> Store.coverage(by="tenant", grain="year") for 2023."""
    start = pd.Timestamp("2023-01-01", tz=ZONE)
    return pd.DataFrame(
        [
            {
                "tenant_id": t,
                "kind": "electricity_import",
                "period_start": start,
                "expected_intervals": e,
                "valid_intervals": v,
                "coverage": v / e,
                "longest_gap_h": 24.0 * (e - v) / 96,
            }
            for t, v, e in rows
        ]
    )


def test_a_half_year_tenant_gets_an_estimate_and_insufficient_data(tiny_park):
    # T1: readings for half of 2023 (17,520 of 35,040 quarter-hours), 1,000,000 kWh measured
    c = consumption_rows([("T1", "electricity_import", "2023-01", 1_000_000.0)])
    cov = coverage_frame([("T1", 17_520, 35_040), ("T2", 35_040, 35_040)])
    r = inventory(tiny_park, c, 2023, coverage=cov)
    t1, t2 = r.tenants
    assert t1.coverage == 0.5 and t1.coverage_status == "partial"
    # measured as before: 1,000 MWh x 0.6592 = 659.2 t Scope 2, plus the fuel records
    assert t1.scope2_location_tco2e == pytest.approx(659.2)
    assert t1.total_tco2e == pytest.approx(DIESEL_1000L + LPG_1T + 659.2, rel=1e-6)
    # estimate beside it: Scope 2 / 0.5 = 1,318.4 t; fuels as recorded; 2,000,000 kWh; TOE 1.969954 + 308.6
    assert t1.full_year_estimate_tco2e == pytest.approx(DIESEL_1000L + LPG_1T + 1318.4, rel=1e-6)
    assert t1.full_year_estimate_kwh == pytest.approx(2_000_000.0)
    assert t1.full_year_estimate_toe == pytest.approx(T1_FUEL_TOE + 308.6, rel=1e-6)
    assert "full-year ESTIMATE 2,000,000.0 kWh" in t1.estimate_label
    # below the thresholds even as an estimate, but half a year cannot show "below": insufficient_data, null
    assert t1.decree06_status == "insufficient_data" and t1.decree06_inventory_required is None
    # T2 is complete at coverage 1: no estimate beside it, and its complete year is below both thresholds
    assert t2.coverage == 1.0 and t2.full_year_estimate_tco2e is None
    assert t2.decree06_status == "not_required" and t2.decree06_inventory_required is False
    d = r.model_dump(mode="json")
    assert d["tenants"][0]["decree06_inventory_required"] is None
    assert d["tenants"][0]["decree06_status"] == "insufficient_data"


def test_a_measured_part_above_3000_t_is_required_whatever_the_coverage(tiny_park):
    # T1: one week of readings (672 of 35,040 quarter-hours, 1.9 %) with 4,600 MWh: 4,600 x 0.6592 = 3,032.32 t
    c = consumption_rows([("T1", "electricity_import", "2023-03", 4_600_000.0)])
    cov = coverage_frame([("T1", 672, 35_040), ("T2", 35_040, 35_040)])
    r = inventory(tiny_park, c, 2023, coverage=cov)
    t1 = r.tenants[0]
    assert t1.coverage_status == "insufficient" and t1.full_year_estimate_tco2e is None
    assert t1.scope1_tco2e + t1.scope2_location_tco2e == pytest.approx(DIESEL_1000L + LPG_1T + 3032.32, rel=1e-6)
    assert t1.decree06_status == "required" and t1.decree06_inventory_required is True
    # the park: no estimate while a part has none, said in the notes
    assert r.full_year_estimate_tco2e is None
    assert any("no full-year estimate for the park" in n for n in r.notes)


def test_an_estimate_that_could_cross_is_never_not_required(tiny_park):
    # T1 complete (coverage 0.92) with 4,500 MWh measured: 4,500 x 0.6592 = 2,966.4 t + fuels 5.745 = 2,972.2 t
    # below 3,000; estimate 2,966.4 / 0.92 = 3,224.3 t + 5.745 >= 3,000 -> insufficient_data
    c = consumption_rows([("T1", "electricity_import", "2023-03", 4_500_000.0)])
    cov = coverage_frame([("T1", 32_237, 35_040), ("T2", 35_040, 35_040)])  # 32,237 / 35,040 = 0.92
    r = inventory(tiny_park, c, 2023, coverage=cov)
    t1 = r.tenants[0]
    assert t1.coverage_status == "complete"
    assert t1.full_year_estimate_tco2e == pytest.approx(DIESEL_1000L + LPG_1T + 2966.4 * 35_040 / 32_237, rel=1e-6)
    assert t1.decree06_status == "insufficient_data" and "could cross" in t1.decree06_reason


def test_park_coverage_and_estimate_are_its_parts(tiny_park):
    # T1 half a year 1,000 MWh; T2 complete, 0 kWh; the park common complete with 100 MWh
    c = consumption_rows(
        [("T1", "electricity_import", "2023-01", 1_000_000.0), (None, "electricity_import", "2023-01", 100_000.0)]
    )
    cov = coverage_frame([("T1", 17_520, 35_040), ("T2", 35_040, 35_040), (None, 35_040, 35_040)])
    r = inventory(tiny_park, c, 2023, coverage=cov)
    # park coverage: (17,520 + 35,040 + 35,040) / (3 x 35,040) = 87,600 / 105,120 = 0.8333
    assert r.coverage == pytest.approx(87_600 / 105_120) and r.coverage_status == "partial"
    # park kWh estimate: T1 2,000,000 + T2 0 + common 100,000 (complete, as measured) = 2,100,000
    assert r.full_year_estimate_kwh == pytest.approx(2_100_000.0)
    assert r.full_year_estimate_tco2e == pytest.approx(r.total_tco2e + 659.2, rel=1e-6)


def test_without_coverage_nothing_is_taken_as_complete(tiny_park):
    c = consumption_rows([("T1", "electricity_import", "2023-01", 100_000.0)])
    r = inventory(tiny_park, c, 2023)
    t1 = r.tenants[0]
    assert t1.coverage is None and t1.coverage_status == "insufficient" and t1.full_year_estimate_tco2e is None
    assert t1.decree06_status == "insufficient_data" and t1.decree06_inventory_required is None
    assert r.coverage is None and any(n.startswith("coverage not given") for n in r.notes)


def test_listed_tenant_is_required_by_the_list(tiny_park):
    tiny_park.tenants[0] = tiny_park.tenants[0].model_copy(update={"decree06_listed": True})
    cov = coverage_frame([("T1", 35_040, 35_040), ("T2", 35_040, 35_040)])
    r = inventory(tiny_park, consumption_rows([]), 2023, coverage=cov)
    t1 = r.tenants[0]
    assert t1.decree06_listed is True and t1.decree06_status == "required" and t1.decree06_screen == "not_required"
    assert t1.decree06_basis == "listed in Decision 01/2022/QD-TTg"  # the list in force on 31 Dec 2023


def test_a_year_without_any_activity_is_a_no_data_error(tiny_park):
    from greenpark.errors import NoDataError

    with pytest.raises(NoDataError, match="no activity data for 2024 in park 'tiny'.*choose another --year"):
        inventory(tiny_park, consumption_rows([]), 2024)  # the tiny park's records are all 2022-2023
