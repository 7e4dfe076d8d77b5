"""The ``store`` fixture: one fresh store per test, for every backend in ``backends.BACKENDS``.

A backend is made by ``make_store(backend, tmp_path)``; a PostgreSQL backend opens
``GREENPARK_TEST_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``) and is marked
``postgres``; when the server does not answer, the test skips (fails under ``GREENPARK_REQUIRE_SERVICES=1``).
Backends that need cleanup between tests do it in their own factory here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import BACKENDS

import testkit
from greenpark.store import Store, open_store


def make_store(backend: str, tmp_path: Path) -> Store:
    """A fresh, empty store of ``backend``."""
    if backend == "duckdb":
        return open_store(f"duckdb://{tmp_path / 'test.duckdb'}")
    if backend == "postgres":
        # a schema of its own per test (dropped by the fixture), so tests never see each other's rows
        import uuid

        testkit.need(testkit.pg_reason())
        url = testkit.PG_URL
        return open_store(f"{url}{'&' if '?' in url else '?'}schema=gptest_{uuid.uuid4().hex[:12]}")
    raise ValueError(f"unknown backend {backend!r}")


@pytest.fixture(params=[pytest.param(b, marks=[pytest.mark.postgres] if b == "postgres" else []) for b in BACKENDS])
def store(request, tmp_path) -> Iterator[Store]:
    """A fresh store of each backend."""
    s = make_store(request.param, tmp_path)
    try:
        yield s
    finally:
        if hasattr(s, "drop_schema"):  # PostgreSQL: drop the test's own schema
            s.drop_schema()
        s.close()
