"""Weather years for the PV model: the ``Weather`` container, its checks, and file readers.

Two parts, kept apart:

* pure: :class:`Weather` and :func:`check_weather` (columns, hourly step, gaps, repairs);
* io: :func:`read_weather`, thin wrappers over ``pvlib.iotools`` (EPW, PVGIS TMY, TMY3) and a
  generic CSV reader. These read files; engines never call them (the CLI does).

Column names follow pvlib's glossary: ``ghi``, ``dni``, ``dhi`` [W/m2], ``temp_air`` [degC],
``wind_speed`` [m/s]. Every row is one hour; the index is tz-aware and labels the **start** of the
hour, and the model evaluates the sun at mid-hour (``solar_times``).

Repairs are stated, never silent: each one adds a line to ``Weather.repairs``, which the results and
the CLI print.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib.iotools as iot
from pvlib import irradiance, solarposition

from greenpark.errors import InputError

log = logging.getLogger(__name__)

REQUIRED = ("ghi", "temp_air")
COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")
MAX_REPAIRED_GAP_HOURS = 3  # a definition of this reader's repair policy, not a physical factor
BANKABLE_SOURCES = (
    "PVGIS-SARAH3 TMY (re.jrc.ec.europa.eu/pvg_tools), Global Solar Atlas / Solargis time series, "
    "or NASA POWER hourly (power.larc.nasa.gov); ideally a year of on-site pyranometer data"
)


@dataclass
class Weather:
    """An hourly weather year and where it came from.

    ``estimate`` is True for the synthetic typical year (not a measured or satellite series): every
    output that uses it must say so and point to ``BANKABLE_SOURCES``.
    """

    data: pd.DataFrame
    source: str
    estimate: bool = False
    repairs: list[str] = field(default_factory=list)

    def solar_times(self) -> pd.DatetimeIndex:
        """Mid-hour times at which to evaluate the sun (the index labels the start of each hour)."""
        return pd.DatetimeIndex(self.data.index) + pd.Timedelta(minutes=30)

    def assumption(self) -> dict[str, object]:
        """JSON form for a result's assumptions."""
        out: dict[str, object] = {"source": self.source, "estimate": self.estimate, "repairs": list(self.repairs)}
        if self.estimate:
            out["bankable_data_source"] = BANKABLE_SOURCES
        return out


