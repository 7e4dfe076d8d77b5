"""Report runs of the live service: the main job (:func:`greenpark.assess.assess_park`) run in the background.

Each run is a folder ``<reports_dir>/<park_id>/<report_id>/`` holding what ``greenpark assess`` writes
(:func:`greenpark.report.write_report`: ``report.html``, ``report.pdf``, ``assessment.json``,
``tables/*.csv``) and a ``status.json`` rewritten at every stage. The list of runs is read from
these folders, so it survives a restart; a run found ``queued`` or ``running`` at start belonged to a
process that stopped, and is marked failed.

One run at a time per park: the engines (solar's process pool, the PDF) take both cores of a small
server for tens of seconds. The run reads the service's own store (its pool or cursors, beside the
requests and ingestion, which go on meanwhile) only in the stages that need it (the year's tables and the
inventory).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from greenpark.api.service import Service
from greenpark.assess import STAGES, assess_park
from greenpark.report import write_report
from greenpark.settings import Settings
from greenpark.store import duckdb_path

log = logging.getLogger(__name__)

# the files a report run offers for download, and their media types (the only names a download may ask for)
REPORT_FILES: dict[str, str] = {
    "report.html": "text/html; charset=utf-8",
    "report.pdf": "application/pdf",
    "assessment.json": "application/json",
}
REPORT_STAGE = "report"  # rendering HTML/PDF/JSON after the assessment's stages
RUN_STAGES = (*STAGES, REPORT_STAGE)
STATUS_FILE = "status.json"
REPORT_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$")
RunStatus = Literal["queued", "running", "done", "failed"]
Lang = Literal["vi", "en", "ja"]


class ReportRun(BaseModel):
    """One report run as ``status.json`` holds it."""

    report_id: str
    park_id: str
    year: int
    lang: Lang
    pdf: bool
    status: RunStatus = "queued"
    stages: dict[str, str] = Field(
        default_factory=dict, description="stage -> start | ok | skipped | failed, as the assessment reports them"
    )
    stages_total: int = len(RUN_STAGES)
    requested_by: str = ""
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    error: str | None = None
    files: list[str] = Field(default_factory=list, description="files ready for download")


class ReportRunningError(Exception):
    """A report of this park is already running (one at a time per park)."""

    def __init__(self, run: ReportRun) -> None:
        self.run = run
        stage = next((s for s, state in run.stages.items() if state == "start"), None)
        super().__init__(
            f"report {run.report_id} of park {run.park_id!r} for {run.year} ({run.lang}) is {run.status}"
            + (f" (stage {stage})" if stage else "")
            + f"; wait until it is done (GET /api/v1/parks/{run.park_id}/reports/{run.report_id}), then start another"
        )


class _StoppedError(Exception):
    """The service is stopping: the run ends at the next stage boundary."""


def reports_folder(settings: Settings) -> Path:
    """Where report runs are written: ``settings.reports_dir``, else beside the store.

    A duckdb file store keeps its reports in ``reports/`` next to the file; a PostgreSQL store in
    ``.greenpark/reports`` (as the default store); an in-memory store, whose data vanishes with the
    process, in a temporary folder of its own.
    """
    if settings.reports_dir is not None:
        return Path(settings.reports_dir)
    url = settings.store_url
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return Path(".greenpark") / "reports"
    path = duckdb_path(url)
    if path in ("", ":memory:"):  # a folder of its own, made only when a report is run
        return Path(tempfile.gettempdir()) / f"greenpark-reports-{uuid.uuid4().hex}"
    return Path(path).parent / "reports"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class ReportRuns:
    """The report runs of a service: start one in a thread, read their status, find their files."""

    def __init__(self, service: Service, folder: Path) -> None:
        self.service = service
        self.folder = folder
        self._lock = threading.Lock()
        self._running: dict[str, ReportRun] = {}
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    # reading ---------------------------------------------------------------------------
    def _park_folder(self, park_id: str) -> Path:
        return self.folder / park_id

    def list(self, park_id: str) -> list[ReportRun]:
        """The park's runs, newest first (read from their ``status.json``)."""
        folder = self._park_folder(park_id)
        if not folder.is_dir():
            return []
        runs = []
        for sub in sorted(folder.iterdir(), reverse=True):
            if REPORT_ID.match(sub.name) and (sub / STATUS_FILE).is_file():
                run = self._read(sub)
                if run is not None:
                    runs.append(run)
        return runs

    def get(self, park_id: str, report_id: str) -> ReportRun | None:
        """One run, or None (also for an id that is not a report id: nothing outside the folder is read)."""
        if not REPORT_ID.match(report_id):
            return None
        with self._lock:
            live = self._running.get(park_id)
            if live is not None and live.report_id == report_id:
                return live.model_copy(deep=True)
        sub = self._park_folder(park_id) / report_id
        return self._read(sub) if (sub / STATUS_FILE).is_file() else None

    def file(self, run: ReportRun, name: str) -> Path | None:
        """The path of a finished run's file ``name`` (one of :data:`REPORT_FILES`), or None."""
        if name not in REPORT_FILES or name not in run.files:
            return None
        path = self._park_folder(run.park_id) / run.report_id / name
        return path if path.is_file() else None

    def _read(self, sub: Path) -> ReportRun | None:
        try:
            return ReportRun.model_validate_json((sub / STATUS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # a damaged status file hides one run, not the list
            log.warning("report status %s unreadable (%s); the run is left out of the list", sub, exc)
            return None

    def _save(self, run: ReportRun) -> None:
        """Write ``status.json`` whole (temporary file, then rename: a reader never sees half of it)."""
        sub = self._park_folder(run.park_id) / run.report_id
        sub.mkdir(parents=True, exist_ok=True)
        tmp = sub / f".{STATUS_FILE}.tmp"
        tmp.write_text(run.model_dump_json(indent=1), encoding="utf-8")
        os.replace(tmp, sub / STATUS_FILE)

    # life cycle ------------------------------------------------------------------------
    def recover(self) -> int:
        """Mark the runs a stopped process left ``queued`` or ``running`` as failed; returns how many."""
        if not self.folder.is_dir():
            return 0
        n = 0
        for park in self.folder.iterdir():
            if park.is_dir():
                for run in self.list(park.name):
                    if run.status in ("queued", "running"):
                        run.status = "failed"
                        run.error = "the service stopped before this report was finished; start it again"
                        run.finished_at = run.finished_at or _now()
                        self._save(run)
                        n += 1
        return n

    def start(self, park_id: str, year: int, lang: Lang, pdf: bool, requested_by: str) -> ReportRun:
        """Queue a run of park ``park_id`` for ``year`` and start it in a thread.

        Raises
        ------
        ReportRunningError
            A run of this park is queued or running.
        """
        with self._lock:
            if park_id in self._running:
                raise ReportRunningError(self._running[park_id].model_copy(deep=True))
            now = _now()
            run = ReportRun(
                report_id=f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}",
                park_id=park_id,
                year=year,
                lang=lang,
                pdf=pdf,
                requested_by=requested_by,
                created_at=now,
            )
            self._running[park_id] = run
            self._save(run)
            thread = threading.Thread(target=self._work, args=(run,), name=f"greenpark-report-{park_id}", daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            snapshot = run.model_copy(deep=True)
        thread.start()
        return snapshot

    def stop(self, wait_s: float) -> None:
        """Ask running reports to stop at their next stage and wait up to ``wait_s`` seconds for them."""
        self._stopping.set()
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait_s)
        for t in list(self._threads):
            t.join(timeout=max(0.0, (deadline - dt.datetime.now(dt.UTC)).total_seconds()))
            if t.is_alive():
                log.warning("report thread %s still running at shutdown; its run will be marked failed", t.name)

    # the run ---------------------------------------------------------------------------
    def _progress(self, run: ReportRun, stage: str, state: str) -> None:
        """The assessment's progress callback: record the stage's state in ``status.json``."""
        with self._lock:
            run.stages[stage] = state
            self._save(run)
        if state == "start" and self._stopping.is_set():  # a stage about to begin: end here
            raise _StoppedError("the service is stopping")

    def _finish(self, run: ReportRun, status: RunStatus, error: str | None = None) -> None:
        with self._lock:
            run.status = status
            run.error = error
            run.finished_at = _now()
            self._save(run)
            self._running.pop(run.park_id, None)

    def _work(self, run: ReportRun) -> None:
        """Assess the park on the service's store, then write the report files (as ``greenpark assess`` does)."""
        service = self.service
        out = self._park_folder(run.park_id) / run.report_id
        with self._lock:
            run.status = "running"
            run.started_at = _now()
            self._save(run)
        try:
            assessment = assess_park(
                service.park(run.park_id),
                service.store,
                run.year,
                workers=service.settings.report_workers,
                progress=lambda stage, state: self._progress(run, stage, state),
            )
            self._progress(run, REPORT_STAGE, "start")
            write_report(assessment.to_json(), out, lang=run.lang, pdf=run.pdf)
            with self._lock:
                run.files = [name for name in REPORT_FILES if (out / name).is_file()]
            self._progress(run, REPORT_STAGE, "ok")
        except _StoppedError:
            self._finish(run, "failed", "the service stopped while this report was running; start it again")
        except Exception as exc:  # recorded in the run's status and logged; the service goes on
            log.exception("report %s of park %s failed", run.report_id, run.park_id)
            self._finish(run, "failed", f"{type(exc).__name__}: {exc}")
        else:
            self._finish(run, "done")
