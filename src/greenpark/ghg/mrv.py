"""Emission-reduction MRV in the style of the Japan-Viet Nam Joint Crediting Mechanism (JCM).

For each monitoring period p: reference emissions RE_p, project emissions PE_p, reductions ER_p = RE_p - PE_p
(tCO2e). The factors are fixed ex ante (at validation) in a :class:`MrvFactorSet`, which carries a digest so a
later monitoring report can show that it used the same factors. Measure types and their equations:

- ``pv_output`` (JCM VN_AM007 "Installation of Solar PV System"): monitored EG_p = PV electricity delivered
  (kWh, consumed on site or exported); RE_p = EG_p x EF_grid; PE_p = 0.
- ``electricity_saved``: monitored = electricity saved against a verified baseline (kWh, from the energy
  engine's M&V); RE_p = saved x EF_grid; PE_p = 0 (the saving is already net of the project's own use).
- ``fuel_switch``: monitored = quantity of the project fuel burnt (in ``fuel_unit``); the useful heat it gave,
  q x energy_to x eta_to, would in the reference have come from the reference fuel at efficiency eta_from:
  RE_p = q x energy_to x eta_to / eta_from x EF_from (tCO2e/TJ); PE_p = q x EF_to (per unit). Biogenic CO2 of a
  biomass project fuel counts as zero (memo in the fuel factors).
- ``methane_captured``: monitored = CH4 sent to destruction (kg); RE_p = CH4 x GWP_CH4; PE_p = CH4 x (1 - eta)
  x GWP_CH4, eta the destruction efficiency (CDM TOOL06 defaults in ``ghg/mrv``); CO2 from burning biogenic CH4
  is not counted.

References
----------
JCM VN_AM007 ver.1.0 (jcm.go.jp/vn-jp/methodologies/45); JCM Guidelines for Developing PDD and Monitoring
Report; UNFCCC CDM TOOL06 (flaring); IPCC 2006 GL Vol.2 Ch.2.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, Field

from greenpark.errors import InputError
from greenpark.ghg.combustion import fuel_coefficients
from greenpark.ghg.factors import FactorUsed
from greenpark.ghg.grid import grid_factor
from greenpark.ghg.gwp import DEFAULT_GWP_SET, gwp_factor
from greenpark.reference import lookup

MRV_TABLE = "ghg/mrv"


class MeasureType(StrEnum):
    """What a measure monitors."""

    pv_output = "pv_output"
    electricity_saved = "electricity_saved"
    fuel_switch = "fuel_switch"
    methane_captured = "methane_captured"


MONITORED_UNIT = {
    MeasureType.pv_output: "kWh",
    MeasureType.electricity_saved: "kWh",
    MeasureType.methane_captured: "kg CH4",
}


class MrvFactorSet(BaseModel):
    """The factors of one measure, fixed ex ante. ``digest`` changes if any value changes."""

    measure_id: str
    measure_type: MeasureType
    gwp_set: str
    fixed_on: dt.date
    monitored_unit: str
    reference_t_per_unit: float = Field(description="tCO2e of reference emissions per monitored unit")
    project_t_per_unit: float = Field(description="tCO2e of project emissions per monitored unit")
    basis: str
    factors: list[FactorUsed]
    digest: str = ""

    def model_post_init(self, __context: object) -> None:
        """Compute the digest when the set is first fixed."""
        if not self.digest:
            self.digest = self.compute_digest()

    def compute_digest(self) -> str:
        """SHA-256 over the per-unit coefficients and the factor values (first 16 hex digits)."""
        payload = {
            "ref": self.reference_t_per_unit,
            "proj": self.project_t_per_unit,
            "factors": [(f.name, f.value, f.unit) for f in self.factors],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def fix_factors(
    measure_id: str,
    measure_type: MeasureType | str,
    fixed_on: dt.date,
    *,
    grid_year: int | None = None,
    fuel_from: str | None = None,
    fuel_to: str | None = None,
    fuel_unit: str | None = None,
    efficiency_from: float = 1.0,
    efficiency_to: float = 1.0,
    destruction: str = "enclosed_flare",
    gwp_set: str = DEFAULT_GWP_SET,
    strict: bool = True,
    extra_dirs: Iterable[Path] = (),
) -> MrvFactorSet:
    """Fix a measure's factors ex ante (at validation).

    Parameters
    ----------
    measure_id : str
    measure_type : MeasureType or str
        pv_output, electricity_saved, fuel_switch or methane_captured.
    fixed_on : date
        Validation date, recorded in the set.
    grid_year : int
        Data year of the grid factor (pv_output, electricity_saved); ``strict`` (default) refuses a fallback.
    fuel_from, fuel_to, fuel_unit : str
        Reference fuel, project fuel and the unit the project fuel is monitored in (fuel_switch).
    efficiency_from, efficiency_to : float
        Boiler/heater efficiencies of the reference and project equipment (fuel_switch), in (0, 1].
    destruction : str
        enclosed_flare, open_flare or engine (methane_captured): selects the destruction efficiency row.

    Raises
    ------
    InputError
        Missing or invalid parameters for the measure type.
    """
    try:
        mtype = MeasureType(measure_type)
    except ValueError:
        raise InputError(
            f"unknown measure type {measure_type!r}; choose one of {', '.join(m.value for m in MeasureType)}"
        ) from None
    common = {"measure_id": measure_id, "measure_type": mtype, "gwp_set": gwp_set, "fixed_on": fixed_on}
    if mtype in (MeasureType.pv_output, MeasureType.electricity_saved):
        if grid_year is None:
            raise InputError(f"measure {measure_id}: {mtype.value} needs grid_year (data year of the grid factor)")
        gf = grid_factor(grid_year, strict=strict, extra_dirs=extra_dirs)
        flags = (["fallback"] if gf.fallback else []) + (["study"] if gf.status == "study" else [])
        used = FactorUsed.from_row("grid_electricity_vn", gf.factor, flags=flags)
        basis = (
            "JCM VN_AM007: RE = EG x EF_grid, PE = 0"
            if mtype is MeasureType.pv_output
            else "RE = verified saving x EF_grid, PE = 0"
        )
        return MrvFactorSet(
            **common,
            monitored_unit="kWh",
            reference_t_per_unit=gf.tco2_per_mwh / 1e3,
            project_t_per_unit=0.0,
            basis=basis,
            factors=[used],
        )
    if mtype is MeasureType.fuel_switch:
        if not (fuel_from and fuel_to and fuel_unit):
            raise InputError(f"measure {measure_id}: fuel_switch needs fuel_from, fuel_to and fuel_unit")
        for name, eff in (("efficiency_from", efficiency_from), ("efficiency_to", efficiency_to)):
            if not 0 < eff <= 1:
                raise InputError(f"measure {measure_id}: {name} must be in (0, 1], got {eff}")
        to = fuel_coefficients(fuel_to, fuel_unit, gwp_set, extra_dirs)
        ref = fuel_coefficients(fuel_from, "TJ", gwp_set, extra_dirs)  # per TJ of reference fuel
        ref_per_unit = to.energy_tj * efficiency_to / efficiency_from * ref.co2e_kg / 1e3
        return MrvFactorSet(
            **common,
            monitored_unit=f"{to.unit} {fuel_to}",
            reference_t_per_unit=ref_per_unit,
            project_t_per_unit=to.co2e_kg / 1e3,
            basis=(
                f"RE = q x E_{fuel_to} x eta_to ({efficiency_to}) / eta_from ({efficiency_from}) x EF_{fuel_from}; "
                f"PE = q x EF_{fuel_to}"
            ),
            factors=[*to.factors, *ref.factors],
        )
    row = lookup(MRV_TABLE, extra_dirs=extra_dirs, parameter=f"destruction_efficiency_{destruction}")
    g = gwp_factor("CH4_biogenic", gwp_set)
    return MrvFactorSet(
        **common,
        monitored_unit="kg CH4",
        reference_t_per_unit=g.value / 1e3,
        project_t_per_unit=(1 - row.value) * g.value / 1e3,
        basis=f"RE = CH4 x GWP; PE = CH4 x (1 - eta_{destruction}) x GWP",
        factors=[
            FactorUsed.from_row(f"mrv.destruction_efficiency_{destruction}", row),
            FactorUsed.from_row(f"gwp.{gwp_set}.CH4_biogenic", g),
        ],
    )


class MonitoringPeriod(BaseModel):
    """One row of a monitoring report."""

    period: str
    monitored_quantity: float
    reference_tco2e: float
    project_tco2e: float
    reduction_tco2e: float


class MonitoringReport(BaseModel):
    """Reductions of one measure per monitoring period, with the factor set they were computed with."""

    measure_id: str
    measure_type: MeasureType
    monitored_unit: str
    factor_set_digest: str
    periods: list[MonitoringPeriod]
    reference_tco2e: float
    project_tco2e: float
    reduction_tco2e: float
    factors: list[FactorUsed]

    def to_frame(self) -> pd.DataFrame:
        """The monitoring report table: one row per period plus a total row."""
        df = pd.DataFrame([p.model_dump() for p in self.periods])
        total = {
            "period": "total",
            "monitored_quantity": df["monitored_quantity"].sum() if len(df) else 0.0,
            "reference_tco2e": self.reference_tco2e,
            "project_tco2e": self.project_tco2e,
            "reduction_tco2e": self.reduction_tco2e,
        }
        out = pd.concat([df, pd.DataFrame([total])], ignore_index=True)
        out.attrs["unit"] = {"monitored_quantity": self.monitored_unit, "reduction_tco2e": "tCO2e"}
        return out


def monitoring_report(factor_set: MrvFactorSet, monitoring: pd.DataFrame) -> MonitoringReport:
    """Reference, project emissions and reductions per monitoring period.

    Parameters
    ----------
    factor_set : MrvFactorSet
        Fixed ex ante with :func:`fix_factors`; its digest is checked (a changed set is refused).
    monitoring : DataFrame
        Columns period (label, e.g. ``2025-H1`` or ``2025-01``) and monitored_quantity (in
        ``factor_set.monitored_unit``).

    Raises
    ------
    InputError
        Missing columns, a negative or missing quantity, or a factor set altered after it was fixed.
    """
    if factor_set.digest != factor_set.compute_digest():
        raise InputError(
            f"factor set of {factor_set.measure_id} was changed after it was fixed ex ante "
            f"(digest {factor_set.digest}); fix a new set and state why"
        )
    missing = [c for c in ("period", "monitored_quantity") if c not in monitoring]
    if missing:
        raise InputError(f"monitoring table lacks column(s) {missing}; needs period, monitored_quantity")
    q = pd.to_numeric(monitoring["monitored_quantity"], errors="coerce")
    if (q.isna() | (q < 0)).any():
        bad = monitoring[q.isna() | (q < 0)]["period"].tolist()
        raise InputError(f"monitored_quantity must be a number >= 0; bad period(s): {bad}")
    ref = q * factor_set.reference_t_per_unit
    proj = q * factor_set.project_t_per_unit
    periods = [
        MonitoringPeriod(
            period=str(p),
            monitored_quantity=float(x),
            reference_tco2e=float(r),
            project_tco2e=float(pe),
            reduction_tco2e=float(r - pe),
        )
        for p, x, r, pe in zip(monitoring["period"], q, ref, proj, strict=True)
    ]
    return MonitoringReport(
        measure_id=factor_set.measure_id,
        measure_type=factor_set.measure_type,
        monitored_unit=factor_set.monitored_unit,
        factor_set_digest=factor_set.digest,
        periods=periods,
        reference_tco2e=float(ref.sum()),
        project_tco2e=float(proj.sum()),
        reduction_tco2e=float((ref - proj).sum()),
        factors=factor_set.factors,
    )
