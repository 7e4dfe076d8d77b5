"""The store: one interface (:class:`Store`), backends for DuckDB (embedded, default) and PostgreSQL.

Open one with :func:`open_store`; the URL chooses the backend:
``duckdb:///path/to/file.duckdb`` (absolute path; ``duckdb://relative/file.duckdb`` or a bare
path also work; ``duckdb:///:memory:`` for a throw-away store) or ``postgresql://user@host/db``.
"""

from __future__ import annotations

from pathlib import Path

from greenpark.errors import StoreError
from greenpark.store.base import Grain, Store, StoreOptions
from greenpark.store.duckdb import DuckDBStore

DEFAULT_STORE = Path(".greenpark") / "store.duckdb"


def duckdb_path(url: str) -> str:
    """The file path of a ``duckdb://`` URL (or of a bare path)."""
    if url.startswith("duckdb:///"):
        rest = url[len("duckdb:///") :]
        return rest if rest == ":memory:" else "/" + rest
    if url.startswith("duckdb://"):
        return url[len("duckdb://") :]
    return url


def store_exists(url: str | None) -> bool:
    """Whether the store at ``url`` exists already (always True for a server URL)."""
    url = url or f"duckdb://{DEFAULT_STORE}"
    if url.startswith(("postgresql://", "postgres://")):
        return True
    path = duckdb_path(url)
    return path == ":memory:" or Path(path).exists()


def open_store(url: str | None = None, options: StoreOptions | None = None) -> Store:
    """Open (and migrate) the store at ``url``.

    Parameters
    ----------
    url : str, optional
        ``duckdb:///abs/path.duckdb``, ``duckdb://rel/path.duckdb``, a bare path ending
        ``.duckdb``, or ``postgresql://...``. Default: ``./.greenpark/store.duckdb``.
        (Reading ``GREENPARK_STORE`` is the CLI's job, not this function's.)
    options : StoreOptions, optional
        Pool size, timeouts and retries of a PostgreSQL store (the service passes its settings'); the
        embedded store has none of these.

    Raises
    ------
    StoreError
        Unknown scheme, or the database cannot be opened.
    """
    url = url or f"duckdb://{DEFAULT_STORE}"
    if url.startswith(("postgresql://", "postgres://")):
        # imported here on purpose: a DuckDB user does not pay for loading psycopg
        from greenpark.store.postgres import PostgresStore

        return PostgresStore(url, options)
    if url.startswith("duckdb://") or url.endswith((".duckdb", ".db")) or "://" not in url:
        return DuckDBStore(duckdb_path(url))
    raise StoreError(f"unknown store URL {url!r}; use duckdb:///path/file.duckdb or postgresql://user@host/db")


__all__ = ["DEFAULT_STORE", "Grain", "Store", "StoreOptions", "open_store", "store_exists"]
