"""The web dashboard served by ``greenpark serve``: server-rendered pages over the API's dependencies.

:func:`install` mounts the page router and the static files (CSS, JS, and Plotly's own
``plotly.min.js`` from the installed plotly package: no CDN, the dashboard works offline).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from greenpark.web.province import router as province_router
from greenpark.web.reports import router as reports_router
from greenpark.web.routes import ParkPreparingError, preparing_page, router, templates

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    """Mount the dashboard pages and static files on the API app."""
    app.include_router(router)
    app.add_exception_handler(ParkPreparingError, preparing_page)  # park pages while the park is being prepared
    # compile every page template now: a first visit would otherwise pay Jinja's compile (tens of ms a page)
    for page in sorted((Path(__file__).parent / "templates").glob("*.html")):
        templates.env.get_template(page.name)
    app.include_router(reports_router)
    app.include_router(province_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
