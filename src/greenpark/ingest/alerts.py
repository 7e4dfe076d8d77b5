"""Alerts: stored with a state (open → acknowledged → closed) and pushed once to a webhook.

The rules themselves are engine functions (``greenpark.water.alerts`` and the energy
engine); :mod:`greenpark.ingest.rules` calls them on arriving data and hands their
findings to :meth:`AlertBook.raise_alerts`. An alert is keyed by (park, rule, subject):
while one is open or acknowledged, the same finding updates it instead of opening a new
one, so a sensor that stays faulty raises one alert, not one per reading.

The webhook gets each alert once: a dispatcher thread posts every alert not yet pushed
(JSON body, ``Idempotency-Key`` header = alert id) and marks it pushed on a 2xx answer;
failed posts are retried after ``webhook_retry_s``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from greenpark.errors import InputError


class ServiceDb(Protocol):
    """What the alert book needs of the service tables' connection (``greenpark.api.servicedb.ServiceDb``).

    A protocol, so ingest (below the API in the layers) never imports the API.
    """

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None: ...


log = logging.getLogger(__name__)

STATES = ("open", "acknowledged", "closed")
_TRANSITIONS = {"acknowledge": (("open",), "acknowledged"), "close": (("open", "acknowledged"), "closed")}


@dataclass(frozen=True)
class Finding:
    """One problem a rule found: what (rule), on what (subject), and when."""

    rule: str  # stable dotted code, e.g. "water.exceedance"
    subject: str  # meter id, or "<wwtp_id>/<parameter>"
    message: str
    severity: str = "warning"  # info, warning, critical
    tenant_id: str | None = None
    first_ts: dt.datetime | None = None
    last_ts: dt.datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)


_COLUMNS = (
    "alert_id, park_id, rule, subject, tenant_id, severity, message, state, first_ts, last_ts, data, "
    "opened_at, acknowledged_at, acknowledged_by, closed_at, closed_by, pushed_at"
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _public(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["data"] = json.loads(row["data"]) if row.get("data") else {}
    for k, v in out.items():
        if isinstance(v, dt.datetime) and v.tzinfo is None:
            out[k] = v.replace(tzinfo=dt.UTC)
    return out


class AlertBook:
    """The alerts of every park, in the service tables."""

    def __init__(self, db: ServiceDb) -> None:
        self.db = db
        self.changed = threading.Event()  # set when an alert awaits its push

    def raise_alerts(self, park_id: str, findings: list[Finding], db: ServiceDb | None = None) -> list[str]:
        """Open an alert per new finding (or extend the open one); return ids of the new alerts.

        ``db``: run the statements there instead (the transaction that writes the batch the findings come from;
        the caller then tells the pusher, with ``changed``, once it has committed).
        """
        own = db is None
        db = self.db if db is None else db
        new: list[str] = []
        for f in findings:
            live = db.one(
                "SELECT alert_id FROM service_alerts WHERE park_id = ? AND rule = ? AND subject = ? "
                "AND state <> 'closed'",
                [park_id, f.rule, f.subject],
            )
            if live:
                db.execute(
                    "UPDATE service_alerts SET last_ts = ?, message = ? WHERE alert_id = ?",
                    [f.last_ts, f.message, live["alert_id"]],
                )
                continue
            alert_id = uuid.uuid4().hex
            db.execute(
                f"INSERT INTO service_alerts ({_COLUMNS}) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL)",
                [
                    alert_id,
                    park_id,
                    f.rule,
                    f.subject,
                    f.tenant_id,
                    f.severity,
                    f.message,
                    f.first_ts,
                    f.last_ts,
                    json.dumps(f.data, default=str),
                    _now(),
                ],
            )
            new.append(alert_id)
        if new and own:
            self.changed.set()
        return new

    def page(
        self,
        park_id: str,
        *,
        state: str | None = None,
        tenant_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """Alerts of a park, newest first, optionally of one state or one tenant; (page, total)."""
        where, params = ["park_id = ?"], [park_id]
        if state:
            where.append("state = ?")
            params.append(state)
        if tenant_id:
            where.append("tenant_id = ?")
            params.append(tenant_id)
        cond = " AND ".join(where)
        total = self.db.one(f"SELECT count(*) AS n FROM service_alerts WHERE {cond}", params)
        rows = self.db.rows(
            f"SELECT {_COLUMNS} FROM service_alerts WHERE {cond} ORDER BY opened_at DESC, alert_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_public(r) for r in rows], int(total["n"]) if total else 0

    def get(self, park_id: str, alert_id: str) -> dict[str, Any] | None:
        """One alert, or None."""
        row = self.db.one(
            f"SELECT {_COLUMNS} FROM service_alerts WHERE park_id = ? AND alert_id = ?", [park_id, alert_id]
        )
        return _public(row) if row else None

    def transition(self, park_id: str, alert_id: str, action: str, by: str) -> dict[str, Any] | None:
        """Acknowledge or close an alert; None if it does not exist.

        Raises
        ------
        InputError : when the alert's state does not allow the action (e.g. closing a closed alert).
        """
        alert = self.get(park_id, alert_id)
        if alert is None:
            return None
        allowed, target = _TRANSITIONS[action]
        if alert["state"] not in allowed:
            raise InputError(
                f"alert {alert_id} is {alert['state']}; {action} applies to an alert that is {' or '.join(allowed)}"
            )
        column = "acknowledged" if target == "acknowledged" else "closed"
        self.db.execute(
            f"UPDATE service_alerts SET state = ?, {column}_at = ?, {column}_by = ? WHERE alert_id = ?",
            [target, _now(), by, alert_id],
        )
        return self.get(park_id, alert_id)

    def unpushed(self) -> list[dict[str, Any]]:
        """Alerts not yet delivered to the webhook, oldest first."""
        rows = self.db.rows(
            f"SELECT {_COLUMNS} FROM service_alerts WHERE pushed_at IS NULL ORDER BY opened_at, alert_id"
        )
        return [_public(r) for r in rows]

    def mark_pushed(self, alert_id: str) -> None:
        """Record that the webhook accepted an alert."""
        self.db.execute("UPDATE service_alerts SET pushed_at = ? WHERE alert_id = ?", [_now(), alert_id])


class WebhookPusher:
    """A thread that posts each new alert once to the webhook URL."""

    def __init__(self, book: AlertBook, url: str, *, timeout_s: float, retry_s: float) -> None:
        self.book = book
        self.url = url
        self.timeout_s = timeout_s
        self.retry_s = retry_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="greenpark-webhook", daemon=True)

    def start(self) -> None:
        """Start pushing in the background."""
        self.book.changed.set()  # deliver what a previous run left unpushed
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (alerts left unpushed are pushed at the next start)."""
        self._stop.set()
        self.book.changed.set()
        self._thread.join(timeout=self.timeout_s + 1)

    def push_pending(self, client: httpx.Client) -> int:
        """Post every unpushed alert; return how many the webhook accepted."""
        done = 0
        for alert in self.book.unpushed():
            body = json.dumps({"event": "alert.opened", "alert": alert}, default=str)
            try:
                r = client.post(
                    self.url,
                    content=body,
                    headers={"Content-Type": "application/json", "Idempotency-Key": alert["alert_id"]},
                )
            except httpx.HTTPError as exc:
                log.warning("webhook push of alert %s failed: %s", alert["alert_id"], type(exc).__name__)
                return done
            if 200 <= r.status_code < 300:
                self.book.mark_pushed(alert["alert_id"])
                done += 1
            else:
                log.warning("webhook answered %s for alert %s", r.status_code, alert["alert_id"])
                return done
        return done

    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout_s) as client:
            while not self._stop.is_set():
                # wake on a new alert, or after retry_s to retry what failed
                self.book.changed.wait(timeout=self.retry_s)
                self.book.changed.clear()
                if self._stop.is_set():
                    break
                try:
                    self.push_pending(client)
                except Exception:  # keep the pusher alive; the alert stays unpushed
                    log.exception("webhook pusher failed; retrying in %.0f s", self.retry_s)
