"""The one number, money and date formatter (Babel's CLDR data) for what people read.

Vietnamese groups thousands with ``.`` and marks decimals with ``,`` (1.234.567,8), English the reverse; the
report, the dashboard (its server-rendered figures, and the separators its script uses for live figures), the
CLI and the symbiosis explanations all format through here. The CLDR locale of a language is its catalogue's
``locale.babel`` key, so a new language file brings its own number format. Halves round up (away from zero,
1,234.5 -> 1,235), as a spreadsheet does, not to even (Python's and Babel's default).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import get_month_names
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from greenpark.i18n.messages import catalogue

MISSING = "–"
_SCALES = {"unit": 1.0, "million": 1e6, "billion": 1e9}


def babel_locale(lang: str) -> str:
    """The CLDR locale of ``lang`` (its catalogue's ``locale.babel``, e.g. ``vi_VN``)."""
    return catalogue(lang)["locale.babel"]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def format_number(value: Any, lang: str, decimals: int = 0) -> str:
    """A number with grouped thousands and exactly ``decimals`` decimals, or '–' when missing."""
    if _missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _decimal(float(value), pattern, lang)


def _decimal(value: float, pattern: str, lang: str, rounding: str = decimal.ROUND_HALF_UP) -> str:
    with decimal.localcontext() as ctx:
        ctx.rounding = rounding
        return format_decimal(value, format=pattern, locale=babel_locale(lang))


def format_sig(value: Any, lang: str) -> str:
    """A number with sensible decimals for its size (3 significant figures below 100)."""
    if _missing(value):
        return MISSING
    v = abs(float(value))
    decimals = 0 if v >= 100 else 1 if v >= 10 else 2 if v >= 1 else 3
    return format_number(value, lang, decimals)


def format_percent(fraction: Any, lang: str, decimals: int = 1, floor: bool = False) -> str:
    """A fraction (0.123) as a percentage in the locale's percent pattern ('12,3%' in Vietnamese).

    ``floor``: round down instead of half up, for a rate that must not read better than it is (a compliance
    rate of 0.99997 with an exceedance is 99.99 %, never 100.00 %).
    """
    if _missing(fraction):
        return MISSING
    pattern = Locale.parse(babel_locale(lang)).percent_formats[None].pattern
    if decimals > 0:
        pattern = pattern.replace("0%", "0." + "0" * decimals + "%", 1)
    return _decimal(float(fraction), pattern, lang, decimal.ROUND_FLOOR if floor else decimal.ROUND_HALF_UP)


def format_money(value: Any, lang: str, currency: str = "VND", scale: str = "million") -> str:
    """Money in units, millions or billions, worded by the catalogue ('2.500,0 triệu VND', 'VND 2,500.0 million')."""
    if _missing(value):
        return MISSING
    number = format_number(float(value) / _SCALES[scale], lang, 0 if scale == "unit" else 1)
    return catalogue(lang)[f"money.{scale}"].format(number=number, currency=currency)


def format_date(value: dt.date | str | None, lang: str) -> str:
    """A date as the language's readers write it: the CLDR form named by the catalogue's ``locale.date_format``
    (``medium``: 5 Mar 2024, 5 thg 3, 2024; ``long`` in Japanese: 2024年3月5日)."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return _babel_date(value, format=catalogue(lang).get("locale.date_format", "medium"), locale=babel_locale(lang))


def format_datetime(value: dt.datetime | str | None, lang: str, tz: str) -> str:
    """A moment in the park's local time ``tz`` (e.g. ``Asia/Ho_Chi_Minh``), as the language writes dates, with
    the 24-hour time: '12 Mar 2024 14:00', '12 thg 3, 2024 14:00', '2024年3月12日 14:00'. A naive value is UTC."""
    if value is None or value == "":
        return MISSING
    ts = dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.UTC)
    local = ts.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date(), lang)} {local:%H:%M}"


def format_clock(value: dt.datetime | str | None, lang: str, tz: str) -> str:
    """The 24-hour time of a moment in the park's local time ``tz`` ('14:00'; a naive value is UTC), for the end of
    a period that starts the same day."""
    if value is None or value == "":
        return MISSING
    ts = dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.UTC)
    return f"{ts.astimezone(ZoneInfo(tz)):%H:%M}"


def month_names(lang: str) -> list[str]:
    """The locale's abbreviated month names, January first ('Jan', 'thg 1', '1月')."""
    names = get_month_names("abbreviated", locale=babel_locale(lang))
    return [names[m] for m in range(1, 13)]


def separators(lang: str) -> tuple[str, str]:
    """The locale's (decimal, group) symbols, e.g. (',', '.') in Vietnamese: the dashboard's script formats live
    figures with them, so the browser and the server write numbers the same way."""
    loc = babel_locale(lang)
    return get_decimal_symbol(loc), get_group_symbol(loc)
