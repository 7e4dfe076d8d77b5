"""Tenants' monthly bills for a park operator that retails electricity and water and recovers the WWTP's cost.

Method
------
- Electricity: each tenant's import meters, at their own interval; every interval's kWh split over the TOU bands by
  its minutes in each band (:func:`greenpark.tariffs.kwh_by_band`, the hours in force on its local date), priced at
  the EVN retail price of the tenant's tariff group and voltage level in force on that date
  (:func:`greenpark.tariffs.retail_price`; a month that spans a tariff decision is priced part by part).
  energy charge = sum over intervals and bands of kWh x price, rounded to whole VND; VAT = charge x the rate in force
  on the first day of the month (VAT periods start on the first of a month), rounded to whole VND.
- A month with missing intervals is billed on what was measured; ``coverage`` = valid / expected intervals
  (expected = the month's minutes / the meter's interval) is shown beside it. No value is estimated.
- Water supply: the tenant's ``water_supply`` meters [m3] x the park's price; VAT at the water rate.
- Wastewater: the fee is the tenant's share of the month's treatment cost from the water engine's cost allocation
  by load (``greenpark.water.tenants.tenant_loads``), passed in as VND per tenant.
- Operator: the park's purchase = the incoming meter's kWh by band x the wholesale price to retailers in industrial
  parks for its connection; retail margin = tenants' energy charges - purchase; unbilled (common) consumption = the
  park's own import meters; losses = incoming - tenants - common.

Pure: readings in, bills out (no store, no files).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from pydantic import BaseModel

from greenpark import periods
from greenpark.errors import InputError
from greenpark.reference import FactorRow, lookup
from greenpark.tariffs import BANDS, kwh_by_band, retail_price, vat_rate, wholesale_price

READING_COLUMNS = ("meter_id", "ts", "value")


@dataclass(frozen=True)
class TenantSupply:
    """Who is billed, at which tariff: one tenant, its supply voltage and tariff group."""

    tenant_id: str
    name: str
    voltage_level: str
    tariff: str = "manufacturing"
    import_meters: tuple[str, ...] = ()
    water_meters: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParkSupply:
    """The operator's side: the incoming (purchase) meter, its wholesale connection and the common meters."""

    incoming_meters: tuple[str, ...] = ()
    wholesale_connection: str | None = None
    common_meters: tuple[str, ...] = ()


@dataclass(frozen=True)
class WaterPrices:
    """The park's water prices for the month (VND excl. VAT) and where they come from."""

    water_supply_vnd_per_m3: float | None = None
    source: str = ""


class TenantBill(BaseModel):
    """One tenant's monthly statement (VND; charges excl. VAT unless named ``total``)."""

    tenant_id: str
    name: str
    voltage_level: str
    tariff: str
    kwh_by_band: dict[str, float]
    kwh: float
    prices_vnd_per_kwh: dict[str, list[float]]  # band -> distinct prices applied in the month
    energy_charge_by_band_vnd: dict[str, float]
    energy_charge_vnd: float
    vat_rate: float
    vat_vnd: float
    water_supply_m3: float | None = None
    water_price_vnd_per_m3: float | None = None
    water_charge_vnd: float | None = None
    water_vat_rate: float | None = None
    water_vat_vnd: float | None = None
    wastewater_fee_vnd: float | None = None
    total_vnd: float
    coverage: float | None  # valid / expected intervals of its import meters (None: no meter)
    missing_intervals: int
    tariff_source: list[str]
    notes: list[str] = []


class OperatorSummary(BaseModel):
    """The operator's month: purchase at the wholesale price, retail margin, common use and losses."""

    incoming_kwh: float | None
    incoming_kwh_by_band: dict[str, float] | None
    incoming_coverage: float | None
    wholesale_connection: str | None
    purchase_vnd: float | None
    tenants_kwh: float
    tenants_energy_charge_vnd: float
    retail_margin_vnd: float | None
    common_kwh: float
    losses_kwh: float | None
    losses_share: float | None
    wholesale_source: list[str]
    notes: list[str] = []


