"""The application layer on the shared tiny park in a real store: what it hands each engine, and the default year."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from greenpark.assess import assess
from greenpark.errors import NoDataError
from greenpark.runs import default_year, inventory_for, park_year
from greenpark.store import open_store
from greenpark.store.base import Store
from testkit import tiny_park


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    s.save_park(tiny_park())
    try:
        yield s
    finally:
        s.close()


def readings(meter: str, stamps: list[str], value: float) -> pd.DataFrame:
    return pd.DataFrame({"meter_id": meter, "ts": pd.to_datetime(stamps, utc=True), "value": value})


def test_the_inventory_gets_the_waste_engines_scope3(store: Store) -> None:
    # the tiny park's one waste record: t1, 0.5 t of code 11 01 00 (industrial_other) incinerated on 2024-01-05.
    # IPCC 2006 GL Vol.5 Ch.5 Eq.5.1 with reference/data/waste rows: dm 0.8, CF 0.5, FCF 0.9 (Table 5.2), OF 1.0
    #   fossil CO2 = 0.5 x 0.8 x 0.5 x 0.9 x 1.0 x 44/12 = 0.66 t
    #   N2O = 0.5 t x 0.1 kg/t (Table 5.6, industrial) = 0.05 kg -> x 265 (AR5) = 0.01325 t CO2e
    #   CH4 = 0.5 t x 0.0002 kg/t (Table 5.3) = 0.0001 kg -> x 28 (AR5) = 0.0000028 t CO2e
    #   Scope 3 cat. 5 of t1 = 0.66 + 0.01325 + 0.0000028 = 0.6732528 t CO2e
    store.write_readings("tiny", readings("e1", ["2024-01-10T03:00Z"], 100.0))
    py, _ = park_year(store.load_park("tiny"), store, 2024)
    r = inventory_for(py)
    t1 = next(t for t in r.tenants if t.tenant_id == "t1")
    assert t1.scope3_tco2e == pytest.approx(0.6732528, rel=1e-6)
    assert r.scope3_tco2e == pytest.approx(0.6732528, rel=1e-6)
    assert {"waste.industrial_other.dm", "waste.industrial_other.cf"} <= {f.name for f in r.factors}


def monthly_stamps(year: int, months: range) -> list[str]:
    """One reading on the 15th of each month at 03:00 UTC (10:00 in the park's zone, Asia/Ho_Chi_Minh, UTC+7)."""
    return [f"{year}-{m:02d}-15T03:00Z" for m in months]


def test_the_default_year_is_the_latest_with_all_12_months(store: Store) -> None:
    # 2023: January to December; 2024: January to March -> 2023, although 2024 is later
    store.write_readings(
        "tiny", readings("e1", monthly_stamps(2023, range(1, 13)) + monthly_stamps(2024, range(1, 4)), 1.0)
    )
    data = store.load_park("tiny")
    choice = default_year(data, store)
    assert (choice.year, choice.reason) == (2023, "the latest year with readings in all 12 months")
    py, same = park_year(data, store)
    assert py.year == 2023 and same == choice


def test_without_a_full_year_the_default_is_the_latest_year_with_readings(store: Store) -> None:
    # 2023: January to November, and a December reading at 2023-12-31 17:30 UTC, which is 2024-01-01 00:30 in the
    # park's zone: 2023 has 11 local months, 2024 one -> the latest year, 2024
    stamps = [*monthly_stamps(2023, range(1, 12)), "2023-12-31T17:30Z"]
    store.write_readings("tiny", readings("e1", stamps, 1.0))
    choice = default_year(store.load_park("tiny"), store)
    assert (choice.year, choice.reason) == (2024, "the latest year with readings (no year has all 12 months)")


def test_no_readings_no_default_year(store: Store) -> None:
    with pytest.raises(NoDataError, match="park 'tiny' has no meter readings; add readings.csv"):
        default_year(store.load_park("tiny"), store)


def test_assess_asks_the_store_for_the_eip_effluent_years_before_it_closes_the_store(tmp_path: Path) -> None:
    # assess() closes the store after its load stage. The EIP effluent criteria run the water engine on the year
    # and the years before it (reference eip/parameters effluent_years), whose tables are asked in that stage:
    # asked later, the closed store fails ("Connection already closed"), found by the park property test.
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    s = open_store(url)
    s.save_park(tiny_park())  # a WWTP and no wastewater records: the water engine reads the meters of each year
    s.write_readings(
        "tiny", readings("ww1", monthly_stamps(2023, range(1, 13)) + monthly_stamps(2024, range(1, 13)), 5.0)
    )
    s.close()
    a = assess("tiny", 2024, store_url=url, workers=1)
    assert a.stages["eip"]["status"] == "ok", a.stages["eip"]
    assert a.results["eip"]["year"] == 2024
