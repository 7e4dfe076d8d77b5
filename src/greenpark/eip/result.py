"""The result of an eco-industrial-park assessment: criteria, eco-enterprises, the park's status, the roadmap.

Field names are stable (the CLI's JSON, the API, the report, the dossier render them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal["met", "not_met", "unknown"]
ParkStatus = Literal["eligible", "not_eligible", "unknown"]
Basis = Literal["measured", "declared", "measured+declared", "none"]


class Evidence(BaseModel):
    """One piece of evidence behind a criterion: a figure, rows of a park-folder file, or an engine result."""

    kind: Literal["figure", "rows", "engine", "declared"]
    text: str = Field(description="what it is, in English (renderers translate by kind and subject)")
    subject: str = Field(default="", description="file name, engine stage or park.toml key")
    lines: list[int] = Field(default_factory=list, description="file lines (header = 1) of the rows used")
    value: float | str | None = None


class Missing(BaseModel):
    """What is missing to decide a criterion: a stable code, its subject and an English sentence."""

    code: str = Field(description="eip.missing.file, eip.missing.declaration, eip.missing.engine, ...")
    subject: str = Field(description="the file, park.toml key, engine stage, year or tenant it is about")
    text: str


class Criterion(BaseModel):
    """One criterion of Decree 35/2022 Art. 37 or one requirement of the International EIP Framework v2.0."""

    id: str
    framework: Literal["decree35", "framework_v2"]
    category: str
    clause: str
    indicator: str
    status: Status
    value: float | str | None = Field(description="the park's figure (None when it cannot be told)")
    threshold: float | str | None
    comparator: str
    unit: str
    basis: Basis = Field(description="measured (readings, records, engine results), declared, or both")
    evidence: list[Evidence] = Field(default_factory=list)
    missing: list[Missing] = Field(default_factory=list)
    source: str
    confidence: str = Field(description="of the threshold row: V verified, S secondary, D derived, R recalled")


class EcoEnterprise(BaseModel):
    """A tenant against the eco-enterprise criteria (Decree 35 Art. 2(8), Art. 37(2), certified under Art. 40)."""

    tenant_id: str
    name: str
    status: Status
    sanctions_in_window: int | None
    recp_measures: int | None
    exchanges: list[str] = Field(description="operating symbiosis links (exchange ids) the tenant takes part in")
    standards: list[str] = Field(description="management-system certificates valid on the assessment date")
    missing: list[Missing] = Field(default_factory=list)


class GapAction(BaseModel):
    """One step of the EIP roadmap: what would meet an unmet criterion, with its cost and time."""

    criterion_id: str
    action: Literal["measure", "symbiosis", "declare", "resolve", "wait", "fix"]
    tenant_id: str | None = None
    description: str = Field(description="the step in English (renderers in other languages use action and subject)")
    subject: str = Field(default="", description="language-neutral: the measure, 'giver > taker: material', a date")
    measure: str | None = Field(default=None, description="the plan engine's measure code")
    material: str | None = Field(default=None, description="the exchanged material (symbiosis steps)")
    taker: str | None = Field(default=None, description="the receiving tenant (symbiosis steps)")
    capex_vnd: float | None = Field(default=None, description="one-off cost, VND")
    annual_cost_vnd: float | None = Field(
        default=None, description="annualised cost net of savings, VND/yr (negative: it pays)"
    )
    months: float | None = Field(default=None, description="months from decision to operation (eip/lead_times)")
    effect: float | None = Field(default=None, description="the criterion's value after this step (cumulative)")
    source: str = ""


class EipResult(BaseModel):
    """A park against Decree 35/2022 Art. 37 and the International EIP Framework v2.0, for one year."""

    park_id: str
    year: int
    as_of: dt.date = Field(description="the registration date the criteria are judged on")
    window_start: dt.date = Field(description="start of the 3-year compliance window (exclusive)")
    criteria: list[Criterion]
    eco_enterprises: list[EcoEnterprise]
    park_status: ParkStatus = Field(description="Decree 35 Art. 37: eligible to apply, not eligible, or unknown")
    not_met: list[str] = Field(description="Decree 35 criteria not met (ids)")
    unknown: list[str] = Field(description="Decree 35 criteria that cannot be decided (ids)")
    framework_summary: dict[str, int] = Field(description="Framework v2.0 requirements by status")
    roadmap: list[GapAction]
    inputs: dict[str, Any] = Field(description="which optional files and declarations the park has")
    park: dict[str, Any] = Field(default_factory=dict, description="name, province, area_ha, tenants, employees")
    figures: dict[str, float | None] = Field(
        default_factory=dict, description="the measured figures the criteria use (the other engines' results)"
    )
    dossier_sets: int | None = Field(default=None, description="sets of the dossier to submit (Art. 41(1))")
    notes: list[str] = Field(default_factory=list)
