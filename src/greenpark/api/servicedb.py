"""The service's own tables (users, tokens, alerts) on the store's database.

Those tables are created by the store's migrations (``store/migrations``, files named
``*_service_*``), so a DuckDB file or a PostgreSQL schema holds the park and its users
together. This module runs small parameterised statements on them; SQL is written once
with ``?`` placeholders and is portable between DuckDB and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import duckdb

from greenpark.errors import StoreError
from greenpark.store.base import Store


class ServiceDb:
    """A serialised connection for short statements on the service tables.

    Parameters
    ----------
    con : a DB-API connection in autocommit mode (DuckDB cursor or psycopg connection).
    paramstyle : ``"qmark"`` (DuckDB) or ``"format"`` (psycopg: ``?`` becomes ``%s``).
    """

    def __init__(self, con: Any, paramstyle: str) -> None:
        self._con = con
        self._format = paramstyle == "format"
        self._lock = threading.Lock()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._format else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return the row count when the driver knows it (else -1)."""
        with self._lock:
            cur = self._con.execute(self._sql(sql), tuple(params))
            return getattr(cur, "rowcount", -1)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a query; rows as dicts keyed by column name."""
        with self._lock:
            cur = self._con.execute(self._sql(sql), tuple(params))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        """The first row of a query, or None."""
        found = self.rows(sql, params)
        return found[0] if found else None

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._con.close()


def service_db_for(store: Store) -> ServiceDb:
    """A :class:`ServiceDb` on the same database as ``store`` (its own connection)."""
    opener = getattr(store, "service_connection", None)
    if opener is not None:
        con, style = opener()
        return ServiceDb(con, style)
    con = getattr(store, "con", None)
    if isinstance(con, duckdb.DuckDBPyConnection):
        return ServiceDb(con.cursor(), "qmark")
    raise StoreError(
        f"store {type(store).__name__} offers no connection for the service tables; "
        "use duckdb:///path or postgresql://... as GREENPARK_STORE_URL"
    )
