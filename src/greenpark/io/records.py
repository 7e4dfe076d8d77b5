"""File-specific validation: the park's objects and its record tables.

Objects (tenants, roofs, WWTPs, meters) become :mod:`greenpark.model` objects, one
per accepted row (pydantic validation errors become rejects). Record tables (fuels,
refrigerants, production, wastewater, waste, manifests, symbiosis, connection limits,
sludge, renewables) become DataFrames with the canonical columns listed in
``docs/park-folder.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from greenpark.errors import UnknownUnitError
from greenpark.io.columns import problems_frame, raw_rows, type_sheet
from greenpark.io.quarantine import REJECT_COLUMNS, FileCount, ProblemLog
from greenpark.io.reasons import reason_text
from greenpark.io.schema import canonical_parameters, file_schema, wastewater_parameters
from greenpark.io.sources import LINE, Sheet
from greenpark.model import Meter, Roof, Tenant, Wwtp
from greenpark.units import conversion_factor, parse_unit


def _finish(
    sheet: Sheet, typed: pd.DataFrame, problems: list[pd.DataFrame], log: ProblemLog, count: FileCount
) -> pd.DataFrame:
    """Record problems and bad rows, count, and return the accepted typed rows."""
    for b in sheet.bad_rows:
        log.reject(sheet.file, b.line, "", "", b.reason, b.text)
    rej = pd.concat(problems) if problems else pd.DataFrame(columns=REJECT_COLUMNS)
    log.reject_frame(rej.sort_index(kind="stable"))
    bad_idx = rej.index.unique()
    count.read += len(sheet.frame) + len(sheet.bad_rows)
    count.rejected += len(bad_idx) + len(sheet.bad_rows)
    count.accepted = count.read - count.rejected
    return typed.drop(index=bad_idx)


def _dup_problems(
    file: str, frame: pd.DataFrame, keys: list[str], what: str, raw_frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    dup = frame.duplicated(keys, keep="first") & frame[keys].notna().all(axis=1)
    if not dup.any():
        return pd.DataFrame(columns=REJECT_COLUMNS)
    first = frame.drop_duplicates(keys).set_index(keys)[LINE]
    lines = frame[dup].apply(lambda r: first.loc[tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]], axis=1)
    reason = pd.Series("", index=frame.index, dtype=object)
    reason[dup] = [reason_text("duplicate_key", what=what, line=ln) for ln in lines]
    return problems_frame(
        file, frame if raw_frame is None else raw_frame, dup, keys[-1], frame[keys[-1]].astype(str), reason
    )


def _fk_problems(
    file: str,
    typed: pd.DataFrame,
    frame: pd.DataFrame,
    column: str,
    known: set[str],
    target: str,
    allow_empty: bool = False,
) -> pd.DataFrame:
    val = typed[column]
    present = val.notna() & (val.astype(str) != "")
    bad = present & ~val.astype(str).isin(known)
    if not allow_empty:
        bad = bad | ~present
    sample = ", ".join(sorted(known)[:8]) + (" ..." if len(known) > 8 else "")
    return problems_frame(
        file,
        frame,
        bad & frame.index.to_series().notna(),
        column,
        val.astype(str),
        reason_text("unknown_reference", column=column, target=target, known=sample or "none"),
    )


def read_objects(
    name: str,
    sheet: Sheet,
    zone: str,
    model: type[BaseModel],
    log: ProblemLog,
    count: FileCount,
    check: Callable[[pd.DataFrame, pd.DataFrame], list[pd.DataFrame]] | None = None,
) -> list[Any]:
    """Read an object sheet (tenants, roofs, wwtp, meters) into model objects."""
    typed, problems = type_sheet(name, sheet, zone)
    log.warnings.extend(typed.attrs.get("info", []))
    id_col = file_schema(name)[0].name
    problems.append(_dup_problems(sheet.file, typed, [id_col], id_col, sheet.frame))
    if check is not None:
        problems.extend(check(typed, sheet.frame))
    pre_bad = set(pd.concat(problems).index) if problems else set()
    objects: list[Any] = []
    fields = [a.name for a in file_schema(name) if a.name in model.model_fields]
    extra: list[pd.DataFrame] = []
    for idx, row in typed.iterrows():
        if idx in pre_bad:
            continue
        kwargs = {f: _plain(row[f]) for f in fields if f in row.index}
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        try:
            objects.append(model(**kwargs))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(x) for x in err["loc"]) or id_col
                mask = pd.Series(False, index=typed.index)
                mask[idx] = True
                extra.append(
                    problems_frame(
                        sheet.file,
                        sheet.frame,
                        mask,
                        loc,
                        pd.Series(str(kwargs.get(loc, "")), index=typed.index),
                        err["msg"],
                    )
                )
    _finish(sheet, typed, problems + extra, log, count)
    _note_rejected_ids(sheet, id_col, problems + extra, log)
    return objects


def _note_rejected_ids(sheet: Sheet, id_col: str, problems: list[pd.DataFrame], log: ProblemLog) -> None:
    """Remember the ids of rejected object rows, so rows of other files that name them can be grouped
    under the real cause (``greenpark check``: "336 rows rejected because tenant T1 was rejected")."""
    if id_col not in sheet.frame or not problems:
        return
    rej = pd.concat([p for p in problems if len(p)]) if any(len(p) for p in problems) else None
    if rej is None:
        return
    seen = log.rejected_ids.setdefault(sheet.file, {})
    for idx, r in rej.iterrows():
        key = str(sheet.frame.at[idx, id_col]).strip() if idx in sheet.frame.index else ""
        if key and key not in seen:
            seen[key] = {k: str(r[k]) for k in ("file", "line", "field", "value", "reason")}


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def read_records(
    name: str, sheet: Sheet, zone: str, log: ProblemLog, count: FileCount, tenants: set[str], wwtps: set[str]
) -> pd.DataFrame:
    """Read a record sheet into its canonical table (see docs/park-folder.md)."""
    censored = None
    if name == "wastewater" and "value" in sheet.frame:
        # '<0.05' = below the detection limit 0.05: keep the limit as the value, flag it censored
        raw_value = sheet.frame["value"].astype(str).str.strip()
        censored = raw_value.str.startswith("<")
        frame = sheet.frame.copy()
        frame.loc[censored, "value"] = raw_value[censored].str.slice(1).str.strip()
        typed, problems = type_sheet(name, Sheet(sheet.file, frame, sheet.bad_rows), zone)
        typed.attrs["censored"] = censored
    else:
        typed, problems = type_sheet(name, sheet, zone)
    log.warnings.extend(typed.attrs.get("info", []))
    frame = sheet.frame
    if "tenant_id" in typed and name != "connection_limits":
        optional = name in _PARK_COMMON_ALLOWED
        problems.append(_fk_problems(sheet.file, typed, frame, "tenant_id", tenants, "tenants.csv", optional))
    rule = _RULES.get(name)
    if rule is not None:
        typed, more = rule(sheet, typed, wwtps, tenants)
        problems.extend(more)
    out = _finish(sheet, typed, [p for p in problems if len(p)], log, count)
    cols = _OUTPUT.get(name, [a.name for a in file_schema(name)])
    if name in _KEEP_LINE:
        out = out.assign(line=out[LINE].astype("int64"))
    return out.reindex(columns=cols).reset_index(drop=True)


# --- table-specific rules --------------------------------------------------------------------


def _unit_problems(sheet: Sheet, typed: pd.DataFrame, dimensions: tuple[str, ...], reason: str) -> pd.DataFrame:
    """Rejects for rows whose unit is known but of none of ``dimensions`` (an unknown unit fails the type check)."""
    dim = _umap(typed["unit"], _dim)
    bad = dim.notna() & ~dim.isin(dimensions)
    return problems_frame(sheet.file, sheet.frame, bad, "unit", typed["unit"].astype(str), reason)


def _factor_to(units: pd.Series, target: str) -> pd.Series:
    """Each row's factor from its unit to ``target`` (NaN where the unit is not of ``target``'s dimension)."""
    dimension = parse_unit(target).dimension
    return _umap(units, lambda u: conversion_factor(u, target) if _dim(u) == dimension else np.nan).astype(float)


def _fuels(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    reason = reason_text("fuel_unit")
    p = _unit_problems(sheet, typed, ("energy", "volume", "mass"), reason)
    typed["unit"] = _umap(typed["unit"], _canon_unit)
    return typed, [p]


def _waste(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    reason = reason_text("waste_unit")
    probs = [_unit_problems(sheet, typed, ("mass", "volume"), reason)]
    no_code = (typed["category"] == "hazardous") & typed["waste_code"].isna()
    probs.append(
        problems_frame(
            sheet.file,
            sheet.frame,
            no_code,
            "waste_code",
            typed["waste_code"].astype(str),
            "hazardous waste needs its waste_code (Circular 02/2022/TT-BTNMT list)",
        )
    )
    vol = _umap(typed["unit"], _dim) == "volume"
    no_density = vol & (typed["density_t_per_m3"].isna() | (typed["density_t_per_m3"] <= 0))
    probs.append(
        problems_frame(
            sheet.file,
            sheet.frame,
            no_density,
            "density_t_per_m3",
            typed["density_t_per_m3"].astype(str),
            "a quantity in m3 needs density_t_per_m3 (t/m3) to be turned into tonnes",
        )
    )
    to_t, m3 = _factor_to(typed["unit"], "t"), _factor_to(typed["unit"], "m3")
    typed["quantity_t"] = np.where(vol, typed["quantity"] * m3 * typed["density_t_per_m3"], typed["quantity"] * to_t)
    return typed, probs


def _manifests(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    """Hazardous-waste manifests: a mass unit (kg or t, converted to quantity_t) and one row per manifest number.

    A manifest number names one handover (Circular 02/2022/TT-BTNMT, hazardous-waste transfer document),
    so a number given twice is a copy or a typo: the first row is kept, the later ones are rejected.
    """
    probs = [
        _unit_problems(sheet, typed, ("mass",), "manifest quantity must be a mass (kg or t)"),
        _dup_problems(sheet.file, typed, ["manifest_id"], "manifest_id", sheet.frame),
    ]
    typed["quantity_t"] = typed["quantity"] * _factor_to(typed["unit"], "t")
    return typed, probs


def _renewables(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    """PPAs and certificates: each contract or certificate id (``source``) claimed once.

    The GHG Protocol Scope 2 quality criteria (ch.7) allow each MWh to be claimed once: the first row
    of an id is kept, a later row with the same id is rejected and names the first line.
    """
    return typed, [_dup_problems(sheet.file, typed, ["source"], "source (contract or certificate id)", sheet.frame)]


def _symbiosis(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    p = _unit_problems(sheet, typed, ("mass",), "symbiosis quantity must be a mass per month (kg or t)")
    typed["quantity_t_per_month"] = typed["quantity"] * _factor_to(typed["unit"], "t")
    return typed, [p]


def _wastewater(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    frame = sheet.frame
    probs = [_fk_problems(sheet.file, typed, frame, "wwtp_id", wwtps, "wwtp.csv")]
    point = typed["point"].fillna("").astype(str).str.strip()
    low = point.str.lower()
    is_tenant = low.str.startswith("tenant:")
    tenant_of = point.str.slice(7).str.strip()
    ok_point = low.isin(["inlet", "outlet"]) | (is_tenant & tenant_of.isin(tenants))
    typed["point"] = low.where(~is_tenant, "tenant:" + tenant_of)
    probs.append(
        problems_frame(
            sheet.file,
            frame,
            point.ne("") & ~ok_point,
            "point",
            point,
            "point must be inlet, outlet or tenant:<tenant_id> of a known tenant",
        )
    )
    typed["censored"] = typed.attrs.pop("censored", pd.Series(False, index=typed.index))
    params, _ = wastewater_parameters()
    given = typed["parameter"].fillna("").astype(str).str.strip()
    canon = canonical_parameters(given)
    bad_param = given.ne("") & canon.isna()
    probs.append(
        problems_frame(
            sheet.file,
            frame,
            bad_param,
            "parameter",
            typed["parameter"].astype(str),
            f"unknown wastewater parameter; known: {', '.join(params)} "
            "(aliases in reference/data/water/parameters.csv)",
        )
    )
    typed["parameter"] = canon
    # unit must fit the parameter's dimension; convert to the parameter's canonical unit
    dim_of = _umap(canon, lambda p: params[p].dimension if isinstance(p, str) else None)
    unit_of = _umap(canon, lambda p: params[p].unit if isinstance(p, str) else None)
    # pH has no unit: an empty unit is accepted for dimensionless parameters only
    no_unit = typed["unit"].isna() & canon.notna()
    unitless = dim_of.isin(["ph", "ratio"])
    typed.loc[no_unit & unitless, "unit"] = unit_of[no_unit & unitless]
    probs.append(
        problems_frame(
            sheet.file,
            frame,
            no_unit & ~unitless,
            "unit",
            typed["unit"].astype(str),
            "unit is required for this parameter (e.g. mg/l)",
        )
    )
    unit_dim = _umap(typed["unit"], _dim)
    bad_unit = canon.notna() & typed["unit"].notna() & unit_dim.notna() & (unit_dim != dim_of)
    reason = _umap(
        canon,
        lambda p: f"unit does not fit {p} ({params[p].dimension}); use {params[p].unit}" if isinstance(p, str) else "",
    )
    probs.append(problems_frame(sheet.file, frame, bad_unit, "unit", typed["unit"].astype(str), reason))
    factor = pd.Series(np.nan, index=typed.index)
    good = canon.notna() & typed["unit"].notna() & ~bad_unit & unit_dim.notna()
    for (u, target), idx in typed[good].groupby([typed["unit"][good], unit_of[good]]).groups.items():
        factor[idx] = conversion_factor(u, target)
        typed.loc[idx, "unit"] = target
    typed["value"] = typed["value"] * factor
    lo = _umap(canon, lambda p: params[p].min if isinstance(p, str) else None).astype(float)
    hi = _umap(canon, lambda p: params[p].max if isinstance(p, str) else None).astype(float)
    out = good & typed["value"].notna() & ((typed["value"] < lo) | (typed["value"] > hi))
    rng = _umap(
        canon,
        lambda p: (
            f"value out of physical range [{_g(params[p].min)}, {_g(params[p].max)}] {params[p].unit}"
            if isinstance(p, str)
            else ""
        ),
    )
    probs.append(problems_frame(sheet.file, frame, out, "value", typed["value"].astype(str), rng))
    return typed, probs


def _connection_limits(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    params, _ = wastewater_parameters()
    given = typed["parameter"].fillna("").astype(str).str.strip()
    canon = canonical_parameters(given)
    p = problems_frame(
        sheet.file,
        sheet.frame,
        given.ne("") & canon.isna(),
        "parameter",
        typed["parameter"].astype(str),
        f"unknown wastewater parameter; known: {', '.join(params)}",
    )
    typed["parameter"] = canon
    return typed, [p]


def _umap(series: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """``series.map(func)`` computed once per distinct value (record tables repeat few values)."""
    uniq = pd.unique(series.to_numpy(dtype=object))
    table = {u: func(u) for u in uniq if not _isnull(u)}
    return series.astype(object).map(table)


def _isnull(v: Any) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _g(v: float | None) -> str:
    return "" if v is None else f"{v:g}"


def _dim(u: Any) -> str | None:
    if not isinstance(u, str) or not u:
        return None
    try:
        return parse_unit(u).dimension
    except UnknownUnitError:
        return None


def _canon_unit(u: Any) -> Any:
    if not isinstance(u, str):
        return u
    try:
        return parse_unit(u).symbol
    except UnknownUnitError:
        return u


def _sludge(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    return typed, [_fk_problems(sheet.file, typed, sheet.frame, "wwtp_id", wwtps, "wwtp.csv")]


def _prices(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    """The park's own prices: the unit must fit the item, a price must be a number >= 0."""
    unit_of = {"water_supply": "VND/m3", "wastewater_treatment_cost": "VND/month", "wholesale_connection": "connection",
               "incoming_meter": "meter", "common_meter": "meter"}  # fmt: skip
    want = typed["item"].map(unit_of)
    bad_unit = want.notna() & typed["unit"].ne(want)
    price = typed["item"].isin(["water_supply", "wastewater_treatment_cost"])
    number = pd.to_numeric(typed["value"], errors="coerce")
    bad_value = price & ~(number >= 0)
    probs = [
        problems_frame(sheet.file, sheet.frame, bad_unit, "unit", typed["unit"].astype(str),
                       "unit must be " + want.fillna("").astype(str) + " for " + typed["item"].astype(str)),
        problems_frame(sheet.file, sheet.frame, bad_value & ~bad_unit, "value", typed["value"].astype(str),
                       "a price must be a number >= 0 (VND)"),
    ]  # fmt: skip
    return typed, probs


