"""The side-by-side view over hand-made assessments: each figure worked out by hand below."""

from __future__ import annotations

import pytest

from greenpark.portfolio import METRICS, ParkOutcome, park_row, side_by_side
from greenpark.portfolio.side_by_side import Metric, outliers, quartiles, rank


def assessment(
    park_id: str,
    total: float,
    area_ha: float,
    employees: int,
    grid_kwh: float,
    pv_kwh: float = 0.0,
    coverage: float = 1.0,
    recovery: float | None = 0.5,
    waste_t: float = 100.0,
    wwtps: list[dict] | None = None,
    decree06: tuple[str, ...] = (),
) -> dict:
    """The parts of an assessment JSON the portfolio reads (as Assessment.to_json writes them)."""
    a = {
        "meta": {"park_id": park_id, "year": 2024},
        "park": {"name": park_id.upper(), "area_ha": area_ha, "tenants": 3, "employees": employees},
        "stages": {"inventory": {"status": "ok", "note": "", "seconds": 1.0}},
        "inventory": {
            "total_tco2e": total,
            "scope1_tco2e": total / 4,
            "scope2_location_tco2e": total / 2,
            "scope3_tco2e": total / 4,
            "total_market_tco2e": total,
            "coverage": coverage,
            "coverage_status": "complete" if coverage >= 0.9 else "partial",
            "full_year_estimate_tco2e": total / coverage,
            "grid_import_kwh": grid_kwh,
            "pv_self_consumed_kwh": pv_kwh,
            "renewable_share": pv_kwh / (grid_kwh + pv_kwh),
            "tenants": [
                {"tenant_id": t, "name": t, "total_tco2e": 4000.0, "decree06_inventory_required": t in decree06}
                for t in ("T1", "T2", "T3")
            ],
        },
        "waste": {"total_t": waste_t, "recovery_rate": recovery},
    }
    if wwtps is not None:
        a["water"] = {"wwtps": wwtps}
    return a


def test_a_parks_row_takes_its_own_figures_and_divides_them():
    a = assessment(
        "p1",
        total=6000.0,
        area_ha=200.0,
        employees=3000,
        grid_kwh=9_000_000.0,
        pv_kwh=1_000_000.0,
        coverage=0.75,
        wwtps=[
            {
                "compliance_rate": 0.99,
                "exceedances": [{}, {}],
                "kwh_per_m3": 0.5,
                "performance": {"volume_m3": 100_000},
            },
            {"compliance_rate": 0.97, "exceedances": [{}], "kwh_per_m3": 0.8, "performance": {"volume_m3": 50_000}},
        ],
        decree06=("T2",),
    )
    row = park_row(a)
    assert row["total_tco2e"] == 6000.0 and row["coverage"] == 0.75
    # full-year estimate 6000 / 0.75 = 8000 tCO2e; per ha 8000 / 200 = 40; per employee 8000 / 3000 = 2.667
    assert row["full_year_estimate_tco2e"] == 8000.0
    assert row["tco2e_per_ha"] == pytest.approx(40.0)
    assert row["tco2e_per_employee"] == pytest.approx(8000 / 3000)
    # consumed = 9 GWh grid + 1 GWh PV = 10 GWh; measured 6000 / 10 = 600 tCO2e/GWh; renewable 1/10
    assert row["electricity_kwh"] == 10_000_000.0
    assert row["tco2e_per_gwh"] == pytest.approx(600.0)
    assert row["renewable_share"] == pytest.approx(0.1)
    # WWTPs: volume-weighted (0.5 x 100,000 + 0.8 x 50,000) / 150,000 = 90,000 / 150,000 = 0.6 kWh/m3;
    # compliance: the lower 0.97; events 2 + 1 = 3; treated 150,000 m3
    assert row["wwtp_kwh_per_m3"] == pytest.approx(0.6)
    assert row["wwtp_compliance_rate"] == 0.97 and row["exceedance_events"] == 3 and row["wastewater_m3"] == 150_000
    assert row["decree06_tenants"] == ["T2"]
    assert row["stages_not_ok"] == {}


def test_a_park_without_a_wwtp_or_a_figure_has_none_and_is_not_ranked():
    rows = [
        park_row(assessment("a", 1000.0, 100.0, 100, 1e6)),
        park_row(assessment("b", 3000.0, 100.0, 100, 1e6, recovery=None)),
    ]
    assert rows[0]["wwtp_kwh_per_m3"] is None and rows[0]["exceedance_events"] is None
    recovery = Metric("waste_recovery_rate", "fraction", "higher")
    assert [x["park_id"] for x in rank(rows, recovery)] == ["a"]


