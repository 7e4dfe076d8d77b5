"""Service settings for ``greenpark serve`` (pydantic-settings, ``GREENPARK_`` environment).

Configuration flows one way: these settings (environment, ``.env``) → the service →
explicit arguments to the store and engines. Engines never read the environment.

Every operational threshold of the service (login rate limit, session lifetime,
batch limits, MQTT topic scheme) is a field here, not a literal in code. Domain
numbers (limits, factors) stay in ``greenpark.reference``.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

PLACEHOLDER_SECRETS = frozenset({"", "changethis", "change-me", "secret"})


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

    # bootstrap: the first operator, created at start when the store has no user yet
    admin_username: str = "admin"
    admin_password: str = Field(default="changethis", repr=False)

    # sessions and tokens
    session_cookie: str = "greenpark_session"
    csrf_cookie: str = "greenpark_csrf"
    session_hours: float = Field(default=12.0, gt=0)
    cookie_secure: bool = False
    scrypt_n: int = Field(default=2**14, ge=2**10, description="scrypt cost parameter for passwords")

    # login rate limit: at most `login_max_attempts` failed logins per username+client in the window
    login_max_attempts: int = Field(default=5, ge=1)
    login_max_attempts_per_client: int = Field(default=20, ge=1, description="failed logins per address, any user")
    login_window_s: float = Field(default=300.0, gt=0)

    # ingestion
    ingest_max_rows: int = Field(default=200_000, ge=1, description="largest batch accepted in one request")
    ingest_max_bytes: int = Field(default=64 * 2**20, ge=1, description="largest request body for a batch")
    mqtt_enabled: bool = False
    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = 1883
    mqtt_topic_prefix: str = "greenpark"
    mqtt_client_id: str = "greenpark-ingest"
    mqtt_username: str | None = None
    mqtt_password: str | None = Field(default=None, repr=False)
    mqtt_batch_max: int = Field(default=5_000, ge=1, description="readings written per store transaction")
    mqtt_batch_wait_s: float = Field(default=0.05, ge=0, description="longest wait to fill a write batch")

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
    def _refuse_placeholder_secret(self) -> Settings:
        if self.admin_password in PLACEHOLDER_SECRETS:
            if self.environment == "production":
                raise ValueError(
                    "GREENPARK_ADMIN_PASSWORD is a placeholder; set a real password before running "
                    "with GREENPARK_ENVIRONMENT=production"
                )
            log.warning("GREENPARK_ADMIN_PASSWORD is a placeholder: fine for development, not for production")
        return self


@lru_cache
def get_settings() -> Settings:
    """The service settings, read once (a FastAPI dependency; tests override it)."""
    return Settings()
