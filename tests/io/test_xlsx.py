"""The workbook path: the same sheets in one .xlsx give the same park as the folder."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from greenpark.io import read_park_folder

READINGS = (
    "meter_id,timestamp,value\n"
    "E1,2024-01-01 00:00,1\nE1,2024-01-01 00:15,2\nE1,2024-01-01 00:15,3\nE9,2024-01-01 00:00,1\n"
)
FUELS = "tenant_id,period,fuel,quantity,unit\nT1,2024-01,diesel,1200,l\nT1,2024-02,diesel,x,l\n"


def _workbook_from_folder(folder: Path, out: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "park"
    ws.append(["key", "value"])
    for k, v in [
        ("id", "tiny"),
        ("name", "Tiny Park"),
        ("province", "Dong Nai"),
        ("latitude", 10.8),
        ("longitude", 106.95),
        ("timezone", "Asia/Ho_Chi_Minh"),
        ("currency", "VND"),
        ("area_ha", 12),
        ("target.ghg_reduction_pct.2030", 30),
    ]:
        ws.append([k, v])
    for path in sorted(folder.glob("*.csv")):
        sheet = wb.create_sheet(path.stem)
        for i, row in enumerate(csv.reader(io.StringIO(path.read_text()))):
            # numbers as numbers (as a user's workbook has them), text as text
            sheet.append([_num(c) if i else c for c in row])
    wb.save(out)
    return out


def _num(c: str):
    try:
        return float(c) if "." in c else int(c)
    except ValueError:
        return c if c != "" else None


def test_workbook_reads_like_the_folder(make_park, tmp_path):
    folder = make_park(readings=READINGS, fuels=FUELS)
    book = _workbook_from_folder(folder, tmp_path / "tiny.xlsx")
    a, b = read_park_folder(folder), read_park_folder(book)
    assert b.data.park == a.data.park
    assert b.data.tenants == a.data.tenants and b.data.meters == a.data.meters and b.data.wwtps == a.data.wwtps
    pd.testing.assert_frame_equal(a.readings, b.readings)
    pd.testing.assert_frame_equal(a.data.table("fuels"), b.data.table("fuels"))
    # problems name the sheet and its row (row 1 = header, as in the CSV)
    assert set(b.rejects["file"]) == {"tiny.xlsx:readings", "tiny.xlsx:fuels"}
    assert b.rejects[["line", "field"]].values.tolist() == a.rejects[["line", "field"]].values.tolist()
    assert {k.split(":")[1]: (c.read, c.accepted, c.rejected) for k, c in b.counts.items()} == {
        k.removesuffix(".csv"): (c.read, c.accepted, c.rejected) for k, c in a.counts.items()
    }


def test_workbook_datetime_cells_are_park_local(make_park, tmp_path):
    import datetime as dt

    folder = make_park()
    book = _workbook_from_folder(folder, tmp_path / "tiny.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(book)
    ws = wb.create_sheet("readings")
    ws.append(["meter_id", "timestamp", "value"])
    ws.append(["E1", dt.datetime(2024, 1, 1, 0, 0), 1.5])  # an Excel date cell has no zone: park local
    wb.save(book)
    read = read_park_folder(book)
    assert read.readings["ts"].tolist() == [pd.Timestamp("2023-12-31T17:00Z")]
    assert read.readings["value"].tolist() == [1.5]


def test_a_period_excel_turned_into_a_date_is_read_as_its_month(make_park, tmp_path):
    # a user types 2024-03 in a cell; Excel stores the date 2024-03-01. The workbook gives a datetime cell.
    import datetime as dt

    folder = make_park(fuels="tenant_id,period,fuel,quantity,unit\nT1,2024-01,diesel,1,l\n")
    book = _workbook_from_folder(folder, tmp_path / "tiny.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(book)
    wb["fuels"]["B2"] = dt.datetime(2024, 3, 1)
    wb.save(book)
    read = read_park_folder(book)
    assert read.rejects[read.rejects.file.str.endswith("fuels")].empty
    assert read.data.table("fuels")["period"].tolist() == ["2024-03"]
