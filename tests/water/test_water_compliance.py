"""Compliance on short synthetic series whose answers are worked out by hand.

Rules used (reference/data/water/monitoring_rules.csv): analyser step 5 min (Decree 08/2022, V), averaging
window 60 min (greenpark interpretation, R), a window needs >= 75 % of its 12 values valid (R), flat line
>= 120 min (D). Limits: QCVN 40:2011 column A with kq = 0.9, kf = 1.0 given on the plant:
COD 75 x 0.9 = 67.5 mg/l; lead 0.1 x 0.9 = 0.09 mg/l; pH 6..9 (no coefficients).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from waterkit import analyser, lab, local, wwtp

from greenpark.water.compliance import MonitoringRules, evaluate_outlet, sensor_ranges
from greenpark.water.standards import discharge_limits

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
RULES = MonitoringRules.from_reference()
LIMITS = discharge_limits(wwtp(), dt.date(2025, 6, 30))


def run(frame, start, end, required=None):
    return evaluate_outlet(frame, LIMITS, local(start), local(end), ZONE, RULES, sensor_ranges(), "W1", required)


def test_rules_are_the_reference_rows():
    assert (RULES.analyser_interval_min, RULES.averaging_window_min, RULES.min_valid_share, RULES.flat_line_min) == (
        5,
        60,
        0.75,
        120,
    )
    assert LIMITS["cod"].cmax == pytest.approx(67.5)


def test_event_across_month_boundary_is_one_event_counted_in_both_months():
    # 31 Jan 22:00 .. 1 Feb 02:00 local, 12 values per hour:
    # 22-23h 40 (ok), 23-24h 90 (over 67.5), 00-01h 80 (over), 01-02h 40 (ok)
    values = [40.0] * 12 + [90.0] * 12 + [80.0] * 12 + [40.0] * 12
    res = run(analyser("cod", "2025-01-31 22:00", values), "2025-01-31 22:00", "2025-02-01 02:00")
    assert len(res.exceedances) == 1
    ev = res.exceedances[0]
    assert ev.start == local("2025-01-31 23:00").to_pydatetime()
    assert ev.end == local("2025-02-01 01:00").to_pydatetime()
    assert ev.duration_h == 2.0
    assert ev.peak == 90.0 and ev.limit == pytest.approx(67.5) and ev.n_windows == 2
    cod = res.parameters[0]
    assert (cod.n_evaluated, cod.n_compliant, cod.n_exceeded) == (4, 2, 2)
    # January: windows 22h (ok) and 23h (over) -> 1/2; February: 00h (over), 01h (ok) -> 1/2
    assert [(m.month, m.n_evaluated, m.n_compliant) for m in cod.monthly] == [("2025-01", 2, 1), ("2025-02", 2, 1)]
    assert res.compliance_rate == 0.5


def test_flat_line_is_a_fault_not_compliant_nor_exceeding():
    # 3 h of live values around 40, then the sensor sticks at 150.0 for 2.5 h (30 values >= 120 min)
    live = list(40 + np.tile([0.5, -0.5, 0.2, -0.2], 9))
    stuck = [150.0] * 30
    res = run(analyser("cod", "2025-03-10 00:00", live + stuck), "2025-03-10 00:00", "2025-03-10 06:00")
    assert res.exceedances == []
    assert [(f.kind, f.n_values) for f in res.sensor_faults] == [("flat_line", 30)]
    assert res.sensor_faults[0].start == local("2025-03-10 03:00").to_pydatetime()
    assert res.sensor_faults[0].end == local("2025-03-10 05:30").to_pydatetime()
    cod = res.parameters[0]
    # 6 windows: 00,01,02 h evaluated and compliant; 03, 04 h all stuck, 05 h 6 stuck + 6 missing: not evaluated
    assert (cod.n_evaluated, cod.n_compliant, cod.n_exceeded, cod.n_inconclusive) == (3, 3, 0, 3)
    assert cod.compliance_rate == 1.0


def test_short_repeat_is_not_a_flat_line():
    # 11 equal values last 55 min < 120 min: a plausible steady reading, kept and evaluated
    res = run(analyser("cod", "2025-03-10 00:00", [41.0] * 11 + [42.0]), "2025-03-10 00:00", "2025-03-10 01:00")
    assert res.sensor_faults == []
    assert res.parameters[0].n_compliant == 1


def test_out_of_range_values_flagged_and_excluded_from_the_mean():
    # plausible COD 0..5000 mg/l (sensor_ranges.csv); one -3 and one 9999 in an hour of 50s:
    # the mean of the 10 valid values is 50 (not (10 x 50 - 3 + 9999) / 12 = 874.8, which would exceed)
    values = [50.0] * 5 + [-3.0] + [50.0] * 5 + [9999.0]
    res = run(analyser("cod", "2025-03-10 00:00", values), "2025-03-10 00:00", "2025-03-10 01:00")
    assert [(f.kind, f.n_values) for f in res.sensor_faults] == [("out_of_range", 1), ("out_of_range", 1)]
    assert (res.parameters[0].n_evaluated, res.parameters[0].n_compliant) == (1, 1)


def test_window_needs_three_quarters_of_its_values():
    # window 1: 9 of 12 values at 100 (9/12 = 0.75 >= 0.75: evaluated, exceeds); window 2: 8 of 12 (0.67): not
    t1 = analyser("cod", "2025-03-10 00:00", [100.0] * 9)
    t2 = analyser("cod", "2025-03-10 01:00", [100.0, 101.0] * 4)
    res = run(pd.concat([t1, t2]), "2025-03-10 00:00", "2025-03-10 02:00")
    cod = res.parameters[0]
    assert (cod.n_evaluated, cod.n_exceeded, cod.n_inconclusive) == (1, 1, 1)
    assert len(res.exceedances) == 1 and res.exceedances[0].duration_h == 1.0


def test_ph_below_range_is_an_exceedance_with_the_low_peak():
    # pH A 6..9: hour means 7.0 then 5.0 (below 6)
    res = run(
        analyser("ph", "2025-03-10 00:00", [7.0, 7.1] * 6 + [5.0, 5.1] * 6), "2025-03-10 00:00", "2025-03-10 02:00"
    )
    ev = res.exceedances[0]
    assert ev.peak == pytest.approx(5.05) and ev.limit_min == 6 and ev.limit == 9
    assert ev.bound == "min"  # the lower bound 6 was broken (the report shows 6-9 and names the minimum)


def test_ph_above_range_breaks_the_maximum():
    # pH A 6..9: hour mean 9.55 (above 9)
    res = run(analyser("ph", "2025-03-10 00:00", [9.5, 9.6] * 6), "2025-03-10 00:00", "2025-03-10 01:00")
    assert [(e.bound, round(e.peak, 2)) for e in res.exceedances] == [("max", 9.55)]


def test_completeness_counts_present_and_valid_slots():
    # one local day: 24 x 12 = 288 expected 5-min values. 250 values sent, one timestamp twice,
    # 10 out of range (-1 m3/day flow): present = 250 distinct slots, valid = 240 -> 240 / 288 = 0.8333
    values = np.full(250, 3000.0) + np.arange(250) % 7
    values[100:110] = -1.0
    f = analyser("flow", "2025-03-10 00:00", values)
    f = pd.concat([f, f.iloc[[5]]])
    res = run(f, "2025-03-10", "2025-03-11", required=["flow", "cod"])
    by = {c.parameter: c for c in res.completeness}
    assert (by["flow"].expected, by["flow"].present, by["flow"].valid) == (288, 250, 240)
    assert by["flow"].share == pytest.approx(240 / 288)
    # COD is on the automatic-monitoring list but absent: 0 of 288
    assert by["cod"].share == 0.0
    assert res.completeness_share == pytest.approx((240 / 288 + 0) / 2)


def test_lab_samples_one_by_one_with_censored_values():
    # lead Cmax 0.09: "<0.01" complies (DL below limit); "<0.2" inconclusive (DL above limit); 0.12 exceeds
    f = lab(
        [
            ("2025-05-02 09:00", "outlet", "lead", 0.01, True),
            ("2025-05-09 09:00", "outlet", "lead", 0.2, True),
            ("2025-05-16 09:00", "outlet", "lead", 0.12, False),
        ]
    )
    res = run(f, "2025-01-01", "2026-01-01")
    p = res.parameters[0]
    assert (p.method, p.n_evaluated, p.n_compliant, p.n_exceeded, p.n_inconclusive) == ("lab", 2, 1, 1, 1)
    assert p.compliance_rate == 0.5
    assert [(e.method, e.peak, e.duration_h) for e in res.exceedances] == [("lab", 0.12, 0.0)]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.one_of(st.floats(min_value=-10, max_value=200), st.just(float("nan"))), min_size=0, max_size=80),
    drop=st.lists(st.integers(min_value=0, max_value=79), max_size=20),
)
def test_random_series_keep_their_books(values, drop):
    # whatever arrives, windows split into evaluated + not evaluated, events cover exactly the exceeding
    # windows, and valid <= present <= expected slots (no value vanishes or is counted twice)
    f = analyser("cod", "2025-03-10 00:00", values) if values else analyser("cod", "2025-03-10 00:00", [1.0])
    f = f.drop(index=[i for i in set(drop) if i < len(f)])
    res = run(f, "2025-03-10 00:00", "2025-03-10 08:00")
    if f.empty:  # nothing arrived: nothing evaluated, no rate invented
        assert res.parameters == [] and res.compliance_rate is None
        return
    (cod,) = res.parameters
    assert cod.n_evaluated + cod.n_inconclusive == 8
    assert cod.n_compliant + cod.n_exceeded == cod.n_evaluated
    assert sum(e.n_windows for e in res.exceedances) == cod.n_exceeded
    (c,) = res.completeness
    assert c.valid <= c.present <= c.expected == 96
