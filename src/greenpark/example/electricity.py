"""Electricity: tenant load profiles, rooftop PV, park common meters and the meter list.

Each tenant's 15-minute load is built from named parts (base load, production by
shift pattern and day type, cooling that follows the ambient temperature, noise) and
scaled so the year sums to the tenant's drawn annual consumption. All arrays are
(tenants x intervals); no Python loop runs over intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from greenpark.example import assumptions
from greenpark.example import timebase as tb
from greenpark.example.series import MeterSeries

METER_COLUMNS = ["meter_id", "tenant_id", "kind", "unit", "cumulative", "register_max", "wwtp_id"]
KWH_DECIMALS = 3
REGISTER_DECIMALS = 2

# Reference temperature above which cooling load starts (degC): a property of the synthetic model.
_COOLING_BASE_C = 22.0
_HOURS_PER_YEAR = 8760.0


@dataclass
class TenantLoads:
    """Generated electricity of the tenants (kWh per 15-minute interval, rows = tenants)."""

    load_kwh: np.ndarray
    activity: np.ndarray  # production activity 0..~1.2 per interval (shift x day type x month)
    production_kwh_by_month: np.ndarray  # (tenants, 12): electricity of the production part


def shift_pattern(hour: np.ndarray, shifts: int) -> np.ndarray:
    """Share of production running (0..1) at each interval for 1, 2 or 3 shifts.

    1 shift: 07:30-17:00 with a lunch dip; 2 shifts: 06:00-22:00; 3 shifts: around the
    clock with short dips at the 06/14/22 h shift changes.
    """
    if shifts == 1:
        on = np.clip((hour - 7.0) / 1.0, 0, 1) * np.clip((17.5 - hour) / 1.0, 0, 1)
        lunch = (hour >= 11.5) & (hour < 12.5)
        return np.where(lunch, 0.55 * on, on)
    if shifts == 2:
        on = np.clip((hour - 5.5) / 1.0, 0, 1) * np.clip((22.5 - hour) / 1.0, 0, 1)
        change = (hour >= 14.0) & (hour < 14.5)
        return np.where(change, 0.8 * on, on)
    dip = np.zeros_like(hour)
    for h in (6.0, 14.0, 22.0):
        dip = np.maximum(dip, np.where((hour >= h) & (hour < h + 0.5), 0.15, 0.0))
    night = np.where((hour < 6.0) | (hour >= 22.0), 0.1, 0.0)  # lighter night shift
    return 1.0 - dip - night


def day_factor(kinds: np.ndarray, sunday: float, holiday: float) -> np.ndarray:
    """Production relative to a working day, by day kind (work, Sunday, holiday, Tết, Tết extended)."""
    table = np.array([1.0, sunday, holiday, holiday, (holiday + sunday) / 2])
    return table[kinds]


def tenant_loads(
    tenants: pd.DataFrame,
    index: pd.DatetimeIndex,
    kinds: np.ndarray,
    temp_c: np.ndarray,
    rng: np.random.Generator,
) -> TenantLoads:
    """15-minute load of every tenant (kWh), summing to ``tenants.annual_kwh`` before rounding."""
    prof = assumptions.profiles().loc[tenants["profile"]]
    n, T = len(tenants), len(index)
    hour = tb.hour_of_day(index)
    month = index.month.to_numpy() - 1
    patterns = {s: shift_pattern(hour, s) for s in (1, 2, 3)}
    on = np.stack([patterns[int(s)] for s in prof["shifts"]])
    days = np.stack(
        [day_factor(kinds, sf, hf) for sf, hf in zip(prof["sunday_factor"], prof["holiday_factor"], strict=True)]
    )
    month_mult = rng.normal(1.0, 0.06, size=(n, 12))
    activity = on * days * month_mult[:, month]
    cooling = np.maximum(temp_c - _COOLING_BASE_C, 0.0)
    cooling = cooling / cooling.mean()
    base = prof["base_fraction"].to_numpy()[:, None]
    cool_share = prof["cooling_share"].to_numpy()[:, None]
    prod = (1.0 - base - cool_share) * activity
    cool = cool_share * cooling[None, :] * (0.4 + 0.6 * np.minimum(activity, 1.0))
    step_noise = rng.normal(0.0, 0.03, size=(n, T))
    day_no = np.arange(T) // 96
    day_noise = rng.normal(0.0, 0.03, size=(n, day_no[-1] + 1))[:, day_no]
    noise = np.clip(1.0 + step_noise + day_noise, 0.7, 1.3)
    raw = (base + prod + cool) * noise
    scale = tenants["annual_kwh"].to_numpy() / raw.sum(axis=1)
    load = raw * scale[:, None]
    prod_kwh = prod * noise * scale[:, None]
    by_month = np.stack([prod_kwh[:, month == m].sum(axis=1) for m in range(12)], axis=1)
    return TenantLoads(load_kwh=load, activity=activity, production_kwh_by_month=by_month)


def pv_generation_kwh(kwp: np.ndarray, ghi_kw_per_m2: np.ndarray, temp_c: np.ndarray) -> np.ndarray:
    """AC output per 15-min interval (kWh) of roof PV of ``kwp`` on near-horizontal roofs.

    kWh = kWp x GHI (kW/m2, i.e. suns) x 0.25 h x PR x temperature derating
    (-0.4 %/K above 25 degC cell temperature; cell = ambient + 25 K per kW/m2).
    """
    pr = assumptions.park_parameter("pv_performance_ratio")
    cell_c = temp_c + 25.0 * ghi_kw_per_m2
    derate = 1.0 - 0.004 * (cell_c - 25.0)
    return kwp[:, None] * (ghi_kw_per_m2 * 0.25 * pr * derate)[None, :]


def choose_pv_tenants(
    tenants: pd.DataFrame, roofs: pd.DataFrame, rng: np.random.Generator, n_pv: int | None = None
) -> pd.DataFrame:
    """Tenants that already have rooftop PV, with their kWp and whether they export.

    The logistics tenant with the largest roof exports (big roof, small load); the
    electronics anchor and randomly chosen 2- or 3-shift tenants have zero-export
    systems no larger than their mean load. ``n_pv`` (default the ``pv_existing_tenants`` row) is capped by the
    tenants that can take a system.
    """
    if n_pv is None:
        n_pv = int(assumptions.park_parameter("pv_existing_tenants"))
    kwp_per_m2 = assumptions.park_parameter("pv_kwp_per_m2")
    usable = (roofs["area_m2"] * roofs["usable_fraction"]).groupby(roofs["tenant_id"]).sum()
    logistics = tenants[tenants["profile"] == "logistics"].copy()
    logistics["usable"] = usable.reindex(logistics["tenant_id"]).to_numpy()
    exporter = logistics.sort_values("usable", ascending=False, kind="stable")["tenant_id"].iloc[0]
    chosen = [exporter]
    anchors = tenants.loc[tenants["anchor"] & (tenants["profile"] == "electronics"), "tenant_id"].tolist()
    chosen += anchors[:1]
    shifts = assumptions.profiles().loc[tenants["profile"], "shifts"].to_numpy()
    others = tenants.loc[~tenants["anchor"] & ~tenants["tenant_id"].isin(chosen) & (shifts > 1), "tenant_id"]
    extra = min(max(n_pv - len(chosen), 0), len(others))
    chosen += list(rng.choice(others.to_numpy(), size=extra, replace=False))
    coverage = np.where(np.array(chosen) == exporter, 0.5, rng.uniform(0.3, 0.6, len(chosen)))
    kwp = usable.reindex(chosen).to_numpy() * kwp_per_m2 * coverage
    # a zero-export system is sized to the tenant's mean load so the limiter rarely curtails
    mean_kw = tenants.set_index("tenant_id").loc[chosen, "annual_kwh"].to_numpy() / _HOURS_PER_YEAR
    kwp = np.round(np.where(np.array(chosen) == exporter, kwp, np.minimum(kwp, mean_kw)), 1)
    return pd.DataFrame({"tenant_id": chosen, "kwp": kwp, "exports": np.array(chosen) == exporter})


def common_loads_kwh(
    index: pd.DatetimeIndex,
    kinds: np.ndarray,
    temp_c: np.ndarray,
    wwtp_flow_m3: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Park common meters per 15-min interval (kWh): street lighting, admin building, the WWTP.

    ``wwtp_flow_m3`` is the WWTP inflow per 15-min interval (m3).
    """
    hour = tb.hour_of_day(index)
    lights_on = ((hour >= 18.0) | (hour < 6.0)).astype(float)
    street = assumptions.park_parameter("street_lighting_kw") * 0.25 * lights_on
    street = street * (1.0 + rng.normal(0.0, 0.01, len(index)))
    office = ((hour >= 8.0) & (hour < 17.0) & (kinds == tb.WORKDAY)).astype(float)
    cooling = np.maximum(temp_c - _COOLING_BASE_C, 0.0)
    admin_kw = assumptions.park_parameter("admin_base_kw") + assumptions.park_parameter("admin_office_kw") * (
        office * (0.6 + 0.4 * cooling / cooling.max())
    )
    admin = admin_kw * 0.25 * (1.0 + rng.normal(0.0, 0.03, len(index)))
    wwtp = (
        assumptions.park_parameter("wwtp_kwh_per_m3") * wwtp_flow_m3 + assumptions.park_parameter("wwtp_base_kw") * 0.25
    ) * (1.0 + rng.normal(0.0, 0.03, len(index)))
    return {"EL-STREET": street, "EL-ADMIN": admin, "EL-WWTP": wwtp}


