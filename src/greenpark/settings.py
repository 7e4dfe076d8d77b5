"""Service settings for ``greenpark serve`` (pydantic-settings, ``GREENPARK_`` environment).

Configuration flows one way: these settings (environment, ``.env``) → the service →
explicit arguments to the store and engines. Engines never read the environment.

Every operational threshold of the service (login rate limit, session lifetime,
batch limits, MQTT topic scheme) is a field here, not a literal in code. Domain
numbers (limits, factors) stay in ``greenpark.reference``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class Settings(BaseSettings):
    """What the live service reads from ``GREENPARK_*`` variables (or a ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="GREENPARK_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    store_url: str = Field(
        default="duckdb://.greenpark/store.duckdb",
        description="duckdb:///abs/path.duckdb or duckdb://rel/path.duckdb (embedded) or "
        "postgresql://user@host:5432/db[?schema=name]",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)

    # the store's connections (PostgreSQL; the embedded store has one file and a cursor per thread)
    store_pool_min: int = Field(default=2, ge=1, description="PostgreSQL connections kept open")
    store_pool_max: int = Field(default=12, ge=1, description="PostgreSQL connections open at most")
    store_pool_timeout_s: float = Field(
        default=10.0, gt=0, description="longest wait for a free connection before a request answers 503"
    )
    store_connect_timeout_s: float = Field(default=10.0, gt=0, description="longest wait to connect to PostgreSQL")
    store_statement_timeout_s: float = Field(
        default=30.0, gt=0, description="PostgreSQL statement_timeout of the service's connections (then 503)"
    )
    store_lock_timeout_s: float = Field(
        default=5.0, gt=0, description="PostgreSQL lock_timeout: longest wait for a locked table or row (then 503)"
    )
    store_retries: int = Field(
        default=3, ge=0, description="retries of a store call after a transient error (connection lost, deadlock)"
    )
    store_retry_backoff_s: float = Field(default=0.2, ge=0, description="wait before the first retry, then doubled")
    ready_timeout_s: float = Field(default=2.0, gt=0, description="longest wait of /ready for the store's answer")

    # bootstrap: the first operator, created at start when the store has no user yet. No default password:
    # ``greenpark serve`` refuses to start without one (``--example`` makes a random one and prints it)
    admin_username: str = "admin"
    admin_password: str | None = Field(default=None, repr=False)

    # passwords: every password set (bootstrap, new user, change) has at least this many characters and is not
    # in the list of common passwords (greenpark/api/common-passwords.txt)
    password_min_length: int = Field(default=12, ge=8, description="shortest password accepted")

    # sessions and tokens
    session_cookie: str = "greenpark_session"
    csrf_cookie: str = "greenpark_csrf"
    session_hours: float = Field(default=12.0, gt=0)
    cookie_secure: bool | None = Field(
        default=None, description="Secure cookies; default: on unless the service listens on loopback only"
    )
    # OWASP Password Storage Cheat Sheet (scrypt): N=2^17 (128 MiB), r=8, p=1. Hashes made with a lower N still
    # verify and are re-hashed with this N at the user's next sign-in.
    scrypt_n: int = Field(default=2**17, ge=2**10, description="scrypt cost parameter N for passwords (power of 2)")
    token_days: float = Field(default=90.0, gt=0, description="lifetime of an API token made without expires_at")
    token_max_days: float = Field(default=366.0, gt=0, description="longest lifetime an API token may ask for")
    tokens_per_user: int = Field(default=20, ge=1, description="live API tokens one user may hold")

    # login rate limit: at most `login_max_attempts` failed logins per username+client in the window
    login_max_attempts: int = Field(default=5, ge=1)
    login_max_attempts_per_client: int = Field(default=20, ge=1, description="failed logins per address, any user")
    login_window_s: float = Field(default=300.0, gt=0)
    login_max_keys: int = Field(default=100_000, ge=1, description="failure counters kept; the oldest go first")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For is believed; "
        "from any other peer the header is ignored",
    )

    # ingestion
    ingest_max_rows: int = Field(default=200_000, ge=1, description="largest batch accepted in one request")
    ingest_max_bytes: int = Field(
        default=16 * 2**20, ge=1, description="largest request body for a batch (refused while it streams in)"
    )
    ingest_max_json_depth: int = Field(default=16, ge=3, description="deepest nesting of a JSON batch")
    ingest_earliest: dt.date = Field(
        default=dt.date(2000, 1, 1), description="readings stamped before this day are rejected as implausible"
    )
    ingest_max_ahead_h: float = Field(
        default=24.0, ge=0, description="readings stamped more than this far ahead of the server clock are rejected"
    )
    quarantine_rows_per_sender: int = Field(
        default=2_000,
        ge=1,
        description="rejected rows one sender may add to the quarantine one by one per window; beyond, they are "
        "kept as one summary row per field (and still counted in the answer)",
    )
    quarantine_window_s: float = Field(default=60.0, gt=0, description="the window of quarantine_rows_per_sender")
    mqtt_enabled: bool = False
    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = 1883
    mqtt_topic_prefix: str = "greenpark"
    mqtt_client_id: str | None = Field(
        default=None,
        description="base of the MQTT client id; each process adds '-<spool slot>' (default greenpark-<hostname>)",
    )
    mqtt_share_group: str = Field(
        default="",
        pattern=r"^[^/#+]*$",
        description="shared subscription group ($share/<group>/...) for several service processes: they split the "
        "messages; empty (the default) for a plain subscription, which survives a broker restart (Mosquitto 2.0 "
        "does not restore shared subscriptions: docs/service.md)",
    )
    mqtt_session_expiry_s: int = Field(
        default=7 * 24 * 3600, ge=0, description="how long the broker keeps the session (and queues) while away"
    )
    mqtt_keepalive_s: int = Field(default=30, ge=5)
    mqtt_username: str | None = None
    mqtt_password: str | None = Field(default=None, repr=False)
    mqtt_tls: bool = Field(default=False, description="connect to the broker over TLS")
    mqtt_tls_ca_file: Path | None = Field(default=None, description="CA certificates for TLS (default: the system's)")
    mqtt_batch_max: int = Field(default=5_000, ge=1, description="readings written per store transaction")
    mqtt_batch_wait_s: float = Field(default=0.05, ge=0, description="longest wait to fill a write batch")
    mqtt_spool_dir: Path | None = Field(
        default=None,
        description="folder of the local MQTT spool; default: 'mqtt-spool' beside a duckdb store file, "
        "'.greenpark/mqtt-spool' for PostgreSQL, a temporary folder for an in-memory store",
    )
    mqtt_spool_max_bytes: int = Field(
        default=2**30, ge=2**16, description="largest spool file; when full, messages wait at the broker (alert)"
    )
    mqtt_retry_min_s: float = Field(default=0.5, gt=0, description="first wait before a failed store write is retried")
    mqtt_retry_max_s: float = Field(default=10.0, gt=0, description="longest wait between store write retries")
    mqtt_quarantine_chars: int = Field(
        default=2_000, ge=100, description="longest topic/payload text kept for an unreadable message"
    )
    mqtt_seq_grace_s: float = Field(
        default=60.0, ge=0, description="how long a message may trail later ones before it counts as lost"
    )
    mqtt_seq_check_s: float = Field(default=10.0, gt=0, description="how often sequence gaps are looked for")
    mqtt_stop_drain_s: float = Field(
        default=10.0, ge=0, description="at shutdown, how long the spool is written to the store before stopping"
    )

    # alerts
    water_alert_window_h: float = Field(default=24.0, gt=0, description="recent analyser values the rules see")
    webhook_url: str | None = None
    webhook_timeout_s: float = Field(default=5.0, gt=0)
    webhook_retry_s: float = Field(default=10.0, gt=0)

    # read API
    read_cache_entries: int = Field(
        default=256, ge=0, description="aggregates kept per data version (0 = no cache); dropped on new data"
    )
    serve_stale_results: bool = Field(
        default=True, description="answer the last engine result while new readings are folded in (background)"
    )
    stale_recompute_min_s: float = Field(
        default=30.0,
        ge=0,
        description="seconds between the starts of two background recomputes of one stale result (new readings "
        "arriving all the time then cost one engine run per interval, not one after another)",
    )
    background_recomputes: int = Field(
        default=1, ge=1, description="engine results recomputed at once in the background (the others wait)"
    )
    warm_results: bool = Field(default=True, description="compute the last two years' results at start")
    query_max_days: float = Field(default=3_700, gt=0, description="longest range a read query may span")
    readings_max_points: int = Field(default=10_000, ge=1, description="points per series before downsampling")

    # reports (the main job run from the service)
    reports_dir: Path | None = Field(
        default=None,
        description="folder of the report runs; default: 'reports' beside a duckdb store file, "
        "'.greenpark/reports' for PostgreSQL, a temporary folder for an in-memory store",
    )
    report_workers: int = Field(default=2, ge=1, description="processes for the per-tenant solar sizing of a report")
    report_stop_wait_s: float = Field(
        default=30.0, ge=0, description="how long shutdown waits for a running report to stop at a stage boundary"
    )

    @model_validator(mode="after")
    def _check_proxies(self) -> Settings:
        # the admin password is checked against the password policy where it is used (the first operator is made
        # at start: greenpark.api.accounts.Accounts.bootstrap), like every other password
        for entry in self.trusted_proxies:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"GREENPARK_TRUSTED_PROXIES: {entry!r} is not an IP address or network; "
                    'give a JSON list such as ["10.0.0.5", "10.1.0.0/24"]'
                ) from None
        return self

    @property
    def secure_cookies(self) -> bool:
        """Whether session cookies carry ``Secure``: as set, else on unless the service listens on loopback."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.host not in LOOPBACK_HOSTS and not self.host.startswith("127.")


@lru_cache
def get_settings() -> Settings:
    """The service settings, read once (a FastAPI dependency; tests override it)."""
    return Settings()
