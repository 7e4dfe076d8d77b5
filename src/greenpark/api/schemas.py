"""Request and response bodies of the API (one set per resource: ``XCreate``, ``XPublic``, ``XsPublic``).

Secrets appear only where they must: ``UserCreate.password`` is input only, a token's
plain value is returned once by ``TokenCreated`` and never again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from greenpark.api.accounts import Role
from greenpark.solar.portfolio import TenantSolar
from greenpark.solar.pv import RoofResult


class Message(BaseModel):
    """A short confirmation."""

    message: str


class LoginIn(BaseModel):
    """Credentials for a browser session."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class UserPublic(BaseModel):
    """A user as the API shows it (no password, no token)."""

    user_id: str
    username: str
    role: Role
    park_id: str | None = None
    tenant_id: str | None = None
    meter_ids: list[str] = Field(default_factory=list)
    active: bool = True
    province: str | None = Field(default=None, description="an authority's province: it reads every park of it")


class LoginOut(BaseModel):
    """A new session: the cookie is set; ``csrf_token`` goes in ``X-CSRF-Token`` on writes."""

    user: UserPublic
    csrf_token: str
    expires_at: dt.datetime


class UserCreate(BaseModel):
    """A new user (operator only). Devices have no password: give them a token."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: Role
    password: str | None = Field(
        default=None, max_length=1000, description="12 characters or more (setting password_min_length), not common"
    )
    park_id: str | None = Field(default=None, max_length=200)
    tenant_id: str | None = Field(default=None, max_length=200)
    meter_ids: list[str] = Field(default_factory=list, max_length=10_000)
    province: str | None = Field(
        default=None,
        max_length=200,
        description="authority only: the province it oversees (it reads every park whose park.province is this one)",
    )


class UsersPublic(BaseModel):
    """A page of users."""

    data: list[UserPublic]
    count: int


class TokenCreate(BaseModel):
    """Ask for an API token for yourself, or (operator) for another user."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=200)
    user_id: str | None = Field(default=None, max_length=64)
    expires_at: dt.datetime | None = Field(
        default=None, description="default: the token_days setting from now (90 days); at most token_max_days"
    )


class TokenCreated(BaseModel):
    """The plain token, shown this once; only its hash is kept."""

    token: str
    user_id: str
    name: str
    expires_at: dt.datetime | None = None


class TokenPublic(BaseModel):
    """An API token as listed: its id (a prefix of its hash), owner and name; never the token."""

    token_id: str
    user_id: str
    username: str
    name: str | None = None
    created_at: dt.datetime
    expires_at: dt.datetime | None = None


class TokensPublic(BaseModel):
    """Live API tokens."""

    data: list[TokenPublic]
    count: int


class SessionPublic(BaseModel):
    """An open browser session: its id (a prefix of its hash), owner and lifetime; ``current``: the caller's."""

    session_id: str
    user_id: str
    username: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
    current: bool = False


class SessionsPublic(BaseModel):
    """Open browser sessions."""

    data: list[SessionPublic]
    count: int


class PasswordChange(BaseModel):
    """Change your own password: the current one, and the new one (the password policy applies)."""

    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(min_length=1, max_length=1000)


class PasswordReset(BaseModel):
    """An operator sets another user's password (the password policy applies; the user's sessions end)."""

    model_config = ConfigDict(extra="forbid")
    new_password: str = Field(min_length=1, max_length=1000)


class UserUpdate(BaseModel):
    """Deactivate (``active: false``: every token and session of the user ends) or reactivate a user."""

    model_config = ConfigDict(extra="forbid")
    active: bool


class ParkPublic(BaseModel):
    """A park's identity."""

    park_id: str
    name: str
    province: str
    latitude: float
    longitude: float
    timezone: str
    currency: str
    area_ha: float
    baseline_year: int | None = None
    targets: dict[str, dict[int, float]] = Field(default_factory=dict)


class ParksPublic(BaseModel):
    """The parks the caller may see."""

    data: list[ParkPublic]
    count: int


class TenantPublic(BaseModel):
    """A tenant factory."""

    tenant_id: str
    name: str
    sector: str
    vsic: str
    floor_area_m2: float
    employees: int
    voltage_level: str


class TenantsPublic(BaseModel):
    """A page of tenants."""

    data: list[TenantPublic]
    count: int


class MeterPublic(BaseModel):
    """A meter."""

    meter_id: str
    tenant_id: str | None
    kind: str
    unit: str
    cumulative: bool
    register_max: float | None = None
    wwtp_id: str | None = None


class MetersPublic(BaseModel):
    """A page of meters."""

    data: list[MeterPublic]
    count: int


class ReadingPoint(BaseModel):
    """One value of a series: interval start (UTC) and value (kWh or m3; summed when downsampled)."""

    ts: dt.datetime
    value: float


