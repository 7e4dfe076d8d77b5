"""Dashboard UI strings (``locales/{en,vi}.json``) and the language of a request."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import Request

LANGS = ("en", "vi")
LANG_COOKIE = "greenpark_lang"
_DIR = Path(__file__).parent / "locales"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The UI strings of one language."""
    return json.loads((_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def request_lang(request: Request) -> tuple[str, bool]:
    """The language asked by ``?lang=`` (then remembered in a cookie), else the cookie, else English.

    Returns the language and whether the cookie should be (re)set.
    """
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked, True
    cookie = request.cookies.get(LANG_COOKIE)
    return (cookie if cookie in LANGS else "en"), False


def translator(lang: str):
    """``t(key, **kw)``: the string of ``key`` in ``lang`` (English, then the key, when missing)."""
    strings = catalogue(lang)
    fallback = catalogue("en")

    def t(key: str, **kw: object) -> str:
        text = strings.get(key) or fallback.get(key) or key
        return text.format(**kw) if kw else text

    return t
