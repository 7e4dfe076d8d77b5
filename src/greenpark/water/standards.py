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

QCVN 40:2025/BTNMT (effective 2025-09-01) is its own edition with its own table
(``water/qcvn40_2025``): its numeric limits are not yet transcribed, so asking for one raises
:class:`~greenpark.errors.MissingFactorError`; adding them is a data edit. Its limits are tiered by
discharge flow and use no Kq/Kf (reported as None).

All numbers come from ``reference/data/water/*.csv``; none is written here.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from greenpark.errors import InputError, MissingFactorError
from greenpark.model import Wwtp
from greenpark.reference import load_table, valid_on

STANDARDS_TABLE = "water/standards"
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


def discharge_limits(
    wwtp: Wwtp,
    on: dt.date,
    parameters: list[str] | None = None,
    discharge_m3_per_day: float | None = None,
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
    edition = standard_edition(wwtp.standard, on)
    flow = wwtp.capacity_m3_per_day if discharge_m3_per_day is None else discharge_m3_per_day
    table = valid_on(load_table(edition["table"]), on)
    table = table[table["column"].astype(str) == wwtp.column]
    if wwtp.standard == "QCVN40:2025":
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
        out[row.parameter] = _limit(row, wwtp, kq, kf, coef)
    return out


def _limit(row: Any, wwtp: Wwtp, kq: float | None, kf: float | None, coefficients: bool) -> Limit:
    """One standard-table row as a Limit: Cmax = C x Kq x Kf when the row takes the coefficients, else C.

    The lower bound (pH) never takes them (QCVN 40:2011 §2.1: Cmax = C for pH, temperature, colour...)."""
    c_min = None if pd.isna(row.value_min) else float(row.value_min)
    factor = kq * kf if coefficients and kq is not None and kf is not None else 1.0
    return Limit(
        parameter=row.parameter,
        unit=row.unit,
        standard=wwtp.standard,
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
    for row in table[table["parameter"].isin(wanted)].itertuples():
        out[row.parameter] = _limit(row, wwtp, None, None, False)
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
