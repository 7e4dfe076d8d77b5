"""Dashboard pages: sign-in, park overview, tenant, WWTP live, alerts, data quality.

Every page resolves the caller with the API's own :func:`~greenpark.api.deps.current_principal`
(session cookie) and its park scope with :func:`~greenpark.api.deps.allow`, then calls the API's
route functions for the figures; nothing here computes what the engines compute. Writes
(acknowledge, close, sign-out) are made by the browser against ``/api/v1`` with the CSRF header.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from greenpark.api import aggregates, engines, views
from greenpark.api.accounts import Principal, Role
from greenpark.api.deps import ParkScope, allow, current_principal, get_service
from greenpark.api.problems import ProblemError
from greenpark.api.provinces import province_key
from greenpark.api.roles import allowed
from greenpark.api.service import Service
from greenpark.errors import GreenparkError
from greenpark.i18n import (
    LANG_COOKIE,
    LANGS,
    catalogue,
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    label,
    material_label,
    phrase,
    reason_label,
    request_lang,
    separators,
    translator,
)
from greenpark.model import MeterKind
from greenpark.periods import year_bounds

log = logging.getLogger(__name__)
PREPARING_REFRESH_S = 3  # how often the "being prepared" page reloads itself


class ParkPreparingError(Exception):
    """A park page was asked while the service prepares the park (``serve --example`` imports it)."""


def park_prepared(request: Request) -> None:
    """Every page's dependency: while the service prepares the park, the start page and the park pages of a signed-in
    caller answer the "being prepared" page (:func:`preparing_page`) instead of a 404 or a half-imported park."""
    service = get_service(request)
    if not service.startup.preparing:
        return
    if request.url.path != "/" and "park_id" not in request.path_params:
        return
    if _who(request, service) is not None:  # signed out: the page itself sends the caller to sign in
        raise ParkPreparingError


def preparing_page(request: Request, exc: Exception) -> Response:
    """503 with ``Retry-After``: the park is being prepared; the page reloads itself until it is there."""
    response = render(
        request, "preparing.html", _who(request, get_service(request)), status=503, refresh_s=PREPARING_REFRESH_S
    )
    response.headers["Retry-After"] = str(PREPARING_REFRESH_S)
    return response


router = APIRouter(include_in_schema=False, dependencies=[Depends(park_prepared)])
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _param_label(code: str) -> str:
    """A water parameter's name in the language of the page being rendered (a Jinja filter; see render)."""
    return label("param", code, _page_lang.get())


templates.env.filters["param_label"] = _param_label
PROFILE_DAYS = 28
_page_lang: contextvars.ContextVar[str] = contextvars.ContextVar("page_lang", default="en")
PENDING_RETRY_MS = 2000  # how often a page asks again for figures still being computed
SWITCH_ORDER = ("vi", "en", "ja")  # the language switch reads VI EN JA (the park's readers first)
TENANT_SORTS = ("name", "emissions", "consumption", "decree06", "solar")


