"""Default parameters of the solar engine, read from reference data (never literals in code).

:func:`pv_system_params` reads ``reference/data/solar/pv_system.csv`` and :func:`cost_params`
reads ``reference/data/solar/costs.csv`` (and the one discount rate of ``finance/parameters.csv``). Both
return frozen dataclasses that carry the rows they came from (``factors``), so every result can list the
assumptions it was computed with. Tests and users may build the dataclasses directly with their own numbers
(``dataclasses.replace``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from greenpark import finance
from greenpark.errors import ReferenceDataError
from greenpark.reference import FactorRow, load_table, row_to_factor, valid_on

PV_TABLE = "solar/pv_system"
COST_TABLE = "solar/costs"


@dataclass(frozen=True)
class PvSystemParams:
    """PV system model: PVWatts DC/AC with pvwatts losses, SAPM cell temperature, physical IAM, Hay-Davies sky.

    Losses are in percent (pvlib ``pvwatts_losses``); ``degradation`` in %/yr.
    """

    module_power_density: float  # kWp per m2 of usable roof
    gamma_pdc: float  # 1/degC
    temp_model_a: float
    temp_model_b: float
    temp_model_deltaT: float  # noqa: N815 (SAPM parameter name)
    loss_soiling: float
    loss_shading: float
    loss_mismatch: float
    loss_wiring: float
    loss_connections: float
    loss_lid: float
    loss_nameplate: float
    loss_availability: float
    inverter_eta_nom: float
    dc_ac_ratio: float
    albedo: float
    degradation: float
    wind_speed_default: float
    factors: tuple[FactorRow, ...] = field(default=(), compare=False, repr=False)

    def losses_kwargs(self) -> dict[str, float]:
        """Keyword arguments for :func:`pvlib.pvsystem.pvwatts_losses` [%]."""
        return {
            "soiling": self.loss_soiling,
            "shading": self.loss_shading,
            "snow": 0.0,
            "mismatch": self.loss_mismatch,
            "wiring": self.loss_wiring,
            "connections": self.loss_connections,
            "lid": self.loss_lid,
            "nameplate_rating": self.loss_nameplate,
            "age": 0.0,
            "availability": self.loss_availability,
        }


@dataclass(frozen=True)
class CostParams:
    """PV and battery costs and finance, VND excl. VAT, real terms (see ``solar/costs.csv``)."""

    pv_capex: float  # VND/kWp
    pv_om: float  # VND/kWp/yr
    inverter_replacement: float  # VND/kWp
    inverter_replacement_year: float  # yr
    pv_lifetime: float  # yr
    battery_capex_energy: float  # VND/kWh
    battery_capex_power: float  # VND/kW
    battery_om: float  # VND/kWh/yr
    battery_replacement_share: float  # of energy capex
    battery_lifetime: float  # yr
    battery_roundtrip_efficiency: float  # 1
    battery_min_soc: float  # share of kWh
    discount_rate: float  # 1/yr, real (greenpark.finance.discount_rate)
    factors: tuple[FactorRow, ...] = field(default=(), compare=False, repr=False)


def _from_table(cls: type, table: str, on: dt.date | None, given: tuple[FactorRow, ...] = ()) -> Any:
    df = load_table(table)
    if on is not None:
        df = valid_on(df, on)
    values: dict[str, float] = {str(r.keys["parameter"]): r.value for r in given}
    names = [f.name for f in fields(cls) if f.name != "factors" and f.name not in values]
    rows: list[FactorRow] = list(given)
    for name in names:
        hit = df[df["parameter"] == name]
        if hit.empty:
            when = f" valid on {on}" if on else ""
            raise ReferenceDataError(
                f"reference table {table!r} has no row for parameter {name!r}{when}; add it to {table}.csv"
            )
        row = row_to_factor(table, hit.iloc[-1], ["parameter"])
        values[name] = row.value
        rows.append(row)
    return cls(**values, factors=tuple(rows))


def pv_system_params() -> PvSystemParams:
    """The default PV system model from ``solar/pv_system.csv``."""
    return _from_table(PvSystemParams, PV_TABLE, None)


def cost_params(on: dt.date | None = None) -> CostParams:
    """Cost defaults from ``solar/costs.csv`` and the discount rate of ``greenpark.finance`` (rows valid on
    ``on`` when given)."""
    return _from_table(CostParams, COST_TABLE, on, (finance.discount_rate_row(on),))