def check_weather(
    df: pd.DataFrame,
    source: str,
    zone: str,
    wind_speed_default: float,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Weather:
    """Validate a weather frame and make it hourly, complete and tz-aware, stating every repair.

    Checks and repairs:

    * missing ``ghi`` or ``temp_air`` -> error naming the required and found columns;
    * no ``dni``/``dhi`` -> derived from GHI with the Erbs decomposition (repair stated);
    * no ``wind_speed`` -> the reference default (repair stated);
    * naive index -> localised to ``zone`` (the park's clock, stated);
    * sub-hourly steps -> hourly means (stated);
    * gaps (missing hours or NaN) of at most 3 h -> linear interpolation (stated); longer -> error;
    * fewer than 8,760 hours -> error (a full year is needed for annual figures);
    * negative irradiance -> set to 0 (stated).

    Raises
    ------
    InputError
        Wrong columns, a gap longer than 3 hours, or less than a year of data.
    """
    repairs: list[str] = []
    data = df.rename(columns=str.lower).copy()
    missing = [c for c in REQUIRED if c not in data.columns]
    if missing:
        raise InputError(
            f"weather from {source} lacks column(s) {missing}; required {list(REQUIRED)}, optional "
            f"['dni', 'dhi', 'wind_speed']; found {list(df.columns)}; rename the columns (pvlib names)"
        )
    if not isinstance(data.index, pd.DatetimeIndex):
        raise InputError(f"weather from {source} has no time index; give a timestamp column")
    if data.index.tz is None:
        data.index = data.index.tz_localize(zone)
        repairs.append(f"naive timestamps read as park local time ({zone})")
    data = data[[c for c in COLUMNS if c in data.columns]].apply(pd.to_numeric, errors="coerce")
    data = data[~data.index.duplicated(keep="first")].sort_index()
    step = pd.Series(data.index).diff().median()
    if pd.notna(step) and step < pd.Timedelta(hours=1):
        data = data.resample("1h").mean()
        repairs.append(f"{step} steps averaged to hourly values")
    if (data.index != data.index.floor("h")).any():
        data.index = data.index.floor("h")
        data = data[~data.index.duplicated(keep="first")]
        repairs.append("timestamps within the hour (e.g. PVGIS hh:10) labelled with the start of their hour")
    full = pd.date_range(data.index[0], data.index[-1], freq="1h")
    data = data.reindex(full)
    if len(data) < 8760:
        raise InputError(
            f"weather from {source} covers {len(data)} hours ({data.index[0]} to {data.index[-1]}); "
            "a full year (8,760 hours) is needed; use a TMY file or a full calendar year"
        )
    for col in [c for c in ("ghi", "dni", "dhi", "temp_air", "wind_speed") if c in data.columns]:
        gaps = _gap_runs(data[col].isna().to_numpy())
        if not gaps:
            continue
        longest = max(gaps, key=lambda g: g[1])
        if longest[1] > MAX_REPAIRED_GAP_HOURS:
            raise InputError(
                f"weather from {source}: column {col!r} has a gap of {longest[1]} hours from "
                f"{data.index[longest[0]]}; gaps up to {MAX_REPAIRED_GAP_HOURS} h are interpolated, longer "
                "ones need a complete file (fill them from another source or use a TMY)"
            )
        data[col] = data[col].interpolate(limit_direction="both")
        repairs.append(f"{col}: {len(gaps)} gap(s) of <= {longest[1]} h interpolated linearly")
    irr = [c for c in ("ghi", "dni", "dhi") if c in data.columns]
    neg = int((data[irr] < 0).sum().sum())
    if neg:
        data[irr] = data[irr].clip(lower=0)
        repairs.append(f"{neg} negative irradiance value(s) set to 0")
    if "dni" not in data.columns or "dhi" not in data.columns:
        data = _decompose(data, latitude, longitude)
        repairs.append("dni and dhi derived from ghi with the Erbs decomposition (pvlib.irradiance.erbs)")
    if "wind_speed" not in data.columns:
        data["wind_speed"] = wind_speed_default
        repairs.append(f"no wind_speed column: {wind_speed_default} m/s used (reference solar/pv_system)")
    for r in repairs:
        log.warning("weather %s: %s", source, r)
    return Weather(data=data[list(COLUMNS)], source=source, estimate=False, repairs=repairs)


def _gap_runs(isna: np.ndarray) -> list[tuple[int, int]]:
    """(start position, length) of each run of True."""
    if not isna.any():
        return []
    d = np.diff(np.r_[0, isna.astype(np.int8), 0])
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return list(zip(starts.tolist(), (ends - starts).tolist(), strict=True))


def _decompose(data: pd.DataFrame, lat: float | None, lon: float | None) -> pd.DataFrame:
    times = pd.DatetimeIndex(data.index) + pd.Timedelta(minutes=30)
    if lat is None or lon is None:
        raise InputError("weather without dni/dhi needs the site's latitude/longitude to decompose ghi")
    zen = solarposition.get_solarposition(times, lat, lon)["zenith"]
    parts = irradiance.erbs(data["ghi"].to_numpy(), zen.to_numpy(), times)
    out = data.copy()
    out["dni"] = np.asarray(parts["dni"])
    out["dhi"] = np.asarray(parts["dhi"])
    return out


# ---------------------------------------------------------------------------------------------------------------
# io: file readers (thin wrappers over pvlib.iotools). Not called by engines.
# ---------------------------------------------------------------------------------------------------------------

_GENERIC_NAMES = {
    "time": "time", "timestamp": "time", "datetime": "time", "date_time": "time",
    "ghi": "ghi", "g(h)": "ghi", "allsky_sfc_sw_dwn": "ghi",
    "dni": "dni", "gb(n)": "dni", "dhi": "dhi", "gd(h)": "dhi",
    "temp_air": "temp_air", "t2m": "temp_air", "temperature": "temp_air", "temp": "temp_air",
    "wind_speed": "wind_speed", "ws10m": "wind_speed", "wind": "wind_speed",
}  # fmt: skip


def read_weather(path: str | Path, latitude: float, longitude: float, zone: str, wind_speed_default: float) -> Weather:
    """Read a weather file and check it (see :func:`check_weather`).

    Formats, by content: EPW (``.epw``, ``pvlib.iotools.read_epw``); PVGIS TMY (``.json``, or a CSV that
    starts with ``Latitude``; ``pvlib.iotools.read_pvgis_tmy``); TMY3 (CSV whose first line is the station
    header; ``pvlib.iotools.read_tmy3``); otherwise a generic CSV with a time column and pvlib-named
    columns (``ghi``, ``dni``, ``dhi``, ``temp_air``, ``wind_speed``; PVGIS/NASA names are mapped).

    Raises
    ------
    InputError
        Unreadable file, unknown layout, wrong columns, gaps or short data (message says which).
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"weather file {p} does not exist; give a path to an EPW, PVGIS TMY, TMY3 or CSV file")
    head = p.read_text(errors="replace")[:400]
    try:
        if p.suffix.lower() == ".epw":
            data, kind = iot.read_epw(p)[0], "EPW"
        elif p.suffix.lower() == ".json" or head.lstrip().lower().startswith("latitude"):
            data, kind = iot.read_pvgis_tmy(p, map_variables=True)[0], "PVGIS TMY"
        elif _looks_like_tmy3(head):
            data, kind = iot.read_tmy3(p, map_variables=True)[0], "TMY3"
        else:
            data, kind = _read_generic_csv(p), "CSV"
    except InputError:
        raise
    except Exception as exc:  # pvlib raises many kinds on malformed files; name the file and the cause
        raise InputError(f"cannot read weather file {p}: {exc}; expected EPW, PVGIS TMY, TMY3 or CSV") from exc
    notes = []
    if kind == "TMY3":  # TMY3 labels the end of each hour; ours label the start
        data.index = data.index - pd.Timedelta(hours=1)
        notes.append("TMY3 hour-ending labels moved to the start of each hour")
    if kind in ("EPW", "PVGIS TMY", "TMY3"):
        data = _single_year(data, _TMY_YEAR)
        notes.append(f"{kind} typical year: its months (from different years) put on one calendar year {_TMY_YEAR}")
    weather = check_weather(data, f"{kind} file {p.name}", zone, wind_speed_default, latitude, longitude)
    weather.repairs[:0] = notes
    return weather


_TMY_YEAR = 1990  # a non-leap year to lay a typical year on (only month, day and hour are used downstream)


def _single_year(data: pd.DataFrame, year: int) -> pd.DataFrame:
    """Put a typical year's rows on one calendar year (29 February dropped), sorted, zone kept."""
    idx = pd.DatetimeIndex(data.index)
    keep = ~((idx.month == 2) & (idx.day == 29))
    data, idx = data[keep], idx[keep]
    naive = pd.to_datetime({"year": year, "month": idx.month, "day": idx.day, "hour": idx.hour, "minute": idx.minute})
    new = pd.DatetimeIndex(naive)
    new = new.tz_localize(idx.tz) if idx.tz is not None else new
    out = data.copy()
    out.index = new
    return out.sort_index()


def _looks_like_tmy3(head: str) -> bool:
    first = head.splitlines()[0] if head else ""
    parts = first.split(",")
    return len(parts) >= 7 and parts[0].strip().isdigit()


def _read_generic_csv(p: Path) -> pd.DataFrame:
    df = pd.read_csv(p, comment="#")
    df = df.rename(columns={c: _GENERIC_NAMES.get(str(c).strip().lower(), str(c).strip()) for c in df.columns})
    if "time" not in df.columns:
        raise InputError(
            f"weather CSV {p.name} has no time column (time, timestamp or datetime); found {list(df.columns)}"
        )
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(df.pop("time"), format="ISO8601"))
    except (ValueError, TypeError) as exc:
        raise InputError(f"weather CSV {p.name}: unreadable timestamps ({exc}); use ISO 8601") from exc
    df.index = idx
    return df
