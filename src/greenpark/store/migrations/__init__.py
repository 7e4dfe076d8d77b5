"""Schema migrations shared by every store backend.

Files ``NNN_name.sql`` run on every backend, in order of ``NNN``; a file
``NNN_name.<backend>.sql`` (e.g. ``001_init.postgres.sql``) runs only on that backend,
right after the shared file of the same number. Statements are separated by ``;`` at
the end of a line. The applied version is kept in table ``schema_version``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIGRATIONS_DIR = Path(__file__).parent
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)(?:\.([a-z]+))?\.sql$")


@dataclass(frozen=True)
class Migration:
    """One schema version: its number, name and SQL statements for a backend."""

    version: int
    name: str
    statements: tuple[str, ...]


def split_statements(sql: str) -> list[str]:
    """Split a migration file into statements (``;`` at a line end; ``--`` comments dropped)."""
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    parts = re.split(r";\s*$", "\n".join(lines), flags=re.MULTILINE)
    return [p.strip() for p in parts if p.strip()]


def migrations(backend: str) -> list[Migration]:
    """The migrations for ``backend`` (``"duckdb"`` or ``"postgres"``), oldest first."""
    found: dict[int, dict[str, Any]] = {}
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            continue
        version, name, only = int(m.group(1)), m.group(2), m.group(3)
        if only is not None and only != backend:
            continue
        entry = found.setdefault(version, {"name": name, "shared": [], "own": []})
        key = "own" if only else "shared"
        entry[key].extend(split_statements(path.read_text(encoding="utf-8")))
    return [Migration(v, str(e["name"]), tuple(e["shared"]) + tuple(e["own"])) for v, e in sorted(found.items())]


def latest_version(backend: str) -> int:
    """The schema version a fully migrated store of ``backend`` has."""
    ms = migrations(backend)
    return ms[-1].version if ms else 0
