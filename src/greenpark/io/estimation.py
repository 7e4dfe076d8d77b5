"""Estimation (the E of VEE), only when asked: fill a meter's missing or held-out intervals by a stated method.

Never applied by default: an inventory submitted to the authorities stands on measured values, with its
coverage beside them. When a user asks (an option of a command), the gaps of each meter in [start, end)
are filled:

- ``linear``: a gap of at most ``vee.estimate linear_max_hours`` (reference ``quality/vee_rules``) with a
  measured interval on both sides is filled on the straight line between the two neighbours' values;
- ``profile``: any other gap takes the meter's mean measured value for the same weekday and hour of day
  (park local time) in the data given; a weekday-hour the meter never measured takes its overall mean.

Every filled value is marked ``estimated`` with its ``method``, and :func:`estimated_share` reports the
share of intervals and of the total that is estimated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from greenpark.io.plausibility import vee_rule
from greenpark.store import Store

ESTIMATED_COLUMNS = ["meter_id", "ts", "value", "estimated", "method"]


def _step_s(ts: pd.Series) -> float | None:
    """The most common spacing of sorted timestamps in seconds (ties: the shorter), or None."""
    d = ts.sort_values().diff().dropna().dt.total_seconds()
    d = d[d > 0]
    if d.empty:
        return None
    counts = d.value_counts()
    return float(counts[counts == counts.max()].index.min())


def estimate_readings(
    readings: pd.DataFrame,
    start: dt.datetime,
    end: dt.datetime,
    zone: str,
    step_s: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Fill each meter's missing intervals in [start, end): linear for short gaps, weekday-hour profile otherwise.

    Parameters
    ----------
    readings : DataFrame
        meter_id, ts (UTC interval start), value (kWh or m3 per interval): measured values only
        (``Store.readings``; held-out values are not in it, so they are gaps here).
    start, end : datetime
        tz-aware bounds; the interval grid of a meter runs from ``start`` in steps of its interval.
    zone : str
        The park's zone (weekday and hour of the profile are local).
    step_s : mapping, optional
        meter_id -> interval in seconds (``interval_min`` x 60 from meters.csv); default the meter's most
        common spacing in ``readings``. A meter with fewer than two readings and no step is returned as is.

    Returns
    -------
    DataFrame
        meter_id, ts (UTC), value, ``estimated`` (bool), ``method`` (``measured``, ``linear`` or ``profile``),
        one row per interval of the grid (measured values off the grid are kept as measured).
    """
    linear_max_s = vee_rule("vee.estimate", "linear_max_hours") * 3600.0
    t0, t1 = pd.Timestamp(start).tz_convert("UTC"), pd.Timestamp(end).tz_convert("UTC")
    out: list[pd.DataFrame] = []
    for meter, g in readings.groupby("meter_id", sort=True):
        g = g.assign(ts=pd.to_datetime(g["ts"], utc=True)).sort_values("ts")
        step = (step_s or {}).get(str(meter)) or _step_s(g["ts"])
        if not step:
            out.append(g.assign(estimated=False, method="measured")[ESTIMATED_COLUMNS])
            continue
        grid = pd.date_range(t0, t1, freq=pd.Timedelta(seconds=step), inclusive="left")
        s = g.set_index("ts")["value"].astype(float)
        full = s.reindex(grid.union(s.index))
        missing = full.isna()
        # runs of consecutive missing intervals and their length in seconds
        run_id = (missing != missing.shift()).cumsum()
        run_len = missing.groupby(run_id).transform("sum") * step
        inside = full.ffill().notna() & full.bfill().notna()
        linear = full.interpolate(method="time", limit_area="inside")
        use_linear = missing & inside & (run_len <= linear_max_s)
        local = full.index.tz_convert(zone)
        key = pd.MultiIndex.from_arrays([local.day_of_week, local.hour])
        measured = full[~missing]
        profile = measured.groupby([local[~missing].day_of_week, local[~missing].hour]).mean()
        prof = pd.Series(profile.reindex(key).to_numpy(), index=full.index).fillna(measured.mean())
        use_profile = missing & ~use_linear
        value = full.where(~use_linear, linear).where(~use_profile, prof)
        method = np.where(use_linear, "linear", np.where(use_profile, "profile", "measured"))
        out.append(
            pd.DataFrame(
                {
                    "meter_id": meter,
                    "ts": full.index,
                    "value": value.to_numpy(),
                    "estimated": (use_linear | use_profile).to_numpy(),
                    "method": method,
                }
            )
        )
    if not out:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in ESTIMATED_COLUMNS})
    res = pd.concat(out, ignore_index=True)
    res["estimated"] = res["estimated"].astype(bool)
    return res[ESTIMATED_COLUMNS]


def estimated_share(filled: pd.DataFrame) -> pd.DataFrame:
    """Per meter: intervals and value estimated, and their shares (what a report says beside the total).

    Returns
    -------
    DataFrame
        meter_id, intervals, estimated_intervals, estimated_interval_share (0..1), value, estimated_value,
        estimated_value_share (0..1; 0 when the total is 0).
    """
    g = filled.assign(est_value=filled["value"].where(filled["estimated"], 0.0)).groupby("meter_id")
    out = pd.DataFrame(
        {
            "intervals": g.size(),
            "estimated_intervals": g["estimated"].sum().astype(int),
            "value": g["value"].sum(),
            "estimated_value": g["est_value"].sum(),
        }
    )
    out["estimated_interval_share"] = out["estimated_intervals"] / out["intervals"]
    out["estimated_value_share"] = (out["estimated_value"] / out["value"].where(out["value"] != 0)).fillna(0.0)
    return out.reset_index()[
        [
            *("meter_id", "intervals", "estimated_intervals", "estimated_interval_share"),
            *("value", "estimated_value", "estimated_value_share"),
        ]
    ]


def estimated_readings(
    store: Store, park_id: str, start: dt.datetime, end: dt.datetime, meter_ids: list[str] | None = None
) -> pd.DataFrame:
    """:func:`estimate_readings` over a park's stored readings (the call the application layer makes when asked).

    Steps come from meters.csv ``interval_min`` where given.
    """
    data = store.load_park(park_id)
    raw = store.readings(park_id, meter_ids, start, end)
    steps = {m.meter_id: m.interval_min * 60.0 for m in data.meters if m.interval_min}
    return estimate_readings(raw, start, end, data.park.timezone, steps)
