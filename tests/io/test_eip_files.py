"""certificates.csv, recp_measures.csv, exchanges.csv, compliance_events.csv and park.toml [eip]: validated like the
other files (file, line, field, reason; kept in the quarantine), stored, and read back for the EIP engine."""

from __future__ import annotations

import datetime as dt

from greenpark.io import read_park_folder
from greenpark.io.importer import open_park
from greenpark.io.template import write_template

CERTS = (
    "tenant_id,standard,certificate_id,valid_from,valid_to,issuer\n"
    "T1,ISO 14001,C-1,2023-01-01,2026-01-01,Bureau X\n"
    "T2,ISO 9001,C-2,2024-05-01,2024-04-30,Bureau X\n"  # validity ends before it starts
    ",ISO 14001,C-3,2022-01-01,2025-01-01,Bureau Y\n"  # empty tenant: the park's investor, accepted
    "T1,ISO 50001,C-1,2023-01-01,2026-01-01,Bureau X\n"  # the same number again
)
RECP = (
    "tenant_id,measure,category,implemented_on,saving,unit,evidence\n"
    "T1,LED lighting,energy,2023-03-01,120000,kWh,savings:T1:2024\n"
    "T2,Rinse water reuse,nước,2024-02-01,3000,m3,\n"  # the Vietnamese label of 'water'
    "T2,New glue,adhesives,2024-02-01,,,\n"  # not a category of Decree 35 Art. 37(2)(c)
    ",Boiler tuning,energy,2024-02-01,,,\n"  # a measure needs its tenant
)
EXCHANGES = (
    "exchange_id,from_tenant_id,to_tenant_id,kind,material,quantity,unit,since,until\n"
    "X1,T1,T2,by-product,cardboard,120,t,2023-01-01,\n"
    "X2,T1,T9,waste,pallets,10,t,2023-01-01,\n"  # T9 is not a tenant
    "X3,,T2,water,treated wastewater,5000,m3,2024-01-01,\n"  # from the investor's WWTP: accepted
    "X4,T2,,material,scrap,8,t,2024-06-01,2024-01-01\n"  # stopped before it started
    "X5,,,energy,steam,1,MWh,2024-01-01,\n"  # no tenant at either end
)
EVENTS = (
    "date,tenant_id,field,description,decision,resolved_on\n"
    "2021-09-15,T2,environment,Effluent above the connection limit,15/QD-XPHC,2021-12-01\n"
    "2023-04-01,,labour,Inspection without violation,,\n"
    "2023-05-10,T1,tax,Late filing,1/QD,\n"  # tax is not one of the six laws of Art. 37(1)(a)
    "2024-02-01,T1,land,Encroachment,2/QD,2024-01-15\n"  # remedied before the event
)
EIP_TOML = """
[eip]
registration_date = 2025-03-31
basic_services = ["electricity", "water", "information", "fire_prevention", "wastewater_treatment"]
coordination_mechanism = "Quy che phoi hop 01/2024"
green_space_ha = 1.5
"""


def _rej(read, file: str) -> list[tuple[str, str, str]]:
    r = read.rejects[read.rejects.file == file]
    return [(str(x.line), str(x.field), str(x.reason)) for x in r.itertuples()]


def test_bad_eip_rows_rejected_with_file_line_field_reason(make_park):
    read = read_park_folder(
        make_park(certificates=CERTS, recp_measures=RECP, exchanges=EXCHANGES, compliance_events=EVENTS)
    )
    assert _rej(read, "certificates.csv") == [
        ("3", "valid_to", "valid_to is before valid_from: a certificate valid for less than a day"),
        ("5", "certificate_id", "duplicate certificate_id; first given on line 2"),
    ]
    assert _rej(read, "recp_measures.csv") == [
        ("4", "category", "category must be one of: energy, water, materials, chemicals, waste, emissions"),
        ("5", "tenant_id", "tenant_id is required: Tenant applying the measure (must be in tenants.csv)"),
        ("5", "tenant_id", "unknown tenant_id: not in tenants.csv (known: T1, T2)"),
    ]
    assert _rej(read, "exchanges.csv") == [
        ("3", "to_tenant_id", "unknown to_tenant_id: not in tenants.csv (known: T1, T2)"),
        ("5", "until", "until is before since: an exchange that stopped before it started"),
        ("6", "to_tenant_id", "an exchange needs a tenant at one end at least (from_tenant_id or to_tenant_id)"),
    ]
    assert _rej(read, "compliance_events.csv") == [
        ("4", "field", "field must be one of: environment, investment, land, construction, labour, enterprise"),
        ("5", "resolved_on", "resolved_on is before date: remedied before the event"),
    ]
    counts = {f: (c.read, c.accepted, c.rejected) for f, c in read.counts.items()}
    assert counts["certificates.csv"] == (4, 2, 2)
    assert counts["recp_measures.csv"] == (4, 2, 2)
    assert counts["exchanges.csv"] == (5, 2, 3)
    assert counts["compliance_events.csv"] == (4, 2, 2)
    # accepted rows keep their file line (the EIP evidence names it) and canonical choices
    x = read.data.table("exchanges")
    assert x["exchange_id"].tolist() == ["X1", "X3"] and x["line"].tolist() == [2, 4]
    assert x["kind"].tolist() == ["by_product", "water"]
    assert read.data.table("recp_measures")["category"].tolist() == ["energy", "water"]


