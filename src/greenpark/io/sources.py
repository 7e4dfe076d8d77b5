"""Where a park's sheets come from: a folder of CSV files (and readings.parquet) or one .xlsx workbook.

Every sheet is read as text (no type guessing: validation does the typing), with the
line number of each row (1-based, header = line 1; for a workbook the sheet row).
Rows that do not even split into the header's columns are returned separately so
they can be rejected, never dropped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from greenpark.errors import ParkFolderError
from greenpark.io.schema import FILES, park_files

LINE = "_line"


class LineNumbersLost(Exception):  # noqa: N818 (control flow, not an error the user sees)
    """Internal: a multi-threaded read met a malformed row whose line it cannot tell; read again in one thread."""


@dataclass
class BadRow:
    """A row that does not split into the header's columns."""

    line: int | None
    text: str
    reason: str


@dataclass
class Sheet:
    """A batch of a sheet's rows as text, with their line numbers in column ``_line``.

    ``frame`` is a pandas DataFrame; on the arrow path (big readings files) the rows are in
    ``table`` (a pyarrow Table) and ``frame`` is empty.
    """

    file: str
    frame: pd.DataFrame
    bad_rows: list[BadRow]
    table: pa.Table | None = None

    @property
    def num_rows(self) -> int:
        """Rows in the batch (not counting bad rows)."""
        return self.table.num_rows if self.table is not None else len(self.frame)

    def arrow(self) -> pa.Table:
        """The batch as an arrow table of text columns plus ``_line``."""
        if self.table is not None:
            return self.table
        cols = {
            c: pa.array(self.frame[c].astype(str).to_numpy(dtype=object), pa.string())
            for c in self.frame.columns
            if c != LINE
        }
        cols[LINE] = (
            pa.array(self.frame[LINE].to_numpy(dtype=np.int64))
            if LINE in self.frame
            else pa.array(np.zeros(len(self.frame), dtype=np.int64))
        )
        return pa.table(cols)


