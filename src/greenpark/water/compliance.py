"""Outlet compliance: lab samples one by one, analyser data by averaging window, events, faults, completeness.

Method
------
Lab samples (``method == "lab"``) are evaluated one by one against the limit. A censored value
(below detection, value = detection limit DL) complies when DL <= Cmax (the true value is below it);
when DL > Cmax the sample is *inconclusive* and not counted either way.

Analyser values (``method == "analyser"``, one every 5 minutes) are evaluated by averaging window.
**Interpretation (a parameter, ``MonitoringRules.averaging_window_min``, default 60 min):** the mean
of the valid values in each clock window (aligned on the park's local clock; Vietnam has whole-hour
offset, so UTC alignment is the same) is compared with Cmax (and Cmin for pH). A window is evaluated
only when at least ``min_valid_share`` of its expected values are present and valid; otherwise it is
*not evaluated*. Sensor faults are flagged first and excluded: values outside the analyser's plausible
range (``water/sensor_ranges``) and flat lines (a run of identical consecutive values lasting at least
``flat_line_min``). Faulty values count neither as compliant nor as non-compliant.

Exceedance events are maximal runs of consecutive exceeding windows (an evaluated compliant window or a
not-evaluated window ends an event); they are found on the whole period's series, so an event crossing
a month boundary is one event, while its windows count in each month's rate. ``peak`` is the window
mean farthest beyond the limit. A lab exceedance is an event with start = end = sample time.

Completeness of the automatic station = distinct 5-minute slots holding a present, valid value /
expected slots in the period, per parameter.

Result names (stable, used by report and API): ``ExceedanceEvent`` (wwtp_id, parameter, method,
start, end, duration_h, peak, limit, limit_min, unit, n_windows), ``SensorFault`` (wwtp_id, parameter,
kind, start, end, n_values), ``ParameterCompliance`` (parameter, method, unit, limit, limit_min,
n_evaluated, n_compliant, n_exceeded, n_inconclusive, compliance_rate, monthly), ``Completeness``
(parameter, expected, present, valid, share), ``OutletCompliance``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from pydantic import BaseModel

from greenpark.errors import InputError
from greenpark.reference import load_table
from greenpark.water.standards import Limit

log = logging.getLogger(__name__)
RULES_TABLE = "water/monitoring_rules"
SENSOR_RANGES_TABLE = "water/sensor_ranges"
NS_PER_MIN = 60_000_000_000


@dataclass(frozen=True)
class MonitoringRules:
    """Thresholds for analyser data and alerts (minutes unless stated); defaults in ``water/monitoring_rules``."""

    analyser_interval_min: float
    averaging_window_min: float
    min_valid_share: float
    flat_line_min: float
    exceedance_alert_min: float
    missing_data_alert_min: float

    @classmethod
    def from_reference(cls, **overrides: float) -> MonitoringRules:
        """The shipped defaults, with any keyword overriding one of them."""
        table = load_table(RULES_TABLE).set_index("rule")["value"].astype(float).to_dict()
        values = {name: table[name] for name in cls.__dataclass_fields__}
        values.update(overrides)
        return cls(**values)


class SensorRange(NamedTuple):
    """What an analyser can plausibly report: range [low, high], its quantification floor, flat-line window.

    ``floor``: readings at or below it may be constant (the instrument's lower limit), not a flat line.
    ``flat_line_min``: overrides ``MonitoringRules.flat_line_min`` for this parameter (None = the rule's).
    A plain ``(low, high)`` tuple is accepted wherever a SensorRange is.
    """

    low: float
    high: float
    floor: float | None = None
    flat_line_min: float | None = None


def _opt(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def sensor_ranges() -> dict[str, SensorRange]:
    """Plausible analyser behaviour per parameter, from ``water/sensor_ranges``: parameter -> SensorRange."""
    t = load_table(SENSOR_RANGES_TABLE)
    return {
        r.parameter: SensorRange(float(r.low), float(r.high), _opt(r.floor), _opt(r.flat_line_min))
        for r in t.itertuples()
    }


def fault_masks(
    t_ns: np.ndarray, values: np.ndarray, plausible: tuple[float, float] | SensorRange | None, rules: MonitoringRules
) -> tuple[np.ndarray, np.ndarray]:
    """(out_of_range, flat_line) masks of a time-sorted analyser series.

    Out of range: finite values outside [low, high]. Flat line: runs of identical values lasting at least the
    parameter's (or the rule's) flat-line duration, except values at or below the analyser's floor.
    """
    finite = np.isfinite(values)
    if plausible is None:
        out_of_range = np.zeros(len(values), dtype=bool)
        floor, minutes = None, rules.flat_line_min
    else:
        out_of_range = finite & ((values < plausible[0]) | (values > plausible[1]))
        floor = getattr(plausible, "floor", None)
        minutes = getattr(plausible, "flat_line_min", None) or rules.flat_line_min
    flat = flat_line_mask(t_ns, values, minutes, rules.analyser_interval_min) & finite & ~out_of_range
    if floor is not None:
        flat &= values > floor
    return out_of_range, flat


class ExceedanceEvent(BaseModel):
    """A period during which a parameter stayed beyond its limit (analyser) or one exceeding sample (lab)."""

    wwtp_id: str
    parameter: str
    method: str
    start: dt.datetime
    end: dt.datetime
    duration_h: float
    peak: float
    limit: float
    limit_min: float | None
    unit: str
    n_windows: int
    bound: str = "max"  # the bound the peak broke: "max" (above ``limit``) or "min" (below ``limit_min``, e.g. pH)


class SensorFault(BaseModel):
    """A run of analyser values flagged as a sensor fault (``flat_line`` or ``out_of_range``)."""

    wwtp_id: str
    parameter: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    n_values: int


class MonthlyRate(BaseModel):
    """Compliance of one parameter in one local month."""

    month: str
    n_evaluated: int
    n_compliant: int
    compliance_rate: float | None


class ParameterCompliance(BaseModel):
    """Compliance of one parameter by one method (``analyser`` windows or ``lab`` samples) over the period."""

    parameter: str
    method: str
    unit: str
    limit: float
    limit_min: float | None
    n_evaluated: int
    n_compliant: int
    n_exceeded: int
    n_inconclusive: int
    compliance_rate: float | None
    monthly: list[MonthlyRate]


class Completeness(BaseModel):
    """Share of expected analyser values present and valid for one parameter."""

    parameter: str
    expected: int
    present: int
    valid: int
    share: float


class OutletCompliance(BaseModel):
    """Everything the compliance evaluation of one WWTP outlet returns."""

    wwtp_id: str
    parameters: list[ParameterCompliance]
    exceedances: list[ExceedanceEvent]
    sensor_faults: list[SensorFault]
    completeness: list[Completeness]
    completeness_share: float | None
    compliance_rate: float | None


def _rate(ok: int, n: int) -> float | None:
    return ok / n if n else None


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) indices of the runs of True in a boolean array."""
    d = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def flat_line_mask(t_ns: np.ndarray, values: np.ndarray, flat_line_min: float, interval_min: float) -> np.ndarray:
    """True for values in a run of identical consecutive values lasting at least ``flat_line_min``.

    Parameters
    ----------
    t_ns : ndarray of int64
        Timestamps (ns), sorted ascending.
    values : ndarray of float
        Values in time order.
    flat_line_min, interval_min : float
        Minimum run duration to flag, and the analyser step; a run of k values lasts
        t_last - t_first + one step.
    """
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=bool)
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], n) - 1
    duration = t_ns[ends] - t_ns[starts] + int(interval_min * NS_PER_MIN)
    flagged = duration >= int(flat_line_min * NS_PER_MIN)
    run_id = np.cumsum(change) - 1
    return flagged[run_id]


