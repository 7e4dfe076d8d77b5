"""Each tenant against the eco-enterprise criteria (Decree 35/2022/ND-CP Art. 2(8), Art. 37(2), Art. 40).

An eco-enterprise applies cleaner-production, resource-efficiency and industrial-symbiosis solutions at the same
time (Art. 2(8)) and meets Art. 37(2) (certified by the park management board, Art. 40): here, no sanction in the
3-year window, at least one RECP measure in operation, and a part in an operating symbiosis link while holding a
valid management-system certificate.
"""

from __future__ import annotations

import pandas as pd

from greenpark.eip.criteria import Context, _missing_file, _participants
from greenpark.eip.result import EcoEnterprise, Missing, Status


def eco_enterprises(ctx: Context) -> list[EcoEnterprise]:
    """Status and missing items of every tenant (``met`` = meets the eco-enterprise criteria on ``as_of``)."""
    sanctions = ctx.sanctions() if ctx.has("compliance_events") else pd.DataFrame()
    sanctioned = sanctions["tenant_id"].dropna().astype(str).value_counts() if len(sanctions) else pd.Series(dtype=int)
    recp = ctx.recp_tenants() if ctx.has("recp_measures") else pd.DataFrame()
    recp_n = recp["tenant_id"].astype(str).value_counts() if len(recp) else pd.Series(dtype=int)
    links = _participants(ctx.operating_exchanges(), set(ctx.tenant_ids)) if ctx.has("exchanges") else pd.DataFrame()
    certs = ctx.valid_certificates() if ctx.has("certificates") else pd.DataFrame()
    standards: dict[str, list[str]] = {}
    for t, s in zip(certs.get("tenant_id", []), certs.get("standard", []), strict=True):
        if isinstance(t, str) and t:
            standards.setdefault(t, []).append(str(s))
    out = []
    for t in ctx.data.tenants:
        tid = t.tenant_id
        missing: list[Missing] = []
        bad = False
        n_sanctions = None
        if ctx.has("compliance_events"):
            n_sanctions = int(sanctioned.get(tid, 0))
            if n_sanctions:
                bad = True
                missing.append(Missing(code="eip.missing.compliance", subject=tid,
                                       text=f"{n_sanctions} sanction(s) dated after {ctx.window_start}"))  # fmt: skip
        else:
            missing.append(_missing_file("compliance_events"))
        n_recp = None
        if ctx.has("recp_measures"):
            n_recp = int(recp_n.get(tid, 0))
            if not n_recp:
                bad = True
                missing.append(Missing(code="eip.missing.recp", subject=tid,
                                       text="no RECP measure in operation (recp_measures.csv)"))  # fmt: skip
        else:
            missing.append(_missing_file("recp_measures"))
        mine = (
            [x for x, p in zip(links["exchange_id"], links["participants"], strict=True) if tid in p]
            if len(links)
            else []
        )
        if not ctx.has("exchanges"):
            missing.append(_missing_file("exchanges"))
        elif not mine:
            bad = True
            missing.append(Missing(code="eip.missing.symbiosis", subject=tid,
                                   text="takes part in no operating symbiosis link (exchanges.csv)"))  # fmt: skip
        if not ctx.has("certificates"):
            missing.append(_missing_file("certificates"))
        elif tid not in standards:
            bad = True
            missing.append(Missing(code="eip.missing.certificate", subject=tid,
                                   text=f"no valid management-system certificate on {ctx.as_of}"))  # fmt: skip
        status: Status = "not_met" if bad else ("unknown" if missing else "met")
        out.append(
            EcoEnterprise(
                tenant_id=tid,
                name=t.name,
                status=status,
                sanctions_in_window=n_sanctions,
                recp_measures=n_recp,
                exchanges=[str(x) for x in mine],
                standards=sorted(standards.get(tid, [])),
                missing=missing,
            )
        )
    return out
