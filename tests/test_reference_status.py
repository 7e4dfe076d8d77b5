"""Every reference row carries a source and a confidence, and docs/reference-status.md names every table.

Confidence codes (src/greenpark/reference/data/README.md): V verified, S secondary, D derived, R recalled.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from greenpark.reference import DATA_DIR, _read_csv, table_names

CODES = {"V", "S", "D", "R"}
STATUS_DOC = Path(__file__).resolve().parents[1] / "docs" / "reference-status.md"


def provenance_problems(df: pd.DataFrame) -> list[str]:
    """Rows (0-based) lacking a source or a confidence code, as messages; [] when every row has both."""
    out = []
    for col in ("source", "confidence"):
        if col not in df.columns:
            return [f"no {col!r} column"]
    for i, row in df.reset_index(drop=True).iterrows():
        if pd.isna(row["source"]) or not str(row["source"]).strip():
            out.append(f"row {i}: no source")
        if str(row["confidence"]).strip() not in CODES:
            out.append(f"row {i}: confidence {row['confidence']!r} not one of {sorted(CODES)}")
    return out


@pytest.mark.parametrize("name", table_names())
def test_every_row_has_a_source_and_a_confidence(name):
    # read the file directly (not the cached loader) so a row without a source shows up here, by table and row
    df = pd.read_csv(DATA_DIR / f"{name}.csv", comment="#", skipinitialspace=True, dtype=str)
    assert provenance_problems(df) == [], f"{name}.csv"


def test_the_check_fails_on_a_row_without_source_or_confidence():
    bad = pd.DataFrame({"value": [1.0, 2.0, 3.0], "source": ["IPCC", None, "x"], "confidence": ["V", "S", ""]})
    assert provenance_problems(bad) == ["row 1: no source", "row 2: confidence '' not one of ['D', 'R', 'S', 'V']"]
    assert provenance_problems(pd.DataFrame({"value": [1.0], "source": ["x"]})) == ["no 'confidence' column"]


def test_status_page_names_every_table():
    text = STATUS_DOC.read_text(encoding="utf-8")
    missing = [n for n in table_names() if f"`{n}`" not in text]
    assert missing == [], f"add these tables to {STATUS_DOC.name}: {missing}"


def test_loader_refuses_a_row_without_source(tmp_path):
    from greenpark.errors import ReferenceDataError

    p = tmp_path / "t.csv"
    p.write_text("k,value,unit,source,edition,valid_from,valid_to,confidence\na,1,1,,e,,,V\n")
    with pytest.raises(ReferenceDataError, match="have no source"):
        _read_csv(p)
