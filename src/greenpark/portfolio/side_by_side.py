"""The parks side by side: headline figures, intensities, rankings, quartiles, totals, Decree 06 tenants, outliers.

Pure functions over the parks' assessments (the JSON of :class:`greenpark.assess.Assessment`, which each park's own
``greenpark assess`` writes as ``assessment.json``): no file, store or cluster. Every figure of a park's row is
that park's own figure from its assessment, or a ratio of two of them; nothing is recomputed from readings, so a
park's row equals its own ``assess``. A dashboard that already holds assessments calls :func:`park_row` and
:func:`side_by_side` as they are.

Intensities (per hectare, per employee) divide the inventory's full-year estimate (measured / coverage, the
coverage rule of :mod:`greenpark.coverage`) so a park read for part of the year (a new park) compares with the
others; per GWh divides the measured total by the electricity consumed over the same readings (the one definition:
:func:`greenpark.ghg.electricity.electricity_consumed_kwh`). A figure a park cannot give (no WWTP, a failed stage,
too little coverage for a full-year estimate) is ``None`` and the park is left out of that ranking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from greenpark.ghg.electricity import electricity_consumed_kwh
from greenpark.reference import load_table

OUTLIERS = "portfolio/outliers"
Better = Literal["lower", "higher"]


@dataclass(frozen=True)
class Metric:
    """A figure parks are ranked on: its row key, unit and which way is better."""

    key: str
    unit: str
    better: Better


#: the figures ranked across parks (rank 1 = best), in the order the report shows them
METRICS: tuple[Metric, ...] = (
    Metric("tco2e_per_ha", "tCO2e/ha", "lower"),
    Metric("tco2e_per_employee", "tCO2e/employee", "lower"),
    Metric("tco2e_per_gwh", "tCO2e/GWh", "lower"),
    Metric("renewable_share", "fraction", "higher"),
    Metric("wwtp_kwh_per_m3", "kWh/m3", "lower"),
    Metric("waste_recovery_rate", "fraction", "higher"),
    Metric("wwtp_compliance_rate", "fraction", "higher"),
)


@dataclass
class ParkOutcome:
    """One park's run in a portfolio: its assessment JSON, or failed with the one-line reason.

    ``park`` is what was asked (a folder, workbook or park id); ``status`` is ``ok`` or ``failed`` (the park's data
    could not give an assessment: unreadable folder, no readings for the year, ...). An assessment whose stages
    partly failed is ``ok`` with those stages listed in its row.
    """

    park: str
    status: Literal["ok", "failed"]
    reason: str = ""
    assessment: dict[str, Any] | None = None


def _ratio(numerator: float | None, denominator: float | None, scale: float = 1.0) -> float | None:
    """numerator / (denominator x scale), None when either is missing or the denominator is not positive."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / (denominator * scale)


