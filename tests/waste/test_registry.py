"""Waste registry: bad raw rows are each reported with their line and nothing is dropped; manifest checks."""

from __future__ import annotations

import pandas as pd
import pytest

from greenpark.waste.registry import manifest_issues, quantity_t, validate_records

RAW_COLUMNS = [
    "date", "tenant_id", "waste_code", "category", "quantity", "unit", "route", "receiver",
    "density_t_per_m3", "transporter", "manifest_id",
]  # fmt: skip


def _raw(rows):
    return pd.DataFrame(rows, columns=RAW_COLUMNS)


def test_bad_rows_each_reported_nothing_dropped():
    raw = _raw(
        [
            # line 2: fine (kg)
            ("2024-01-05", "T1", "17 02 03", "hazardous", 250.0, "kg", "recycling", "Oil Co", None, "Tr", "M1"),
            # line 3: unknown route
            ("2024-01-06", "T1", "18 01 05", "industrial", 1.0, "t", "dumping", "Paper Co", None, "", ""),
            # line 4: unknown code
            ("2024-01-07", "T2", "99 99 99", "industrial", 1.0, "t", "landfill", "LF", None, "", ""),
            # line 5: hazardous without receiver
            ("2024-01-08", "T2", "18 02 01", "hazardous", 40.0, "kg", "incineration", "", None, "Tr", "M2"),
            # line 6: m3 without density
            ("2024-01-09", "T3", "SH01", "domestic", 10.0, "m3", "landfill", "LF", None, "", ""),
            # line 7: same stream as line 2 (T1, 17 02 03) in tonnes -> mixed units (kg and t)
            ("2024-02-05", "T1", "17 02 03", "hazardous", 0.3, "t", "recycling", "Oil Co", None, "Tr", "M3"),
            # line 8: m3 with density 0.3 t/m3 -> 10 m3 = 3 t
            ("2024-02-09", "T3", "SH01", "domestic", 10.0, "m3", "landfill", "LF", 0.3, "", ""),
            # line 9: unit unknown
            ("2024-02-10", "T3", "SH01", "domestic", 10.0, "bags", "landfill", "LF", None, "", ""),
        ]
    )
    findings = validate_records(raw)
    got = {(f.code, f.line) for f in findings}
    assert ("waste.route_unknown", 3) in got
    assert ("waste.code_unknown", 4) in got
    assert ("waste.hazardous_no_receiver", 5) in got
    assert ("waste.m3_no_density", 6) in got
    assert ("waste.unit_unknown", 9) in got
    mixed = [f for f in findings if f.code == "waste.mixed_units"]
    assert len(mixed) == 2  # T1/17 02 03 (kg, t) and T3/SH01 (bags, m3)
    t1 = next(f for f in mixed if f.tenant_id == "T1")
    assert t1.data["units"] == {"kg": 1, "t": 1}
    assert not any(f.line == 2 and f.severity == "error" for f in findings)
    msg = next(f.message for f in findings if f.code == "waste.route_unknown")
    assert "'dumping' unknown; choose one of" in msg and "landfill" in msg
    # conversion: 250 kg = 0.25 t; 0.3 t; 10 m3 x 0.3 t/m3 = 3 t; unconvertible rows are NaN, not dropped
    q = quantity_t(raw)
    assert len(q) == len(raw)
    assert q[0] == pytest.approx(0.25) and q[5] == pytest.approx(0.3) and q[6] == pytest.approx(3.0)
    assert q[[4, 7]].isna().all()


def test_hazardous_code_under_another_category_is_flagged():
    raw = _raw([("2024-01-05", "T1", "16 01 06", "industrial", 3.0, "kg", "landfill", "HW Co", None, "Tr", "M9")])
    f = validate_records(raw)
    assert [x.code for x in f] == ["waste.hazardous_code_category"]


def _records(rows):
    return pd.DataFrame(
        rows,
        columns=["date", "tenant_id", "waste_code", "category", "quantity_t", "route", "receiver", "transporter",
                 "manifest_id"],
    )  # fmt: skip


def test_manifest_checks_and_monthly_reconciliation():
    w = _records(
        [
            ("2024-01-05", "T1", "17 02 03", "hazardous", 0.25, "recycling", "Oil Co", "Tr", "M1"),
            ("2024-01-20", "T1", "17 02 03", "hazardous", 0.25, "recycling", "Oil Co", "Tr", "M2"),
            ("2024-02-05", "T2", "18 02 01", "hazardous", 0.04, "incineration", "", "", "M1"),  # no receiver, M1 reused
            ("2024-02-05", "T2", "18 01 05", "industrial", 2.0, "recycling", "Paper Co", "", ""),  # not hazardous
        ]
    )
    # manifests: T1 January handed over 0.40 t (records 0.50 t: difference 0.10 t > max(2 % x 0.5, 0.01) = 0.01)
    #            T2 February 0.04 t (matches)
    man = pd.DataFrame(
        [("M1", "2024-01-05", "T1", "17 02 03", 0.40), ("M1b", "2024-02-05", "T2", "18 02 01", 0.04)],
        columns=["manifest_id", "date", "tenant_id", "waste_code", "quantity_t"],
    )
    f = manifest_issues(w, 2024, man, licensed_receivers=["oil co"])
    codes = sorted(x.code for x in f)
    assert codes == [
        "manifest.duplicate_id",
        "manifest.no_receiver",
        "manifest.no_transporter",
        "manifest.unreconciled",
    ]
    unrec = next(x for x in f if x.code == "manifest.unreconciled")
    assert unrec.data["records_t"] == pytest.approx(0.5) and unrec.data["manifests_t"] == pytest.approx(0.4)
    assert "T1 2024-01 code 17 02 03" in unrec.message
    # without a manifests table the reconciliation is said not to be done
    f2 = manifest_issues(w, 2024, None, licensed_receivers=["Someone Else"])
    assert "manifest.not_reconciled" in {x.code for x in f2}
    assert sum(x.code == "manifest.receiver_unlicensed" for x in f2) == 2  # the two Oil Co loads
