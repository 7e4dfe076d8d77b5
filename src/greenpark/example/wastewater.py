"""Water: tenant discharges and supply, the central WWTP, its analyser and lab data, its sludge.

The WWTP inflow is the sum of the tenants' discharges (plus rain infiltration in the
wet season), so the analyser flow, the tenant meters and the WWTP electricity agree.
The outlet analyser data carry the designed events of ``example/wwtp_episodes``
(exceedances, a stuck sensor, a data gap); the truth about each goes to the metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from greenpark.example import assumptions
from greenpark.example import timebase as tb
from greenpark.example.series import MeterSeries

WWTP_COLUMNS = [
    "wwtp_id",
    "name",
    "capacity_m3_per_day",
    "treatment",
    "standard",
    "column",
    "kq",
    "kf",
    "receiving_water",
    "receiving_flow_m3_per_s",
    "receiving_volume_m3",
    "commissioned",
]
WASTEWATER_COLUMNS = ["wwtp_id", "timestamp", "point", "parameter", "value", "unit", "method"]
SLUDGE_COLUMNS = ["date", "wwtp_id", "waste_code", "quantity_t", "dry_solids_pct", "route", "receiver"]
WWTP_ID = "WWTP1"
MIN_PER_DAY = 24 * 60


@dataclass
class Water:
    """Everything the water module generates, plus its truth for the metadata."""

    meters: pd.DataFrame
    series: list[MeterSeries]
    inflow_m3_per_15min: np.ndarray
    wwtp: pd.DataFrame
    wastewater: list[pd.DataFrame]
    sludge: pd.DataFrame
    truth: dict = field(default_factory=dict)


def daily_discharge_m3(tenants: pd.DataFrame, activity: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Daily wastewater of every tenant (m3/day; tenants x days): process water plus sanitary water.

    Process water follows the tenant's daily production activity and sums to
    annual MWh x ``wastewater_m3_per_mwh``; sanitary water is employees x
    ``domestic_wastewater_m3_per_employee_day`` on the days people work.
    """
    prof = assumptions.profiles().loc[tenants["profile"]]
    n = len(tenants)
    act = activity.reshape(n, -1, 96).mean(axis=2)
    process_m3 = tenants["annual_kwh"].to_numpy() / 1000 * prof["wastewater_m3_per_mwh"].to_numpy()
    process = process_m3[:, None] * act / act.sum(axis=1, keepdims=True)
    presence = np.minimum(act / np.percentile(act, 90, axis=1, keepdims=True), 1.0)
    sanitary = (
        tenants["employees"].to_numpy()[:, None]
        * assumptions.park_parameter("domestic_wastewater_m3_per_employee_day")
        * presence
    )
    noise = rng.lognormal(0.0, 0.08, size=process.shape)
    return np.round((process + sanitary) * noise, 2)


