"""Each criterion of Decree 35/2022/ND-CP Art. 37 and each requirement of the International EIP Framework v2.0,
judged on the park's data: status ``met`` / ``not_met`` / ``unknown``, the value against the threshold, the
evidence and what is missing to decide.

Thresholds, clauses and sources are rows of ``reference/data/eip/criteria.csv``; the basic services of Art.
37(1)(b) and the management-system standards of Art. 37(2)(b) are ``eip/basic_services.csv`` and
``eip/management_standards.csv``. A criterion whose input is absent is ``unknown`` and says which input decides
it; one whose input is present but falls short is ``not_met``.

References
----------
Decree 35/2022/ND-CP of 28 May 2022 on industrial parks and economic zones, Arts. 2(5), 2(8), 37, 40, 41.
Circular 05/2025/TT-BKHDT of 24 Jan 2025, Art. 2(1) (what counts as industrial symbiosis).
UNIDO, World Bank, GIZ (2021). An International Framework for Eco-Industrial Parks, Version 2.0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from greenpark.eip.evidence import EipEvidence
from greenpark.eip.result import Criterion, Evidence, Missing, Status
from greenpark.errors import UnknownUnitError
from greenpark.model import EipDeclarations, ParkData
from greenpark.reference import load_table, lookup
from greenpark.units import conversion_factor

#: the optional park-folder files the assessment reads
FILES = ("certificates", "recp_measures", "exchanges", "compliance_events")


@lru_cache(maxsize=1)
def criteria_table() -> pd.DataFrame:
    """The criteria rows (``eip/criteria.csv``), indexed by criterion_id."""
    return load_table("eip/criteria").set_index("criterion_id")


def parameter(name: str) -> float:
    """A row of ``eip/parameters`` (compliance_window_years, effluent_years, dossier_sets)."""
    return lookup("eip/parameters", parameter=name).value


def management_standards() -> pd.DataFrame:
    """Standards accepted as management systems (Art. 37(2)(b)), with ``park_ems`` for the park's own EMS."""
    return load_table("eip/management_standards")


def standard_key(text: object) -> str:
    """How a standard is matched: ``ISO14001:2015``, ``iso 14001`` and ``ISO 14001`` are one standard."""
    t = "".join(str(text).upper().split())
    return t.split(":", 1)[0]


def declared(value: object) -> bool | None:
    """A declared document item: None (not declared), False (declared absent), True (has it)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("", "no", "false", "0", "none", "không")


@dataclass(frozen=True)
class Context:
    """What every criterion is judged on: the park, the date, the window, the four files and the evidence."""

    data: ParkData
    year: int
    as_of: dt.date
    window_start: dt.date
    decl: EipDeclarations
    evidence: EipEvidence

    def has(self, name: str) -> bool:
        return name in self.data.tables

    def table(self, name: str) -> pd.DataFrame:
        return self.data.table(name)

    @property
    def tenant_ids(self) -> list[str]:
        return [t.tenant_id for t in self.data.tenants]

    def sanctions(self) -> pd.DataFrame:
        """Compliance events with a sanction decision dated in (window_start, as_of]."""
        ev = self.table("compliance_events")
        if ev.empty:
            return ev
        day = _day(ev["date"])
        has_decision = ev["decision"].notna() & ev["decision"].astype(str).str.strip().ne("")
        return ev[has_decision & (day > pd.Timestamp(self.window_start)) & (day <= pd.Timestamp(self.as_of))]

    def valid_certificates(self) -> pd.DataFrame:
        """Certificates of an accepted standard valid on ``as_of``, with ``standard_key``."""
        c = self.table("certificates")
        if c.empty:
            return c.assign(standard_key=pd.Series(dtype=str))
        known = set(management_standards()["standard"].map(standard_key))
        c = c.assign(standard_key=c["standard"].map(standard_key))
        on = pd.Timestamp(self.as_of)
        return c[c["standard_key"].isin(known) & (_day(c["valid_from"]) <= on) & (_day(c["valid_to"]) >= on)]

    def operating_exchanges(self) -> pd.DataFrame:
        """Exchanges operating on ``as_of`` (since <= as_of, no end or an end on or after it)."""
        x = self.table("exchanges")
        if x.empty:
            return x
        on = pd.Timestamp(self.as_of)
        until = _day(x["until"])
        return x[(_day(x["since"]) <= on) & (until.isna() | (until >= on))]

    def recp_tenants(self) -> pd.DataFrame:
        """RECP measures in operation on ``as_of`` by tenants of the park."""
        r = self.table("recp_measures")
        if r.empty:
            return r
        return r[_day(r["implemented_on"]) <= pd.Timestamp(self.as_of)]


def _day(series: pd.Series) -> pd.Series:
    """A column of dates (date objects, ISO text or timestamps) as naive day timestamps (NaT where empty)."""
    return pd.to_datetime(series.astype(object).where(series.notna(), None), errors="coerce").dt.normalize()


def _lines(df: pd.DataFrame) -> list[int]:
    return sorted(int(x) for x in df["line"].dropna()) if "line" in df and len(df) else []


def _missing_file(name: str) -> Missing:
    return Missing(
        code="eip.missing.file",
        subject=f"{name}.csv",
        text=f"{name}.csv is not in the park folder; add it (greenpark template shows its columns)",
    )


def _missing_decl(key: str) -> Missing:
    return Missing(
        code="eip.missing.declaration",
        subject=f"[eip] {key}",
        text=f"park.toml [eip] {key} is not declared; declare it (docs/park-folder.md#eip)",
    )


def _missing_engine(stage: str, ctx: Context) -> Missing:
    why = ctx.evidence.stages.get(stage, "no result")
    return Missing(code="eip.missing.engine", subject=stage, text=f"the {stage} result is not available: {why}")


def _compare(value: float, comparator: str, threshold: float) -> bool:
    if comparator == ">=":
        return value >= threshold - 1e-12
    if comparator == "<=":
        return value <= threshold + 1e-12
    return abs(value - threshold) < 1e-12


@dataclass
class Judged:
    """What a criterion function finds; :func:`evaluate` adds the row's clause, threshold and source."""

    status: Status
    value: float | str | None
    basis: str
    evidence: list[Evidence]
    missing: list[Missing]
    threshold: float | str | None = None  # overrides the row's (park_target criteria)


