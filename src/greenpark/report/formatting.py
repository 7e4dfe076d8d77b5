"""Locale number, money and date formats for what users read (Babel's CLDR data).

Vietnamese uses ``.`` for thousands and ``,`` for decimals (1.234.567,8); English
the reverse. The report and the dashboard format every figure through here.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, "en_GB")


def fmt_number(value: Any, lang: str, decimals: int = 0) -> str:
    """A number with grouped thousands and ``decimals`` decimals, or '–' when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(float(value), format=pattern, locale=_locale(lang))


def fmt_sig(value: Any, lang: str) -> str:
    """A number with sensible decimals for its size (3 significant figures below 100)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    v = abs(float(value))
    decimals = 0 if v >= 100 else 1 if v >= 10 else 2 if v >= 1 else 3
    return fmt_number(value, lang, decimals)


def fmt_pct(fraction: Any, lang: str, decimals: int = 1) -> str:
    """A fraction (0.123) as a percentage ('12,3 %' in Vietnamese, '12.3%' in English)."""
    if fraction is None or (isinstance(fraction, float) and not math.isfinite(fraction)):
        return "–"
    sign = " %" if lang == "vi" else "%"
    return fmt_number(100.0 * float(fraction), lang, decimals) + sign


def fmt_money(value: Any, lang: str, currency: str = "VND", scale: str = "million") -> str:
    """Money, VND by default, in millions ('1.234 triệu VND' / 'VND 1,234 million')."""
    if value is None:
        return "–"
    div = {"unit": 1.0, "million": 1e6, "billion": 1e9}[scale]
    number = fmt_number(float(value) / div, lang, 0 if scale == "unit" else 1)
    if lang == "vi":
        word = {"unit": "", "million": " triệu", "billion": " tỷ"}[scale]
        return f"{number}{word} {currency}"
    word = {"unit": "", "million": " million", "billion": " billion"}[scale]
    return f"{currency} {number}{word}"


def fmt_date(value: dt.date | str | None, lang: str) -> str:
    """A date in the locale's medium form."""
    if value is None:
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return format_date(value, format="medium", locale=_locale(lang))
