"""``greenpark water`` wiring: JSON on stdout, and a user error as one line with exit code 2.

The park comes from a stand-in for ``open_park`` (a tiny park in code and a store answering empty
consumption), so these tests run in milliseconds; the example-park test covers the real importer.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from typer.testing import CliRunner
from waterkit import analyser, wwtp

import greenpark.cli.common as cli_common
from greenpark.cli import app


class _Store:
    def consumption(self, *args, **kwargs) -> pd.DataFrame:
        return pd.DataFrame(columns=["meter_id", "tenant_id", "kind", "period_start", "value", "n_values"])

    def quality_counts(self, park_id: str) -> dict[str, int]:
        return {"rejected": 0, "held_out": 0, "accepted_back": 0}

    def get_meta(self, key: str) -> None:
        return None

    def close(self) -> None:
        pass


@pytest.fixture
def cli_park(tiny_data, monkeypatch):
    tiny_data.tables["wastewater"] = analyser(
        "cod", "2025-03-10 00:00", [40.0, 41.0] * 6 + [90.0, 91.0] * 12 + [40.0, 41.0] * 6
    )
    monkeypatch.setattr(cli_common, "open_park", lambda arg, store_url=None, progress=None: (tiny_data, _Store()))
    return tiny_data


def test_json_output(cli_park):
    res = CliRunner().invoke(app, ["water", "tiny", "--year", "2025", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    (ev,) = out["wwtps"][0]["exceedances"]
    # 2 h at a mean of 90.5 mg/l > 75 x 0.9 = 67.5 (QCVN 40:2011 A, kq 0.9, kf 1.0)
    assert (ev["parameter"], ev["duration_h"], ev["peak"], ev["limit"]) == ("cod", 2.0, 90.5, 67.5)


def test_window_option_changes_the_averaging(cli_park):
    # 3-hour windows from local midnight: 00-03 h holds 12 x 40.5 + 24 x 90.5 on average -> 73.8 > 67.5: one
    # 3 h event; 03-06 h has 12 of 36 values (< 75 %): not evaluated
    res = CliRunner().invoke(app, ["water", "tiny", "--year", "2025", "--json", "--window", "180"])
    assert res.exit_code == 0, res.output
    (ev,) = json.loads(res.stdout)["wwtps"][0]["exceedances"]
    assert ev["duration_h"] == 3.0 and ev["peak"] == pytest.approx((90.5 * 24 + 40.5 * 12) / 36)


def test_untranscribed_limits_are_a_finding_and_the_pillar_still_runs(cli_park):
    # a plant operating since 2020 whose permit names QCVN 40:2025: 2011 limits to 2025-08-31, then the 2025
    # edition, whose values are not shipped: a finding for that part of the year, exit 0
    cli_park.wwtps = [wwtp(standard="QCVN40:2025", column="B", commissioned=dt.date(2020, 1, 1))]
    res = CliRunner().invoke(app, ["water", "tiny", "--year", "2025", "--json"])
    assert res.exit_code == 0, res.output
    codes = [f["code"] for f in json.loads(res.output)["findings"]]
    assert "water.standard.limits_missing" in codes
