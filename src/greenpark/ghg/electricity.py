"""Scope 2: purchased grid electricity, location-based and market-based (GHG Protocol Scope 2 Guidance, 2015).

Quantities per tenant (``tenant_id`` None = park common) and month, from the store's consumption table:

- ``grid_import_kwh``: electricity_import (what the grid delivers; on-site PV consumed behind the meter is
  already not in it).
- ``pv_self_consumed_kwh`` = pv_generation - electricity_export (>= 0): on-site renewable electricity used on
  site. It has no Scope 2 emissions under either method and is reported as a memo (renewable share).
- Location-based: grid_import_kwh x grid factor of the data year (``greenpark.ghg.grid_factor``; a missing year
  falls back to the latest published year, flagged, or fails when ``strict``).
- Market-based: (grid_import_kwh - contractual_kwh) x residual-mix factor. ``contractual_kwh`` is the sum of the
  user's recorded direct PPAs and renewable certificates for that tenant and month (``renewables.csv``),
  capped at grid_import_kwh: no MWh is claimed twice (a claim above the import is dropped and reported; on-site
  PV cannot also be claimed with a certificate, instrument ``onsite_pv`` is refused; a certificate id
  (``source``) used twice is refused).
- Residual-mix rule: Vietnam publishes no residual mix. As the Scope 2 Guidance (Table 6.3, last step of the
  hierarchy) allows, the grid average factor stands in for it; the factor is flagged
  ``residual_mix_not_published`` so the report says so. This slightly understates market-based emissions of
  uncovered load, because the claimed renewable MWh are not removed from the average.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from greenpark.errors import InputError
from greenpark.ghg.factors import FactorUsed
from greenpark.ghg.grid import grid_factor_for

log = logging.getLogger(__name__)


def electricity_consumed_kwh(grid_import_kwh: float, pv_self_consumed_kwh: float) -> float:
    """Electricity consumed [kWh]: what the grid delivered plus the on-site PV used behind the meter (the
    denominator of :func:`renewable_share`)."""
    return grid_import_kwh + pv_self_consumed_kwh


def renewable_share(
    grid_import_kwh: float, pv_self_consumed_kwh: float, contractual_kwh: float, added_onsite_kwh: float = 0.0
) -> float:
    """Renewable share of the electricity consumed, one denominator for every figure that states a share.

    share = (on-site PV used + contractual renewable + added on-site renewable) / (grid import + on-site PV used).
    The denominator is the electricity consumed (what the grid delivered plus the on-site PV used behind the
    meter); renewable electricity added on site (e.g. the proposed rooftop PV's output used on site) displaces
    grid import, so it adds to the numerator and leaves the denominator as it is. 0 when nothing was consumed.
    """
    consumed = electricity_consumed_kwh(grid_import_kwh, pv_self_consumed_kwh)
    return (pv_self_consumed_kwh + contractual_kwh + added_onsite_kwh) / consumed if consumed > 0 else 0.0


PARK_COMMON = "(park common)"
INSTRUMENTS = ("ppa", "certificate")
KINDS = ("electricity_import", "electricity_export", "pv_generation")


def monthly_electricity(consumption: pd.DataFrame, year: int) -> pd.DataFrame:
    """Pivot the store's consumption table to one row per tenant and month for ``year``.

    Parameters
    ----------
    consumption : DataFrame
        Columns tenant_id (None = park common), kind, period_start (tz-aware, park zone), value (kWh).

    Returns
    -------
    DataFrame
        Columns tenant_id (park common as ``PARK_COMMON``), period (YYYY-MM), grid_import_kwh, export_kwh,
        pv_generation_kwh, pv_self_consumed_kwh.
    """
    cols = ["tenant_id", "period", "grid_import_kwh", "export_kwh", "pv_generation_kwh", "pv_self_consumed_kwh"]
    if consumption.empty:
        return pd.DataFrame(columns=cols).astype({c: float for c in cols[2:]})
    df = consumption[consumption["kind"].isin(KINDS)]
    starts = pd.DatetimeIndex(df["period_start"])
    df = df[starts.year == year]
    if df.empty:
        return pd.DataFrame(columns=cols).astype({c: float for c in cols[2:]})
    if (df["value"] < 0).any():
        bad = df[df["value"] < 0].head(3).to_dict("records")
        raise InputError(f"negative electricity consumption in the store, e.g. {bad}; check the meter readings")
    df = df.assign(
        tenant_id=df["tenant_id"].astype(object).where(df["tenant_id"].notna(), PARK_COMMON),
        period=pd.DatetimeIndex(df["period_start"]).strftime("%Y-%m"),
    )
    wide = df.pivot_table(index=["tenant_id", "period"], columns="kind", values="value", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=list(KINDS), fill_value=0.0).reset_index()
    wide.columns.name = None
    out = wide.rename(
        columns={
            "electricity_import": "grid_import_kwh",
            "electricity_export": "export_kwh",
            "pv_generation": "pv_generation_kwh",
        }
    )
    out["pv_self_consumed_kwh"] = (out["pv_generation_kwh"] - out["export_kwh"]).clip(lower=0.0)
    return out[cols]


def _claims(renewables: pd.DataFrame | None, year: int) -> pd.DataFrame:
    cols = ["tenant_id", "period", "claimed_kwh"]
    if renewables is None or renewables.empty:
        return pd.DataFrame(columns=cols)
    r = renewables.copy()
    r["instrument"] = r["instrument"].astype(str).str.strip().str.lower()
    bad = sorted(set(r["instrument"]) - set(INSTRUMENTS))
    if bad:
        raise InputError(
            f"renewables.csv: unknown instrument(s) {bad}; choose one of {', '.join(INSTRUMENTS)} "
            "(on-site PV is measured by its pv_generation meter and must not be claimed again)"
        )
    energy = pd.to_numeric(r["energy_kwh"], errors="coerce")
    if (energy.isna() | (energy < 0)).any():
        raise InputError("renewables.csv: energy_kwh must be a number >= 0 on every row")
    if "source" in r:
        ids = r["source"].dropna().astype(str)
        dup = sorted(ids[ids.duplicated()].unique())
        if dup:
            raise InputError(
                f"renewables.csv: certificate/contract id(s) {dup} appear more than once; "
                "each MWh may be claimed once only"
            )
    r = r.assign(energy_kwh=energy, period=r["period"].astype(str))
    r = r[r["period"].str.startswith(f"{year}-")]
    r["tenant_id"] = r["tenant_id"].astype(object).where(r["tenant_id"].notna() & (r["tenant_id"] != ""), PARK_COMMON)
    return (
        r.groupby(["tenant_id", "period"], as_index=False)["energy_kwh"]
        .sum()
        .rename(columns={"energy_kwh": "claimed_kwh"})
    )


def scope2_emissions(
    consumption: pd.DataFrame,
    year: int,
    renewables: pd.DataFrame | None = None,
    strict: bool = False,
    extra_dirs: Iterable[Path] = (),
    grid_purpose: str = "default",
    submission_date: dt.date | None = None,
) -> tuple[pd.DataFrame, list[FactorUsed], list[str]]:
    """Location- and market-based Scope 2 per tenant and month.

    Parameters
    ----------
    consumption : DataFrame
        The store's monthly consumption by tenant (see :func:`monthly_electricity`).
    year : int
        Inventory (data) year.
    renewables : DataFrame, optional
        Contractual instruments: tenant_id, period (YYYY-MM), instrument (ppa | certificate), energy_kwh, source.
    strict : bool
        A year without a published grid factor is an error instead of a flagged fallback.
    grid_purpose : str
        Which grid factor (``ghg/grid_factor_rules``): ``default`` (the data year's, a study value flagged) or
        ``decree06`` (a submission under Decree 06/2022: the latest factor the DCC had announced at
        ``submission_date``; the note says which).
    submission_date : date, optional
        When the Decree 06 report is made (``decree06`` only); None = every announcement on record.

    Returns
    -------
    DataFrame
        :func:`monthly_electricity` columns plus contractual_kwh, scope2_location_tco2e, scope2_market_tco2e.
    list of FactorUsed
        The grid factor (flags: fallback, study, residual_mix_not_published).
    list of str
        Notes (claims dropped because they exceed the import).

    References
    ----------
    GHG Protocol Scope 2 Guidance (2015) ch.6 (dual reporting), Table 6.3 (emission-factor hierarchy), ch.7
    (Scope 2 quality criteria: each MWh claimed once).
    """
    month = monthly_electricity(consumption, year)
    gf = grid_factor_for(year, grid_purpose, submission_date, strict=strict, extra_dirs=extra_dirs)
    purpose_rule = gf.rule != "data_year"
    flags = (["fallback"] if gf.fallback and not purpose_rule else []) + (["study"] if gf.status == "study" else [])
    if gf.fallback and not purpose_rule:
        log.warning("no grid factor for %d: using %d (%.4f tCO2/MWh)", year, gf.year_used, gf.tco2_per_mwh)
    loc = FactorUsed.from_row("grid_electricity_vn", gf.factor, flags=flags)
    if gf.fallback:
        loc = loc.model_copy(update={"source": f"{loc.source} (data year {gf.year_used} applied to {year})"})
    mkt = loc.model_copy(update={"name": "grid_residual_mix_vn", "flags": [*flags, "residual_mix_not_published"]})
    claims = _claims(renewables, year)
    out = month.merge(claims, on=["tenant_id", "period"], how="left")
    out["claimed_kwh"] = out["claimed_kwh"].astype(float).fillna(0.0)
    notes: list[str] = [gf.note] if purpose_rule else []
    if gf.fallback and not purpose_rule:
        notes.append(
            f"no published grid factor for {year}: the {gf.year_used} factor ({gf.tco2_per_mwh} tCO2/MWh) is used "
            "(flag 'fallback'; --strict-factors makes this an error)"
        )
    if gf.status == "study":
        notes.append(f"grid factor {gf.year_used} is a study value not yet announced by the DCC (flag 'study')")
    orphan = claims.merge(month[["tenant_id", "period"]], on=["tenant_id", "period"], how="left", indicator=True)
    orphan = orphan[orphan["_merge"] == "left_only"]
    if not orphan.empty:
        notes.append(f"{len(orphan)} renewable claim(s) for tenant-months without grid import were not used")
    out["contractual_kwh"] = out[["claimed_kwh", "grid_import_kwh"]].min(axis=1)
    excess = out["claimed_kwh"] - out["contractual_kwh"]
    if (excess > 0).any():
        notes.append(f"renewable claims above grid import dropped: {excess.sum():,.0f} kWh (never counted twice)")
    out = out.drop(columns="claimed_kwh")
    ef = gf.tco2_per_mwh / 1e3  # tCO2 per kWh
    out["scope2_location_tco2e"] = out["grid_import_kwh"] * ef
    out["scope2_market_tco2e"] = (out["grid_import_kwh"] - out["contractual_kwh"]) * ef
    out.attrs["unit"] = {"scope2_location_tco2e": "tCO2e", "grid_import_kwh": "kWh"}
    return out, [loc, mkt], notes
