"""Per-device sequence numbers: gaps older than the grace period become one alert per device, counted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from greenpark.api.servicedb import service_db_for
from greenpark.i18n.labels import label, phrase
from greenpark.ingest.alerts import AlertBook
from greenpark.ingest.sequences import SequenceBook
from greenpark.store import open_store
from testkit import tiny_park

T = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def _book(tmp_path: Path) -> tuple[SequenceBook, AlertBook]:
    store = open_store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    store.save_park(tiny_park())
    db = service_db_for(store)
    alerts = AlertBook(db)
    return SequenceBook(db, alerts, dt.timedelta(seconds=60), tenant_of=lambda p, d: "t1"), alerts


def test_a_gap_is_reported_once_its_numbers_are_older_than_the_grace(tmp_path: Path) -> None:
    book, alerts = _book(tmp_path)
    book.record("tiny", [("e1", k, T) for k in (0, 1, 2, 5, 6)])  # 3 and 4 missing
    book.record("tiny", [("e1", 8, T + dt.timedelta(seconds=50))])  # 7 missing, but 8 arrived only 50 s ago
    gaps = book.check(now=T + dt.timedelta(seconds=61))
    # ripe: 0..6 (61 s old) -> cut at 6; the hole 3-4 is reported, 7 not yet (8 is within the grace)
    assert [(g.device, g.first, g.last, g.missing) for g in gaps] == [("e1", 3, 4, 2)]
    gaps = book.check(now=T + dt.timedelta(seconds=111))  # 8 is now 61 s old: the hole between 6 and 8
    assert [(g.first, g.last, g.missing) for g in gaps] == [(7, 7, 1)]
    assert (book.counts.gaps, book.counts.missing) == (2, 3)
    page, total = alerts.page("tiny")
    assert total == 1  # one alert per device, extended by the second gap
    a = page[0]
    assert (a["rule"], a["subject"], a["tenant_id"], a["state"]) == ("mqtt.sequence_gap", "e1", "t1", "open")
    assert a["message"] == "1 message(s) from e1 never arrived (seq 7-7); readings may be missing"


def test_late_and_repeated_numbers_are_not_gaps(tmp_path: Path) -> None:
    book, alerts = _book(tmp_path)
    # another process wrote 11 before this one wrote 10: out of order within the grace is no gap
    book.record("tiny", [("e1", 9, T), ("e1", 11, T)])
    book.record("tiny", [("e1", 10, T + dt.timedelta(seconds=1))])
    assert book.check(now=T + dt.timedelta(seconds=120)) == []
    book.record("tiny", [("e1", 11, T + dt.timedelta(seconds=130))])  # at the checked highest: late
    book.record("tiny", [("e1", 12, T + dt.timedelta(seconds=130)), ("e1", 12, T + dt.timedelta(seconds=130))])
    book.record("tiny", [("e1", 12, T + dt.timedelta(seconds=131))])  # already recorded: repeated
    assert book.check(now=T + dt.timedelta(seconds=200)) == []
    assert (book.counts.late, book.counts.repeated, book.counts.recorded) == (1, 2, 4)
    assert alerts.page("tiny")[1] == 0


def test_the_gap_alert_reads_in_every_language() -> None:
    text = "2 message(s) from e1 never arrived (seq 4-5); readings may be missing"
    assert phrase(text, "vi") == "2 bản tin từ e1 không đến (số thứ tự 4-5); có thể thiếu số liệu đo"
    assert label("rule", "mqtt.sequence_gap", "ja") == "MQTTメッセージの欠落（シーケンス番号の欠番）"
