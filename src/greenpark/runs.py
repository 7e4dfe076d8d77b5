"""The application layer: the one place that turns "this park, this year, these options" into each engine's inputs
and calls the engine.

The CLI commands, ``assess``, the API's service module and the dashboard call these functions and nothing else
to get a result, so an inventory (or a water result, a solar offer, a plan) is the same figure whichever door it
is asked through. Their own files keep argument parsing, rendering and HTTP.

A run starts from a :class:`ParkYear`: the park's data, a :class:`Readings` source (the store itself, or the
service's cached view of it) and the year. The year's tables are asked of the source once and shared by every
engine run on the same ``ParkYear`` (``assess`` runs all of them on one).

Rules that live here, once:

- the default year (:func:`default_year`): the latest local calendar year whose readings cover all twelve
  months, else the latest year with any reading; the reason is stated with it;
- a year without readings is an error (:class:`~greenpark.errors.NoDataError`) that names the years the park
  has, never a result of zeros;
- the year's bounds: :func:`greenpark.periods.year_bounds` in the park's zone;
- monthly and hourly consumption: the store's :meth:`~greenpark.store.base.Store.consumption`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import pandas as pd

from greenpark.billing import (
    MonthlyBills,
    ParkSupply,
    TenantSupply,
    WaterPrices,
    month_bounds,
    monthly_bills,
    prices_on,
)
from greenpark.eip import EipResult, assess_eip, evidence_from
from greenpark.energy import benchmark, fit_baseline, full_year_energy, load_analytics
from greenpark.energy.verification import VerifiedSavings, verify_savings
from greenpark.errors import BaselineRejectedError, GreenparkError, InputError, NoDataError
from greenpark.finance import discount_rate, discount_rate_row
from greenpark.ghg import InventoryResult, grid_factor, inventory
from greenpark.ghg.combustion import combustion_emissions
from greenpark.ghg.electricity import electricity_consumed_kwh, renewable_share
from greenpark.ghg.wastewater import activity_from
from greenpark.model import ParkData
from greenpark.periods import year_bounds
from greenpark.plan import (
    candidate_measures,
    cost_curve,
    cost_curve_by_measure,
    plan_baseline,
    roadmap,
    tenant_electricity_prices,
    tenant_fuel_uses,
    top_measures,
)
from greenpark.reference import load_table, lookup
from greenpark.solar import ParkSolarResult, assess_solar, pv_system_params, typical_year
from greenpark.solar.weather import read_weather
from greenpark.tariffs import BANDS, kwh_by_band
from greenpark.waste.assessment import WasteResult, assess_waste
from greenpark.waste.ghg import route_emissions
from greenpark.water import MonitoringRules, WaterResult, assess_water
from greenpark.water.ghg_link import ghg_activity
from greenpark.water.standards import connection_limits
from greenpark.water.tenants import tenant_loads, tenant_volumes_m3

Grain = Literal["15min", "hour", "day", "month", "year"]
By = Literal["tenant", "meter"]


class Readings(Protocol):
    """Where runs read a park's meter data: a :class:`~greenpark.store.base.Store` or the service's cached view."""

    def consumption(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        grain: Grain = "month",
        by: By = "tenant",
        tenant_id: str | None = None,
    ) -> pd.DataFrame:
        """Sum of interval values per period (columns as :meth:`Store.consumption`)."""
        ...

    def coverage(
        self,
        park_id: str,
        start: dt.datetime,
        end: dt.datetime,
        by: By = "meter",
        grain: Literal["month", "year"] = "month",
    ) -> pd.DataFrame:
        """Expected and valid intervals per meter or tenant and period (columns as :meth:`Store.coverage`)."""
        ...

    def years_with_data(self, park_id: str) -> list[int]:
        """The local calendar years with readings, ascending."""
        ...

    def data_span(self, park_id: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """(first, last) reading in park local time, or None."""
        ...


@dataclass(frozen=True)
class YearChoice:
    """A year chosen for a park, with the rule that chose it (printed beside results)."""

    year: int
    reason: str


def data_years(data: ParkData, readings: Readings) -> list[int]:
    """The local calendar years in which the park has readings, ascending (asked of the store, in SQL)."""
    return readings.years_with_data(data.park.park_id)


def data_span_text(data: ParkData, readings: Readings) -> str:
    """What the park's readings cover, for messages: ``2024-01-01 to 2024-12-31`` (park local dates)."""
    span = readings.data_span(data.park.park_id)
    return "no readings at all" if span is None else f"{span[0]:%Y-%m-%d} to {span[1]:%Y-%m-%d}"


