"""The water pillar for one park and year: every WWTP's compliance, efficiency, GHG activity, alerts; tenants.

:func:`assess_water` gathers the engine functions into one :class:`WaterResult` whose JSON form
(``model_dump(mode="json")``) the CLI prints and the report renders. Stable field names:

``WaterResult``: park_id, year, timezone, rules (the thresholds used), wwtps (list of ``WwtpResult``), tenants (list
of ``TenantLoad``), tenant_notes, cost_weights, findings (list of ``Finding``).

``WwtpResult``: wwtp_id, name, standard, column, kq, kf, limits_used (list of ``Limit``),
compliance_rate, exceedances (``ExceedanceEvent``: parameter, method, start, end, duration_h, peak, limit,
limit_min, unit), completeness (share 0..1 of expected 5-minute values present and valid, mean over the
station's parameters), completeness_by_parameter, parameters (``ParameterCompliance`` with monthly rates),
sensor_faults, removal_efficiency (parameter -> %), kwh_per_m3, performance (``PlantPerformance``),
ghg_activity (``WwtpGhgActivity``), alerts (``Alert``: exceedances lasting beyond the alert window, sensor
faults, and analyser gaps beyond the missing-data window, for the report).

``TenantLoad``: tenant_id, volume_m3, flow_share, cod_load_share, load_share, connection_breaches,
cost_share, cost_vnd.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from pydantic import BaseModel, Field

from greenpark.errors import MissingFactorError, NoDataError, UnknownParameterError
from greenpark.model import ParkData, Wwtp
from greenpark.periods import year_bounds
from greenpark.water.alerts import Alert, missing_data_alerts
from greenpark.water.compliance import (
    Completeness,
    ExceedanceEvent,
    MonitoringRules,
    OutletCompliance,
    ParameterCompliance,
    SensorFault,
    evaluate_outlet,
    sensor_ranges,
)
from greenpark.water.efficiency import PlantPerformance, plant_performance, sludge_tonnes, wwtp_electricity_kwh
from greenpark.water.ghg_link import WwtpGhgActivity, activity_from_performance, flow_weighted_means
from greenpark.water.parameters import parameter_table
from greenpark.water.standards import (
    NEW_EDITION,
    OLD_EDITION,
    EditionPeriod,
    Limit,
    connection_limits,
    discharge_limits,
    edition_periods,
    standard_edition,
)
from greenpark.water.tenants import TenantLoad, tenant_loads, tenant_volumes_m3

log = logging.getLogger(__name__)
COLUMNS = ["wwtp_id", "timestamp", "point", "parameter", "value", "unit", "method", "censored"]


class Finding(BaseModel):
    """A problem that did not stop the work (stable dotted code, message, data)."""

    code: str
    message: str
    data: dict = Field(default_factory=dict)


class WwtpResult(BaseModel):
    """Everything the water pillar says about one WWTP for the year."""

    wwtp_id: str
    name: str
    standard: str
    column: str
    kq: float | None
    kf: float | None
    editions: list[EditionPeriod] = []
    limits_used: list[Limit]
    compliance_rate: float | None
    exceedances: list[ExceedanceEvent]
    completeness: float | None
    completeness_by_parameter: list[Completeness]
    parameters: list[ParameterCompliance]
    sensor_faults: list[SensorFault]
    removal_efficiency: dict[str, float]
    kwh_per_m3: float | None
    performance: PlantPerformance
    ghg_activity: WwtpGhgActivity
    alerts: list[Alert]


class WaterResult(BaseModel):
    """The water pillar of a park for one year."""

    park_id: str
    year: int
    timezone: str
    rules: dict[str, float]
    wwtps: list[WwtpResult]
    tenants: list[TenantLoad]
    tenant_notes: list[str]
    cost_weights: dict[str, float]
    findings: list[Finding]


def _checked_wastewater(table: pd.DataFrame) -> pd.DataFrame:
    if table.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    known = set(parameter_table().index)
    unknown = sorted(set(table["parameter"].astype(str)) - known)
    if unknown:
        raise UnknownParameterError(
            f"wastewater table has non-canonical parameter(s) {unknown}; canonical names: {sorted(known)}; "
            f"import it with greenpark.io (or greenpark.water.parameters.normalise_wastewater) first"
        )
    out = table
    if "censored" not in out:
        out = out.assign(censored=False)
    if "method" not in out:
        out = out.assign(method="lab")
    return out


def _gap_alerts(outlet: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, rules: MonitoringRules) -> list[Alert]:
    """Missing-data alerts of the year for every analyser parameter at the outlet (gaps beyond the alert window)."""
    an = outlet[(outlet["method"] == "analyser").to_numpy(dtype=bool, na_value=False)]
    out: list[Alert] = []
    for parameter, rows in an.groupby("parameter", sort=True):
        ts = pd.DatetimeIndex(rows["timestamp"])
        rows = rows[(ts >= start) & (ts < end)]
        wwtp_id = str(rows["wwtp_id"].iloc[0]) if not rows.empty else ""
        out += missing_data_alerts(rows, now=end, rules=rules, since=start, wwtp_id=wwtp_id, parameter=str(parameter))
    return out


def _alerts_from(outlet: list[ExceedanceEvent], faults: list[SensorFault], rules: MonitoringRules) -> list[Alert]:
    out = [
        Alert(
            rule="water.exceedance",
            wwtp_id=e.wwtp_id,
            parameter=e.parameter,
            start=e.start,
            end=e.end,
            peak=e.peak,
            limit=e.limit,
            message=f"{e.parameter} beyond {e.limit:g} {e.unit} for {e.duration_h:g} h (peak {e.peak:.3g})",
        )
        for e in outlet
        if e.method == "analyser" and e.duration_h * 60 >= rules.exceedance_alert_min
    ]
    out += [
        Alert(
            rule=f"water.sensor_fault.{f.kind}",
            wwtp_id=f.wwtp_id,
            parameter=f.parameter,
            start=f.start,
            end=f.end,
            peak=None,
            limit=None,
            message=f"{f.parameter} analyser {f.kind.replace('_', ' ')}: {f.n_values} value(s) excluded",
        )
        for f in faults
    ]
    return sorted(out, key=lambda a: (a.start, a.rule))


def _combined(parts: list[OutletCompliance], wwtp_id: str) -> OutletCompliance:
    """One plant's compliance over consecutive edition periods: counts summed, events and faults joined."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return OutletCompliance(wwtp_id=wwtp_id, parameters=[], exceedances=[], sensor_faults=[], completeness=[],
                                completeness_share=None, compliance_rate=None)  # fmt: skip
    params = [p for part in parts for p in part.parameters]
    n_eval = sum(p.n_evaluated for p in params)
    totals: dict[str, list[int]] = {}
    for c in (c for part in parts for c in part.completeness):
        t = totals.setdefault(c.parameter, [0, 0, 0])
        t[0], t[1], t[2] = t[0] + c.expected, t[1] + c.present, t[2] + c.valid
    complete = [
        Completeness(parameter=k, expected=e, present=pr, valid=v, share=v / e if e else 0.0)
        for k, (e, pr, v) in sorted(totals.items())
    ]
    return OutletCompliance(
        wwtp_id=wwtp_id,
        parameters=params,
        exceedances=sorted((e for part in parts for e in part.exceedances), key=lambda e: (e.start, e.parameter)),
        sensor_faults=[f for part in parts for f in part.sensor_faults],
        completeness=complete,
        completeness_share=sum(c.share for c in complete) / len(complete) if complete else None,
        compliance_rate=sum(p.n_compliant for p in params) / n_eval if n_eval else None,
    )