def _parameter_compliance(
    parameter: str,
    method: str,
    limit: Limit,
    months: np.ndarray,
    evaluated: np.ndarray,
    compliant: np.ndarray,
    exceeded: np.ndarray,
    n_inconclusive: int,
) -> ParameterCompliance:
    """One parameter's compliance from its evaluated / compliant / exceeded masks (analyser windows or lab samples)."""
    n_eval, n_ok = int(evaluated.sum()), int(compliant.sum())
    return ParameterCompliance(
        parameter=parameter,
        method=method,
        unit=limit.unit,
        limit=limit.cmax,
        limit_min=limit.cmin,
        n_evaluated=n_eval,
        n_compliant=n_ok,
        n_exceeded=int(exceeded.sum()),
        n_inconclusive=n_inconclusive,
        compliance_rate=_rate(n_ok, n_eval),
        monthly=_monthly(months, evaluated, compliant),
    )


def _local_months(t_ns: np.ndarray, zone: dt.tzinfo) -> np.ndarray:
    idx = pd.DatetimeIndex(t_ns, tz="UTC").tz_convert(zone)
    return np.asarray(idx.year * 100 + idx.month)


def _monthly(months: np.ndarray, evaluated: np.ndarray, compliant: np.ndarray) -> list[MonthlyRate]:
    out = []
    for m in np.unique(months):
        sel = months == m
        n, ok = int(evaluated[sel].sum()), int(compliant[sel].sum())
        out.append(
            MonthlyRate(
                month=f"{m // 100:04d}-{m % 100:02d}", n_evaluated=n, n_compliant=ok, compliance_rate=_rate(ok, n)
            )
        )
    return out