def _by_value(row: pd.Series, value: float | None, basis: str, evidence: list[Evidence], missing: list[Missing]):
    if value is None:
        return Judged("unknown", None, basis, evidence, missing)
    ok = _compare(float(value), str(row["comparator"]), float(row["value"]))
    return Judged("met" if ok else "not_met", float(value), basis, evidence, missing)


# --- Decree 35/2022 Art. 37 -------------------------------------------------------------------------------------


def _sanctions(ctx: Context, row: pd.Series, who: str) -> Judged:
    if not ctx.has("compliance_events"):
        return Judged("unknown", None, "declared", [], [_missing_file("compliance_events")])
    s = ctx.sanctions()
    tenant = s["tenant_id"].fillna("").astype(str).str.strip()
    if who == "investor":
        s = s[tenant.eq("")]
        value = float(len(s))
    elif who == "tenants":
        s = s[tenant.ne("")]
        value = float(s["tenant_id"].nunique())
    else:
        value = float(len(s))
    ev = [
        Evidence(
            kind="rows",
            text=f"sanction decisions dated {ctx.window_start} (excl.) to {ctx.as_of}",
            subject="compliance_events.csv",
            lines=_lines(s),
            value=value,
        )
    ]
    return _by_value(row, value, "declared", ev, [])


def investor_compliance(ctx: Context, row: pd.Series) -> Judged:
    """Art. 37(1)(a): no sanction of the infrastructure investor in the 3 years before registration."""
    return _sanctions(ctx, row, "investor")


def tenant_compliance(ctx: Context, row: pd.Series) -> Judged:
    """Art. 37(2)(a): no enterprise of the park sanctioned in the 3 years (value: enterprises sanctioned)."""
    return _sanctions(ctx, row, "tenants")


