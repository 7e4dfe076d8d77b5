"""``greenpark bill PARK --month``: a tiny park through the CLI and the store, against figures by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from greenpark.cli import app

PARK_TOML = """[park]
id = "billpark"
name = "Bill Park"
province = "Dong Nai"
latitude = 10.80
longitude = 106.95
timezone = "Asia/Ho_Chi_Minh"
currency = "VND"
area_ha = 20
"""
TENANTS = """tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level
T1,Alpha Electronics,electronics,2610,12000,300,22-110kV
T2,Beta Foods,food_beverage,1079,5000,120,<6kV
"""
METERS = """meter_id,tenant_id,kind,unit,cumulative,register_max,wwtp_id
E1,T1,electricity_import,kWh,false,,
E2,T2,electricity_import,kWh,false,,
W2,T2,water_supply,m3,false,,
IN,,electricity_import,kWh,false,,
ST,,electricity_import,kWh,false,,
"""
PRICES = """item,value,unit,valid_from,valid_to,source
water_supply,12000,VND/m3,2025-01-01,,park price list 2025
wholesale_connection,mv_22_110kV,connection,,,
incoming_meter,IN,meter,,,
common_meter,ST,meter,,,
"""


@pytest.fixture(scope="module")
def park(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bill") / "park"
    folder.mkdir()
    (folder / "park.toml").write_text(PARK_TOML)
    for name, text in (("tenants", TENANTS), ("meters", METERS), ("prices", PRICES)):
        (folder / f"{name}.csv").write_text(text)
    # June 2025, 15-minute readings (local time): T1 1 kWh per interval, T2 0.5 kWh; street lighting 0.1 kWh;
    # the incoming meter 1.6 kWh per interval (= 1 + 0.5 + 0.1 of losses-free use)
    ts = pd.date_range("2025-06-01", "2025-07-01", freq="15min", inclusive="left").strftime("%Y-%m-%dT%H:%M:%S")
    rows = [pd.DataFrame({"meter_id": m, "timestamp": ts, "value": v}) for m, v in
            (("E1", 1.0), ("E2", 0.5), ("ST", 0.1), ("IN", 1.6))]  # fmt: skip
    rows.append(pd.DataFrame({"meter_id": ["W2"], "timestamp": ["2025-06-15T00:00:00"], "value": [40.0]}))
    pd.concat(rows).to_csv(folder / "readings.csv", index=False)
    return folder


def test_bill_json_against_hand_figures(park, tmp_path):
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    res = CliRunner().invoke(app, ["bill", str(park), "--month", "2025-06", "--store", url, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["month"] == "2025-06"
    t = {x["tenant_id"]: x for x in out["tenants"]}
    # June 2025, Circular 16/2014 hours, 15-min intervals (see test_billing.py): 30 days, 25 Mon-Sat, 5 Sundays:
    # off-peak 30 x 24 = 720, peak 25 x 20 = 500, normal 25 x 52 + 5 x 72 = 1,660 intervals.
    # T1 (22-110 kV, Decision 1279): 720 x 1,190 + 1,660 x 1,833 + 500 x 3,398 = 856,800 + 3,042,780 + 1,699,000
    #   = 5,598,580 VND; VAT 8 % (Decree 180/2024) = 447,886.4 -> 447,886
    assert t["T1"]["kwh_by_band"] == {"offpeak": 720.0, "normal": 1660.0, "peak": 500.0}
    assert (t["T1"]["energy_charge_vnd"], t["T1"]["vat_rate"], t["T1"]["vat_vnd"]) == (5_598_580, 0.08, 447_886)
    assert t["T1"]["total_vnd"] == 5_598_580 + 447_886
    assert t["T1"]["voltage_level"] == "22-110kV" and t["T1"]["tariff_source"] == ["Decision 1279/QD-BCT"]
    # T2 (<6 kV): 0.5 x (720 x 1,300 + 1,660 x 1,987 + 500 x 3,640) = 0.5 x 6,054,420 = 3,027,210; VAT 242,176.8
    # -> 242,177; water 40 m3 x 12,000 = 480,000, VAT 5 % = 24,000
    assert (t["T2"]["energy_charge_vnd"], t["T2"]["vat_vnd"]) == (3_027_210, 242_177)
    assert (t["T2"]["water_charge_vnd"], t["T2"]["water_vat_vnd"]) == (480_000, 24_000)
    assert t["T2"]["total_vnd"] == 3_027_210 + 242_177 + 480_000 + 24_000
    op = out["operator"]
    # purchase: 1.6 x (720, 1,660, 500) at Decision 1279 wholesale MV 22-110 kV (1,168 / 1,800 / 3,334):
    # 1.6 x (840,960 + 2,988,000 + 1,667,000) = 1.6 x 5,495,960 = 8,793,536 VND
    assert op["purchase_vnd"] == 8_793_536
    assert op["retail_margin_vnd"] == 5_598_580 + 3_027_210 - 8_793_536
    # losses = 1.6 x 2,880 - (2,880 + 1,440) - 0.1 x 2,880 = 4,608 - 4,320 - 288 = 0
    assert op["common_kwh"] == pytest.approx(288.0)
    assert op["losses_kwh"] == pytest.approx(0.0, abs=1e-6)


def test_bill_files_for_the_operator_and_statements(park, tmp_path):
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    out = tmp_path / "bills"
    res = CliRunner().invoke(
        app, ["bill", str(park), "--month", "2025-06", "--store", url, "--tenant", "T2", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "bills_2025-06.csv")
    assert table["tenant_id"].tolist() == ["T2"]
    assert table.loc[0, "total_vnd"] == 3_027_210 + 242_177 + 480_000 + 24_000
    wb = load_workbook(out / "bills_2025-06.xlsx")
    assert wb.sheetnames == ["tenants", "operator", "factors"]
    html = (out / "statement_T2_2025-06.html").read_text(encoding="utf-8")
    # bilingual, Vietnamese number format: 3.027.210 VND energy charge, 480.000 water
    assert "Thông báo tiền điện, nước tháng 06/2025" in html and "Utility statement" in html
    assert "3.027.210" in html and "480.000" in html


def test_bill_refuses_a_bad_month(park, tmp_path):
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    res = CliRunner().invoke(app, ["bill", str(park), "--month", "2025-13", "--store", url])
    assert res.exit_code == 2
    assert "not YYYY-MM" in res.output


def test_bad_price_rows_are_rejected_with_file_line_field(park, tmp_path):
    from greenpark.io.folder import read_park_folder

    folder = tmp_path / "p"
    folder.mkdir()
    for f in park.iterdir():
        if f.name != "readings.csv":
            (folder / f.name).write_text(f.read_text())
    (folder / "prices.csv").write_text(
        PRICES + "water_supply,12000,VND/month,,,wrong unit\nwastewater_treatment_cost,cheap,VND/month,,,\n"
    )
    read = read_park_folder(folder)
    bad = read.rejects[read.rejects["file"] == "prices.csv"].sort_values("line")
    assert bad[["line", "field"]].astype(str).values.tolist() == [["6", "unit"], ["7", "value"]]
    assert "unit must be VND/m3 for water_supply" in bad["reason"].iloc[0]
    c = read.counts["prices.csv"]
    assert (c.read, c.accepted, c.rejected) == (6, 4, 2)
    assert len(read.data.table("prices")) == 4


def test_statement_in_vietnamese_and_japanese(park, tmp_path):
    """``--statement-lang vi,ja``: every heading in both languages, numbers in the Vietnamese format, no English."""
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    out = tmp_path / "bills"
    args = ["bill", str(park), "--month", "2025-06", "--store", url, "--tenant", "T2", "--out", str(out)]
    res = CliRunner().invoke(app, [*args, "--statement-lang", "vi,ja"])
    assert res.exit_code == 0, res.output
    html = (out / "statement_T2_2025-06.html").read_text(encoding="utf-8")
    assert "Thông báo tiền điện, nước tháng 06/2025" in html
    assert "電気・水道料金のお知らせ（2025年06月）" in html
    assert "合計" in html and "電力（ピーク時間帯）" in html and "上水道" in html
    # energy charge 3,027,210 VND (see test_bill_files_for_the_operator_and_statements) in the leading format
    assert "3.027.210" in html
    for english in ("Utility statement", "energy charge", "supply voltage", "water supply", "data coverage", "VAT on"):
        assert english not in html, english


def test_statement_japanese_alone_uses_japanese_numbers(park, tmp_path):
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    out = tmp_path / "bills"
    args = ["bill", str(park), "--month", "2025-06", "--store", url, "--tenant", "T2", "--out", str(out)]
    res = CliRunner().invoke(app, [*args, "--statement-lang", "ja"])
    assert res.exit_code == 0, res.output
    html = (out / "statement_T2_2025-06.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in html and "3,027,210" in html and "Thông báo" not in html


def test_statement_refuses_an_unknown_language(park, tmp_path):
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    res = CliRunner().invoke(
        app,
        ["bill", str(park), "--month", "2025-06", "--store", url, "--out", str(tmp_path), "--statement-lang", "vi,fr"],
    )
    assert res.exit_code == 2
    assert "unknown language 'fr'" in res.output
