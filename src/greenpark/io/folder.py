"""Read a whole park folder (or workbook) into typed objects, tables, readings and problems."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from greenpark.errors import ParkFolderError, UnknownUnitError
from greenpark.io.columns import problems_frame, type_sheet
from greenpark.io.plausibility import empty_held_out
from greenpark.io.quarantine import FileCount, ProblemLog, empty_rejects
from greenpark.io.readings import ReadingsStage
from greenpark.io.records import OBJECT_MODELS, _finish, _fk_problems, read_objects, read_records
from greenpark.io.schema import OBJECT_FILES, RECORD_FILES, REQUIRED_FILES
from greenpark.io.sources import LINE, LineNumbersLost, ParkSource, Sheet
from greenpark.io.timestamps import local_text
from greenpark.model import Meter, MeterKind, Park, ParkData
from greenpark.units import parse_unit

log = logging.getLogger(__name__)

#: Called as ``progress(file, rows_done)`` while big files are read.
Progress = Callable[[str, int], None]
RECORD_TABLES = RECORD_FILES
ACCEPTED_COLUMNS = ["meter_id", "ts", "note", "accepted_by", "accepted_at", "line"]


@dataclass
class ParkRead:
    """What reading a park folder gives.

    Attributes
    ----------
    data : ParkData
        The park, its objects and record tables (canonical columns and units).
    readings : pandas.DataFrame
        meter_id, ts (UTC, interval start), value (kWh or m3 in the interval).
    rejects : pandas.DataFrame
        file, line, field, value, reason, raw: every rejected row (a row may appear
        more than once when it has several problems).
    warnings : pandas.DataFrame
        file, code, subject, line, message: problems that do not reject (gaps, rollovers).
    counts : dict
        file name -> :class:`FileCount` (read == accepted + rejected + held_out).
    held_out : pandas.DataFrame
        Readings held out of every result by a plausibility rule (:data:`HELD_OUT_COLUMNS`: file, line,
        meter_id, ts (UTC interval start), value, bound, unit, rule_id, reason, raw).
    accepted_back : pandas.DataFrame
        Readings that broke a bound but were accepted back (same columns); they are in ``readings``.
    accepted : pandas.DataFrame
        The accept decisions applied (meter_id, ts UTC, note, accepted_by, line of accepted.csv or None).
    """

    data: ParkData
    readings: pd.DataFrame
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    warnings: pd.DataFrame = field(default_factory=pd.DataFrame)
    counts: dict[str, FileCount] = field(default_factory=dict)
    held_out: pd.DataFrame = field(default_factory=empty_held_out)
    accepted_back: pd.DataFrame = field(default_factory=empty_held_out)
    accepted: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ACCEPTED_COLUMNS))
    rejected_ids: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return len(self.rejects) == 0

    def counts_frame(self) -> pd.DataFrame:
        """Counts as a table: file, read, accepted, rejected, held_out."""
        return pd.DataFrame(
            [c.as_dict() for c in self.counts.values()], columns=["file", "read", "accepted", "rejected", "held_out"]
        )


def park_from_settings(settings: dict[str, Any], where: str) -> Park:
    """Build the :class:`Park` from ``park.toml`` settings (``[park]``, ``[targets]`` and ``[eip]``)."""
    p = dict(settings.get("park", {}))
    if "id" in p:
        p["park_id"] = str(p.pop("id"))
    targets = settings.get("targets", {}) or p.pop("targets", {})
    if targets:
        p["targets"] = {str(k): {int(y): float(v) for y, v in dict(ys).items()} for k, ys in targets.items()}
    if settings.get("eip"):
        p["eip"] = dict(settings["eip"])
    try:
        return Park(**p)
    except ValidationError as exc:
        errs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ParkFolderError(f"{where}: [park] is not valid: {errs}") from exc
    except (TypeError, ValueError) as exc:
        raise ParkFolderError(f"{where}: [park] is not valid: {exc}") from exc


def scan_park(
    path: str | Path,
    progress: Progress | None = None,
    batch_rows: int = 1_000_000,
    accepted: pd.DataFrame | None = None,
) -> tuple[ParkRead, ReadingsStage | None]:
    """Read and validate everything; leave the readings staged (caller closes the stage).

    This is the streaming form behind :func:`read_park_folder` and the importer. ``accepted``
    (meter_id, ts UTC, note, accepted_by): held-out readings accepted back in the store
    (``greenpark accept``), applied with the folder's own ``accepted.csv``.
    """
    src = ParkSource(path)
    settings = src.settings()
    park = park_from_settings(settings, str(src.path if src.is_workbook else src.path / "park.toml"))
    zone = park.timezone
    missing = [f for f in REQUIRED_FILES if not src.has(f)]
    if missing:
        raise ParkFolderError(
            f"{src.path} lacks {', '.join(src.file_name(m) for m in missing)}; "
            f"run 'greenpark template DIR' for an annotated empty park"
        )
    problems = ProblemLog()
    counts: dict[str, FileCount] = {}
    objects: dict[str, list[Any]] = {}
    tenants: set[str] = set()
    wwtps: set[str] = set()
    for name in OBJECT_FILES:
        objects[name] = []
        if not src.has(name):
            continue
        sheet = src.read(name)
        count = counts.setdefault(sheet.file, FileCount(sheet.file))
        check = _object_checks(name, tenants, wwtps, sheet.file)
        objects[name] = read_objects(name, sheet, zone, OBJECT_MODELS[name], problems, count, check)
        if name == "tenants":
            tenants = {t.tenant_id for t in objects[name]}
        if name == "wwtp":
            wwtps = {w.wwtp_id for w in objects[name]}
    tables: dict[str, pd.DataFrame] = {}
    for name in RECORD_TABLES:
        if not src.has(name):
            continue
        sheet = src.read(name)
        count = counts.setdefault(sheet.file, FileCount(sheet.file))
        tables[name] = read_records(name, sheet, zone, problems, count, tenants, wwtps)
    decisions = _accepted(src, zone, problems, counts, {m.meter_id for m in objects["meters"]}, accepted)
    stage = None
    if src.has("readings"):
        meters: list[Meter] = objects["meters"]
        threads = True  # how the file reads with its line numbers; the stage reads it again the same way

        def again() -> Iterator[Sheet]:
            return src.iter_batches("readings", batch_rows, arrow=True, threads=threads)

        stage = ReadingsStage(src.file_name("readings"), meters, zone, accepted=decisions, source=again)
        try:
            try:
                _feed(src, stage, batch_rows, progress, threads=True)
            except LineNumbersLost:
                log.info("%s has malformed rows: reading it again in one thread to know their lines", stage.file)
                stage.reset()
                threads = False
                _feed(src, stage, batch_rows, progress, threads=False)
            counts[stage.file] = stage.finish(problems)
        except BaseException:
            stage.close()
            raise
    data = ParkData(
        park=park,
        tenants=objects["tenants"],
        roofs=objects["roofs"],
        meters=objects["meters"],
        wwtps=objects["wwtp"],
        tables=tables,
    )
    if stage is not None:
        _unmatched_accepts(decisions, stage, problems)
    read = ParkRead(
        data=data,
        readings=pd.DataFrame(columns=["meter_id", "ts", "value"]),
        rejects=problems.rejects_frame(),
        warnings=problems.warnings_frame(),
        counts=counts,
        held_out=stage.held_out if stage is not None else empty_held_out(),
        accepted_back=stage.accepted_back if stage is not None else empty_held_out(),
        accepted=decisions,
        rejected_ids=problems.rejected_ids,
    )
    return read, stage


def _accepted(
    src: ParkSource,
    zone: str,
    problems: ProblemLog,
    counts: dict[str, FileCount],
    meters: set[str],
    stored: pd.DataFrame | None,
) -> pd.DataFrame:
    """The accept decisions: ``accepted.csv`` rows (validated like any file) and those kept in the store."""
    parts = []
    if stored is not None and len(stored):
        st = stored.reindex(columns=ACCEPTED_COLUMNS).copy()
        st["line"] = None
        parts.append(st)
    if src.has("accepted"):
        sheet = src.read("accepted")
        count = counts.setdefault(sheet.file, FileCount(sheet.file))
        typed, probs = type_sheet("accepted", sheet, zone)
        probs.append(_fk_problems(sheet.file, typed, sheet.frame, "meter_id", meters, "meters.csv"))
        ok = _finish(sheet, typed, [p for p in probs if len(p)], problems, count)
        if len(ok):
            parts.append(
                pd.DataFrame(
                    {
                        "meter_id": ok["meter_id"].astype(str),
                        "ts": pd.to_datetime(ok["ts"], utc=True),
                        "note": ok["note"].astype(object).where(ok["note"].notna(), ""),
                        "accepted_by": ok["by"].astype(object).where(ok["by"].notna(), "accepted.csv"),
                        "accepted_at": pd.NaT,
                        "line": ok[LINE].astype("int64"),
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=ACCEPTED_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["ts"] = pd.to_datetime(out["ts"], utc=True)
    return out.drop_duplicates(["meter_id", "ts"], keep="last").reset_index(drop=True)


def _unmatched_accepts(decisions: pd.DataFrame, stage: ReadingsStage, problems: ProblemLog) -> None:
    """Warn about accepted.csv rows that match no reading that broke a bound (a typo in meter or time)."""
    rows = decisions[decisions["line"].notna()]
    if rows.empty:
        return
    hit = set(zip(stage.accepted_back["meter_id"].astype(str), stage.accepted_back["ts"], strict=True))
    for r in rows.itertuples(index=False):
        if (r.meter_id, r.ts) not in hit:
            problems.warn(
                "accepted.csv",
                "accepted.unmatched",
                str(r.meter_id),
                f"no held-out reading of meter {r.meter_id} starts at {local_text(r.ts, stage.zone)} (park local "
                "time): nothing accepted; copy meter and time from the held-out list of 'greenpark check'",
                line=int(r.line),
            )


def _feed(src: ParkSource, stage: ReadingsStage, batch_rows: int, progress: Progress | None, threads: bool) -> None:
    done = 0
    for batch in src.iter_batches("readings", batch_rows, arrow=True, threads=threads):
        stage.add(batch)
        done += batch.num_rows + len(batch.bad_rows)
        if progress:
            progress(stage.file, done)


def read_park_folder(path: str | Path, progress: Progress | None = None) -> ParkRead:
    """Read and validate a park folder or workbook (docs/park-folder.md) without storing it.

    Every row is either accepted or rejected with file, line, field, value and reason, or (a
    reading) held out by a plausibility rule; ``counts[file].read == accepted + rejected + held_out``.

    Parameters
    ----------
    path : str or Path
        A folder with ``park.toml`` and the CSV files, or an ``.xlsx`` workbook.
    progress : callable, optional
        ``progress(file, rows_done)`` while the readings are read.

    Raises
    ------
    ParkFolderError
        No park.toml / workbook, invalid ``[park]`` settings, or a required file missing.
    """
    read, stage = scan_park(path, progress)
    if stage is not None:
        try:
            read.readings = stage.frame()
        finally:
            stage.close()
    return read


def _object_checks(name: str, tenants: set[str], wwtps: set[str], file: str):
    if name == "roofs":
        return lambda typed, frame: [_fk_problems(file, typed, frame, "tenant_id", tenants, "tenants.csv")]
    if name == "meters":
        return lambda typed, frame: [
            _fk_problems(file, typed, frame, "tenant_id", tenants, "tenants.csv", allow_empty=True),
            _fk_problems(file, typed, frame, "wwtp_id", wwtps, "wwtp.csv", allow_empty=True),
            _meter_unit_problems(file, typed, frame),
        ]
    return None


def _meter_unit_problems(file: str, typed: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """A meter's unit must fit its kind (energy for electricity meters, volume for water meters)."""
    reasons = pd.Series("", index=typed.index, dtype=object)
    for idx, kind, unit in zip(typed.index, typed["kind"], typed["unit"], strict=True):
        if not isinstance(kind, str) or not isinstance(unit, str):
            continue
        try:
            parse_unit(unit, MeterKind(kind).dimension)
        except UnknownUnitError as exc:
            reasons[idx] = str(exc)
    return problems_frame(file, frame, reasons != "", "unit", typed["unit"].astype(str), reasons)