def basic_services(ctx: Context, row: pd.Series) -> Judged:
    """Art. 37(1)(b): every basic service provided; measured where the park has the plant or meter, else declared."""
    services = load_table("eip/basic_services")
    kinds = {m.kind.value for m in ctx.data.meters}
    measured = {
        "electricity_meter": "electricity_import" in kinds,
        "water_meter": "water_supply" in kinds,
        "wwtp": bool(ctx.data.wwtps),
    }
    listed = {str(s).strip().lower() for s in ctx.decl.basic_services} if ctx.decl.basic_services is not None else None
    ev, missing, absent = [], [], []
    basis = set()
    for s in services.itertuples(index=False):
        how = str(s.evidence) if isinstance(s.evidence, str) else ""
        if how and measured.get(how):
            basis.add("measured")
            what = {"wwtp": "wwtp.csv", "electricity_meter": "meters.csv", "water_meter": "meters.csv"}[how]
            ev.append(Evidence(kind="figure", text=f"{s.service}: in the park's data", subject=what, value=s.service))
        elif listed is not None and s.service in listed:
            basis.add("declared")
            ev.append(Evidence(kind="declared", text=f"{s.service}: declared", subject="[eip] basic_services"))
        elif listed is not None:
            absent.append(s.service)
        else:
            missing.append(_missing_decl(f"basic_services ({s.service})"))
    b = "measured+declared" if len(basis) == 2 else (basis.pop() if basis else "declared")
    if missing:
        return Judged("unknown", None, b, ev, missing)
    ev.append(Evidence(kind="figure", text="services not provided", value=", ".join(absent) or "none"))
    return _by_value(row, float(len(absent)), b, ev, [])


def _declared_item(key: str) -> Callable[[Context, pd.Series], Judged]:
    def judge(ctx: Context, row: pd.Series) -> Judged:
        v = declared(getattr(ctx.decl, key))
        if v is None:
            return Judged("unknown", None, "declared", [], [_missing_decl(key)])
        raw = getattr(ctx.decl, key)
        ev = [Evidence(kind="declared", text=f"{key}: {raw}", subject=f"[eip] {key}", value=str(raw))]
        return _by_value(row, 1.0 if v else 0.0, "declared", ev, [])

    judge.__doc__ = f"A declared fact: park.toml [eip] {key}."
    return judge


def _participants(x: pd.DataFrame, tenants: set[str]) -> pd.DataFrame:
    """Operating exchanges between two tenants of the park (Circular 05/2025 Art. 2(1): among the park's
    enterprises), with ``participants`` (the two tenant ids)."""
    if x.empty:
        return x.assign(participants=pd.Series(dtype=object))
    giver = x["from_tenant_id"].fillna("").astype(str)
    taker = x["to_tenant_id"].fillna("").astype(str)
    inside = giver.isin(tenants) & taker.isin(tenants) & giver.ne(taker)
    out = x[inside]
    return out.assign(participants=[(g, t) for g, t in zip(giver[inside], taker[inside], strict=True)])


def symbiosis(ctx: Context, row: pd.Series) -> Judged:
    """Art. 37(2)(b): at least one symbiosis link in operation whose participants hold a valid ISO certificate."""
    if not ctx.has("exchanges"):
        return Judged("unknown", None, "measured", [], [_missing_file("exchanges")])
    links = _participants(ctx.operating_exchanges(), set(ctx.tenant_ids))
    ev = [
        Evidence(
            kind="rows",
            text=f"exchanges between two tenants operating on {ctx.as_of}",
            subject="exchanges.csv",
            lines=_lines(links),
            value=float(len(links)),
        )
    ]
    if links.empty:
        return _by_value(row, 0.0, "measured", ev, [])
    if not ctx.has("certificates"):
        return Judged("unknown", None, "measured", ev, [_missing_file("certificates")])
    certs = ctx.valid_certificates()
    holders = set(certs["tenant_id"].dropna().astype(str))
    good, missing = [], []
    for xid, pair in zip(links["exchange_id"], links["participants"], strict=True):
        lacking = [t for t in pair if t not in holders]
        if lacking:
            missing.extend(
                Missing(
                    code="eip.missing.certificate",
                    subject=t,
                    text=f"{t} (exchange {xid}) holds no valid management-system certificate on {ctx.as_of}",
                )
                for t in lacking
            )
        else:
            good.append(xid)
    used = certs[certs["tenant_id"].astype(str).isin({t for p in links["participants"] for t in p})]
    ev.append(
        Evidence(
            kind="rows",
            text=f"certificates valid on {ctx.as_of} of the participants",
            subject="certificates.csv",
            lines=_lines(used),
            value=", ".join(good) or "none",
        )
    )
    return _by_value(row, float(len(good)), "measured", ev, missing if not good else [])


