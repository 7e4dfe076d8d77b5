"""Discharge limits: QCVN 40 (2011 and 2025 editions) at the WWTP outlet, connection limits at tenant points.

QCVN 40:2011/BTNMT section 2: the maximum allowed value of a parameter is

    Cmax = C x Kq x Kf                                                     (formula V)

with C from Table 1 (column A: water used for domestic supply; column B: other water), Kq the
receiving-water coefficient (section 2.3: by the river's dry-season flow Q in m3/s, the lake's volume
V in m3, or the coastal water's use) and Kf the discharge-flow coefficient (section 2.4: by the
facility's total discharge F in m3/24h). Cmax = C, without coefficients, for temperature, colour,
pH, coliform, gross alpha and gross beta. pH is a range [value_min, value].

Interpretation: F is taken as the plant's design capacity (``Wwtp.capacity_m3_per_day``), the
figure its discharge permit is based on, so that Kf does not change with the day's flow; a caller can
pass another F. Kq/Kf given on the Wwtp win over the derived ones.

QCVN 40:2025/BTNMT (Circular 06/2025/TT-BTNMT, effective 2025-09-01) is its own edition with its own
table (``water/qcvn40_2025``): columns A, B and C (by the receiving water) and limits tiered by the
discharge flow F (rows carry ``flow_min_m3_per_day < F <= flow_max_m3_per_day``), no Kq/Kf (reported as
None). Its numeric limits are not yet transcribed from a text greenpark could read (see
docs/reference-status.md), so asking for one raises :class:`~greenpark.errors.MissingFactorError` naming
the file to fill; adding them (shipped, or in a user reference folder passed as ``extra_dirs``) is a data
edit, no code change.

Which edition applies (:func:`edition_on`, :func:`edition_periods`): before 2025-09-01 the 2011 edition.
From 2025-09-01 a plant commissioned on or after that date is held to QCVN 40:2025 from its
commissioning; a plant operating before it (``commissioned`` earlier, or unknown) may keep QCVN 40:2011
until 2031-12-31 (Circular 06/2025/TT-BTNMT Art. 3, transitional provisions) when ``wwtp.csv`` says
``QCVN40:2011``, and is held to the 2025 edition from 2032-01-01. One park may hold plants under both
editions; each plant's year is cut into the periods of the edition in force.

All numbers come from ``reference/data/water/*.csv``; none is written here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from greenpark.errors import InputError, MissingFactorError
from greenpark.model import Wwtp
from greenpark.reference import load_table, valid_on

STANDARDS_TABLE = "water/standards"
OLD_EDITION = "QCVN40:2011"
NEW_EDITION = "QCVN40:2025"
KQ_TABLE = "water/qcvn40_2011_kq"
KF_TABLE = "water/qcvn40_2011_kf"
CONNECTION_DEFAULT_TABLE = "water/connection_limits_default"


class Limit(BaseModel):
    """The limit one parameter must meet, with how it was derived.

    ``cmax`` is the upper limit after coefficients (``c`` x ``kq`` x ``kf`` where ``coefficients``),
    ``cmin`` the lower limit (pH only), in ``unit``. ``source``/``confidence`` are those of the C row.
    """

    model_config = ConfigDict(frozen=True)

    parameter: str
    unit: str
    standard: str
    column: str | None
    c: float
    c_min: float | None
    coefficients: bool
    kq: float | None
    kf: float | None
    cmax: float
    cmin: float | None
    source: str
    confidence: str


def _band(table: pd.DataFrame, measure: float) -> pd.DataFrame:
    lower = pd.to_numeric(table["lower"]).fillna(-math.inf)
    upper = pd.to_numeric(table["upper"]).fillna(math.inf)
    return table[(lower < measure) & (measure <= upper)]


def kq_coefficient(
    receiving_water: str,
    flow_m3_per_s: float | None = None,
    volume_m3: float | None = None,
    on: dt.date | None = None,
) -> float:
    """Kq of QCVN 40:2011 section 2.3 for the receiving water.

    Parameters
    ----------
    receiving_water : str
        ``river`` (uses ``flow_m3_per_s``: mean flow of the 3 driest months over 3 years),
        ``lake`` (uses ``volume_m3``: mean volume of the 3 driest months), ``coastal_protected`` or
        ``coastal_other``.
    flow_m3_per_s, volume_m3 : float, optional
        The measure; None means "no data", for which the table's ``no_data`` row applies.
    on : date, optional
        Date the coefficient must be valid on.

    Returns
    -------
    float
        Kq (dimensionless). Source: ``water/qcvn40_2011_kq``.
    """
    table = load_table(KQ_TABLE)
    if on is not None:
        table = valid_on(table, on)
    rows = table[table["receiving_water"] == receiving_water]
    if rows.empty:
        choices = sorted(set(load_table(KQ_TABLE)["receiving_water"]))
        raise InputError(
            f"unknown receiving_water {receiving_water!r}; choose one of {choices}, or give kq in wwtp.csv"
        )
    measure = flow_m3_per_s if receiving_water == "river" else volume_m3 if receiving_water == "lake" else None
    if receiving_water in ("river", "lake"):
        if measure is None:
            hit = rows[rows["basis"] == "no_data"]
        else:
            if measure < 0:
                raise InputError(
                    f"receiving-water measure {measure} is negative; give a flow (m3/s) or volume (m3) >= 0"
                )
            hit = _band(rows[rows["basis"] != "no_data"], measure)
    else:
        hit = rows
    if hit.empty:
        raise MissingFactorError(f"no Kq row for {receiving_water!r} and measure {measure} in {KQ_TABLE}")
    return float(hit["value"].iloc[0])


def kf_coefficient(discharge_m3_per_day: float, on: dt.date | None = None) -> float:
    """Kf of QCVN 40:2011 section 2.4 for the facility's total discharge F (m3/24h).

    Bands lower < F <= upper from ``water/qcvn40_2011_kf``.
    """
    if discharge_m3_per_day is None or discharge_m3_per_day < 0 or math.isnan(discharge_m3_per_day):
        raise InputError(f"discharge flow {discharge_m3_per_day!r} m3/day is not usable for Kf; give a value >= 0")
    table = load_table(KF_TABLE)
    if on is not None:
        table = valid_on(table, on)
    hit = _band(table, discharge_m3_per_day)
    if hit.empty:
        raise MissingFactorError(f"no Kf row for F = {discharge_m3_per_day} m3/day valid on {on} in {KF_TABLE}")
    return float(hit["value"].iloc[0])


def standard_edition(standard: str, on: dt.date | None = None) -> dict:
    """The edition row of ``water/standards`` (table, effective, transition_until) valid on ``on``."""
    table = load_table(STANDARDS_TABLE).set_index("standard")
    if standard not in table.index:
        raise MissingFactorError(
            f"unknown standard {standard!r}; known editions: {sorted(table.index)}; fix wwtp.csv standard"
        )
    info = table.loc[standard]
    effective = pd.Timestamp(info["effective"]).date()
    until = info["transition_until"]
    until_date = pd.Timestamp(until).date() if isinstance(until, str) and until else None
    if on is not None and (on < effective or (until_date is not None and on > until_date)):
        raise MissingFactorError(
            f"{standard} does not apply on {on.isoformat()} (effective {effective.isoformat()}"
            f"{', existing plants until ' + until_date.isoformat() if until_date else ''}); "
            f"set wwtp.csv standard to the edition in force (e.g. QCVN40:2025)"
        )
    return {
        "standard": standard,
        "table": str(info["table"]),
        "effective": effective,
        "transition_until": until_date,
        "source": str(info["source"]),
    }


class EditionPeriod(BaseModel):
    """A stretch of days [start, end) over which one edition of QCVN 40 applies to a plant, and why."""

    model_config = ConfigDict(frozen=True)

    standard: str
    start: dt.date
    end: dt.date
    reason: str


def edition_on(wwtp: Wwtp, on: dt.date) -> tuple[str, str]:
    """The QCVN 40 edition a plant must meet on date ``on``, and the rule that chose it.

    Rules (dates from ``water/standards``): before QCVN 40:2025's effective date, QCVN 40:2011. From it,
    a plant commissioned on or after that date meets QCVN 40:2025; a plant operating before it (earlier
    ``commissioned``, or none given) keeps the edition ``wwtp.csv`` names, QCVN 40:2011 only until its
    ``transition_until`` (2031-12-31).

    References
    ----------
    Circular 06/2025/TT-BTNMT Art. 2 (effective 2025-09-01) and Art. 3 (transitional provisions: facilities
    operating before the effective date may apply the superseded regulations until 31 Dec 2031).
    """
    new = standard_edition(NEW_EDITION)
    old = standard_edition(OLD_EDITION)
    if on < new["effective"]:
        return OLD_EDITION, f"QCVN 40:2025 not yet in force (from {new['effective'].isoformat()})"
    if wwtp.commissioned is not None and wwtp.commissioned >= new["effective"]:
        return NEW_EDITION, f"commissioned {wwtp.commissioned.isoformat()}, after QCVN 40:2025 took effect"
    if wwtp.standard == OLD_EDITION and old["transition_until"] is not None and on <= old["transition_until"]:
        return OLD_EDITION, (
            f"operating before {new['effective'].isoformat()}: QCVN 40:2011 until "
            f"{old['transition_until'].isoformat()} (Circular 06/2025/TT-BTNMT Art. 3)"
        )
    if wwtp.standard == OLD_EDITION:
        return NEW_EDITION, f"transition for existing plants ended {old['transition_until'].isoformat()}"
    return NEW_EDITION, "wwtp.csv names QCVN 40:2025"


def edition_periods(wwtp: Wwtp, start: dt.date, end: dt.date) -> list[EditionPeriod]:
    """The days [start, end) cut where the applicable edition changes (see :func:`edition_on`).

    A plant commissioned inside the span is evaluated from its commissioning day; one commissioned after
    ``end`` gets no period.
    """
    if wwtp.commissioned is not None and wwtp.commissioned > start:
        start = wwtp.commissioned
    if start >= end:
        return []
    edges = {start, end}
    for std in (NEW_EDITION, OLD_EDITION):
        info = standard_edition(std)
        edges.add(info["effective"])
        if info["transition_until"] is not None:
            edges.add(info["transition_until"] + dt.timedelta(days=1))
    cuts = sorted(d for d in edges if start <= d <= end)
    out: list[EditionPeriod] = []
    for a, b in itertools.pairwise(cuts):
        std, why = edition_on(wwtp, a)
        if out and out[-1].standard == std:
            out[-1] = EditionPeriod(standard=std, start=out[-1].start, end=b, reason=out[-1].reason)
        else:
            out.append(EditionPeriod(standard=std, start=a, end=b, reason=why))
    return out


def discharge_limits(
    wwtp: Wwtp,
    on: dt.date,
    parameters: list[str] | None = None,
    discharge_m3_per_day: float | None = None,
    standard: str | None = None,
    extra_dirs: Iterable[Path] = (),
) -> dict[str, Limit]:
    """Outlet limits of a WWTP for its standard and column, valid on date ``on``.

    Parameters
    ----------
    wwtp : Wwtp
        Gives ``standard``, ``column``, ``kq``/``kf`` or the receiving-water data to derive them.
    on : date
        The date the limits must be valid on (e.g. the middle of the evaluated year).
    parameters : list of str, optional
        Only these parameters; a parameter without a row is skipped for 2011 (no limit in Table 1,
        e.g. ``flow``) but raises for 2025 (not transcribed).
    discharge_m3_per_day : float, optional
        F for Kf and for the 2025 flow tiers; default the design capacity.
    standard : str, optional
        The edition to apply (e.g. from :func:`edition_on`); default ``wwtp.standard``.
    extra_dirs : iterable of Path
        User reference folders whose ``water/<table>.csv`` rows add to the shipped ones.

    Returns
    -------
    dict
        parameter -> :class:`Limit`.

    Raises
    ------
    MissingFactorError
        The edition has no value for a parameter asked for (QCVN 40:2025 until transcribed), or the
        edition is not in force on ``on``.
    """
    std = standard or wwtp.standard
    edition = standard_edition(std, on)
    flow = wwtp.capacity_m3_per_day if discharge_m3_per_day is None else discharge_m3_per_day
    table = valid_on(load_table(edition["table"], extra_dirs), on)
    table = table[table["column"].astype(str) == wwtp.column]
    if std == NEW_EDITION:
        return _limits_2025(wwtp, table, parameters, flow)
    if wwtp.column not in ("A", "B"):
        raise InputError(f"QCVN40:2011 has columns A and B, not {wwtp.column!r}; fix wwtp.csv column")
    kq = wwtp.kq
    if kq is None:
        if wwtp.receiving_water is None:
            raise InputError(
                f"WWTP {wwtp.wwtp_id}: neither kq nor receiving_water is given; add kq, or receiving_water "
                f"(river, lake, coastal_protected, coastal_other) with its flow or volume, to wwtp.csv"
            )
        kq = kq_coefficient(wwtp.receiving_water, wwtp.receiving_flow_m3_per_s, wwtp.receiving_volume_m3, on)
    kf = wwtp.kf if wwtp.kf is not None else kf_coefficient(flow, on)
    out: dict[str, Limit] = {}
    for row in table.itertuples():
        if parameters is not None and row.parameter not in parameters:
            continue
        coef = bool(int(row.coefficients))
        out[row.parameter] = _limit(row, wwtp, kq, kf, coef, OLD_EDITION)
    return out


def _limit(row: Any, wwtp: Wwtp, kq: float | None, kf: float | None, coefficients: bool, standard: str) -> Limit:
    """One standard-table row as a Limit: Cmax = C x Kq x Kf when the row takes the coefficients, else C.

    The lower bound (pH) never takes them (QCVN 40:2011 §2.1: Cmax = C for pH, temperature, colour...)."""
    c_min = None if pd.isna(row.value_min) else float(row.value_min)
    factor = kq * kf if coefficients and kq is not None and kf is not None else 1.0
    return Limit(
        parameter=row.parameter,
        unit=row.unit,
        standard=standard,
        column=wwtp.column,
        c=float(row.value),
        c_min=c_min,
        coefficients=coefficients,
        kq=kq,
        kf=kf,
        cmax=float(row.value) * factor,
        cmin=c_min,
        source=row.source,
        confidence=str(row.confidence),
    )


def _limits_2025(wwtp: Wwtp, table: pd.DataFrame, parameters: list[str] | None, flow: float) -> dict[str, Limit]:
    lower = pd.to_numeric(table["flow_min_m3_per_day"]).fillna(-math.inf)
    upper = pd.to_numeric(table["flow_max_m3_per_day"]).fillna(math.inf)
    table = table[(lower < flow) & (flow <= upper)]
    wanted = parameters if parameters is not None else sorted(table["parameter"].unique())
    missing = [p for p in wanted if p not in set(table["parameter"])]
    if missing or not wanted:
        raise MissingFactorError(
            f"QCVN 40:2025 limits not transcribed for {missing or 'any parameter'} (column {wwtp.column}, "
            f"F = {flow:g} m3/day); greenpark ships this edition without values rather than guessing them. "
            f"Add rows from the Circular 06/2025/TT-BTNMT annex to reference/data/water/qcvn40_2025.csv "
            f"(or a user reference folder), or evaluate against QCVN40:2011 during the transition (to 2031-12-31)"
        )
    out: dict[str, Limit] = {}
    for row in table[table["parameter"].isin(wanted)].sort_values("origin").itertuples():
        out[row.parameter] = _limit(row, wwtp, None, None, False, NEW_EDITION)  # user rows sort last and win
    return out


def connection_limits(park_table: pd.DataFrame | None = None) -> dict[str, Limit]:
    """Tenant connection (inlet) limits: the park's own table, else the shipped default sheet.

    Parameters
    ----------
    park_table : DataFrame, optional
        ``connection_limits`` of the park folder: parameter, limit, unit [, limit_min] (canonical
        names and units after import). Empty or None: ``water/connection_limits_default``.
    """
    if park_table is not None and not park_table.empty:
        src = park_table.rename(columns={"limit": "value", "limit_min": "value_min"})
        if "value_min" not in src:
            src = src.assign(value_min=float("nan"))
        source, confidence, standard = "park connection_limits.csv", "", "park"
        rows = [(r.parameter, r.value, r.value_min, r.unit, source, confidence) for r in src.itertuples()]
    else:
        src = load_table(CONNECTION_DEFAULT_TABLE)
        standard = "greenpark default connection sheet"
        rows = [(r.parameter, r.value, r.value_min, r.unit, r.source, r.confidence) for r in src.itertuples()]
    out: dict[str, Limit] = {}
    for parameter, value, value_min, unit, source, confidence in rows:
        c_min = None if pd.isna(value_min) else float(value_min)
        out[str(parameter)] = Limit(
            parameter=str(parameter),
            unit=str(unit),
            standard=standard,
            column=None,
            c=float(value),
            c_min=c_min,
            coefficients=False,
            kq=None,
            kf=None,
            cmax=float(value),
            cmin=c_min,
            source=str(source),
            confidence=str(confidence),
        )
    return out
