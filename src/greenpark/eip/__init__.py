"""The eco-industrial-park engine: a park against Decree 35/2022/ND-CP Art. 37 and the International EIP Framework
v2.0, from its own data.

- :mod:`greenpark.eip.criteria`: each criterion judged (met / not_met / unknown) with value, threshold, evidence and
  what is missing; thresholds are rows of ``reference/data/eip/criteria.csv``.
- :mod:`greenpark.eip.enterprises`: each tenant against the eco-enterprise criteria.
- :mod:`greenpark.eip.gap`: the roadmap: plan measures and symbiosis proposals that would meet each unmet criterion.
- :func:`assess_eip`: all of it for one park and year (:class:`~greenpark.eip.result.EipResult`).

The engine reads the park's optional files ``certificates``, ``recp_measures``, ``exchanges`` and
``compliance_events`` (``ParkData.tables``), park.toml ``[eip]`` (``Park.eip``) and the other engines' figures
(:class:`~greenpark.eip.evidence.EipEvidence`, built by :func:`~greenpark.eip.evidence.evidence_from`).
"""

from __future__ import annotations

import datetime as dt

from greenpark.eip.criteria import FILES, Context, evaluate, parameter
from greenpark.eip.enterprises import eco_enterprises
from greenpark.eip.evidence import EffluentYear, EipEvidence, PlanMeasure, SymbiosisProposal, evidence_from
from greenpark.eip.gap import roadmap
from greenpark.eip.result import Criterion, EcoEnterprise, EipResult, GapAction, ParkStatus
from greenpark.model import EipDeclarations, ParkData

__all__ = [
    "Criterion",
    "EcoEnterprise",
    "EffluentYear",
    "EipEvidence",
    "EipResult",
    "GapAction",
    "PlanMeasure",
    "SymbiosisProposal",
    "assess_eip",
    "evidence_from",
]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def park_status(criteria: list[Criterion]) -> tuple[ParkStatus, list[str], list[str]]:
    """Decree 35 Art. 37: ``eligible`` when every criterion is met, ``not_eligible`` when one is not met,
    otherwise ``unknown``; with the ids not met and the ids that cannot be decided."""
    d35 = [c for c in criteria if c.framework == "decree35"]
    not_met = [c.id for c in d35 if c.status == "not_met"]
    unknown = [c.id for c in d35 if c.status == "unknown"]
    status: ParkStatus = "not_eligible" if not_met else ("unknown" if unknown else "eligible")
    return status, not_met, unknown


def assess_eip(data: ParkData, year: int, evidence: EipEvidence | None = None) -> EipResult:
    """Assess the park against Decree 35/2022 Art. 37 and the EIP Framework v2.0 on its registration date.

    Parameters
    ----------
    data : ParkData
        The park, its tenants, meters and WWTPs, its tables (``certificates``, ``recp_measures``, ``exchanges``,
        ``compliance_events`` when the park has them) and ``park.eip`` (park.toml ``[eip]``).
    year : int
        The assessed year (local calendar year of the measured evidence).
    evidence : EipEvidence, optional
        The other engines' figures for the year (None: every measured criterion is unknown).

    Returns
    -------
    EipResult
        Criteria, eco-enterprises, the park's status and the roadmap. The registration date (``as_of``) is
        ``[eip] registration_date`` or 31 December of ``year``; the compliance window is the
        ``compliance_window_years`` (3) years before it (Decree 35 Art. 37(1)(a), 37(2)(a)).

    References
    ----------
    Decree 35/2022/ND-CP Arts. 2, 37, 40, 41; Circular 05/2025/TT-BKHDT Art. 2; International Framework for
    Eco-Industrial Parks v2.0 (UNIDO, World Bank, GIZ, 2021).
    """
    decl = data.park.eip or EipDeclarations()
    as_of = decl.registration_date or dt.date(year, 12, 31)
    window = _years_before(as_of, int(parameter("compliance_window_years")))
    ev = evidence or EipEvidence()
    ctx = Context(data, year, as_of, window, decl, ev)
    criteria = evaluate(ctx)
    status, not_met, unknown = park_status(criteria)
    fw = [c for c in criteria if c.framework == "framework_v2"]
    notes = []
    if status == "eligible":
        notes.append("every Decree 35 Art. 37 criterion is met on the data: the investor may register (Art. 41)")
    return EipResult(
        park_id=data.park.park_id,
        year=year,
        as_of=as_of,
        window_start=window,
        criteria=criteria,
        eco_enterprises=eco_enterprises(ctx),
        park_status=status,
        not_met=not_met,
        unknown=unknown,
        framework_summary={s: sum(1 for c in fw if c.status == s) for s in ("met", "not_met", "unknown")},
        roadmap=roadmap(ctx, criteria),
        inputs={
            **{f"{f}.csv": f in data.tables for f in FILES},
            "park.toml [eip]": data.park.eip is not None,
        },
        park={
            "name": data.park.name,
            "province": data.park.province,
            "area_ha": data.park.area_ha,
            "tenants": len(data.tenants),
            "employees": sum(t.employees for t in data.tenants),
        },
        figures={
            "electricity_kwh": ev.electricity_kwh,
            "renewable_share": ev.renewable_share,
            "energy_toe": ev.energy_toe,
            "total_tco2e": ev.total_tco2e,
            "waste_recovery_rate": ev.waste_recovery_rate,
            "wastewater_m3": ev.wastewater_m3,
        },
        dossier_sets=int(parameter("dossier_sets")),
        notes=notes,
    )
