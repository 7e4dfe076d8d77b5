"""Backend-neutral encoding of a park's objects and small record tables for the store.

Both backends store tenants, roofs and WWTPs as JSON documents, meters in typed
columns, the small record tables (fuels, waste, ...) as JSON in ``split`` orient, and
the wastewater table in typed columns. These helpers do the encoding once.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pandas as pd
from pydantic import BaseModel

from greenpark.model import Meter, Park, ParkData, Roof, Tenant, Wwtp

#: kind in table park_objects -> (ParkData attribute, model, id attribute)
OBJECT_KINDS: dict[str, tuple[str, type[BaseModel], str]] = {
    "tenant": ("tenants", Tenant, "tenant_id"),
    "roof": ("roofs", Roof, "roof_id"),
    "wwtp": ("wwtps", Wwtp, "wwtp_id"),
}
METER_COLUMNS = [
    *("meter_id", "tenant_id", "kind", "unit", "cumulative", "register_max", "wwtp_id"),
    *("max_kw", "max_per_interval", "interval_min", "position"),
]
WASTEWATER_COLUMNS = ["wwtp_id", "ts", "point", "parameter", "value", "unit", "method", "censored"]
#: columns restored to a type when a record table of an earlier version (no types in its JSON) is read back
_DATE_COLUMNS = {"date", "commissioned"}
_TS_COLUMNS = {"timestamp", "ts"}


def park_doc(park: Park) -> str:
    """The park as a JSON document."""
    return park.model_dump_json()


def park_from_doc(doc: str) -> Park:
    """The park from its JSON document."""
    return Park.model_validate_json(doc)


def object_rows(data: ParkData) -> pd.DataFrame:
    """Tenants, roofs and WWTPs as rows: kind, object_id, position, doc (JSON)."""
    rows: list[dict[str, Any]] = []
    for kind, (attr, _, id_attr) in OBJECT_KINDS.items():
        for i, obj in enumerate(getattr(data, attr)):
            rows.append({"kind": kind, "object_id": getattr(obj, id_attr), "position": i, "doc": obj.model_dump_json()})
    return pd.DataFrame(rows, columns=["kind", "object_id", "position", "doc"])


def objects_from_rows(rows: pd.DataFrame) -> dict[str, list[Any]]:
    """ParkData attribute -> objects, from rows of table park_objects."""
    out: dict[str, list[Any]] = {attr: [] for attr, _, _ in OBJECT_KINDS.values()}
    for kind, (attr, model, _) in OBJECT_KINDS.items():
        sub = rows[rows["kind"] == kind].sort_values("position")
        out[attr] = [model.model_validate_json(d) for d in sub["doc"]]
    return out


def meter_rows(meters: list[Meter]) -> pd.DataFrame:
    """Meters in the typed columns of table meters."""
    return pd.DataFrame(
        [{**m.model_dump(mode="json"), "position": i} for i, m in enumerate(meters)], columns=METER_COLUMNS
    ).astype(
        {"register_max": float, "cumulative": bool, "max_kw": float, "max_per_interval": float, "interval_min": float}
    )


def meters_from_rows(rows: pd.DataFrame) -> list[Meter]:
    """Meters from rows of table meters."""
    out = []
    records: list[dict[str, Any]] = rows.sort_values("position").to_dict("records")  # type: ignore[assignment]
    for r in records:
        r.pop("position", None)
        r.pop("park_id", None)
        out.append(Meter.model_validate({k: (None if _isnull(v) else v) for k, v in r.items()}))
    return out


def table_doc(df: pd.DataFrame) -> str:
    """A small record table as JSON that reads back equal: columns, each column's type, rows.

    Floats are written with Python's shortest round-trip repr (``2.506`` reads back as ``2.506``, where pandas'
    ``to_json`` wrote ``2.5060000000000002`` after its 10-digit rounding), dates and timestamps as ISO text with
    the type noted, so :func:`table_from_doc` gives the same values and dtypes as the table read from the park's
    files (the first run of a command, which reads the files, and later runs, which read the store, must agree
    to the last bit).
    """
    types = {str(c): _column_type(df[c]) for c in df.columns}
    cols = [[_json_value(v, types[str(c)]) for v in df[c].tolist()] for c in df.columns]
    rows = [list(r) for r in zip(*cols, strict=True)] if cols else []
    return json.dumps({"columns": [str(c) for c in df.columns], "types": types, "data": rows}, allow_nan=False)


def table_from_doc(doc: str) -> pd.DataFrame:
    """A record table from :func:`table_doc` JSON (or from the untyped ``split`` JSON of earlier stores)."""
    payload = json.loads(doc)
    if "types" not in payload:
        return _untyped_table(payload)
    columns: list[str] = payload["columns"]
    values = list(zip(*payload["data"], strict=True)) if payload["data"] else [() for _ in columns]
    out = {c: _column_from_json(list(v), payload["types"][c]) for c, v in zip(columns, values, strict=True)}
    return pd.DataFrame(out, columns=columns)


def _column_type(col: pd.Series) -> str:
    """``date`` (datetime.date values), ``timestamp:<tz>`` or the pandas dtype's name."""
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        return f"timestamp:{col.dtype.tz}"
    if col.dtype == object:
        present = [v for v in col.tolist() if not _isnull(v)]
        if present and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in present):
            return "date"
    return str(col.dtype)


def _json_value(v: Any, kind: str) -> Any:
    if _isnull(v):
        return None
    if kind == "date" or kind.startswith("timestamp:"):
        return v.isoformat()
    if hasattr(v, "item"):  # numpy scalar -> Python (float repr round-trips exactly)
        return v.item()
    return v


def _column_from_json(values: list[Any], kind: str) -> pd.Series:
    if kind == "date":
        return pd.Series([None if v is None else dt.date.fromisoformat(v) for v in values], dtype=object)
    if kind.startswith("timestamp:"):
        return pd.Series(pd.to_datetime(values, utc=True, format="ISO8601")).dt.tz_convert(kind.split(":", 1)[1])
    if kind == "object":
        return pd.Series(values, dtype=object)
    return pd.Series([pd.NA if v is None and kind not in ("float64", "float32") else v for v in values]).astype(kind)


def _untyped_table(payload: dict[str, Any]) -> pd.DataFrame:
    """A table of the ``split`` JSON earlier versions wrote: dates and timestamps restored by column name."""
    df = pd.read_json(StringIO(json.dumps(payload)), orient="split", dtype=False)
    for c in df.columns:
        if c in _DATE_COLUMNS:
            df[c] = pd.to_datetime(df[c], errors="coerce").dt.date
        elif c in _TS_COLUMNS:
            df[c] = pd.to_datetime(df[c], utc=True, errors="coerce")
    return df


def wastewater_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The wastewater table in the typed columns of table wastewater."""
    out = df.rename(columns={"timestamp": "ts"}).reindex(columns=WASTEWATER_COLUMNS)
    out["ts"] = pd.to_datetime(out["ts"], utc=True)
    out["censored"] = out["censored"].fillna(False).astype(bool)
    out["value"] = out["value"].astype(float)
    for c in ("wwtp_id", "point", "parameter", "unit", "method"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def wastewater_from_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The wastewater table as engines receive it (timestamp column, UTC)."""
    out = df.rename(columns={"ts": "timestamp"}).drop(columns=["park_id"], errors="ignore")
    out["timestamp"] = pd.to_datetime(out["timestamp"], utc=True)
    return out.reindex(columns=["wwtp_id", "timestamp", "point", "parameter", "value", "unit", "method", "censored"])


def _isnull(v: Any) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