def _ar1(n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    """Unit-variance AR(1) series of length n (scipy lfilter; no Python loop)."""
    e = rng.normal(0.0, np.sqrt(1 - phi**2), size=n)
    e[0] = rng.normal()
    return lfilter([1.0], [1.0, -phi], e)


def outlet_flow_m3_per_h(daily_m3: np.ndarray, index5: pd.DatetimeIndex, rng: np.random.Generator) -> np.ndarray:
    """5-minute outlet flow (m3/h): each day's volume shaped by a damped diurnal cycle."""
    hour = tb.hour_of_day(index5)
    shape = 1.0 + 0.25 * np.cos((hour - 15.0) / 24.0 * 2 * np.pi)
    day_no = (index5.normalize() - index5[0].normalize()).days.to_numpy()
    noise = 1.0 + 0.03 * _ar1(len(index5), 0.98, rng)
    return daily_m3[day_no] / 24.0 * shape * noise


def _episode_values(kind: str, n: int, limit: float, peak: float) -> np.ndarray:
    """Values of an episode of n samples: all beyond the limit, reaching ``peak`` mid-way."""
    frac = np.sin(np.pi * (np.arange(n) + 0.5) / n)
    if kind == "high":
        start = limit * 1.02
        return start + (peak - start) * frac / frac.max()
    start = limit - 0.02
    return start - (start - peak) * frac / frac.max()


def analyser_frames(
    index5: pd.DatetimeIndex, flow_m3_per_h: np.ndarray, temp_c: np.ndarray, rng: np.random.Generator
) -> tuple[list[pd.DataFrame], dict]:
    """The outlet analyser rows (one frame per parameter) and the truth about the designed events."""
    par = assumptions.table("example/analyser_parameters").set_index("parameter")
    events = assumptions.table(assumptions.WWTP_EPISODES)
    n = len(index5)
    values: dict[str, np.ndarray] = {}
    for p, row in par.iterrows():
        x = _ar1(n, float(row["phi"]), rng)
        if p == "flow":
            v = flow_m3_per_h
        elif p == "temperature":
            v = row["mean"] + 0.6 * (temp_c - temp_c.mean()) + row["std"] * x
        else:
            v = row["mean"] + row["std"] * x
        values[str(p)] = np.clip(v, row["min"], row["max"])
    truth: dict = {"episodes": [], "flatline": None, "gap": None}
    ts = tb.timestamp_strings(index5)
    keep = np.ones(n, dtype=bool)
    for ev in events.itertuples():
        # the table is written for 2024; another year keeps the same calendar dates
        start = pd.Timestamp(ev.start).replace(year=index5[0].year)
        end = pd.Timestamp(ev.end).replace(year=index5[0].year)
        sel = np.flatnonzero((index5 >= start) & (index5 < end))
        if ev.kind in ("high", "low"):
            v = values[ev.parameter]
            ramp = 6
            target = ev.limit * (0.95 if ev.kind == "high" else 1.05)
            before = np.arange(sel[0] - ramp, sel[0])
            after = np.arange(sel[-1] + 1, sel[-1] + 1 + ramp)
            v[before] = np.linspace(v[before[0]], target, ramp)
            v[after] = np.linspace(target, v[after[-1]], ramp)
            v[sel] = _episode_values(ev.kind, len(sel), float(ev.limit), float(ev.peak))
            decimals = int(par.loc[ev.parameter, "decimals"])
            written = np.round(v[sel], decimals)
            truth["episodes"].append(
                {
                    "event": ev.event,
                    "parameter": ev.parameter,
                    "kind": ev.kind,
                    "start": ts[sel[0]],
                    "end": end.strftime(tb.TIMESTAMP_FORMAT),
                    "last_sample": ts[sel[-1]],
                    "samples": len(sel),
                    "peak": float(written.max() if ev.kind == "high" else written.min()),
                    "limit": float(ev.limit),
                    "unit": str(par.loc[ev.parameter, "unit"]),
                    "description": ev.description,
                }
            )
        elif ev.kind == "flatline":
            v = values[ev.parameter]
            v[sel] = v[sel[0]]
            decimals = int(par.loc[ev.parameter, "decimals"])
            truth["flatline"] = {
                "parameter": ev.parameter,
                "start": ts[sel[0]],
                "end": end.strftime(tb.TIMESTAMP_FORMAT),
                "samples": len(sel),
                "value": float(np.round(v[sel[0]], decimals)),
            }
        elif ev.kind == "gap":
            keep[sel] = False
            truth["gap"] = {
                "parameters": "all analyser parameters",
                "start": ts[sel[0]],
                "end": end.strftime(tb.TIMESTAMP_FORMAT),
                "missing_timestamps": len(sel),
            }
    frames = []
    for p, row in par.iterrows():
        frames.append(
            pd.DataFrame(
                {
                    "wwtp_id": WWTP_ID,
                    "timestamp": ts[keep],
                    "point": "outlet",
                    "parameter": p,
                    "value": np.round(values[str(p)][keep], int(row["decimals"])),
                    "unit": row["unit"],
                    "method": "analyser",
                }
            )
        )
    truth["analyser_rows"] = int(keep.sum()) * len(par)
    truth["analyser_timestamps"] = int(keep.sum())
    flow_written = np.round(values["flow"][keep], int(par.loc["flow", "decimals"]))
    truth["outlet_volume_m3_from_analyser"] = float(flow_written.sum() * 5 / 60)
    return frames, truth


def _format_lab(value: np.ndarray, decimals: int, detection_limit: float | None) -> tuple[list[str], int]:
    """Lab values as text; below the detection limit written '<DL'. Returns (texts, censored count)."""
    out, censored = [], 0
    for v in value:
        if detection_limit is not None and v < detection_limit:
            out.append(f"<{detection_limit:g}")
            censored += 1
        else:
            out.append(f"{v:.{decimals}f}")
    return out, censored


def sample_times(year: int) -> list[pd.Timestamp]:
    """Monthly sampling time: 09:00 on the first working day from the 15th of each month."""
    times = []
    for m in range(1, 13):
        d = pd.Timestamp(year, m, 15, 9)
        while d.day_of_week == 6:
            d += pd.Timedelta(days=1)
        times.append(d)
    return times


def lab_frame(
    year: int,
    tenants: pd.DataFrame,
    discharge_mean: np.ndarray,
    rng: np.random.Generator,
    min_tenant_m3_per_day: float = 40.0,
) -> tuple[pd.DataFrame, dict]:
    """Monthly lab samples: WWTP inlet and outlet (QCVN 40 parameters) and the larger tenants' points."""
    lab = assumptions.table(assumptions.LAB_PARAMETERS)
    times = [t.strftime(tb.TIMESTAMP_FORMAT) for t in sample_times(year)]
    rows: list[dict] = []
    censored = 0
    for point, col in (("inlet", "inlet_mean"), ("outlet", "outlet_mean")):
        for r in lab.itertuples():
            mean, cv = float(getattr(r, col)), float(r.cv)
            sigma = np.sqrt(np.log(1 + cv**2))
            v = mean * rng.lognormal(-(sigma**2) / 2, sigma, size=len(times))
            if point == "outlet":  # no unintended exceedance: the deliberate episodes are the analyser's only
                v = np.minimum(v, mean * (1 + 2 * cv))
            dl = None if pd.isna(r.detection_limit) else float(r.detection_limit)
            texts, c = _format_lab(v, int(r.decimals), dl)
            censored += c
            rows += [
                {
                    "wwtp_id": WWTP_ID,
                    "timestamp": t,
                    "point": point,
                    "parameter": r.parameter,
                    "value": x,
                    "unit": r.unit,
                    "method": "lab",
                }
                for t, x in zip(times, texts, strict=True)
            ]
    eff = assumptions.table("example/tenant_effluent")
    sampled = []
    for t, mean_m3 in zip(tenants.itertuples(), discharge_mean, strict=True):
        params = eff[eff["profile"] == t.profile]
        if mean_m3 < min_tenant_m3_per_day or params.empty:
            continue
        sampled.append(t.tenant_id)
        for r in params.itertuples():
            sigma = np.sqrt(np.log(1 + float(r.cv) ** 2))
            v = float(r.mean) * rng.lognormal(-(sigma**2) / 2, sigma, size=len(times))
            rows += [
                {
                    "wwtp_id": WWTP_ID,
                    "timestamp": tt,
                    "point": f"tenant:{t.tenant_id}",
                    "parameter": r.parameter,
                    "value": f"{x:.{int(r.decimals)}f}",
                    "unit": r.unit,
                    "method": "lab",
                }
                for tt, x in zip(times, v, strict=True)
            ]
    frame = pd.DataFrame(rows, columns=WASTEWATER_COLUMNS)
    frame = frame.sort_values(["timestamp", "point", "parameter"], kind="stable").reset_index(drop=True)
    return frame, {
        "lab_rows": len(frame),
        "lab_censored_values": censored,
        "tenant_points": sampled,
        "lab_sample_times": times,
    }


def generate_water(
    tenants: pd.DataFrame,
    activity: np.ndarray,
    year: int,
    index15: pd.DatetimeIndex,
    temp_c15: np.ndarray,
    rng: np.random.Generator,
    capacity_m3_per_day: float | None = None,
) -> Water:
    """Tenant water meters, the WWTP, its analyser and lab data and its sludge.

    ``capacity_m3_per_day`` is the WWTP's design capacity (default the ``wwtp_capacity_m3_per_day`` row of
    ``example/park_assumptions``).
    """
    n = len(tenants)
    daily = daily_discharge_m3(tenants, activity, rng)
    days = pd.date_range(pd.Timestamp(year, 1, 1), periods=daily.shape[1], freq="D")
    ts_day = tb.timestamp_strings(days)
    # the dyeing anchor reports hourly; other tenants daily
    hourly_tenant = tenants.loc[tenants["anchor"] & (tenants["profile"] == "dyeing"), "tenant_id"].tolist()
    supply_ratio = rng.uniform(
        assumptions.park_parameter("water_supply_ratio_min"), assumptions.park_parameter("water_supply_ratio_max"), n
    )
    with_supply = tenants["anchor"].to_numpy() | (rng.random(n) < 0.35)
    meters, series, truth_t = [], [], {}
    for i, t in enumerate(tenants["tenant_id"]):
        info = {"wastewater_m3": float(daily[i].sum())}
        if t in hourly_tenant:
            index_h = tb.interval_index(year, "1h")
            hour = tb.hour_of_day(index_h)
            shape = 1.0 + 0.3 * np.sin((hour - 9.0) / 24.0 * 2 * np.pi)
            shape = shape.reshape(-1, 24) / shape.reshape(-1, 24).sum(axis=1, keepdims=True)
            hourly = daily[i][:, None] * shape
            cents = np.round(hourly * 100).astype(np.int64)  # keep the hourly values summing exactly
            hourly_values = cents.ravel() / 100.0
            series.append(MeterSeries(f"WW-{t}", tb.timestamp_strings(index_h), hourly_values, 2))
            info["wastewater_m3"] = float(cents.sum() / 100)
            info["wastewater_resolution"] = "hourly"
        else:
            series.append(MeterSeries(f"WW-{t}", ts_day, daily[i], 2))
            info["wastewater_resolution"] = "daily"
        meters.append(
            {"meter_id": f"WW-{t}", "tenant_id": t, "kind": "wastewater_discharge", "unit": "m3", "cumulative": False}
        )
        if with_supply[i]:
            supply = np.round(daily[i] * supply_ratio[i] * rng.lognormal(0, 0.03, daily.shape[1]), 2)
            series.append(MeterSeries(f"WS-{t}", ts_day, supply, 2))
            meters.append(
                {"meter_id": f"WS-{t}", "tenant_id": t, "kind": "water_supply", "unit": "m3", "cumulative": False}
            )
            info["water_supply_m3"] = float(supply.sum())
        truth_t[t] = info

    tenant_total = daily.sum(axis=0)
    wet = np.isin(days.month, range(5, 12))
    infiltration = assumptions.park_parameter("wet_season_infiltration") * wet * rng.uniform(0.3, 1.7, len(days))
    inflow_daily = tenant_total * (1 + infiltration)
    index5 = tb.interval_index(year, "5min")
    temp5 = np.repeat(temp_c15, 3)
    flow = outlet_flow_m3_per_h(inflow_daily, index5, rng)
    frames, truth_w = analyser_frames(index5, flow, temp5, rng)
    inflow15 = (flow * 5 / 60).reshape(-1, 3).sum(axis=1)
    lab, truth_lab = lab_frame(year, tenants, daily.mean(axis=1), rng)
    wastewater = [*frames, lab]

    capacity = capacity_m3_per_day or assumptions.park_parameter("wwtp_capacity_m3_per_day")
    wwtp = pd.DataFrame(
        [
            {
                "wwtp_id": WWTP_ID,
                "name": "Long Thanh Demo IP central WWTP",
                "capacity_m3_per_day": capacity,
                "treatment": "aerobic_well_managed",
                "standard": "QCVN40:2011",
                "column": "A",
                "kq": 0.9,
                "kf": 1.0,
                "receiving_water": "river",
                "receiving_flow_m3_per_s": 30.0,
                "receiving_volume_m3": None,
                "commissioned": f"{year - 8}-06-01",
            }
        ],
        columns=WWTP_COLUMNS,
    )

    sludge_rate = assumptions.park_parameter("sludge_t_per_1000m3")
    month_ends = pd.date_range(pd.Timestamp(year, 1, 1), periods=12, freq="ME")
    monthly_in = pd.Series(inflow_daily, index=days).resample("ME").sum().to_numpy()
    sludge_t = np.round(monthly_in / 1000 * sludge_rate * rng.lognormal(0, 0.08, 12), 2)
    sludge = pd.DataFrame(
        {
            "date": month_ends.strftime("%Y-%m-%d"),
            "wwtp_id": WWTP_ID,
            "waste_code": "12 06 06",
            "quantity_t": sludge_t,
            "dry_solids_pct": np.round(rng.uniform(18, 24, 12), 1),
            "route": np.where(np.arange(12) % 3 == 2, "composting", "co_processing"),
            "receiver": np.where(
                np.arange(12) % 3 == 2,
                "Green Compost Dong Nai Co. (fictional)",
                "Long Thanh Cement Co-processing JSC (fictional)",
            ),
        },
        columns=SLUDGE_COLUMNS,
    )

    truth = {
        "tenants": truth_t,
        "wwtp_id": WWTP_ID,
        "tenant_discharge_m3": float(sum(v["wastewater_m3"] for v in truth_t.values())),
        "wwtp_inflow_m3": float(inflow_daily.sum()),
        "wwtp_inflow_mean_m3_per_day": float(inflow_daily.mean()),
        "analyser_flow_unit": "m3/h",
        **truth_w,
        **truth_lab,
        "sludge_t": float(sludge_t.sum()),
    }
    frame = pd.DataFrame(meters)
    return Water(frame, series, inflow15, wwtp, wastewater, sludge, truth)
