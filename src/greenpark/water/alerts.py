"""Alert rules over a recent window of analyser values (pure: the live service calls them on arriving data).

Each rule takes one parameter's recent values (a DataFrame with columns ``timestamp`` tz-aware and
``value`` in the canonical unit, e.g. the last 24 h) and returns :class:`Alert` records. Thresholds
default to ``water/monitoring_rules`` through :class:`~greenpark.water.compliance.MonitoringRules`;
pass ``rules=MonitoringRules.from_reference(exceedance_alert_min=30)`` to change one.

Rules (``rule`` codes are stable):

``water.exceedance``
    :func:`exceedance_alerts`: the window means (``averaging_window_min``, windows aligned on the clock,
    evaluated when ``min_valid_share`` of values are valid, faults excluded) stay beyond the limit for at
    least ``exceedance_alert_min`` minutes. ``peak`` = the worst window mean, ``limit`` = Cmax.
``water.sensor_fault.flat_line`` / ``water.sensor_fault.out_of_range``
    :func:`sensor_fault_alerts`: identical consecutive values lasting at least ``flat_line_min``; values
    outside the plausible analyser range (``water/sensor_ranges``). ``peak`` = the stuck/extreme value.
``water.missing_data``
    :func:`missing_data_alerts`: no valid value for more than ``missing_data_alert_min`` minutes, between
    two values or from the last value to ``now``. ``peak``/``limit`` are None.

:func:`evaluate_alerts` runs all rules on a frame of many parameters (adds a ``parameter`` column).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from pydantic import BaseModel

from greenpark.water.compliance import (
    NS_PER_MIN,
    MonitoringRules,
    SensorRange,
    evaluate_continuous,
    fault_masks,
    sensor_ranges,
    utc_datetime,
    utc_ns,
)
from greenpark.water.standards import Limit

_UTC = dt.UTC


class Alert(BaseModel):
    """One alert: what rule fired, where, when, how bad."""

    rule: str
    wwtp_id: str
    parameter: str
    start: dt.datetime
    end: dt.datetime
    peak: float | None
    limit: float | None
    message: str


def _range_text(plausible: tuple[float, float] | SensorRange | None) -> str:
    return "" if plausible is None else f"{plausible[0]:g}..{plausible[1]:g}"


def _span(t_ns: np.ndarray, rules: MonitoringRules) -> tuple[pd.Timestamp, pd.Timestamp]:
    win = int(rules.averaging_window_min * NS_PER_MIN)
    step = int(rules.analyser_interval_min * NS_PER_MIN)
    lo = (int(t_ns.min()) // win) * win
    hi = -(-(int(t_ns.max()) + step) // win) * win
    return pd.Timestamp(lo, tz="UTC"), pd.Timestamp(hi, tz="UTC")


def exceedance_alerts(
    values: pd.DataFrame,
    limit: Limit,
    rules: MonitoringRules | None = None,
    plausible: tuple[float, float] | SensorRange | None = None,
    wwtp_id: str = "",
    parameter: str = "",
) -> list[Alert]:
    """Alerts for window means beyond ``limit`` lasting at least ``rules.exceedance_alert_min`` minutes."""
    rules = rules or MonitoringRules.from_reference()
    if values.empty:
        return []
    t = utc_ns(values["timestamp"])
    start, end = _span(t, rules)
    ev = evaluate_continuous(
        t,
        values["value"].to_numpy(dtype=float),
        limit,
        start,
        end,
        _UTC,
        rules,
        plausible,
        wwtp_id,
        parameter or limit.parameter,
    )
    out = []
    for e in ev.events:
        if e.duration_h * 60 >= rules.exceedance_alert_min:
            bound = f"{e.limit_min:g}..{e.limit:g}" if e.limit_min is not None else f"{e.limit:g}"
            out.append(
                Alert(
                    rule="water.exceedance",
                    wwtp_id=wwtp_id,
                    parameter=e.parameter,
                    start=e.start,
                    end=e.end,
                    peak=e.peak,
                    limit=e.limit,
                    message=f"{e.parameter} beyond its limit {bound} {e.unit} for {e.duration_h * 60:g} min "
                    f"(worst {rules.averaging_window_min:g}-min mean {e.peak:.3g} {e.unit})",
                )
            )
    return out


def sensor_fault_alerts(
    values: pd.DataFrame,
    plausible: tuple[float, float] | SensorRange | None = None,
    rules: MonitoringRules | None = None,
    wwtp_id: str = "",
    parameter: str = "",
) -> list[Alert]:
    """Alerts for flat lines (>= ``rules.flat_line_min``) and values outside ``plausible`` (low, high)."""
    rules = rules or MonitoringRules.from_reference()
    if values.empty:
        return []
    t = utc_ns(values["timestamp"])
    v = values["value"].to_numpy(dtype=float)
    order = np.argsort(t, kind="stable")
    t, v = t[order], v[order]
    step = int(rules.analyser_interval_min * NS_PER_MIN)
    out = []
    out_of_range, flat = fault_masks(t, v, plausible, rules)
    masks = [("flat_line", flat), ("out_of_range", out_of_range)]
    for kind, mask in masks:
        d = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
        for s, e in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True):
            peak = float(v[s]) if kind == "flat_line" else float(v[s:e][np.argmax(np.abs(v[s:e]))])
            why = (
                f"stuck at {peak:g} for {(t[e - 1] - t[s] + step) / NS_PER_MIN:g} min"
                if kind == "flat_line"
                else f"{e - s} value(s) outside the plausible range {_range_text(plausible)}"
            )
            out.append(
                Alert(
                    rule=f"water.sensor_fault.{kind}",
                    wwtp_id=wwtp_id,
                    parameter=parameter,
                    start=utc_datetime(t[s]),
                    end=utc_datetime(t[e - 1] + step),
                    peak=peak,
                    limit=None,
                    message=f"{parameter} analyser fault: {why}; values excluded from compliance",
                )
            )
    return out


def missing_data_alerts(
    values: pd.DataFrame,
    now: pd.Timestamp | dt.datetime,
    rules: MonitoringRules | None = None,
    since: pd.Timestamp | dt.datetime | None = None,
    wwtp_id: str = "",
    parameter: str = "",
) -> list[Alert]:
    """Alerts for gaps without a value longer than ``rules.missing_data_alert_min`` (up to ``now``).

    ``since`` (optional) is the start of the watched window: a gap from it to the first value counts too.
    """
    rules = rules or MonitoringRules.from_reference()
    now_ns = int(pd.Timestamp(now).value)
    step = int(rules.analyser_interval_min * NS_PER_MIN)
    t = utc_ns(values["timestamp"]) if not values.empty else np.zeros(0, dtype=np.int64)
    v = values["value"].to_numpy(dtype=float) if not values.empty else np.zeros(0)
    t = np.sort(t[np.isfinite(v)])
    if since is None and len(t) == 0:
        return []  # nothing to measure a gap from: give ``since``
    # each value covers [t, t + step); what is not covered between the watched start and now is missing
    covered_until = t + step
    gap_start = covered_until if since is None else np.concatenate(([int(pd.Timestamp(since).value)], covered_until))
    gap_end = np.append(t, now_ns) if since is not None else np.append(t[1:], now_ns)
    missing = gap_end - gap_start
    out = []
    for i in np.flatnonzero(missing >= int(rules.missing_data_alert_min * NS_PER_MIN)):
        minutes = missing[i] / NS_PER_MIN
        out.append(
            Alert(
                rule="water.missing_data",
                wwtp_id=wwtp_id,
                parameter=parameter,
                start=utc_datetime(gap_start[i]),
                end=utc_datetime(gap_end[i]),
                peak=None,
                limit=None,
                message=f"{parameter}: no valid value for {minutes:g} min "
                f"(alert after {rules.missing_data_alert_min:g} min)",
            )
        )
    return out


def evaluate_alerts(
    frame: pd.DataFrame,
    limits: dict[str, Limit],
    now: pd.Timestamp | dt.datetime,
    rules: MonitoringRules | None = None,
    ranges: dict[str, SensorRange] | None = None,
    wwtp_id: str = "",
    since: pd.Timestamp | dt.datetime | None = None,
) -> list[Alert]:
    """All rules on recent analyser values of one WWTP point (columns timestamp, parameter, value)."""
    rules = rules or MonitoringRules.from_reference()
    ranges = sensor_ranges() if ranges is None else ranges
    out: list[Alert] = []
    for parameter, rows in frame.groupby("parameter", sort=True):
        p = str(parameter)
        if p in limits:
            out += exceedance_alerts(rows, limits[p], rules, ranges.get(p), wwtp_id, p)
        out += sensor_fault_alerts(rows, ranges.get(p), rules, wwtp_id, p)
        out += missing_data_alerts(rows, now, rules, since, wwtp_id, p)
    return sorted(out, key=lambda a: (a.start, a.rule, a.parameter))
