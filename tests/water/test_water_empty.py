"""The water engine on an empty or partial park: a clear NoDataError or a finding, never a traceback.

The shared tiny park (tests/testkit.py): one WWTP, ``wwtp1``, and no wastewater table.
"""

import pytest
from waterkit import analyser, wwtp

from greenpark.errors import NoDataError
from greenpark.water import assess_water


def test_no_wwtp_says_what_to_add(tiny_park):
    tiny_park.wwtps = []
    with pytest.raises(NoDataError, match=r"park 'tiny' has no WWTP: .*add wwtp.csv"):
        assess_water(tiny_park, 2025)


def test_a_wwtp_without_readings_says_what_the_table_holds(tiny_park):
    with pytest.raises(
        NoDataError, match=r"no wastewater readings for 2025 at wwtp1 \(wastewater.csv is missing or empty\)"
    ):
        assess_water(tiny_park, 2025)
    # readings of another year: the message names the span the table does cover
    tiny_park.tables["wastewater"] = analyser("cod", "2024-03-10 00:00", [40.0] * 12, wwtp_id="wwtp1")
    with pytest.raises(NoDataError, match="wastewater.csv covers 2024-03-10 to 2024-03-10"):
        assess_water(tiny_park, 2025)


def test_one_of_two_wwtps_without_readings_is_a_finding_not_compliance(tiny_park):
    tiny_park.wwtps = [*tiny_park.wwtps, wwtp(wwtp_id="W2")]
    tiny_park.tables["wastewater"] = analyser("cod", "2025-03-10 00:00", [40.0] * 12, wwtp_id="wwtp1")  # not W2
    res = assess_water(tiny_park, 2025)
    codes = [(f.code, f.data.get("wwtp_id")) for f in res.findings]
    assert ("water.data.no_readings", "W2") in codes and ("water.data.no_readings", "wwtp1") not in codes
    w2 = next(w for w in res.wwtps if w.wwtp_id == "W2")
    assert w2.compliance_rate is None  # unknown, never "compliant"
