"""Tenants' monthly bills against bills computed by hand (greenpark.billing)."""

import pandas as pd
import pytest

from greenpark.billing import ParkSupply, TenantSupply, WaterPrices, monthly_bills
from greenpark.errors import InputError

ZONE = "Asia/Ho_Chi_Minh"
T1 = TenantSupply("T1", "Alpha", "22-110kV", import_meters=("E1",), water_meters=("W1",))


def _month_15min(month: str, weekday_kwh: float = 1.0, sunday_kwh: float = 0.5) -> pd.DataFrame:
    """15-minute import readings for a whole month: weekday_kwh per interval Mon-Sat, sunday_kwh on Sundays."""
    start = pd.Timestamp(f"{month}-01", tz=ZONE)
    ts = pd.date_range(start, start + pd.offsets.MonthBegin(1), freq="15min", inclusive="left")
    value = [sunday_kwh if t.day_of_week == 6 else weekday_kwh for t in ts]
    return pd.DataFrame({"meter_id": "E1", "ts": ts.tz_convert("UTC"), "value": value})


# June 2025 and June 2024 each have 30 days, 5 of them Sundays (1, 8, 15, 22, 29 Jun 2025; 2, 9, 16, 23, 30 Jun 2024)
# and 25 Mon-Sat days. Circular 16/2014 hours (tariffs/tou_hours.csv), in 15-minute intervals per day:
#   Mon-Sat: off-peak 22:00-04:00 = 24, peak 09:30-11:30 + 17:00-20:00 = 8 + 12 = 20, normal 96 - 44 = 52;
#   Sunday: off-peak 24, normal 72 (no peak).
# With 1 kWh per interval Mon-Sat and 0.5 kWh on Sundays:
#   off-peak 25 x 24 + 5 x 24 x 0.5 = 660 kWh; normal 25 x 52 + 5 x 72 x 0.5 = 1,480 kWh; peak 25 x 20 = 500 kWh.
BY_HAND_KWH = {"offpeak": 660.0, "normal": 1480.0, "peak": 500.0}


def test_a_month_at_22_110_kv_against_a_bill_by_hand():
    bills = monthly_bills("P", "2025-06", ZONE, [T1], _month_15min("2025-06"))
    b = bills.tenants[0]
    assert b.kwh_by_band == pytest.approx(BY_HAND_KWH)
    # Decision 1279/QD-BCT (from 2025-05-10), manufacturing 22 to <110 kV (vietnam-facts.md s5.2):
    # off-peak 1,190, normal 1,833, peak 3,398 VND/kWh ->
    # 660 x 1,190 + 1,480 x 1,833 + 500 x 3,398 = 785,400 + 2,712,840 + 1,699,000 = 5,197,240 VND
    assert b.energy_charge_vnd == 5_197_240
    # VAT 8 % (Decree 180/2024/ND-CP, Jan-Jun 2025)
    assert b.vat_rate == 0.08
    assert b.vat_vnd == 415_779  # 5,197,240 x 0.08 = 415,779.2, rounded to whole VND
    assert b.total_vnd == 5_197_240 + 415_779
    assert b.tariff_source == ["Decision 1279/QD-BCT"]
    assert b.coverage == 1.0 and b.missing_intervals == 0


def test_the_same_month_under_an_earlier_decision():
    bills = monthly_bills("P", "2024-06", ZONE, [T1], _month_15min("2024-06"))
    b = bills.tenants[0]
    assert b.kwh_by_band == pytest.approx(BY_HAND_KWH)
    # Decision 2941/QD-BCT (9 Nov 2023 - 10 Oct 2024), 22 to <110 kV (recalled, R): off-peak 1,084, normal 1,676,
    # peak 3,093 -> 660 x 1,084 + 1,480 x 1,676 + 500 x 3,093 = 715,440 + 2,480,480 + 1,546,500 = 4,742,420 VND;
    # VAT 8 % (Decree 94/2023/ND-CP, Jan-Jun 2024): 379,393.6 -> 379,394
    assert b.energy_charge_vnd == 4_742_420
    assert (b.vat_rate, b.vat_vnd) == (0.08, 379_394)
    assert b.tariff_source == ["Decision 2941/QD-BCT"]


def test_a_month_spanning_a_tariff_decision_is_priced_part_by_part():
    # May 2025: Decision 2699 until 9 May, Decision 1279 from 10 May. 1 kWh per 15 min on Monday 5 May and on
    # Monday 12 May only (a Mon-Sat day: off-peak 24, normal 52, peak 20 kWh).
    # 2699 (22-110 kV, R): 24 x 1,136 + 52 x 1,749 + 20 x 3,242 = 27,264 + 90,948 + 64,840 = 183,052
    # 1279: 24 x 1,190 + 52 x 1,833 + 20 x 3,398 = 28,560 + 95,316 + 67,960 = 191,836 -> 374,888 VND
    days = [pd.date_range(f"2025-05-{d} 00:00", periods=96, freq="15min", tz=ZONE) for d in ("05", "12")]
    r = pd.DataFrame({"meter_id": "E1", "ts": days[0].append(days[1]), "value": 1.0})
    b = monthly_bills("P", "2025-05", ZONE, [T1], r).tenants[0]
    assert b.energy_charge_vnd == 374_888
    assert b.tariff_source == ["Decision 1279/QD-BCT", "Decision 2699/QD-BCT"]
    assert b.prices_vnd_per_kwh["peak"] == [3242.0, 3398.0]


