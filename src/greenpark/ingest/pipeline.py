"""One path for every arriving batch (HTTP JSON/CSV, MQTT): validate, then write everything in one transaction.

A batch is validated whole, in memory, before anything is written: the screen of
:mod:`greenpark.ingest.validate` (NUL bytes, lone surrogates, unknown meters, timestamps that are
not finite or not plausible), then the file import's rules and the plausibility bounds (VEE),
vectorised over the batch (:mod:`greenpark.io.readings_batch`); a small batch whose every row certainly passes them
skips their pandas frames (:mod:`greenpark.ingest.small_batch`). The alert rules run on the
accepted readings before the write too. Only then is the batch written, in one transaction
(:meth:`greenpark.store.base.Store.write_batch`): the accepted readings (upserted on meter_id,
ts, so a resent batch changes nothing), the rejected rows (the quarantine, with the source
``http``, ``http-csv``, ``mqtt`` as their file and their position in the batch as their line;
text escaped, storable by every backend), the values held out by a plausibility rule, and the
alerts the batch raised (small batches waiting at the same time share one transaction:
:mod:`greenpark.ingest.commit`). Either all of it is stored or none of it (the caller then gets an
error and may resend), so caches and alerts never disagree with the store. The write returns
once the store has made it durable, so the caller may then acknowledge.

Rejects are rate-limited per sender (:class:`RejectBudget`): a device that sends garbage fills
the quarantine with at most ``quarantine_rows_per_sender`` rows one by one per window; the rest
of its rejected rows are kept as one summary row per field (how many, which lines, the first
reason). Every rejected row is still counted in the answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from greenpark.ingest.alerts import AlertBook, Finding
from greenpark.ingest.commit import GroupCommit
from greenpark.ingest.payload import RAW_COLUMNS, rows_frame
from greenpark.ingest.small_batch import SMALL_BATCH_ROWS, clean_readings
from greenpark.ingest.validate import TimeWindow, screen, validate_batch
from greenpark.ingest.wastewater import RAW_COLUMNS as WASTEWATER_COLUMNS
from greenpark.ingest.wastewater import merge_into, merged_wastewater, validate_wastewater, water_findings
from greenpark.io.plausibility import empty_held_out
from greenpark.io.quarantine import empty_rejects
from greenpark.io.readings_batch import CheckedReadings
from greenpark.io.sources import LINE
from greenpark.model import ParkData
from greenpark.store.base import IngestBatch, SqlSession, Store

log = logging.getLogger(__name__)

# the answer of a clean batch: built once (about 5 ms of pandas each), shared, never modified
_NO_REJECTS = empty_rejects()
_NO_HELD_OUT = empty_held_out()

#: rules run on arriving data: (park data, accepted readings) -> findings
Rule = Callable[[ParkData, pd.DataFrame], list[Finding]]


@dataclass
class IngestReport:
    """What happened to a batch: received = accepted + rejected + held_out, always.

    ``summarised`` counts the rejected rows kept in the quarantine as part of a summary row (the sender was over
    its budget), not one by one.
    """

    received: int
    accepted: int
    rejected: int
    held_out: int = 0
    summarised: int = 0
    rejects: list[dict[str, Any]] = field(default_factory=list)  # the first few, for the caller
    alerts_opened: list[str] = field(default_factory=list)


class RejectBudget:
    """How many rejected rows each sender may add to the quarantine one by one: ``rows`` per ``window_s``.

    A token bucket per sender (refilled continuously); buckets that are full again are forgotten, so the
    memory held is bounded by the senders active within one window.
    """

    def __init__(self, rows: int, window_s: float) -> None:
        self.rows = rows
        self.window_s = window_s
        self._left: dict[str, tuple[float, float]] = {}  # sender -> (tokens, monotonic time)
        self._lock = threading.Lock()
        self._swept = time.monotonic()

    def take(self, sender: str, n: int) -> int:
        """How many of ``n`` rejected rows ``sender`` may keep one by one now (taken from its budget)."""
        now = time.monotonic()
        rate = self.rows / self.window_s
        with self._lock:
            tokens, at = self._left.get(sender, (float(self.rows), now))
            tokens = min(float(self.rows), tokens + (now - at) * rate)
            kept = min(n, int(tokens))
            self._left[sender] = (tokens - kept, now)
            if now - self._swept > self.window_s:  # forget senders whose bucket is full again
                self._swept = now
                self._left = {
                    k: (t, a) for k, (t, a) in self._left.items() if t + (now - a) * rate < self.rows or k == sender
                }
        return kept


def summarise_rejects(rejects: pd.DataFrame, keep: int, sender: str, budget: RejectBudget) -> pd.DataFrame:
    """The first ``keep`` rejected rows as they are, the others as one summary row per field.

    A summary row's ``line`` is the range of lines it stands for, ``value`` how many rows, ``reason`` the first
    one's reason and why the rows are not kept one by one.
    """
    head, rest = rejects.iloc[:keep], rejects.iloc[keep:]
    rows = []
    for name, part in rest.groupby("field", sort=False, dropna=False):
        lines = pd.to_numeric(part["line"], errors="coerce")
        rows.append(
            {
                "file": str(part["file"].iloc[0]),
                "line": f"{int(lines.min())}-{int(lines.max())}" if lines.notna().any() else "",
                "field": "" if pd.isna(name) else str(name),
                "value": f"{len(part)} rows",
                "reason": (
                    f"{len(part)} more rejected rows (lines {int(lines.min())} to {int(lines.max())}), the first: "
                    f"{part['reason'].iloc[0]}; not kept one by one: sender {sender!r} is over its quarantine "
                    f"budget of {budget.rows} rows per {budget.window_s:g} s (settings quarantine_rows_per_sender, "
                    "quarantine_window_s)"
                ),
                "raw": "",
            }
        )
    return pd.concat([head, pd.DataFrame(rows, columns=rejects.columns)], ignore_index=True)


class Ingestor:
    """Validates and writes batches for every park of a store; any number of threads at once."""

    def __init__(
        self,
        store: Store,
        park: Callable[[str], ParkData],
        alerts: AlertBook | None = None,
        rules: list[Rule] | None = None,
        reject_sample: int = 20,
        on_write: Callable[[str, pd.DataFrame], None] | None = None,
        water_window: dt.timedelta = dt.timedelta(hours=24),
        time_window: TimeWindow | None = None,
        reject_budget: RejectBudget | None = None,
    ) -> None:
        self.store = store
        self.park = park
        self.alerts = alerts
        self.rules = rules or []
        self.reject_sample = reject_sample
        self.on_write = on_write
        self.water_window = water_window
        self.time_window = time_window
        self.reject_budget = reject_budget
        # raising alerts reads then writes (extend the open alert or open one): one batch of a park at a time does
        # it, so two batches cannot both open the same alert; batches without findings never wait for this
        self._alert_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._merge_lock = threading.Lock()
        self._commit = GroupCommit(store)

    def ingest(self, park_id: str, raw: pd.DataFrame, source: str, sender: str | None = None) -> IngestReport:
        """Validate and durably write one batch of raw rows (columns meter_id, timestamp, value).

        ``sender`` keys the quarantine budget (a user or device; default: the source).

        Raises
        ------
        ParkNotFoundError : the park is not in the store.
        StoreError : the write failed (nothing is written then, nothing may be acknowledged).
        """
        data = self.park(park_id)
        return self._store(park_id, data, len(raw), self._validate(data, raw, source), sender or source)

    def ingest_fields(
        self, park_id: str, fields: tuple[list[str | None], ...], source: str, sender: str | None = None
    ) -> IngestReport:
        """:meth:`ingest` of a batch given as its raw fields (meter ids, timestamps, values: lists of text).

        A small batch whose every row passes the rules builds no raw table at all (about 1 ms of pandas).
        """
        meters, stamps, values = fields
        data = self.park(park_id)
        accepted = clean_readings(data, meters, stamps, values, self.time_window)
        if accepted is None:
            return self.ingest(park_id, rows_frame(fields), source, sender)
        checked = CheckedReadings(accepted, _NO_REJECTS, _NO_HELD_OUT)
        return self._store(park_id, data, len(meters), checked, sender or source)

    def _store(
        self, park_id: str, data: ParkData, received: int, checked: CheckedReadings, sender: str
    ) -> IngestReport:
        """Raise the alerts of a validated batch and write it all durably; the caller's answer."""
        findings = self._findings(park_id, data, checked.accepted) if len(checked.accepted) else []
        kept, summarised = self._budgeted(checked.rejects, sender)
        batch = IngestBatch(readings=checked.accepted, rejects=kept, held_out=checked.held_out)
        opened = self._write(park_id, batch, findings)
        if self.on_write is not None and len(checked.accepted):
            self.on_write(park_id, checked.accepted)
        return IngestReport(
            received=received,
            accepted=received - checked.n_rejected - checked.n_held_out,
            rejected=checked.n_rejected,
            held_out=checked.n_held_out,
            summarised=summarised,
            rejects=_sample(checked.rejects, self.reject_sample),
            alerts_opened=opened,
        )

    def quarantine(self, park_id: str, rejects: pd.DataFrame) -> None:
        """Keep rows of a batch that could not be read at all (quarantine columns, text escaped) in the quarantine.

        Raises
        ------
        ParkNotFoundError : the park is not in the store.
        """
        self.park(park_id)
        self.store.add_quarantine(park_id, rejects)

    def ingest_wastewater(
        self, park_id: str, raw: pd.DataFrame, source: str, sender: str | None = None
    ) -> IngestReport:
        """Validate and durably write WWTP analyser/lab rows with the alerts the water rules raise on them."""
        data = self.park(park_id)
        accepted, rejects = self._validate_wastewater(data, raw, source)
        findings: list[Finding] = []
        if len(accepted) and self.alerts is not None:
            view = replace(
                data, tables={**data.tables, "wastewater": merged_wastewater(data.table("wastewater"), accepted)}
            )
            try:
                findings = water_findings(view, accepted, self.water_window)
            except Exception:  # a failing rule must not keep the rows out of the store
                log.exception("water alert rules failed on park %s", park_id)
        kept, summarised = self._budgeted(rejects, sender or source)
        opened = self._write(park_id, IngestBatch(rejects=kept, wastewater=accepted), findings)
        n_rejected = int(rejects["line"].nunique()) if len(rejects) else 0
        if len(accepted):
            with self._merge_lock:  # the park's in-memory table, for the next batch's rules and the pages
                merge_into(data, accepted)
            if self.on_write is not None:
                self.on_write(park_id, accepted.rename(columns={"timestamp": "ts"}))
        return IngestReport(
            received=len(raw),
            accepted=len(raw) - n_rejected,
            rejected=n_rejected,
            summarised=summarised,
            rejects=_sample(rejects, self.reject_sample),
            alerts_opened=opened,
        )

    def _write(self, park_id: str, batch: IngestBatch, findings: list[Finding]) -> list[str]:
        """The batch and the alerts of its findings in one transaction; the ids of the alerts opened."""
        alerts = self.alerts
        if alerts is None or not findings:
            if sum(
                len(f) for f in (batch.readings, batch.rejects, batch.held_out, batch.wastewater) if f is not None
            ) <= (
                SMALL_BATCH_ROWS
            ):  # small: written together with the other small batches waiting (one transaction's fixed cost)
                self._commit.write(park_id, batch)
            else:
                self.store.write_batch(park_id, batch)
            return []

        def raise_alerts(db: SqlSession) -> list[str]:
            return alerts.raise_alerts(park_id, findings, db=db)

        with self._alert_locks[park_id]:
            opened = self.store.write_batch(park_id, batch, raise_alerts) or []
        if opened:
            alerts.changed.set()  # committed: the webhook pusher may deliver them now
        return opened

    def _validate(self, data: ParkData, raw: pd.DataFrame, source: str) -> CheckedReadings:
        """The rules on a batch; a small batch whose every row certainly passes them skips their pandas frames."""
        if 0 < len(raw) <= SMALL_BATCH_ROWS and set(RAW_COLUMNS) <= set(raw.columns):
            accepted = clean_readings(
                data, raw["meter_id"].tolist(), raw["timestamp"].tolist(), raw["value"].tolist(), self.time_window
            )
            if accepted is not None:
                return CheckedReadings(accepted, _NO_REJECTS, _NO_HELD_OUT)
        return validate_batch(data, raw, source, self.time_window)

    def _budgeted(self, rejects: pd.DataFrame, sender: str) -> tuple[pd.DataFrame, int]:
        """The rejected rows to keep (within the sender's budget, the rest summarised) and how many were summarised."""
        if self.reject_budget is None or rejects.empty:
            return rejects, 0
        keep = self.reject_budget.take(sender, len(rejects))
        if keep >= len(rejects):
            return rejects, 0
        return summarise_rejects(rejects, keep, sender, self.reject_budget), len(rejects) - keep

    def _validate_wastewater(self, data: ParkData, raw: pd.DataFrame, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The file rules of ``wastewater.csv`` after the screen; reject lines are positions in ``raw``."""
        frame = raw.reset_index(drop=True).reindex(columns=WASTEWATER_COLUMNS).astype(object)
        frame = frame.where(frame.notna(), "")
        frame[LINE] = np.arange(1, len(frame) + 1)
        keep, screened = screen(data, frame, source, self.time_window, columns=list(WASTEWATER_COLUMNS))
        accepted, rejects = validate_wastewater(data, raw.reset_index(drop=True)[keep], source)
        if len(rejects):  # its lines count the rows it saw: back to positions in the whole batch
            lines = np.flatnonzero(keep) + 1
            rejects = rejects.copy()
            rejects["line"] = [str(lines[int(x) - 1]) for x in rejects["line"]]
        if len(screened):
            rejects = pd.concat([screened.astype(rejects.dtypes.to_dict()), rejects], ignore_index=True)
            rejects = rejects.iloc[np.argsort(rejects["line"].astype(int).to_numpy(), kind="stable")]
        return accepted, rejects.reset_index(drop=True)

    def _findings(self, park_id: str, data: ParkData, accepted: pd.DataFrame) -> list[Finding]:
        if self.alerts is None or not self.rules:
            return []
        findings: list[Finding] = []
        for rule in self.rules:
            try:
                findings.extend(rule(data, accepted))
            except Exception:  # a failing rule must not keep the readings out of the store
                log.exception("alert rule %s failed on park %s", getattr(rule, "__name__", rule), park_id)
        return findings


def _sample(rejects: pd.DataFrame, n: int) -> list[dict[str, Any]]:
    """The first ``n`` rejected rows as plain text records, for the caller's answer."""
    if rejects.empty:  # most batches: no pandas round trip (about 1 ms of a one-reading POST)
        return []
    return [{str(k): v for k, v in r.items()} for r in rejects.head(n).astype(str).to_dict(orient="records")]