def recp_share(ctx: Context, row: pd.Series) -> Judged:
    """Art. 37(2)(c): share of the park's enterprises applying at least one RECP solution."""
    if not ctx.has("recp_measures"):
        return Judged("unknown", None, "measured", [], [_missing_file("recp_measures")])
    n = len(ctx.tenant_ids)
    if n == 0:
        return Judged("unknown", None, "measured", [], [_missing_file("tenants")])
    r = ctx.recp_tenants()
    applying = r["tenant_id"].astype(str).nunique() if len(r) else 0
    verified = int(r["evidence"].fillna("").astype(str).str.startswith("savings:").sum()) if len(r) else 0
    ev = [
        Evidence(
            kind="rows",
            text=f"{applying} of {n} enterprises apply RECP on {ctx.as_of} ({verified} measures with verified savings)",
            subject="recp_measures.csv",
            lines=_lines(r),
            value=float(applying),
        )
    ]
    return _by_value(row, applying / n, "measured", ev, [])


# --- International EIP Framework v2.0 ---------------------------------------------------------------------------


def all_compliance(ctx: Context, row: pd.Series) -> Judged:
    """Prerequisite: no sanction of the investor or any tenant in the window."""
    return _sanctions(ctx, row, "all")


def effluent(ctx: Context, row: pd.Series) -> Judged:
    """Prerequisite: the central WWTP's effluent within QCVN 40 in each of the last 3 years (exceedance events)."""
    if not ctx.data.wwtps:
        return Judged("unknown", None, "measured", [], [_missing_file("wwtp")])
    years = range(ctx.year - int(parameter("effluent_years")) + 1, ctx.year + 1)
    ev, missing, worst = [], [], 0
    for y in years:
        e = ctx.evidence.effluent.get(y)
        if e is None:
            missing.append(Missing(code="eip.missing.year", subject=str(y), text=f"no wastewater records for {y}"))
            continue
        worst = max(worst, e.exceedance_events)
        ev.append(
            Evidence(
                kind="engine",
                text=f"{y}: {e.exceedance_events} exceedance events, compliance rate {e.compliance_rate}",
                subject="water",
                value=float(e.exceedance_events),
            )
        )
    if worst > float(row["value"]):
        return Judged("not_met", float(worst), "measured", ev, [])
    if missing:
        return Judged("unknown", float(worst) if ev else None, "measured", ev, missing)
    return _by_value(row, float(worst), "measured", ev, [])


def monitoring(ctx: Context, row: pd.Series) -> Judged:
    """Park management: energy, water, waste and emissions monitored in the year (each engine gave a result)."""
    e = ctx.evidence
    flows = {
        "energy": e.electricity_kwh is not None,
        "emissions": e.total_tco2e is not None,
        "water": e.effluent.get(ctx.year) is not None,
        "waste": e.waste_total_t is not None,
    }
    stage = {"energy": "inventory", "emissions": "inventory", "water": "water", "waste": "waste"}
    ev = [Evidence(kind="engine", text=f"{k}: {'monitored' if v else 'no result'}", subject=stage[k]) for k, v in
          flows.items()]  # fmt: skip
    absent = [k for k, v in flows.items() if not v]
    return _by_value(row, float(len(absent)), "measured", ev, [_missing_engine(stage[k], ctx) for k in absent])


def park_ems(ctx: Context, row: pd.Series) -> Judged:
    """Environmental management: the park (investor) holds an EMS certificate or declares its system."""
    std = management_standards()
    ems = set(std.loc[std["park_ems"].astype(str).str.lower() == "true", "standard"].map(standard_key))
    certs = ctx.valid_certificates()
    own = certs[certs["tenant_id"].isna() | certs["tenant_id"].astype(str).str.strip().eq("")] if len(certs) else certs
    own = own[own["standard_key"].isin(ems)] if len(own) else own
    if len(own):
        ev = [Evidence(kind="rows", text="the investor's EMS certificate", subject="certificates.csv",
                       lines=_lines(own), value=str(own["standard"].iloc[0]))]  # fmt: skip
        return Judged("met", 1.0, "measured", ev, [])
    if ctx.decl.management_system is not None:
        has = any(standard_key(s) in ems for s in ctx.decl.management_system)
        ev = [Evidence(kind="declared", text=f"management_system: {', '.join(ctx.decl.management_system) or 'none'}",
                       subject="[eip] management_system")]  # fmt: skip
        return Judged("met" if has else "not_met", 1.0 if has else 0.0, "declared", ev, [])
    return Judged("unknown", None, "declared", [], [_missing_file("certificates"), _missing_decl("management_system")])