class MonthlyBills(BaseModel):
    """Every tenant's bill of one month and the operator's summary."""

    park_id: str
    month: str
    timezone: str
    tenants: list[TenantBill]
    operator: OperatorSummary
    water_price_source: str = ""
    factors: list[dict] = []
    notes: list[str] = []


def prices_on(prices: pd.DataFrame, item: str, on: dt.date) -> list[str]:
    """Values of the park's ``prices`` table (park-folder ``prices.csv``) for ``item`` in force on ``on``."""
    if prices is None or prices.empty:
        return []
    rows = prices[prices["item"] == item]
    day = pd.Timestamp(on)
    vf = pd.to_datetime(rows["valid_from"].astype(object).where(rows["valid_from"].notna(), None)).dt.tz_localize(None)
    vt = pd.to_datetime(rows["valid_to"].astype(object).where(rows["valid_to"].notna(), None)).dt.tz_localize(None)
    ok = (vf.isna() | (vf <= day)) & (vt.isna() | (vt >= day))
    return [str(v) for v in rows.loc[ok, "value"]]


def month_bounds(month: str, zone: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) of a ``YYYY-MM`` month in the park's zone (:func:`greenpark.periods.month_bounds`)."""
    try:
        y, m = (int(x) for x in month.split("-"))
        first = dt.datetime(y, m, 1, tzinfo=ZoneInfo(zone))
    except (ValueError, TypeError) as exc:
        raise InputError(f"month {month!r} is not YYYY-MM (e.g. 2025-06)") from exc
    start, end = periods.month_bounds(first)
    return pd.Timestamp(start), pd.Timestamp(end)


def _meter_interval_min(ts: pd.Series) -> float:
    d = pd.Series(pd.DatetimeIndex(ts).sort_values()).diff().dropna()
    return float(d.mode().iloc[0].total_seconds() / 60.0) if len(d) else 60.0


@dataclass
class _Energy:
    kwh_by_band: dict[str, float]
    charge_by_band: dict[str, float]
    prices: dict[str, list[float]]
    rows: list[FactorRow] = field(default_factory=list)
    valid: int = 0
    expected: int = 0


def _priced_energy(
    readings: pd.DataFrame,
    meters: tuple[str, ...],
    start: pd.Timestamp,
    end: pd.Timestamp,
    zone: str,
    price_of: object,
    intervals: dict[str, float] | None = None,
) -> _Energy:
    """kWh and charge by band of ``meters`` in [start, end), each interval priced on its local date."""
    r = readings[readings["meter_id"].isin(meters)]
    ts_all = pd.DatetimeIndex(r["ts"])
    r = r[(ts_all >= start) & (ts_all < end)]
    out = _Energy({b: 0.0 for b in BANDS}, {b: 0.0 for b in BANDS}, {b: [] for b in BANDS})
    minutes_in_month = (end - start).total_seconds() / 60.0
    for meter_id in meters:
        m = r[r["meter_id"] == meter_id]
        step = (intervals or {}).get(meter_id) or _meter_interval_min(m["ts"]) if len(m) else None
        if step is None:
            step = (intervals or {}).get(meter_id) or 15.0
        out.expected += round(minutes_in_month / step)
        if m.empty:
            continue
        out.valid += len(m)
        ts = pd.DatetimeIndex(m["ts"])
        split = kwh_by_band(ts, m["value"].to_numpy(float), step)
        dates = ts.tz_convert(zone).date
        for d in sorted(set(dates)):
            sel = np.asarray(dates == d)
            for j, b in enumerate(BANDS):
                row = price_of(b, d)  # type: ignore[operator]
                kwh = float(split[sel, j].sum())
                out.kwh_by_band[b] += kwh
                out.charge_by_band[b] += kwh * row.value
                if row.value not in out.prices[b]:
                    out.prices[b].append(row.value)
                if row not in out.rows:
                    out.rows.append(row)
    return out


