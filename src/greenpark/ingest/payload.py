"""Reading batches as they arrive over HTTP or MQTT, turned into the raw table the importer validates.

Formats (documented in docs/service.md):

- JSON: a list of ``{"meter_id", "timestamp", "value"}`` objects, or ``{"readings": [...]}``;
  ``ts`` is accepted for ``timestamp``. Over MQTT the meter comes from the topic
  (``<prefix>/<park_id>/<meter_id>``) and a single object may be sent instead of a list.
- CSV: the park-folder ``readings.csv`` columns ``meter_id,timestamp,value`` with a header.

Nothing is validated here beyond the shape: every element becomes one raw row (strings,
as read from a file), so a malformed element is rejected by the validation with its line,
never dropped. What could hurt the service is refused before a document is decoded:
:func:`check_json_batch` measures the nesting depth and counts the objects of a JSON body in
one vectorised pass over its bytes (a 100,000-deep array would exhaust Python's recursion, a
body of a million small objects would take gigabytes once decoded), and
:func:`check_csv_batch` counts the lines of a CSV body.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import numpy as np
import pandas as pd

from greenpark.errors import InputError

RAW_COLUMNS = ["meter_id", "timestamp", "value"]

# an escape in a JSON string (\" or \\): blanked out first, so that every quote left opens or closes a string
_JSON_ESCAPE = re.compile(rb"\\.", re.DOTALL)


class BatchTooLargeError(InputError):
    """A batch holds more rows than one request may carry (setting ``ingest_max_rows``)."""


def check_json_batch(body: bytes, *, max_depth: int, max_rows: int) -> None:
    """Refuse a JSON body nested deeper than ``max_depth`` or holding more than ``max_rows`` objects, undecoded.

    Raises
    ------
    InputError : too deep.
    BatchTooLargeError : more objects than ``max_rows`` (one per row, plus the wrapper object if there is one).
    """
    codes = np.frombuffer(_JSON_ESCAPE.sub(b"__", body) if b"\\" in body else body, dtype=np.uint8)
    quotes = np.flatnonzero(codes == ord('"'))
    opening = np.flatnonzero((codes == ord("[")) | (codes == ord("{")))
    closing = np.flatnonzero((codes == ord("]")) | (codes == ord("}")))
    # a bracket is structure when an even number of quotes precede it (it is not inside a string)
    opening = opening[np.searchsorted(quotes, opening) % 2 == 0]
    closing = closing[np.searchsorted(quotes, closing) % 2 == 0]
    at = np.concatenate([opening, closing])
    moves = np.concatenate([np.ones(len(opening), np.int64), -np.ones(len(closing), np.int64)])[np.argsort(at)]
    depth = int(np.cumsum(moves).max()) if len(moves) else 0
    if depth > max_depth:
        raise InputError(
            f"the batch is nested {depth} levels deep; at most {max_depth} are read "
            "(send a list of flat reading objects)"
        )
    objects = int(np.count_nonzero(codes[opening] == ord("{")))
    wrapper = int(body.lstrip()[:1] == b"{")  # {"readings": [...]} holds one object more than its rows
    if objects > max_rows + wrapper:
        raise BatchTooLargeError(f"about {objects} rows in one batch; send at most {max_rows} per request")


def check_csv_batch(body: bytes, *, max_rows: int) -> None:
    """Refuse a CSV body of more than ``max_rows`` lines (after its header) before it is parsed."""
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1) - 1
    if lines > max_rows:
        raise BatchTooLargeError(f"{lines} rows in one batch; send at most {max_rows} per request")


def _loads(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"the batch is not valid JSON ({exc}); send a list of {what}") from None
    except RecursionError:
        raise InputError(f"the batch is nested too deep to read; send a list of {what}") from None


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):  # JSON true/false is not a number for a meter
        return str(v).lower()
    if isinstance(v, int | float):
        return repr(v)
    try:
        return json.dumps(v)
    except RecursionError:  # a value nested deeper than Python recurses: not a reading either way
        return "(nested too deep)"


def fields_from_json(obj: Any, *, meter_id: str | None = None) -> tuple[list[str | None], ...]:
    """The raw fields (meter ids, timestamps, values: text, None where missing) of a decoded JSON batch.

    ``meter_id`` fills rows that lack one.

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
    return meters, stamps, values


def rows_frame(fields: tuple[list[str | None], ...]) -> pd.DataFrame:
    """The raw table (text columns meter_id, timestamp, value) of fields as :func:`fields_from_json` gives them."""
    return pd.DataFrame(dict(zip(RAW_COLUMNS, fields, strict=True)), dtype=object)


def rows_from_json(obj: Any, *, meter_id: str | None = None) -> pd.DataFrame:
    """Raw rows (all text) from a decoded JSON batch; ``meter_id`` fills rows that lack one (see
    :func:`fields_from_json`)."""
    return rows_frame(fields_from_json(obj, meter_id=meter_id))


def rows_from_json_bytes(body: bytes, *, meter_id: str | None = None) -> pd.DataFrame:
    """Decode and read a JSON batch (see :func:`rows_from_json`)."""
    return rows_from_json(_loads(body, "reading objects"), meter_id=meter_id)


def fields_from_json_bytes(body: bytes, *, meter_id: str | None = None) -> tuple[list[str | None], ...]:
    """Decode a JSON batch into its raw fields (see :func:`fields_from_json`)."""
    return fields_from_json(_loads(body, "reading objects"), meter_id=meter_id)


def rows_from_csv_bytes(body: bytes) -> pd.DataFrame:
    """Raw rows from a CSV batch with the header ``meter_id,timestamp,value``."""
    try:
        df = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
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
    obj = _loads(body, "row objects")
    if isinstance(obj, dict) and "rows" in obj:
        obj = obj["rows"]
    if not isinstance(obj, list):
        raise InputError(f"a batch must be a JSON list of objects with {', '.join(columns)}; got {type(obj).__name__}")
    data = {c: [_text(item.get(c)) if isinstance(item, dict) else None for item in obj] for c in columns}
    return pd.DataFrame(data, columns=columns, dtype=object)
