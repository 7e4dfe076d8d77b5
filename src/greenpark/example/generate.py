"""Write the example park: every file of the park-folder contract plus ``metadata.json``.

``write_example_park(folder, seed)`` is deterministic: the same seed, year and tenant
count give the same bytes. Each part draws from its own random stream (seeded by the
seed and the part's name), so parts do not shift each other.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from greenpark.errors import InputError
from greenpark.example import assumptions, electricity, faults, fuels, renewables, tenants, timebase, waste, wastewater
from greenpark.example import eip as eip_inputs
from greenpark.example.series import MeterSeries

log = logging.getLogger(__name__)

GENERATOR_VERSION = "1.1"
DEFAULT_SEED = 2024
DEFAULT_TENANTS = 48
PARK: dict[str, Any] = {
    "id": "longthanh-demo",
    "name": "Long Thanh Demo Industrial Park",
    "province": "Dong Nai",
    "latitude": 10.80,
    "longitude": 106.95,
    "timezone": "Asia/Ho_Chi_Minh",
    "currency": "VND",
    "area_ha": 270,
}
TARGETS = {"ghg_reduction_pct": {2030: 30, 2050: 100}, "renewable_share_pct": {2030: 30}}
FILES = [
    "park.toml",
    "tenants.csv",
    "roofs.csv",
    "meters.csv",
    "readings.csv",
    "fuels.csv",
    "refrigerants.csv",
    "production.csv",
    "wwtp.csv",
    "wastewater.csv",
    "waste.csv",
    "manifests.csv",
    "symbiosis.csv",
    "sludge.csv",
    "renewables.csv",
    "prices.csv",
    "certificates.csv",
    "recp_measures.csv",
    "exchanges.csv",
    "compliance_events.csv",
    "metadata.json",
]


@dataclass(frozen=True)
class ParkShape:
    """What makes a generated park differ from the example park: the province generator's knobs.

    The defaults give the example park itself (its bytes do not change).

    Attributes
    ----------
    park : dict
        The ``[park]`` table (id, name, province, latitude, longitude, timezone, currency, area_ha); default
        :data:`PARK`.
    profile_weights : dict
        Multipliers of the ``weight`` column of ``example/sector_profiles`` by profile (a mostly-logistics park
        multiplies ``logistics``); every profile keeps at least one tenant.
    pv_tenants : int, optional
        Tenants that already have rooftop PV (default the ``pv_existing_tenants`` row of
        ``example/park_assumptions``).
    wwtp_capacity_m3_per_day : float, optional
        Design capacity of the central WWTP (default the ``wwtp_capacity_m3_per_day`` row).
    first_month : int
        Month (1-12) from which the park's meters and its WWTP analyser are read: a new park with a partial
        year when above 1.
    """

    park: dict[str, Any] = field(default_factory=lambda: dict(PARK))
    profile_weights: dict[str, float] = field(default_factory=dict)
    pv_tenants: int | None = None
    wwtp_capacity_m3_per_day: float | None = None
    first_month: int = 1


STEPS = [
    "tenants and roofs",
    "electricity",
    "water and WWTP",
    "fuels and production",
    "waste and symbiosis",
    "faults",
    "readings.csv",
    "other files",
]


def _prices(year: int, discharge_m3: float) -> pd.DataFrame:
    """prices.csv: the park's water price and the WWTP's monthly cost to recover (park_assumptions rows)."""
    ww = assumptions.park_parameter("wastewater_treatment_cost_vnd_per_m3") * discharge_m3 / 12.0
    src = "illustrative (example/park_assumptions.csv)"
    return pd.DataFrame(
        {
            "item": ["water_supply", "wastewater_treatment_cost"],
            "value": [f"{assumptions.park_parameter('water_supply_price_vnd_per_m3'):.0f}", f"{round(ww, -3):.0f}"],
            "unit": ["VND/m3", "VND/month"],
            "valid_from": [f"{year}-01-01"] * 2,
            "valid_to": ["", ""],
            "source": [src, src],
        }
    )


def _rng(seed: int, part: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(part.encode())])


def _park_toml(year: int, park: dict[str, Any]) -> str:
    lines = ["[park]"]
    for k, v in park.items():
        lines.append(f"{k} = {json.dumps(v)}")
    lines.append(f"baseline_year = {year}")
    lines += ["", "[targets]"]
    for name, by_year in TARGETS.items():
        inner = ", ".join(f"{y} = {v}" for y, v in by_year.items())
        lines.append(f"{name} = {{ {inner} }}")
    return "\n".join(lines) + "\n" + eip_inputs.EIP_TOML


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n")


def _write_series(series: list[MeterSeries], path: Path) -> int:
    """Write readings.csv meter by meter (one frame per meter); returns the data rows written."""
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("meter_id,timestamp,value\n")
        for s in series:
            pd.DataFrame({"meter_id": s.meter_id, "timestamp": s.timestamps, "value": s.values}).to_csv(
                fh, header=False, index=False, lineterminator="\n"
            )
            rows += len(s)
    return rows


def _prepare_folder(folder: Path, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} exists and is not a folder; choose another path")
    if folder.exists() and any(folder.iterdir()) and not force:
        raise InputError(f"folder {folder} is not empty; choose an empty folder or pass --force to overwrite")
    folder.mkdir(parents=True, exist_ok=True)


def write_example_park(
    folder: str | Path,
    seed: int = DEFAULT_SEED,
    year: int = 2024,
    n_tenants: int = DEFAULT_TENANTS,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    shape: ParkShape | None = None,
) -> dict:
    """Generate the example park into ``folder`` and return its metadata (also written as metadata.json).

    Parameters
    ----------
    folder : path
        Target folder; created if missing. Must be empty unless ``force``.
    seed : int
        Seed of all random draws; same seed, same bytes.
    year : int
        Calendar year of the data (the holiday table ships 2024).
    n_tenants : int
        Number of tenants (at least one per profile of ``example/sector_profiles``).
    force : bool
        Overwrite the park files in a non-empty folder.
    progress : callable, optional
        Called with the name of each finished step (see ``STEPS``).
    shape : ParkShape, optional
        Another park than the example park (the province generator's parks); default the example park.

    Returns
    -------
    dict
        The metadata: the truth the generator knows (annual kWh per tenant, fuels,
        WWTP events, waste totals, deliberate faults with file and line).
    """
    folder = Path(folder)
    _prepare_folder(folder, force)
    done = progress or (lambda step: None)
    shape = shape or ParkShape()
    park = shape.park

    tenant_df = tenants.draw_tenants(n_tenants, _rng(seed, "tenants"), shape.profile_weights)
    roofs = tenants.draw_roofs(tenant_df, _rng(seed, "roofs"))
    done(STEPS[0])

    rng_el = _rng(seed, "electricity")
    index = timebase.interval_index(year)
    kinds = timebase.day_kinds(index, year)
    temp = timebase.ambient_temperature_c(index, _rng(seed, "weather"))
    ghi = timebase.global_horizontal_kw_per_m2(
        index, park["latitude"], park["longitude"], park["timezone"], _rng(seed, "sun")
    )
    loads = electricity.tenant_loads(tenant_df, index, kinds, temp, rng_el)
    pv = electricity.choose_pv_tenants(tenant_df, roofs, _rng(seed, "pv"), shape.pv_tenants)
    done(STEPS[1])

    water = wastewater.generate_water(
        tenant_df, loads.activity, year, index, temp, _rng(seed, "water"), shape.wwtp_capacity_m3_per_day
    )
    common = electricity.common_loads_kwh(index, kinds, temp, water.inflow_m3_per_15min, _rng(seed, "common"))
    el_meters, el_series, el_truth = electricity.meters_and_readings(
        tenant_df, loads, pv, ghi, temp, common, index, wastewater.WWTP_ID, _rng(seed, "meters")
    )
    done(STEPS[2])

    month_index = fuels.monthly_index(loads.production_kwh_by_month)
    fuel_df = fuels.fuels_frame(tenant_df, month_index, year, _rng(seed, "fuels"))
    refrigerants = fuels.refrigerants_frame(tenant_df, year, _rng(seed, "refrigerants"))
    production = fuels.production_frame(tenant_df, loads.production_kwh_by_month, year)
    done(STEPS[3])

    waste_df = waste.waste_frame(tenant_df, year, _rng(seed, "waste"))
    manifests = waste.manifests_frame(waste_df)
    symbiosis = waste.symbiosis_frame(tenant_df, waste_df, _rng(seed, "symbiosis"))
    done(STEPS[4])

    # readings in meters.csv order: each tenant's electricity meters, common meters, then water meters
    series = el_series + water.series
    operating_from = f"{year}-{shape.first_month:02d}-01T00:00:00"
    if shape.first_month > 1:  # a new park: meters and analyser read from its first month (before the faults)
        for meter_series in series:
            keep = meter_series.timestamps >= operating_from
            meter_series.timestamps, meter_series.values = meter_series.timestamps[keep], meter_series.values[keep]
        water.wastewater = [frame[frame["timestamp"] >= operating_from] for frame in water.wastewater]
    meters = pd.concat([el_meters, water.meters], ignore_index=True).reindex(columns=electricity.METER_COLUMNS)
    interval_import = [
        f"EL-{t}"
        for t, info in el_truth["tenants"].items()
        if f"EL-{t}" not in el_truth["cumulative_meters"] and "pv_kwh" not in info
    ]
    fault_rng = _rng(seed, "faults")
    # a tenant read for half the year, and a spike: on interval meters of two non-anchor tenants that no
    # other fault touches (picked from the end of the list, so the older faults keep their meters)
    anchors = set(tenant_df.loc[tenant_df["anchor"], "tenant_id"])
    plain = [m for m in interval_import if m.removeprefix("EL-") not in anchors]
    partial_meter, spike_meter = (plain[-1], plain[-2]) if len(plain) >= 2 else (None, None)
    others = [m for m in interval_import if m not in (partial_meter, spike_meter)] or interval_import
    # a new park's meters start after the dates of the duplicate, negative and bad-timestamp faults: it has none
    reading_faults = faults.inject_reading_faults(series, others, year, fault_rng) if shape.first_month == 1 else []
    if spike_meter is not None:
        reading_faults.append(faults.inject_spike(series, spike_meter, year))
    partial = faults.cut_to_partial_year(series, partial_meter, year) if partial_meter is not None else None
    if partial is not None:
        info = el_truth["tenants"][partial_meter.removeprefix("EL-")]
        info["full_year_import_kwh"] = info["import_kwh"]
        info["import_kwh"] = round(partial["measured_kwh"], 6)
    if partial is not None:  # its first kept reading's line (header = line 1)
        before = sum(len(x) for x in series[: [x.meter_id for x in series].index(partial_meter)])
        partial.update(line=before + 2, column="timestamp", value=partial["first_timestamp"])
        partial["timestamp"] = partial["first_timestamp"]
    fuels_written, fuel_fault = faults.inject_fuel_fault(fuel_df, fault_rng)
    fault_list = [*faults.reading_lines(series, reading_faults), fuel_fault, *([partial] if partial else [])]
    done(STEPS[5])

    readings_rows = _write_series(series, folder / "readings.csv")
    done(STEPS[6])

    (folder / "park.toml").write_text(_park_toml(year, park), encoding="utf-8")
    _write_csv(
        tenant_df[tenants.TENANT_COLUMNS].assign(floor_area_m2=tenant_df["floor_area_m2"].astype(int)),
        folder / "tenants.csv",
    )
    _write_csv(roofs, folder / "roofs.csv")
    meters_out = meters.assign(cumulative=meters["cumulative"].map({True: "true", False: "false"}))
    _write_csv(meters_out, folder / "meters.csv")
    _write_csv(fuels_written, folder / "fuels.csv")
    _write_csv(refrigerants, folder / "refrigerants.csv")
    _write_csv(production, folder / "production.csv")
    _write_csv(water.wwtp, folder / "wwtp.csv")
    with (folder / "wastewater.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(wastewater.WASTEWATER_COLUMNS) + "\n")
        for frame in water.wastewater:
            frame.to_csv(fh, header=False, index=False, lineterminator="\n")
    _write_csv(waste_df, folder / "waste.csv")
    _write_csv(manifests, folder / "manifests.csv")
    _write_csv(symbiosis, folder / "symbiosis.csv")
    _write_csv(water.sludge, folder / "sludge.csv")
    import_kwh = {t: float(v["import_kwh"]) for t, v in el_truth["tenants"].items()}
    claims = renewables.renewables_frame(tenant_df, import_kwh, year)
    _write_csv(claims, folder / "renewables.csv")
    _write_csv(_prices(year, float(water.truth["tenant_discharge_m3"])), folder / "prices.csv")
    eip_frames = eip_inputs.eip_frames(tenant_df, year)
    for name, frame in eip_frames.items():
        _write_csv(frame, folder / f"{name}.csv")

    metadata = _metadata(
        seed,
        year,
        tenant_df,
        roofs,
        meters,
        el_truth,
        water.truth,
        fuel_df,
        refrigerants,
        production,
        waste_df,
        symbiosis,
        fault_list,
        readings_rows,
        series,
    )
    metadata["waste"]["manifests_rows"] = len(manifests)
    metadata["renewables"] = {
        "note": "certificates claimed in renewables.csv; they lower the market-based Scope 2 only",
        "claims": claims.to_dict("records"),
        "energy_kwh": float(claims["energy_kwh"].sum()),
    }
    metadata["eip"] = eip_inputs.eip_truth(eip_frames, len(tenant_df))
    metadata["park"] = park
    if shape.first_month > 1:
        metadata["operating_from"] = operating_from
        metadata["electricity"]["note"] += (
            f" A new park: every meter and the WWTP analyser are read from {operating_from} only; the kWh and m3 "
            "per tenant above are the whole year as generated, before that cut."
        )
    (folder / "metadata.json").write_text(
        json.dumps(metadata, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
    )
    done(STEPS[7])
    log.info("example park written to %s (%d readings)", folder, readings_rows)
    return metadata


def _metadata(
    seed: int,
    year: int,
    tenant_df: pd.DataFrame,
    roofs: pd.DataFrame,
    meters: pd.DataFrame,
    el: dict,
    water: dict,
    fuel_df: pd.DataFrame,
    refrigerants: pd.DataFrame,
    production: pd.DataFrame,
    waste_df: pd.DataFrame,
    symbiosis: pd.DataFrame,
    fault_list: list[dict],
    readings_rows: int,
    series: list[MeterSeries],
) -> dict:
    tenant_truth = {}
    for t in tenant_df.itertuples():
        info = {"sector": t.sector, "profile": t.profile, "anchor": bool(t.anchor), **el["tenants"][t.tenant_id]}
        info.update(water["tenants"][t.tenant_id])
        tenant_truth[t.tenant_id] = info
    fuel_totals = fuel_df.groupby(["fuel", "unit"])["quantity"].sum()
    fuel_by_tenant: dict = {}
    for (tid, fuel, unit), q in fuel_df.groupby(["tenant_id", "fuel", "unit"])["quantity"].sum().items():
        fuel_by_tenant.setdefault(tid, {})[fuel] = {"quantity": float(q), "unit": unit}
    q_t = waste.quantity_t(waste_df)
    series_rows = {s.meter_id: len(s) for s in series}
    water_truth = {k: v for k, v in water.items() if k != "tenants"}
    return {
        "generator": "greenpark.example",
        "version": GENERATOR_VERSION,
        "seed": seed,
        "year": year,
        "park": PARK,
        "timestamps": "park local time without offset (Asia/Ho_Chi_Minh, UTC+7); each labels the interval START",
        "counts": {
            "tenants": len(tenant_df),
            "sectors": sorted(tenant_df["sector"].unique().tolist()),
            "roofs": len(roofs),
            "meters": len(meters),
            "readings_rows": readings_rows,
            "readings_rows_by_meter": series_rows,
            "intervals_15min": len(timebase.interval_index(year)),
            "fuels_rows": len(fuel_df),
            "refrigerants_rows": len(refrigerants),
            "production_rows": len(production),
            "waste_rows": len(waste_df),
            "symbiosis_rows": len(symbiosis),
            "wastewater_rows": int(water["analyser_rows"] + water["lab_rows"]),
        },
        "electricity": {
            "note": (
                "kWh per tenant as generated, BEFORE the deliberate faults (see 'faults': one value negated, "
                "one duplicate row, one row with a bad timestamp, one row of an unknown meter, one spike of "
                "5,000,000 kWh replacing a value, given in the fault's 'original'). One tenant's import meter is "
                "read from 1 July only (fault 'partial_year'): its import_kwh is what its readings hold, and "
                "full_year_import_kwh the whole year as generated (its load_kwh is the whole year). Cumulative meters "
                "have one register reading more than intervals (closing reading at the next year's 00:00); "
                "their registers count in 0.01 kWh and wrap to 0 after register_max (modulus register_max + 0.01)."
            ),
            "tenants": tenant_truth,
            "common_meters_kwh": el["common"],
            "tenants_import_kwh": float(sum(v["import_kwh"] for v in el["tenants"].values())),
            "tenants_load_kwh": float(sum(v["load_kwh"] for v in el["tenants"].values())),
            "pv_kwh": float(sum(v.get("pv_kwh", 0.0) for v in el["tenants"].values())),
            "export_kwh": float(sum(v.get("export_kwh", 0.0) for v in el["tenants"].values())),
            "cumulative_meters": el["cumulative_meters"],
            "rollover_meter": el["rollover_meter"],
            "register_max_kwh": el["register_max_kwh"],
            "decree06_anchor_tenants": tenant_df.loc[tenant_df["anchor"], "tenant_id"].tolist(),
        },
        "fuels": {
            "note": "as generated, before the unknown-unit fault (that row's original unit is in 'faults')",
            "totals": [{"fuel": f, "unit": u, "quantity": float(q)} for (f, u), q in fuel_totals.items()],
            "by_tenant": fuel_by_tenant,
        },
        "refrigerants_leaked_kg": {g: float(q) for g, q in refrigerants.groupby("gas")["leaked_kg"].sum().items()},
        "production": {
            "totals": {u: float(q) for u, q in production.groupby("unit")["quantity"].sum().items()},
            "by_tenant": {
                t: {"quantity": float(g["quantity"].sum()), "unit": str(g["unit"].iloc[0])}
                for t, g in production.groupby("tenant_id")
            },
        },
        "water": water_truth,
        "waste": {
            "records": len(waste_df),
            "by_route_t": {k: round(float(v), 6) for k, v in q_t.groupby(waste_df["route"]).sum().items()},
            "by_category_t": {k: round(float(v), 6) for k, v in q_t.groupby(waste_df["category"]).sum().items()},
            "hazardous_manifests": int((waste_df["manifest_id"] != "").sum()),
            "total_t": round(float(q_t.sum()), 6),
            "by_tenant_t": {k: round(float(v), 6) for k, v in q_t.groupby(waste_df["tenant_id"]).sum().items()},
        },
        "faults": fault_list,
        "expected_check": _expected_check(fault_list, el, water),
        "files": FILES,
    }


def _expected_check(fault_list: list[dict], el: dict, water: dict) -> dict:
    """What a checker should report: the rejected and held-out lines and the warnings the data are built to raise."""
    rejected: dict[str, list[int]] = {}
    held: dict[str, list[int]] = {}
    for f in fault_list:
        if f["kind"] == "partial_year":
            continue
        if f["kind"] == "spike":
            held.setdefault(f["file"], []).append(f["line"])
            continue
        lines = [f["line"]] + ([f["original_line"]] if "original_line" in f else [])
        rejected.setdefault(f["file"], []).extend(sorted(lines))
    return {
        "note": (
            "readings.csv: the duplicate's two lines conflict, so a checker may reject both (the original value "
            "is in the fault's 'original'); the negated value and the duplicate leave a one-interval gap in "
            "their meters if rejected"
        ),
        "rejected_lines": {k: sorted(v) for k, v in rejected.items()},
        "held_out_lines": {k: sorted(v) for k, v in held.items()},
        "partial_year": next(
            (
                {"meter_id": f["meter_id"], "first_timestamp": f["first_timestamp"], "readings": f["readings"]}
                for f in fault_list
                if f["kind"] == "partial_year"
            ),
            None,
        ),
        "rollover": {
            "meter_id": el["rollover_meter"],
            **el["tenants"][el["rollover_meter"].removeprefix("EL-")]["rollover"],
        },
        "analyser_gap": water["gap"],
        "analyser_flatline": water["flatline"],
    }