def assess_wwtp(
    wwtp: Wwtp,
    wastewater: pd.DataFrame,
    year: int,
    start: pd.Timestamp,
    end: pd.Timestamp,
    zone: ZoneInfo,
    rules: MonitoringRules,
    electricity_kwh: float | None = None,
    tenant_volume_m3: float | None = None,
    sludge: tuple[float, float | None] | None = None,
    reference_dirs: Iterable[Path] = (),
) -> tuple[WwtpResult, list[Finding]]:
    """Compliance, performance, GHG activity and alerts of one WWTP over [start, end).

    The period is cut where the applicable QCVN 40 edition changes (:func:`edition_periods`: by the
    plant's commissioning date and the 2031-12-31 end of the transition); each part is evaluated against
    its own edition's limits. A part under QCVN 40:2025 whose limits are not in the reference data is
    reported as a finding (``water.standard.limits_missing``) and evaluated for completeness only.
    """
    findings: list[Finding] = []
    ranges = sensor_ranges()
    ww = wastewater[wastewater["wwtp_id"] == wwtp.wwtp_id]
    local_start, local_end = start.tz_convert(zone).date(), end.tz_convert(zone).date()
    periods = edition_periods(wwtp, local_start, local_end)
    new_edition = standard_edition(NEW_EDITION)["effective"]
    if wwtp.standard == OLD_EDITION and wwtp.commissioned and wwtp.commissioned >= new_edition:
        findings.append(
            Finding(
                code="water.standard.new_plant_old_edition",
                message=f"{wwtp.wwtp_id} was commissioned {wwtp.commissioned} after QCVN 40:2025 took "
                f"effect; the transition for existing plants does not cover it: evaluated against QCVN 40:2025",
                data={"wwtp_id": wwtp.wwtp_id},
            )
        )
    if wwtp.commissioned is None and any(p.standard == OLD_EDITION and p.start >= new_edition for p in periods):
        findings.append(
            Finding(
                code="water.standard.transition_assumed",
                message=f"{wwtp.wwtp_id} has no commissioning date: taken as operating before "
                f"{new_edition.isoformat()}, so QCVN 40:2011 applies until 2031-12-31 (Circular 06/2025 Art. 3); "
                f"add 'commissioned' to wwtp.csv",
                data={"wwtp_id": wwtp.wwtp_id},
            )
        )
    outlet = ww[ww["point"] == "outlet"]
    params = sorted(set(outlet["parameter"].astype(str)) - {"flow"})
    required = parameter_table().query("auto_monitoring == 1").index.tolist()
    limits: dict[str, Limit] = {}
    limits_used: list[Limit] = []
    parts = []
    for period in periods:
        p_start = pd.Timestamp(period.start, tz=zone).tz_convert("UTC")
        p_end = pd.Timestamp(period.end, tz=zone).tz_convert("UTC")
        p_start, p_end = max(p_start, start), min(p_end, end)
        mid = (p_start + (p_end - p_start) / 2).tz_convert(zone).date()
        try:
            p_limits = discharge_limits(wwtp, mid, params, standard=period.standard, extra_dirs=reference_dirs)
        except MissingFactorError as exc:
            if period.standard != NEW_EDITION:
                raise
            # the work can go on: completeness and sensor faults are still measured; compliance is not
            findings.append(
                Finding(
                    code="water.standard.limits_missing",
                    message=f"{wwtp.wwtp_id} {period.start.isoformat()}..{period.end.isoformat()}: {exc}",
                    data={"wwtp_id": wwtp.wwtp_id, "standard": period.standard, "start": period.start.isoformat()},
                )
            )
            p_limits = {}
        parts.append(evaluate_outlet(outlet, p_limits, p_start, p_end, zone, rules, ranges, wwtp.wwtp_id, required))
        limits.update(p_limits)
        limits_used += list(p_limits.values())
    comp = _combined(parts, wwtp.wwtp_id)
    perf = plant_performance(wastewater, wwtp, start, end, rules, ranges, electricity_kwh, tenant_volume_m3, sludge)
    if electricity_kwh is None:
        findings.append(
            Finding(
                code="water.energy.no_meter",
                message=f"no electricity for {wwtp.wwtp_id}: kWh/m3 left out (mark its meter with "
                f"wwtp_id in meters.csv)",
                data={"wwtp_id": wwtp.wwtp_id},
            )
        )
    any_limit = next(iter(limits.values()), None)
    result = WwtpResult(
        wwtp_id=wwtp.wwtp_id,
        name=wwtp.name,
        standard=periods[-1].standard if periods else wwtp.standard,
        editions=periods,
        column=wwtp.column,
        kq=any_limit.kq if any_limit else wwtp.kq,
        kf=any_limit.kf if any_limit else wwtp.kf,
        limits_used=limits_used,
        compliance_rate=comp.compliance_rate,
        exceedances=comp.exceedances,
        completeness=comp.completeness_share,
        completeness_by_parameter=comp.completeness,
        parameters=comp.parameters,
        sensor_faults=comp.sensor_faults,
        removal_efficiency=perf.removal_efficiency_pct,
        kwh_per_m3=perf.kwh_per_m3,
        performance=perf,
        ghg_activity=activity_from_performance(
            perf,
            year,
            wwtp.treatment.value,
            weighted=flow_weighted_means(wastewater, wwtp.wwtp_id, start, end, zone, rules),
            receiving_water=wwtp.receiving_water,
        ),
        alerts=sorted(
            _alerts_from(comp.exceedances, comp.sensor_faults, rules) + _gap_alerts(outlet, start, end, rules),
            key=lambda a: (a.start, a.rule, a.parameter),
        ),
    )
    return result, findings


