"""CH4 and N2O of industrial wastewater treatment (the park's central WWTP): Scope 1 of the park operator.

Method (IPCC 2006 GL Vol.5 Ch.6, with the 2019 Refinement choices by default):

- CH4 plant (kg/yr) = (TOW - S) x Bo x MCF - R  (Eq. 6.4, EF = Bo x MCF, Eq. 6.5), TOW = organics in the
  influent (kg COD/yr, flow-weighted, see :mod:`greenpark.water.ghg_link`), S = organics removed as sludge
  (kg COD/yr), R = CH4 recovered (flared or used, kg/yr). Bo = 0.25 kg CH4/kg COD. MCF by treatment type from
  the table for INDUSTRIAL wastewater (Table 6.8 of either edition: a well-managed aerobic plant has MCF 0);
  the 2019R domestic Table 6.3 value (0.03 for a centralized aerobic plant) does not apply to a park's plant.
- CH4 effluent (kg/yr) = effluent COD x Bo x MCF_effluent (2019R only: Table 6.3 discharge MCF by the
  receiving water: rivers and sea 0.035, lakes/reservoirs/estuaries 0.19, unknown 0.11). The 2006 GL has no
  CH4 from treated effluent; under ``ipcc_2006`` it is 0 and the notes say so.
- N2O plant (kg/yr) = N_influent x EF_plant x 44/28 (2019R: EF 0.016 kg N2O-N/kg N for centralized aerobic
  plants; 0 for anaerobic). Skipped (with a log warning and a note) if the influent nitrogen is not known.
- N2O effluent (kg/yr) = N_effluent x EF_effluent x 44/28 (Eq. 6.7, EF 0.005 kg N2O-N/kg N).
- CH4 is weighted with the non-fossil CH4 GWP (wastewater organics are biogenic; differs only in AR6).

The method (``ipcc_2019r``, the default, or ``ipcc_2006``) is selectable; every result's ``notes`` state the
method used and whether it was the default. The water engine measures the activity
(``greenpark.water.ghg_activity``); this module only applies factors, so it takes plain numbers
(:class:`WwtpActivity`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from greenpark.errors import InputError, MissingFactorError
from greenpark.ghg.factors import FactorUsed, select_factor
from greenpark.ghg.gwp import DEFAULT_GWP_SET, gwp_factor
from greenpark.model import Treatment

log = logging.getLogger(__name__)

TABLE = "ghg/wastewater"
METHODS = ("ipcc_2019r", "ipcc_2006")
DEFAULT_METHOD = "ipcc_2019r"
METHOD_NAMES = {"ipcc_2019r": "2019 Refinement to the IPCC 2006 GL", "ipcc_2006": "IPCC 2006 GL"}
# receiving water of wwtp.csv -> class of the 2019R discharge MCF (Table 6.3)
EFFLUENT_CLASS = {
    "river": "discharge_other",
    "coastal_protected": "discharge_other",
    "coastal_other": "discharge_other",
    "lake": "discharge_lake",
}


@dataclass(frozen=True)
class WwtpActivity:
    """A WWTP's annual activity data, as the water engine measures it.

    Attributes
    ----------
    wwtp_id : str
    treatment : str
        A :class:`greenpark.model.Treatment` value (IPCC MCF class).
    tow_kg_cod : float
        Organics in the influent, kg COD per year.
    sludge_cod_kg : float
        Organics removed with sludge, kg COD per year.
    n_effluent_kg : float
        Nitrogen in the treated effluent, kg N per year.
    n_influent_kg : float or None
        Nitrogen in the influent, kg N per year (for plant N2O, 2019R); None = unknown.
    ch4_recovered_kg : float
        CH4 recovered and flared or used, kg per year.
    effluent_cod_kg : float or None
        Organics discharged with the treated effluent, kg COD per year (None = unknown).
    receiving_water : str or None
        ``river``, ``lake``, ``coastal_protected`` or ``coastal_other`` (None = unknown: Tier 1 MCF).
    """

    wwtp_id: str
    treatment: str
    tow_kg_cod: float
    sludge_cod_kg: float = 0.0
    n_effluent_kg: float = 0.0
    n_influent_kg: float | None = None
    ch4_recovered_kg: float = 0.0
    effluent_cod_kg: float | None = None
    receiving_water: str | None = None


class WastewaterEmissions(BaseModel):
    """CH4 and N2O of one WWTP for one year, in kg of gas and tCO2e."""

    wwtp_id: str
    method: str
    ch4_kg: float
    ch4_plant_kg: float = 0.0
    ch4_effluent_kg: float = 0.0
    n2o_plant_kg: float
    n2o_effluent_kg: float
    ch4_tco2e: float
    n2o_tco2e: float
    tco2e: float
    notes: list[str] = Field(default_factory=list)
    factors: list[FactorUsed] = Field(default_factory=list)


def _factor(parameter: str, treatment: str, method: str, extra_dirs: Iterable[Path]) -> tuple[float, FactorUsed]:
    try:
        row, fset = select_factor(TABLE, extra_dirs, parameter=parameter, treatment=treatment, method=method)
    except MissingFactorError:  # fall back to the treatment-independent row; raises if that is missing too
        row, fset = select_factor(TABLE, extra_dirs, parameter=parameter, treatment="any", method=method)
    return row.value, FactorUsed.from_row(f"wastewater.{method}.{parameter}.{row.keys['treatment']}", row, fset)


def wastewater_emissions(
    activity: WwtpActivity,
    gwp_set: str = DEFAULT_GWP_SET,
    method: str | None = None,
    extra_dirs: Iterable[Path] = (),
) -> WastewaterEmissions:
    """CH4 and N2O of a WWTP for a year (see the module docstring for the equations).

    Parameters
    ----------
    activity : WwtpActivity
        Annual activity data (kg COD, kg N, kg CH4 recovered).
    gwp_set : str
        AR4, AR5 (default) or AR6.
    method : str, optional
        ``ipcc_2019r`` (default, :data:`DEFAULT_METHOD`) or ``ipcc_2006``; the notes say which was used.

    Raises
    ------
    InputError
        Unknown treatment or method, a negative quantity, or S > TOW.

    References
    ----------
    IPCC 2006 GL Vol.5 Ch.6 Eq. 6.4, 6.5, 6.7, Table 6.8, 6.11; 2019 Refinement Vol.5 Ch.6 Eq. 6.3D,
    Tables 6.3 (discharge MCF), 6.8 (industrial MCF), 6.8A.
    """
    chosen = method is not None
    method = method or DEFAULT_METHOD
    if method not in METHODS:
        raise InputError(f"unknown wastewater method {method!r}; choose one of {', '.join(METHODS)}")
    treatments = [t.value for t in Treatment]
    if activity.treatment not in treatments:
        raise InputError(
            f"unknown WWTP treatment {activity.treatment!r} for {activity.wwtp_id}; "
            f"choose one of {', '.join(treatments)}"
        )
    numbers = {
        "tow_kg_cod": activity.tow_kg_cod,
        "sludge_cod_kg": activity.sludge_cod_kg,
        "n_effluent_kg": activity.n_effluent_kg,
        "ch4_recovered_kg": activity.ch4_recovered_kg,
        "n_influent_kg": activity.n_influent_kg or 0.0,
        "effluent_cod_kg": activity.effluent_cod_kg or 0.0,
    }
    negative = {k: v for k, v in numbers.items() if v < 0}
    if negative:
        raise InputError(f"WWTP {activity.wwtp_id}: negative activity {negative}; quantities must be >= 0")
    if activity.sludge_cod_kg > activity.tow_kg_cod:
        raise InputError(
            f"WWTP {activity.wwtp_id}: sludge COD {activity.sludge_cod_kg} kg exceeds influent TOW "
            f"{activity.tow_kg_cod} kg; check the sludge and influent figures"
        )
    t = activity.treatment
    bo, f_bo = _factor("bo", t, method, extra_dirs)
    mcf, f_mcf = _factor("mcf", t, method, extra_dirs)
    ef_eff, f_eff = _factor("n2o_ef_effluent", t, method, extra_dirs)
    ratio, f_ratio = _factor("n2o_n_ratio", "any", "ipcc_2006", extra_dirs)
    used = [f_bo, f_mcf, f_eff, f_ratio]
    notes: list[str] = [
        f"method: {METHOD_NAMES[method]} ({method}{', chosen' if chosen else ', the default'}); "
        f"plant MCF {mcf:g} for {t} from the industrial-wastewater table (Table 6.8)"
    ]
    ch4_plant = max((activity.tow_kg_cod - activity.sludge_cod_kg) * bo * mcf - activity.ch4_recovered_kg, 0.0)
    ch4_eff = 0.0
    if method == "ipcc_2006":
        notes.append("effluent CH4 not estimated: the IPCC 2006 GL have no CH4 for treated effluent discharged")
    elif activity.effluent_cod_kg is None:
        notes.append("effluent CH4 not estimated: outlet COD unknown")
    else:
        if activity.receiving_water is not None and activity.receiving_water not in EFFLUENT_CLASS:
            raise InputError(
                f"WWTP {activity.wwtp_id}: unknown receiving_water {activity.receiving_water!r}; "
                f"choose one of {', '.join(EFFLUENT_CLASS)}"
            )
        klass = EFFLUENT_CLASS.get(activity.receiving_water or "", "discharge_unknown")
        row, fset = select_factor(TABLE, extra_dirs, parameter="mcf_effluent", treatment=klass, method=method)
        used.append(FactorUsed.from_row(f"wastewater.{method}.mcf_effluent.{klass}", row, fset))
        ch4_eff = activity.effluent_cod_kg * bo * row.value
        notes.append(
            f"effluent CH4: {activity.effluent_cod_kg:,.0f} kg COD discharged x Bo x MCF {row.value:g} ({klass})"
        )
    ch4_kg = ch4_plant + ch4_eff
    n2o_plant_kg = 0.0
    if activity.n_influent_kg is None:
        notes.append("plant N2O not computed: influent nitrogen unknown (only effluent N2O included)")
        log.warning("WWTP %s: influent N unknown, plant N2O left out", activity.wwtp_id)
    else:
        ef_plant, f_plant = _factor("n2o_ef_plant", t, method, extra_dirs)
        used.append(f_plant)
        n2o_plant_kg = activity.n_influent_kg * ef_plant * ratio
    n2o_eff_kg = activity.n_effluent_kg * ef_eff * ratio
    g_ch4, g_n2o = gwp_factor("CH4_biogenic", gwp_set), gwp_factor("N2O", gwp_set)
    used += [
        FactorUsed.from_row(f"gwp.{gwp_set}.CH4_biogenic", g_ch4),
        FactorUsed.from_row(f"gwp.{gwp_set}.N2O", g_n2o),
    ]
    ch4_t = ch4_kg * g_ch4.value / 1e3
    n2o_t = (n2o_plant_kg + n2o_eff_kg) * g_n2o.value / 1e3
    return WastewaterEmissions(
        wwtp_id=activity.wwtp_id,
        method=method,
        ch4_kg=ch4_kg,
        ch4_plant_kg=ch4_plant,
        ch4_effluent_kg=ch4_eff,
        n2o_plant_kg=n2o_plant_kg,
        n2o_effluent_kg=n2o_eff_kg,
        ch4_tco2e=ch4_t,
        n2o_tco2e=n2o_t,
        tco2e=ch4_t + n2o_t,
        notes=notes,
        factors=used,
    )


# names another engine may use for the same quantity -> our field (kept at the edge, in one place)
_ACTIVITY_ALIASES: dict[str, tuple[str, ...]] = {
    "wwtp_id": ("wwtp_id",),
    "treatment": ("treatment", "treatment_type"),
    "tow_kg_cod": ("tow_kg_cod", "tow_kg_cod_per_yr", "tow_kg_cod_per_year", "tow_kg"),
    "sludge_cod_kg": ("sludge_cod_kg", "sludge_cod_kg_per_yr", "sludge_cod_removed_kg", "sludge_cod_removed_kg_per_yr"),
    "n_effluent_kg": ("n_effluent_kg", "n_effluent_kg_per_yr", "effluent_n_kg", "effluent_n_kg_per_yr"),
    "n_influent_kg": ("n_influent_kg", "n_influent_kg_per_yr", "influent_n_kg", "influent_n_kg_per_yr"),
    "ch4_recovered_kg": ("ch4_recovered_kg", "ch4_recovered_kg_per_yr", "recovered_ch4_kg"),
    "effluent_cod_kg": ("effluent_cod_kg", "effluent_cod_kg_per_yr"),
    "receiving_water": ("receiving_water",),
}


def activity_from(obj: object) -> WwtpActivity:
    """A :class:`WwtpActivity` from another engine's record (object with attributes, or a mapping).

    Lets the ghg engine take the water engine's ``WwtpGhgActivity`` without importing its internals.

    Raises
    ------
    InputError
        A required field (wwtp_id, treatment, TOW) is missing; the message lists the names accepted.
    """
    if isinstance(obj, WwtpActivity):
        return obj
    get = obj.get if isinstance(obj, dict) else (lambda k, d=None: getattr(obj, k, d))
    values: dict[str, object] = {}
    for name, aliases in _ACTIVITY_ALIASES.items():
        for a in aliases:
            v = get(a, None)
            if v is not None:
                values[name] = str(v.value if hasattr(v, "value") else v) if name == "treatment" else v
                break
    missing = [k for k in ("wwtp_id", "treatment", "tow_kg_cod") if k not in values]
    if missing:
        raise InputError(
            f"WWTP activity record lacks {missing}; accepted names: { {k: _ACTIVITY_ALIASES[k] for k in missing} }"
        )
    return WwtpActivity(**values)  # type: ignore[arg-type]
