"""Stationary combustion: fuel burnt -> energy (TJ, TOE) -> CO2, CH4, N2O and tCO2e.

Method: IPCC 2006 GL Vol.2 Ch.2 Tier 1 (Eq. 2.1): emissions of gas g = fuel energy (TJ, NCV basis) x EF_g
(kg/TJ). A quantity given as mass is turned into energy with the NCV (TJ/Gg); a volume first into mass with the
fuel's density (``ghg/fuel_density``); an energy (GJ, kWh) is used as is. CH4 of fossil fuels is weighted with
the fossil CH4 GWP, CH4 of biomass with the non-fossil one (they differ only in AR6). CO2 from biomass is biogenic:
returned separately as a memo item, never in ``tco2e``.

Factors come from ``ghg/combustion`` in the national priority order (facility > Decision 2626 > IPCC), see
:mod:`greenpark.ghg.factors`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from greenpark.errors import InputError, MissingFactorError, UnknownUnitError
from greenpark.ghg.factors import FactorUsed, lookup_row, select_factor
from greenpark.ghg.gwp import DEFAULT_GWP_SET, gwp_factor
from greenpark.reference import load_table
from greenpark.units import conversion_factor, known_units, parse_unit

log = logging.getLogger(__name__)

COMBUSTION_TABLE = "ghg/combustion"
DENSITY_TABLE = "ghg/fuel_density"
TOE_TABLE = "ghg/toe"


class UnknownFuelError(InputError):
    """A fuel name is not in the combustion factor table."""


def known_fuels(extra_dirs: Iterable[Path] = ()) -> list[str]:
    """Fuels with combustion factors, e.g. ``['biomass_wood', 'coal_anthracite', 'diesel', ...]``."""
    extra_dirs = tuple(extra_dirs)
    if not extra_dirs:
        return list(_shipped_fuels())
    return sorted(load_table(COMBUSTION_TABLE, extra_dirs)["fuel"].astype(str).unique().tolist())


@lru_cache(maxsize=1)
def _shipped_fuels() -> tuple[str, ...]:
    return tuple(sorted(load_table(COMBUSTION_TABLE)["fuel"].astype(str).unique().tolist()))


@dataclass(frozen=True)
class FuelCoefficients:
    """Emissions and energy per one unit of a fuel as the user writes it (e.g. per litre of diesel).

    ``co2_kg``, ``ch4_kg``, ``n2o_kg``, ``co2_biogenic_kg`` are kg of gas per unit; ``co2e_kg`` is kg CO2e per
    unit in the GWP set asked for (biogenic CO2 excluded); ``energy_tj`` TJ per unit; ``toe`` TOE per unit.
    """

    fuel: str
    unit: str
    energy_tj: float
    toe: float
    co2_kg: float
    ch4_kg: float
    n2o_kg: float
    co2_biogenic_kg: float
    co2e_kg: float
    factors: list[FactorUsed] = field(default_factory=list)


def _check_fuel(fuel: str, extra_dirs: Iterable[Path]) -> None:
    fuels = known_fuels(extra_dirs)
    if fuel not in fuels:
        raise UnknownFuelError(
            f"unknown fuel {fuel!r}; known fuels: {', '.join(fuels)}; "
            f"use one of them in fuels.csv or add its factors to <your reference folder>/{COMBUSTION_TABLE}.csv"
        )


def _param(fuel: str, parameter: str, extra_dirs: Iterable[Path]) -> tuple[float, FactorUsed]:
    row, factor_set = select_factor(COMBUSTION_TABLE, extra_dirs, fuel=fuel, parameter=parameter)
    return row.value, FactorUsed.from_row(f"combustion.{fuel}.{parameter}", row, factor_set)


def _optional_param(fuel: str, parameter: str, extra_dirs: Iterable[Path]) -> tuple[float, list[FactorUsed]]:
    try:
        value, used = _param(fuel, parameter, extra_dirs)
    except MissingFactorError:
        return 0.0, []
    return value, [used]


def fuel_coefficients(
    fuel: str, unit: str, gwp_set: str = DEFAULT_GWP_SET, extra_dirs: Iterable[Path] = ()
) -> FuelCoefficients:
    """Energy, TOE and emissions per one ``unit`` of ``fuel``.

    Parameters
    ----------
    fuel : str
        A fuel of fuels.csv (diesel, fuel_oil, lpg, natural_gas, coal_anthracite, coal_bituminous, biomass_wood).
    unit : str
        A unit of mass (kg, t), volume (l, m3; needs a density row) or energy (GJ, kWh...).
    gwp_set : str
        AR4, AR5 (default) or AR6.
    extra_dirs : iterable of Path
        User reference folders (facility-specific or Decision 2626 factors).

    Raises
    ------
    UnknownFuelError, UnknownUnitError, MissingFactorError

    References
    ----------
    IPCC 2006 GL Vol.2 Ch.1 Table 1.2 (NCV), Ch.2 Table 2.3 (EF), Eq. 2.1; MOIT letter 3505/BCT-KHCN (TOE).
    """
    _check_fuel(fuel, extra_dirs)
    u = parse_unit(unit)
    used: list[FactorUsed] = []
    if u.dimension == "energy":
        energy_tj = conversion_factor(u.symbol, "TJ")
        toe_row = lookup_row(TOE_TABLE, extra_dirs, carrier="energy_gj")
        toe = conversion_factor(u.symbol, "GJ") * toe_row.value
        used.append(FactorUsed.from_row("toe.energy_gj", toe_row))
    elif u.dimension in ("mass", "volume"):
        if u.dimension == "volume":
            try:
                dens = lookup_row(DENSITY_TABLE, extra_dirs, fuel=fuel)
            except MissingFactorError:
                raise UnknownUnitError(
                    f"fuel {fuel!r} given in {unit!r} (a volume) but it has no density in {DENSITY_TABLE}; "
                    f"give it as mass (kg, t) or energy (GJ), or add a density row to your reference folder"
                ) from None
            per = dens.unit.split("/")[-1]  # 'kg/l' or 'kg/m3'
            mass_kg = conversion_factor(u.symbol, per) * dens.value
            used.append(FactorUsed.from_row(f"density.{fuel}", dens))
        else:
            mass_kg = conversion_factor(u.symbol, "kg")
        ncv, ncv_used = _param(fuel, "ncv", extra_dirs)  # TJ/Gg
        used.append(ncv_used)
        energy_tj = mass_kg / 1e6 * ncv
        toe_row = lookup_row(TOE_TABLE, extra_dirs, carrier=fuel)
        toe = mass_kg / 1e3 * toe_row.value
        used.append(FactorUsed.from_row(f"toe.{fuel}", toe_row))
    else:
        raise UnknownUnitError(
            f"unit {unit!r} ({u.dimension}) does not fit a fuel; use mass ({', '.join(known_units('mass'))}), "
            f"volume ({', '.join(known_units('volume'))}) or energy ({', '.join(known_units('energy'))})"
        )
    co2, f_co2 = _optional_param(fuel, "co2", extra_dirs)
    co2_bio, f_bio = _optional_param(fuel, "co2_biogenic", extra_dirs)
    ch4, f_ch4 = _optional_param(fuel, "ch4", extra_dirs)
    n2o, f_n2o = _optional_param(fuel, "n2o", extra_dirs)
    used += f_co2 + f_bio + f_ch4 + f_n2o
    biogenic = co2_bio > 0 and co2 == 0
    ch4_gas = "CH4_biogenic" if biogenic else "CH4_fossil"
    g_ch4, g_n2o = gwp_factor(ch4_gas, gwp_set), gwp_factor("N2O", gwp_set)
    used += [FactorUsed.from_row(f"gwp.{gwp_set}.{ch4_gas}", g_ch4), FactorUsed.from_row(f"gwp.{gwp_set}.N2O", g_n2o)]
    co2_kg, ch4_kg, n2o_kg = co2 * energy_tj, ch4 * energy_tj, n2o * energy_tj
    return FuelCoefficients(
        fuel=fuel,
        unit=u.symbol,
        energy_tj=energy_tj,
        toe=toe,
        co2_kg=co2_kg,
        ch4_kg=ch4_kg,
        n2o_kg=n2o_kg,
        co2_biogenic_kg=co2_bio * energy_tj,
        co2e_kg=co2_kg + ch4_kg * g_ch4.value + n2o_kg * g_n2o.value,
        factors=used,
    )


@dataclass(frozen=True)
class FuelEmissions:
    """Emissions of an amount of fuel: tonnes of each gas, tCO2e (biogenic CO2 apart), energy."""

    fuel: str
    quantity: float
    unit: str
    energy_tj: float
    energy_toe: float
    co2_t: float
    ch4_t: float
    n2o_t: float
    co2e_t: float
    biogenic_co2_t: float
    factors: list[FactorUsed]


def fuel_emissions(
    fuel: str, quantity: float, unit: str, gwp_set: str = DEFAULT_GWP_SET, extra_dirs: Iterable[Path] = ()
) -> FuelEmissions:
    """tCO2e of an amount of fuel burnt in a stationary source (for fuel-switch measures and checks).

    >>> round(fuel_emissions("diesel", 1000, "l").co2e_t, 3)
    2.758

    Raises
    ------
    InputError
        ``quantity`` is negative or not finite.
    """
    if not np.isfinite(quantity) or quantity < 0:
        raise InputError(f"fuel quantity must be a finite number >= 0, got {quantity!r} {unit} of {fuel}")
    c = fuel_coefficients(fuel, unit, gwp_set, extra_dirs)
    return FuelEmissions(
        fuel=fuel,
        quantity=float(quantity),
        unit=c.unit,
        energy_tj=quantity * c.energy_tj,
        energy_toe=quantity * c.toe,
        co2_t=quantity * c.co2_kg / 1e3,
        ch4_t=quantity * c.ch4_kg / 1e3,
        n2o_t=quantity * c.n2o_kg / 1e3,
        co2e_t=quantity * c.co2e_kg / 1e3,
        biogenic_co2_t=quantity * c.co2_biogenic_kg / 1e3,
        factors=c.factors,
    )


def combustion_emissions(
    fuels: pd.DataFrame, gwp_set: str = DEFAULT_GWP_SET, extra_dirs: Iterable[Path] = ()
) -> tuple[pd.DataFrame, list[FactorUsed]]:
    """Emissions of every row of the ``fuels`` table, vectorised over rows.

    Parameters
    ----------
    fuels : DataFrame
        Columns tenant_id, period (YYYY-MM), fuel, quantity, unit (park-folder ``fuels.csv``).

    Returns
    -------
    DataFrame
        The input columns plus energy_tj, energy_toe, co2_t, ch4_t, n2o_t, tco2e, biogenic_co2_t.
    list of FactorUsed
        Every factor applied.

    Raises
    ------
    InputError
        A negative or missing quantity (the message names the rows).
    UnknownFuelError, UnknownUnitError
        A fuel or unit that cannot be used.
    """
    cols = ["energy_tj", "energy_toe", "co2_t", "ch4_t", "n2o_t", "tco2e", "biogenic_co2_t"]
    if fuels.empty:
        return fuels.assign(**{c: pd.Series(dtype=float) for c in cols}), []
    q = pd.to_numeric(fuels["quantity"], errors="coerce")
    bad = fuels.index[q.isna() | (q < 0)]
    if len(bad):
        sample = fuels.loc[bad[:5], ["tenant_id", "period", "fuel", "quantity", "unit"]].to_dict("records")
        raise InputError(
            f"{len(bad)} fuel row(s) have a negative or missing quantity, e.g. {sample}; "
            "quantities must be >= 0 (fix fuels.csv)"
        )
    pairs = fuels[["fuel", "unit"]].astype(str).drop_duplicates()
    coef_rows, used = [], []
    for fuel, unit in pairs.itertuples(index=False):
        c = fuel_coefficients(fuel, unit, gwp_set, extra_dirs)
        used += c.factors
        coef_rows.append(
            {
                "fuel": fuel,
                "unit": unit,
                "energy_tj": c.energy_tj,
                "energy_toe": c.toe,
                "co2_t": c.co2_kg / 1e3,
                "ch4_t": c.ch4_kg / 1e3,
                "n2o_t": c.n2o_kg / 1e3,
                "tco2e": c.co2e_kg / 1e3,
                "biogenic_co2_t": c.co2_biogenic_kg / 1e3,
            }
        )
    coef = pd.DataFrame(coef_rows)
    out = fuels.assign(fuel=fuels["fuel"].astype(str), unit=fuels["unit"].astype(str)).merge(
        coef, on=["fuel", "unit"], how="left", validate="many_to_one"
    )
    out[cols] = out[cols].mul(q.to_numpy(), axis=0)
    out.attrs["unit"] = {"tco2e": "tCO2e", "energy_tj": "TJ", "energy_toe": "TOE"}
    log.debug("combustion: %d rows, %.3f tCO2e", len(out), out["tco2e"].sum())
    return out, used
