"""Reading batches as they arrive over HTTP or MQTT, turned into the raw table the importer validates.

Formats (documented in docs/service.md):

- JSON: a list of ``{"meter_id", "timestamp", "value"}`` objects, or ``{"readings": [...]}``;
  ``ts`` is accepted for ``timestamp``. Over MQTT the meter comes from the topic
  (``<prefix>/<park_id>/<meter_id>``) and a single object may be sent instead of a list.
- CSV: the park-folder ``readings.csv`` columns ``meter_id,timestamp,value`` with a header.

Nothing is validated here beyond the shape: every element becomes one raw row (strings,
as read from a file), so a malformed element is rejected by the validation with its line,
never dropped.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd

from greenpark.errors import InputError

RAW_COLUMNS = ["meter_id", "timestamp", "value"]


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):  # JSON true/false is not a number for a meter
        return str(v).lower()
    if isinstance(v, int | float):
        return repr(v)
    return json.dumps(v)


def rows_from_json(obj: Any, *, meter_id: str | None = None) -> pd.DataFrame:
    """Raw rows (all text) from a decoded JSON batch; ``meter_id`` fills rows that lack one.

    Raises
    ------
    InputError : when the document is neither a list nor an object with ``readings``.
    """
    if isinstance(obj, dict) and "readings" in obj:
        obj = obj["readings"]
    elif isinstance(obj, dict) and meter_id is not None:
        obj = [obj]
    if not isinstance(obj, list):
        raise InputError(
            "a reading batch must be a JSON list of {meter_id, timestamp, value} objects "
            f"or {{'readings': [...]}}; got {type(obj).__name__}"
        )
    meters: list[str | None] = []
    stamps: list[str | None] = []
    values: list[str | None] = []
    for item in obj:
        if not isinstance(item, dict):
            meters.append(meter_id)
            stamps.append(None)
            values.append(_text(item))
            continue
        meters.append(_text(item.get("meter_id", meter_id)))
        stamps.append(_text(item.get("timestamp", item.get("ts"))))
        values.append(_text(item.get("value")))
    return pd.DataFrame({"meter_id": meters, "timestamp": stamps, "value": values}, dtype=object)


def rows_from_json_bytes(body: bytes, *, meter_id: str | None = None) -> pd.DataFrame:
    """Decode and read a JSON batch (see :func:`rows_from_json`)."""
    try:
        obj = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"the batch is not valid JSON ({exc}); send a list of reading objects") from None
    return rows_from_json(obj, meter_id=meter_id)


def rows_from_csv_bytes(body: bytes) -> pd.DataFrame:
    """Raw rows from a CSV batch with the header ``meter_id,timestamp,value``."""
    try:
        df = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"the CSV batch cannot be read ({exc}); send meter_id,timestamp,value") from None
    missing = [c for c in RAW_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            f"the CSV batch lacks column(s) {', '.join(missing)}; its header must be meter_id,timestamp,value "
            f"(got {', '.join(map(str, df.columns))})"
        )
    return df[RAW_COLUMNS].astype(object)


def records_from_json_bytes(body: bytes, columns: list[str]) -> pd.DataFrame:
    """Raw text rows with ``columns`` from a JSON list of objects (or ``{"rows": [...]}``); shape only."""
    try:
        obj = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"the batch is not valid JSON ({exc}); send a list of row objects") from None
    if isinstance(obj, dict) and "rows" in obj:
        obj = obj["rows"]
    if not isinstance(obj, list):
        raise InputError(f"a batch must be a JSON list of objects with {', '.join(columns)}; got {type(obj).__name__}")
    data = {c: [_text(item.get(c)) if isinstance(item, dict) else None for item in obj] for c in columns}
    return pd.DataFrame(data, columns=columns, dtype=object)
