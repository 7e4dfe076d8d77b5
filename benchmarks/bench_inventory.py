"""Benchmark: the year's inventory over 15-minute readings of 1,000 meters (35 million rows).

Compares, in the same run and on the same DuckDB store table:

(a) the inventory as greenpark computes it: ``store.consumption(..., grain="month", by="tenant")`` (aggregation
    pushed down into DuckDB) + ``greenpark.ghg.inventory``;
(b) a hand-written DuckDB query computing the same figures (Scope 2 location- and market-based per tenant and
    local month, PV self-consumption);
(c) the same computation with pandas: the rows pulled into Python, joined to the meters, cut into local months
    and summed with a groupby.

Prints the seconds of each (best and median of the repeats, (a) and (b) interleaved), the totals (which must
agree) and the ratios (a)/(b) (target <= 1.5) and (c)/(a) (target >= 10).

Run: ``.venv/bin/python benchmarks/bench_inventory.py [--meters 1000] [--days 365] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from greenpark.ghg import grid_factor, inventory
from greenpark.model import Meter, Park, ParkData, Tenant
from greenpark.store.duckdb import DuckDBStore

PARK_ID = "bench"
YEAR = 2024
ZONE = "Asia/Ho_Chi_Minh"


def build_park(n_meters: int) -> ParkData:
    """40 % tenant import meters, 30 % PV, 25 % export, 5 % park common."""
    n_tenants = int(n_meters * 0.40)
    n_pv, n_exp = int(n_meters * 0.30), int(n_meters * 0.25)
    n_common = n_meters - n_tenants - n_pv - n_exp
    tenants = [
        Tenant(
            tenant_id=f"T{i:04d}",
            name=f"Tenant {i}",
            sector="electronics",
            floor_area_m2=1000,
            employees=10,
            voltage_level="22-110kV",
        )
        for i in range(n_tenants)
    ]
    meters = [
        Meter(meter_id=f"EL-{t.tenant_id}", tenant_id=t.tenant_id, kind="electricity_import", unit="kWh")
        for t in tenants
    ]
    meters += [
        Meter(meter_id=f"PV-{tenants[i].tenant_id}", tenant_id=tenants[i].tenant_id, kind="pv_generation", unit="kWh")
        for i in range(n_pv)
    ]
    meters += [
        Meter(
            meter_id=f"EX-{tenants[i].tenant_id}", tenant_id=tenants[i].tenant_id, kind="electricity_export", unit="kWh"
        )
        for i in range(n_exp)
    ]
    meters += [Meter(meter_id=f"EL-COMMON-{i}", kind="electricity_import", unit="kWh") for i in range(n_common)]
    park = Park(park_id=PARK_ID, name="Benchmark park", latitude=10.8, longitude=106.9, area_ha=500, timezone=ZONE)
    return ParkData(park=park, tenants=tenants, meters=meters)


def fill_readings(store: DuckDBStore, days: int) -> int:
    """Generate the readings table inside DuckDB (15-minute intervals, deterministic values)."""
    n_steps = days * 96
    store.con.execute(
        f"""
        INSERT INTO readings
        SELECT '{PARK_ID}', m.meter_id,
               TIMESTAMPTZ '{YEAR}-01-01 00:00:00+07' + to_minutes(CAST(s.i * 15 AS BIGINT)),
               CASE WHEN m.kind = 'electricity_import' THEN 20 + (hash(m.meter_id, s.i) % 1000) / 50.0
                    WHEN m.kind = 'pv_generation' THEN (hash(m.meter_id, s.i) % 1000) / 100.0
                    ELSE (hash(m.meter_id, s.i) % 1000) / 400.0 END
        FROM (SELECT meter_id, kind FROM meters WHERE park_id = '{PARK_ID}') m, range({n_steps}) s(i)
        """
    )
    return int(store.con.execute("SELECT count(*) FROM readings").fetchone()[0])


def run_a(store: DuckDBStore, data: ParkData, start: dt.datetime, end: dt.datetime) -> tuple[float, float]:
    cons = store.consumption(PARK_ID, start, end, grain="month", by="tenant")
    r = inventory(data, cons, YEAR)
    return r.scope2_location_tco2e, r.pv_self_consumed_kwh


HAND_SQL = """
WITH monthly AS (
    SELECT m.tenant_id, date_trunc('month', r.ts AT TIME ZONE '{zone}') AS month,
           sum(r.value) FILTER (WHERE m.kind = 'electricity_import') AS import_kwh,
           coalesce(sum(r.value) FILTER (WHERE m.kind = 'pv_generation'), 0) AS pv_kwh,
           coalesce(sum(r.value) FILTER (WHERE m.kind = 'electricity_export'), 0) AS export_kwh
    FROM readings r JOIN meters m ON m.park_id = r.park_id AND m.meter_id = r.meter_id
    WHERE r.park_id = ? AND r.ts >= ? AND r.ts < ?
    GROUP BY ALL
)
SELECT tenant_id, month, import_kwh * ? / 1000 AS scope2_location_tco2e,
       greatest(pv_kwh - export_kwh, 0) AS pv_self_consumed_kwh