def _in_year(ww: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Rows of the wastewater table inside [start, end)."""
    if ww.empty or "timestamp" not in ww:
        return pd.Series(False, index=ww.index, dtype=bool)
    ts = pd.to_datetime(ww["timestamp"], utc=True)
    return (ts >= start) & (ts < end)


def _held(ww: pd.DataFrame, zone: ZoneInfo) -> str:
    """What the wastewater table holds, for a message: its span in park local time, or that it is empty."""
    if ww.empty or "timestamp" not in ww:
        return "wastewater.csv is missing or empty"
    ts = pd.to_datetime(ww["timestamp"], utc=True).dt.tz_convert(zone)
    return f"wastewater.csv covers {ts.min():%Y-%m-%d} to {ts.max():%Y-%m-%d}"


def assess_water(
    data: ParkData,
    year: int,
    electricity: pd.DataFrame | None = None,
    tenant_volumes: pd.DataFrame | None = None,
    rules: MonitoringRules | None = None,
    treatment_cost_vnd: float | None = None,
    reference_dirs: Iterable[Path] = (),
) -> WaterResult:
    """The water pillar of a park for one calendar year (cut in the park's zone).

    Parameters
    ----------
    data : ParkData
        ``wwtps``, ``meters``, tables ``wastewater`` (canonical, see docs/park-folder.md) and optional
        ``connection_limits``.
    year : int
        Calendar year.
    electricity : DataFrame, optional
        Per-meter consumption (meter_id, kind, period_start, value kWh) incl. the WWTP meter(s).
    tenant_volumes : DataFrame, optional
        Tenant discharge volumes (tenant_id, period or period_start, value m3 [, kind]).
    rules : MonitoringRules, optional
        Averaging window, fault and alert thresholds; default ``water/monitoring_rules``.
    treatment_cost_vnd : float, optional
        Treatment cost of the year, split among tenants by load.
    reference_dirs : iterable of Path
        User reference folders (e.g. QCVN 40:2025 rows in ``water/qcvn40_2025.csv``).

    Raises
    ------
    UnknownParameterError
        The wastewater table has a name that is not canonical.
    MissingFactorError
        A limit is not available (e.g. QCVN 40:2025 values not yet transcribed).
    NoDataError
        The park has no WWTP, or no wastewater reading in the year (the message says what the table holds).
    """
    if not data.wwtps:
        raise NoDataError(
            f"park {data.park.park_id!r} has no WWTP: nothing to assess for water; add wwtp.csv (and wastewater.csv)"
        )
    rules = rules or MonitoringRules.from_reference()
    start, end = (pd.Timestamp(t).tz_convert("UTC") for t in year_bounds(data.park.zone, year))
    ww = _checked_wastewater(data.table("wastewater"))
    in_year = _in_year(ww, start, end)
    if not in_year.any():
        at = ", ".join(w.wwtp_id for w in data.wwtps)
        raise NoDataError(
            f"no wastewater readings for {year} at {at} ({_held(ww, data.park.zone)}); "
            f"add wastewater.csv rows for {year} or choose another --year"
        )
    vols = tenant_volumes_m3(tenant_volumes, start, end)
    findings: list[Finding] = []
    wwtps = []
    for w in data.wwtps:
        if not (in_year & (ww["wwtp_id"] == w.wwtp_id)).any():
            findings.append(
                Finding(
                    code="water.data.no_readings",
                    message=f"no wastewater readings for {w.wwtp_id} in {year}: its compliance is unknown, not met",
                    data={"wwtp_id": w.wwtp_id},
                )
            )
        kwh = wwtp_electricity_kwh(electricity, data.meters, w.wwtp_id, start, end)
        res, f = assess_wwtp(
            w,
            ww,
            year,
            start,
            end,
            data.park.zone,
            rules,
            kwh,
            sum(vols.values()) or None if len(data.wwtps) == 1 else None,
            sludge_tonnes(data.table("sludge"), w.wwtp_id, start, end, data.park.zone),
            reference_dirs,
        )
        wwtps.append(res)
        findings += f
    alloc = tenant_loads(ww, vols, connection_limits(data.table("connection_limits")), start, end, treatment_cost_vnd)
    return WaterResult(
        park_id=data.park.park_id,
        year=year,
        timezone=data.park.timezone,
        rules=dataclasses.asdict(rules),
        wwtps=wwtps,
        tenants=alloc.tenants,
        tenant_notes=alloc.notes,
        cost_weights=alloc.weights,
        findings=findings,
    )
