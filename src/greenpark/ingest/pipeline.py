"""One path for every arriving batch (HTTP JSON/CSV, MQTT): validate, write, quarantine, alert.

Validation is the file import's (:func:`greenpark.ingest.validate.validate_batch`, a thin
adapter over ``greenpark.io``); accepted readings are upserted on (meter_id, ts), so a
resent batch changes nothing; rejected rows go to the park's quarantine with the
source (``http``, ``http-csv``, ``mqtt``) as their file and their position in the batch
as their line. The write returns only once the store has made it durable, so the
caller may then acknowledge.

A batch is validated whole before anything is written: the screen of
:mod:`greenpark.ingest.validate` (NUL bytes, lone surrogates, unknown meters, timestamps
that are not finite or not plausible) and the file rules, in memory; only then are the
accepted readings (upsert, so a retried batch changes nothing) and the rejected rows (text
escaped, storable by every backend) written, so no input can make a write fail halfway.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from greenpark.ingest.alerts import AlertBook, Finding
from greenpark.ingest.validate import TimeWindow, screen, validate_batch
from greenpark.ingest.wastewater import RAW_COLUMNS as WASTEWATER_COLUMNS
from greenpark.ingest.wastewater import merge_into, validate_wastewater, water_findings, write_wastewater
from greenpark.io.sources import LINE
from greenpark.model import ParkData
from greenpark.store.base import Store

log = logging.getLogger(__name__)

#: rules run on arriving data: (park data, accepted readings) -> findings
Rule = Callable[[ParkData, pd.DataFrame], list[Finding]]


@dataclass
class IngestReport:
    """What happened to a batch: received = accepted + rejected, always."""

    received: int
    accepted: int
    rejected: int
    rejects: list[dict[str, Any]] = field(default_factory=list)  # the first few, for the caller
    alerts_opened: list[str] = field(default_factory=list)


class Ingestor:
    """Writes batches for every park of a store, serialised on the store lock."""

    def __init__(
        self,
        store: Store,
        lock: threading.RLock,
        park: Callable[[str], ParkData],
        alerts: AlertBook | None = None,
        rules: list[Rule] | None = None,
        reject_sample: int = 20,
        on_write: Callable[[str, pd.DataFrame], None] | None = None,
        water_window: dt.timedelta = dt.timedelta(hours=24),
        time_window: TimeWindow | None = None,
    ) -> None:
        self.store = store
        self.lock = lock
        self.park = park
        self.alerts = alerts
        self.rules = rules or []
        self.reject_sample = reject_sample
        self.on_write = on_write
        self.water_window = water_window
        self.time_window = time_window

    def ingest(self, park_id: str, raw: pd.DataFrame, source: str) -> IngestReport:
        """Validate and durably write one batch of raw rows (columns meter_id, timestamp, value).

        Raises
        ------
        ParkNotFoundError : the park is not in the store.
        StoreError : the write failed (nothing is acknowledged then).
        """
        data = self.park(park_id)
        accepted, rejects = validate_batch(data, raw, source, self.time_window)
        with self.lock:
            if len(accepted):
                self.store.write_readings(park_id, accepted)
            if len(rejects):
                self.store.add_quarantine(park_id, rejects)
        if self.on_write is not None and len(accepted):
            self.on_write(park_id, accepted)
        n_rejected = int(rejects["line"].nunique()) if len(rejects) else 0
        report = IngestReport(
            received=len(raw),
            accepted=len(raw) - n_rejected,
            rejected=n_rejected,
            rejects=_sample(rejects, self.reject_sample),
        )
        if self.alerts is not None and self.rules and len(accepted):
            report.alerts_opened = self._run_rules(park_id, data, accepted)
        return report

    def quarantine(self, park_id: str, rejects: pd.DataFrame) -> None:
        """Keep rows of a batch that could not be read at all (quarantine columns, text escaped) in the quarantine.

        Raises
        ------
        ParkNotFoundError : the park is not in the store.
        """
        self.park(park_id)
        with self.lock:
            self.store.add_quarantine(park_id, rejects)

    def ingest_wastewater(self, park_id: str, raw: pd.DataFrame, source: str) -> IngestReport:
        """Validate and durably write WWTP analyser/lab rows; run the water alert rules on them."""
        data = self.park(park_id)
        accepted, rejects = self._validate_wastewater(data, raw, source)
        with self.lock:
            if len(accepted):
                write_wastewater(self.store, park_id, accepted)
            if len(rejects):
                self.store.add_quarantine(park_id, rejects)
            if len(accepted):
                merge_into(data, accepted)
        n_rejected = int(rejects["line"].nunique()) if len(rejects) else 0
        report = IngestReport(
            received=len(raw),
            accepted=len(raw) - n_rejected,
            rejected=n_rejected,
            rejects=_sample(rejects, self.reject_sample),
        )
        if len(accepted):
            if self.on_write is not None:
                self.on_write(park_id, accepted.rename(columns={"timestamp": "ts"}))
            if self.alerts is not None:
                try:
                    findings = water_findings(data, accepted, self.water_window)
                except Exception:  # the rows are written; a failing rule must not turn that into an error
                    log.exception("water alert rules failed on park %s", park_id)
                    findings = []
                if findings:
                    report.alerts_opened = self.alerts.raise_alerts(park_id, findings)
        return report

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

    def _run_rules(self, park_id: str, data: ParkData, accepted: pd.DataFrame) -> list[str]:
        findings: list[Finding] = []
        for rule in self.rules:
            try:
                findings.extend(rule(data, accepted))
            except Exception:  # a failing rule must not lose the (already written) readings
                log.exception("alert rule %s failed on park %s", getattr(rule, "__name__", rule), park_id)
        assert self.alerts is not None
        return self.alerts.raise_alerts(park_id, findings) if findings else []


def _sample(rejects: pd.DataFrame, n: int) -> list[dict[str, Any]]:
    """The first ``n`` rejected rows as plain text records, for the caller's answer."""
    return [{str(k): v for k, v in r.items()} for r in rejects.head(n).astype(str).to_dict(orient="records")]
