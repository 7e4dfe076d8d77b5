"""The park's GHG inventory for one year: by scope, by tenant (and park common), by month.

Boundaries and categories follow the GHG Protocol Corporate Standard and ISO 14064-1:2018:

- Scope 1 (ISO category 1): stationary combustion (fuels.csv; :mod:`greenpark.ghg.combustion`), refrigerant
  leaks of Kyoto gases (:mod:`greenpark.ghg.refrigerants`), the central WWTP's CH4 and N2O (park common;
  :mod:`greenpark.ghg.wastewater`). Biogenic CO2 from biomass and HCFC-22 leaks are memo items.
- Scope 2 (ISO category 2): grid electricity, location- and market-based (:mod:`greenpark.ghg.electricity`).
- Scope 3 category 5 (ISO category 4), waste generated in operations: a table the caller gives, in practice the
  waste engine's ``greenpark.waste.ghg.route_emissions`` (``greenpark.runs.inventory_for`` passes it; the ghg
  engine does not call another engine); avoided emissions of recycling are a memo, never netted.

``total_tco2e`` = Scope 1 + Scope 2 location-based + Scope 3; ``total_market_tco2e`` uses market-based Scope 2.
The Decree 06 duty check uses each tenant's Scope 1 + location-based Scope 2 (facility direct and
energy-indirect emissions) and its energy in TOE. The engine is pure: the caller brings the park, the store's
monthly consumption, the readings' coverage (``Store.coverage``) and, if known, the WWTP activity and Scope 3 table.

Coverage (:mod:`greenpark.coverage`): every figure is the measured one. Each tenant, the park common and the park
carry ``coverage`` (valid / expected electricity_import intervals of the year) and, when it is below 1, a labelled
``full_year_estimate_*`` beside the measured figures: metered electricity (and its Scope 2 and TOE) divided by the
coverage; fuel, refrigerant and waste records are taken as recorded. The park's estimate is the sum of its parts'
(none when a part has none). Without a coverage frame nothing is known about gaps: no estimate is stated, the
Decree 06 screen cannot answer ``not_required``, and the notes say so.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from greenpark.coverage import (
    coverage_by,
    coverage_statuses,
    describe,
    full_year_estimates,
    full_year_rule,
    total_coverage,
)
from greenpark.errors import InputError, NoDataError
from greenpark.ghg.combustion import combustion_emissions
from greenpark.ghg.decree06 import (
    ReportingCalendar,
    duty_check,
    electricity_toe_per_kwh,
    reporting_calendar,
)
from greenpark.ghg.electricity import PARK_COMMON, renewable_share, scope2_emissions
from greenpark.ghg.factors import FactorUsed, dedupe_factors
from greenpark.ghg.gwp import DEFAULT_GWP_SET, gwp_sets
from greenpark.ghg.refrigerants import refrigerant_emissions
from greenpark.ghg.wastewater import WastewaterEmissions, WwtpActivity, wastewater_emissions
from greenpark.model import ParkData

log = logging.getLogger(__name__)

SCOPE3_COLUMNS = ("tenant_id", "tco2e")


class TenantInventory(BaseModel):
    """One tenant's (or the park common's) inventory for the year."""

    tenant_id: str | None = Field(description="None = park common (shared loads, the WWTP, the park office)")
    name: str = ""
    scope1_tco2e: float = 0.0
    scope1_combustion_tco2e: float = 0.0
    scope1_refrigerant_tco2e: float = 0.0
    scope1_wastewater_tco2e: float = 0.0
    scope2_location_tco2e: float = 0.0
    scope2_market_tco2e: float = 0.0
    scope3_tco2e: float = 0.0
    total_tco2e: float = 0.0
    biogenic_co2_t: float = 0.0
    montreal_gases_tco2e: float = 0.0
    grid_import_kwh: float = 0.0
    pv_self_consumed_kwh: float = 0.0
    contractual_kwh: float = 0.0
    energy_toe: float = 0.0
    coverage: float | None = Field(
        default=None, description="valid / expected electricity_import intervals of the year; None = not measured"
    )
    coverage_status: str = Field(default="insufficient", description="complete, partial or insufficient")
    longest_gap_h: float | None = None
    full_year_estimate_tco2e: float | None = Field(
        default=None, description="ESTIMATE of total_tco2e for the whole year (metered part / coverage); None when "
        "coverage is 1 (the measured figure is the year's) or too low for an estimate"
    )  # fmt: skip
    full_year_estimate_kwh: float | None = Field(default=None, description="ESTIMATE of grid_import_kwh, whole year")
    full_year_estimate_toe: float | None = Field(default=None, description="ESTIMATE of energy_toe, whole year")
    estimate_label: str = ""
    decree06_inventory_required: bool | None = Field(
        default=None, description="True / False / None (cannot be told from the data), from decree06_status"
    )
    decree06_status: str = Field(default="insufficient_data", description="required, not_required, insufficient_data")
    decree06_screen: str = Field(default="insufficient_data", description="the Art.5(1) threshold screen's answer")
    decree06_listed: bool | None = None
    decree06_basis: str = ""
    decree06_reason: str = ""


class MonthInventory(BaseModel):
    """Month-resolved emissions (sources recorded per month; annual-only sources are not spread)."""

    period: str
    scope1_tco2e: float
    scope2_location_tco2e: float
    scope2_market_tco2e: float
    scope3_tco2e: float


class InventoryResult(BaseModel):
    """The inventory of a park for one year. Names of the top-level figures are stable (report, API)."""

    park_id: str
    year: int
    gwp: str
    total_tco2e: float
    total_market_tco2e: float
    scope1_tco2e: float
    scope1_combustion_tco2e: float
    scope1_refrigerant_tco2e: float
    scope1_wastewater_tco2e: float
    scope2_location_tco2e: float
    scope2_market_tco2e: float
    scope3_tco2e: float
    scope3_avoided_tco2e: float = Field(description="memo: avoided by recycling/recovery, never netted")
    biogenic_co2_t: float = Field(description="memo: CO2 from biomass combustion, not in the totals")
    montreal_gases_tco2e: float = Field(description="memo: HCFC leaks (Montreal Protocol gases), not in Scope 1")
    grid_import_kwh: float
    pv_self_consumed_kwh: float
    contractual_kwh: float
    renewable_share: float = Field(description="(PV self-consumed + contractual) / (grid import + PV self-consumed)")
    energy_toe: float
    coverage: float | None = Field(description="park: valid / expected electricity_import intervals; None = unknown")
    coverage_status: str
    full_year_estimate_tco2e: float | None = Field(description="ESTIMATE: sum of the parts' full-year figures")
    full_year_estimate_kwh: float | None
    full_year_estimate_toe: float | None
    coverage_rule: dict[str, Any]
    grid_factor_fallback: bool
    grid_purpose: str = Field(
        default="default",
        description="which grid factor: 'default' (the data year's) or 'decree06' (the latest announced by the DCC "
        "at submission; ghg/grid_factor_rules)",
    )
    strict_factors: bool
    tenants: list[TenantInventory]
    park_common: TenantInventory
    by_month: list[MonthInventory]
    annual_only_tco2e: float = Field(description="emissions known only per year (WWTP, annual Scope 3)")
    wwtps: list[WastewaterEmissions]
    decree06_calendar: ReportingCalendar
    factors: list[FactorUsed]
    notes: list[str]

    def tenant_frame(self) -> pd.DataFrame:
        """Tenants and the park common as one DataFrame (one row each)."""
        return pd.DataFrame([t.model_dump() for t in [*self.tenants, self.park_common]])


def _year_rows(df: pd.DataFrame, year: int) -> pd.DataFrame:
    if df.empty or "period" not in df:
        return df
    return df[df["period"].astype(str).str.startswith(f"{year}-")]


def _tenant_key(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna() & (s.astype(str) != ""), PARK_COMMON).astype(str)


def _scope3_table(
    park: ParkData,
    scope3: pd.DataFrame | None,
    gwp_set: str,
    notes: list[str],
    factors: list[FactorUsed],
) -> pd.DataFrame:
    """The Scope 3 category 5 table as given (with the notes and factors in its ``attrs``), or none (noted)."""
    if scope3 is None:
        if not park.table("waste").empty:
            notes.append(
                "waste records not turned into Scope 3 category 5: no Scope 3 table given "
                "(greenpark.runs.inventory_for passes the waste engine's route_emissions)"
            )
        return pd.DataFrame(columns=[*SCOPE3_COLUMNS, "avoided_tco2e"])
    missing = [c for c in SCOPE3_COLUMNS if c not in scope3]
    if missing:
        raise InputError(f"scope3 table lacks column(s) {missing}; needs {list(SCOPE3_COLUMNS)}")
    computed_with = scope3.attrs.get("gwp_set", gwp_set)
    if computed_with != gwp_set:
        raise InputError(
            f"the scope3 table was computed with GWP set {computed_with}, the inventory uses {gwp_set}; "
            "compute both with the same set"
        )
    notes += [f"waste: {n}" for n in scope3.attrs.get("notes", [])]
    factors += [f if isinstance(f, FactorUsed) else FactorUsed(**f) for f in scope3.attrs.get("factors", [])]
    return scope3


def _plain(v: Any) -> Any:
    """NaN -> None (JSON null), numpy scalars -> Python."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v.item() if isinstance(v, np.generic) else v