def park_row(assessment: dict[str, Any]) -> dict[str, Any]:
    """One park's headline figures and intensities from its assessment JSON.

    Parameters
    ----------
    assessment : dict
        :meth:`greenpark.assess.Assessment.to_json` of the park (``meta``, ``park``, ``stages`` and one key per
        stage that produced a result).

    Returns
    -------
    dict
        ``park_id``, ``name``, ``year``, ``area_ha``, ``tenants``, ``employees``; the inventory's ``total_tco2e``,
        ``scope1_tco2e``, ``scope2_location_tco2e``, ``scope3_tco2e``, ``total_market_tco2e``, ``coverage``,
        ``coverage_status``, ``full_year_estimate_tco2e`` and ``renewable_share``; ``electricity_kwh`` (grid
        import + on-site PV used); intensities ``tco2e_per_ha``, ``tco2e_per_employee`` (full-year estimate
        tCO2e), ``tco2e_per_gwh`` (measured tCO2e per GWh consumed); the WWTPs' ``wastewater_m3`` (treated),
        ``wwtp_kwh_per_m3`` (volume-weighted over the park's WWTPs), ``wwtp_compliance_rate`` (the lowest) and
        ``exceedance_events``; ``waste_total_t`` and ``waste_recovery_rate``; ``decree06_tenants`` (tenant ids
        whose inventory Decree 06 requires); ``pv_potential_kwp``; ``eip_status``; ``stages_not_ok``
        ({stage: status}).
    """
    meta, park = assessment["meta"], assessment["park"]
    inv = assessment.get("inventory") or {}
    water = assessment.get("water") or {}
    waste = assessment.get("waste") or {}
    solar = (assessment.get("solar") or {}).get("portfolio") or {}
    eip = assessment.get("eip") or {}
    electricity = (
        electricity_consumed_kwh(inv["grid_import_kwh"], inv["pv_self_consumed_kwh"])
        if "grid_import_kwh" in inv
        else None
    )
    wwtps = water.get("wwtps") or []
    volumes = [(w.get("performance") or {}).get("volume_m3") for w in wwtps]
    volume = sum(v for v in volumes if v) if any(volumes) else None
    weighted = [
        (w["kwh_per_m3"], v) for w, v in zip(wwtps, volumes, strict=True) if v and w.get("kwh_per_m3") is not None
    ]
    full_year = inv.get("full_year_estimate_tco2e")
    return {
        "park_id": meta["park_id"],
        "name": park.get("name"),
        "year": meta["year"],
        "area_ha": park.get("area_ha"),
        "tenants": park.get("tenants"),
        "employees": park.get("employees"),
        "total_tco2e": inv.get("total_tco2e"),
        "scope1_tco2e": inv.get("scope1_tco2e"),
        "scope2_location_tco2e": inv.get("scope2_location_tco2e"),
        "scope3_tco2e": inv.get("scope3_tco2e"),
        "total_market_tco2e": inv.get("total_market_tco2e"),
        "coverage": inv.get("coverage"),
        "coverage_status": inv.get("coverage_status"),
        "full_year_estimate_tco2e": full_year,
        "electricity_kwh": electricity,
        "renewable_share": inv.get("renewable_share"),
        "tco2e_per_ha": _ratio(full_year, park.get("area_ha")),
        "tco2e_per_employee": _ratio(full_year, park.get("employees")),
        "tco2e_per_gwh": _ratio(inv.get("total_tco2e"), electricity, 1e-6),
        "wastewater_m3": volume,
        "wwtp_kwh_per_m3": _ratio(sum(k * v for k, v in weighted), sum(v for _, v in weighted)) if weighted else None,
        "wwtp_compliance_rate": min(w["compliance_rate"] for w in wwtps) if wwtps else None,
        "exceedance_events": sum(len(w.get("exceedances") or []) for w in wwtps) if wwtps else None,
        "waste_total_t": waste.get("total_t"),
        "waste_recovery_rate": waste.get("recovery_rate"),
        "decree06_tenants": [t["tenant_id"] for t in inv.get("tenants", []) if t.get("decree06_inventory_required")],
        "pv_potential_kwp": solar.get("total_pv_kwp"),
        "eip_status": eip.get("park_status"),
        "stages_not_ok": {k: v["status"] for k, v in assessment.get("stages", {}).items() if v["status"] != "ok"},
    }


def rank(rows: list[dict[str, Any]], metric: Metric) -> list[dict[str, Any]]:
    """The parks that have ``metric``, best first: ``[{park_id, value, rank, quartile}]``.

    Rank 1 is the best (lowest intensity, highest share); equal values share the better rank (competition
    ranking, "1224"). Quartile 1 holds the best quarter of the ranked parks: ``ceil(4 x rank / n)``.
    """
    have = [(r["park_id"], r[metric.key]) for r in rows if r.get(metric.key) is not None]
    sign = 1.0 if metric.better == "lower" else -1.0
    have.sort(key=lambda pv: (sign * pv[1], pv[0]))
    out: list[dict[str, Any]] = []
    for i, (park_id, value) in enumerate(have):
        r = out[-1]["rank"] if out and out[-1]["value"] == value else i + 1
        out.append({"park_id": park_id, "value": value, "rank": r, "quartile": math.ceil(4 * r / len(have))})
    return out


def quartiles(values: list[float]) -> dict[str, float] | None:
    """Q1, median, Q3 (linear interpolation, numpy's default) and the interquartile range; None without values."""
    if not values:
        return None
    q1, q2, q3 = (float(x) for x in np.percentile(values, [25, 50, 75]))
    return {"q1": q1, "median": q2, "q3": q3, "iqr": q3 - q1}


def outlier_rule() -> dict[str, float]:
    """The Tukey fences' ``k`` and the fewest parks for naming outliers (``portfolio/outliers``)."""
    table = load_table(OUTLIERS).set_index("item")["value"]
    return {"k": float(table["tukey_k"]), "min_parks": int(table["min_parks"])}


def outliers(rows: list[dict[str, Any]], metrics: tuple[Metric, ...] = METRICS) -> list[dict[str, Any]]:
    """Parks whose figure lies beyond the Tukey fences of the portfolio (``portfolio/outliers``: k and min parks).

    Returns ``[{park_id, metric, value, fence, side}]`` (``side`` ``high`` above Q3 + k IQR, ``low`` below
    Q1 - k IQR), none for a metric fewer than ``min_parks`` parks have.
    """
    rule = outlier_rule()
    k, min_parks = rule["k"], rule["min_parks"]
    found = []
    for m in metrics:
        have = [(r["park_id"], r[m.key]) for r in rows if r.get(m.key) is not None]
        q = quartiles([v for _, v in have])
        if q is None or len(have) < min_parks:
            continue
        low, high = q["q1"] - k * q["iqr"], q["q3"] + k * q["iqr"]
        for park_id, value in have:
            if value > high:
                found.append({"park_id": park_id, "metric": m.key, "value": value, "fence": high, "side": "high"})
            elif value < low:
                found.append({"park_id": park_id, "metric": m.key, "value": value, "fence": low, "side": "low"})
    return found