FROM monthly
"""


def run_b(store: DuckDBStore, start: dt.datetime, end: dt.datetime, ef: float) -> tuple[float, float]:
    df = store.con.execute(HAND_SQL.format(zone=ZONE), [PARK_ID, start, end, ef]).df()
    return float(df["scope2_location_tco2e"].sum()), float(df["pv_self_consumed_kwh"].sum())


def run_c(store: DuckDBStore, start: dt.datetime, end: dt.datetime, ef: float) -> tuple[float, float]:
    rows = store.con.execute(
        "SELECT meter_id, ts, value FROM readings WHERE park_id = ? AND ts >= ? AND ts < ?", [PARK_ID, start, end]
    ).df()
    meters = store.con.execute("SELECT meter_id, tenant_id, kind FROM meters WHERE park_id = ?", [PARK_ID]).df()
    df = rows.merge(meters, on="meter_id")
    df["month"] = df["ts"].dt.tz_convert(ZONE).dt.strftime("%Y-%m")
    df["tenant_id"] = df["tenant_id"].fillna("(park common)")
    g = df.groupby(["tenant_id", "month", "kind"])["value"].sum().unstack("kind", fill_value=0.0)
    loc = g["electricity_import"] * ef / 1000
    pv_self = (g.get("pv_generation", 0.0) - g.get("electricity_export", 0.0)).clip(lower=0)
    return float(loc.sum()), float(pv_self.sum())


def timed(fn, *args) -> tuple[float, float, tuple[float, float]]:
    """Wall seconds, CPU seconds of this process (all DuckDB threads included) and the result."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - t0, time.process_time() - c0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--meters", type=int, default=1000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pandas-repeat", type=int, default=1, help="repeats of (c), the slow path")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = DuckDBStore(Path(tmp) / "bench.duckdb")
        data = build_park(args.meters)
        store.save_park(data)
        t0 = time.perf_counter()
        n = fill_readings(store, args.days)
        print(
            f"readings: {n:,} rows ({args.meters} meters x {args.days} days x 96) built in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        zone = ZoneInfo(ZONE)
        start, end = dt.datetime(YEAR, 1, 1, tzinfo=zone), dt.datetime(YEAR + 1, 1, 1, tzinfo=zone)
        ef = grid_factor(YEAR).tco2_per_mwh
        run_a(store, data, start, end)  # warm-up: reference tables, DuckDB buffers
        times: dict[str, list[float]] = {"a": [], "b": [], "c": []}
        cpu: dict[str, list[float]] = {"a": [], "b": [], "c": []}
        results = {}
        for _ in range(args.repeat):
            for key, fn, fargs in (("a", run_a, (store, data, start, end)), ("b", run_b, (store, start, end, ef))):
                t, c, results[key] = timed(fn, *fargs)
                times[key].append(t)
                cpu[key].append(c)
        for _ in range(args.pandas_repeat):
            t, c, results["c"] = timed(run_c, store, start, end, ef)
            times["c"].append(t)
            cpu["c"].append(c)
        store.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    labels = {
        "a": "(a) store.consumption + ghg.inventory",
        "b": "(b) hand-written DuckDB query",
        "c": "(c) pandas groupby over pulled rows",
    }
    for k in "abc":
        loc, pv = results[k]
        print(
            f"{labels[k]:42s} wall best {best[k]:7.3f} s  median {med[k]:7.3f} s  cpu median {cpu_med[k]:7.3f} s  "
            f"(runs {', '.join(f'{x:.3f}' for x in times[k])})  "
            f"scope2_location={loc:,.3f} tCO2e  pv_self_consumed={pv:,.1f} kWh"
        )
    agree = all(abs(results[k][0] - results["b"][0]) <= 1e-6 * results["b"][0] for k in "ac")
    print(f"figures agree across (a), (b), (c): {agree}")
    # best-of-N wall time is the cost of the work itself (timeit's advice); CPU seconds are robust to other
    # processes sharing the cores; the median wall time shows the effect of machine load
    print(
        f"ratio (a)/(b) = {best['a'] / best['b']:.2f} best-of-{args.repeat}, "
        f"{med['a'] / med['b']:.2f} median wall, {cpu_med['a'] / cpu_med['b']:.2f} median CPU  (target <= 1.5)"
    )
    print(
        f"ratio (c)/(a) = {best['c'] / best['a']:.1f} best-of-{args.pandas_repeat} (c) vs best (a), "
        f"{med['c'] / med['a']:.1f} median wall, {cpu_med['c'] / cpu_med['a']:.1f} median CPU  (target >= 10)"
    )


if __name__ == "__main__":
    main()
