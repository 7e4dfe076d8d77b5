"""Read a whole park folder (or workbook) into typed objects, tables, readings and problems."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from greenpark.errors import ParkFolderError
from greenpark.io.quarantine import FileCount, ProblemLog, empty_rejects
from greenpark.io.readings import ReadingsStage
from greenpark.io.records import OBJECT_MODELS, read_objects, read_records
from greenpark.io.schema import REQUIRED_FILES
from greenpark.io.sources import LineNumbersLost, ParkSource
from greenpark.model import Meter, Park, ParkData

log = logging.getLogger(__name__)

#: Called as ``progress(file, rows_done)`` while big files are read.
Progress = Callable[[str, int], None]
RECORD_TABLES = (
    "fuels",
    "refrigerants",
    "production",
    "wastewater",
    "waste",
    "manifests",
    "symbiosis",
    "connection_limits",
    "sludge",
    "renewables",
    "prices",
)


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
        file name -> :class:`FileCount` (read == accepted + rejected).
    """

    data: ParkData
    readings: pd.DataFrame
    rejects: pd.DataFrame = field(default_factory=empty_rejects)
    warnings: pd.DataFrame = field(default_factory=pd.DataFrame)
    counts: dict[str, FileCount] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return len(self.rejects) == 0

    def counts_frame(self) -> pd.DataFrame:
        """Counts as a table: file, read, accepted, rejected."""
        return pd.DataFrame(
            [c.as_dict() for c in self.counts.values()], columns=["file", "read", "accepted", "rejected"]
        )


def park_from_settings(settings: dict[str, Any], where: str) -> Park:
    """Build the :class:`Park` from ``park.toml`` settings (``[park]`` and ``[targets]``)."""
    p = dict(settings.get("park", {}))
    if "id" in p:
        p["park_id"] = str(p.pop("id"))
    targets = settings.get("targets", {}) or p.pop("targets", {})
    if targets:
        p["targets"] = {str(k): {int(y): float(v) for y, v in dict(ys).items()} for k, ys in targets.items()}
    try:
        return Park(**p)
    except ValidationError as exc:
        errs = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ParkFolderError(f"{where}: [park] is not valid: {errs}") from exc
    except (TypeError, ValueError) as exc:
        raise ParkFolderError(f"{where}: [park] is not valid: {exc}") from exc


def scan_park(
    path: str | Path, progress: Progress | None = None, batch_rows: int = 1_000_000
) -> tuple[ParkRead, ReadingsStage | None]:
    """Read and validate everything; leave the readings staged (caller closes the stage).

    This is the streaming form behind :func:`read_park_folder` and the importer.
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
    for name in ("tenants", "roofs", "wwtp", "meters"):
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
    stage = None
    if src.has("readings"):
        meters: list[Meter] = objects["meters"]
        stage = ReadingsStage(src.file_name("readings"), meters, zone)
        try:
            try:
                _feed(src, stage, batch_rows, progress, threads=True)
            except LineNumbersLost:
                log.info("%s has malformed rows: reading it again in one thread to know their lines", stage.file)
                stage.reset()
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
    read = ParkRead(
        data=data,
        readings=pd.DataFrame(columns=["meter_id", "ts", "value"]),
        rejects=problems.rejects_frame(),
        warnings=problems.warnings_frame(),
        counts=counts,
    )
    return read, stage


def _feed(src: ParkSource, stage: ReadingsStage, batch_rows: int, progress: Progress | None, threads: bool) -> None:
    done = 0
    for batch in src.iter_batches("readings", batch_rows, arrow=True, threads=threads):
        stage.add(batch)
        done += batch.num_rows + len(batch.bad_rows)
        if progress:
            progress(stage.file, done)


def read_park_folder(path: str | Path, progress: Progress | None = None) -> ParkRead:
    """Read and validate a park folder or workbook (docs/park-folder.md) without storing it.

    Every row is either accepted or rejected with file, line, field, value and reason;
    ``counts[file].read == accepted + rejected`` for every file.

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
    from greenpark.io.records import _fk_problems

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
    from greenpark.errors import UnknownUnitError
    from greenpark.io.columns import problems_frame
    from greenpark.model import MeterKind
    from greenpark.units import parse_unit

    reasons = pd.Series("", index=typed.index, dtype=object)
    for idx, kind, unit in zip(typed.index, typed["kind"], typed["unit"], strict=True):
        if not isinstance(kind, str) or not isinstance(unit, str):
            continue
        try:
            parse_unit(unit, MeterKind(kind).dimension)
        except UnknownUnitError as exc:
            reasons[idx] = str(exc)
    return problems_frame(file, frame, reasons != "", "unit", typed["unit"].astype(str), reasons)