def renewable_target(ctx: Context, row: pd.Series) -> Judged:
    """Energy: the renewable share measured against the park's own target (park.toml [targets] renewable_share_pct).

    A target due in or before the year is the threshold; a target still ahead is met while the share is monitored.
    """
    share = ctx.evidence.renewable_share
    targets = ctx.data.park.targets.get("renewable_share_pct", {})
    if share is None:
        return Judged("unknown", None, "measured", [], [_missing_engine("inventory", ctx)])
    ev = [Evidence(kind="engine", text="renewable share of electricity", subject="inventory", value=share)]
    if not targets:
        return Judged("unknown", share, "measured", ev, [_missing_decl("[targets] renewable_share_pct")])
    due = {y: v for y, v in targets.items() if y <= ctx.year}
    if due:
        y = max(due)
        threshold = due[y] / 100.0
        ok = share >= threshold - 1e-12
        return Judged("met" if ok else "not_met", share, "measured+declared", ev, [], threshold)
    y = min(targets)
    ev.append(Evidence(kind="declared", text=f"target {targets[y]} % by {y}", subject="[targets] renewable_share_pct"))
    return Judged("met", share, "measured+declared", ev, [], targets[y] / 100.0)


def ghg_target(ctx: Context, row: pd.Series) -> Judged:
    """Climate change: a GHG inventory of the year and a reduction target."""
    if ctx.evidence.total_tco2e is None:
        return Judged("unknown", None, "measured", [], [_missing_engine("inventory", ctx)])
    ev = [Evidence(kind="engine", text="GHG inventory, tCO2e", subject="inventory", value=ctx.evidence.total_tco2e)]
    targets = ctx.data.park.targets.get("ghg_reduction_pct", {})
    if not targets:
        return Judged("unknown", None, "measured", ev, [_missing_decl("[targets] ghg_reduction_pct")])
    ev.append(Evidence(kind="declared", text=f"targets {dict(targets)} %", subject="[targets] ghg_reduction_pct"))
    return _by_value(row, 1.0, "measured+declared", ev, [])


def _m3(quantity: float, unit: object) -> float | None:
    try:
        return float(quantity) * conversion_factor(str(unit), "m3")
    except (UnknownUnitError, ValueError, TypeError):
        return None


def water_reuse(ctx: Context, row: pd.Series) -> Judged:
    """Water: reused water (operating water exchanges, m3/yr, plus [eip] water_reused_m3) over wastewater discharged."""
    volume = ctx.evidence.wastewater_m3
    if not volume:
        return Judged("unknown", None, "measured", [], [_missing_engine("water", ctx)])
    if not ctx.has("exchanges") and ctx.decl.water_reused_m3 is None:
        return Judged("unknown", None, "measured", [], [_missing_file("exchanges"), _missing_decl("water_reused_m3")])
    x = ctx.operating_exchanges()
    x = x[x["kind"] == "water"] if len(x) else x
    reused, ev, missing = 0.0, [], []
    for xid, q, u in zip(x.get("exchange_id", []), x.get("quantity", []), x.get("unit", []), strict=True):
        m3 = _m3(q, u) if pd.notna(q) else None
        if m3 is None:
            missing.append(Missing(code="eip.missing.quantity", subject=str(xid),
                                   text=f"exchange {xid}: no quantity in m3 per year"))  # fmt: skip
        else:
            reused += m3
    if len(x):
        ev.append(Evidence(kind="rows", text="water exchanges in operation, m3/yr", subject="exchanges.csv",
                           lines=_lines(x), value=reused))  # fmt: skip
    basis = "measured"
    if ctx.decl.water_reused_m3 is not None:
        reused += ctx.decl.water_reused_m3
        basis = "measured+declared"
        ev.append(Evidence(kind="declared", text="water reused, m3/yr", subject="[eip] water_reused_m3",
                           value=ctx.decl.water_reused_m3))  # fmt: skip
    ev.append(Evidence(kind="engine", text="wastewater discharged, m3/yr", subject="water", value=volume))
    if missing:
        return Judged("unknown", reused / volume, basis, ev, missing)
    return _by_value(row, reused / volume, basis, ev, [])


def waste_recovery(ctx: Context, row: pd.Series) -> Judged:
    """Waste: the waste engine's recovery rate (reuse, recycling, co-processing, composting, AD over total)."""
    rate = ctx.evidence.waste_recovery_rate
    if rate is None:
        return Judged("unknown", None, "measured", [], [_missing_engine("waste", ctx)])
    ev = [Evidence(kind="engine", text="waste recovery rate", subject="waste", value=rate)]
    return _by_value(row, rate, "measured", ev, [])


