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
#: columns restored to a type when a record table is read back
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
    """A small record table as JSON (split orient; dates and timestamps as ISO text)."""
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.DatetimeTZDtype):
            out[c] = out[c].dt.strftime("%Y-%m-%dT%H:%M:%S%z")
        elif out[c].dtype == object:
            out[c] = out[c].map(lambda v: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v)
    return out.to_json(orient="split", index=False, date_format="iso")


def table_from_doc(doc: str) -> pd.DataFrame:
    """A record table from :func:`table_doc` JSON."""
    payload = json.loads(doc)
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
