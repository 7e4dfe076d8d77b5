"""Why a row was rejected: a stable reason code with its parameters, and the English text of it.

The validation writes each reject's reason through :func:`reason_text` (``reason_text("negative_interval")``,
``reason_text("out_of_range", field="kwh", lo="0", hi="1e+06", unit=" kWh")``): the English text goes to logs, the
``--export`` CSV and the quarantine's ``reason`` column, which keeps its English text (rows stored before the codes
existed read the same way). :func:`reason_code` reads the code and parameters back from that text against the same
templates, so every reader (the dashboard's quality page, ``greenpark check`` and ``quarantine``) shows the reason in
its language: the catalogue key ``reason.<code>`` of ``greenpark.i18n`` with the same ``{fields}`` (a test checks
that the English catalogue says exactly what :data:`REASONS` says). A text no template matches reads back as code
``other`` with the text itself as parameter: shown as it was written.
"""

from __future__ import annotations

import re
from functools import cache

#: reason code -> the English text, ``{field}`` placeholders filled by the validation
REASONS: dict[str, str] = {
    "no_column": "file has no column '{column}' (required; columns: {columns}){hint}",
    "required": "{field} is required: {description}",
    "not_a_number": "{field} is not a number (use a decimal point, no thousands separator)",
    "not_whole": "{field} must be a whole number",
    "out_of_range": "{field} out of range [{lo}, {hi}]{unit}",
    "not_bool": "{field} must be true or false",
    "not_date": "{field} is not an ISO date (YYYY-MM-DD)",
    "not_month": "{field} must be a month written YYYY-MM",
    "not_timestamp": "{field} does not parse as ISO 8601 (e.g. 2024-03-01T08:15:00 or ...+07:00)",
    "not_a_choice": "{field} must be one of: {choices}",
    "unknown_meter": "unknown meter id: not a meter of this park (ask the park operator)",
    "not_finite": "value is not a finite number (use a decimal point)",
    "negative_interval": "negative interval consumption",
    "negative_register": "negative register value",
    "duplicate_values": (
        "duplicate (meter, timestamp) with different values ({values} on lines {lines}); none kept: fix the source "
        "and re-import"
    ),
    "duplicate_identical": "identical duplicate of line {line} (kept once)",
    "duplicate_key": "duplicate {what}; first given on line {line}",
    "unknown_reference": "unknown {column}: not in {target} (known: {known})",
    "unknown_meter_id": "unknown meter id: not in {target} (known: {known})",  # io.readings' SQL writes it
    "unknown_unit": "unknown unit '{unit}'; known units: {units}",  # greenpark.units.parse_unit's UnknownUnitError
    "fuel_unit": "fuel unit must be a volume, mass or energy unit (l, kg, t, m3, GJ, kWh)",
    "waste_unit": "waste unit must be kg, t, or m3 (with density_t_per_m3)",
}
OTHER = "other"


def reason_text(code: str, **params: object) -> str:
    """The English text of reason ``code`` with ``params`` filled in (a KeyError names an unknown code)."""
    return REASONS[code].format(**params)


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """The templates as regular expressions, the most literal text first (so a specific one wins)."""
    out = []
    for code, text in REASONS.items():
        parts = re.split(r"\{(\w+)\}", text)
        pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts))
        out.append((sum(len(p) for p in parts[::2]), code, re.compile(pattern, re.DOTALL)))
    out.sort(key=lambda x: -x[0])
    return [(code, rx) for _, code, rx in out]


def reason_code(text: object) -> tuple[str, dict[str, str]]:
    """The code and parameters of a reject's English reason (``("other", {"text": text})`` when none matches).

    >>> reason_code("kwh out of range [0, 1e+06] kWh")
    ('out_of_range', {'field': 'kwh', 'lo': '0', 'hi': '1e+06', 'unit': ' kWh'})
    """
    s = "" if text is None else str(text)
    for code, rx in _patterns():
        m = rx.fullmatch(s)
        if m is not None:
            return code, m.groupdict()
    return OTHER, {"text": s}
