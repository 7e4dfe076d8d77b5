"""Alert rules on short recent windows with known answers.

Thresholds (monitoring_rules.csv): step 5 min, window 60 min, >= 75 % valid per window, flat line >= 120 min,
exceedance alert after 60 min, missing-data alert after 60 min. COD limit: column A 75 x kq 0.9 = 67.5 mg/l.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from waterkit import analyser, local, wwtp

from greenpark.water.alerts import evaluate_alerts, exceedance_alerts, missing_data_alerts, sensor_fault_alerts
from greenpark.water.compliance import MonitoringRules, SensorRange
from greenpark.water.standards import discharge_limits

LIMITS = discharge_limits(wwtp(), dt.date(2025, 6, 30))


def test_exceedance_alert_needs_the_full_duration():
    # two hours over 67.5 (80 then 100) -> one alert 10:00-12:00 local, peak 100
    f = analyser("cod", "2025-04-01 09:00", [40.0] * 12 + [80.0] * 12 + [100.0] * 12 + [40.0] * 12)
    (a,) = exceedance_alerts(f, LIMITS["cod"], wwtp_id="W1")
    assert (a.rule, a.start, a.end, a.peak, a.limit) == (
        "water.exceedance",
        local("2025-04-01 10:00").to_pydatetime(),
        local("2025-04-01 12:00").to_pydatetime(),
        100.0,
        67.5,
    )
    # with a 3-hour alert window the same 2-hour episode does not fire
    rules = MonitoringRules.from_reference(exceedance_alert_min=180)
    assert exceedance_alerts(f, LIMITS["cod"], rules) == []


def test_sensor_fault_alerts_flat_line_and_out_of_range():
    f = analyser("cod", "2025-04-01 00:00", [30.0 + 0.1 * (i % 3) for i in range(12)] + [55.5] * 25 + [-4.0])
    alerts = sensor_fault_alerts(f, SensorRange(0, 5000), parameter="cod")
    # 25 x 55.5 from 01:00 last 25 x 5 = 125 min >= 120: flat line; -4 is below the plausible 0
    assert [(a.rule, a.peak) for a in alerts] == [
        ("water.sensor_fault.flat_line", 55.5),
        ("water.sensor_fault.out_of_range", -4.0),
    ]
    assert alerts[0].start == local("2025-04-01 01:00").to_pydatetime()


def test_reading_at_the_analyser_floor_is_not_a_flat_line():
    # ammonium pinned at 0.2 mg/l (the analyser's floor) for 3 h: expected, not a fault
    f = analyser("ammonium_n", "2025-04-01 00:00", [0.2] * 36)
    assert sensor_fault_alerts(f, SensorRange(0, 1000, floor=0.2), parameter="ammonium_n") == []


def test_missing_data_gap_and_silence_until_now():
    # values 00:00-00:55 and 02:30-02:55; now 04:00. Covered to 01:00, gap 01:00-02:30 = 90 min >= 60 -> alert;
    # last value covers to 03:00, silence 03:00-04:00 = 60 min >= 60 -> alert
    f = pd.concat(
        [analyser("flow", "2025-04-01 00:00", [3000.0] * 12), analyser("flow", "2025-04-01 02:30", [3000.0] * 6)]
    )
    alerts = missing_data_alerts(f, now=local("2025-04-01 04:00"), parameter="flow")
    assert [(a.start, a.end) for a in alerts] == [
        (local("2025-04-01 01:00").to_pydatetime(), local("2025-04-01 02:30").to_pydatetime()),
        (local("2025-04-01 03:00").to_pydatetime(), local("2025-04-01 04:00").to_pydatetime()),
    ]
    # at 03:55 the silence is 55 min < 60: only the 90-minute gap alerts
    assert len(missing_data_alerts(f, now=local("2025-04-01 03:55"), parameter="flow")) == 1


def test_evaluate_alerts_over_many_parameters():
    f = pd.concat([analyser("cod", "2025-04-01 00:00", [90.0] * 24), analyser("ph", "2025-04-01 00:00", [7.0] * 24)])
    alerts = evaluate_alerts(f, LIMITS, now=local("2025-04-01 02:00"), wwtp_id="W1")
    # COD 90 > 67.5 for 2 h -> exceedance (the constant 90 is also a 120-min flat line: a fault, which then
    # removes the values from the windows) -> only the flat-line alerts of both constant series remain
    assert sorted(a.rule for a in alerts) == ["water.sensor_fault.flat_line", "water.sensor_fault.flat_line"]