class ParkSource:
    """A park folder or workbook: park settings, sheets, and a fingerprint of the files."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise ParkFolderError(
                f"no park folder or workbook at {self.path}; give a folder with park.toml or an .xlsx file"
            )
        self.is_workbook = self.path.is_file() and self.path.suffix.lower() in (".xlsx", ".xlsm")
        if self.path.is_file() and not self.is_workbook:
            raise ParkFolderError(f"{self.path} is neither a park folder nor an .xlsx workbook")
        if not self.is_workbook and not (self.path / "park.toml").exists():
            raise ParkFolderError(
                f"{self.path} has no park.toml; every park folder needs one (see docs/park-folder.md)"
            )
        self._book: dict[str, pd.DataFrame] | None = None
        if not self.is_workbook:
            self._one_source()

    def _one_source(self) -> None:
        """A folder is read from its CSV files; a workbook beside them that holds data is an error, never ignored."""
        books = sorted(p for p in self.path.glob("*.xls*") if p.suffix.lower() in (".xlsx", ".xlsm"))
        books = [p for p in books if not p.name.startswith("~$")]  # Excel's lock files
        for book in books:
            filled = _workbook_sheets_with_data(book, FILES)
            if not filled:
                continue
            csvs = [f"{n}.csv" for n in FILES if _csv_has_rows(self.path / f"{n}.csv")]
            held = f"CSV files with data ({', '.join(csvs)})" if csvs else "CSV files (empty)"
            raise ParkFolderError(
                f"{self.path} holds both the workbook {book.name} (data in sheets {', '.join(filled)}) and {held}; "
                f"greenpark reads one source: give the workbook ('greenpark check {book}') or move it out of the "
                "folder to use the CSV files"
            )

    # -- workbook ------------------------------------------------------------------------------
    def _workbook(self) -> dict[str, pd.DataFrame]:
        if self._book is None:
            try:
                sheets = pd.read_excel(self.path, sheet_name=None, dtype=object, header=None, engine="openpyxl")
            except Exception as exc:  # openpyxl raises many kinds; name the file and the fix
                raise ParkFolderError(f"cannot read workbook {self.path}: {exc}; save it as .xlsx and retry") from exc
            self._book = {str(k).strip().lower(): v for k, v in sheets.items()}
        return self._book

    # -- settings ------------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        """``park.toml`` as a dict (for a workbook: the ``park`` sheet of key, value rows).

        Workbook keys are the park.toml keys (``id``, ``name``, ...); targets are written
        ``target.<name>.<year>`` (e.g. ``target.ghg_reduction_pct.2030``), the ``[eip]`` items ``eip.<name>``
        (lists as ``electricity|water``).
        """
        if not self.is_workbook:
            try:
                return tomllib.loads((self.path / "park.toml").read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ParkFolderError(f"{self.path / 'park.toml'} is not valid TOML: {exc}") from exc
        book = self._workbook()
        if "park" not in book:
            raise ParkFolderError(
                f"workbook {self.path} has no 'park' sheet (key, value rows); see docs/park-folder.md"
            )
        park: dict[str, Any] = {}
        targets: dict[str, dict[str, Any]] = {}
        eip: dict[str, Any] = {}
        for row in book["park"].itertuples(index=False):
            if len(row) < 2 or pd.isna(row[0]) or str(row[0]).strip().lower() in ("key", ""):
                continue
            key, value = str(row[0]).strip(), row[1]
            if isinstance(value, float) and np.isnan(value):
                continue
            if key.startswith("target."):
                _, name, year = key.split(".", 2)
                targets.setdefault(name, {})[year] = value
            elif key.startswith("eip."):
                eip[key[4:]] = value
            else:
                park[key] = value
        return {"park": park, "targets": targets, **({"eip": eip} if eip else {})}

    def has(self, name: str) -> bool:
        """Whether the park has sheet ``name`` (e.g. ``"fuels"``)."""
        if self.is_workbook:
            return name in self._workbook()
        if name == "readings" and (self.path / "readings.parquet").exists():
            return True
        return (self.path / f"{name}.csv").exists()

    def file_name(self, name: str) -> str:
        """How problems name the file: ``fuels.csv``, ``readings.parquet`` or ``park.xlsx:fuels``."""
        if self.is_workbook:
            return f"{self.path.name}:{name}"
        if (
            name == "readings"
            and not (self.path / "readings.csv").exists()
            and (self.path / "readings.parquet").exists()
        ):
            return "readings.parquet"
        return f"{name}.csv"

    def files(self) -> list[Path]:
        """The files the park is read from (for the fingerprint)."""
        if self.is_workbook:
            return [self.path]
        names = set(park_files())
        return sorted(
            p
            for p in self.path.iterdir()
            if p.is_file() and (p.name in names or p.suffix.lower() in (".xlsx", ".xlsm"))
        )

    def fingerprint(self) -> str:
        """A cheap fingerprint of the files: names, sizes and modification times."""
        h = hashlib.sha256()
        for p in self.files():
            st = p.stat()
            h.update(f"{p.name}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        return h.hexdigest()

    # -- sheets --------------------------------------------------------------------------------
    def read(self, name: str) -> Sheet:
        """A whole sheet as text."""
        try:
            batches = list(self.iter_batches(name, batch_rows=1 << 62))
        except LineNumbersLost:
            batches = list(self.iter_batches(name, batch_rows=1 << 62, threads=False))
        if not batches:
            return Sheet(self.file_name(name), pd.DataFrame(columns=[LINE]), [])
        frame = pd.concat([b.frame for b in batches], ignore_index=True)
        return Sheet(self.file_name(name), frame, [r for b in batches for r in b.bad_rows])

    def iter_batches(
        self, name: str, batch_rows: int = 1_000_000, arrow: bool = False, threads: bool = True
    ) -> Iterator[Sheet]:
        """Stream a sheet in batches of text rows (bounded memory for big readings files).

        With ``arrow=True`` CSV and parquet batches stay arrow tables (``Sheet.table``).
        A CSV is parsed with several threads; when that meets a malformed row (whose line
        number only a one-thread read knows) it raises :class:`LineNumbersLost` and the
        caller starts again with ``threads=False``.
        """
        file = self.file_name(name)
        if self.is_workbook:
            yield from _workbook_batches(file, self._workbook()[name], batch_rows)
        elif file.endswith(".parquet"):
            yield from _parquet_batches(file, self.path / file, batch_rows, arrow)
        else:
            yield from _csv_batches(file, self.path / file, batch_rows, arrow, threads)


def _csv_has_rows(path: Path) -> bool:
    """Whether a CSV file has a non-empty line after its header."""
    if not path.exists():
        return False
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        fh.readline()
        return any(line.strip(" ,\r\n") for line in fh)


def _workbook_sheets_with_data(path: Path, names: tuple[str, ...]) -> list[str]:
    """The park sheets of a workbook that hold a row below their header."""
    from openpyxl import load_workbook  # deferred: openpyxl (~0.1 s), only when a workbook is beside the CSVs

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # an unreadable workbook holds no data we could read either
        return []
    try:
        filled = []
        for ws in wb.worksheets:
            if ws.title.strip().lower() not in names:
                continue
            rows = ws.iter_rows(min_row=2, values_only=True)
            if any(any(v not in (None, "") for v in row) for row in rows):
                filled.append(ws.title)
        return filled
    finally:
        wb.close()


def _clean_header(names: list[Any]) -> list[str]:
    return [str(n).replace("\ufeff", "").strip().lower() if n is not None else "" for n in names]


def _workbook_batches(file: str, raw: pd.DataFrame, batch_rows: int) -> Iterator[Sheet]:
    raw = raw.dropna(how="all")
    if raw.empty:
        return
    header = _clean_header([None if pd.isna(v) else v for v in raw.iloc[0].tolist()])
    body = raw.iloc[1:]
    lines = (body.index.to_numpy() + 1).astype(np.int64)  # sheet row numbers (1-based)
    cols = [h for h in header if h]
    frame = pd.DataFrame({h: body.iloc[:, i].map(_cell_text).to_numpy(dtype=object) for i, h in enumerate(header) if h})
    frame = frame[cols] if cols else frame
    frame[LINE] = lines
    for start in range(0, len(frame), batch_rows):
        yield Sheet(file, frame.iloc[start : start + batch_rows].reset_index(drop=True), [])


def _cell_text(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _parquet_batches(file: str, path: Path, batch_rows: int, arrow: bool = False) -> Iterator[Sheet]:
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError
        raise ParkFolderError(f"cannot read {path}: {exc}") from exc
    line = 2
    for batch in pf.iter_batches(batch_size=min(batch_rows, 1 << 22)):
        table = pa.Table.from_batches([batch])
        names = _clean_header(table.column_names)
        cols = {n: _arrow_text(table.column(i)) for i, n in enumerate(names)}
        cols[LINE] = pa.array(np.arange(line, line + table.num_rows, dtype=np.int64))
        line += table.num_rows
        text = pa.table(cols)
        yield Sheet(file, pd.DataFrame(), [], text) if arrow else Sheet(file, text.to_pandas(), [])


def _arrow_text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """An arrow column as text (timestamps in ISO form, with offset when tz-aware); nulls as ''."""
    if pa.types.is_timestamp(col.type):
        fmt = "%Y-%m-%dT%H:%M:%S%z" if col.type.tz else "%Y-%m-%dT%H:%M:%S"
        col = pc.strftime(col, format=fmt)
    elif not pa.types.is_string(col.type):
        col = pc.cast(col, pa.string())
    return pc.fill_null(col, "")


def _csv_batches(file: str, path: Path, batch_rows: int, arrow: bool = False, threads: bool = False) -> Iterator[Sheet]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    if not first.strip():
        return
    header = _clean_header(next(csv.reader(io.StringIO(first))))
    bad: list[BadRow] = []
    lost: list[bool] = []

    def on_invalid(row: Any) -> str:
        if row.number is None:
            lost.append(True)
        bad.append(
            BadRow(row.number, row.text, f"row has {row.actual_columns} fields, the header has {row.expected_columns}")
        )
        return "skip"

    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                use_threads=threads, block_size=4 << 20, column_names=header, skip_rows=1, encoding="utf8"
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            return
        raise ParkFolderError(f"cannot read {path}: {exc}") from exc
    next_line = 2
    pending: list[pa.Table] = []
    n_pending = 0

    def emit() -> Sheet:
        table = (
            pa.concat_tables(pending)
            if pending
            else pa.table({**{h: pa.array([], pa.string()) for h in header}, LINE: pa.array([], pa.int64())})
        )
        return Sheet(file, pd.DataFrame(), _take(bad), table) if arrow else Sheet(file, table.to_pandas(), _take(bad))

    try:
        for batch in reader:
            if lost:
                raise LineNumbersLost(file)
            # line numbers: the physical lines not taken by invalid rows, in order
            bad_lines = {b.line for b in bad if b.line is not None and b.line >= next_line}
            need = batch.num_rows
            lines = np.arange(next_line, next_line + need + len(bad_lines), dtype=np.int64)
            if bad_lines:
                lines = lines[~np.isin(lines, list(bad_lines))]
            lines = lines[:need]
            next_line = int(lines[-1]) + 1 if need else next_line
            pending.append(pa.Table.from_batches([batch]).append_column(LINE, pa.array(lines)))
            n_pending += need
            if n_pending >= batch_rows:
                yield emit()
                pending, n_pending = [], 0
    except pa.ArrowInvalid as exc:
        raise ParkFolderError(f"cannot read {path}: {exc}; check quoting and the encoding (UTF-8)") from exc
    if lost:
        raise LineNumbersLost(file)
    if pending or bad:
        yield emit()


def _take(bad: list[BadRow]) -> list[BadRow]:
    out = list(bad)
    bad.clear()
    return out
