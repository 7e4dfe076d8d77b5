"""Translations of what users read: one JSON catalogue per language, English keys.

``locales/en.json`` and ``locales/vi.json`` map message keys to text. A key
missing in a language is an error (a test checks both catalogues have the same
keys and that no Vietnamese text is left equal to its English source, except the
few listed in ``SAME_IN_BOTH``: units, acronyms and names).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from greenpark.errors import InputError

LANGS = ("en", "vi")
LOCALE_DIR = Path(__file__).parent / "locales"
SAME_IN_BOTH = frozenset(
    {
        "col.kwp",
        "col.kwh",
        "unit.tco2e",
        "unit.kwh",
        "unit.mwh",
        "unit.kwp",
        "abbr.ghg",
        "abbr.wwtp",
        "abbr.toe",
        "abbr.npv",
        "abbr.irr",
        "abbr.lcoe",
        "abbr.cod",
        "abbr.tss",
    }
)


@lru_cache(maxsize=4)
def catalogue(lang: str) -> dict[str, str]:
    """The message catalogue of ``lang`` ('en' or 'vi')."""
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return json.loads((LOCALE_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def translator(lang: str) -> Callable[..., str]:
    """A function ``t(key, **fields)`` returning the text of ``key`` in ``lang``, formatted with ``fields``."""
    messages = catalogue(lang)

    def t(key: str, **fields: object) -> str:
        try:
            text = messages[key]
        except KeyError:
            raise InputError(f"message {key!r} missing from locales/{lang}.json; add it to both catalogues") from None
        return text.format(**fields) if fields else text

    return t
