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
GAP_COLUMNS = [
    "meter_id",
    "tenant_id",
    "kind",
    "step_s",
    "expected",
    "received",
    "missing",
    "missing_share",
    "gap_start",
    "gap_end",
    "gap_hours",
]


def gaps_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """The typed :meth:`Store.meter_gaps` frame from a backend's raw rows (gap bounds ``gap_a``/``gap_b`` in epoch s).

    Backends share this last step so both answer with the same dtypes: counts as nullable integers,
    missing values as None, gap bounds as tz-aware UTC timestamps.
    """
    out = pd.DataFrame({c: raw[c] for c in ("meter_id", "tenant_id", "kind")}).astype(object)
    out["tenant_id"] = out["tenant_id"].where(out["tenant_id"].notna(), None)
    out["step_s"] = pd.to_numeric(raw["step_s"], errors="coerce").astype(float)
    for c in ("expected", "received", "missing"):
        out[c] = pd.to_numeric(raw[c], errors="coerce").astype("Int64")
    out["missing_share"] = pd.to_numeric(raw["missing_share"], errors="coerce").astype(float)
    for c, src in (("gap_start", "gap_a"), ("gap_end", "gap_b")):
        out[c] = pd.to_datetime(pd.to_numeric(raw[src], errors="coerce"), unit="s", utc=True).dt.round("s")
    out["gap_hours"] = (out["gap_end"] - out["gap_start"]) / pd.Timedelta(hours=1)
    return out[GAP_COLUMNS].reset_index(drop=True)


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
    def readings(self, park_id: str, meter_ids: list[str] | None, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Raw interval readings in [start, end): columns meter_id, ts (UTC), value."""

    @abstractmethod
    def consumption(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        grain: Grain = "month",
        by: Literal["meter", "tenant"] = "tenant",
        tenant_id: str | None = None,
    ) -> pd.DataFrame:
        """Sum of interval values per period, cut in the park's local time, in the database.

        Columns: ``tenant_id`` (None = park common) or ``meter_id``, ``kind``,
        ``period_start`` (tz-aware, park zone), ``value`` (kWh or m3), ``n_values``.
        ``tenant_id`` keeps only that tenant's meters (filtered in the query, so one tenant's
        hourly profile does not read the whole park's).
        """

    @abstractmethod
    def meter_gaps(self, park_id: str, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Expected vs received intervals of every meter of the park in [start, end), and its longest gap.

        One query, in the database. A meter's step is the most frequent spacing of its readings in the
        period (ties: the shorter); a gap is a spacing longer than one step, plus the stretches from
        ``start`` to the first reading and from the last reading's interval end to ``end``.

        Columns, worst first (share missing, then longest gap): ``meter_id``, ``tenant_id`` (None = park
        common), ``kind``, ``step_s`` (seconds; None below two readings), ``expected`` (whole steps in the
        period; None when the step is unknown), ``received``, ``missing`` (expected - received, at least 0),
        ``missing_share`` (missing / expected; 1.0 for a meter without readings; None, sorted last, for a
        single reading), ``gap_start``, ``gap_end``
        (UTC; None without a gap), ``gap_hours``.
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

    # data quality (issue 14) -----------------------------------------------------
    @abstractmethod
    def coverage(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        by: Literal["meter", "tenant"] = "meter",
        grain: Literal["month", "year"] = "month",
    ) -> pd.DataFrame:
        """Expected and valid intervals per meter (or tenant) and local period in [start, end), in SQL.

        Columns: ``meter_id`` (by="meter") or ``tenant_id`` (by="tenant"; None = park common), ``kind``,
        ``period_start`` (tz-aware, the park's local period start), ``expected_intervals`` (int: whole
        steps in the period clipped to [start, end)), ``valid_intervals`` (int: stored readings; held-out
        values are not stored), ``coverage`` (valid / expected, 0..1), ``longest_gap_h`` (hours without
        a reading). A meter's step is ``interval_min`` from meters.csv, else its most common spacing in
        [start, end), else ``vee.coverage default_interval_min`` (reference ``quality/vee_rules``). A tenant:
        its meters of that kind, sum(valid) / sum(expected), longest gap = max over its meters. Every
        meter appears in every period (valid 0 where it has no readings).
        """

    @abstractmethod
    def data_span(self, park_id: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """(first, last) interval start of the park's readings in park local time, or None without readings."""

    @abstractmethod
    def years_with_data(self, park_id: str) -> list[int]:
        """The local calendar years in which the park has readings, ascending."""

    @abstractmethod
    def quality_counts(self, park_id: str) -> dict[str, int]:
        """``rejected`` (distinct rows in the quarantine), ``held_out`` (not accepted back), ``accepted_back``."""

    @abstractmethod
    def add_held_out(self, park_id: str, rows: pd.DataFrame) -> int:
        """Keep readings held out by a plausibility rule (columns of ``io.plausibility.HELD_OUT_COLUMNS``,
        optionally ``accepted_by``, ``accepted_at``, ``note`` for those accepted back)."""

    @abstractmethod
    def held_out(self, park_id: str, include_accepted: bool = False) -> pd.DataFrame:
        """The held-out readings (oldest first): file, line, meter_id, ts (UTC interval start), value, bound,
        unit, rule_id, reason, raw, accepted_by, accepted_at, note. Accepted ones only with ``include_accepted``."""

    @abstractmethod
    def clear_held_out(self, park_id: str) -> None:
        """Forget a park's held-out readings (a re-import lists them again); accept decisions stay."""

    @abstractmethod
    def accept_held_out(
        self, park_id: str, meter_id: str, ts: dt.datetime | None, by: str, note: str = ""
    ) -> pd.DataFrame:
        """Accept held-out readings back, in one transaction: into the readings, marked accepted (who, when)
        in the held-out list, and kept as a decision a re-import applies again.

        ``ts`` None accepts every held-out reading of the meter. Returns the rows accepted (meter_id, ts, value).
        """

    @abstractmethod
    def accepted_readings(self, park_id: str) -> pd.DataFrame:
        """The accept decisions kept for a park: meter_id, ts (UTC), note, accepted_by, accepted_at."""

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
