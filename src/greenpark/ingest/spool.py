"""The MQTT spool: an append-only local file that holds received messages until the store has them.

Every message the service takes from the broker is first appended here and made durable
(``fsync``) and only then acknowledged (PUBACK); a second thread replays the file into the
store in order and records how far it got in an offset file. So the broker is drained at the
speed of a local disk whatever the store does (a locked table, a restart, an outage of
minutes), and nothing acknowledged is lost if the service dies: the next start replays what
was not yet written. Replay is idempotent (readings are upserted on meter and time), so a
crash between the store's commit and the offset's leaves no duplicate reading.

Layout of one slot folder (``<spool_dir>/slot-<n>/``):

- ``lock``: held (``flock``) by the process that owns the slot for as long as it runs; a second
  process on the same folder takes the next free slot, so each process has its own file and
  its own MQTT client id (``<base>-<n>``), stable across restarts;
- ``spool.log``: records ``[length u32][crc32 u32][topic length u16][received_at f64][topic][payload]``;
  a record torn by a crash (never acknowledged: the broker sends it again) is cut off at open;
- ``spool.offset``: the end of the last record written to the store (replaced atomically).

The file is bounded (``max_bytes``): an append that would pass it raises :class:`SpoolFullError`
and the message stays unacknowledged at the broker. When the replay has caught up, the file is
emptied (``compact_bytes`` or more of it written).
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import struct
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

_HEAD = struct.Struct(">IIHd")  # body length, crc32 of what follows the crc, topic length, received_at
_MAX_SLOTS = 1024


class SpoolFullError(OSError):
    """The spool holds ``max_bytes`` (or the disk is full): a message cannot be taken until the store catches up."""


@dataclass(frozen=True)
class SpooledMessage:
    """One message as received: its topic, payload, the time it arrived (Unix s) and where its record ends."""

    topic: str
    payload: bytes
    received_at: float
    end: int


def _encode(topic: str, payload: bytes, received_at: float) -> bytes:
    t = topic.encode("utf-8", "surrogateescape")
    body = t + payload
    rest = struct.pack(">Hd", len(t), received_at) + body
    return _HEAD.pack(len(body), zlib.crc32(rest), len(t), received_at) + body


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """One slot's spool file (see the module docstring). Thread-safe: one appender and one reader.

    Parameters
    ----------
    folder : the slot folder (created if missing).
    max_bytes : the largest the file may grow.
    compact_bytes : once the store has every record, the file is emptied when it is at least this large.
    """

    def __init__(self, folder: Path, max_bytes: int, compact_bytes: int | None = None) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.compact_bytes = compact_bytes if compact_bytes is not None else max(1, min(max_bytes // 4, 64 * 2**20))
        self._path = self.folder / "spool.log"
        self._offset_path = self.folder / "spool.offset"
        self._lock = threading.Lock()  # appends, compaction
        self._log: IO[bytes] = open(self._path, "a+b")  # noqa: SIM115 (kept open for the process's life)
        self._reader: IO[bytes] = open(self._path, "rb")  # noqa: SIM115
        self.committed = self._read_offset()
        self.size = self._recover()

    # opening ------------------------------------------------------------------------
    def _read_offset(self) -> int:
        try:
            return int(self._offset_path.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def _recover(self) -> int:
        """The end of the last whole record; a torn or corrupt tail (never acknowledged) is cut off."""
        size = os.fstat(self._log.fileno()).st_size
        if self.committed > size:  # emptied after the store had everything, before the offset was reset
            self.committed = 0
            self._write_offset(0)
        pos = self.committed
        while pos < size:
            rec = self._read_at(pos, size)
            if rec is None:
                log.warning(
                    "MQTT spool %s: %d bytes after offset %d are not a whole record (a write cut by a crash, never "
                    "acknowledged); cut off",
                    self._path,
                    size - pos,
                    pos,
                )
                self._log.truncate(pos)
                os.fsync(self._log.fileno())
                return pos
            pos = rec.end
        return size

    def _read_at(self, pos: int, limit: int) -> SpooledMessage | None:
        if pos + _HEAD.size > limit:
            return None
        head = os.pread(self._reader.fileno(), _HEAD.size, pos)
        n, crc, tlen, received_at = _HEAD.unpack(head)
        end = pos + _HEAD.size + n
        if end > limit or tlen > n:
            return None
        body = os.pread(self._reader.fileno(), n, pos + _HEAD.size)
        if len(body) != n or zlib.crc32(head[8:] + body) != crc:
            return None
        return SpooledMessage(body[:tlen].decode("utf-8", "surrogateescape"), body[tlen:], received_at, end)

    # the appender (the thread that acknowledges) ---------------------------------------
    def append(self, messages: list[tuple[str, bytes, float]]) -> int:
        """Append ``(topic, payload, received_at)`` records and make them durable; return the new end.

        Raises
        ------
        SpoolFullError : the records would take the file past ``max_bytes``, or the disk is full; nothing is
            appended then.
        """
        data = b"".join(_encode(t, p, r) for t, p, r in messages)
        with self._lock:
            if self.size + len(data) > self.max_bytes:
                raise SpoolFullError(
                    errno.ENOSPC,
                    f"the MQTT spool {self._path} holds {self.size:,} bytes of messages not yet in the store; "
                    f"{len(data):,} more would pass GREENPARK_MQTT_SPOOL_MAX_BYTES ({self.max_bytes:,})",
                )
            try:
                self._log.seek(self.size)
                self._log.write(data)
                self._log.flush()
                os.fsync(self._log.fileno())
            except OSError as exc:
                self._log.truncate(self.size)  # a part written to a full disk is not a record
                if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise SpoolFullError(exc.errno, f"the disk of the MQTT spool {self._path} is full") from exc
                raise
            self.size += len(data)
            return self.size

    # the reader (the thread that writes to the store) ----------------------------------
    @property
    def pending_bytes(self) -> int:
        """Bytes of records not yet written to the store."""
        return self.size - self.committed

    def read(self, start: int, max_messages: int) -> list[SpooledMessage]:
        """Up to ``max_messages`` durable records from offset ``start``, in order."""
        out: list[SpooledMessage] = []
        limit = self.size  # only records already made durable
        pos = start
        while pos < limit and len(out) < max_messages:
            rec = self._read_at(pos, limit)
            if rec is None:  # cannot happen for records this process appended; stop rather than skip
                raise OSError(f"the MQTT spool {self._path} is corrupt at offset {pos}")
            out.append(rec)
            pos = rec.end
        return out

    def commit(self, end: int) -> None:
        """Record that every record up to ``end`` is in the store; empty the file when all of it is."""
        self._write_offset(end)
        self.committed = end
        with self._lock:
            if self.committed == self.size and self.size >= self.compact_bytes:
                self._log.truncate(0)
                os.fsync(self._log.fileno())
                self.size = 0
                self._write_offset(0)
                self.committed = 0

    def _write_offset(self, end: int) -> None:
        tmp = self._offset_path.with_suffix(".tmp")
        with open(tmp, "w") as f:
            f.write(str(end))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._offset_path)
        _fsync_dir(self.folder)

    def close(self) -> None:
        """Close the files (the slot's lock is the owner's)."""
        self._log.close()
        self._reader.close()


class SpoolSlot:
    """A slot folder of ``root`` this process holds (``flock``) while it runs: its spool and its number."""

    def __init__(self, root: Path, max_bytes: int, compact_bytes: int | None = None) -> None:
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        for n in range(_MAX_SLOTS):
            folder = root / f"slot-{n}"
            folder.mkdir(exist_ok=True)
            fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.number, self._fd, self.folder = n, fd, folder
            break
        else:
            raise OSError(f"all {_MAX_SLOTS} MQTT spool slots under {root} are held by running processes")
        self.spool = Spool(folder, max_bytes, compact_bytes)

    def release(self) -> None:
        """Close the spool and let another process take the slot."""
        self.spool.close()
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