def _coverage_of_year(coverage: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows of a coverage frame whose period starts in ``year`` (the frame's own local time)."""
    if "period_start" not in coverage or coverage.empty:
        return coverage
    starts = pd.to_datetime(coverage["period_start"])
    return coverage[starts.dt.year == year] if hasattr(starts.dt, "year") else coverage


def inventory(
    park: ParkData,
    consumption: pd.DataFrame,
    year: int,
    gwp_set: str = DEFAULT_GWP_SET,
    strict_factors: bool = False,
    wwtp_activities: Sequence[WwtpActivity] | None = None,
    scope3: pd.DataFrame | None = None,
    renewables: pd.DataFrame | None = None,
    wastewater_method: str | None = None,
    extra_dirs: Iterable[Path] = (),
    coverage: pd.DataFrame | None = None,
    grid_purpose: str = "default",
    submission_date: dt.date | None = None,
) -> InventoryResult:
    """Compute the park's inventory for ``year``.

    Parameters
    ----------
    park : ParkData
        Tenants, WWTPs and the tables ``fuels``, ``refrigerants``, ``waste`` (and optionally ``renewables``).
    consumption : DataFrame
        ``store.consumption(park_id, start, end, grain="month", by="tenant")``: tenant_id, kind,
        period_start (tz-aware, park zone), value (kWh).
    year : int
        Data year.
    gwp_set : str
        AR4, AR5 (default, Vietnamese MRV practice) or AR6.
    strict_factors : bool
        Fail instead of falling back to the latest grid factor when ``year`` has none.
    wwtp_activities : sequence of WwtpActivity, optional
        Annual WWTP activity from the water engine; None = WWTP emissions not computed (noted).
    scope3 : DataFrame, optional
        Scope 3 cat. 5 per tenant: tenant_id, tco2e [, avoided_tco2e, period, route], as the waste engine's
        ``route_emissions`` returns it (its ``attrs`` notes and factors are kept; its ``gwp_set`` must be
        ``gwp_set``); None = not computed (noted when the park has waste records).
    renewables : DataFrame, optional
        PPAs and certificates (tenant_id, period, instrument, energy_kwh, source); default: the park's
        ``renewables`` table if any.
    wastewater_method : str
        ``ipcc_2019r`` (default) or ``ipcc_2006``.
    extra_dirs : iterable of Path
        User reference folders (facility-specific or Decision 2626 factors win over IPCC defaults).
    coverage : DataFrame, optional
        ``store.coverage(park_id, start, end, by="tenant", grain="month" or "year")`` over the year: tenant_id,
        kind, period_start, expected_intervals, valid_intervals, coverage, longest_gap_h. None = not measured:
        no full-year estimate and no ``not_required`` answer (never taken as 100 %; said in ``notes``).
    grid_purpose, submission_date : str, date, optional
        Which grid factor Scope 2 uses (:func:`greenpark.ghg.electricity.scope2_emissions`): ``default`` (the
        data year's) or ``decree06`` (the latest the DCC had announced at ``submission_date``, said in ``notes``).

    Returns
    -------
    InventoryResult

    Raises
    ------
    NoDataError
        The year has no activity data at all (no readings, records or WWTP activity).

    References
    ----------
    GHG Protocol Corporate Standard (2004) and Scope 2 Guidance (2015); ISO 14064-1:2018; IPCC 2006 GL Vol.2
    Ch.2, Vol.5 Ch.6 with the 2019 Refinement; Decree 06/2022/ND-CP Art.5, Art.11 (amended by Decree 119/2025).
    """
    if gwp_set not in gwp_sets():
        raise InputError(f"unknown GWP set {gwp_set!r}; choose one of {', '.join(gwp_sets())}")
    extra_dirs = tuple(extra_dirs)
    notes: list[str] = []
    factors: list[FactorUsed] = []

    # Scope 1: combustion and refrigerants, per tenant and month
    fuels = _year_rows(park.table("fuels"), year)
    comb, used = combustion_emissions(fuels, gwp_set, extra_dirs)
    factors += used
    refr, used = refrigerant_emissions(_year_rows(park.table("refrigerants"), year), gwp_set, extra_dirs)
    factors += used
    comb = comb.assign(tenant_id=_tenant_key(comb["tenant_id"])) if not comb.empty else comb
    refr = refr.assign(tenant_id=_tenant_key(refr["tenant_id"])) if not refr.empty else refr

    # Scope 1: WWTP (park common, annual)
    wwtps: list[WastewaterEmissions] = []
    if wwtp_activities is None:
        if park.wwtps:
            notes.append("WWTP CH4/N2O not computed: no WWTP activity data given (water engine)")
    else:
        for act in wwtp_activities:
            w = wastewater_emissions(act, gwp_set, wastewater_method, extra_dirs)
            wwtps.append(w)
            factors += w.factors
            notes += [f"{w.wwtp_id}: {n}" for n in w.notes]
    wwtp_t = sum(w.tco2e for w in wwtps)

    # Scope 2
    if renewables is None and not park.table("renewables").empty:
        renewables = park.table("renewables")
    s2, used, s2_notes = scope2_emissions(
        consumption, year, renewables, strict_factors, extra_dirs, grid_purpose, submission_date
    )
    factors += used
    notes += s2_notes
    if s2.empty:
        notes.append(f"no electricity readings in the store for {year}: Scope 2 is 0")
    grid_fallback = any("fallback" in f.flags for f in used)
    toe_kwh, f_toe = electricity_toe_per_kwh(extra_dirs)
    factors.append(f_toe)

    # Scope 3
    s3 = _scope3_table(park, scope3, gwp_set, notes, factors)
    s3 = _year_rows(s3, year) if "period" in s3 else s3
    s3 = s3.assign(tenant_id=_tenant_key(s3["tenant_id"])) if not s3.empty else s3
    if "avoided_tco2e" not in s3:
        s3 = s3.assign(avoided_tco2e=0.0)
    if s2.empty and comb.empty and refr.empty and not wwtps and s3.empty:
        raise NoDataError(
            f"no activity data for {year} in park {park.park.park_id!r}: no electricity readings, no fuel, "
            "refrigerant or waste records and no WWTP activity, so an inventory would be all zeros; import "
            "readings and records for the year (greenpark import) or choose another --year"
        )

    listed = {t.tenant_id: t.decree06_listed for t in park.tenants}

    # per tenant
    def by_tenant(df: pd.DataFrame, col: str, mask: pd.Series | None = None) -> pd.Series:
        if df.empty:
            return pd.Series(dtype=float)
        d = df if mask is None else df[mask]
        return pd.to_numeric(d[col], errors="coerce").groupby(d["tenant_id"]).sum()

    kyoto = refr["kyoto"].astype(bool) if not refr.empty else None
    per = pd.DataFrame(
        {
            "scope1_combustion_tco2e": by_tenant(comb, "tco2e"),
            "biogenic_co2_t": by_tenant(comb, "biogenic_co2_t"),
            "fuel_toe": by_tenant(comb, "energy_toe"),
            "scope1_refrigerant_tco2e": by_tenant(refr, "tco2e", kyoto),
            "montreal_gases_tco2e": by_tenant(refr, "tco2e", ~kyoto if kyoto is not None else None),
            "scope2_location_tco2e": by_tenant(s2, "scope2_location_tco2e"),
            "scope2_market_tco2e": by_tenant(s2, "scope2_market_tco2e"),
            "grid_import_kwh": by_tenant(s2, "grid_import_kwh"),
            "pv_self_consumed_kwh": by_tenant(s2, "pv_self_consumed_kwh"),
            "contractual_kwh": by_tenant(s2, "contractual_kwh"),
            "scope3_tco2e": by_tenant(s3, "tco2e"),
            "scope3_avoided_tco2e": by_tenant(s3, "avoided_tco2e"),
        }
    )
    ids = [t.tenant_id for t in park.tenants]
    per = per.reindex(sorted(set(per.index) | set(ids) | {PARK_COMMON}), fill_value=0.0).fillna(0.0)
    per.loc[PARK_COMMON, "scope1_wastewater_tco2e"] = wwtp_t
    per = per.fillna(0.0)
    per["scope1_tco2e"] = per[["scope1_combustion_tco2e", "scope1_refrigerant_tco2e", "scope1_wastewater_tco2e"]].sum(
        axis=1
    )
    per["total_tco2e"] = per["scope1_tco2e"] + per["scope2_location_tco2e"] + per["scope3_tco2e"]
    per["energy_toe"] = per["fuel_toe"] + per["grid_import_kwh"] * toe_kwh
    per.index.name = "tenant_id"

    # coverage and the full-year estimates (greenpark.coverage: the one rule)
    rule = full_year_rule(extra_dirs)
    park_cov: float | None = None
    if coverage is None:
        notes.append(
            "coverage not given: the readings' share of the year is unknown, so figures are as measured, no "
            "full-year estimate is stated and the Decree 06 screen cannot answer not_required"
        )
        per["coverage"], per["longest_gap_h"] = np.nan, np.nan
    else:
        cov_year = _coverage_of_year(coverage, year)
        by = coverage_by(cov_year, "electricity_import", "tenant_id", common=PARK_COMMON)
        per["coverage"] = by["coverage"].reindex(per.index)
        per["longest_gap_h"] = by["longest_gap_h"].reindex(per.index)
        park_cov = total_coverage(cov_year, "electricity_import", "tenant_id")
        unmetered = [
            str(t) for t in per.index[per["coverage"].isna()] if t != PARK_COMMON or per.loc[t, "grid_import_kwh"]
        ]
        if unmetered:
            notes.append(
                f"no electricity_import intervals expected for {unmetered} (no meter of that kind in meters.csv): "
                "their electricity is not measured, no full-year estimate"
            )
    per["coverage_status"] = coverage_statuses(per["coverage"], rule)
    s2l_est = full_year_estimates(per["scope2_location_tco2e"], per["coverage"], rule)
    kwh_est = full_year_estimates(per["grid_import_kwh"], per["coverage"], rule)
    per["est_tco2e"] = per["scope1_tco2e"] + s2l_est + per["scope3_tco2e"]
    per["est_kwh"] = kwh_est
    per["est_toe"] = per["fuel_toe"] + kwh_est * toe_kwh
    duty_in = per.reset_index()[["tenant_id"]].assign(
        total_tco2e=(per["scope1_tco2e"] + per["scope2_location_tco2e"]).to_numpy(),
        energy_toe=per["energy_toe"].to_numpy(),
        estimate_tco2e=(per["scope1_tco2e"] + s2l_est).to_numpy(),
        estimate_toe=per["est_toe"].to_numpy(),
        coverage_status=per["coverage_status"].to_numpy(),
        listed=[listed.get(t) for t in per.index],
    )
    duty, used = duty_check(duty_in, year, extra_dirs)
    factors += used
    notes += duty.attrs.get("notes", [])
    for col in (
        "decree06_inventory_required",
        "decree06_status",
        "decree06_screen",
        "decree06_basis",
        "decree06_reason",
    ):
        per[col] = duty[col].to_numpy()
    per["decree06_listed"] = duty_in["listed"].to_numpy()
    shown = per["coverage"].notna() & (per["coverage"] < 1)  # an estimate beside the measured figure
    for col, src in (("full_year_estimate_tco2e", "est_tco2e"), ("full_year_estimate_kwh", "est_kwh"),
                     ("full_year_estimate_toe", "est_toe")):  # fmt: skip
        per[col] = per[src].where(shown & per[src].notna())
    per["estimate_label"] = [
        describe(k, None if pd.isna(c) else float(c), "kWh", rule)
        for k, c in zip(per["grid_import_kwh"], per["coverage"], strict=True)
    ]
    names = {t.tenant_id: t.name for t in park.tenants}
    unknown = sorted(set(per.index) - set(ids) - {PARK_COMMON})
    if unknown:
        notes.append(f"records name tenants not in tenants.csv: {unknown}")
    fields = set(TenantInventory.model_fields)
    rows = {
        tid: TenantInventory(
            **{k: _plain(v) for k, v in r.items() if k in fields},
            tenant_id=None if tid == PARK_COMMON else tid,
            name="park common" if tid == PARK_COMMON else names.get(tid, ""),
        )
        for tid, r in per.to_dict("index").items()
    }
    common = rows.pop(PARK_COMMON)
    tenants = [rows[t] for t in ids] + [rows[t] for t in unknown]

    # per month
    def by_month(df: pd.DataFrame, col: str, mask: pd.Series | None = None) -> pd.Series:
        if df.empty or "period" not in df:
            return pd.Series(dtype=float)
        d = df if mask is None else df[mask]
        return pd.to_numeric(d[col], errors="coerce").groupby(d["period"].astype(str)).sum()

    months = (
        pd.DataFrame(
            {
                "comb": by_month(comb, "tco2e"),
                "refr": by_month(refr, "tco2e", kyoto),
                "s2l": by_month(s2, "scope2_location_tco2e"),
                "s2m": by_month(s2, "scope2_market_tco2e"),
                "s3": by_month(s3, "tco2e"),
            }
        )
        .fillna(0.0)
        .sort_index()
    )
    by_month_list = [
        MonthInventory(
            period=p,
            scope1_tco2e=r["comb"] + r["refr"],
            scope2_location_tco2e=r["s2l"],
            scope2_market_tco2e=r["s2m"],
            scope3_tco2e=r["s3"],
        )
        for p, r in months.iterrows()
    ]
    num = per.drop(columns=["decree06_inventory_required", "decree06_listed"])
    tot = num.sum(numeric_only=True)
    # the park's full-year figures: its parts' (a part at coverage 1 contributes its measured figure)
    part_est = {c: per[c].where(per["coverage"] < 1, per[m]) for c, m in
                (("est_tco2e", "total_tco2e"), ("est_kwh", "grid_import_kwh"), ("est_toe", "energy_toe"))}  # fmt: skip
    no_est = sorted(str(t) for t in per.index[part_est["est_tco2e"].isna()])
    park_shown = park_cov is not None and park_cov < 1 and not no_est
    if park_cov is not None and park_cov < 1 and no_est:
        notes.append(
            f"no full-year estimate for the park: {', '.join(no_est)} have none (coverage too low or not measured)"
        )
    s3_total = float(tot["scope3_tco2e"])
    annual_only = wwtp_t + (s3_total if "period" not in s3 else 0.0)
    return InventoryResult(
        park_id=park.park.park_id,
        year=year,
        gwp=gwp_set,
        total_tco2e=float(tot["total_tco2e"]),
        total_market_tco2e=float(tot["scope1_tco2e"] + tot["scope2_market_tco2e"] + tot["scope3_tco2e"]),
        scope1_tco2e=float(tot["scope1_tco2e"]),
        scope1_combustion_tco2e=float(tot["scope1_combustion_tco2e"]),
        scope1_refrigerant_tco2e=float(tot["scope1_refrigerant_tco2e"]),
        scope1_wastewater_tco2e=float(wwtp_t),
        scope2_location_tco2e=float(tot["scope2_location_tco2e"]),
        scope2_market_tco2e=float(tot["scope2_market_tco2e"]),
        scope3_tco2e=s3_total,
        scope3_avoided_tco2e=float(tot["scope3_avoided_tco2e"]),
        biogenic_co2_t=float(tot["biogenic_co2_t"]),
        montreal_gases_tco2e=float(tot["montreal_gases_tco2e"]),
        grid_import_kwh=float(tot["grid_import_kwh"]),
        pv_self_consumed_kwh=float(tot["pv_self_consumed_kwh"]),
        contractual_kwh=float(tot["contractual_kwh"]),
        renewable_share=renewable_share(
            float(tot["grid_import_kwh"]), float(tot["pv_self_consumed_kwh"]), float(tot["contractual_kwh"])
        ),
        energy_toe=float(tot["energy_toe"]),
        coverage=park_cov,
        coverage_status=str(coverage_statuses(np.array([np.nan if park_cov is None else park_cov]), rule)[0]),
        full_year_estimate_tco2e=float(part_est["est_tco2e"].sum()) if park_shown else None,
        full_year_estimate_kwh=float(part_est["est_kwh"].sum()) if park_shown else None,
        full_year_estimate_toe=float(part_est["est_toe"].sum()) if park_shown else None,
        coverage_rule=rule.as_dict(),
        grid_factor_fallback=grid_fallback,
        grid_purpose=grid_purpose,
        strict_factors=strict_factors,
        tenants=tenants,
        park_common=common,
        by_month=by_month_list,
        annual_only_tco2e=float(annual_only),
        wwtps=wwtps,
        decree06_calendar=reporting_calendar(year, extra_dirs),
        factors=dedupe_factors(factors),
        notes=notes,
    )