def _order_problems(sheet: Sheet, typed: pd.DataFrame, first: str, last: str, what: str) -> pd.DataFrame:
    """``last`` must not be before ``first`` (a validity that ends before it starts is a typo)."""
    a, b = pd.to_datetime(typed[first], errors="coerce"), pd.to_datetime(typed[last], errors="coerce")
    bad = a.notna() & b.notna() & (b < a)
    return problems_frame(
        sheet.file, sheet.frame, bad, last, typed[last].astype(str), f"{last} is before {first}: {what}"
    )


def _certificates(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    """Management-system certificates: the validity must not end before it starts; each number once."""
    return typed, [
        _order_problems(sheet, typed, "valid_from", "valid_to", "a certificate valid for less than a day"),
        _dup_problems(sheet.file, typed, ["certificate_id"], "certificate_id", sheet.frame),
    ]


def _exchanges(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    """Symbiosis in operation: both ends known tenants (empty giver = the park's investor, empty receiver = outside
    the park, not both empty), each id once, and an end date not before the start."""
    frame = sheet.frame
    giver = typed["from_tenant_id"].fillna("").astype(str).str.strip()
    taker = typed["to_tenant_id"].fillna("").astype(str).str.strip()
    return typed, [
        _fk_problems(sheet.file, typed, frame, "from_tenant_id", tenants, "tenants.csv", allow_empty=True),
        _fk_problems(sheet.file, typed, frame, "to_tenant_id", tenants, "tenants.csv", allow_empty=True),
        problems_frame(
            sheet.file, frame, giver.eq("") & taker.eq(""), "to_tenant_id", taker,
            "an exchange needs a tenant at one end at least (from_tenant_id or to_tenant_id)",
        ),
        _order_problems(sheet, typed, "since", "until", "an exchange that stopped before it started"),
        _dup_problems(sheet.file, typed, ["exchange_id"], "exchange_id", frame),
    ]  # fmt: skip


def _compliance_events(sheet: Sheet, typed: pd.DataFrame, wwtps: set[str], tenants: set[str]):
    """Inspection findings and sanctions: remedied on or after the date of the event."""
    return typed, [_order_problems(sheet, typed, "date", "resolved_on", "remedied before the event")]


_RULES = {
    "certificates": _certificates,
    "exchanges": _exchanges,
    "compliance_events": _compliance_events,
    "prices": _prices,
    "sludge": _sludge,
    "fuels": _fuels,
    "waste": _waste,
    "manifests": _manifests,
    "renewables": _renewables,
    "symbiosis": _symbiosis,
    "wastewater": _wastewater,
    "connection_limits": _connection_limits,
}

#: Canonical output columns of each record table (docs/park-folder.md, "What engines receive").
_OUTPUT = {
    "fuels": ["tenant_id", "period", "fuel", "quantity", "unit"],
    "refrigerants": ["tenant_id", "period", "gas", "charge_kg", "leaked_kg"],
    "production": ["tenant_id", "period", "quantity", "unit"],
    "wastewater": ["wwtp_id", "timestamp", "point", "parameter", "value", "unit", "method", "censored"],
    "waste": [
        "date",
        "tenant_id",
        "waste_code",
        "description",
        "category",
        "quantity_t",
        "route",
        "receiver",
        "transporter",
        "manifest_id",
        "line",
    ],
    "manifests": ["manifest_id", "date", "tenant_id", "waste_code", "quantity_t", "transporter", "receiver", "line"],
    "renewables": ["tenant_id", "period", "instrument", "energy_kwh", "source"],
    "symbiosis": ["tenant_id", "direction", "material", "quantity_t_per_month", "quality", "price_vnd_per_t"],
    "connection_limits": ["parameter", "limit", "unit", "limit_min"],
    "prices": ["item", "value", "unit", "valid_from", "valid_to", "source"],
    "certificates": ["tenant_id", "standard", "certificate_id", "valid_from", "valid_to", "issuer", "line"],
    "recp_measures": ["tenant_id", "measure", "category", "implemented_on", "saving", "unit", "evidence", "line"],
    "exchanges": [
        *("exchange_id", "from_tenant_id", "to_tenant_id", "kind", "material", "quantity", "unit", "since"),
        *("until", "line"),
    ],
    "compliance_events": ["date", "tenant_id", "field", "description", "decision", "resolved_on", "line"],
}

#: Record tables whose rows keep their file line (``line``, header = 1), so the waste engine's findings
#: (:mod:`greenpark.waste.registry`) and the EIP assessment's evidence (:mod:`greenpark.eip`) can name the line.
_KEEP_LINE = frozenset({"waste", "manifests", "certificates", "recp_measures", "exchanges", "compliance_events"})
#: Record tables where an empty tenant_id means the park's common account rather than a missing value.
_PARK_COMMON_ALLOWED = frozenset({"renewables", "certificates", "compliance_events"})

OBJECT_MODELS: dict[str, type[BaseModel]] = {"tenants": Tenant, "roofs": Roof, "wwtp": Wwtp, "meters": Meter}
__all__ = ["OBJECT_MODELS", "raw_rows", "read_objects", "read_records"]