class ReadingsPublic(BaseModel):
    """A meter's series over a range, possibly downsampled to ``grain``."""

    meter_id: str
    unit: str
    grain: str
    start: dt.datetime
    end: dt.datetime
    data: list[ReadingPoint]
    count: int


class ConsumptionRow(BaseModel):
    """Consumption of one tenant (or the park's common meters: tenant_id null) and meter kind in a period."""

    tenant_id: str | None
    kind: str
    period_start: dt.datetime
    value: float
    n_values: int


class TenantSolarPublic(BaseModel):
    """One tenant's solar offer: the PV + battery optimum (solar engine's ``TenantSolar``) and its roofs' potential."""

    park_id: str
    tenant_id: str
    year: int
    estimate: bool = Field(description="PV output from an estimated typical year (no weather file): not bankable")
    offer: TenantSolar | None = Field(description="the optimum; None when the tenant could not be sized (see notes)")
    roofs: list[RoofResult]
    roof_limit_kwp: float
    roof_annual_kwh: float
    notes: list[str]
    assumptions: dict[str, Any]


class MeterGapPublic(BaseModel):
    """One meter's expected vs received intervals in a period and its longest gap (``Store.meter_gaps``)."""

    meter_id: str
    tenant_id: str | None
    kind: str
    step_s: float | None = Field(description="the meter's interval (its most frequent spacing), seconds")
    expected: int | None
    received: int
    missing: int | None
    missing_share: float | None
    gap_start: dt.datetime | None
    gap_end: dt.datetime | None
    gap_hours: float | None


class MeterGapsPublic(BaseModel):
    """Meters with gaps, worst first."""

    start: dt.datetime
    end: dt.datetime
    data: list[MeterGapPublic]
    count: int


class ConsumptionPublic(BaseModel):
    """Consumption per period, cut in the park's local time."""

    grain: str
    start: dt.datetime
    end: dt.datetime
    data: list[ConsumptionRow]
    count: int


class IngestRejected(BaseModel):
    """A rejected row: where it was in the batch and why."""

    file: str
    line: str
    field: str
    value: str
    reason: str
    raw: str


class IngestReportPublic(BaseModel):
    """What happened to a batch: received = accepted + rejected + held_out.

    ``held_out``: readings beyond their meter's plausible bound (VEE), kept apart with the reason (the quality page,
    ``greenpark accept``). ``summarised``: rejected rows kept in the quarantine within summary rows, not one by one
    (the sender was over its quarantine budget).
    """

    received: int
    accepted: int
    rejected: int
    held_out: int = 0
    summarised: int = 0
    rejects: list[IngestRejected]
    alerts_opened: list[str]


class QuarantinePublic(BaseModel):
    """Rejected rows kept for a park (imports and live ingestion)."""

    data: list[dict[str, Any]]
    count: int


class AlertPublic(BaseModel):
    """An alert and its life: open → acknowledged → closed."""

    alert_id: str
    park_id: str
    rule: str
    subject: str
    tenant_id: str | None = None
    severity: str
    message: str
    state: Literal["open", "acknowledged", "closed"]
    first_ts: dt.datetime | None = None
    last_ts: dt.datetime | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    opened_at: dt.datetime
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    pushed_at: dt.datetime | None = None


class AlertsPublic(BaseModel):
    """A page of alerts, newest first."""

    data: list[AlertPublic]
    count: int


class OverviewPublic(BaseModel):
    """The park at a glance for one year (a tenant sees only its own figures)."""

    park_id: str
    name: str
    year: int
    scope: Literal["park", "tenant"]
    tenant_id: str | None = None
    tenants: int
    meters: int
    consumption_by_kind: dict[str, float]
    month_consumption_by_tenant: list[ConsumptionRow]
    open_alerts: int
    results: dict[str, Any] = Field(default_factory=dict)


class Ready(BaseModel):
    """The service is ready: every dependency checked (``store``, and ``mqtt`` when configured) answers."""

    status: str
    checks: list[str]


class Health(BaseModel):
    """Liveness and what the service is connected to."""

    status: str
    store: str
    mqtt: bool
    mqtt_messages_written: int = 0
    mqtt_readings_written: int = 0
    mqtt_stats: dict[str, Any] | None = Field(
        default=None,
        description="this process's MQTT ingestion: client_id, connected, received, acknowledged, written, "
        "readings_written, quarantined, dead_letters, repeated, store_retries, store_failing, "
        "spool_pending_bytes, spool_full, sequence_gaps, messages_missing",
    )
    version: str


class WwtpPublic(BaseModel):
    """A WWTP and the standard its outlet must meet."""

    wwtp_id: str
    name: str
    capacity_m3_per_day: float
    treatment: str
    standard: str
    column: str
    kq: float | None = None
    kf: float | None = None


class WwtpsPublic(BaseModel):
    """The park's WWTPs."""

    data: list[WwtpPublic]
    count: int