def _sum_m3(readings: pd.DataFrame, meters: tuple[str, ...], start: pd.Timestamp, end: pd.Timestamp) -> float:
    r = readings[readings["meter_id"].isin(meters)]
    ts = pd.DatetimeIndex(r["ts"])
    return float(r["value"][(ts >= start) & (ts < end)].sum())


def monthly_bills(
    park_id: str,
    month: str,
    zone: str,
    tenants: list[TenantSupply],
    readings: pd.DataFrame,
    park: ParkSupply | None = None,
    water: WaterPrices | None = None,
    wastewater_fee_vnd: dict[str, float] | None = None,
    meter_intervals_min: dict[str, float] | None = None,
) -> MonthlyBills:
    """Bills of every tenant for one month, and the operator's summary.

    Parameters
    ----------
    park_id, month, zone : str
        The park, the month (``YYYY-MM``) and the park's IANA zone (the month is cut in it).
    tenants : list of TenantSupply
        Tenants with their voltage level, tariff group and meters.
    readings : DataFrame
        Interval readings: meter_id, ts (tz-aware interval start), value (kWh or m3), for the month (more is
        ignored). Held-out values must not be in it.
    park : ParkSupply, optional
        Incoming (purchase) meters, their wholesale connection, the park's common import meters.
    water : WaterPrices, optional
        The water supply price in force for the month.
    wastewater_fee_vnd : dict, optional
        tenant_id -> the month's wastewater fee from the water engine's cost allocation.
    meter_intervals_min : dict, optional
        meter_id -> interval [min] (meters.csv ``interval_min``); else each meter's most common step.

    Returns
    -------
    MonthlyBills
    """
    missing = set(READING_COLUMNS) - set(readings.columns)
    if missing:
        raise InputError(f"monthly_bills needs reading columns {list(READING_COLUMNS)}; missing {sorted(missing)}")
    if not readings.empty:
        first = readings["ts"].iloc[0]
        if getattr(readings["ts"].dtype, "tz", None) is None and getattr(first, "tzinfo", None) is None:
            raise InputError("monthly_bills needs tz-aware reading timestamps; localise them to the park's zone first")
        readings = readings.assign(ts=pd.to_datetime(readings["ts"], utc=True))
    start, end = month_bounds(month, zone)
    first_day = start.date()
    park = park or ParkSupply()
    water = water or WaterPrices()
    fees = wastewater_fee_vnd or {}
    vat = vat_rate(first_day)
    water_vat = lookup("tariffs/vat", on=first_day, item="water") if water.water_supply_vnd_per_m3 else None
    factors: dict[tuple, dict] = {}
    bills = []
    for t in tenants:

        def price_of(band: str, d: dt.date, t: TenantSupply = t) -> FactorRow:
            return retail_price(t.voltage_level, band, d, t.tariff)

        e = _priced_energy(readings, t.import_meters, start, end, zone, price_of, meter_intervals_min)
        charge = round(sum(e.charge_by_band.values()))
        vat_vnd = round(charge * vat.value)
        notes = []
        coverage = e.valid / e.expected if e.expected else None
        if not t.import_meters:
            notes.append("no electricity import meter: no energy charge")
        elif coverage is not None and coverage < 1:
            notes.append(
                f"{e.expected - e.valid} of {e.expected} intervals missing: billed on what was measured "
                f"(coverage {coverage:.1%})"
            )
        w_m3 = w_charge = w_vat = None
        if t.water_meters and water.water_supply_vnd_per_m3 is not None:
            w_m3 = _sum_m3(readings, t.water_meters, start, end)
            w_charge = round(w_m3 * water.water_supply_vnd_per_m3)
            w_vat = round(w_charge * water_vat.value) if water_vat else 0
        elif t.water_meters:
            notes.append("no water price for the month (park.toml or prices.csv): water not billed")
        fee = fees.get(t.tenant_id)
        fee = round(fee) if fee is not None else None
        total = charge + vat_vnd + (w_charge or 0) + (w_vat or 0) + (fee or 0)
        for row in [*e.rows, vat]:
            factors[(row.table, tuple(row.keys.items()), row.valid_from)] = row.as_dict()
        bills.append(
            TenantBill(
                tenant_id=t.tenant_id,
                name=t.name,
                voltage_level=t.voltage_level,
                tariff=t.tariff,
                kwh_by_band=e.kwh_by_band,
                kwh=sum(e.kwh_by_band.values()),
                prices_vnd_per_kwh=e.prices,
                energy_charge_by_band_vnd=e.charge_by_band,
                energy_charge_vnd=charge,
                vat_rate=vat.value,
                vat_vnd=vat_vnd,
                water_supply_m3=w_m3,
                water_price_vnd_per_m3=water.water_supply_vnd_per_m3 if w_m3 is not None else None,
                water_charge_vnd=w_charge,
                water_vat_rate=water_vat.value if (water_vat and w_m3 is not None) else None,
                water_vat_vnd=w_vat,
                wastewater_fee_vnd=fee,
                total_vnd=total,
                coverage=coverage,
                missing_intervals=max(e.expected - e.valid, 0),
                tariff_source=sorted({r.edition for r in e.rows}),
                notes=notes,
            )
        )
    tenants_kwh = sum(b.kwh for b in bills)
    tenants_charge = sum(b.energy_charge_vnd for b in bills)
    common = _priced_energy(
        readings, park.common_meters, start, end, zone, lambda b, d: _ZERO, meter_intervals_min
    ).kwh_by_band
    common_kwh = sum(common.values())
    op_notes = []
    if park.incoming_meters:
        if park.wholesale_connection is None:
            raise InputError("an incoming meter needs its wholesale connection (prices.csv wholesale_connection)")
        conn = park.wholesale_connection

        def wprice(band: str, d: dt.date) -> FactorRow:
            return wholesale_price(conn, band, d)

        inc = _priced_energy(readings, park.incoming_meters, start, end, zone, wprice, meter_intervals_min)
        incoming_kwh = sum(inc.kwh_by_band.values())
        purchase = round(sum(inc.charge_by_band.values()))
        losses = incoming_kwh - tenants_kwh - common_kwh
        for row in inc.rows:
            factors[(row.table, tuple(row.keys.items()), row.valid_from)] = row.as_dict()
        operator = OperatorSummary(
            incoming_kwh=incoming_kwh,
            incoming_kwh_by_band=inc.kwh_by_band,
            incoming_coverage=inc.valid / inc.expected if inc.expected else None,
            wholesale_connection=conn,
            purchase_vnd=purchase,
            tenants_kwh=tenants_kwh,
            tenants_energy_charge_vnd=tenants_charge,
            retail_margin_vnd=tenants_charge - purchase,
            common_kwh=common_kwh,
            losses_kwh=losses,
            losses_share=losses / incoming_kwh if incoming_kwh else None,
            wholesale_source=sorted({r.edition for r in inc.rows}),
            notes=op_notes,
        )
    else:
        op_notes.append(
            "no park incoming meter named (prices.csv incoming_meter): purchase, margin and losses left out"
        )
        operator = OperatorSummary(
            incoming_kwh=None,
            incoming_kwh_by_band=None,
            incoming_coverage=None,
            wholesale_connection=park.wholesale_connection,
            purchase_vnd=None,
            tenants_kwh=tenants_kwh,
            tenants_energy_charge_vnd=tenants_charge,
            retail_margin_vnd=None,
            common_kwh=common_kwh,
            losses_kwh=None,
            losses_share=None,
            wholesale_source=[],
            notes=op_notes,
        )
    if water_vat is not None:
        factors[(water_vat.table, tuple(water_vat.keys.items()), water_vat.valid_from)] = water_vat.as_dict()
    return MonthlyBills(
        park_id=park_id,
        month=month,
        timezone=zone,
        tenants=bills,
        operator=operator,
        water_price_source=water.source,
        factors=list(factors.values()),
    )


_ZERO = FactorRow(table="", keys={}, value=0.0, unit="", source="", edition="", valid_from=None, valid_to=None)
