"""The store interface: one protocol, two backends (DuckDB embedded, PostgreSQL server).

Engines never see the store. ``assess``, the CLI and the API open a store, ask it
for tidy tables (aggregations run inside the database) and hand those to engines.
SQL specific to one database stays in its backend module.

Tables a backend keeps (see ``store/migrations``): parks, tenants, roofs, meters,
wwtps, records (the park-folder record tables), readings (meter_id, ts UTC =
start of the interval, value in the meter's base unit: kWh or m3 per interval),
wastewater (analyser and lab values), quarantine (rejected rows with file, line,
field, value, reason and the raw row), meta (key/value: import fingerprints).

The schema is versioned: ``store/migrations/NNN_name.sql`` files, shared by every
backend (portable SQL), plus optional ``NNN_name.<backend>.sql`` for one backend
(see :mod:`greenpark.store.migrations`). Open a store with
:func:`greenpark.store.open_store`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Literal

import pandas as pd
import pyarrow as pa

from greenpark.model import ParkData

Grain = Literal["15min", "hour", "day", "month", "year"]


class Store(ABC):
    """What every backend offers. All timestamps in and out are tz-aware.

    A naive datetime argument raises :class:`~greenpark.errors.InputError`; an unknown
    park raises :class:`~greenpark.errors.ParkNotFoundError`; missing values come back
    as None (e.g. the ``tenant_id`` of a park common meter), not NaN.
    """

    @abstractmethod
    def migrate(self) -> int:
        """Bring the schema to the latest version; return that version."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    # parks and their static data -------------------------------------------------
    @abstractmethod
    def park_ids(self) -> list[str]:
        """Ids of the parks in the store."""

    @abstractmethod
    def save_park(self, data: ParkData) -> None:
        """Insert or replace a park's objects and record tables (not its readings)."""

    @abstractmethod
    def load_park(self, park_id: str) -> ParkData:
        """The park's objects and record tables. Raises ParkNotFoundError."""

    # readings ------------------------------------------------------------------
    @abstractmethod
    def write_readings(self, park_id: str, readings: pd.DataFrame) -> int:
        """Upsert interval readings (columns meter_id, ts [UTC], value) on (meter_id, ts).

        Idempotent: writing the same batch twice changes nothing. Durable on return.
        Returns the number of rows written.
        """

    @abstractmethod
    def replace_readings(self, park_id: str, batches: Iterable[pd.DataFrame | pa.RecordBatch]) -> int:
        """Replace all of a park's readings by the given batches (bulk import; streamed).

        Batches have columns meter_id, ts (UTC), value and hold no duplicate (meter_id, ts)
        (the importer has rejected them). Faster than :meth:`write_readings` because it
        skips the upsert. Atomic: on error the old readings stay. Returns rows written.
        """

    @abstractmethod
    def readings(
        self, park_id: str, meter_ids: list[str] | None, start: dt.datetime, end: dt.datetime
    ) -> pd.DataFrame:
        """Raw interval readings in [start, end): columns meter_id, ts (UTC), value."""

    @abstractmethod
    def consumption(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        grain: Grain = "month",
        by: Literal["meter", "tenant"] = "tenant",
    ) -> pd.DataFrame:
        """Sum of interval values per period, cut in the park's local time, in the database.

        Columns: ``tenant_id`` (None = park common) or ``meter_id``, ``kind``,
        ``period_start`` (tz-aware, park zone), ``value`` (kWh or m3), ``n_values``.
        """

    # quarantine ----------------------------------------------------------------
    @abstractmethod
    def add_quarantine(self, park_id: str, rejects: pd.DataFrame) -> int:
        """Keep rejected rows: columns file, line, field, value, reason, raw."""

    @abstractmethod
    def quarantine(self, park_id: str) -> pd.DataFrame:
        """The rejected rows kept for a park, oldest first."""

    @abstractmethod
    def clear_quarantine(self, park_id: str) -> None:
        """Forget a park's rejected rows (a re-import replaces them)."""

    # store-wide settings ---------------------------------------------------------
    @abstractmethod
    def get_meta(self, key: str) -> str | None:
        """A store-wide value (e.g. ``import:<path>`` -> JSON of the import's fingerprint), or None."""

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None:
        """Set a store-wide value (insert or replace)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
