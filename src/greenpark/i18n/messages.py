"""Message catalogues and the one fallback policy.

One JSON file per language in ``locales/`` (``en.json``, ``vi.json``, ``ja.json``; another file adds another
language): a flat map of dotted message keys to text with ``{field}`` placeholders, plus three keys about the
language itself, ``locale.babel`` (the CLDR locale numbers and dates are formatted with, e.g. ``vi_VN``),
``locale.name`` (the language's own name, for a language switch) and ``locale.date_format`` (the CLDR date
length its readers write dates in: ``medium`` gives 5 Mar 2024 / 5 thg 3, 2024, ``long`` gives 2024年3月5日).
English is the source language: every other catalogue has exactly its keys (a test checks).

Fallback policy (the same for the report, the dashboard and the CLI): a key missing from a language is shown
in English and logged once; a key missing from English too is shown as the key. In strict mode a missing key
is an error (:class:`MissingMessageError`) instead: the tests switch it on (``GREENPARK_I18N_STRICT=1`` in
``tests/conftest.py``) so a missing key fails the test that renders it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from greenpark.errors import InputError, MissingMessageError

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).parent / "locales"
SOURCE_LANG = "en"
STRICT_ENV = "GREENPARK_I18N_STRICT"
LANG_COOKIE = "greenpark_lang"
META_KEYS = ("locale.babel", "locale.name", "locale.date_format")

_strict: bool | None = None  # None: follow the environment variable
_warned: set[tuple[str, str]] = set()


def languages() -> tuple[str, ...]:
    """The languages with a catalogue (``locales/*.json``), English first."""
    found = sorted(p.stem for p in LOCALE_DIR.glob("*.json"))
    return (SOURCE_LANG, *[x for x in found if x != SOURCE_LANG])


LANGS = languages()


def set_strict(on: bool | None) -> None:
    """Switch strict mode on or off for this process (None: follow ``GREENPARK_I18N_STRICT``)."""
    global _strict
    _strict = on


def is_strict() -> bool:
    """Whether a missing message key is an error (see the module docstring)."""
    if _strict is not None:
        return _strict
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def check_lang(lang: str) -> str:
    """``lang`` if it has a catalogue, else an :class:`InputError` naming the languages there are."""
    if lang not in LANGS:
        raise InputError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)} (or add locales/{lang}.json)")
    return lang


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The message catalogue of ``lang``."""
    return json.loads((LOCALE_DIR / f"{check_lang(lang)}.json").read_text(encoding="utf-8"))


def message(lang: str, key: str) -> str:
    """The text of ``key`` in ``lang`` under the fallback policy (no fields filled in)."""
    text = catalogue(lang).get(key)
    if text is not None:
        return text
    if is_strict():
        raise MissingMessageError(
            f"message {key!r} missing from locales/{lang}.json; add it to every catalogue in {LOCALE_DIR}"
        )
    if (lang, key) not in _warned:
        _warned.add((lang, key))
        log.warning("message %r missing from locales/%s.json: shown in English", key, lang)
    return catalogue(SOURCE_LANG).get(key, key)


def translator(lang: str) -> Callable[..., str]:
    """A function ``t(key, **fields)``: the text of ``key`` in ``lang`` with ``fields`` filled in."""
    check_lang(lang)

    def t(key: str, **fields: object) -> str:
        text = message(lang, key)
        return text.format(**fields) if fields else text

    return t


class _Request(Protocol):
    @property
    def query_params(self) -> Any: ...

    @property
    def cookies(self) -> Any: ...


def request_lang(request: _Request) -> tuple[str, bool]:
    """The language asked by ``?lang=`` (then remembered in a cookie), else the cookie, else English.

    Returns the language and whether the cookie should be (re)set.
    """
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked, True
    cookie = request.cookies.get(LANG_COOKIE)
    return (cookie if cookie in LANGS else SOURCE_LANG), False