def register_series(interval_kwh: np.ndarray, start_kwh: float, register_max: float) -> np.ndarray:
    """Register readings (kWh, 2 decimals) of a cumulative meter: one more value than intervals.

    The register counts in hundredths of a kWh and wraps to 0 after ``register_max``
    (so the modulus is ``register_max`` + 0.01 kWh). Returns floats rounded to cents.
    """
    cents = np.round(interval_kwh * 100).astype(np.int64)
    modulus = round(register_max * 100) + 1
    start = round(start_kwh * 100)
    reg = (start + np.concatenate([[0], np.cumsum(cents)])) % modulus
    return reg / 100.0


def meters_and_readings(
    tenants: pd.DataFrame,
    loads: TenantLoads,
    pv: pd.DataFrame,
    ghi: np.ndarray,
    temp_c: np.ndarray,
    common: dict[str, np.ndarray],
    index: pd.DatetimeIndex,
    wwtp_id: str,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, list[MeterSeries], dict]:
    """The electricity meters, their readings and the truth about them.

    Returns ``(meters, series, truth)``; ``truth`` maps tenant_id to annual kWh
    (load, import, pv, export) and lists the cumulative meters and the rollover.
    """
    ts = tb.timestamp_strings(index)
    ts_closing = tb.timestamp_strings(tb.interval_index(index[0].year, closing=True))
    register_max = assumptions.park_parameter("cumulative_register_max")
    load = np.round(loads.load_kwh, KWH_DECIMALS)
    pv_by_tenant = dict(zip(pv["tenant_id"], zip(pv["kwp"], pv["exports"], strict=True), strict=True))
    pv_tenants = set(pv["tenant_id"])
    candidates = tenants.loc[~tenants["tenant_id"].isin(pv_tenants), "tenant_id"].to_numpy()
    # three register meters in a full park; fewer in a small one, so interval meters remain for the faults
    n_cumulative = min(3, max(1, len(candidates) // 3))
    cumulative = list(rng.choice(candidates, size=n_cumulative, replace=False))
    rollover_tenant = cumulative[0]

    meters: list[dict[str, Any]] = []
    series: list[MeterSeries] = []
    truth: dict[str, Any] = {"tenants": {}, "common": {}}
    for i, t in enumerate(tenants["tenant_id"]):
        info: dict = {"load_kwh": float(load[i].sum())}
        imp = load[i]
        if t in pv_by_tenant:
            kwp, exports = pv_by_tenant[t]
            gen = np.round(pv_generation_kwh(np.array([kwp]), ghi, temp_c)[0], KWH_DECIMALS)
            if not exports:
                gen = np.minimum(gen, load[i])  # zero-export limiter curtails the surplus
            imp = np.round(np.maximum(load[i] - gen, 0.0), KWH_DECIMALS)
            series.append(MeterSeries(f"PV-{t}", ts, gen, KWH_DECIMALS))
            meters.append(
                {"meter_id": f"PV-{t}", "tenant_id": t, "kind": "pv_generation", "unit": "kWh", "cumulative": False}
            )
            info.update(pv_kwp=float(kwp), pv_kwh=float(gen.sum()))
            if exports:
                exp = np.round(np.maximum(gen - load[i], 0.0), KWH_DECIMALS)
                series.append(MeterSeries(f"EX-{t}", ts, exp, KWH_DECIMALS))
                meters.append(
                    {
                        "meter_id": f"EX-{t}",
                        "tenant_id": t,
                        "kind": "electricity_export",
                        "unit": "kWh",
                        "cumulative": False,
                    }
                )
                info["export_kwh"] = float(exp.sum())
        meter = {
            "meter_id": f"EL-{t}",
            "tenant_id": t,
            "kind": "electricity_import",
            "unit": "kWh",
            "cumulative": t in cumulative,
        }
        if t in cumulative:
            annual = float(imp.sum())
            start = (
                register_max - annual * rng.uniform(0.3, 0.7) if t == rollover_tenant else float(rng.uniform(1e5, 4e6))
            )
            reg = register_series(imp, start, register_max)
            series.append(MeterSeries(f"EL-{t}", ts_closing, reg, REGISTER_DECIMALS))
            meter["register_max"] = register_max
            cents = np.round(imp * 100).astype(np.int64)
            info["import_kwh"] = float(cents.sum() / 100)
            info["register_first_kwh"] = float(reg[0])
            info["register_last_kwh"] = float(reg[-1])
            if t == rollover_tenant:
                k = int(np.flatnonzero(np.diff(reg) < 0)[0])
                info["rollover"] = {
                    "before": ts_closing[k],
                    "after": ts_closing[k + 1],
                    "register_before_kwh": float(reg[k]),
                    "register_after_kwh": float(reg[k + 1]),
                }
        else:
            series.append(MeterSeries(f"EL-{t}", ts, imp, KWH_DECIMALS))
            info["import_kwh"] = float(imp.sum())
        meters.append(meter)
        truth["tenants"][t] = info

    for meter_id, kwh in common.items():
        kwh = np.round(kwh, KWH_DECIMALS)
        series.append(MeterSeries(meter_id, ts, kwh, KWH_DECIMALS))
        meters.append(
            {
                "meter_id": meter_id,
                "tenant_id": None,
                "kind": "electricity_import",
                "unit": "kWh",
                "cumulative": False,
                "wwtp_id": wwtp_id if meter_id == "EL-WWTP" else None,
            }
        )
        truth["common"][meter_id] = float(kwh.sum())
    truth["cumulative_meters"] = [f"EL-{t}" for t in cumulative]
    truth["rollover_meter"] = f"EL-{rollover_tenant}"
    truth["register_max_kwh"] = register_max
    frame = pd.DataFrame(meters).reindex(columns=METER_COLUMNS)
    return frame, series, truth
