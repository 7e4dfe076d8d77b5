"""Deliberate data faults, each at a known file and line, so ``greenpark check`` has real work.

Every fault is described in the metadata: file, line (1-based, header = line 1),
column, the value written, the original value (if one was replaced) and the reason
a checker should give. Lines are computed after all insertions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from greenpark.example.series import MeterSeries

UNKNOWN_UNIT = "kWhh"
UNKNOWN_METER = "EL-T99"
BAD_TIMESTAMP = "2024-02-30T00:00:00"
SPIKE_KWH = 5_000_000  # one 15-min interval: a glitch no factory meter can read


@dataclass
class Fault:
    """One deliberate fault (before line numbers are known: ``series`` and ``row`` locate it)."""

    kind: str
    file: str
    column: str
    value: str
    reason: str
    meter_id: str | None = None
    timestamp: str | None = None
    original: float | None = None
    series: str | None = None
    row: int | None = None  # row within the meter's series (readings) or frame row (other files)

    def as_dict(self, line: int) -> dict:
        """JSON form with the final line number."""
        return {
            "kind": self.kind,
            "file": self.file,
            "line": line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "meter_id": self.meter_id,
            "timestamp": self.timestamp,
            "original": self.original,
        }


def _row_of(s: MeterSeries, timestamp: str) -> int:
    hits = np.flatnonzero(s.timestamps == timestamp)
    return int(hits[0])


def _insert(s: MeterSeries, after: int, timestamp: str, value: float) -> None:
    s.timestamps = np.insert(s.timestamps, after + 1, timestamp)
    s.values = np.insert(s.values, after + 1, value)


def inject_reading_faults(
    series: list[MeterSeries], interval_meters: list[str], year: int, rng: np.random.Generator
) -> list[Fault]:
    """Add a duplicate, a negative interval value, an unparseable timestamp and an unknown meter id.

    ``interval_meters`` are tenant import meters with interval (not register) values;
    three different ones are used when there are three. Mutates ``series`` (the unknown meter becomes a
    last, one-row series).
    """
    by_id = {s.meter_id: s for s in series}
    dup_m, neg_m, bad_m = (str(m) for m in rng.choice(interval_meters, size=3, replace=len(interval_meters) < 3))
    faults = []

    s = by_id[dup_m]
    ts = f"{year}-03-15T10:00:00"
    k = _row_of(s, ts)
    original = float(s.values[k])
    dup_value = round(original * 1.15 + 1.0, s.decimals)
    _insert(s, k, ts, dup_value)
    faults.append(
        Fault(
            "duplicate",
            "readings.csv",
            "value",
            repr(dup_value),
            "duplicate (meter_id, timestamp) with a different value",
            dup_m,
            ts,
            original,
            dup_m,
            k + 1,
        )
    )

    s = by_id[neg_m]
    ts = f"{year}-05-20T14:15:00"
    k = _row_of(s, ts)
    original = float(s.values[k])
    s.values[k] = -original
    faults.append(
        Fault(
            "negative_interval",
            "readings.csv",
            "value",
            repr(-original),
            "negative interval consumption",
            neg_m,
            ts,
            original,
            neg_m,
            k,
        )
    )

    s = by_id[bad_m]
    k = _row_of(s, f"{year}-02-28T23:45:00")
    value = float(s.values[k])
    bad_ts = BAD_TIMESTAMP.replace("2024", str(year))
    _insert(s, k, bad_ts, value)
    faults.append(
        Fault(
            "bad_timestamp",
            "readings.csv",
            "timestamp",
            bad_ts,
            "timestamp does not parse (30 February)",
            bad_m,
            bad_ts,
            None,
            bad_m,
            k + 1,
        )
    )

    ts = f"{year}-06-01T00:00:00"
    series.append(MeterSeries(UNKNOWN_METER, np.array([ts], dtype=object), np.array([12.5]), 3))
    faults.append(
        Fault(
            "unknown_meter",
            "readings.csv",
            "meter_id",
            UNKNOWN_METER,
            "meter_id not in meters.csv",
            UNKNOWN_METER,
            ts,
            None,
            UNKNOWN_METER,
            0,
        )
    )
    return faults


def reading_lines(series: list[MeterSeries], faults: list[Fault]) -> list[dict]:
    """Final line numbers in readings.csv of the reading faults (header = line 1)."""
    start, offset, by_id = {}, 2, {}
    for s in series:
        start[s.meter_id] = offset
        by_id[s.meter_id] = s
        offset += len(s)
    out = []
    for f in faults:
        # located again after every insertion; a duplicate is the later of its two rows
        rows = np.flatnonzero(by_id[f.series].timestamps == f.timestamp)
        d = f.as_dict(start[f.series] + int(rows[-1]))
        if f.kind == "duplicate":
            d["original_line"] = start[f.series] + int(rows[0])
        out.append(d)
    return out


def inject_fuel_fault(fuels: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    """Replace the unit of one diesel row with an unknown unit; returns the frame and the fault."""
    candidates = np.flatnonzero((fuels["fuel"] == "diesel").to_numpy())
    row = int(rng.choice(candidates))
    fuels = fuels.reset_index(drop=True).copy()
    original = fuels.loc[row, "unit"]
    fuels.loc[row, "unit"] = UNKNOWN_UNIT
    fault = Fault(
        "unknown_unit",
        "fuels.csv",
        "unit",
        UNKNOWN_UNIT,
        f"unknown unit {UNKNOWN_UNIT!r} (meant {original!r})",
        row=row,
    )
    out = fault.as_dict(row + 2)
    out.update(
        tenant_id=fuels.loc[row, "tenant_id"],
        period=fuels.loc[row, "period"],
        fuel="diesel",
        quantity=float(fuels.loc[row, "quantity"]),
        original_unit=original,
    )
    return fuels, out


def inject_spike(series: list[MeterSeries], meter_id: str, year: int) -> Fault:
    """Replace one 15-min reading of an interval meter by an impossible one (a meter glitch).

    greenpark holds it out of every result (``vee.history_bound``: far above 10 x the meter's 99th
    percentile); the tenant's measured kWh is then its import without that interval.
    """
    s = next(x for x in series if x.meter_id == meter_id)
    ts = f"{year}-08-12T10:30:00"
    k = _row_of(s, ts)
    original = float(s.values[k])
    s.values[k] = SPIKE_KWH
    return Fault(
        "spike",
        "readings.csv",
        "value",
        repr(float(SPIKE_KWH)),
        "held out: above the meter's plausibility bound (10 x its 99th percentile, reference quality/vee_rules)",
        meter_id,
        ts,
        original,
        meter_id,
        k,
    )


def cut_to_partial_year(series: list[MeterSeries], meter_id: str, year: int) -> dict:
    """Keep a meter's readings from 1 July only (a meter read for about half the year); returns the truth.

    The tenant was there all year: its measured kWh covers 184 of 366 days, and coverage and the
    full-year rule (issue 14) must say so instead of reporting half a year as a year.
    """
    s = next(x for x in series if x.meter_id == meter_id)
    first = f"{year}-07-01T00:00:00"
    full_kwh = float(np.sum(s.values))
    keep = s.timestamps >= first
    s.timestamps, s.values = s.timestamps[keep], s.values[keep]
    return {
        "kind": "partial_year",
        "file": "readings.csv",
        "meter_id": meter_id,
        "first_timestamp": first,
        "readings": int(keep.sum()),
        "reason": "meter read from 1 July only: coverage about 0.5, partial year",
        "measured_kwh": float(np.sum(s.values)),
        "full_year_kwh": full_kwh,
    }
