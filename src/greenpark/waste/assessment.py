"""The waste pillar of one park and year in one result: indicators, GHG by route, manifests, symbiosis.

:func:`assess_waste` is what the CLI, ``assess`` and the report call. It takes the imported
:class:`~greenpark.model.ParkData` (tables ``waste``, ``symbiosis``, ``production`` and, when present,
``manifests`` and the WWTP's ``sludge``) and returns a :class:`WasteResult` whose field names are stable
(the report and the API render them).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, Field

from greenpark.errors import NoDataError
from greenpark.model import ParkData
from greenpark.waste.ghg import route_emissions
from greenpark.waste.indicators import WasteIndicators, waste_indicators
from greenpark.waste.registry import Finding, manifest_issues
from greenpark.waste.symbiosis import SymbiosisMatch, SymbiosisResult, match_symbiosis, offers, source_rows

log = logging.getLogger(__name__)


class WasteResult(BaseModel):
    """Everything the waste pillar says about a park for one year."""

    park_id: str
    year: int
    gwp_set: str
    total_t: float = Field(description="t of waste recorded in the year (wet)")
    hazardous_t: float
    hazardous_share: float | None
    recovery_rate: float | None = Field(description="reuse + recycling + co-processing + composting + AD over total")
    landfill_share: float | None
    by_route: dict[str, float] = Field(description="t per route")
    tco2e: dict[str, float] = Field(description="tCO2e per route (Scope 3 cat.5 of the tenants)")
    tco2e_total: float
    avoided_tco2e: float = Field(description="memo: avoided by recycling and reuse, never netted")
    tco2e_by_tenant: dict[str, float]
    park_own_tco2e: float = Field(description="tCO2e of the park's own WWTP sludge treatment (0 without sludge)")
    indicators: WasteIndicators
    manifest_issues: list[Finding]
    symbiosis_matches: list[SymbiosisMatch]
    symbiosis: SymbiosisResult
    notes: list[str]
    factors: list[dict]


RECORD_COLUMNS = ("date", "tenant_id", "waste_code", "description", "category", "quantity_t", "route", "receiver")


def sludge_sources(sludge: pd.DataFrame, year: int) -> pd.DataFrame:
    """The WWTP sludge of ``year`` as symbiosis gives (``wwtp sludge``, mean t/month, main current route)."""
    s = sludge[sludge["date"].astype(str).str.startswith(f"{year}-")]
    frames = []
    for wwtp, g in s.groupby("wwtp_id", sort=True):
        months = g["date"].astype(str).str.slice(0, 7).nunique()
        route = str(g.groupby("route")["quantity_t"].sum().idxmax())
        frames.append(source_rows(str(wwtp), "wwtp sludge", float(g["quantity_t"].sum()) / max(months, 1), route))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def assess_waste(
    data: ParkData,
    year: int,
    gwp_set: str = "AR5",
    extra_sources: pd.DataFrame | None = None,
    licensed_receivers: Iterable[str] | None = None,
    extra_dirs: Iterable[Path] = (),
) -> WasteResult:
    """The waste pillar for ``year``: indicators, GHG by route, manifest checks, symbiosis proposals.

    Parameters
    ----------
    data : ParkData
        The imported park.
    year : int
        Calendar year.
    gwp_set : str
        GWP set (AR5 default).
    extra_sources : DataFrame, optional
        More symbiosis gives (surplus heat...) from :func:`greenpark.waste.symbiosis.source_rows`; the
        WWTP sludge of ``data.table('sludge')`` is added automatically.
    licensed_receivers : iterable of str, optional
        Licensed receivers to check hazardous loads against.

    Returns
    -------
    WasteResult

    Raises
    ------
    NoDataError
        No waste record in ``year``, no WWTP sludge and no symbiosis match: there is nothing to assess.
    """
    dirs = tuple(extra_dirs)
    waste = data.table("waste")
    if waste.empty:  # no waste.csv: the canonical columns, no rows (docs/park-folder.md)
        waste = pd.DataFrame(columns=list(RECORD_COLUMNS))
    notes: list[str] = []
    ind = waste_indicators(waste, year, data.table("production"), dirs)
    if waste.empty:
        ghg = pd.DataFrame(columns=["tenant_id", "route", "tco2e", "avoided_tco2e"])
        notes.append("no waste records: waste.csv is missing or empty")
    else:
        ghg = route_emissions(waste, year, gwp_set, dirs)
        notes += ghg.attrs.get("notes", [])
    factors = list(ghg.attrs.get("factors", []))
    sludge = data.table("sludge")
    own = 0.0
    sources = [extra_sources] if extra_sources is not None and not extra_sources.empty else []
    if not sludge.empty and {"date", "wwtp_id", "quantity_t", "route"} <= set(sludge.columns):
        sl = sludge.assign(tenant_id=sludge["wwtp_id"], category="industrial")
        if "waste_code" not in sl:
            sl["waste_code"] = ""
        sg = route_emissions(sl, year, gwp_set, dirs)
        own = float(sg["tco2e"].sum())
        factors += [f for f in sg.attrs.get("factors", []) if f not in factors]
        sources.append(sludge_sources(sludge, year))
    issues = manifest_issues(waste, year, data.table("manifests"), licensed_receivers, dirs)
    offer_table = offers(
        data.table("symbiosis"),
        waste if not waste.empty else None,
        year,
        pd.concat(sources, ignore_index=True) if sources else None,
        dirs,
    )
    sym = match_symbiosis(offer_table, gwp_set, dirs)
    if ind.records == 0 and own == 0 and not sym.matches:
        years = sorted({str(d)[:4] for d in waste["date"]}) if not waste.empty and "date" in waste else []
        have = f"waste.csv has records for {', '.join(years)}" if years else "waste.csv is missing or empty"
        raise NoDataError(
            f"no waste records for {year} in park {data.park.park_id!r} ({have}), no WWTP sludge and no symbiosis "
            f"match: nothing to assess; add waste.csv rows for {year} or choose another --year"
        )
    if ind.records == 0:
        notes.append(f"no waste records for {year}: the figures are the WWTP sludge and symbiosis offers only")
    return WasteResult(
        park_id=data.park.park_id,
        year=year,
        gwp_set=gwp_set,
        total_t=ind.total_t,
        hazardous_t=ind.hazardous_t,
        hazardous_share=ind.hazardous_share,
        recovery_rate=ind.recovery_rate,
        landfill_share=ind.landfill_share,
        by_route=ind.by_route,
        tco2e={str(k): float(v) for k, v in ghg.groupby("route")["tco2e"].sum().items()},
        tco2e_total=float(ghg["tco2e"].sum()),
        avoided_tco2e=float(ghg["avoided_tco2e"].sum()),
        tco2e_by_tenant={str(k): float(v) for k, v in ghg.groupby("tenant_id")["tco2e"].sum().items()},
        park_own_tco2e=own,
        indicators=ind,
        manifest_issues=issues,
        symbiosis_matches=sym.matches,
        symbiosis=sym,
        notes=notes + sym.notes,
        factors=factors,
    )
