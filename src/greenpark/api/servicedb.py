"""The service's own tables (users, tokens, alerts) on the store's database.

Those tables are created by the store's migrations (``store/migrations``, files named
``*_service_*``), so a DuckDB file or a PostgreSQL schema holds the park and its users
together. This module runs small parameterised statements on them through the store
(:meth:`greenpark.store.base.Store.run_sql`: a pooled, retried connection on PostgreSQL; this
thread's cursor on DuckDB, writes under its single-writer lock); SQL is written once with
``?`` placeholders and is portable between DuckDB and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from greenpark.store.base import Store

_READS = ("SELECT", "WITH")


class ServiceDb:
    """Short statements on the service tables, each in its own transaction on the store's connections.

    Parameters
    ----------
    store : the open store whose database holds the service tables.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; return the row count when the driver knows it (else -1)."""
        return self.store.run_sql(lambda s: s.execute(sql, params), write=True)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a query; rows as dicts keyed by column name."""
        write = not sql.lstrip()[:6].upper().startswith(_READS)
        return self.store.run_sql(lambda s: s.rows(sql, params), write=write)

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        """The first row of a query, or None."""
        found = self.rows(sql, params)
        return found[0] if found else None

    def close(self) -> None:
        """Nothing to release: the connections are the store's (closed with it)."""


def service_db_for(store: Store) -> ServiceDb:
    """A :class:`ServiceDb` on the same database as ``store``."""
    return ServiceDb(store)
