"""The CLI's one-line messages in the reader's language (the tables: test_cli_lang.py)."""

from __future__ import annotations

import pytest

from greenpark.cli import common
from greenpark.io.quality import DataQuality

DQ = DataQuality(park_id="p", rejected=1336, held_out=1, accepted_back=0, warnings=4)


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "data quality: 1,336 rows rejected, 1 reading held out, 4 warnings: 'greenpark check P' lists them"),
        ("vi", "chất lượng số liệu: 1.336 dòng bị loại, 1 số đo bị giữ lại, 4 cảnh báo: xem danh sách bằng "
               "'greenpark check P'"),
        ("ja", "データ品質：除外 1,336 行、保留 1 件、警告 4 件。一覧は 'greenpark check P'"),
    ],
)  # fmt: skip
def test_data_quality_banner(lang, line):
    common.use_lang(lang)
    try:
        assert common.quality_banner(DQ, "P") == line
        assert common.quality_banner(DataQuality("p", 0, 0, 0, 2), "P") is None  # clean: nothing rejected or held
    finally:
        common.use_lang("en")
