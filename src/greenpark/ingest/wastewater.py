"""Analyser values of a WWTP arriving live (wastewater rows), and the water engine's alert rules on them.

Rows are validated by the file import's rules for ``wastewater.csv``
(:func:`greenpark.io.records.read_records`: WWTP and tenant ids, point, canonical parameter
names and aliases, units converted, ``<DL`` values censored); rejected rows go to the
quarantine. Accepted rows are upserted on (wwtp_id, timestamp, point, parameter, method) by the
store (:meth:`greenpark.store.base.Store.write_batch`).

:func:`water_findings` runs :func:`greenpark.water.alerts.evaluate_alerts` (limit exceedance
over the averaging window, sensor faults, missing data) over the recent analyser values of
each WWTP point that received data; the thresholds are the engine's (``water/monitoring_rules``).
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from greenpark.errors import GreenparkError
from greenpark.ingest.alerts import Finding
from greenpark.io.quarantine import FileCount, ProblemLog
from greenpark.io.records import read_records
from greenpark.io.sources import LINE, Sheet
from greenpark.model import ParkData
from greenpark.water.alerts import evaluate_alerts
from greenpark.water.standards import discharge_limits

log = logging.getLogger(__name__)

RAW_COLUMNS = ["wwtp_id", "timestamp", "point", "parameter", "value", "unit", "method"]
KEY = ["wwtp_id", "timestamp", "point", "parameter", "method"]


def validate_wastewater(data: ParkData, raw: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(accepted canonical wastewater rows, rejected rows) of a raw batch of text rows."""
    frame = raw.reindex(columns=RAW_COLUMNS).astype(object)
    frame = frame.where(frame.notna(), "").reset_index(drop=True)
    frame[LINE] = np.arange(1, len(frame) + 1)
    problems = ProblemLog()
    accepted = read_records(
        "wastewater",
        Sheet(source, frame, []),
        data.park.timezone,
        problems,
        FileCount(source),
        {t.tenant_id for t in data.tenants},
        {w.wwtp_id for w in data.wwtps},
    )
    accepted = accepted.drop_duplicates(KEY, keep="last").reset_index(drop=True)
    return accepted, problems.rejects_frame()


def merged_wastewater(table: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``table`` (a park's wastewater rows) with ``rows`` folded in: the newest value wins per key."""
    merged = rows if table.empty else pd.concat([table, rows.reindex(columns=table.columns)], ignore_index=True)
    merged = merged.drop_duplicates(KEY, keep="last").sort_values("timestamp", kind="stable")
    return merged.reset_index(drop=True)


def merge_into(data: ParkData, rows: pd.DataFrame) -> None:
    """Fold accepted rows into the park's in-memory wastewater table (newest value wins per key)."""
    data.tables["wastewater"] = merged_wastewater(data.table("wastewater"), rows)


def water_findings(data: ParkData, rows: pd.DataFrame, window: dt.timedelta) -> list[Finding]:
    """The water engine's alerts over the last ``window`` of each WWTP outlet analyser that got ``rows``."""
    out: list[Finding] = []
    table = data.table("wastewater")
    fresh = rows[(rows["point"] == "outlet") & (rows["method"] == "analyser")]
    for wwtp_id, new in fresh.groupby("wwtp_id"):
        wwtp = next((w for w in data.wwtps if w.wwtp_id == wwtp_id), None)
        if wwtp is None:
            continue
        now = pd.Timestamp(new["timestamp"].max())
        recent = table[
            (table["wwtp_id"] == wwtp_id)
            & (table["point"] == "outlet")
            & (table["method"] == "analyser")
            & (table["timestamp"] > now - window)
        ]
        params = sorted(set(recent["parameter"]))
        try:
            limits = discharge_limits(wwtp, now.date(), params)
        except GreenparkError as exc:  # e.g. an edition not transcribed: faults and gaps still checked
            log.warning("no outlet limits for %s: %s", wwtp_id, exc)
            limits = {}
        alerts = evaluate_alerts(
            recent[["timestamp", "parameter", "value"]], limits, now, wwtp_id=str(wwtp_id), since=now - window
        )
        for a in alerts:
            out.append(
                Finding(
                    rule=a.rule,
                    subject=f"{a.wwtp_id}/{a.parameter}",
                    message=f"{a.wwtp_id}: {a.message}",
                    severity="critical" if a.rule == "water.exceedance" else "warning",
                    first_ts=a.start,
                    last_ts=a.end,
                    data={"wwtp_id": a.wwtp_id, "parameter": a.parameter, "peak": a.peak, "limit": a.limit},
                )
            )
    return out
