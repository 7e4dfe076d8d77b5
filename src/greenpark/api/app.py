"""The API's FastAPI app: :func:`create_api` (routers, the service and its lifespan, the work after the start).

Imported by :func:`greenpark.server.create_app` when the served app is built (this module loads the whole stack:
routes, the service modules and through them every engine), not when ``greenpark.api`` is imported.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from greenpark import __version__
from greenpark.api import docs, problems
from greenpark.api.engines import warm
from greenpark.api.headers import SecurityHeaders
from greenpark.api.problems import problem_response
from greenpark.api.report_runs import ReportRuns, reports_folder
from greenpark.api.routes import alerts, auth, ingest, parks, provinces, reports, results, wwtp
from greenpark.api.schemas import Health, Ready
from greenpark.api.service import Service, store_options
from greenpark.settings import Settings, get_settings
from greenpark.store import open_store
from greenpark.store.base import Store

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"


def _start_up(service: Service, prepare: Prepare | None, on_ready: Callable[[], None] | None) -> None:
    """The work after the start, in order: the park's preparation, the warm-up; then ``on_ready()``."""
    startup = service.startup
    try:
        if prepare is not None:
            startup.stage = "park"
            prepare(service)
        if service.settings.warm_results and not service.stopping.is_set():
            startup.stage = "warm-up"
            warm(service)
    except Exception as exc:  # the service stays up (the API answers); /ready names the failure
        log.exception("the work after the start failed")
        startup.failed = f"{type(exc).__name__}: {exc}"
        startup.stage = None
        return
    startup.stage = None
    startup.done.set()
    if on_ready is not None and not service.stopping.is_set():
        on_ready()


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


#: work run once the service is up (``serve --example``: the example park prepared), given the running service
Prepare = Callable[[Service], None]


def create_api(
    settings: Settings | None = None,
    store: Store | None = None,
    prepare: Prepare | None = None,
    on_ready: Callable[[], None] | None = None,
) -> FastAPI:
    """The API's FastAPI app (no dashboard); opens (and migrates) the store from ``settings.store_url`` unless one
    is given.

    ``prepare(service)`` runs in a background thread once the service is up, then the warm-up (``WARM_RESULTS``);
    until both are done ``/ready`` answers 503 naming ``startup`` while ``/health`` and the pages answer (the pages
    say the park is being prepared, then show figures still computed as pending). ``on_ready()`` is called once
    they are done (``greenpark serve`` prints "ready").
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        if store is None:
            s: Store = open_store(settings.store_url, store_options(settings))
        else:
            s = store
        service = Service(settings, s)
        service.start()
        app.state.service = service
        app.state.reports = ReportRuns(service, reports_folder(settings))
        if stale := app.state.reports.recover():
            log.warning("%d report run(s) left unfinished by a stopped service marked failed", stale)
        worker = None
        service.startup.work = prepare is not None or settings.warm_results
        if service.startup.work:
            worker = threading.Thread(
                target=_start_up, args=(service, prepare, on_ready), name="greenpark-start-up", daemon=True
            )
            worker.start()
        else:
            service.startup.done.set()
            if on_ready is not None:
                on_ready()
        try:
            yield
        finally:
            app.state.reports.stop(settings.report_stop_wait_s)  # before the store closes
            service.stop()
            if worker is not None:
                worker.join(timeout=30)
            if own:
                s.close()

    app = FastAPI(
        title="greenpark",
        version=__version__,
        description="The live service of a green-smart industrial park: readings, alerts, inventories, compliance.",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        docs_url=None,  # served from local files by greenpark.api.docs (no CDN, no inline script)
        redoc_url=None,
    )
    # CSP (with a per-request nonce for the dashboard's inline scripts), no framing, nosniff, referrer policy
    app.add_middleware(SecurityHeaders)
    problems.install(app)
    docs.install(app)
    api = APIRouter(prefix=API_PREFIX)

    @api.get("/health", response_model=Health, tags=["health"])
    async def health() -> Health:
        """Liveness: the process answers (on the event loop, touching no database); no authentication."""
        service: Service = app.state.service
        mqtt = service.mqtt
        return Health(
            status="ok",
            store=type(service.store).__name__,
            mqtt=mqtt is not None,
            mqtt_messages_written=mqtt.messages_written if mqtt else 0,
            mqtt_readings_written=mqtt.readings_written if mqtt else 0,
            mqtt_stats=mqtt.stats() if mqtt else None,
            version=__version__,
        )

    @api.get(
        "/ready",
        response_model=Ready,
        tags=["health"],
        responses={503: {"description": "a dependency is down (problem+json naming it)"}},
    )
    async def ready() -> Ready | JSONResponse:
        """Readiness: the store answers a cheap query and, with MQTT configured, the broker is connected; 503
        (problem+json saying what is down) otherwise. No authentication."""
        service: Service = app.state.service
        try:
            down = await asyncio.wait_for(
                run_in_threadpool(service.readiness), timeout=service.settings.ready_timeout_s
            )
        except TimeoutError:
            down = {"store": f"no answer within {service.settings.ready_timeout_s:g} s"}
        failing = {k: v for k, v in down.items() if v is not None}
        if failing:
            detail = "; ".join(f"{k}: {v}" for k, v in failing.items())
            return problem_response(503, "Not ready", detail, {"Retry-After": "5"}, down=sorted(failing))
        return Ready(status="ready", checks=sorted(down))

    for module in (auth, parks, provinces, ingest, alerts, results, wwtp, reports):
        api.include_router(module.router)
    app.include_router(api)
    return app