def test_eip_files_and_declarations_stored_and_read_back(make_park, tmp_path):
    park = make_park(certificates=CERTS, recp_measures=RECP, exchanges=EXCHANGES, compliance_events=EVENTS)
    (park / "park.toml").write_text((park / "park.toml").read_text(encoding="utf-8") + EIP_TOML, encoding="utf-8")
    data, store = open_park(str(park), f"duckdb://{tmp_path / 'e.duckdb'}")
    try:
        q = store.quarantine("tiny")
    finally:
        store.close()
    kept = {f: sorted(q.loc[q.file == f, "line"].astype(int).unique()) for f in
            ("certificates.csv", "recp_measures.csv", "exchanges.csv", "compliance_events.csv")}  # fmt: skip
    assert kept == {"certificates.csv": [3, 5], "recp_measures.csv": [4, 5], "exchanges.csv": [3, 5, 6],
                    "compliance_events.csv": [4, 5]}  # fmt: skip
    assert data.park.eip is not None and data.park.eip.registration_date == dt.date(2025, 3, 31)
    assert data.park.eip.basic_services[-1] == "wastewater_treatment" and data.park.eip.green_space_ha == 1.5
    assert data.table("certificates")["certificate_id"].tolist() == ["C-1", "C-3"]
    decisions = data.table("compliance_events")["decision"]
    assert decisions.iloc[0] == "15/QD-XPHC" and decisions.isna().tolist() == [False, True]


def test_template_has_the_eip_files_with_vietnamese_labels(tmp_path):
    from openpyxl import load_workbook

    write_template(tmp_path / "t")
    assert (tmp_path / "t" / "exchanges.csv").read_text(encoding="utf-8").startswith("exchange_id,from_tenant_id")
    ws = load_workbook(tmp_path / "t" / "park-template.xlsx")["recp_measures"]
    assert ws.cell(row=1, column=3).value == "category"
    assert ws.cell(row=1, column=3).comment.text.startswith("Nhóm\n")
    assert "[eip]" in (tmp_path / "t" / "park.toml").read_text(encoding="utf-8")


def test_workbook_park_sheet_takes_eip_rows(make_park, tmp_path):
    import csv
    import io

    from openpyxl import Workbook

    folder = make_park(exchanges=EXCHANGES)
    wb = Workbook()
    ws = wb.active
    ws.title = "park"
    for row in [("key", "value"), ("id", "tiny"), ("name", "Tiny Park"), ("latitude", 10.8), ("longitude", 106.95),
                ("area_ha", 12), ("eip.basic_services", "electricity|water"), ("eip.green_space_ha", 1.5),
                ("eip.coordination_mechanism", "QC 01/2024")]:  # fmt: skip
        ws.append(list(row))
    for path in sorted(folder.glob("*.csv")):
        sheet = wb.create_sheet(path.stem)
        for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            sheet.append(r)
    wb.save(tmp_path / "park.xlsx")
    read = read_park_folder(tmp_path / "park.xlsx")
    eip = read.data.park.eip
    assert eip is not None and eip.basic_services == ["electricity", "water"]
    assert (eip.green_space_ha, eip.coordination_mechanism) == (1.5, "QC 01/2024")
    # the same rejects as the folder, named by workbook and sheet
    assert [(int(r.line), r.field) for r in read.rejects.itertuples() if r.file == "park.xlsx:exchanges"] == [
        (3, "to_tenant_id"), (5, "until"), (6, "to_tenant_id")
    ]  # fmt: skip
