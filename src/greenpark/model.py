"""Domain objects of a park: what does not change from one reading to the next.

These are validated on construction (pydantic). Time series and record tables
(readings, fuels, production, wastewater samples, waste records) travel as pandas
DataFrames whose columns are documented in ``docs/park-folder.md``; the
:class:`ParkData` container holds both. No I/O here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from greenpark.units import parse_unit


class Sector(StrEnum):
    """Tenant sectors of a southern Vietnamese industrial park (VSIC 2018 divisions in docs)."""

    electronics = "electronics"
    automotive_parts = "automotive_parts"
    food_beverage = "food_beverage"
    textile_garment = "textile_garment"
    plastics_rubber = "plastics_rubber"
    metal_fabrication = "metal_fabrication"
    chemicals = "chemicals"
    logistics = "logistics"
    other = "other"


class VoltageLevel(StrEnum):
    """Supply voltage band, as the EVN retail tariff distinguishes them."""

    ge_110kv = ">=110kV"
    kv_22_110 = "22-110kV"
    kv_6_22 = "6-22kV"
    lt_6kv = "<6kV"


class MeterKind(StrEnum):
    """What a meter measures. Electricity meters count kWh, water meters m3."""

    electricity_import = "electricity_import"
    electricity_export = "electricity_export"
    pv_generation = "pv_generation"
    water_supply = "water_supply"
    wastewater_discharge = "wastewater_discharge"

    @property
    def dimension(self) -> str:
        """``energy`` for electricity meters, ``volume`` for water meters."""
        return "volume" if self in (MeterKind.water_supply, MeterKind.wastewater_discharge) else "energy"


class Treatment(StrEnum):
    """WWTP treatment type, named after the IPCC 2006 Vol.5 Ch.6 Table 6.8 MCF classes."""

    aerobic_well_managed = "aerobic_well_managed"
    aerobic_overloaded = "aerobic_overloaded"
    anaerobic_reactor = "anaerobic_reactor"
    anaerobic_digester = "anaerobic_digester"
    anaerobic_lagoon_shallow = "anaerobic_lagoon_shallow"
    anaerobic_lagoon_deep = "anaerobic_lagoon_deep"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _listed(v: object) -> object:
    """A list given as one text (a workbook cell): ``"electricity|water"`` or ``"electricity, water"``."""
    if isinstance(v, str):
        return [x.strip() for x in v.replace("|", ",").split(",") if x.strip()]
    return v


class EipDeclarations(_Model):
    """What the park declares for the eco-industrial-park assessment (``park.toml`` ``[eip]``): facts about the park
    that no reading measures (Decree 35/2022/ND-CP Art. 37(1); the International EIP Framework v2.0).

    A document item (``coordination_mechanism``, ``master_plan`` ...) is ``None`` when not declared (the criterion is
    then unknown), ``False`` when the park declares it has none, and ``True`` or the document's reference when it has
    one. Lists (``basic_services``, ``management_system``, ``social_infrastructure``) name what the park has.
    """

    registration_date: dt.date | None = Field(
        default=None, description="date the park registers (or plans to); default: the last day of the assessed year"
    )
    basic_services: list[str] | None = Field(
        default=None, description="basic services the investor provides (names of reference/data/eip/basic_services)"
    )
    coordination_mechanism: bool | str | None = None
    management_entity: bool | str | None = None
    management_system: list[str] | None = Field(default=None, description="the park's certified systems, 'ISO 14001'")
    master_plan: bool | str | None = None
    green_space_ha: float | None = Field(default=None, ge=0)
    shared_infrastructure_ha: float | None = Field(default=None, ge=0)
    water_reused_m3: float | None = Field(default=None, ge=0, description="treated wastewater reused in the year")
    social_management_system: bool | str | None = None
    social_infrastructure: list[str] | None = None
    community_dialogue: bool | str | None = None
    local_business_programme: bool | str | None = None
    economic_value_monitored: bool | str | None = None

    @field_validator("basic_services", "management_system", "social_infrastructure", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        return _listed(v)


class Park(_Model):
    """An industrial park: where it is, its clock, its money and its targets.

    ``targets`` maps a target name to ``{year: value}``, e.g.
    ``{"ghg_reduction_pct": {2030: 30.0, 2050: 100.0}, "renewable_share_pct": {2030: 30.0}}``;
    reductions are against ``baseline_year`` (default: the first year with data).
    """

    park_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    province: str = ""
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    timezone: str = "Asia/Ho_Chi_Minh"
    currency: str = Field(default="VND", pattern=r"^[A-Z]{3}$")
    area_ha: float = Field(gt=0)
    baseline_year: int | None = None
    targets: dict[str, dict[int, float]] = Field(default_factory=dict)
    eip: EipDeclarations | None = Field(default=None, description="park.toml [eip]: the eco-industrial-park facts")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}; use an IANA name such as 'Asia/Ho_Chi_Minh'") from exc
        return v

    @property
    def zone(self) -> ZoneInfo:
        """The park's time zone, in which days, months and tariff bands are cut."""
        return ZoneInfo(self.timezone)


