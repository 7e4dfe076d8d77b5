"""The served app: the REST API and the web dashboard on one FastAPI app (``greenpark serve``).

The assembly sits above both packages: :func:`greenpark.api.create_api` builds the API (routers, the service and
its lifespan) and :func:`greenpark.web.install` mounts the dashboard's pages and static files on it. The dashboard
calls the API's service modules; the API never imports the dashboard, so the two do not form a cycle.

:class:`ServedApp` is what ``greenpark serve`` hands to uvicorn: it answers from the moment the socket listens and
builds the app behind it (importing the API, the dashboard and through them every engine costs seconds of CPU),
then hands every request to it. The API and the dashboard are imported by :func:`create_app`, not by this module.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from greenpark import __version__
from greenpark.i18n import translator

if TYPE_CHECKING:
    from fastapi import FastAPI

    from greenpark.api.app import Prepare
    from greenpark.settings import Settings
    from greenpark.store.base import Store

log = logging.getLogger(__name__)
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
STARTING_RETRY_S = 2  # Retry-After (and the page's reload) while the app is being built
# what the app's SecurityHeaders send, for the few answers given before it exists (no script, no framing)
STARTING_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


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
    from greenpark.api.app import create_api  # deferred: see ServedApp (the whole stack loads here)
    from greenpark.web import install as install_dashboard

    app = create_api(settings, store, prepare, on_ready)
    install_dashboard(app)
    return app


class ServedApp:
    """The ASGI app ``greenpark serve`` runs: it answers at once, builds the full app in a thread, then is that app.

    Until the app is built and its lifespan has started (the store opened, the service started):
    ``/api/v1/health`` answers 200 ``{"status": "starting"}`` (the process is alive), ``/api/v1/ready`` and every
    other API path 503 problem+json naming ``startup`` with ``Retry-After``, and a page 503 with a notice in vi/en/ja
    that reloads itself. A build or a lifespan start that fails calls ``stop()`` (the CLI stops uvicorn) and keeps
    the exception in ``failed`` (the CLI reports it as before: one line, exit 2 for a GreenparkError).

    Parameters
    ----------
    build : makes the app (:func:`create_app` with the CLI's settings); runs in a worker thread.
    stop : asks the server to stop.
    """

    def __init__(self, build: Callable[[], FastAPI], stop: Callable[[], None]) -> None:
        self.build = build
        self.stop = stop
        self.app: FastAPI | None = None
        self.failed: BaseException | None = None
        self._lifespan: AbstractAsyncContextManager[Any] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._run_lifespan(receive, send)
            return
        app = self.app
        if app is not None:
            await app(scope, receive, send)
        elif scope["type"] == "http":
            await self._starting(scope, send)

    async def _run_lifespan(self, receive: Receive, send: Send) -> None:
        await receive()  # lifespan.startup
        loading = asyncio.create_task(self._load())
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        await loading  # a build in progress cannot be interrupted: it ends, then the app's lifespan ends
        if self._lifespan is not None:
            await self._lifespan.__aexit__(None, None, None)
        await send({"type": "lifespan.shutdown.complete"})

    async def _load(self) -> None:
        try:
            app = await asyncio.to_thread(self.build)
            lifespan = app.router.lifespan_context(app)
            await lifespan.__aenter__()
        except BaseException as exc:  # e.g. the store cannot be opened, the broker refuses: the server stops
            self.failed = exc
            self.stop()
            return
        self._lifespan = lifespan
        self.app = app

    async def _starting(self, scope: Scope, send: Send) -> None:
        path = str(scope.get("path", ""))
        if path == "/api/v1/health":
            await _answer(send, 200, "application/json", {"status": "starting", "version": __version__})
        elif path.startswith("/api/") or path.startswith("/openapi"):
            problem = {
                "type": "about:blank",
                "title": "Not ready",
                "status": 503,
                "detail": "startup: the service is starting (loading the application)",
                "down": ["startup"],
            }
            await _answer(send, 503, "application/problem+json", problem)
        else:
            await _answer(send, 503, "text/html; charset=utf-8", _starting_page())


def _starting_page() -> str:
    """The page shown while the app is built: the notice in each language, reloading itself."""
    lines = "".join(f'<p lang="{lang}">{translator(lang)("startup.starting")}</p>' for lang in ("vi", "en", "ja"))
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>greenpark</title>'
        f'<meta http-equiv="refresh" content="{STARTING_RETRY_S}"></head><body data-starting>{lines}</body></html>'
    )


async def _answer(send: Send, status: int, media_type: str, body: object) -> None:
    data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
    headers = [
        (b"content-type", media_type.encode()),
        (b"content-length", str(len(data)).encode()),
        *STARTING_HEADERS,
    ]
    if status == 503:
        headers.append((b"retry-after", str(STARTING_RETRY_S).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