def default_year(data: ParkData, readings: Readings) -> YearChoice:
    """The latest local year whose readings cover all 12 months; else the latest year with any reading.

    The years are the store's (:meth:`Store.years_with_data`, as for :func:`data_years`); a year's months are those
    of its monthly consumption, asked latest year first (usually one year is asked).

    Raises
    ------
    NoDataError
        The park has no readings at all.
    """
    return _default_park_year(data, readings)[1]


def _default_park_year(data: ParkData, readings: Readings) -> tuple[ParkYear, YearChoice]:
    """:func:`default_year` with the chosen year's :class:`ParkYear`, which keeps the monthly table it was chosen on."""
    years = data_years(data, readings)
    if not years:
        raise NoDataError(
            f"park {data.park.park_id!r} has no meter readings; add readings.csv to the park folder (or ingest "
            "readings), then run again"
        )
    candidates = [ParkYear(data, readings, year) for year in reversed(years)]
    for py in candidates:
        if len({t.month for t in py.consumption("month", by="tenant")["period_start"]}) == 12:
            return py, YearChoice(py.year, "the latest year with readings in all 12 months")
    return candidates[0], YearChoice(years[-1], "the latest year with readings (no year has all 12 months)")


def require_readings(data: ParkData, readings: Readings, year: int) -> None:
    """Raise :class:`NoDataError` naming what the park's data covers when ``year`` has no readings at all."""
    years = data_years(data, readings)
    if year in years:
        return
    if not years:
        raise NoDataError(
            f"no readings for {year}: park {data.park.park_id!r} has no meter readings; add readings.csv (or ingest "
            "readings), then run again"
        )
    raise NoDataError(
        f"no readings for {year}; the park's data covers {data_span_text(data, readings)}; choose --year "
        + (f"{years[-1]}" if len(years) == 1 else f"in {', '.join(map(str, years))}")
    )


def _span(years: list[int]) -> str:
    return f"{years[0]}" if len(years) == 1 else f"{years[0]} to {years[-1]} (years {', '.join(map(str, years))})"