def test_an_interval_straddling_a_band_edge_is_split_by_minutes():
    # Decision 963/QD-BCT hours (bills from 2026-04-22): Monday 4 May 2026, an hourly meter reads 10 kWh for
    # 17:00-18:00: 30 min normal, 30 min peak (from 17:30) -> 5 kWh each;
    # 5 x 1,833 + 5 x 3,398 = 9,165 + 16,990 = 26,155 VND; VAT 8 % (Resolution 204/2025) = 2,092.4 -> 2,092.
    # One of the month's 744 hourly intervals is read: coverage 1/744.
    r = pd.DataFrame({"meter_id": "E1", "ts": [pd.Timestamp("2026-05-04 17:00", tz=ZONE)], "value": [10.0]})
    b = monthly_bills("P", "2026-05", ZONE, [T1], r, meter_intervals_min={"E1": 60}).tenants[0]
    assert b.kwh_by_band == {"offpeak": 0.0, "normal": 5.0, "peak": 5.0}
    assert (b.energy_charge_vnd, b.vat_vnd) == (26_155, 2_092)
    assert b.missing_intervals == 743 and b.coverage == pytest.approx(1 / 744)


def test_a_month_with_gaps_is_billed_on_what_was_measured():
    r = _month_15min("2025-06")
    ts = pd.DatetimeIndex(r["ts"]).tz_convert(ZONE)
    r = r[~((ts.day == 2) & (ts.month == 6))]  # Monday 2 June 2025 not read: 96 intervals
    b = monthly_bills("P", "2025-06", ZONE, [T1], r).tenants[0]
    # by hand: the month's kWh less one Mon-Sat day (off-peak 24, normal 52, peak 20)
    assert b.kwh_by_band == pytest.approx({"offpeak": 636.0, "normal": 1428.0, "peak": 480.0})
    # 636 x 1,190 + 1,428 x 1,833 + 480 x 3,398 = 756,840 + 2,617,524 + 1,631,040 = 5,005,404
    assert b.energy_charge_vnd == 5_005_404
    assert b.missing_intervals == 96 and b.coverage == pytest.approx(2784 / 2880)
    assert "96 of 2880 intervals missing" in b.notes[0]


def test_water_wastewater_and_the_operator():
    month = _month_15min("2025-06")
    water = pd.DataFrame({"meter_id": "W1", "ts": [pd.Timestamp("2025-06-10", tz=ZONE)], "value": [120.0]})
    # incoming meter: the tenant's load x 1.05 (same shape), a common meter 10 kWh in one normal interval
    incoming = month.assign(meter_id="IN", value=month["value"] * 1.05)
    common = pd.DataFrame({"meter_id": "C1", "ts": [pd.Timestamp("2025-06-10 14:00", tz=ZONE)], "value": [10.0]})
    r = pd.concat([month, water, incoming, common], ignore_index=True)
    bills = monthly_bills(
        "P", "2025-06", ZONE, [T1], r,
        park=ParkSupply(incoming_meters=("IN",), wholesale_connection="mv_22_110kV", common_meters=("C1",)),
        water=WaterPrices(water_supply_vnd_per_m3=12_000.0, source="prices.csv line 2"),
        wastewater_fee_vnd={"T1": 1_500_000.4},
    )  # fmt: skip
    b, op = bills.tenants[0], bills.operator
    # water: 120 m3 x 12,000 = 1,440,000 VND; VAT 5 % (Law on VAT, clean water) = 72,000
    assert (b.water_supply_m3, b.water_charge_vnd, b.water_vat_vnd) == (120.0, 1_440_000, 72_000)
    assert b.wastewater_fee_vnd == 1_500_000
    assert b.total_vnd == 5_197_240 + 415_779 + 1_440_000 + 72_000 + 1_500_000
    # purchase: 1.05 x (660, 1,480, 500) kWh at Decision 1279 wholesale, MV 22-110 kV (vietnam-facts.md s5.2):
    # 693 x 1,168 + 1,554 x 1,800 + 525 x 3,334 = 809,424 + 2,797,200 + 1,750,350 = 5,356,974 VND
    assert op.purchase_vnd == 5_356_974
    assert op.retail_margin_vnd == 5_197_240 - 5_356_974
    # losses = incoming 2,772 - tenants 2,640 - common 10 = 122 kWh
    assert op.incoming_kwh == pytest.approx(2772.0)
    assert op.common_kwh == pytest.approx(10.0)
    assert op.losses_kwh == pytest.approx(122.0)


def test_bad_month_and_naive_times_are_refused():
    with pytest.raises(InputError, match="not YYYY-MM"):
        monthly_bills("P", "June", ZONE, [T1], _month_15min("2025-06"))
    naive = pd.DataFrame({"meter_id": ["E1"], "ts": [pd.Timestamp("2025-06-02 10:00")], "value": [1.0]})
    with pytest.raises(InputError, match="tz-aware"):
        monthly_bills("P", "2025-06", ZONE, [T1], naive)
