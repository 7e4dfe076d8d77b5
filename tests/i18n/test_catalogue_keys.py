"""Each catalogue holds a key once: JSON lets a later duplicate silently win, which hid two texts for one key
when two engineers added the same note template (2026-12-06)."""

from __future__ import annotations

import json

import pytest

from greenpark.i18n.messages import LOCALE_DIR


@pytest.mark.parametrize("path", sorted(LOCALE_DIR.glob("*.json")), ids=lambda p: p.name)
def test_no_key_twice(path):
    pairs = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=list)
    keys = [k for k, _ in pairs]
    assert sorted({k for k in keys if keys.count(k) > 1}) == []
