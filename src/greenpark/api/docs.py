"""The API's documentation pages (Swagger UI at ``/docs``, ReDoc at ``/redoc``) from local files, no CDN.

FastAPI's own pages load Swagger UI and ReDoc from a CDN and start them with an inline script;
the service works offline and its Content-Security-Policy allows no inline script, so the pages
here load the assets shipped by the ``fastapi-offline`` package (``swagger-ui-bundle.js``,
``swagger-ui.css``, ``redoc.standalone.js``) under ``/api-docs/vendor`` and start Swagger UI from
``/api-docs/static/swagger-init.js``.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

VENDOR_URL = "/api-docs/vendor"
STATIC_URL = "/api-docs/static"
_STATIC = Path(__file__).with_name("static")


def vendor_dir() -> Path:
    """The folder of the Swagger UI and ReDoc assets shipped by ``fastapi-offline``."""
    return Path(str(files("fastapi_offline") / "static"))


def install(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Mount the assets and add ``/docs`` and ``/redoc`` (create the app with ``docs_url=None, redoc_url=None``)."""
    app.mount(VENDOR_URL, StaticFiles(directory=vendor_dir()), name="api-docs-vendor")
    app.mount(STATIC_URL, StaticFiles(directory=_STATIC), name="api-docs-static")
    title = escape(app.title)
    spec = escape(openapi_url, quote=True)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(
            f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · API</title>
<link rel="icon" href="{VENDOR_URL}/favicon.png">
<link rel="stylesheet" href="{VENDOR_URL}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi-url="{spec}"></div>
<script src="{VENDOR_URL}/swagger-ui-bundle.js"></script>
<script src="{STATIC_URL}/swagger-init.js"></script>
</body></html>"""
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(
            f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · API</title>
<link rel="icon" href="{VENDOR_URL}/favicon.png"></head>
<body><redoc spec-url="{spec}"></redoc>
<script src="{VENDOR_URL}/redoc.standalone.js"></script>
</body></html>"""
        )
