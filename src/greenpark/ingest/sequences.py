"""Message loss made visible: per-device sequence numbers over MQTT, gaps raised as alerts.

A device may number its messages (``"seq"`` in the payload: one reading object or the wrapper
``{"seq": 17, "readings": [...]}``), one more for each message it sends. Every number received is
recorded in ``service_mqtt_sequences``, shared by all service processes on the store (a shared
subscription gives one device's messages to several processes, in any order). :meth:`SequenceBook.check`
runs every few seconds: for each device it looks at the numbers received at least ``grace`` ago (so a
message still on its way through another process is not taken for lost), reports the numbers missing
between them as one alert per device (rule ``mqtt.sequence_gap``, through :class:`AlertBook`) and keeps
only the highest number checked, from which the next check goes on.

A number at or below the device's highest checked one (a message sent again, or a device that restarted
its count) is counted as ``late`` and not recorded: after a restart, gaps are found again once the
device's numbers pass their former highest, so devices should keep their count across restarts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass

from greenpark.ingest.alerts import AlertBook, Finding, ServiceDb

log = logging.getLogger(__name__)

RULE = "mqtt.sequence_gap"


@dataclass(frozen=True)
class SequenceGap:
    """Messages of one device that never arrived: ``missing`` numbers between ``first`` and ``last``."""

    park_id: str
    device: str
    first: int
    last: int
    missing: int


@dataclass
class SequenceCounts:
    """What the book saw in this process."""

    recorded: int = 0
    repeated: int = 0  # a number already recorded: the same message again
    late: int = 0  # at or below the highest number checked
    gaps: int = 0
    missing: int = 0


class SequenceBook:
    """Records devices' sequence numbers and finds the gaps between them.

    Parameters
    ----------
    db : the service tables' connection.
    alerts : where gaps become alerts (None: counted only).
    grace : how long a number may be outrun by later ones before the numbers below it count as lost.
    tenant_of : (park_id, device) -> the tenant the alert belongs to, or None.
    """

    def __init__(
        self,
        db: ServiceDb,
        alerts: AlertBook | None,
        grace: dt.timedelta,
        tenant_of: Callable[[str, str], str | None] | None = None,
    ) -> None:
        self.db = db
        self.alerts = alerts
        self.grace = grace
        self.tenant_of = tenant_of
        self.counts = SequenceCounts()

    def record(self, park_id: str, entries: list[tuple[str, int, dt.datetime]]) -> None:
        """Record ``(device, seq, received_at)`` of arriving messages (idempotent: a number is kept once)."""
        by_device: dict[str, dict[int, dt.datetime]] = {}
        for device, seq, received_at in entries:
            seen = by_device.setdefault(device, {})
            if seq in seen:
                self.counts.repeated += 1
            seen[seq] = received_at
        for device, seqs in by_device.items():
            have = self.db.rows(
                "SELECT seq, checked FROM service_mqtt_sequences WHERE park_id = ? AND device = ? "
                "AND (checked OR seq BETWEEN ? AND ?)",
                [park_id, device, min(seqs), max(seqs)],
            )
            floor = max((int(r["seq"]) for r in have if r["checked"]), default=None)
            known = {int(r["seq"]) for r in have}
            new = []
            for seq, received_at in sorted(seqs.items()):
                if floor is not None and seq <= floor:
                    self.counts.late += 1
                elif seq in known:
                    self.counts.repeated += 1
                else:
                    new.append((seq, received_at))
            if not new:
                continue
            values = ", ".join(["(?, ?, ?, ?, FALSE)"] * len(new))
            params: list[object] = []
            for seq, received_at in new:
                params += [park_id, device, seq, received_at]
            self.db.execute(
                "INSERT INTO service_mqtt_sequences (park_id, device, seq, received_at, checked) "
                f"VALUES {values} ON CONFLICT DO NOTHING",
                params,
            )
            self.counts.recorded += len(new)

    def check(self, now: dt.datetime | None = None) -> list[SequenceGap]:
        """Find the gaps among numbers received ``grace`` ago or earlier; raise one alert per device with gaps."""
        now = now or dt.datetime.now(dt.UTC)
        cutoff = now - self.grace
        rows = self.db.rows(
            "SELECT park_id, device, seq, received_at, checked FROM service_mqtt_sequences "
            "ORDER BY park_id, device, seq"
        )
        by_device: dict[tuple[str, str], list[dict[str, object]]] = {}
        for r in rows:
            by_device.setdefault((str(r["park_id"]), str(r["device"])), []).append(r)
        gaps: list[SequenceGap] = []
        for (park_id, device), items in by_device.items():
            ripe = [r for r in items if r["checked"] or _utc(r["received_at"]) <= cutoff]  # type: ignore[arg-type]
            if not any(not r["checked"] for r in ripe):
                continue
            cut = max(int(r["seq"]) for r in ripe)  # type: ignore[call-overload]
            seqs = [int(r["seq"]) for r in items if int(r["seq"]) <= cut]  # type: ignore[call-overload]
            holes = [(a, b) for a, b in itertools.pairwise(seqs) if b > a + 1]
            if holes:
                gaps.append(
                    SequenceGap(park_id, device, holes[0][0] + 1, holes[-1][1] - 1, sum(b - a - 1 for a, b in holes))
                )
            self.db.execute(
                "DELETE FROM service_mqtt_sequences WHERE park_id = ? AND device = ? AND seq < ?",
                [park_id, device, cut],
            )
            self.db.execute(
                "UPDATE service_mqtt_sequences SET checked = TRUE WHERE park_id = ? AND device = ? AND seq = ?",
                [park_id, device, cut],
            )
        for g in gaps:
            self.counts.gaps += 1
            self.counts.missing += g.missing
            log.warning(
                "MQTT: %d message(s) of device %s in park %s never arrived (seq %d-%d)",
                g.missing,
                g.device,
                g.park_id,
                g.first,
                g.last,
            )
        if self.alerts is not None:
            for park_id in sorted({g.park_id for g in gaps}):
                self.alerts.raise_alerts(park_id, [self._finding(g, now) for g in gaps if g.park_id == park_id])
        return gaps

    def _finding(self, gap: SequenceGap, now: dt.datetime) -> Finding:
        return Finding(
            rule=RULE,
            subject=gap.device,
            # the catalogue's note.mqtt_sequence_gap: the reader's language comes from there
            message=f"{gap.missing} message(s) from {gap.device} never arrived (seq {gap.first}-{gap.last}); "
            "readings may be missing",
            severity="warning",
            tenant_id=self.tenant_of(gap.park_id, gap.device) if self.tenant_of else None,
            first_ts=now,
            last_ts=now,
            data={"missing": gap.missing, "first_seq": gap.first, "last_seq": gap.last},
        )


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