def green_space(ctx: Context, row: pd.Series) -> Judged:
    """Natural environment: declared green and open space over the park's area."""
    if ctx.decl.green_space_ha is None:
        return Judged("unknown", None, "declared", [], [_missing_decl("green_space_ha")])
    share = ctx.decl.green_space_ha / ctx.data.park.area_ha
    ev = [Evidence(kind="declared", text=f"{ctx.decl.green_space_ha} ha of {ctx.data.park.area_ha} ha",
                   subject="[eip] green_space_ha", value=share)]  # fmt: skip
    return _by_value(row, share, "declared", ev, [])


def social_infrastructure(ctx: Context, row: pd.Series) -> Judged:
    """Social infrastructure: the facilities the park declares (housing, clinic, canteen, transport ...)."""
    items = ctx.decl.social_infrastructure
    if items is None:
        return Judged("unknown", None, "declared", [], [_missing_decl("social_infrastructure")])
    ev = [Evidence(kind="declared", text=", ".join(items) or "none", subject="[eip] social_infrastructure")]
    return _by_value(row, 1.0 if items else 0.0, "declared", ev, [])


def employment(ctx: Context, row: pd.Series) -> Judged:
    """Employment creation: share of tenants whose employees are recorded in tenants.csv."""
    n = len(ctx.data.tenants)
    if n == 0:
        return Judged("unknown", None, "measured", [], [_missing_file("tenants")])
    recorded = sum(1 for t in ctx.data.tenants if t.employees > 0)
    total = sum(t.employees for t in ctx.data.tenants)
    ev = [Evidence(kind="figure", text=f"{total} employees in {recorded} of {n} tenants", subject="tenants.csv",
                   value=float(total))]  # fmt: skip
    return _by_value(row, recorded / n, "measured", ev, [])


JUDGES: dict[str, Callable[[Context, pd.Series], Judged]] = {
    "D35-37.1a": investor_compliance,
    "D35-37.1b": basic_services,
    "D35-37.1c": _declared_item("coordination_mechanism"),
    "D35-37.2a": tenant_compliance,
    "D35-37.2b": symbiosis,
    "D35-37.2c": recp_share,
    "EIPF-PRE-1": all_compliance,
    "EIPF-PRE-2": effluent,
    "EIPF-PM-1": _declared_item("management_entity"),
    "EIPF-PM-2": monitoring,
    "EIPF-PM-3": _declared_item("master_plan"),
    "EIPF-ENV-1": park_ems,
    "EIPF-ENV-2": renewable_target,
    "EIPF-ENV-3": ghg_target,
    "EIPF-ENV-4": water_reuse,
    "EIPF-ENV-5": waste_recovery,
    "EIPF-ENV-6": green_space,
    "EIPF-SOC-1": _declared_item("social_management_system"),
    "EIPF-SOC-2": social_infrastructure,
    "EIPF-SOC-3": _declared_item("community_dialogue"),
    "EIPF-ECO-1": employment,
    "EIPF-ECO-2": _declared_item("local_business_programme"),
    "EIPF-ECO-3": _declared_item("economic_value_monitored"),
}


def evaluate(ctx: Context) -> list[Criterion]:
    """Every criterion of ``eip/criteria.csv`` judged on ``ctx``, in the table's order."""
    out = []
    for cid, row in criteria_table().iterrows():
        judge = JUDGES.get(str(cid))
        if judge is None:  # a row added to the table without its judge: unknown, never silently met
            j = Judged("unknown", None, "none", [], [Missing(code="eip.missing.judge", subject=str(cid),
                                                             text=f"greenpark has no rule for {cid} yet")])  # fmt: skip
        else:
            j = judge(ctx, row)
        threshold: Any = j.threshold if j.threshold is not None else float(row["value"])
        if str(row["comparator"]) == "park_target" and j.threshold is None:
            threshold = "park target"
        out.append(
            Criterion(
                id=str(cid),
                framework=str(row["framework"]),  # type: ignore[arg-type]
                category=str(row["category"]),
                clause=str(row["clause"]),
                indicator=str(row["indicator"]),
                status=j.status,
                value=None if j.value is None or (isinstance(j.value, float) and math.isnan(j.value)) else j.value,
                threshold=threshold,
                comparator=str(row["comparator"]),
                unit=str(row["unit"]),
                basis=j.basis,  # type: ignore[arg-type]
                evidence=j.evidence,
                missing=j.missing,
                source=str(row["source"]),
                confidence=str(row["confidence"]),
            )
        )
    return out
