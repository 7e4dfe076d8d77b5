"""The live service's REST API: a FastAPI app over the store and the engines.

:func:`create_api` builds the API for a settings object and (optionally) an already
open store; routers live in :mod:`greenpark.api.routes`, one per resource, mounted under
``/api/v1``. The served app (``greenpark serve``) is :func:`greenpark.server.create_app`: this API with the
dashboard (:mod:`greenpark.web`) mounted on it; the API never imports the dashboard. See ``docs/service.md`` for
the endpoints, the roles and the ingestion formats.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    """``create_api``, ``Prepare`` and ``API_PREFIX`` from :mod:`greenpark.api.app`, imported on first use: importing
    ``greenpark.api.security`` (the password policy ``greenpark serve`` checks first) does not load the stack."""
    if name in ("create_api", "Prepare", "API_PREFIX"):
        from greenpark.api import app

        return getattr(app, name)
    raise AttributeError(f"module 'greenpark.api' has no attribute {name!r}")
