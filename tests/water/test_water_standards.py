"""QCVN 40 limit arithmetic: Cmax = C x Kq x Kf, exempt parameters, pH range, editions, connection limits.

Numbers: QCVN 40:2011/BTNMT Table 1 (C values, columns A/B), s.2.3 Kq and s.2.4 Kf tables, as collected in
shared/reference/vietnam-facts.md section 2.1 (rows 1-25 V; Kq/Kf bands R, lake/no-data V).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from waterkit import wwtp

from greenpark.errors import InputError, MissingFactorError
from greenpark.water.standards import (
    connection_limits,
    discharge_limits,
    edition_on,
    edition_periods,
    kf_coefficient,
    kq_coefficient,
)

ON = dt.date(2025, 6, 30)


@pytest.mark.parametrize(
    ("flow_m3_per_s", "kq"),
    [(10, 0.9), (50, 0.9), (50.1, 1.0), (200, 1.0), (350, 1.1), (500, 1.1), (501, 1.2), (None, 0.9)],
)
def test_kq_river_bands(flow_m3_per_s, kq):
    # s.2.3: Q <= 50 -> 0.9; 50 < Q <= 200 -> 1.0; 200 < Q <= 500 -> 1.1; Q > 500 -> 1.2; no data -> 0.9
    assert kq_coefficient("river", flow_m3_per_s=flow_m3_per_s, on=ON) == kq


@pytest.mark.parametrize(
    ("volume_m3", "kq"), [(5e6, 0.6), (10e6, 0.6), (50e6, 0.8), (100e6, 0.8), (2e8, 1.0), (None, 0.6)]
)
def test_kq_lake_bands(volume_m3, kq):
    # s.2.3 (identical in QCVN 60-MT:2015): V <= 10e6 -> 0.6; <= 100e6 -> 0.8; above -> 1.0; no data 0.6 (QCVN 62)
    assert kq_coefficient("lake", volume_m3=volume_m3, on=ON) == kq


def test_kq_coastal():
    assert kq_coefficient("coastal_protected") == 1.0  # s.2.3 coastal, protection/recreation
    assert kq_coefficient("coastal_other") == 1.3  # s.2.3 coastal, other uses


def test_kq_unknown_water_names_choices():
    with pytest.raises(InputError, match="unknown receiving_water 'sea'.*coastal_other"):
        kq_coefficient("sea")


@pytest.mark.parametrize(
    ("f", "kf"), [(30, 1.2), (50, 1.2), (51, 1.1), (500, 1.1), (501, 1.0), (5000, 1.0), (5001, 0.9), (20000, 0.9)]
)
def test_kf_bands(f, kf):
    # s.2.4: F <= 50 -> 1.2; 50 < F <= 500 -> 1.1; 500 < F <= 5000 -> 1.0; F > 5000 -> 0.9 (m3/24h)
    assert kf_coefficient(f, on=ON) == kf


@pytest.mark.parametrize(
    ("column", "flow", "capacity", "cod_cmax", "tss_cmax"),
    [
        # A, river Q = 30 m3/s (Kq 0.9), F = 4,000 m3/d (Kf 1.0): COD 75 x 0.9 x 1.0 = 67.5; TSS 50 x 0.9 = 45
        ("A", 30, 4000, 67.5, 45.0),
        # B, river Q = 120 (Kq 1.0), F = 300 (Kf 1.1): COD 150 x 1.0 x 1.1 = 165; TSS 100 x 1.1 = 110
        ("B", 120, 300, 165.0, 110.0),
        # A, river Q = 300 (Kq 1.1), F = 40 (Kf 1.2): COD 75 x 1.1 x 1.2 = 99; TSS 50 x 1.32 = 66
        ("A", 300, 40, 99.0, 66.0),
        # B, river Q = 800 (Kq 1.2), F = 8,000 (Kf 0.9): COD 150 x 1.2 x 0.9 = 162; TSS 100 x 1.08 = 108
        ("B", 800, 8000, 162.0, 108.0),
    ],
)
def test_cmax_derived_from_receiving_water_and_flow(column, flow, capacity, cod_cmax, tss_cmax):
    w = wwtp(
        column=column,
        kq=None,
        kf=None,
        receiving_water="river",
        receiving_flow_m3_per_s=flow,
        capacity_m3_per_day=capacity,
    )
    lim = discharge_limits(w, ON)
    assert lim["cod"].cmax == pytest.approx(cod_cmax)
    assert lim["tss"].cmax == pytest.approx(tss_cmax)


def test_exempt_parameters_take_no_coefficients():
    # Kq 0.6 (small lake) x Kf 1.2 would change any coefficient-bearing limit; these keep C (Table 1, s.2.1):
    # temperature 40 degC, colour A 50 Pt-Co, pH A 6..9, coliform A 3000, gross alpha 0.1, gross beta 1.0
    w = wwtp(column="A", kq=None, kf=None, receiving_water="lake", receiving_volume_m3=1e6, capacity_m3_per_day=20)
    lim = discharge_limits(w, ON)
    assert lim["temperature"].cmax == 40
    assert lim["colour"].cmax == 50
    assert (lim["ph"].cmin, lim["ph"].cmax) == (6, 9)
    assert lim["coliform"].cmax == 3000
    assert lim["gross_alpha"].cmax == 0.1
    assert lim["gross_beta"].cmax == 1.0
    assert not lim["ph"].coefficients
    # and a coefficient-bearing one: ammonium A 5 x 0.6 x 1.2 = 3.6
    assert lim["ammonium_n"].cmax == pytest.approx(3.6)


def test_column_b_ph_range_and_given_coefficients_win():
    # wwtp.csv kq = 0.9, kf = 1.0 given: used as is. pH B 5.5..9; total N B 40 x 0.9 = 36
    lim = discharge_limits(wwtp(column="B"), ON)
    assert (lim["ph"].cmin, lim["ph"].cmax) == (5.5, 9)
    assert lim["total_n"].cmax == pytest.approx(36.0)
    assert len(lim) == 33  # all 33 Table 1 parameters


def test_recalled_rows_are_flagged():
    lim_a = discharge_limits(wwtp(column="A"), ON)
    lim_b = discharge_limits(wwtp(column="B"), ON)
    assert lim_a["chloride"].confidence == "R"  # column A rows 26-30 recalled (vietnam-facts 2.1)
    assert lim_b["chloride"].confidence == "V"
    assert lim_a["cod"].confidence == "V"


def test_qcvn_2025_values_not_guessed():
    w = wwtp(standard="QCVN40:2025", column="B", kq=None, kf=None)
    with pytest.raises(MissingFactorError, match=r"QCVN 40:2025 limits not transcribed for \['cod'\].*qcvn40_2025.csv"):
        discharge_limits(w, dt.date(2026, 3, 1), ["cod"])


def test_qcvn_2025_not_in_force_before_effective_date():
    w = wwtp(standard="QCVN40:2025", column="B")
    with pytest.raises(MissingFactorError, match="does not apply on 2025-01-01.*effective 2025-09-01"):
        discharge_limits(w, dt.date(2025, 1, 1), ["cod"])


def test_qcvn_2011_ends_after_transition():
    with pytest.raises(MissingFactorError, match="existing plants until 2031-12-31"):
        discharge_limits(wwtp(), dt.date(2032, 6, 30), ["cod"])


def test_missing_coefficients_say_what_to_add():
    with pytest.raises(InputError, match="neither kq nor receiving_water"):
        discharge_limits(wwtp(kq=None), ON)


def test_connection_limits_default_and_park_sheet():
    default = connection_limits(None)
    assert default["lead"].cmax == 0.5  # QCVN 40 B row 9, as reproduced by the Loc An-Binh Son connection table
    assert default["cod"].confidence == "R"  # relaxed typical inlet value, recalled
    park = connection_limits(
        pd.DataFrame(
            {"parameter": ["cod", "ph"], "limit": [600.0, 9.0], "unit": ["mg/l", "pH"], "limit_min": [None, 5.0]}
        )
    )
    assert park["cod"].cmax == 600.0
    assert (park["ph"].cmin, park["ph"].cmax) == (5.0, 9.0)
    assert set(park) == {"cod", "ph"}


# Which edition applies (Circular 06/2025/TT-BTNMT: effective 2025-09-01; Art. 3: plants operating before it
# may keep QCVN 40:2011 until 2031-12-31).
@pytest.mark.parametrize(
    ("commissioned", "declared", "on", "edition"),
    [
        (dt.date(2015, 1, 1), "QCVN40:2011", dt.date(2025, 8, 31), "QCVN40:2011"),  # 2025 not yet in force
        (dt.date(2015, 1, 1), "QCVN40:2011", dt.date(2031, 12, 31), "QCVN40:2011"),  # last day of transition
        (dt.date(2015, 1, 1), "QCVN40:2011", dt.date(2032, 1, 1), "QCVN40:2025"),  # transition over
        (dt.date(2015, 1, 1), "QCVN40:2025", dt.date(2025, 9, 1), "QCVN40:2025"),  # permit names the new one
        (dt.date(2025, 9, 1), "QCVN40:2011", dt.date(2025, 9, 1), "QCVN40:2025"),  # new plant: no transition
        (None, "QCVN40:2011", dt.date(2027, 1, 1), "QCVN40:2011"),  # no date: taken as existing
    ],
)
def test_edition_on(commissioned, declared, on, edition):
    assert edition_on(wwtp(standard=declared, commissioned=commissioned), on)[0] == edition


def test_edition_periods_cut_at_effective_date_and_commissioning():
    w = wwtp(standard="QCVN40:2025", commissioned=dt.date(2010, 1, 1))
    assert [(p.standard, p.start, p.end) for p in edition_periods(w, dt.date(2025, 1, 1), dt.date(2026, 1, 1))] == [
        ("QCVN40:2011", dt.date(2025, 1, 1), dt.date(2025, 9, 1)),
        ("QCVN40:2025", dt.date(2025, 9, 1), dt.date(2026, 1, 1)),
    ]
    new = wwtp(commissioned=dt.date(2026, 3, 1))
    assert [(p.standard, p.start) for p in edition_periods(new, dt.date(2026, 1, 1), dt.date(2027, 1, 1))] == [
        ("QCVN40:2025", dt.date(2026, 3, 1))
    ]
    assert edition_periods(new, dt.date(2025, 1, 1), dt.date(2026, 1, 1)) == []  # not yet built


def test_qcvn_2025_rows_from_a_user_folder_by_column_and_flow_tier(tmp_path):
    # illustrative rows (NOT the standard's values): column C, two flow tiers; F = capacity 4,000 m3/day
    (tmp_path / "water").mkdir()
    (tmp_path / "water" / "qcvn40_2025.csv").write_text(
        "parameter,column,flow_min_m3_per_day,flow_max_m3_per_day,value,value_min,unit,source,edition,"
        "valid_from,valid_to,confidence\n"
        "cod,C,,2000,150,,mg/l,fixture,test,2025-09-01,,R\n"
        "cod,C,2000,,100,,mg/l,fixture,test,2025-09-01,,R\n"
    )
    w = wwtp(standard="QCVN40:2025", column="C", kq=None, kf=None)
    lim = discharge_limits(w, dt.date(2026, 1, 1), ["cod"], extra_dirs=[tmp_path])["cod"]
    assert (lim.cmax, lim.kq, lim.kf, lim.standard) == (100.0, None, None, "QCVN40:2025")  # 2000 < 4000
    small = discharge_limits(w, dt.date(2026, 1, 1), ["cod"], discharge_m3_per_day=2000, extra_dirs=[tmp_path])
    assert small["cod"].cmax == 150.0  # F <= 2000 tier (lower < F <= upper)
