"""Codes and engine sentences in the reader's language.

Engines speak in codes (``co_processing``, ``ammonium_n``, ``heat_pump_water_heating``, ``water.exceedance``) and
in English sentences built from their numbers (notes, Decree 06 reasons, alert messages). Both reach readers
through here:

- :func:`label` names a code: the catalogue key ``<kind>.<code>`` (``route.co_processing``,
  ``param.ammonium_n``, ``measure.heat_pump_water_heating``, ``sector.electronics``, ``rule.water.exceedance``).
- :func:`phrase` rewrites an engine sentence. The English catalogue's ``note.*`` entries are the engines' own
  sentence templates (``"{param} beyond {n_limit} {unit} for {n_hours} h (peak {n_peak})"``): a sentence is
  matched against them, its fields are read back, and the reader's template is filled with the fields made
  readable by their names:

  ==================================  =============================================================
  field name                          becomes
  ==================================  =============================================================
  ``n``, ``n_*``                      the number again, in the reader's format (same decimals)
  a label kind (``param``, ``route``  ``label(kind, value)``; a trailing digit is allowed
  ``measure`` ...), ``param2``
  ``*_text``                          a sentence again (:func:`phrase`, recursively)
  ``*_date``                          a date (ISO in the English text) as the reader writes dates
  anything else                       as written (ids, names, standards, years)
  ==================================  =============================================================

A code without a label, or a sentence that no template matches, is an error in strict mode
(``GREENPARK_I18N_STRICT=1``, the tests) naming the key to add; outside it the code or sentence is shown as the
engine wrote it and a warning is logged once.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from greenpark.errors import MissingMessageError
from greenpark.i18n.messages import LOCALE_DIR, SOURCE_LANG, catalogue, is_strict, message
from greenpark.i18n.numbers import format_date, format_number, format_sig

log = logging.getLogger(__name__)

NOTE_PREFIX = "note."
# kinds of code that have labels: the catalogue key is "<kind>.<code>"
LABEL_KINDS = (
    "route", "material", "param", "measure", "sector", "rule", "flag", "authority", "kind", "metric",
    "verdict", "outlier", "day_type", "fault", "treatment", "receiving", "coverage", "site", "choice", "basis",
    "surplus_rule", "decree06", "unitname",
)  # fmt: skip
_NUMBER = r"[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[-+]?\d+)?"
_warned: set[tuple[str, str]] = set()


def _missing(lang: str, what: str, key: str) -> None:
    if is_strict():
        raise MissingMessageError(
            f"{what} missing from locales/{lang}.json; add {key!r} to every catalogue in {LOCALE_DIR}"
        )
    if (lang, key) not in _warned:
        _warned.add((lang, key))
        log.warning("%s missing from locales/%s.json: shown as the engine wrote it", what, lang)


def has_label(kind: str, code: str, lang: str = SOURCE_LANG) -> bool:
    """Whether ``code`` of ``kind`` has a label in ``lang``."""
    return f"{kind}.{code}" in catalogue(lang)


def label(kind: str, code: object, lang: str) -> str:
    """The reader's name of ``code`` (``label("route", "co_processing", "ja")`` -> セメントキルンでの混焼処理).

    An empty code stays empty; a code without a label is a strict-mode error, else shown as it is.
    """
    text = "" if code is None else str(code)
    if not text:
        return ""
    key = f"{kind}.{text}"
    if key in catalogue(lang):
        return message(lang, key)
    _missing(lang, f"label {key!r}", key)
    return message(lang, key) if key in catalogue(SOURCE_LANG) else text


def unit_label(unit: object, lang: str) -> str:
    """A unit as the reader writes it: ``tCO2e/yr`` -> tCO2e/năm, 年 (``unitname.*``); symbols (kWh, mg/l) as
    they are."""
    text = "" if unit is None else str(unit)
    return label("unitname", text, lang) if has_label("unitname", text) else text


def labels(kind: str, codes: list[str], lang: str) -> str:
    """Several codes of one kind, labelled and joined with the language's list separator."""
    return message(lang, "list.separator").join(label(kind, c, lang) for c in codes)


@cache
def _templates() -> list[tuple[str, re.Pattern[str], tuple[str, ...]]]:
    """The English ``note.*`` templates as regular expressions, most literal text first."""
    out = []
    for key, text in catalogue(SOURCE_LANG).items():
        if not key.startswith(NOTE_PREFIX):
            continue
        parts = re.split(r"\{(\w+)\}", text)
        pattern, fields = "", []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                pattern += re.escape(part)
            else:
                fields.append(part)
                pattern += f"(?P<{part}>{_NUMBER})" if _is_number(part) else f"(?P<{part}>.+?)"
        literal = sum(len(p) for p in parts[::2])
        out.append((literal, key, re.compile(pattern, re.DOTALL), tuple(fields)))
    out.sort(key=lambda x: -x[0])
    return [(key, rx, fields) for _, key, rx, fields in out]


def _is_number(field: str) -> bool:
    return field == "n" or field.startswith("n_")


def _kind_of(field: str) -> str | None:
    base = field.rstrip("0123456789")
    return base if base in LABEL_KINDS else None


def _number(text: str, lang: str) -> str:
    value = float(text.replace(",", "").replace("−", "-"))
    if "e" in text.lower():
        return format_sig(value, lang)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return format_number(value, lang, decimals)


def _field(name: str, value: str, lang: str) -> str | None:
    """A field read from an English sentence, made readable in ``lang`` (None: a sub-sentence did not match)."""
    if _is_number(name):
        return _number(value, lang)
    kind = _kind_of(name)
    if kind is not None:
        if not has_label(kind, value, SOURCE_LANG):
            return None  # not a code of this kind: let another template try
        return label(kind, value, lang)
    if name.endswith("_text"):
        return _phrase(value, lang)
    if name.endswith("_date"):
        return format_date(value, lang)
    return value


def _phrase(text: str, lang: str) -> str | None:
    for key, rx, fields in _templates():
        m = rx.fullmatch(text)
        if m is None:
            continue
        filled = {}
        for name in fields:
            v = _field(name, m.group(name), lang)
            if v is None:
                break
            filled[name] = v
        else:
            return message(lang, key).format(**filled)
    return None


def phrase(text: object, lang: str, free: bool = False) -> str:
    """An engine's English sentence (a note, a reason, an alert message) in ``lang``.

    ``free``: the text may be anything (an error message of a failed stage): shown as it is when no template
    matches, even in strict mode.
    """
    s = "" if text is None else str(text)
    if not s:
        return ""
    out = _phrase(s, lang)
    if out is not None:
        return out
    if not free:
        _missing(lang, f"no note.* template matching {s!r}", "note.<name>")
    return s


def reason_label(code: str, params: dict[str, str] | None, lang: str) -> str:
    """A rejected row's reason in ``lang``: the catalogue's ``reason.<code>`` filled with ``params`` (the code and
    parameters :func:`greenpark.io.reasons.reason_code` reads from the stored English reason); code ``other`` is a
    reason no template knows, shown as it was written (``params["text"]``)."""
    fields = params or {}
    if code == "other":
        return str(fields.get("text", ""))
    return message(lang, f"reason.{code}").format(**fields)
