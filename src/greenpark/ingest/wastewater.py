"""Analyser values of a WWTP arriving live (wastewater rows), and the water engine's alert rules on them.

Rows are validated by the file import's rules for ``wastewater.csv``
(:func:`greenpark.io.records.read_records`: WWTP and tenant ids, point, canonical parameter
names and aliases, units converted, ``<DL`` values censored); rejected rows go to the
quarantine. Accepted rows are upserted on (wwtp_id, timestamp, point, parameter, method).

:func:`water_findings` runs :func:`greenpark.water.alerts.evaluate_alerts` (limit exceedance
over the averaging window, sensor faults, missing data) over the recent analyser values of
each WWTP point that received data; the thresholds are the engine's (``water/monitoring_rules``).
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from greenpark.errors import GreenparkError, StoreError
from greenpark.ingest.alerts import Finding
from greenpark.io.quarantine import FileCount, ProblemLog
from greenpark.io.records import read_records
from greenpark.io.sources import LINE, Sheet
from greenpark.model import ParkData
from greenpark.store.base import Store
from greenpark.store.codec import WASTEWATER_COLUMNS, wastewater_rows
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


def write_wastewater(store: Store, park_id: str, rows: pd.DataFrame) -> int:
    """Upsert wastewater rows; durable on return.

    Uses ``store.write_wastewater`` when the backend has it (PostgreSQL). For the embedded
    DuckDB store, which lacks it so far, the same delete-then-insert runs on its connection
    here (TODO: move into ``DuckDBStore.write_wastewater``; see docs/service.md).
    """
    if rows.empty:
        return 0
    writer = getattr(store, "write_wastewater", None)
    if writer is not None:
        return int(writer(park_id, rows))
    con = getattr(store, "con", None)
    if con is None:
        raise StoreError(f"store {type(store).__name__} cannot append wastewater rows (no write_wastewater)")
    df = wastewater_rows(rows)
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("ww_in", df)
        con.execute(
            "DELETE FROM wastewater WHERE park_id = ? AND (wwtp_id, ts, point, parameter, coalesce(method, '')) IN "
            "(SELECT wwtp_id, ts, point, parameter, coalesce(method, '') FROM ww_in)",
            [park_id],
        )
        con.execute(f"INSERT INTO wastewater SELECT ?, {', '.join(WASTEWATER_COLUMNS)} FROM ww_in", [park_id])
        con.unregister("ww_in")
        if not con.execute(
            "SELECT 1 FROM record_tables WHERE park_id = ? AND name = 'wastewater'", [park_id]
        ).fetchall():
            con.execute("INSERT INTO record_tables VALUES (?, 'wastewater', '')", [park_id])
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        raise StoreError(f"cannot write wastewater rows of park {park_id!r}: {exc}") from exc
    return len(df)


def merge_into(data: ParkData, rows: pd.DataFrame) -> None:
    """Fold accepted rows into the park's in-memory wastewater table (newest value wins per key)."""
    old = data.table("wastewater")
    table = rows if old.empty else pd.concat([old, rows.reindex(columns=old.columns)], ignore_index=True)
    table = table.drop_duplicates(KEY, keep="last").sort_values("timestamp", kind="stable").reset_index(drop=True)
    data.tables["wastewater"] = table


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
