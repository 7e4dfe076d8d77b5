"""Load analytics from interval electricity data: monthly energy, base load, peak, load factor, TOU shares,
weekday and Sunday profiles, out-of-hours share and unusual days, per tenant and for the park.

Methods (parameters are rows of ``reference/data/energy/load_analytics.csv``):

- interval power ``kw = kwh / step_h``; ``step_h`` is the median spacing of each tenant's timestamps;
- base load = the ``base_load_percentile`` percentile of interval power (whole period, and per month to show
  base-load creep);
- peak = maximum interval power; load factor = mean power / peak power;
- TOU shares = kWh in each band / total, an interval straddling a band edge split by its minutes in each band
  (:func:`greenpark.tariffs.kwh_by_band`, EVN hours by effective date);
- out-of-hours = Sundays, and Mon–Sat before ``operating_start_hour`` or from ``operating_end_hour`` on;
- unusual days: complete days only; daily kWh scored with the modified z-score
  ``0.6745 (x - median) / MAD`` within the same day type (Mon–Sat or Sunday), flagged when
  ``|z| > unusual_day_z`` (Iglewicz & Hoaglin 1993). Days of a type whose MAD is zero are not scored.

Public holidays follow their day of the week (as the EVN TOU hours do).
"""

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel

from greenpark.errors import InputError, NoDataError
from greenpark.reference import lookup
from greenpark.tariffs import BANDS, kwh_by_band

PARK = "(park)"
_TABLE = "energy/load_analytics"


class UnusualDay(BaseModel):
    """A day whose energy departs from the typical day of its type."""

    date: str
    day_type: str  # "mon_sat" or "sunday"
    kwh: float
    median_kwh: float
    z: float


class LoadStats(BaseModel):
    """Load statistics of one tenant (or of the park, ``entity_id == '(park)'``)."""

    entity_id: str
    total_kwh: float
    monthly_kwh: dict[str, float]
    monthly_base_load_kw: dict[str, float]
    base_load_kw: float
    peak_kw: float
    mean_kw: float
    load_factor: float
    tou_share: dict[str, float]
    weekday_profile_kw: list[float | None]  # Mon–Sat mean power by local hour 0..23
    sunday_profile_kw: list[float | None]
    out_of_hours_share: float
    unusual_days: list[UnusualDay]


class LoadResult(BaseModel):
    """Load analytics of a park: one entry per tenant, the park total and the method parameters."""

    zone: str
    tenants: list[LoadStats]
    park: LoadStats
    parameters: dict[str, float]


def analytics_parameters() -> dict[str, float]:
    """The method parameters, read from reference data."""
    names = ("base_load_percentile", "unusual_day_z", "operating_start_hour", "operating_end_hour")
    return {n: lookup(_TABLE, parameter=n).value for n in names}


def modified_z(x: pd.Series, groups: list[pd.Series]) -> pd.Series:
    """Modified z-score 0.6745 (x - median) / MAD within groups (NaN where MAD is zero).

    References
    ----------
    Iglewicz, B. and Hoaglin, D. (1993), How to Detect and Handle Outliers, ASQC Basic References vol. 16.
    """
    med = x.groupby(groups).transform("median")
    mad = (x - med).abs().groupby(groups).transform("median")
    return (0.6745 * (x - med) / mad.where(mad > 0)).astype(float)


def _profile(s: pd.Series) -> list[float | None]:
    return [None if pd.isna(s.get(h)) else float(s.get(h)) for h in range(24)]


