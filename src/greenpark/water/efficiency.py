"""Plant performance: treated volume, removal efficiency, specific energy, utilisation, benchmarks.

Method
------
* Mean concentration at a point (inlet or outlet) over the period: the mean of the valid analyser values
  (sensor faults excluded, as in :mod:`greenpark.water.compliance`) when the point has analyser data for
  the parameter, else the mean of the lab samples (a censored sample counts at its detection limit, an
  upper bound; the count of such samples is reported in ``notes``).
* Treated volume V (m3) = mean measured flow (m3/day) x days in the period, taking the outlet flow, else
  the inlet flow, else the sum of the tenants' metered discharge (``volume_basis`` says which). Gaps in
  the flow record are thereby filled with the period's mean flow.
* Removal efficiency (%) = (C_in - C_out) / C_in x 100, per concentration parameter with both points, from
  means of the same method at both points (analyser at both, else lab samples at both, else whatever each
  point has), so that 12 monthly inlet samples are compared with the outlet's samples, not its analyser.
* Specific energy: kWh/m3 = E / V; kWh/kg COD removed = E / ((C_in,COD - C_out,COD) x V / 1000)
  (mg/l = g/m3, so C x V / 1000 is kg).
* Capacity utilisation = mean flow / design capacity (m3/day).
* Benchmarks against ``water/typical_ranges`` for the treatment family (aerobic for activated sludge).

Result names (stable): ``PlantPerformance`` (wwtp_id, volume_m3, volume_basis, mean_flow_m3_per_day,
capacity_utilisation, inlet_mean, outlet_mean, removal_efficiency_pct, electricity_kwh, kwh_per_m3,
cod_removed_kg, kwh_per_kg_cod_removed, sludge_t, sludge_dry_t, sludge_kg_per_m3 (wet), sludge_dry_kg_per_m3,
chemicals_kg_per_m3, benchmarks, notes),
``Benchmark`` (metric, value, low, high, unit, verdict, source, confidence).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from pydantic import BaseModel

from greenpark.model import Meter, Wwtp
from greenpark.reference import load_table
from greenpark.water.compliance import MonitoringRules, SensorRange, fault_masks, utc_ns
from greenpark.water.parameters import parameter_table

TYPICAL_RANGES_TABLE = "water/typical_ranges"


class Benchmark(BaseModel):
    """One indicator compared with its typical range: verdict ``below``, ``within`` or ``above``."""

    metric: str
    value: float
    low: float
    high: float
    unit: str
    verdict: str
    source: str
    confidence: str


class PlantPerformance(BaseModel):
    """Efficiency figures of one WWTP over a period (units in the names; concentrations in canonical units)."""

    wwtp_id: str
    days: float
    volume_m3: float | None
    volume_basis: str | None
    mean_flow_m3_per_day: float | None
    capacity_utilisation: float | None
    inlet_mean: dict[str, float]
    outlet_mean: dict[str, float]
    removal_efficiency_pct: dict[str, float]
    electricity_kwh: float | None
    kwh_per_m3: float | None
    cod_removed_kg: float | None
    kwh_per_kg_cod_removed: float | None
    sludge_t: float | None
    sludge_dry_t: float | None
    sludge_kg_per_m3: float | None
    sludge_dry_kg_per_m3: float | None
    chemicals_kg_per_m3: dict[str, float]
    benchmarks: list[Benchmark]
    notes: list[str]


def removal_efficiency(inlet: float, outlet: float) -> float:
    """Removal efficiency in % = (inlet - outlet) / inlet x 100 (same unit for both; inlet > 0)."""
    return (inlet - outlet) / inlet * 100.0


def point_means(
    frame: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    rules: MonitoringRules,
    ranges: dict[str, SensorRange],
    method: str | None = None,
) -> tuple[dict[str, float], int]:
    """Mean value per parameter at one point over [start, end): analyser (valid values) first, else lab.

    ``method`` ``"analyser"`` or ``"lab"`` restricts to that method (None: analyser first, else lab).

    Returns
    -------
    (means, n_censored)
        parameter -> mean in its canonical unit, and the number of censored lab values used at their DL.
    """
    means: dict[str, float] = {}
    n_cens = 0
    if frame.empty:
        return means, 0
    t = utc_ns(frame["timestamp"])
    inside = (t >= start.value) & (t < end.value)
    frame, t = frame[inside], t[inside]
    is_an = (frame["method"] == "analyser").to_numpy(dtype=bool, na_value=False)
    values = frame["value"].to_numpy(dtype=float)
    cens = frame["censored"].to_numpy(dtype=bool) if "censored" in frame else np.zeros(len(frame), dtype=bool)
    codes, names = pd.factorize(frame["parameter"])
    for k, name in enumerate(names):
        sel = codes == k
        an = sel & is_an
        if an.any() and method != "lab":
            tt, vv = t[an], values[an]
            order = np.argsort(tt, kind="stable")
            tt, vv = tt[order], vv[order]
            out_of_range, flat = fault_masks(tt, vv, ranges.get(str(name)), rules)
            ok = np.isfinite(vv) & ~out_of_range & ~flat
            if ok.any():
                means[str(name)] = float(vv[ok].mean())
                continue
        lab = sel & ~is_an
        if lab.any() and method != "analyser":
            means[str(name)] = float(values[lab].mean())
            n_cens += int(cens[lab].sum())
    return means, n_cens


def _paired(
    p: str, inlet: dict[str, float], outlet: dict[str, float], pairs: dict[str, tuple[dict, dict]]
) -> tuple[float, float]:
    """Inlet and outlet means of one parameter measured the same way when possible (analyser, else lab)."""
    for m in ("analyser", "lab"):
        cin, cout = pairs[m]
        if p in cin and p in cout:
            return cin[p], cout[p]
    return inlet[p], outlet[p]


def wwtp_electricity_kwh(
    electricity: pd.DataFrame | None, meters: list[Meter], wwtp_id: str, start: pd.Timestamp, end: pd.Timestamp
) -> float | None:
    """The WWTP's electricity (kWh) over [start, end) from a per-meter consumption frame.

    ``electricity`` has columns meter_id (or wwtp_id), value (kWh) and optionally period_start (tz-aware)
    and kind, as ``Store.consumption(..., by="meter")`` returns them; meters with ``wwtp_id`` set to this
    plant (and an import kind, when ``kind`` is given) are summed. None when nothing is known.
    """
    if electricity is None or electricity.empty:
        return None
    df = electricity
    if "wwtp_id" in df:
        df = df[df["wwtp_id"] == wwtp_id]
    else:
        ids = {m.meter_id for m in meters if m.wwtp_id == wwtp_id and m.kind == "electricity_import"}
        df = df[df["meter_id"].isin(ids)]
    if "kind" in df:
        df = df[df["kind"] == "electricity_import"]
    if "period_start" in df and not df.empty:
        ps = pd.DatetimeIndex(df["period_start"])
        df = df[(ps >= start) & (ps < end)]
    return float(df["value"].sum()) if not df.empty else None


def sludge_tonnes(
    table: pd.DataFrame, wwtp_id: str, start: pd.Timestamp, end: pd.Timestamp, zone: dt.tzinfo
) -> tuple[float, float | None] | None:
    """Wet and dry tonnes of dewatered sludge that left a WWTP in [start, end) (``sludge`` table).

    Dry t = sum of wet t x dry_solids_pct / 100 (None when a row lacks its dry-solids share). The ``date``
    column is a park-local date. None when the plant has no sludge rows.
    """
    if table is None or table.empty or "wwtp_id" not in table:
        return None
    rows = table[table["wwtp_id"] == wwtp_id]
    day = pd.to_datetime(rows["date"]).dt.date
    rows = rows[(day >= start.tz_convert(zone).date()) & (day < end.tz_convert(zone).date())]
    if rows.empty:
        return None
    wet = rows["quantity_t"].astype(float)
    dry = None
    if "dry_solids_pct" in rows and rows["dry_solids_pct"].notna().all():
        dry = float((wet * rows["dry_solids_pct"].astype(float) / 100.0).sum())
    return float(wet.sum()), dry


def benchmark(metric: str, value: float | None, treatment: str) -> Benchmark | None:
    """Compare a value with its typical range for the treatment family (None if no range or no value)."""
    if value is None or not np.isfinite(value):
        return None
    family = "anaerobic" if str(treatment).startswith("anaerobic") else "aerobic"
    t = load_table(TYPICAL_RANGES_TABLE)
    hit = t[(t["treatment_family"] == family) & (t["metric"] == metric)]
    if hit.empty:
        return None
    r = hit.iloc[0]
    low, high = float(r["low"]), float(r["high"])
    verdict = "below" if value < low else "above" if value > high else "within"
    return Benchmark(
        metric=metric,
        value=float(value),
        low=low,
        high=high,
        unit=str(r["unit"]),
        verdict=verdict,
        source=str(r["source"]),
        confidence=str(r["confidence"]),
    )


def plant_performance(
    wastewater: pd.DataFrame,
    wwtp: Wwtp,
    start: pd.Timestamp,
    end: pd.Timestamp,
    rules: MonitoringRules,
    ranges: dict[str, SensorRange],
    electricity_kwh: float | None = None,
    tenant_volume_m3: float | None = None,
    sludge: tuple[float, float | None] | None = None,
    chemicals_kg: dict[str, float] | None = None,
) -> PlantPerformance:
    """Efficiency of one WWTP over [start, end).

    Parameters
    ----------
    wastewater : DataFrame
        The park's ``wastewater`` table (all points; rows of other plants are ignored).
    wwtp : Wwtp
        The plant (capacity, treatment type).
    start, end : Timestamp
        Period, tz-aware.
    rules, ranges
        Fault rules, as for compliance (faulty analyser values are not averaged).
    electricity_kwh : float, optional
        The plant's electricity in the period (see :func:`wwtp_electricity_kwh`).
    tenant_volume_m3 : float, optional
        Sum of tenants' metered discharge, the fallback for the treated volume.
    sludge : (wet t, dry t or None), optional
        Dewatered sludge that left the plant in the period (see :func:`sludge_tonnes`).
    chemicals_kg : dict, optional
        Where recorded: chemical name -> kg used in the period.
    """
    ww = wastewater[wastewater["wwtp_id"] == wwtp.wwtp_id] if not wastewater.empty else wastewater
    point = ww["point"] if not ww.empty else pd.Series(dtype=str)
    at_in, at_out = ww[point == "inlet"], ww[point == "outlet"]
    inlet, n_ci = point_means(at_in, start, end, rules, ranges)
    outlet, n_co = point_means(at_out, start, end, rules, ranges)
    pairs = {
        m: (point_means(at_in, start, end, rules, ranges, m)[0], point_means(at_out, start, end, rules, ranges, m)[0])
        for m in ("analyser", "lab")
    }
    days = (end - start) / pd.Timedelta(days=1)
    notes: list[str] = []
    if n_ci + n_co:
        notes.append(f"{n_ci + n_co} lab value(s) below detection taken at their detection limit (upper bound)")
    flow, basis = None, None
    if "flow" in outlet:
        flow, basis = outlet["flow"], "outlet flow"
    elif "flow" in inlet:
        flow, basis = inlet["flow"], "inlet flow"
    elif tenant_volume_m3:
        flow, basis = tenant_volume_m3 / days, "sum of tenant discharge meters"
    volume = flow * days if flow is not None else None
    if volume is None:
        notes.append("no flow measured and no tenant discharge volumes: volume-based figures left out")
    conc = set(parameter_table().query("dimension in ('concentration', 'colour') and removal == 1").index)
    paired = {p: _paired(p, inlet, outlet, pairs) for p in sorted(conc & inlet.keys() & outlet.keys())}
    removal = {p: removal_efficiency(cin, cout) for p, (cin, cout) in paired.items() if cin > 0}
    cod_removed = (
        (paired["cod"][0] - paired["cod"][1]) * volume / 1000.0 if volume is not None and "cod" in paired else None
    )
    kwh_m3 = electricity_kwh / volume if electricity_kwh is not None and volume else None
    kwh_kg = electricity_kwh / cod_removed if electricity_kwh is not None and cod_removed else None
    util = flow / wwtp.capacity_m3_per_day if flow is not None else None
    wet_t, dry_t = sludge if sludge is not None else (None, None)
    chem = {k: v / volume for k, v in (chemicals_kg or {}).items() if volume}
    marks = [
        benchmark("kwh_per_m3", kwh_m3, wwtp.treatment),
        benchmark("kwh_per_kg_cod_removed", kwh_kg, wwtp.treatment),
        benchmark("capacity_utilisation", util, wwtp.treatment),
    ]
    marks += [benchmark(f"removal_pct_{p}", v, wwtp.treatment) for p, v in removal.items()]
    return PlantPerformance(
        wwtp_id=wwtp.wwtp_id,
        days=days,
        volume_m3=volume,
        volume_basis=basis,
        mean_flow_m3_per_day=flow,
        capacity_utilisation=util,
        inlet_mean=inlet,
        outlet_mean=outlet,
        removal_efficiency_pct=removal,
        electricity_kwh=electricity_kwh,
        kwh_per_m3=kwh_m3,
        cod_removed_kg=cod_removed,
        kwh_per_kg_cod_removed=kwh_kg,
        sludge_t=wet_t,
        sludge_dry_t=dry_t,
        sludge_kg_per_m3=wet_t * 1000 / volume if wet_t is not None and volume else None,
        sludge_dry_kg_per_m3=dry_t * 1000 / volume if dry_t is not None and volume else None,
        chemicals_kg_per_m3=chem,
        benchmarks=[b for b in marks if b is not None],
        notes=notes,
    )