def _total(rows: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return float(sum(values)) if values else None


def province_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The parks' sums and the portfolio's own intensities (ratios of the sums, not means of the parks' ratios).

    Shares are weighted by their denominators: the renewable share by electricity consumed, the recovery rate by
    waste tonnes. A park without a figure adds nothing to its sum.
    """
    totals: dict[str, Any] = {
        "parks": len(rows),
        **{
            key: _total(rows, key)
            for key in (
                "area_ha",
                "tenants",
                "employees",
                "total_tco2e",
                "full_year_estimate_tco2e",
                "electricity_kwh",
                "wastewater_m3",
                "waste_total_t",
            )
        },
    }
    with_share = [r for r in rows if r.get("renewable_share") is not None and r.get("electricity_kwh")]
    totals["renewable_share"] = _ratio(
        sum(r["renewable_share"] * r["electricity_kwh"] for r in with_share),
        sum(r["electricity_kwh"] for r in with_share),
    )
    with_waste = [r for r in rows if r.get("waste_recovery_rate") is not None and r.get("waste_total_t")]
    totals["waste_recovery_rate"] = _ratio(
        sum(r["waste_recovery_rate"] * r["waste_total_t"] for r in with_waste),
        sum(r["waste_total_t"] for r in with_waste),
    )
    per = [r for r in rows if r.get("full_year_estimate_tco2e") is not None]
    totals["tco2e_per_ha"] = _ratio(_total(per, "full_year_estimate_tco2e"), _total(per, "area_ha"))
    totals["tco2e_per_employee"] = _ratio(_total(per, "full_year_estimate_tco2e"), _total(per, "employees"))
    both = [r for r in rows if r.get("total_tco2e") is not None and r.get("electricity_kwh")]
    totals["tco2e_per_gwh"] = _ratio(_total(both, "total_tco2e"), _total(both, "electricity_kwh"), 1e-6)
    totals["decree06_tenants"] = sum(len(r["decree06_tenants"]) for r in rows)
    return totals


def decree06_tenants(assessments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tenants across parks whose GHG inventory Decree 06/2022 requires, largest emitter first.

    ``[{park_id, tenant_id, name, total_tco2e, status, basis}]`` from each park's inventory (the duty check of
    :func:`greenpark.ghg.decree06.duty_check`, not redone here).
    """
    out = []
    for a in assessments:
        for t in (a.get("inventory") or {}).get("tenants", []):
            if t.get("decree06_inventory_required"):
                out.append(
                    {
                        "park_id": a["meta"]["park_id"],
                        "tenant_id": t["tenant_id"],
                        "name": t.get("name"),
                        "total_tco2e": t.get("total_tco2e"),
                        "status": t.get("decree06_status"),
                        "basis": t.get("decree06_basis"),
                    }
                )
    return sorted(out, key=lambda t: (-(t["total_tco2e"] or 0.0), t["park_id"], t["tenant_id"]))


def side_by_side(outcomes: list[ParkOutcome]) -> dict[str, Any]:
    """The portfolio's view: a row per park, rankings and quartiles per metric, totals, Decree 06 tenants, outliers.

    Parameters
    ----------
    outcomes : list of ParkOutcome
        Every park asked, in the order asked; failed parks are listed with their reasons and left out of the
        figures.

    Returns
    -------
    dict
        ``parks`` (rows of :func:`park_row`, in the order asked), ``failed`` ([{park, reason}]), ``metrics``
        ([{key, unit, better}]), ``rankings`` ({metric: :func:`rank`}), ``quartiles`` ({metric: :func:`quartiles`}),
        ``totals`` (:func:`province_totals`), ``decree06_tenants`` (:func:`decree06_tenants`), ``outliers``
        (:func:`outliers`) and the ``outlier_rule`` they used, ``year`` (the parks' years, usually one).
    """
    assessments = [o.assessment for o in outcomes if o.status == "ok" and o.assessment is not None]
    rows = [park_row(a) for a in assessments]
    return {
        "year": sorted({r["year"] for r in rows}),
        "parks": rows,
        "failed": [{"park": o.park, "reason": o.reason} for o in outcomes if o.status == "failed"],
        "metrics": [{"key": m.key, "unit": m.unit, "better": m.better} for m in METRICS],
        "rankings": {m.key: rank(rows, m) for m in METRICS},
        "quartiles": {m.key: quartiles([r[m.key] for r in rows if r.get(m.key) is not None]) for m in METRICS},
        "totals": province_totals(rows),
        "decree06_tenants": decree06_tenants(assessments),
        "outliers": outliers(rows),
        "outlier_rule": outlier_rule(),
    }