def load_analytics(load: pd.DataFrame, zone: str, parameters: dict[str, float] | None = None) -> LoadResult:
    """Load statistics per tenant and for the park from interval energy.

    Parameters
    ----------
    load : DataFrame
        Columns ``tenant_id``, ``ts`` (tz-aware interval start), ``kwh`` (energy in the interval).
    zone : str
        The park's IANA zone; months, days and hours are cut in it.
    parameters : dict, optional
        Overrides of :func:`analytics_parameters`.

    Returns
    -------
    LoadResult
    """
    missing = {"tenant_id", "ts", "kwh"} - set(load.columns)
    if missing:
        raise InputError(f"load_analytics needs columns tenant_id, ts, kwh; missing {sorted(missing)}")
    if load.empty:
        raise NoDataError("load_analytics got no interval data; import readings for the year first")
    ts = pd.to_datetime(load["ts"])
    if ts.dt.tz is None:
        raise InputError("load_analytics needs tz-aware timestamps in column ts; localise them first")
    p = {**analytics_parameters(), **(parameters or {})}
    df = pd.DataFrame({"entity": load["tenant_id"].astype(str), "ts": ts, "kwh": load["kwh"].astype(float)})
    park = df.groupby("ts", as_index=False)["kwh"].sum().assign(entity=PARK)
    df = pd.concat([df, park], ignore_index=True).sort_values(["entity", "ts"], ignore_index=True)

    # the median spacing per entity, kept as timedelta even when every entity has one interval (all NaT)
    spacing = df.groupby("entity")["ts"].diff()
    step_h = spacing.groupby(df["entity"]).transform("median").dt.total_seconds() / 3600.0
    step_h = step_h.fillna(1.0)  # a single interval: assume an hour
    df["kw"] = df["kwh"] / step_h
    local = df["ts"].dt.tz_convert(zone)
    df["month"] = local.dt.strftime("%Y-%m")
    df["date"] = local.dt.strftime("%Y-%m-%d")
    df["hour"] = local.dt.hour
    df["sunday"] = local.dt.day_of_week == 6
    df["ooh"] = df["sunday"] | (df["hour"] < p["operating_start_hour"]) | (df["hour"] >= p["operating_end_hour"])

    g = df.groupby("entity")
    q = p["base_load_percentile"] / 100.0
    total = g["kwh"].sum()
    base = g["kw"].quantile(q)
    peak = g["kw"].max()
    mean = g["kw"].mean()
    monthly = df.groupby(["entity", "month"])["kwh"].sum()
    monthly_base = df.groupby(["entity", "month"])["kw"].quantile(q)
    split = kwh_by_band(pd.DatetimeIndex(local), df["kwh"].to_numpy(), (step_h * 60.0).to_numpy())
    tou = pd.DataFrame(split, columns=list(BANDS)).groupby(df["entity"].to_numpy()).sum()
    ooh = df[df["ooh"]].groupby("entity")["kwh"].sum().reindex(total.index, fill_value=0.0)
    prof = df.groupby(["entity", "sunday", "hour"])["kw"].mean()

    daily = df.groupby(["entity", "date"]).agg(kwh=("kwh", "sum"), n=("kwh", "size"), sunday=("sunday", "first"))
    daily = daily.reset_index()
    full_n = daily.groupby("entity")["n"].transform("max")
    daily = daily[daily["n"] == full_n].copy()
    daily["z"] = modified_z(daily["kwh"], [daily["entity"], daily["sunday"]])
    daily["median"] = daily.groupby(["entity", "sunday"])["kwh"].transform("median")
    flagged = daily[daily["z"].abs() > p["unusual_day_z"]]

    out: dict[str, LoadStats] = {}
    for e in total.index:
        tot = float(total[e])
        out[e] = LoadStats(
            entity_id=e,
            total_kwh=tot,
            monthly_kwh={m: float(v) for m, v in monthly[e].items()},
            monthly_base_load_kw={m: float(v) for m, v in monthly_base[e].items()},
            base_load_kw=float(base[e]),
            peak_kw=float(peak[e]),
            mean_kw=float(mean[e]),
            load_factor=float(mean[e] / peak[e]) if peak[e] > 0 else 0.0,
            tou_share={b: (float(tou.loc[e, b]) / tot if b in tou.columns and tot else 0.0) for b in BANDS},
            weekday_profile_kw=_profile(prof[e][False]) if (e, False) in prof.index.droplevel(2) else [None] * 24,
            sunday_profile_kw=_profile(prof[e][True]) if (e, True) in prof.index.droplevel(2) else [None] * 24,
            out_of_hours_share=float(ooh[e]) / tot if tot else 0.0,
            unusual_days=[
                UnusualDay(
                    date=r.date,
                    day_type="sunday" if r.sunday else "mon_sat",
                    kwh=float(r.kwh),
                    median_kwh=float(r.median),
                    z=float(r.z),
                )
                for r in flagged[flagged["entity"] == e].itertuples()
            ],
        )
    park_stats = out.pop(PARK)
    return LoadResult(zone=zone, tenants=list(out.values()), park=park_stats, parameters=p)
