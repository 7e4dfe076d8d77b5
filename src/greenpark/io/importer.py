"""Import a park folder into a store, once: the entry every engine command goes through.

:func:`open_park` is called by the CLI with what the user typed: a folder or workbook
(imported unless the store already holds it unchanged, by a fingerprint of its files)
or a park id already in a store. The second run of a command on the same folder only
stats the files and loads the park from the store.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from greenpark.errors import ParkNotFoundError
from greenpark.io.folder import ParkRead, Progress, park_from_settings, scan_park
from greenpark.io.quarantine import FileCount
from greenpark.io.readings import ReadingsStage
from greenpark.io.sources import ParkSource
from greenpark.model import ParkData
from greenpark.store import Store, open_store, store_exists
from greenpark.store.duckdb import DuckDBStore

log = logging.getLogger(__name__)
SCHEMA_TAG = "io-4"  # bump when the importer's output changes, so old imports are redone


@dataclass
class ImportReport:
    """What an import did: the read result (without readings) and the rows stored."""

    park_id: str
    read: ParkRead
    readings_written: int = 0
    skipped: bool = False
    counts: dict[str, FileCount] = field(default_factory=dict)


def default_store_url(path: str | Path) -> str:
    """The default store of a park folder: ``<folder>/.greenpark/store.duckdb`` (next to a workbook)."""
    p = Path(path).resolve()
    base = p.parent if p.is_file() else p
    return f"duckdb://{base / '.greenpark' / 'store.duckdb'}"


def _meta_key(src: ParkSource) -> str:
    return f"import:{src.path.resolve()}"


def import_park(
    path: str | Path, store: Store, progress: Progress | None = None, force: bool = False, batch_rows: int = 1_000_000
) -> ImportReport:
    """Read, validate and store a park folder; rejected rows go to the quarantine.

    Skipped (``skipped=True``) when the store already holds this folder with the same
    fingerprint, unless ``force``.
    """
    src = ParkSource(path)
    fp = f"{SCHEMA_TAG}:{src.fingerprint()}"
    if not force:
        prior = store.get_meta(_meta_key(src))
        if prior:
            info = json.loads(prior)
            if info.get("fingerprint") == fp and info.get("park_id") in store.park_ids():
                data = store.load_park(info["park_id"])
                read = ParkRead(data=data, readings=_empty_readings())
                return ImportReport(
                    info["park_id"],
                    read,
                    skipped=True,
                    counts={k: FileCount(**v) for k, v in info.get("counts", {}).items()},
                )
    pid = park_from_settings(src.settings(), str(src.path)).park_id
    stored = store.accepted_readings(pid) if pid in store.park_ids() else None
    read, stage = scan_park(path, progress, batch_rows=batch_rows, accepted=stored)
    pid = read.data.park.park_id
    try:
        store.save_park(read.data)
        written = _load_readings(store, pid, stage, batch_rows) if stage else 0
    finally:
        if stage is not None:
            stage.close()
    store.clear_quarantine(pid)
    store.add_quarantine(pid, read.rejects)
    store.clear_held_out(pid)
    store.add_held_out(pid, read.held_out)
    store.add_held_out(pid, _with_decisions(read.accepted_back, read.accepted))
    counts = {k: v.as_dict() for k, v in read.counts.items()}
    store.set_meta(_meta_key(src), json.dumps({"fingerprint": fp, "park_id": pid, "counts": counts}))
    store.set_meta(quality_key(pid), json.dumps({"warnings": len(read.warnings)}))
    log.info(
        "imported park %s from %s: %d readings, %d rejected rows, %d readings held out",
        *(pid, path, written, len(read.rejects), len(read.held_out)),
    )
    return ImportReport(pid, read, readings_written=written, counts=read.counts)


def _load_readings(store: Store, park_id: str, stage: ReadingsStage, batch_rows: int) -> int:
    """The stage's interval readings into the store: a DuckDB store reads the stage's parquet file itself."""
    if isinstance(store, DuckDBStore):
        return store.replace_readings_parquet(park_id, stage.write_parquet())
    return store.replace_readings(park_id, stage.iter_batches(batch_rows))


def quality_key(park_id: str) -> str:
    """Meta key of a park's import findings that the store has no table for (the warnings count)."""
    return f"quality:{park_id}"


def import_keys(store: Store, park_id: str) -> list[str]:
    """The meta keys of the imports (folders or workbooks) that wrote a park."""
    raw = store.get_meta(f"imports:{park_id}")
    return list(json.loads(raw)) if raw else []


def _with_decisions(rows: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Held-out rows accepted back, with who accepted them, when and why (from the decisions)."""
    if rows.empty:
        return rows
    d = decisions.drop_duplicates(["meter_id", "ts"], keep="last").copy()
    if "accepted_at" not in d:
        d["accepted_at"] = pd.NaT
    d["accepted_at"] = pd.to_datetime(d["accepted_at"], utc=True).fillna(pd.Timestamp.now(tz="UTC"))
    out = rows.merge(d[["meter_id", "ts", "accepted_by", "accepted_at", "note"]], on=["meter_id", "ts"], how="left")
    out["accepted_by"] = out["accepted_by"].fillna("accepted.csv")
    return out


def open_park(arg: str, store_url: str | None = None, progress: Progress | None = None) -> tuple[ParkData, Store]:
    """The park a CLI command names, and the open store that holds it.

    Parameters
    ----------
    arg : str
        A park folder or ``.xlsx`` workbook (imported into the store unless already
        imported unchanged), or the id of a park already in the store.
    store_url : str, optional
        Store URL; default: ``GREENPARK_STORE`` if set, else for a folder
        ``<folder>/.greenpark/store.duckdb`` and for a park id ``./.greenpark/store.duckdb``.
    progress : callable, optional
        ``progress(file, rows_done)`` during a long import.

    Returns
    -------
    (ParkData, Store)
        The caller closes the store.

    Raises
    ------
    ParkNotFoundError
        ``arg`` is neither a folder/workbook nor a park id in the store.
    """
    path = Path(arg)
    url = store_url or os.environ.get("GREENPARK_STORE")  # the one place the environment is read
    if path.exists():
        store = open_store(url or default_store_url(path))
        try:
            report = import_park(path, store, progress)
            data = report.read.data
        except BaseException:
            store.close()
            raise
        return data, store
    if not store_exists(url):
        raise ParkNotFoundError(
            f"{arg!r} is neither a park folder, a workbook, nor a park in a store: no store at "
            f"{url or 'the default ./.greenpark/store.duckdb'}; give the folder, or --store / GREENPARK_STORE"
        )
    store = open_store(url)
    try:
        return store.load_park(arg), store
    except BaseException:
        store.close()
        raise


def _empty_readings() -> pd.DataFrame:
    return pd.DataFrame(columns=["meter_id", "ts", "value"])
