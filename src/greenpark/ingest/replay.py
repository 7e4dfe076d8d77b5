"""From the MQTT spool into the store: parse, write, retry, and set aside what can never be written.

:class:`SpoolReplayer` runs in a thread of its own. It reads the spool in order, parses each message
(topic ``<prefix>/<park_id>/<meter_id>`` or ``<prefix>/<park_id>/wwtp/<wwtp_id>``, JSON payload), writes
a chunk of messages per park through the ingestion pipeline and then records the spool offset. What
happens to a message:

- its readings are written (accepted rows to ``readings``, rejected rows to the quarantine);
- a **transient** store failure (connection lost, statement or lock timeout, pool exhausted, disk I/O):
  the chunk is retried with exponential backoff, from the spool, for as long as it takes; nothing is
  reconnected to the broker and nothing waits there, since the broker was answered when the message
  reached the spool;
- a message that can **never** be written (bytes that are not UTF-8 JSON, a number JSON cannot hold, a
  document too deep, or any other failure of its own write): it is found by halving the failing chunk
  until the message fails alone, and kept in the park's quarantine as one row with its topic and its
  payload (escaped, at most ``quarantine_chars`` characters); the queue goes on;
- a topic that names no park of the store, or no known kind: written to ``dead-letters.jsonl`` in the
  spool slot (topic, escaped payload, reason) and counted.

Within a chunk an identical message received twice (a redelivery) is written once, and a reading sent
again in a later message is written after the earlier one (as if each message were written alone: readings
are upserted on meter and time). Sequence numbers (``seq``) go to :class:`SequenceBook`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psycopg

from greenpark.errors import InputError, ParkNotFoundError, StoreError
from greenpark.ingest.payload import check_json_batch, rows_from_json
from greenpark.ingest.sequences import SequenceBook
from greenpark.ingest.spool import Spool, SpooledMessage
from greenpark.ingest.validate import escape_text
from greenpark.ingest.wastewater import RAW_COLUMNS as WASTEWATER_COLUMNS
from greenpark.model import REJECT_COLUMNS

log = logging.getLogger(__name__)

#: (park_id, raw rows, source label) -> None; raises on a store failure
WriteBatch = Callable[[str, pd.DataFrame, str], object]
#: (park_id, rejects with the quarantine columns) -> None
WriteRejects = Callable[[str, pd.DataFrame], object]

# database errors a message's own content causes (a value the column cannot hold, a constraint it breaks);
# every other database error (lost connection, timeout, lock, a table missing, disk) is the store's
_MESSAGE_FAULTS = (
    psycopg.DataError,
    psycopg.IntegrityError,
    duckdb.DataError,
    duckdb.IntegrityError,
    duckdb.InvalidInputException,
)


def is_transient(exc: BaseException) -> bool:
    """Whether a write failure is the store's (retry later) rather than the message's (never writable).

    The store's: ``OSError`` (connection, timeout, disk), ``StoreError`` and any database error but those a
    message's content causes (data and integrity errors). The message's: those, an unknown park, and every
    other exception (raised by the validation or the pipeline on what the message holds).
    """
    if isinstance(exc, (ParkNotFoundError, *_MESSAGE_FAULTS)):
        return False
    return isinstance(exc, (OSError, StoreError, psycopg.Error, duckdb.Error))


class UnreadableMessageError(Exception):
    """A message that cannot be read as readings, whatever the store does; the reason says why."""


@dataclass
class Parsed:
    """One spooled message read as rows for one park."""

    msg: SpooledMessage
    kind: str  # "readings" or "wastewater"
    park_id: str
    device: str  # the meter id, or "wwtp/<wwtp_id>"
    rows: pd.DataFrame
    seq: int | None = None


@dataclass
class ReplayCounts:
    """What the replayer did in this process."""

    messages_written: int = 0
    readings_written: int = 0
    quarantined: int = 0  # messages set aside as unreadable (one quarantine row each)
    dead_letters: int = 0  # messages for no park of the store / no known topic
    repeated: int = 0  # identical messages within a chunk (redeliveries), written once
    retries: int = 0  # chunks retried after a transient store failure
    failing_since: float | None = None  # monotonic time of the first failure of the current outage
    last_error: str = ""


@dataclass
class MessageFormat:
    """What the replayer needs to read messages: topic prefix and the JSON limits of the HTTP path."""

    prefix: str
    max_json_depth: int
    max_rows: int
    quarantine_chars: int


class SpoolReplayer:
    """Writes the spool's messages to the store in order (see the module docstring).

    Parameters
    ----------
    spool : the slot's spool.
    fmt : topic prefix, JSON limits, quarantine text bound.
    write, write_wastewater : the pipeline's writers (validation, quarantine of bad rows, alerts).
    quarantine : writes rejects straight to a park's quarantine (for messages that cannot be parsed).
    sequences : where ``seq`` numbers go (None: ignored).
    batch_max : readings per store write.
    batch_wait_s : how long a small first chunk waits for more messages.
    retry_min_s, retry_max_s : backoff after a transient failure, doubled up to the maximum.
    seq_check_s : how often the sequence gaps are checked.
    """

    def __init__(
        self,
        spool: Spool,
        fmt: MessageFormat,
        write: WriteBatch,
        quarantine: WriteRejects,
        *,
        write_wastewater: WriteBatch | None = None,
        sequences: SequenceBook | None = None,
        batch_max: int = 5_000,
        batch_wait_s: float = 0.05,
        retry_min_s: float = 0.5,
        retry_max_s: float = 10.0,
        seq_check_s: float = 10.0,
        max_messages: int = 1_000,
    ) -> None:
        self.spool = spool
        self.fmt = fmt
        self.write = write
        self.write_wastewater = write_wastewater
        self.quarantine = quarantine
        self.sequences = sequences
        self.batch_max = batch_max
        self.batch_wait_s = batch_wait_s
        self.retry_min_s, self.retry_max_s = retry_min_s, retry_max_s
        self.seq_check_s = seq_check_s
        self.max_messages = max_messages
        self.counts = ReplayCounts()
        self.parks_seen: set[str] = set()
        self.wake = threading.Event()  # set by the appender when a record is durable
        self.progress = threading.Event()  # set here when the spool shrinks (the appender may be waiting)
        self._stop = threading.Event()
        self._drain_until: float | None = None
        self._done: set[int] = set()  # record ends written within the chunk being retried
        self._thread = threading.Thread(target=self._run, name="greenpark-mqtt-replay", daemon=True)
        self.on_written: Callable[[], None] | None = None  # after each chunk (alarms waiting for the store)

    # life cycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Start replaying in the background (what a previous run left in the spool first)."""
        self._thread.start()

    def stop(self, drain_s: float) -> None:
        """Write what the spool holds for at most ``drain_s`` seconds, then stop (the rest waits for the next start)."""
        self._drain_until = time.monotonic() + drain_s
        self._stop.set()
        self.wake.set()
        self._thread.join(timeout=drain_s + 30)

    @property
    def store_failing(self) -> bool:
        """True while writes to the store fail."""
        return self.counts.failing_since is not None

    # the loop -------------------------------------------------------------------------
    def _run(self) -> None:
        delay = self.retry_min_s
        last_check = time.monotonic()
        while True:
            if self._stop.is_set() and (
                self.spool.pending_bytes == 0 or time.monotonic() >= (self._drain_until or 0) or self.store_failing
            ):
                return
            if self.spool.pending_bytes == 0:
                self.wake.wait(timeout=min(self.seq_check_s, 1.0))
                self.wake.clear()
            elif self.batch_wait_s and self.spool.pending_bytes < 4096 and not self._stop.is_set():
                time.sleep(self.batch_wait_s)  # a trickle: let a few more messages join this write
            try:
                if self.spool.pending_bytes:
                    self._step()
                if self.sequences is not None and time.monotonic() - last_check >= self.seq_check_s:
                    last_check = time.monotonic()
                    self._check_sequences()
            except Exception as exc:
                if not is_transient(exc):
                    log.exception("MQTT replay: unexpected failure; retrying in %.1f s", delay)
                c = self.counts
                c.retries += 1
                c.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if c.failing_since is None:
                    c.failing_since = time.monotonic()
                    log.warning("MQTT replay: store write failed (%s); retrying with backoff from the spool", exc)
                self._stop.wait(delay)
                delay = min(delay * 2, self.retry_max_s)
                continue
            if self.counts.failing_since is not None:
                log.info(
                    "MQTT replay: the store answers again after %.1f s; %d bytes of spool to replay",
                    time.monotonic() - self.counts.failing_since,
                    self.spool.pending_bytes,
                )
                self.counts.failing_since = None
            delay = self.retry_min_s

    def _check_sequences(self) -> None:
        assert self.sequences is not None
        try:
            self.sequences.check()
        except Exception as exc:
            if is_transient(exc):
                raise
            log.exception("MQTT: the sequence gap check failed")

    def _step(self) -> None:
        """Write the next chunk of the spool and record the offset after it."""
        msgs = self.spool.read(self.spool.committed, self.max_messages)
        if not msgs:
            return
        chunk: list[Parsed] = []
        set_aside: list[tuple[SpooledMessage, str, str | None]] = []  # (message, reason, park_id or None)
        n_rows = 0
        end = self.spool.committed
        for m in msgs:
            if chunk and n_rows >= self.batch_max:
                break
            end = m.end
            if m.end in self._done:
                continue
            try:
                p = self.parse(m)
            except UnreadableMessageError as exc:
                set_aside.append((m, str(exc), self._park_of(m.topic)))
                continue
            except Exception as exc:  # whatever else a payload can do to the reader: the message's fault
                log.exception("MQTT message on %s cannot be read", m.topic)
                why = f"the payload cannot be read ({type(exc).__name__}: {exc})"
                set_aside.append((m, why, self._park_of(m.topic)))
                continue
            chunk.append(p)
            n_rows += len(p.rows)
        if self.sequences is not None:
            entries: dict[str, list[tuple[str, int, dt.datetime]]] = {}
            for p in chunk:
                if p.seq is not None:
                    when = dt.datetime.fromtimestamp(p.msg.received_at, dt.UTC)
                    entries.setdefault(p.park_id, []).append((p.device, p.seq, when))
            for park_id, items in entries.items():
                try:
                    self.sequences.record(park_id, items)
                except Exception as exc:
                    if is_transient(exc):
                        raise
                    log.exception("MQTT: sequence numbers of park %s not recorded", park_id)
        for group in _groups(_unique(chunk, self.counts)):
            for run in _runs(group):
                self._write_group(run)
        for m, reason, park_id in set_aside:
            self._set_aside(m, reason, park_id)
        self.spool.commit(end)
        self._done.clear()
        self.progress.set()
        if self.on_written is not None:
            self.on_written()

    # parsing -----------------------------------------------------------------------------
    def _park_of(self, topic: str) -> str | None:
        parts = topic.split("/")
        return parts[1] if len(parts) in (3, 4) and parts[0] == self.fmt.prefix and parts[1] else None

    def parse(self, m: SpooledMessage) -> Parsed:
        """The message's rows, park and device; raises :class:`UnreadableMessageError` when it cannot be read."""
        parts = m.topic.split("/")
        if len(parts) == 4 and parts[0] == self.fmt.prefix and parts[2] == "wwtp" and parts[1] and parts[3]:
            if self.write_wastewater is None:
                raise UnreadableMessageError("WWTP values are not taken by this service")
            obj = self._decode(m.payload)
            rows = _wastewater_rows(obj, parts[3])
            return Parsed(m, "wastewater", parts[1], f"wwtp/{parts[3]}", rows, _seq(obj))
        if len(parts) != 3 or parts[0] != self.fmt.prefix or not parts[1] or not parts[2]:
            raise UnreadableMessageError(
                f"topic is not {self.fmt.prefix}/<park_id>/<meter_id> or {self.fmt.prefix}/<park_id>/wwtp/<wwtp_id>"
            )
        obj = self._decode(m.payload)
        try:
            rows = rows_from_json(obj, meter_id=parts[2])
        except InputError as exc:
            raise UnreadableMessageError(str(exc)) from None
        rows["meter_id"] = parts[2]  # the topic names the meter: a device writes only its own (broker ACL)
        return Parsed(m, "readings", parts[1], parts[2], rows, _seq(obj))

    def _decode(self, payload: bytes) -> Any:
        try:
            check_json_batch(payload, max_depth=self.fmt.max_json_depth, max_rows=self.fmt.max_rows)
            return json.loads(payload)
        except InputError as exc:
            raise UnreadableMessageError(str(exc)) from None
        except UnicodeDecodeError as exc:
            raise UnreadableMessageError(f"the payload is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except ValueError as exc:  # JSONDecodeError, and numbers Python will not convert (over 4,300 digits)
            raise UnreadableMessageError(f"the payload is not a JSON reading batch ({exc})") from None
        except RecursionError:
            raise UnreadableMessageError("the payload is nested too deep to read") from None

    # writing -----------------------------------------------------------------------------
    def _write_group(self, group: list[Parsed]) -> None:
        """Write one park's messages of one kind; halve on a failure of the messages' own until it is found."""
        park_id, kind = group[0].park_id, group[0].kind
        frame = pd.concat([p.rows for p in group], ignore_index=True)
        write = self.write if kind == "readings" else self.write_wastewater
        assert write is not None
        try:
            write(park_id, frame, "mqtt" if kind == "readings" else "mqtt-wastewater")
        except Exception as exc:
            if is_transient(exc):
                raise
            if isinstance(exc, ParkNotFoundError):
                for p in group:
                    self._dead_letter(p.msg, f"no park {park_id!r} in the store")
                return
            if len(group) == 1:
                log.warning("MQTT message on %s cannot be written: %s", group[0].msg.topic, exc)
                self._set_aside(group[0].msg, f"the message cannot be written ({type(exc).__name__}: {exc})", park_id)
                return
            half = len(group) // 2
            self._write_group(group[:half])
            self._write_group(group[half:])
            return
        self.parks_seen.add(park_id)
        self._done.update(p.msg.end for p in group)
        self.counts.messages_written += len(group)
        if kind == "readings":
            self.counts.readings_written += len(frame)

    def _set_aside(self, m: SpooledMessage, reason: str, park_id: str | None) -> None:
        """Keep an unreadable message in its park's quarantine (topic and escaped payload), else as a dead letter."""
        if park_id is None:
            self._dead_letter(m, reason)
            return
        n = self.fmt.quarantine_chars
        payload = _bounded(escape_text(m.payload.decode("utf-8", "backslashreplace")), n)
        topic = _bounded(escape_text(m.topic), n)
        rejects = pd.DataFrame(
            [
                {
                    "file": "mqtt-wastewater" if "/wwtp/" in m.topic else "mqtt",
                    "line": "1",
                    "field": "payload",
                    "value": payload,
                    "reason": _bounded(escape_text(reason), n),
                    "raw": _bounded(f"topic={topic} payload={payload}", n),
                }
            ],
            columns=REJECT_COLUMNS,
            dtype=object,
        )
        try:
            self.quarantine(park_id, rejects)
        except Exception as exc:
            if is_transient(exc):
                raise
            self._dead_letter(m, f"{reason}; and the quarantine refused it ({type(exc).__name__}: {exc})")
            return
        self._done.add(m.end)
        self.counts.quarantined += 1

    def _dead_letter(self, m: SpooledMessage, reason: str) -> None:
        n = self.fmt.quarantine_chars
        line = {
            "received_at": dt.datetime.fromtimestamp(m.received_at, dt.UTC).isoformat(),
            "topic": _bounded(escape_text(m.topic), n),
            "payload": _bounded(escape_text(m.payload.decode("utf-8", "backslashreplace")), n),
            "reason": _bounded(escape_text(reason), n),
        }
        path = Path(self.spool.folder) / "dead-letters.jsonl"
        log.warning("MQTT message on %s set aside in %s: %s", line["topic"], path, reason)
        if not path.exists() or path.stat().st_size < self.spool.max_bytes:
            with open(path, "a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")
        self._done.add(m.end)
        self.counts.dead_letters += 1


def _groups(chunk: list[Parsed]) -> list[list[Parsed]]:
    """The chunk's messages per (park, kind), each group in arrival order."""
    groups: dict[tuple[str, str], list[Parsed]] = {}
    for p in chunk:
        groups.setdefault((p.park_id, p.kind), []).append(p)
    return list(groups.values())


def _unique(chunk: list[Parsed], counts: ReplayCounts) -> list[Parsed]:
    """The chunk without repeated identical messages (the same topic and payload: a redelivery)."""
    seen: set[tuple[str, bytes]] = set()
    out = []
    for p in chunk:
        key = (p.msg.topic, p.msg.payload)
        if key in seen:
            counts.repeated += 1
            continue
        seen.add(key)
        out.append(p)
    return out


def _runs(group: list[Parsed]) -> list[list[Parsed]]:
    """The group cut into runs of messages in which no reading key repeats, in order.

    Written alone, each message would upsert its readings in turn; written together, the validation would
    reject both copies of a key as duplicates within the batch. So a message that repeats a key of the run
    starts the next run: the runs, written one after the other, give what writing each message alone would
    (a later valid reading replaces an earlier one; a later invalid one is rejected and the earlier stays).
    Duplicates within one message stay for the validation to judge.
    """
    cols = ["meter_id", "timestamp"] if group[0].kind == "readings" else ["wwtp_id", "timestamp", "point", "parameter"]
    runs: list[list[Parsed]] = []
    run: list[Parsed] = []
    seen: set[str] = set()
    for p in group:
        key = p.rows[cols[0]].astype(str)
        for c in cols[1:]:
            key = key + "\x1f" + p.rows[c].astype(str)
        keys = set(key)
        if run and not seen.isdisjoint(keys):
            runs.append(run)
            run, seen = [], set()
        run.append(p)
        seen |= keys
    if run:
        runs.append(run)
    return runs


def _seq(obj: Any) -> int | None:
    """The message's sequence number: ``seq`` of a single reading object or of the ``{"readings": ...}`` wrapper."""
    if not isinstance(obj, dict):
        return None
    v = obj.get("seq")
    if isinstance(v, bool) or not isinstance(v, int | str):
        return None
    try:
        n = int(v)
    except ValueError:
        return None
    return n if 0 <= n < 2**63 else None


def _wastewater_rows(obj: Any, wwtp_id: str) -> pd.DataFrame:
    """Raw wastewater rows of one decoded message (the WWTP from the topic)."""
    if isinstance(obj, dict) and "rows" in obj:
        obj = obj["rows"]
    items = obj if isinstance(obj, list) else [obj]
    rows = []
    for item in items:
        item = item if isinstance(item, dict) else {"value": item}
        if "timestamp" not in item and "ts" in item:
            item = {**item, "timestamp": item["ts"]}
        row = {c: (None if item.get(c) is None else _text(item.get(c))) for c in WASTEWATER_COLUMNS}
        rows.append(row | {"wwtp_id": wwtp_id})
    return pd.DataFrame(rows, columns=WASTEWATER_COLUMNS, dtype=object)


def _text(v: Any) -> str:
    if isinstance(v, str):
        return v
    try:
        return json.dumps(v)
    except (ValueError, RecursionError):
        return str(type(v).__name__)


def _bounded(text: str, n: int) -> str:
    """``text`` cut to ``n`` characters, saying how much was left out."""
    if len(text) <= n:
        return text
    return f"{text[:n]}... ({len(text) - n:,} more characters)"
