"""Group commit (ingest.commit): batches waiting together share one transaction; a refused one fails alone."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from greenpark.errors import StoreError
from greenpark.ingest.commit import GroupCommit
from greenpark.store.base import IngestBatch


def _batch(meter: str, value: float) -> IngestBatch:
    return IngestBatch(
        readings=pd.DataFrame({"meter_id": [meter], "ts": [pd.Timestamp("2024-03-01", tz="UTC")], "value": [value]})
    )


class SlowStore:
    """Records each transaction's readings; the first transaction takes 0.2 s so that others queue behind it."""

    def __init__(self, refuse: str | None = None) -> None:
        self.transactions: list[list[str]] = []
        self.refuse = refuse
        self.lock = threading.Lock()

    def write_batch(self, park_id: str, batch: IngestBatch, also: object = None) -> None:
        meters = batch.readings["meter_id"].tolist() if batch.readings is not None else []
        if self.refuse in meters:
            raise StoreError(f"cannot write {self.refuse}")
        with self.lock:
            first = not self.transactions
            self.transactions.append(meters)
        if first:
            time.sleep(0.2)


def _post_together(commit: GroupCommit, meters: list[str]) -> dict[str, BaseException | None]:
    """The first meter's batch is posted first; the others while it is being written."""
    outcome: dict[str, BaseException | None] = {}

    def post(meter: str) -> None:
        try:
            commit.write("p", _batch(meter, 1.0))
            outcome[meter] = None
        except StoreError as exc:
            outcome[meter] = exc

    first = threading.Thread(target=post, args=(meters[0],))
    first.start()
    time.sleep(0.05)  # the first one is inside its transaction now
    others = [threading.Thread(target=post, args=(m,)) for m in meters[1:]]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join()
    return outcome


def test_waiting_batches_share_one_transaction() -> None:
    store = SlowStore()
    outcome = _post_together(GroupCommit(store), ["a", "b", "c", "d"])  # type: ignore[arg-type]
    assert outcome == {"a": None, "b": None, "c": None, "d": None}
    # a alone; b, c, d arrived while a was written: one transaction for the three
    assert store.transactions[0] == ["a"]
    assert len(store.transactions) == 2 and sorted(store.transactions[1]) == ["b", "c", "d"]


def test_a_refused_batch_fails_only_its_caller() -> None:
    store = SlowStore(refuse="c")
    outcome = _post_together(GroupCommit(store), ["a", "b", "c", "d"])  # type: ignore[arg-type]
    assert outcome["a"] is None and outcome["b"] is None and outcome["d"] is None
    assert isinstance(outcome["c"], StoreError)
    written = [m for t in store.transactions for m in t]
    assert sorted(written) == ["a", "b", "d"]  # the shared transaction failed (nothing of it stored), then each alone


def test_a_lone_batch_error_reaches_its_caller() -> None:
    with pytest.raises(StoreError, match="cannot write x"):
        GroupCommit(SlowStore(refuse="x")).write("p", _batch("x", 1.0))  # type: ignore[arg-type]