class Tenant(_Model):
    """A tenant factory (or warehouse) of the park."""

    tenant_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    sector: Sector
    vsic: str = Field(default="", description="VSIC 2018 code (Decision 27/2018/QD-TTg), e.g. '2610'")
    floor_area_m2: float = Field(gt=0)
    employees: int = Field(ge=0)
    voltage_level: VoltageLevel
    decree06_listed: bool | None = Field(
        default=None, description="in the Prime Minister's list of facilities that must inventory (None = unknown)"
    )


class Roof(_Model):
    """A roof (or roof face) where PV may go."""

    roof_id: str = Field(min_length=1)
    tenant_id: str
    area_m2: float = Field(gt=0)
    tilt_deg: float = Field(ge=0, le=90)
    azimuth_deg: float = Field(ge=0, lt=360, description="degrees clockwise from north; 180 = south")
    usable_fraction: float = Field(gt=0, le=1)


class Meter(_Model):
    """A meter: electricity or water, interval values or a cumulative register.

    ``tenant_id`` None means a park common meter (street lighting, the WWTP,
    the park office); ``wwtp_id`` marks the meter that feeds a WWTP.
    ``register_max`` is the value at which a cumulative register rolls over to 0
    (e.g. 99,999,999 kWh for an 8-digit register); None means "unknown", in which
    case a drop is reported as a reset, not repaired. ``max_kw`` (electricity: the
    largest power the connection can draw) or ``max_per_interval`` (in the meter's unit)
    bound a plausible reading (:mod:`greenpark.io.plausibility`); ``interval_min`` is
    the reading interval (None: the meter's most common step).
    """

    meter_id: str = Field(min_length=1)
    tenant_id: str | None = None
    kind: MeterKind
    unit: str
    cumulative: bool = False
    register_max: float | None = Field(default=None, gt=0)
    wwtp_id: str | None = None
    max_kw: float | None = Field(default=None, gt=0)
    max_per_interval: float | None = Field(default=None, gt=0)
    interval_min: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _unit_fits_kind(self) -> Meter:
        parse_unit(self.unit, self.kind.dimension)
        return self


class Wwtp(_Model):
    """A central wastewater treatment plant and the standard its outlet must meet.

    Either ``kq``/``kf`` are given, or the receiving-water data from which the
    ``water`` engine derives them (QCVN 40:2011 §2.3): ``receiving_water``
    (river, lake, coastal_protected, coastal_other), ``receiving_flow_m3_per_s``
    (rivers: mean flow of the 3 driest months) or ``receiving_volume_m3`` (lakes).
    """

    wwtp_id: str = Field(min_length=1)
    name: str
    capacity_m3_per_day: float = Field(gt=0)
    treatment: Treatment
    standard: str = Field(pattern=r"^QCVN40:(2011|2025)$")
    column: str = Field(pattern=r"^[ABC]$")
    kq: float | None = Field(default=None, gt=0)
    kf: float | None = Field(default=None, gt=0)
    receiving_water: str | None = None
    receiving_flow_m3_per_s: float | None = Field(default=None, ge=0)
    receiving_volume_m3: float | None = Field(default=None, ge=0)
    commissioned: dt.date | None = None


#: The columns of a rejected row, one list for the readers that reject rows (:mod:`greenpark.io.quarantine`) and
#: the stores that keep them (the quarantine table): it lives here, below both layers.
REJECT_COLUMNS = ["file", "line", "field", "value", "reason", "raw"]


@dataclass
class ParkData:
    """Everything known about a park except its meter readings.

    Tables (DataFrames; columns in ``docs/park-folder.md``): ``fuels``,
    ``refrigerants``, ``production``, ``wastewater`` (lab samples and analyser
    values), ``waste``, ``symbiosis``, ``manifests``, ``connection_limits``.
    Readings live in the store; a small ``readings`` frame may ride along in tests.
    """

    park: Park
    tenants: list[Tenant] = field(default_factory=list)
    roofs: list[Roof] = field(default_factory=list)
    meters: list[Meter] = field(default_factory=list)
    wwtps: list[Wwtp] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """A record table by name, or an empty frame when the park has none."""
        return self.tables.get(name, pd.DataFrame())