def _plotly_js() -> Path:
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@router.get("/static/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """Plotly.js as shipped inside the installed plotly package (never a CDN)."""
    return FileResponse(_plotly_js(), media_type="application/javascript", headers={"Cache-Control": "max-age=86400"})


def _who(request: Request, service: Service) -> Principal | None:
    try:
        return current_principal(request, service, None, None)
    except ProblemError:
        return None


def render(request: Request, name: str, who: Principal | None, status: int = 200, **ctx: Any) -> HTMLResponse:
    lang, set_cookie = request_lang(request)
    _page_lang.set(lang)
    t = translator(lang)
    park_id = ctx.get("park_id")
    nav: list[tuple[str, str]] = []
    # the province's parks side by side, from its page and from each of its parks' pages
    province = ctx.get("province_key") or _province_of(request, who, park_id)
    if who is not None and province and allowed(who.role, "province:read"):
        nav.append((f"/provinces/{province}", t("nav.province")))
    if who is not None and park_id and who.role is not Role.tenant:
        nav.append((f"/parks/{park_id}", t("nav.overview")))
        if allowed(who.role, "tenants:read"):
            nav.append((f"/parks/{park_id}/tenants", t("nav.tenants")))
        if allowed(who.role, "water:read"):
            nav.append((f"/parks/{park_id}/wwtp", t("nav.wwtp")))
        if allowed(who.role, "eip:read"):
            nav.append((f"/parks/{park_id}/eip", t("nav.eip")))
        if allowed(who.role, "alerts:read"):
            nav.append((f"/parks/{park_id}/alerts", t("nav.alerts")))
        if allowed(who.role, "quarantine:read"):
            nav.append((f"/parks/{park_id}/quality", t("nav.quality")))
        if allowed(who.role, "reports:read"):
            nav.append((f"/parks/{park_id}/reports", t("nav.reports")))
    zone = ctx.pop("zone", "UTC")
    response = templates.TemplateResponse(
        request,
        name,
        {
            "t": t,
            "lang": lang,
            "who": who,
            "nav": nav,
            "num": lambda v, d=0: format_number(v, lang, d),
            "pct": lambda v, d=1: format_percent(v, lang, d),
            "pct_floor": lambda v, d=2: format_percent(v, lang, d, floor=True),
            "label": lambda kind, code: label(kind, code, lang),
            "phrase": lambda text: phrase(text, lang),
            "reason": lambda code, params: reason_label(code, params, lang),
            "material": lambda m: material_label(m, lang),
            "when": lambda v: format_datetime(v, lang, zone),
            "tz": zone,
            "date": lambda v: format_date(v, lang),
            "separators": separators(lang),
            "path": request.url.path,
            "lang_href": {
                code: f"{request.url.path}?{urlencode({**request.query_params, 'lang': code})}"
                for code in sorted(LANGS, key=lambda c: SWITCH_ORDER.index(c) if c in SWITCH_ORDER else len(LANGS))
            },
            **ctx,
        },
        status_code=status,
    )
    if set_cookie:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


def _province_of(request: Request, who: Principal | None, park_id: str | None) -> str:
    """The key of a park's province when the caller reaches the park ("" otherwise: an error page for a park out of
    reach names no province)."""
    service = get_service(request)
    if who is None or not park_id or not service.has_park(park_id):
        return ""
    province = service.park(park_id).park.province
    return province_key(province) if who.reaches(park_id, province) else ""


def _problem_page(request: Request, who: Principal | None, exc: ProblemError, park_id: str | None = None) -> Response:
    if exc.status == 401:
        return RedirectResponse("/login", status_code=303)
    return render(request, "error.html", who, status=exc.status, status_code=exc.status, park_id=park_id)


def data_years(service: Service, scope: ParkScope) -> list[int]:
    """The local years with readings (asked of the store once per park)."""
    return aggregates.data_years(service, scope.park_id)


def _data_year(service: Service, scope: ParkScope) -> int:
    """The dashboard's default year: :func:`greenpark.runs.default_year` (the latest year with all 12 months, else
    the latest with readings), else this year when the park has no readings yet."""
    year = _safe(engines.default_year, service, scope)
    return year if year is not None else dt.datetime.now(scope.data.park.zone).year


def _year(request: Request, service: Service, scope: ParkScope) -> int:
    raw = request.query_params.get("year", "")
    return int(raw) if raw.isdigit() and 1990 <= int(raw) <= 2100 else _data_year(service, scope)


def _ready(pending: list[str], name: str, fn: Any, *args: Any) -> Any:
    """An engine result asked with ``wait=False``: the result, or None with ``name`` added to ``pending`` while it
    is computed; None and not pending when it cannot be had (:func:`_safe`: the page leaves the gap)."""
    try:
        value = fn(*args, wait=False)
    except (ProblemError, GreenparkError) as exc:
        log.info("dashboard: %s unavailable: %s", getattr(fn, "__name__", fn), exc)
        return None
    if value is None:
        pending.append(name)
    return value


def _safe(fn: Any, *args: Any, **kw: Any) -> Any:
    """An API call whose failure (no data, not allowed) leaves a gap on the page instead of an error."""
    try:
        return fn(*args, **kw)
    except (ProblemError, GreenparkError) as exc:
        log.info("dashboard: %s unavailable: %s", getattr(fn, "__name__", fn), exc)
        return None


# pages -----------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    """Where a caller lands: the sign-in page, a tenant's own page, a province's authority its province's parks, or
    the first park's overview."""
    service = get_service(request)
    who = _who(request, service)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    if who.role is Role.tenant and who.park_id and who.tenant_id:
        return RedirectResponse(f"/parks/{who.park_id}/tenants/{who.tenant_id}", status_code=303)
    if who.role is Role.authority and who.province and allowed(who.role, "province:read"):
        return RedirectResponse(f"/provinces/{province_key(who.province)}", status_code=303)
    ids = [p for p in service.park_ids() if who.reaches(p, service.park(p).park.province)]
    if not ids or not allowed(who.role, "park:read"):
        return render(request, "error.html", who, status=403, status_code=403)
    return RedirectResponse(f"/parks/{ids[0]}", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    """The sign-in form (it posts to /api/v1/auth/login from the browser)."""
    return render(request, "login.html", None)


def _tenant_elsewhere(who: Principal, park_id: str) -> Response | None:
    """A tenant user reaches only its own page: park-wide pages send it there."""
    if who.role is Role.tenant:
        return RedirectResponse(f"/parks/{who.park_id or park_id}/tenants/{who.tenant_id}", status_code=303)
    return None


@router.get("/parks/{park_id}", response_class=HTMLResponse)
def overview_page(park_id: str, request: Request) -> Response:
    """The park at a glance: KPIs, the month's consumption by tenant, open alerts."""
    service = get_service(request)
    who = _who(request, service)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    try:
        scope = allow("overview:read")(park_id, service, who)
    except ProblemError as exc:
        return _problem_page(request, who, exc)
    if (r := _tenant_elsewhere(who, park_id)) is not None:
        return r
    year = _year(request, service, scope)
    ov = views.overview(service, scope, year)
    # engine results only if ready: a cold engine leaves the figure pending (computed behind, the page asks again)
    pending: list[str] = []
    inv_scope = _safe(allow("inventory:read"), park_id, service, who)
    inv = _ready(pending, "ghg", engines.park_inventory, service, inv_scope, year) if inv_scope else None
    inv_prev = None
    if inv_scope and year - 1 in data_years(service, scope):  # no engine run for a year without readings
        inv_prev = _ready(pending, "ghg_prev", engines.park_inventory, service, inv_scope, year - 1)
    water_scope = _safe(allow("water:read"), park_id, service, who)
    water = _ready(pending, "wwtp", engines.park_water, service, water_scope, year) if water_scope else None
    waste_scope = _safe(allow("waste:read"), park_id, service, who)
    waste = None
    if waste_scope and not scope.data.table("waste").empty:
        waste = _ready(pending, "waste", engines.park_waste, service, waste_scope, year)
    alerts = None
    if allowed(who.role, "alerts:read"):
        alerts = views.alerts(service, allow("alerts:read")(park_id, service, who), "open", 10, 0)
    names = {t.tenant_id: t.name for t in scope.tenants()}
    t = translator(request_lang(request)[0])
    bars: dict[str, float] = {}  # electricity (kWh): one unit on the axis
    for row in ov.month_consumption_by_tenant:
        if row.kind == "electricity_import":
            label = names.get(row.tenant_id, row.tenant_id) if row.tenant_id else t("overview.common")
            bars[label] = bars.get(label, 0.0) + row.value
    month = ov.month_consumption_by_tenant[0].period_start if ov.month_consumption_by_tenant else None
    # kWh and m3 never share a column: the year's consumption by kind, one table per unit
    by_unit: dict[str, list[tuple[str, float]]] = {"energy": [], "volume": []}
    for kind, value in ov.consumption_by_kind.items():
        by_unit[MeterKind(kind).dimension if kind in MeterKind.__members__ else "energy"].append((kind, value))
    return render(
        request,
        "overview.html",
        who,
        zone=scope.data.park.timezone,
        by_unit=by_unit,
        park_id=park_id,
        park=scope.data.park,
        year=year,
        ov=ov,
        inv=inv,
        inv_prev=inv_prev,
        water=water,
        waste=waste,
        alerts=alerts,
        month=month,
        bars_json=json.dumps(bars),
        pending=pending,
        retry_ms=PENDING_RETRY_MS,
    )


@router.get("/parks/{park_id}/tenants/{tenant_id}", response_class=HTMLResponse)
def tenant_page(park_id: str, tenant_id: str, request: Request) -> Response:
    """One tenant: its inventory, load profile, solar offer and verified savings (another tenant's page answers 404).

    Figures an engine has not computed yet (the solar sizing takes seconds) are shown as pending; the page asks
    for them again every ``PENDING_RETRY_MS`` and fills them in.
    """
    service = get_service(request)
    who = _who(request, service)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    try:
        scope = allow("tenants:read")(park_id, service, who)
        tenant = scope.tenant(tenant_id)
    except ProblemError as exc:
        return _problem_page(request, who, exc, None if who.role is Role.tenant else park_id)
    year = _year(request, service, scope)
    pending: list[str] = []
    inv_scope = _safe(allow("inventory:read"), park_id, service, who)
    inv = None
    savings = None
    no_baseline = False
    if inv_scope:
        inv = _ready(pending, "tenant-ghg", engines.tenant_inventory, service, inv_scope, tenant_id, year)
        base = _safe(engines.default_baseline_year, service, inv_scope, year)  # None: no year before with data
        no_baseline = base is None
        if base is not None:
            savings = _ready(
                pending, "savings", engines.tenant_verified_savings, service, inv_scope, tenant_id, year, base
            )
    solar_scope = _safe(allow("solar:read"), park_id, service, who)
    solar = (
        _ready(pending, "solar", engines.tenant_solar, service, solar_scope, tenant_id, year) if solar_scope else None
    )
    profile: dict[str, list[Any]] = {}
    if allowed(who.role, "readings:read"):
        # the last four weeks of the year shown (or up to now), hour by hour: the load profile and its heatmap;
        # asked of the store for this tenant only
        zone = scope.data.park.zone
        _, year_end = year_bounds(scope.data.park.timezone, year)
        end = min(year_end, dt.datetime.now(zone).replace(minute=0, second=0, microsecond=0))
        start = end - dt.timedelta(days=PROFILE_DAYS)
        # the API's own aggregate as a frame (its JSON rows would cost a model object per hour)
        read_scope = allow("readings:read")(park_id, service, who)
        read_scope.tenant(tenant_id)
        cons = aggregates.consumption(service, park_id, start, end, "hour", by="tenant", tenant_id=tenant_id)
        for kind, rows in cons.groupby("kind", sort=False):
            stamps = pd.to_datetime(rows["period_start"], utc=True).dt.tz_convert(zone).dt.strftime("%Y-%m-%d %H:%M")
            profile[str(kind)] = [stamps.tolist(), rows["value"].astype(float).tolist()]
    meters = [m for m in scope.data.meters if m.tenant_id == tenant_id]
    savings_chart = {}
    if savings is not None and savings.months:
        savings_chart = {
            "months": [m.month for m in savings.months],
            "actual": [m.actual_kwh for m in savings.months],
            "predicted": [m.predicted_kwh for m in savings.months],
            "cusum": [m.cusum_kwh for m in savings.months],
        }
    return render(
        request,
        "tenant.html",
        who,
        park_id=None if who.role is Role.tenant else park_id,
        tenant=tenant,
        year=year,
        inv=inv,
        meters=meters,
        profile_json=json.dumps(profile),
        has_profile=bool(profile),
        may_read=allowed(who.role, "readings:read"),
        solar=solar,
        may_solar=solar_scope is not None,
        savings=savings,
        no_baseline=no_baseline,
        savings_json=json.dumps(savings_chart),
        money=lambda v: format_money(v, request_lang(request)[0]),
        pending=pending,
        retry_ms=PENDING_RETRY_MS,
    )


def park_wide(request: Request, park_id: str, permission: str) -> Response | tuple[Service, Principal, Any]:
    """The service, the signed-in user and its scope for a park-wide page, or the response that replaces the page:
    the login page, the tenant's own page (tenants reach nothing park-wide), or the error page."""
    service = get_service(request)
    who = _who(request, service)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    if who.role is Role.tenant:
        return _tenant_elsewhere(who, park_id)  # type: ignore[return-value]
    try:
        return service, who, allow(permission)(park_id, service, who)
    except ProblemError as exc:
        return _problem_page(request, who, exc, park_id)


@router.get("/parks/{park_id}/wwtp", response_class=HTMLResponse)
def wwtp_page(park_id: str, request: Request) -> Response:
    """The WWTP live page: the year's compliance calendar per WWTP, and each analyser's last 24 hours with its limit
    line (the browser polls the API)."""
    gate = park_wide(request, park_id, "water:read")
    if isinstance(gate, Response):
        return gate
    service, who, scope = gate
    wwtps = views.wwtps(scope).data
    poll = request.query_params.get("poll", "5")
    year = _year(request, service, scope)
    pending: list[str] = []
    calendar = _ready(pending, "calendar", engines.water_calendar, service, scope, year)
    lang = request_lang(request)[0]
    param_labels = {k.removeprefix("param."): v for k, v in catalogue(lang).items() if k.startswith("param.")}
    # the live figures' units as the reader writes them (m3/day -> m3/ngày), filled in by the page's script
    unit_labels = {k.removeprefix("unitname."): v for k, v in catalogue(lang).items() if k.startswith("unitname.")}
    return render(
        request,
        "wwtp.html",
        who,
        zone=scope.data.park.timezone,
        param_labels=param_labels,
        unit_labels=unit_labels,
        park_id=park_id,
        wwtps=wwtps,
        poll_s=max(1, min(60, int(poll))) if poll.isdigit() else 5,
        year=year,
        calendar=_calendar_months(calendar, year) if calendar else None,
        pending=pending,
        retry_ms=PENDING_RETRY_MS,
    )


@router.get("/parks/{park_id}/eip", response_class=HTMLResponse)
def eip_page(park_id: str, request: Request) -> Response:
    """The eco-industrial park page (operator, authority): Decree 35 Art. 37 and EIP Framework v2.0 criteria, the
    park's status, eco-enterprises and the roadmap, from the API's service module (pending while computed)."""
    gate = park_wide(request, park_id, "eip:read")
    if isinstance(gate, Response):
        return gate
    service, who, scope = gate
    year = _year(request, service, scope)
    pending: list[str] = []
    eip = _ready(pending, "eip", engines.park_eip, service, scope, year)
    return render(
        request, "eip.html", who, park_id=park_id, year=year, eip=eip, pending=pending, retry_ms=PENDING_RETRY_MS
    )


def _calendar_months(calendar: dict[str, list[Any]], year: int) -> dict[str, list[list[Any]]]:
    """Each WWTP's days laid out as 12 month rows of day cells (None pads the short months) for the grid."""
    out: dict[str, list[list[Any]]] = {}
    for wwtp_id, days in calendar.items():
        rows: list[list[Any]] = [[] for _ in range(12)]
        for d in days:
            rows[d.date.month - 1].append(d)
        width = max(len(r) for r in rows)
        out[wwtp_id] = [r + [None] * (width - len(r)) for r in rows]
    return out


@router.get("/parks/{park_id}/alerts", response_class=HTMLResponse)
def alerts_page(park_id: str, request: Request) -> Response:
    """Alerts, newest first; operators acknowledge and close them."""
    gate = park_wide(request, park_id, "alerts:read")
    if isinstance(gate, Response):
        return gate
    service, who, scope = gate
    state = request.query_params.get("state")
    state = state if state in ("open", "acknowledged", "closed") else None
    page = views.alerts(service, scope, state, 200, 0)  # type: ignore[arg-type]
    return render(
        request,
        "alerts.html",
        who,
        zone=scope.data.park.timezone,
        park_id=park_id,
        alerts=page,
        state=state,
        may_write=allowed(who.role, "alerts:write"),
    )


@router.get("/parks/{park_id}/quality", response_class=HTMLResponse)
def quality_page(park_id: str, request: Request) -> Response:
    """Data quality: meters with gaps (last 30 days of data) and the rows rejected by imports and live ingestion."""
    gate = park_wide(request, park_id, "quarantine:read")
    if isinstance(gate, Response):
        return gate
    service, who, scope = gate
    page = views.quarantine(service, scope, 500, 0)
    # the reason's code and parameters are shown through the reason, in the reader's language
    columns = [c for c in page.data[0] if c not in ("reason_code", "reason_params")] if page.data else []
    gaps = views.meter_gaps(service, scope)
    with_gaps = [g for g in gaps.data if g.expected and g.received < g.expected]  # meters at 0 % missing: not listed
    return render(
        request,
        "quality.html",
        who,
        zone=scope.data.park.timezone,
        park_id=park_id,
        rows=page.data,
        count=page.count,
        columns=columns,
        gaps=gaps,
        with_gaps=with_gaps,
        complete=len(gaps.data) - len(with_gaps),
    )


def _sort_key(sort: str) -> Any:
    def key(row: dict[str, Any]) -> Any:
        v = row[sort] if sort != "decree06" else (row["decree06_rank"], row["emissions"] or 0.0)
        return (v is None, v if v is not None else 0)

    return key


@router.get("/parks/{park_id}/tenants", response_class=HTMLResponse)
def tenants_page(park_id: str, request: Request) -> Response:
    """Every tenant of the park with its emissions, grid electricity, Decree 06 status (with the coverage it rests
    on) and proposed rooftop PV; sortable by each; each row links to the tenant's page."""
    gate = park_wide(request, park_id, "tenants:read")
    if isinstance(gate, Response):
        return gate
    service, who, scope = gate
    year = _year(request, service, scope)
    pending: list[str] = []
    inv_scope = _safe(allow("inventory:read"), park_id, service, who)
    inv = _ready(pending, "ghg", engines.park_inventory, service, inv_scope, year) if inv_scope else None
    solar_scope = _safe(allow("solar:read"), park_id, service, who)
    by_id = {r.tenant_id: r for r in (inv.tenants if inv else [])}
    status_rank = {"required": 0, "insufficient_data": 1, "not_required": 2}
    rows = []
    for tn in scope.tenants():
        r = by_id.get(tn.tenant_id)
        solar = None
        if solar_scope is not None and scope.data.roofs:
            solar = _safe(engines.tenant_solar, service, solar_scope, tn.tenant_id, year, wait=False)
            if solar is None:
                pending.append(f"solar:{tn.tenant_id}")
        offer = getattr(solar, "offer", None) if solar is not None else None
        status = r.decree06_status if r else None
        rows.append(
            {
                "tenant_id": tn.tenant_id,
                "name": tn.name,
                "sector": str(tn.sector),
                "emissions": r.total_tco2e if r else None,
                "consumption": r.grid_import_kwh if r else None,
                "decree06": status,
                "decree06_rank": status_rank.get(status or "", 3),
                "coverage": r.coverage if r else None,
                "coverage_status": r.coverage_status if r else None,
                "solar": offer.pv_kwp if offer is not None else None,
                "solar_pending": solar is None and solar_scope is not None and bool(scope.data.roofs),
            }
        )
    sort = request.query_params.get("sort", "emissions")
    sort = sort if sort in TENANT_SORTS else "emissions"
    desc = request.query_params.get("dir", "asc" if sort in ("name", "decree06") else "desc") == "desc"
    if sort == "name":
        rows.sort(key=lambda x: x["tenant_id"], reverse=desc)
    else:
        present = [x for x in rows if x[sort] is not None or sort == "decree06"]
        absent = [x for x in rows if x[sort] is None and sort != "decree06"]
        rows = sorted(present, key=_sort_key(sort), reverse=desc) + absent  # figures not known yet go last
    hrefs = {
        key: f"?{urlencode({**request.query_params, 'sort': key, 'dir': 'asc' if key == sort and desc else 'desc'})}"
        for key in TENANT_SORTS
    }
    return render(
        request,
        "tenants.html",
        who,
        park_id=park_id,
        year=year,
        rows=rows,
        sort=sort,
        desc=desc,
        hrefs=hrefs,
        ghg_pending="ghg" in pending,
        pending=pending,
        retry_ms=PENDING_RETRY_MS,
    )
