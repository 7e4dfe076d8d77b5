"""The report shows coverage beside each tenant's figures and the Decree 06 status in words."""

import copy
import re

import pytest
from test_report_render import _assessment

from greenpark.report import render_html

# what greenpark.ghg.decree06 writes (duty_check's reason for a partial year, reporting_calendar's fields)
PARTIAL_REASON = "screen: coverage partial: a partial year cannot show the tenant stays below the thresholds"
LINE_MINISTRY = "line ministry (MOIT for industrial facilities)"
PPC = "provincial People's Committee (Form 06, Appendix II)"
BASIS = (
    "Decree 06/2022/ND-CP Art.11(4): the 2025 report covers 2024; from 2027 every 2 years covering the 2 preceding "
    "years (as clarified by Decree 119/2025/ND-CP)"
)


def _partial():
    a = _assessment()
    inv = a["inventory"]
    t1 = inv["tenants"][0]
    t1.update(coverage=1.0, coverage_status="complete", full_year_estimate_tco2e=None,
              decree06_status="required", decree06_inventory_required=True)  # fmt: skip
    t2 = copy.deepcopy(t1)
    # T2: half a year measured, 1,000 tCO2e -> full-year estimate 2,000 tCO2e; cannot be told (partial year)
    t2.update(tenant_id="T2", name="Beta", total_tco2e=1000.0, coverage=0.5, coverage_status="partial",
              full_year_estimate_tco2e=2000.0, decree06_status="insufficient_data", decree06_inventory_required=None,
              decree06_reason=PARTIAL_REASON)  # fmt: skip
    t3 = copy.deepcopy(t1)
    t3.update(tenant_id="T3", name="Gamma", total_tco2e=10.0, decree06_status="not_required",
              decree06_inventory_required=False)  # fmt: skip
    inv["tenants"] = [t1, t2, t3]
    inv.update(coverage=0.8, coverage_status="partial", full_year_estimate_tco2e=9056.75)
    inv["decree06_calendar"] = {"data_year": 2023, "activity_data_due": "2024-03-31", "activity_data_to": LINE_MINISTRY,
                                "inventory_report_year": None, "inventory_report_due": None,
                                "inventory_report_covers": [], "inventory_report_to": PPC,
                                "basis": BASIS}  # fmt: skip
    return a


@pytest.mark.parametrize(
    ("lang", "partial", "status", "park_note", "no_report"),
    [
        ("en", "partial year", "cannot be told: insufficient data", "cover 80.0", "no facility inventory report"),
        ("vi", "một phần năm", "chưa xác định được: thiếu dữ liệu", "phủ 80,0", "không có báo cáo kiểm kê"),
    ],
)
def test_partial_year_is_labelled_measured_with_the_estimate_beside(lang, partial, status, park_note, no_report):
    html = render_html(_partial(), lang)
    row = re.search(r"<tr><td>T2 · Beta</td>.*?</tr>", html).group(0)
    # measured 1,000 and, beside it, 50 % coverage (partial year) and the estimate 2,000
    assert (
        ("1.000" if lang == "vi" else "1,000") in row
        and partial in row
        and ("2.000" if lang == "vi" else "2,000") in row
    )
    assert f'data-decree06="insufficient_data">{status}<' in html
    assert 'data-decree06="not_required"' not in html  # the complete, below-threshold tenant is counted, not listed
    assert park_note in html and no_report in html
