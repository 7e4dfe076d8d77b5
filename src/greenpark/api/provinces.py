"""Provinces: which parks an authority reaches, and the key a province is matched and linked by.

A park names its province in ``park.province`` (``park.toml`` / the workbook's park sheet), as people write it:
"Dong Nai", "Đồng Nai" or "dong nai". :func:`province_key` reduces a name to one form (no tone marks, đ as d,
lower case, words joined by ``-``: ``dong-nai``), so an authority bound to "Đồng Nai" reaches the parks of
"Dong Nai", and the key is the province's address in URLs (``/provinces/dong-nai``).
"""

from __future__ import annotations

import re
import unicodedata

_WORDS = re.compile(r"[a-z0-9]+")


def province_key(name: str | None) -> str:
    """The matching key of a province name: ASCII lower case words joined by ``-`` ("" for no name).

    >>> province_key("Đồng Nai")
    'dong-nai'
    >>> province_key("  Bà Rịa – Vũng Tàu ")
    'ba-ria-vung-tau'
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    ascii_text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return "-".join(_WORDS.findall(ascii_text))
