"""The park's own prices for tenants' bills: ``prices.csv`` in the park folder (docs/park-folder.md).

Columns ``item, value, unit, valid_from, valid_to, source``; items:

- ``water_supply`` VND/m3 (excl. VAT) charged to tenants;
- ``wastewater_treatment_cost`` VND per month: the WWTP's cost to recover, split by the water engine's allocation;
- ``wholesale_connection`` (unit ``connection``): how the park buys from EVN (a key of tariffs/wholesale_parks.csv);
- ``incoming_meter`` (unit ``meter``): the meter_id of the park's purchase meter (one row per meter);
- ``common_meter`` (unit ``meter``): a park meter whose use nobody is billed for (street lighting, office ...).

Empty valid_from/valid_to = always. A bad row is an error naming file, line, field and reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from greenpark.errors import InputError

ITEMS = {
    "water_supply": "VND/m3",
    "wastewater_treatment_cost": "VND/month",
    "wholesale_connection": "connection",
    "incoming_meter": "meter",
    "common_meter": "meter",
}
COLUMNS = ("item", "value", "unit", "valid_from", "valid_to", "source")


@dataclass(frozen=True)
class PriceRow:
    item: str
    value: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str


def read_prices(folder: str | Path) -> list[PriceRow]:
    """Rows of ``<folder>/prices.csv`` (none if the file is absent)."""
    path = Path(folder) / "prices.csv"
    if not path.exists():
        return []
    df = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {missing}; columns are {', '.join(COLUMNS)}")
    rows = []
    for i, r in df.iterrows():
        line = int(i) + 2
        if r["item"] not in ITEMS:
            raise InputError(f"{path} line {line}, field item: {r['item']!r} is not one of {', '.join(ITEMS)}")
        if r["unit"] != ITEMS[r["item"]]:
            raise InputError(f"{path} line {line}, field unit: {r['item']} is in {ITEMS[r['item']]}, not {r['unit']!r}")
        if ITEMS[r["item"]].startswith("VND"):
            try:
                if float(r["value"]) < 0:
                    raise ValueError
            except ValueError:
                raise InputError(f"{path} line {line}, field value: {r['value']!r} is not a price >= 0") from None
        dates = []
        for col in ("valid_from", "valid_to"):
            try:
                dates.append(dt.date.fromisoformat(r[col]) if r[col] else None)
            except ValueError:
                raise InputError(f"{path} line {line}, field {col}: {r[col]!r} is not a date YYYY-MM-DD") from None
        rows.append(PriceRow(r["item"], r["value"], dates[0], dates[1], r["source"] or f"{path.name} line {line}"))
    return rows


def prices_on(rows: list[PriceRow], item: str, on: dt.date) -> list[PriceRow]:
    """The rows of ``item`` in force on ``on``."""
    return [
        r
        for r in rows
        if r.item == item and (r.valid_from is None or r.valid_from <= on) and (r.valid_to is None or on <= r.valid_to)
    ]
