"""Global warming potentials (GWP100) by IPCC assessment report.

The GWP set is a parameter of every inventory (default AR5, as Vietnamese MRV
practice uses: MOIT Circular 38/2023 reports use AR4 or AR5 consistently). Values
come from ``reference/data/ghg/gwp.csv``; AR6 distinguishes fossil and non-fossil CH4.
"""

from __future__ import annotations

from functools import lru_cache

from greenpark.errors import MissingFactorError
from greenpark.reference import FactorRow, load_table, lookup

DEFAULT_GWP_SET = "AR5"


def gwp_sets() -> list[str]:
    """The GWP sets in the reference data, e.g. ``['AR4', 'AR5', 'AR6']``."""
    return list(_gwp_sets())


@lru_cache(maxsize=1)
def _gwp_sets() -> tuple[str, ...]:
    return tuple(sorted(load_table("ghg/gwp")["gwp_set"].unique().tolist()))


@lru_cache(maxsize=256)
def gwp_factor(gas: str, gwp_set: str = DEFAULT_GWP_SET) -> FactorRow:
    """The GWP100 row of ``gas`` (CO2, CH4, CH4_fossil, CH4_biogenic, N2O) in ``gwp_set``.

    Raises
    ------
    MissingFactorError
        Unknown set or gas; the message lists the known ones.
    """
    if gwp_set not in gwp_sets():
        raise MissingFactorError(f"unknown GWP set {gwp_set!r}; choose one of {', '.join(gwp_sets())}")
    return lookup("ghg/gwp", gwp_set=gwp_set, gas=gas)


def gwp_value(gas: str, gwp_set: str = DEFAULT_GWP_SET) -> float:
    """GWP100 of ``gas`` in kg CO2e per kg (see :func:`gwp_factor`)."""
    return gwp_factor(gas, gwp_set).value
