"""The park's WWTPs and their analyser series with the outlet limit (the dashboard's live WWTP page).

Series come from the park's wastewater table as stored (and extended by live ingestion); the
limits are the water engine's (:func:`greenpark.water.standards.discharge_limits`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from greenpark.api import views
from greenpark.api.deps import ParkScope, ServiceDep, allow
from greenpark.api.periods import aware, check_range
from greenpark.api.problems import not_found
from greenpark.api.schemas import WwtpsPublic
from greenpark.errors import GreenparkError
from greenpark.water.standards import discharge_limits

router = APIRouter(tags=["wwtp"])
WaterRead = Annotated[ParkScope, Depends(allow("water:read"))]
ERRORS: dict[int | str, dict[str, Any]] = {403: {"description": "role not allowed"}, 404: {"description": "not found"}}


class SeriesPoint(BaseModel):
    """One value (UTC) in the parameter's canonical unit; ``censored`` = below detection (value = the limit)."""

    ts: dt.datetime
    value: float | None
    censored: bool = False


class ParameterSeries(BaseModel):
    """One parameter at one point, with the outlet limit when there is one (Cmax; Cmin for pH)."""

    parameter: str
    unit: str | None
    method: str | None
    limit_max: float | None = None
    limit_min: float | None = None
    points: list[SeriesPoint]


class SeriesPublic(BaseModel):
    """Values of a WWTP point over [start, end)."""

    wwtp_id: str
    point: str
    start: dt.datetime
    end: dt.datetime
    data: list[ParameterSeries]


@router.get("/parks/{park_id}/wwtps", response_model=WwtpsPublic, responses=ERRORS)
def list_wwtps(scope: WaterRead) -> WwtpsPublic:
    """The park's WWTPs."""
    return views.wwtps(scope)


@router.get("/parks/{park_id}/wwtps/{wwtp_id}/series", response_model=SeriesPublic, responses=ERRORS)
def wwtp_series(
    wwtp_id: str,
    scope: WaterRead,
    service: ServiceDep,
    start: Annotated[dt.datetime, Query(description="range start (ISO 8601; naive = park local time)")],
    end: Annotated[dt.datetime, Query(description="range end, exclusive")],
    point: Annotated[str, Query(max_length=100, description="outlet, inlet or tenant:<tenant_id>")] = "outlet",
    method: Annotated[str | None, Query(max_length=20, description="analyser or lab; default both")] = None,
    parameter: Annotated[str | None, Query(max_length=50, description="one canonical parameter, e.g. cod")] = None,
) -> SeriesPublic:
    """Analyser (or lab) values of a WWTP point per parameter, with the outlet limit line."""
    wwtp = next((w for w in scope.data.wwtps if w.wwtp_id == wwtp_id), None)
    if wwtp is None:
        raise not_found("WWTP", wwtp_id)
    zone = scope.data.park.timezone
    start, end = aware(start, zone), aware(end, zone)
    check_range(start, end, service.settings.query_max_days)
    table = scope.data.table("wastewater")
    out: list[ParameterSeries] = []
    if not table.empty:
        ts = table["timestamp"]
        mask = (table["wwtp_id"] == wwtp_id) & (table["point"] == point) & (ts >= start) & (ts < end)
        if method:
            mask &= table["method"] == method
        if parameter:
            mask &= table["parameter"] == parameter
        rows = table[mask].sort_values("timestamp")
        limits: dict[str, Any] = {}
        if point == "outlet" and len(rows):
            try:
                limits = discharge_limits(wwtp, end.date(), sorted(set(rows["parameter"])))
            except GreenparkError:
                limits = {}  # e.g. an edition not transcribed: the series without its line
        for (param, meth), g in rows.groupby(["parameter", "method"], dropna=False, sort=True):
            lim = limits.get(str(param))
            out.append(
                ParameterSeries(
                    parameter=str(param),
                    unit=None if g["unit"].isna().all() else str(g["unit"].iloc[0]),
                    method=None if meth is None or meth != meth else str(meth),
                    limit_max=getattr(lim, "cmax", None),
                    limit_min=getattr(lim, "cmin", None),
                    points=[
                        SeriesPoint(ts=t, value=None if v != v else float(v), censored=bool(c))
                        for t, v, c in zip(g["timestamp"], g["value"], g["censored"].fillna(False), strict=True)
                    ],
                )
            )
    return SeriesPublic(wwtp_id=wwtp_id, point=point, start=start, end=end, data=out)
