"""Group commit: small batches of one park that arrive together are written in one transaction.

Every write transaction has a fixed cost whatever its size (on the DuckDB store about 13 ms for one reading on this
machine: the upsert's join over the readings table and the commit; issue 16), and the store takes one writer at a
time, so eight devices posting one reading each used to queue for eight transactions. Here the first batch of a
park to arrive writes; the batches that arrive while it writes wait, and the first of them then writes all of them
in one transaction (readings, rejects and held-out values concatenated in arrival order: the store's upsert keeps
the last value of a key, as separate transactions in that order would). Each caller returns only once the
transaction holding its batch has committed, so an acknowledged batch is as durable as before. If the shared
transaction fails, each batch of the group is written alone, so one batch the store refuses fails only its own
caller.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pandas as pd

from greenpark.errors import StoreError
from greenpark.store.base import IngestBatch, Store

_PARTS = ("readings", "rejects", "held_out", "wastewater")


@dataclass
class _Pending:
    batch: IngestBatch
    done: bool = False
    written: bool = False
    error: BaseException | None = None


class GroupCommit:
    """Writes batches of a park, those waiting at the same time together (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cond = threading.Condition()
        self._waiting: dict[str, list[_Pending]] = {}
        self._writing: set[str] = set()

    def write(self, park_id: str, batch: IngestBatch) -> None:
        """Write ``batch`` durably (alone or with others waiting); returns once it is committed.

        Raises
        ------
        StoreError : the store could not write it (nothing of this batch is written then).
        """
        me = _Pending(batch)
        with self._cond:
            self._waiting.setdefault(park_id, []).append(me)
            while park_id in self._writing and not me.done:
                self._cond.wait()
            if not me.done:  # this thread writes every batch waiting now
                group = self._waiting.pop(park_id)
                self._writing.add(park_id)
        if not me.done:
            try:
                self._write_group(park_id, group)
            finally:
                with self._cond:
                    self._writing.discard(park_id)
                    for p in group:
                        p.done = True
                        if not p.written and p.error is None:  # the writer was interrupted: never acknowledge
                            p.error = StoreError(f"the batch of park {park_id!r} was not written; send it again")
                    self._cond.notify_all()
        if me.error is not None:
            raise me.error

    def _write_group(self, park_id: str, group: list[_Pending]) -> None:
        if len(group) > 1:
            try:
                self.store.write_batch(park_id, _together([p.batch for p in group]))
                for p in group:
                    p.written = True
                return
            except Exception:  # one batch the store refuses must not fail the others: each alone
                pass
        for p in group:
            try:
                self.store.write_batch(park_id, p.batch)
                p.written = True
            except BaseException as exc:
                p.error = exc


def _together(batches: list[IngestBatch]) -> IngestBatch:
    """One batch of the parts of ``batches``, in their order (empty parts left out)."""
    parts: dict[str, pd.DataFrame | None] = {}
    for name in _PARTS:
        frames = [f for b in batches if (f := getattr(b, name)) is not None and len(f)]
        parts[name] = None if not frames else frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return IngestBatch(**parts)
