"""The MQTT spool file: records survive a reopen, a torn tail is cut, the bound holds, slots are exclusive."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from greenpark.ingest.spool import Spool, SpoolFullError, SpoolSlot

# a record is a 18-byte head (length u32, crc32 u32, topic length u16, received_at f64) + topic + payload
HEAD = 4 + 4 + 2 + 8


def test_records_come_back_in_order_after_a_reopen(tmp_path: Path) -> None:
    s = Spool(tmp_path, max_bytes=10_000)
    end = s.append([("gp/tiny/e1", b'{"value": 1}', 1.5), ("gp/tiny/e2", b"\xff\x00", 2.5)])
    assert end == 2 * HEAD + len("gp/tiny/e1") + 12 + len("gp/tiny/e2") + 2  # 18 + 22 + 18 + 12 = 70
    s.close()
    again = Spool(tmp_path, max_bytes=10_000)
    got = again.read(again.committed, 10)
    assert [(m.topic, m.payload, m.received_at) for m in got] == [
        ("gp/tiny/e1", b'{"value": 1}', 1.5),
        ("gp/tiny/e2", b"\xff\x00", 2.5),
    ]
    again.commit(got[0].end)
    again.close()
    third = Spool(tmp_path, max_bytes=10_000)
    assert third.committed == got[0].end  # the offset survives: only the second record is replayed
    assert [m.topic for m in third.read(third.committed, 10)] == ["gp/tiny/e2"]
    assert third.pending_bytes == HEAD + 10 + 2


def test_a_record_torn_by_a_crash_is_cut_off(tmp_path: Path) -> None:
    s = Spool(tmp_path, max_bytes=10_000)
    s.append([("t/p/m", b"whole", 0.0)])
    s.close()
    with open(tmp_path / "spool.log", "ab") as f:
        f.write(b"\x00\x00\x00\x40half a record")  # a write the crash cut: it was never acknowledged
    again = Spool(tmp_path, max_bytes=10_000)
    assert again.size == HEAD + 5 + 5
    assert os.path.getsize(tmp_path / "spool.log") == HEAD + 5 + 5
    assert [m.payload for m in again.read(0, 10)] == [b"whole"]


def test_a_corrupt_record_is_not_taken(tmp_path: Path) -> None:
    s = Spool(tmp_path, max_bytes=10_000)
    s.append([("t/p/m", b"first", 0.0), ("t/p/m", b"second", 0.0)])
    s.close()
    data = bytearray((tmp_path / "spool.log").read_bytes())
    data[-1] ^= 0xFF  # a flipped bit in the last payload: its crc no longer matches
    (tmp_path / "spool.log").write_bytes(bytes(data))
    again = Spool(tmp_path, max_bytes=10_000)
    assert [m.payload for m in again.read(0, 10)] == [b"first"]


def test_the_spool_is_bounded_and_empties_once_the_store_has_everything(tmp_path: Path) -> None:
    # one record of topic "t/p/m" (5) and payload 100 bytes takes 18 + 105 = 123 bytes; 300 bytes hold two
    s = Spool(tmp_path, max_bytes=300, compact_bytes=200)
    s.append([("t/p/m", b"x" * 100, 0.0)])
    s.append([("t/p/m", b"y" * 100, 0.0)])
    with pytest.raises(SpoolFullError, match="GREENPARK_MQTT_SPOOL_MAX_BYTES"):
        s.append([("t/p/m", b"z" * 100, 0.0)])
    assert s.size == 246  # nothing of the refused record was written
    first, second = s.read(0, 10)
    s.commit(first.end)
    assert s.size == 246  # a record still waits for the store: the file stays
    s.commit(second.end)
    assert (s.size, s.committed, os.path.getsize(tmp_path / "spool.log")) == (0, 0, 0)  # 246 >= 200: emptied
    s.append([("t/p/m", b"z" * 100, 0.0)])
    assert [m.payload[:1] for m in s.read(s.committed, 10)] == [b"z"]


def test_each_process_holds_its_own_slot(tmp_path: Path) -> None:
    a = SpoolSlot(tmp_path, max_bytes=10_000)
    b = SpoolSlot(tmp_path, max_bytes=10_000)
    assert (a.number, b.number) == (0, 1)
    a.release()
    c = SpoolSlot(tmp_path, max_bytes=10_000)
    assert c.number == 0  # the lowest free slot: a restarted process gets its old slot (and client id) back
    b.release()
    c.release()