@dataclass
class ParkYear:
    """One park, one local calendar year and where its readings come from: what every run starts from.

    The year's consumption tables are asked of ``readings`` once and shared by the runs on this object.
    """

    data: ParkData
    readings: Readings
    year: int
    _tables: dict[tuple[str, str, str | None], pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def park_id(self) -> str:
        return self.data.park.park_id

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[1 January, next 1 January) of the year in the park's zone."""
        return year_bounds(self.data.park.timezone, self.year)

    def consumption(self, grain: Grain, by: By = "tenant", tenant_id: str | None = None) -> pd.DataFrame:
        """The year's consumption per ``grain`` period (the store's sum), asked once per grain and grouping.

        A copy is returned: engines may change their frame, the kept one stays as the store answered.
        """
        key = (grain, by, tenant_id)
        if key not in self._tables:
            start, end = self.bounds()
            df = self.readings.consumption(self.park_id, start, end, grain=grain, by=by, tenant_id=tenant_id)
            self._tables[key] = df
        return self._tables[key].copy()

    def coverage(self, by: By = "tenant", grain: Literal["month", "year"] = "year") -> pd.DataFrame:
        """The year's expected and valid intervals per tenant (or meter) and period (:meth:`Store.coverage`),
        asked once per grouping and grain."""
        key = (f"coverage-{grain}", by, None)
        if key not in self._tables:
            start, end = self.bounds()
            self._tables[key] = self.readings.coverage(self.park_id, start, end, by=by, grain=grain)
        return self._tables[key].copy()


def park_year(
    data: ParkData, readings: Readings, year: int | None = None, require: bool = True
) -> tuple[ParkYear, YearChoice]:
    """The :class:`ParkYear` for ``year`` (default: :func:`default_year`) and the rule that chose the year.

    Raises
    ------
    NoDataError
        ``require`` and the year has no readings (the message names the years the park has).
    """
    if year is None:
        return _default_park_year(data, readings)
    if require:
        require_readings(data, readings, year)
    return ParkYear(data, readings, year), YearChoice(year, "asked for")


# --- one function per engine ---------------------------------------------------------------------------------


def wwtp_activities(py: ParkYear) -> tuple[list[Any], list[str]]:
    """The WWTPs' activity data for the ghg engine (from the water engine), and the water engine's caveats."""
    if not py.data.wwtps:
        return [], []
    records = ghg_activity(py.data, py.year, electricity=py.consumption("year", by="meter"))
    notes = [f"{r.wwtp_id}: {n}" for r in records for n in getattr(r, "notes", [])]
    return [r.to_ghg() if hasattr(r, "to_ghg") else activity_from(r) for r in records], notes


def waste_emissions(py: ParkYear, gwp: str = "AR5", extra_dirs: tuple[Any, ...] = ()) -> pd.DataFrame | None:
    """Scope 3 category 5 for the ghg engine: the waste engine's emissions per tenant and route in the year
    (``greenpark.waste.ghg.route_emissions``; FOD needs the earlier years' records too); None without waste records."""
    waste = py.data.table("waste")
    if waste.empty:
        return None
    return route_emissions(waste, py.year, gwp, extra_dirs=extra_dirs)


def inventory_for(
    py: ParkYear,
    gwp: str = "AR5",
    strict_factors: bool = False,
    extra_dirs: tuple[Any, ...] = (),
    grid_purpose: str = "default",
    submission_date: dt.date | None = None,
) -> InventoryResult:
    """The park's GHG inventory for the year: monthly consumption by tenant from the store, the WWTPs' activity
    from the water engine, the waste's Scope 3 from the waste engine, fuels and refrigerants from the park's tables
    (``greenpark.ghg.inventory``). ``grid_purpose="decree06"``: the inventory a tenant submits under Decree
    06/2022, on the latest grid factor the DCC had announced at ``submission_date`` (rule in
    ``ghg/grid_factor_rules``; the notes say which)."""
    activities, water_notes = wwtp_activities(py)
    result = inventory(
        py.data,
        py.consumption("month", by="tenant"),
        py.year,
        gwp_set=gwp,
        strict_factors=strict_factors,
        wwtp_activities=activities,
        scope3=waste_emissions(py, gwp, tuple(extra_dirs)),
        extra_dirs=tuple(extra_dirs),
        coverage=py.coverage("tenant", "year"),
        grid_purpose=grid_purpose,
        submission_date=submission_date,
    )
    result.notes.extend(water_notes)
    return result


def water_for(
    py: ParkYear, averaging_window_min: float | None = None, treatment_cost_vnd: float | None = None
) -> WaterResult:
    """Each WWTP against QCVN 40 for the year, with the WWTP meters' electricity and the tenants' discharge
    volumes from the store (``greenpark.water.assess_water``).

    Raises
    ------
    NoDataError
        The park has no WWTP (wwtp.csv).
    """
    if not py.data.wwtps:
        raise NoDataError(f"park {py.park_id!r} has no WWTP; add wwtp.csv (and wastewater.csv) to the park folder")
    ww = py.data.table("wastewater")
    if not ww.empty and "timestamp" in ww:
        start, end = py.bounds()
        ts = pd.to_datetime(ww["timestamp"], utc=True)
        if not ((ts >= start) & (ts < end)).any():
            local = ts.dt.tz_convert(py.data.park.timezone)
            raise NoDataError(
                f"no wastewater records for {py.year}; the park's records cover "
                f"{local.min():%Y-%m-%d} to {local.max():%Y-%m-%d}"
            )
    rules = MonitoringRules.from_reference(
        **({"averaging_window_min": averaging_window_min} if averaging_window_min else {})
    )
    return assess_water(
        py.data,
        py.year,
        electricity=py.consumption("month", by="meter"),
        tenant_volumes=py.consumption("month", by="tenant"),
        rules=rules,
        treatment_cost_vnd=treatment_cost_vnd,
    )


def waste_for(py: ParkYear, gwp: str = "AR5") -> WasteResult:
    """The waste pillar for the year: indicators, GHG by route, manifests, symbiosis (``assess_waste``).

    Raises
    ------
    NoDataError
        The park has no waste records, or none in the year (the message names the years it has).
    """
    waste = py.data.table("waste")
    if waste.empty:
        raise NoDataError(f"park {py.park_id!r} has no waste records; add waste.csv to the park folder")
    years = sorted({int(str(p)[:4]) for p in waste["period"]}) if "period" in waste else []
    if years and py.year not in years:
        raise NoDataError(f"no waste records for {py.year}; the park's waste records cover {_span(years)}")
    return assess_waste(py.data, py.year, gwp)


def _weather(data: ParkData, year: int, weather_file: str | None) -> Any:
    params = pv_system_params()
    p = data.park
    if weather_file:
        return read_weather(weather_file, p.latitude, p.longitude, p.timezone, params.wind_speed_default)
    return typical_year(p.latitude, p.longitude, year, p.timezone, params.wind_speed_default)


def solar_for(
    py: ParkYear, study: dt.date, workers: int = 2, weather_file: str | None = None, tenant_id: str | None = None
) -> ParkSolarResult:
    """Roofs' PV potential and each tenant's PV + battery optimum on the year's hourly load, on the user's weather
    file or, without one, an estimated typical year (flagged in the result). ``tenant_id``: that tenant alone
    (its roofs, its load: the tenant page sizes one tenant, not the park).

    Raises
    ------
    NoDataError
        The park (or the tenant) has no roofs.
    InputError
        ``tenant_id`` is not a tenant of the park.
    """
    data = py.data
    if tenant_id is not None:
        tenants = [t for t in data.tenants if t.tenant_id == tenant_id]
        if not tenants:
            raise InputError(f"tenant {tenant_id!r} is not in park {py.park_id!r}")
        data = dataclasses.replace(data, tenants=tenants, roofs=[r for r in data.roofs if r.tenant_id == tenant_id])
    if not data.roofs and tenant_id is None:
        raise NoDataError(f"park {py.park_id!r} has no roofs; add roofs.csv to the park folder")
    hourly = py.consumption("hour", by="tenant", tenant_id=tenant_id)
    gf = grid_factor(py.year)
    return assess_solar(
        data,
        hourly,
        _weather(data, py.year, weather_file),
        py.year,
        study,
        gf.tco2_per_mwh,
        gf.as_dict(),
        params=pv_system_params(),
        workers=1 if tenant_id is not None else workers,
        coverage=py.coverage("tenant", "year"),
    )


def energy_for(py: ParkYear) -> dict[str, Any]:
    """Load analytics, monthly baselines on production and intensity benchmarks per tenant for the year.

    Raises
    ------
    NoDataError
        No electricity import readings in the year.
    """
    c = py.consumption("hour", by="tenant")
    c = c[(c["kind"] == "electricity_import") & c["tenant_id"].notna()]
    if c.empty:
        raise NoDataError(f"no electricity_import readings for {py.year}; import readings or choose another --year")
    load = pd.DataFrame({"tenant_id": c["tenant_id"], "ts": c["period_start"], "kwh": c["value"]})
    loads = load_analytics(load, py.data.park.timezone)

    prod = py.data.table("production")
    prod = prod[prod["period"].astype(str).str.startswith(str(py.year))] if not prod.empty else prod
    baselines: dict[str, Any] = {}
    rows = []
    for t in py.data.tenants:
        stats = next((s for s in loads.tenants if s.entity_id == t.tenant_id), None)
        if stats is None:
            continue
        p = prod[prod["tenant_id"] == t.tenant_id] if not prod.empty else prod
        monthly = pd.DataFrame({"month": list(stats.monthly_kwh), "kwh": list(stats.monthly_kwh.values())})
        if not p.empty:
            monthly = monthly.merge(
                p.groupby("period")["quantity"].sum().rename("production").reset_index(),
                left_on="month",
                right_on="period",
            )
            try:
                baselines[t.tenant_id] = fit_baseline(monthly, ["production"], "month").model_dump()
            except BaselineRejectedError as exc:  # a finding, not a failure: the tenant gets no verified baseline
                baselines[t.tenant_id] = {"rejected": str(exc)}
        rows.append(
            {
                "tenant_id": t.tenant_id,
                "sector": str(t.sector),
                "energy_kwh": stats.total_kwh,
                "floor_area_m2": t.floor_area_m2,
                "production": float(p["quantity"].sum()) if not p.empty else float("nan"),
                "production_unit": str(p["unit"].iloc[0]) if not p.empty else None,
            }
        )
    # a yearly intensity needs a year: the full-year rule (greenpark.coverage), the inventory's figure
    year_rows, notes = full_year_energy(pd.DataFrame(rows), py.coverage("tenant", "year")) if rows else ([], [])
    bench = benchmark(year_rows) if len(year_rows) else []
    return {
        "park_id": py.park_id,
        "year": py.year,
        "loads": loads.model_dump(),
        "baselines": baselines,
        "benchmarks": [b.model_dump() for b in bench],
        "notes": notes,
    }


def tenant_load_shapes(py: ParkYear) -> pd.DataFrame:
    """Each tenant's kWh in each TOU band over the year (hourly consumption, an hour straddling a band edge split by
    the minute) and its voltage level; the park's common load is ``park_wwtp`` at 22-110 kV (the park's own
    22 kV network). Columns tenant_id, voltage_level, offpeak_kwh, normal_kwh, peak_kwh."""
    c = py.consumption("hour")
    c = c[c["kind"] == "electricity_import"] if len(c) else c
    cols = [f"{b}_kwh" for b in BANDS]
    if c.empty:
        return pd.DataFrame(columns=["tenant_id", "voltage_level", *cols])
    key = c["tenant_id"].fillna("park_wwtp").astype(str).to_numpy()
    split = kwh_by_band(pd.DatetimeIndex(c["period_start"]), c["value"].to_numpy(float), 60.0)  # hour grain
    shapes = pd.DataFrame(split, columns=cols).groupby(key).sum().rename_axis("tenant_id").reset_index()
    volt = {t.tenant_id: t.voltage_level.value for t in py.data.tenants}
    return shapes.assign(voltage_level=shapes["tenant_id"].map(volt).fillna("22-110kV"))


def renewable_electricity(inv: InventoryResult, solar: ParkSolarResult | None) -> dict[str, Any]:
    """The renewable share of electricity now and with the proposed rooftop PV, on one denominator: the
    electricity consumed in the inventory year (grid import + on-site PV used; :func:`greenpark.ghg.electricity.
    renewable_share`). The proposed PV's output used on site comes from the solar sizing (a full year)."""
    added = solar.portfolio.used_on_site_kwh if solar is not None else None
    args = (inv.grid_import_kwh, inv.pv_self_consumed_kwh, inv.contractual_kwh)
    return {
        "consumed_kwh": electricity_consumed_kwh(inv.grid_import_kwh, inv.pv_self_consumed_kwh),
        "grid_import_kwh": inv.grid_import_kwh,
        "pv_self_consumed_kwh": inv.pv_self_consumed_kwh,
        "contractual_kwh": inv.contractual_kwh,
        "share_now": renewable_share(*args),
        "proposed_pv_used_kwh": added,
        "share_with_proposed_pv": renewable_share(*args, added) if added is not None else None,
    }


def plan_factors(measures: set[str], grid_scenario: str) -> list[dict[str, Any]]:
    """The reference rows the plan used, with their sources: the discount rate, the fuel price, the grid-factor
    scenario and, per measure of the catalogue that applied, its saving fraction and capex."""
    rows = [
        discount_rate_row().as_dict(),
        lookup("plan/parameters", parameter="fuel_price_vnd_per_kwh").as_dict(),
        lookup("ghg/grid_projection", scenario=grid_scenario).as_dict(),
    ]
    cat = load_table("plan/measures")
    for r in cat[cat["measure"].isin(measures)].itertuples():
        for item, unit in (("saving_fraction", "1"), ("capex_vnd_per_kwh_yr", "VND/(kWh/yr)")):
            rows.append(
                {
                    "table": "plan/measures",
                    "measure": r.measure,
                    "item": item,
                    "value": float(getattr(r, item)),
                    "unit": unit,
                    "source": r.source,
                    "edition": r.edition,
                    "confidence": r.confidence,
                }
            )
    return rows


@dataclass
class PlanInputs:
    """What the plan engine works on for a park and year: the baseline, the tenants' activity with their prices and
    fuel uses, the candidate measures, the grid factor and the discount rate (shared by :func:`plan_for` and
    :func:`eip_for`)."""

    baseline: Any
    measures: list[Any]
    prices: dict[str, float]
    price_on: dt.date
    grid_tco2_per_mwh: float
    discount_rate: float


def plan_inputs(
    py: ParkYear,
    inventory_result: InventoryResult | None = None,
    solar: ParkSolarResult | None = None,
    price_on: dt.date | None = None,
) -> PlanInputs:
    """The plan engine's candidate measures and what they stand on, from the year's inventory (computed here unless
    given) and the solar offers (None: no rooftop PV measures).

    Electricity saved is valued at each tenant's EVN tariff for its voltage level and load shape
    (:func:`tenant_load_shapes`, prices in force on ``price_on``, default the last day of the year); boiler,
    fuel-switch and heat-pump measures apply only to tenants burning a boiler fuel (the year's fuels).
    """
    inv = inventory_result if inventory_result is not None else inventory_for(py)
    # the baseline year's energy and emissions, a partial year completed by the full-year rule (greenpark.coverage)
    base = plan_baseline(inv, {t.tenant_id: str(t.sector) for t in py.data.tenants}, [w.wwtp_id for w in py.data.wwtps])
    tenants = base.activity.copy()
    on = price_on or dt.date(py.year, 12, 31)
    shapes = tenant_load_shapes(py)
    shape = tenants[["tenant_id"]].merge(shapes, on="tenant_id", how="left")
    volt = {t.tenant_id: t.voltage_level.value for t in py.data.tenants} | {"park_wwtp": "22-110kV"}
    shape["voltage_level"] = shape["tenant_id"].map(volt).fillna("22-110kV")
    shape = shape.fillna({f"{b}_kwh": 0.0 for b in BANDS})
    prices = tenant_electricity_prices(shape, on)
    tenants["electricity_price_vnd_per_kwh"] = tenants["tenant_id"].map(prices)
    fuels = py.data.table("fuels")
    if not fuels.empty:
        fuels = fuels[fuels["period"].astype(str).str.startswith(str(py.year))]
    uses = tenant_fuel_uses(combustion_emissions(fuels)[0] if not fuels.empty else pd.DataFrame())
    tenants = tenants.merge(uses, on="tenant_id", how="left")
    return PlanInputs(
        baseline=base,
        measures=candidate_measures(tenants, solar=solar),
        prices={k: float(v) for k, v in prices.items()},
        price_on=on,
        grid_tco2_per_mwh=grid_factor(py.year).tco2_per_mwh,
        discount_rate=discount_rate(),
    )


def plan_for(
    py: ParkYear,
    inventory_result: InventoryResult | None = None,
    solar: ParkSolarResult | None = None,
    grid_scenario: str = "decline_2pct",
    price_on: dt.date | None = None,
) -> dict[str, Any]:
    """Candidate measures, the marginal abatement cost curve and the roadmap to the park's targets, from the
    year's inventory (computed here unless given) and the solar offers (None: no rooftop PV measures); the
    measures and their prices as :func:`plan_inputs` builds them.
    """
    inv = inventory_result if inventory_result is not None else inventory_for(py)
    p = plan_inputs(py, inv, solar, price_on)
    base, ms, gf, rate = p.baseline, p.measures, p.grid_tco2_per_mwh, p.discount_rate
    curve = cost_curve(ms, rate, gf)
    pct = py.data.park.targets.get("ghg_reduction_pct", {})
    decline = lookup("ghg/grid_projection", scenario=grid_scenario).value
    rm = roadmap(
        ms,
        base.baseline_tco2e,
        py.year,
        pct,
        decline,
        baseline_electricity_tco2e=base.baseline_electricity_tco2e,
        grid_tco2_per_mwh=gf,
        discount_rate=rate,
    )
    return {
        "park_id": py.park_id,
        "baseline_year": py.year,
        "baseline_tco2e": base.baseline_tco2e,
        "baseline_full_year_estimate": base.full_year_estimate,
        "notes": base.notes,
        "grid_scenario": grid_scenario,
        "targets_pct": pct,
        "cost_curve": [c.model_dump() for c in curve],
        "cost_curve_by_measure": [c.model_dump() for c in cost_curve_by_measure(curve)],
        "top_measures": [c.model_dump() for c in top_measures(curve)],
        "renewable": renewable_electricity(inv, solar),
        "factors": plan_factors({m.measure for m in ms}, grid_scenario),
        "electricity_prices_vnd_per_kwh": p.prices,
        "electricity_price_on": p.price_on.isoformat(),
        "roadmap": rm.model_dump(),
    }


def _or_reason(fn: Any, stages: dict[str, str], name: str) -> Any:
    """An engine result, or None with the reason recorded in ``stages`` when the data cannot give it."""
    try:
        return fn()
    except GreenparkError as exc:
        stages[name] = str(exc)
        return None


def effluent_years(year: int) -> list[int]:
    """The years whose effluent the EIP criteria of ``year`` read: ``year`` and the ones before it, oldest first
    (how many: reference ``eip/parameters`` ``effluent_years``)."""
    n = int(lookup("eip/parameters", parameter="effluent_years").value)
    return list(range(year - n + 1, year + 1))


def effluent_park_years(py: ParkYear) -> list[ParkYear]:
    """The park years whose effluent the EIP criteria read: ``py`` and the years before it, oldest first.

    The years are :func:`effluent_years`. The earlier years share ``py``'s data
    and readings source; a caller that closes its store afterwards asks their tables first
    (:func:`greenpark.assess.assess` does, in its load stage).
    """
    return [py if y == py.year else ParkYear(py.data, py.readings, y) for y in effluent_years(py.year)]


def eip_for(
    py: ParkYear,
    inventory_result: InventoryResult | None = None,
    water: WaterResult | None = None,
    waste: WasteResult | None = None,
    solar: ParkSolarResult | None = None,
    effluent_years: list[ParkYear] | None = None,
) -> EipResult:
    """The park against Decree 35/2022 Art. 37 and the EIP Framework v2.0 (``greenpark.eip.assess_eip``).

    The evidence is the other engines' results for the year (computed here unless given): the inventory, the
    water engine for the year and the two before it (the effluent over 3 years), the waste engine (recovery and
    its symbiosis proposals) and the plan engine's candidate measures (rooftop PV only when ``solar`` is given).
    An engine that cannot give its result leaves its criteria unknown, with its reason. ``effluent_years``
    (default :func:`effluent_park_years`) are the park years of the effluent criteria, their tables perhaps
    already asked.
    """
    stages: dict[str, str] = {}
    inv = (
        inventory_result if inventory_result is not None else _or_reason(lambda: inventory_for(py), stages, "inventory")
    )
    if inv is None and inventory_result is None and "inventory" not in stages:
        stages["inventory"] = "no inventory"
    water_years: dict[int, Any] = {}
    for other in effluent_years if effluent_years is not None else effluent_park_years(py):
        y = other.year
        if y == py.year and water is not None:
            water_years[y] = water
        elif py.data.wwtps:
            water_years[y] = _or_reason(lambda o=other: water_for(o), stages, "water" if y == py.year else f"water {y}")
    wst = waste if waste is not None else _or_reason(lambda: waste_for(py), stages, "waste")
    plan = _or_reason(lambda: plan_inputs(py, inv, solar), stages, "plan") if inv is not None else None
    evidence = evidence_from(
        inventory=inv,
        water=water_years,
        waste=wst,
        plan_measures=plan.measures if plan is not None else [],
        discount_rate=plan.discount_rate if plan is not None else None,
        stages=stages,
    )
    result = assess_eip(py.data, py.year, evidence)
    if solar is None and py.data.roofs:
        result.notes.append("rooftop PV measures were not sized for this run (without --no-solar they are)")
    return result


def default_baseline_year(years: list[int], year: int) -> int:
    """The baseline year of verified savings: the year before ``year`` (``years``: the park's :func:`data_years`).

    Raises
    ------
    NoDataError
        The park has no readings in the year before (a year verified against a model of itself proves nothing).
    """
    if year - 1 not in years:
        raise NoDataError(
            f"no baseline year for {year}: the park has no readings in {year - 1} (its data covers "
            f"{_span(years) if years else 'no year'}); give a baseline year before {year} that has readings"
        )
    return year - 1


def savings_for(
    data: ParkData, readings: Readings, tenant_id: str, year: int, baseline_year: int | None = None
) -> VerifiedSavings:
    """A tenant's verified electricity savings in ``year`` against a ``baseline_year`` model on its production
    (IPMVP Option C, ASHRAE Guideline 14), default baseline the year before (:func:`default_baseline_year`).

    Raises
    ------
    InputError
        ``tenant_id`` is not a tenant of the park, or the baseline year is not before ``year``.
    NoDataError
        The park has no readings in one of the two years.
    """
    if not any(t.tenant_id == tenant_id for t in data.tenants):
        raise InputError(f"tenant {tenant_id!r} is not in park {data.park.park_id!r}")
    years = data_years(data, readings)
    base = baseline_year if baseline_year is not None else default_baseline_year(years, year)
    if base >= year:
        raise InputError(f"the baseline year {base} must be before the reporting year {year}")
    for y in (base, year):
        if y not in years:
            raise NoDataError(f"no readings for {y}; the park's data covers {_span(years) if years else 'no year'}")
    start, _ = year_bounds(data.park.timezone, base)
    _, end = year_bounds(data.park.timezone, year)
    c = readings.consumption(data.park.park_id, start, end, grain="month", by="tenant", tenant_id=tenant_id)
    c = c[(c["kind"] == "electricity_import") & (c["tenant_id"] == tenant_id)] if len(c) else c
    kwh = (
        pd.DataFrame({"month": [t.strftime("%Y-%m") for t in c["period_start"]], "kwh": c["value"].astype(float)})
        .groupby("month", as_index=False)["kwh"]
        .sum()
        if len(c)
        else pd.DataFrame({"month": pd.Series(dtype=str), "kwh": pd.Series(dtype=float)})
    )
    prod = data.table("production")
    if not prod.empty:
        prod = prod[prod["tenant_id"] == tenant_id]
        prod = prod.groupby(prod["period"].astype(str), as_index=False)["quantity"].sum()
        prod = prod.rename(columns={"period": "month", "quantity": "production"})
        months = kwh.merge(prod, on="month", how="left")
    else:
        months = kwh.assign(production=float("nan"))
    return verify_savings(tenant_id, months, base, year)


class IntervalReadings(Readings, Protocol):
    """A readings source that also gives raw interval values (the store): what a bill is computed from."""

    def readings(self, park_id: str, meter_ids: list[str] | None, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
        """Raw interval readings in [start, end): columns meter_id, ts (UTC), value."""
        ...


def bill_for(data: ParkData, store: IntervalReadings, month: str, tenant_id: str | None = None) -> MonthlyBills:
    """Tenants' bills of ``month`` (``YYYY-MM``): meters and readings from the store, water and wastewater prices
    and the park's purchase meter from the park's ``prices`` table (prices.csv), the wastewater fee from the
    water engine's cost allocation of the month. Returns ``greenpark.billing.MonthlyBills`` (one tenant's bill
    only when ``tenant_id`` is given; the operator's summary is the whole park's).
    """
    if tenant_id is not None and tenant_id not in {t.tenant_id for t in data.tenants}:
        raise InputError(f"tenant {tenant_id!r} is not in park {data.park.park_id!r}")
    start, end = month_bounds(month, data.park.timezone)
    first = start.date()

    prices = data.table("prices")

    def one(item: str) -> str | None:
        rows = prices_on(prices, item, first)
        if len(rows) > 1:
            raise InputError(f"prices.csv: {len(rows)} {item} rows in force on {first}; keep one per date")
        return rows[0] if rows else None

    incoming = tuple(prices_on(prices, "incoming_meter", first))
    common_rows = tuple(prices_on(prices, "common_meter", first))
    park_imports = [m.meter_id for m in data.meters if m.tenant_id is None and m.kind.value == "electricity_import"]
    common = common_rows or tuple(m for m in park_imports if m not in incoming)
    conn = one("wholesale_connection")
    tenants = [
        TenantSupply(
            tenant_id=t.tenant_id,
            name=t.name,
            voltage_level=t.voltage_level.value,
            import_meters=tuple(
                m.meter_id for m in data.meters if m.tenant_id == t.tenant_id and m.kind.value == "electricity_import"
            ),
            water_meters=tuple(
                m.meter_id for m in data.meters if m.tenant_id == t.tenant_id and m.kind.value == "water_supply"
            ),
        )
        for t in data.tenants
    ]
    ids = sorted({m for t in tenants for m in (*t.import_meters, *t.water_meters)} | set(incoming) | set(common))
    readings = store.readings(data.park.park_id, ids, start.to_pydatetime(), end.to_pydatetime())
    water = one("water_supply")
    cost = one("wastewater_treatment_cost")
    fees = None
    if cost is not None:
        vols = tenant_volumes_m3(
            store.consumption(data.park.park_id, start.to_pydatetime(), end.to_pydatetime(), grain="month"), start, end
        )
        limits = connection_limits(data.table("connection_limits"))
        alloc = tenant_loads(data.table("wastewater"), vols, limits, start, end, float(cost))
        fees = {x.tenant_id: x.cost_vnd for x in alloc.tenants if x.cost_vnd is not None}
    intervals = {m.meter_id: float(m.interval_min) for m in data.meters if getattr(m, "interval_min", None)}
    bills = monthly_bills(
        data.park.park_id,
        month,
        data.park.timezone,
        tenants,
        readings,
        park=ParkSupply(incoming_meters=incoming, wholesale_connection=conn, common_meters=common),
        water=WaterPrices(float(water), "prices.csv") if water else None,
        wastewater_fee_vnd=fees,
        meter_intervals_min=intervals,
    )
    if tenant_id is not None:
        bills.tenants = [b for b in bills.tenants if b.tenant_id == tenant_id]
    return bills