def test_ranks_best_first_with_ties_and_quartiles():
    rows = [{"park_id": p, "x": v} for p, v in [("a", 5.0), ("b", 1.0), ("c", 3.0), ("d", 3.0), ("e", 9.0)]]
    lower = rank(rows, Metric("x", "u", "lower"))
    # 1.0 (b) rank 1; 3.0 (c, d) share rank 2; 5.0 (a) rank 4; 9.0 (e) rank 5; quartile = ceil(4 x rank / 5)
    assert [(x["park_id"], x["rank"], x["quartile"]) for x in lower] == [
        ("b", 1, 1),
        ("c", 2, 2),
        ("d", 2, 2),
        ("a", 4, 4),
        ("e", 5, 4),
    ]
    higher = rank(rows, Metric("x", "u", "higher"))
    assert [x["park_id"] for x in higher] == ["e", "a", "c", "d", "b"]


def test_quartiles_and_tukey_outliers():
    # values 1, 2, 3, 4, 100: Q1 = 2, median 3, Q3 = 4 (linear interpolation); IQR 2; fences 2 - 3 = -1, 4 + 3 = 7
    assert quartiles([1.0, 2.0, 3.0, 4.0, 100.0]) == {"q1": 2.0, "median": 3.0, "q3": 4.0, "iqr": 2.0}
    rows = [{"park_id": f"p{v}", "tco2e_per_ha": float(v)} for v in (1, 2, 3, 4, 100)]
    found = outliers(rows, (Metric("tco2e_per_ha", "tCO2e/ha", "lower"),))
    assert found == [{"park_id": "p100", "metric": "tco2e_per_ha", "value": 100.0, "fence": 7.0, "side": "high"}]
    # three parks are fewer than min_parks (4, portfolio/outliers.csv): no outlier named
    assert outliers(rows[2:], (Metric("tco2e_per_ha", "tCO2e/ha", "lower"),)) == []


def test_the_view_totals_ratios_of_sums_and_lists_failed_parks_and_decree06_tenants():
    outcomes = [
        ParkOutcome("/parks/a", "ok", assessment=assessment("a", 1000.0, 100.0, 500, 2e6, recovery=0.5, waste_t=100)),
        ParkOutcome("/parks/x", "failed", reason="park.toml: latitude 'north' is not a number"),
        ParkOutcome(
            "/parks/b",
            "ok",
            assessment=assessment(
                "b", 3000.0, 300.0, 1500, 7e6, pv_kwh=1e6, recovery=0.8, waste_t=300, decree06=("T1",)
            ),
        ),
    ]
    view = side_by_side(outcomes)
    assert [r["park_id"] for r in view["parks"]] == ["a", "b"]
    assert view["failed"] == [{"park": "/parks/x", "reason": "park.toml: latitude 'north' is not a number"}]
    t = view["totals"]
    # 1000 + 3000 = 4000 tCO2e over 100 + 300 = 400 ha: 10 tCO2e/ha (not the mean of 10 and 10 by chance: also
    # per employee 4000 / 2000 = 2); per GWh 4000 / (2 + 8) GWh = 400
    assert t["total_tco2e"] == 4000.0 and t["area_ha"] == 400.0 and t["employees"] == 2000.0
    assert t["tco2e_per_ha"] == pytest.approx(10.0) and t["tco2e_per_employee"] == pytest.approx(2.0)
    assert t["tco2e_per_gwh"] == pytest.approx(400.0)
    # renewable: (0 x 2 GWh + 1/8 x 8 GWh) / 10 GWh = 0.1; recovery (0.5 x 100 + 0.8 x 300) / 400 = 290 / 400
    assert t["renewable_share"] == pytest.approx(0.1)
    assert t["waste_recovery_rate"] == pytest.approx(290 / 400)
    assert view["decree06_tenants"] == [
        {"park_id": "b", "tenant_id": "T1", "name": "T1", "total_tco2e": 4000.0, "status": None, "basis": None}
    ]
    assert t["decree06_tenants"] == 1
    assert [m["key"] for m in view["metrics"]] == [m.key for m in METRICS]
    # per GWh: a 1000 / 2 = 500, b 3000 / 8 = 375: b ranks first
    assert [(x["park_id"], x["rank"]) for x in view["rankings"]["tco2e_per_gwh"]] == [("b", 1), ("a", 2)]
    assert view["outlier_rule"] == {"k": 1.5, "min_parks": 4}