def utc_ns(timestamps: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """UTC nanoseconds of tz-aware timestamps (naive ones are refused: a 7-hour error for Vietnam)."""
    idx = pd.DatetimeIndex(timestamps)
    if idx.tz is None:
        raise InputError("wastewater timestamps are naive; the importer must make them tz-aware (UTC)")
    return idx.as_unit("ns").asi8


def utc_datetime(ns: int) -> dt.datetime:
    return pd.Timestamp(int(ns), tz="UTC").to_pydatetime()


def _fault_records(
    wwtp_id: str, parameter: str, kind: str, mask: np.ndarray, t_ns: np.ndarray, step_ns: int
) -> list[SensorFault]:
    starts, ends = _runs(mask)
    return [
        SensorFault(
            wwtp_id=wwtp_id,
            parameter=parameter,
            kind=kind,
            start=utc_datetime(t_ns[s]),
            end=utc_datetime(t_ns[e - 1] + step_ns),
            n_values=int(e - s),
        )
        for s, e in zip(starts, ends, strict=True)
    ]


@dataclass
class ContinuousEvaluation:
    """Per-parameter outcome of :func:`evaluate_continuous` (window arrays kept for alerts and charts)."""

    compliance: ParameterCompliance | None
    events: list[ExceedanceEvent]
    faults: list[SensorFault]
    completeness: Completeness
    window_start_ns: np.ndarray
    window_mean: np.ndarray
    window_status: np.ndarray  # 0 not evaluated, 1 compliant, 2 exceeded


def evaluate_continuous(
    t_ns: np.ndarray,
    values: np.ndarray,
    limit: Limit | None,
    start: pd.Timestamp,
    end: pd.Timestamp,
    zone: dt.tzinfo,
    rules: MonitoringRules,
    plausible: tuple[float, float] | SensorRange | None,
    wwtp_id: str = "",
    parameter: str = "",
) -> ContinuousEvaluation:
    """Evaluate one parameter's analyser series over [start, end) by averaging window.

    Parameters
    ----------
    t_ns : ndarray of int64
        UTC timestamps in ns (any order; duplicates keep the last value).
    values : ndarray of float
        Values in the canonical unit.
    limit : Limit or None
        The limit; None evaluates completeness and faults only (e.g. flow).
    start, end : Timestamp
        Period (tz-aware); windows are aligned on ``start``.
    zone : ZoneInfo
        Park zone, in which months are cut.
    rules : MonitoringRules
        Interval, window, minimum valid share, flat-line duration.
    plausible : SensorRange, (low, high) or None
        Plausible analyser range (outside is a sensor fault), floor and flat-line window.

    Returns
    -------
    ContinuousEvaluation
    """
    start_ns, end_ns = int(start.value), int(end.value)
    if end_ns <= start_ns:
        raise InputError(f"empty period {start} .. {end}; end must be after start")
    step_ns = int(rules.analyser_interval_min * NS_PER_MIN)
    win_ns = int(rules.averaging_window_min * NS_PER_MIN)
    if win_ns < step_ns or win_ns % step_ns:
        raise InputError(
            f"averaging window {rules.averaging_window_min} min must be a multiple of the analyser interval "
            f"{rules.analyser_interval_min} min"
        )
    t_ns = np.asarray(t_ns, dtype=np.int64)
    v = np.asarray(values, dtype=float)
    keep = (t_ns >= start_ns) & (t_ns < end_ns)
    t_ns, v = t_ns[keep], v[keep]
    order = np.argsort(t_ns, kind="stable")
    t_ns, v = t_ns[order], v[order]
    if len(t_ns) > 1:
        last = np.append(t_ns[1:] != t_ns[:-1], True)
        t_ns, v = t_ns[last], v[last]
    out_of_range, flat = fault_masks(t_ns, v, plausible, rules)
    valid = np.isfinite(v) & ~out_of_range & ~flat

    n_win = -(-(end_ns - start_ns) // win_ns)
    w = (t_ns - start_ns) // win_ns
    n_valid = np.bincount(w[valid], minlength=n_win)
    sums = np.bincount(w[valid], weights=v[valid], minlength=n_win)
    expected = win_ns // step_ns
    evaluated = n_valid >= rules.min_valid_share * expected
    mean = np.full(n_win, np.nan)
    np.divide(sums, n_valid, out=mean, where=n_valid > 0)
    win_start = start_ns + np.arange(n_win, dtype=np.int64) * win_ns

    status = np.zeros(n_win, dtype=np.int8)
    events: list[ExceedanceEvent] = []
    if limit is not None:
        over = mean > limit.cmax
        if limit.cmin is not None:
            over |= mean < limit.cmin
        exceeded = evaluated & over
        status[evaluated] = 1
        status[exceeded] = 2
        beyond = np.where(mean > limit.cmax, mean - limit.cmax, (limit.cmin - mean) if limit.cmin is not None else 0.0)
        for s, e in zip(*_runs(exceeded), strict=True):
            k = s + int(np.nanargmax(beyond[s:e]))
            events.append(
                ExceedanceEvent(
                    wwtp_id=wwtp_id,
                    parameter=parameter,
                    method="analyser",
                    start=utc_datetime(win_start[s]),
                    end=utc_datetime(win_start[e - 1] + win_ns),
                    duration_h=(e - s) * win_ns / (60 * NS_PER_MIN),
                    peak=float(mean[k]),
                    limit=limit.cmax,
                    limit_min=limit.cmin,
                    unit=limit.unit,
                    n_windows=int(e - s),
                    bound="min" if limit.cmin is not None and mean[k] < limit.cmin else "max",
                )
            )
        months = _local_months(win_start, zone)
        compliance = _parameter_compliance(
            parameter, "analyser", limit, months, evaluated, status == 1, exceeded, int(n_win - evaluated.sum())
        )
    else:
        compliance = None  # type: ignore[assignment]

    n_slots = -(-(end_ns - start_ns) // step_ns)
    slot = (t_ns - start_ns) // step_ns
    present_slots = int(np.count_nonzero(np.bincount(slot, minlength=n_slots)))
    valid_slots = int(np.count_nonzero(np.bincount(slot[valid], minlength=n_slots)))
    completeness = Completeness(
        parameter=parameter,
        expected=int(n_slots),
        present=present_slots,
        valid=valid_slots,
        share=valid_slots / n_slots,
    )
    faults = _fault_records(wwtp_id, parameter, "out_of_range", out_of_range, t_ns, step_ns) + _fault_records(
        wwtp_id, parameter, "flat_line", flat, t_ns, step_ns
    )
    return ContinuousEvaluation(compliance, events, faults, completeness, win_start, mean, status)


def evaluate_samples(
    samples: pd.DataFrame, limit: Limit, zone: dt.tzinfo, wwtp_id: str = "", parameter: str = ""
) -> tuple[ParameterCompliance, list[ExceedanceEvent]]:
    """Evaluate lab samples one by one (columns timestamp, value, censored).

    A censored sample (value = detection limit DL) complies when DL <= Cmax and is inconclusive when
    DL > Cmax; with a lower limit, DL < Cmin means the true value is below Cmin: exceeded.
    """
    t = pd.DatetimeIndex(samples["timestamp"])
    v = samples["value"].to_numpy(dtype=float)
    cens = samples["censored"].to_numpy(dtype=bool) if "censored" in samples else np.zeros(len(v), dtype=bool)
    above = ~cens & (v > limit.cmax)
    below = (v < limit.cmin) if limit.cmin is not None else np.zeros(len(v), dtype=bool)
    exceeded = above | below
    inconclusive = cens & (v > limit.cmax) & ~below
    evaluated = ~inconclusive
    compliant = evaluated & ~exceeded
    months = _local_months(utc_ns(samples["timestamp"]), zone)
    events = [
        ExceedanceEvent(
            wwtp_id=wwtp_id,
            parameter=parameter,
            method="lab",
            start=t[i].to_pydatetime(),
            end=t[i].to_pydatetime(),
            duration_h=0.0,
            peak=float(v[i]),
            limit=limit.cmax,
            limit_min=limit.cmin,
            unit=limit.unit,
            n_windows=1,
            bound="min" if below[i] else "max",
        )
        for i in np.flatnonzero(exceeded)
    ]
    comp = _parameter_compliance(
        parameter, "lab", limit, months, evaluated, compliant, exceeded, int(inconclusive.sum())
    )
    return comp, events


def evaluate_outlet(
    outlet: pd.DataFrame,
    limits: dict[str, Limit],
    start: pd.Timestamp,
    end: pd.Timestamp,
    zone: dt.tzinfo,
    rules: MonitoringRules,
    ranges: dict[str, SensorRange],
    wwtp_id: str,
    required_analyser: list[str] | None = None,
) -> OutletCompliance:
    """Compliance of one WWTP outlet over [start, end): every parameter, both methods.

    Parameters
    ----------
    outlet : DataFrame
        Rows of the ``wastewater`` table for this WWTP at point ``outlet`` (timestamp UTC, parameter,
        value, method, censored).
    limits : dict
        parameter -> Limit (from :func:`greenpark.water.standards.discharge_limits`).
    required_analyser : list of str, optional
        Parameters the automatic station must report (completeness is computed for them even when
        absent: share 0); only used when the outlet has analyser data at all.
    """
    params: list[ParameterCompliance] = []
    events: list[ExceedanceEvent] = []
    faults: list[SensorFault] = []
    complete: list[Completeness] = []
    if outlet.empty:
        return OutletCompliance(
            wwtp_id=wwtp_id,
            parameters=[],
            exceedances=[],
            sensor_faults=[],
            completeness=[],
            completeness_share=None,
            compliance_rate=None,
        )
    is_analyser = (outlet["method"] == "analyser").to_numpy(dtype=bool, na_value=False)
    analyser = outlet[is_analyser]
    lab = outlet[~is_analyser]
    if not lab.empty:
        ts = pd.DatetimeIndex(lab["timestamp"])
        lab = lab[(ts >= start) & (ts < end)]
    if not analyser.empty:
        # one pass into numpy, then split by parameter code: no per-group pandas indexing
        codes, names = pd.factorize(analyser["parameter"])
        t_all = utc_ns(analyser["timestamp"])
        v_all = analyser["value"].to_numpy(dtype=float)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        for k in np.argsort(np.asarray(names, dtype=str)):
            parameter = str(names[k])
            sel = order[bounds[k] : bounds[k + 1]]
            ev = evaluate_continuous(
                t_all[sel],
                v_all[sel],
                limits.get(parameter),
                start,
                end,
                zone,
                rules,
                ranges.get(parameter),
                wwtp_id,
                parameter,
            )
            if ev.compliance is not None:
                params.append(ev.compliance)
            events += ev.events
            faults += ev.faults
            complete.append(ev.completeness)
    if not analyser.empty and required_analyser:
        present = {c.parameter for c in complete}
        n_slots = int(-(-(end.value - start.value) // int(rules.analyser_interval_min * NS_PER_MIN)))
        complete += [
            Completeness(parameter=p, expected=n_slots, present=0, valid=0, share=0.0)
            for p in required_analyser
            if p not in present
        ]
    for parameter, idx in lab.groupby("parameter", sort=True).indices.items():
        if parameter not in limits:
            continue
        comp, lab_events = evaluate_samples(lab.iloc[idx], limits[parameter], zone, wwtp_id, str(parameter))
        params.append(comp)
        events += lab_events
    n_eval = sum(p.n_evaluated for p in params)
    n_ok = sum(p.n_compliant for p in params)
    events.sort(key=lambda e: (e.start, e.parameter))
    return OutletCompliance(
        wwtp_id=wwtp_id,
        parameters=params,
        exceedances=events,
        sensor_faults=faults,
        completeness=sorted(complete, key=lambda c: c.parameter),
        completeness_share=float(np.mean([c.share for c in complete])) if complete else None,
        compliance_rate=_rate(n_ok, n_eval),
    )
