"""The live service's REST API: a FastAPI app over the store and the engines.

:func:`create_api` builds the API for a settings object and (optionally) an already
open store; routers live in :mod:`greenpark.api.routes`, one per resource, mounted under
``/api/v1``. The served app (``greenpark serve``) is :func:`greenpark.server.create_app`: this API with the
dashboard (:mod:`greenpark.web`) mounted on it; the API never imports the dashboard. See ``docs/service.md`` for
the endpoints, the roles and the ingestion formats.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from greenpark import __version__
from greenpark.api import docs, problems
from greenpark.api.engines import warm
from greenpark.api.headers import SecurityHeaders
from greenpark.api.report_runs import ReportRuns, reports_folder
from greenpark.api.routes import alerts, auth, ingest, parks, reports, results, wwtp
from greenpark.api.schemas import Health
from greenpark.api.service import Service
from greenpark.settings import Settings, get_settings
from greenpark.store import open_store
from greenpark.store.base import Store

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_api(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The API's FastAPI app (no dashboard); opens (and migrates) the store from ``settings.store_url`` unless one
    is given."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = store is None
        if store is None:
            s: Store = open_store(settings.store_url)
            s.migrate()
        else:
            s = store
        service = Service(settings, s)
        service.start()
        app.state.service = service
        app.state.reports = ReportRuns(service, reports_folder(settings))
        if stale := app.state.reports.recover():
            log.warning("%d report run(s) left unfinished by a stopped service marked failed", stale)
        warmer = None
        if settings.warm_results:
            warmer = threading.Thread(target=warm, args=(service,), name="greenpark-warm", daemon=True)
            warmer.start()
        try:
            yield
        finally:
            app.state.reports.stop(settings.report_stop_wait_s)  # before the store closes
            service.stop()
            if warmer is not None:
                warmer.join(timeout=30)
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
    def health() -> Health:
        """Liveness; no authentication."""
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

    for module in (auth, parks, ingest, alerts, results, wwtp, reports):
        api.include_router(module.router)
    app.include_router(api)
    return app
