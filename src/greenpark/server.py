"""The served app: the REST API and the web dashboard on one FastAPI app (``greenpark serve``).

The assembly sits above both packages: :func:`greenpark.api.create_api` builds the API (routers, the service and
its lifespan) and :func:`greenpark.web.install` mounts the dashboard's pages and static files on it. The dashboard
calls the API's service modules; the API never imports the dashboard, so the two do not form a cycle.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from greenpark.api import Prepare, create_api
from greenpark.settings import Settings
from greenpark.store.base import Store
from greenpark.web import install as install_dashboard


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    prepare: Prepare | None = None,
    on_ready: Callable[[], None] | None = None,
) -> FastAPI:
    """The API with the dashboard; opens (and migrates) the store from ``settings.store_url`` unless one is given.

    ``prepare`` and ``on_ready``: the work after the start and what to call when it and the warm-up are done
    (:func:`greenpark.api.create_api`).
    """
    app = create_api(settings, store, prepare, on_ready)
    install_dashboard(app)
    return app
