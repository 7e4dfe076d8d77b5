"""``greenpark serve``: the live service (REST API, HTTP and MQTT ingestion, alerts) on a store."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from greenpark.cli.common import guarded, setup_logging

log = logging.getLogger(__name__)


def load_example(store_url: str, data_dir: Path) -> str:
    """Generate the example park into ``data_dir`` (if not there yet) and import it into the store.

    Returns the park id.
    """
    from greenpark.example import write_example_park  # the example park generator
    from greenpark.io.importer import import_park
    from greenpark.store import open_store

    folder = data_dir / "example-park"
    if not (folder / "park.toml").exists():
        write_example_park(folder)
    store = open_store(store_url)
    try:
        store.migrate()
        result = import_park(folder, store)
    finally:
        store.close()
    return result.park_id


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the app."""

    @app.command()
    @guarded
    def serve(
        store: Annotated[
            str | None,
            typer.Option(
                help="store URL: duckdb:///path.duckdb or postgresql://user@host:5432/db (default: GREENPARK_STORE_URL)"
            ),
        ] = None,
        host: Annotated[str | None, typer.Option(help="address to listen on (default 127.0.0.1)")] = None,
        port: Annotated[int | None, typer.Option(help="port (default 8000)")] = None,
        example: Annotated[bool, typer.Option("--example", help="generate and load the example park")] = False,
        data_dir: Annotated[
            Path | None, typer.Option(help="where --example writes its park folder (default: a temp dir)")
        ] = None,
        mqtt: Annotated[
            bool | None, typer.Option("--mqtt/--no-mqtt", help="subscribe to the MQTT broker (GREENPARK_MQTT_*)")
        ] = None,
        webhook: Annotated[str | None, typer.Option(help="URL that receives each new alert once")] = None,
        verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    ) -> None:
        """Run the live service: REST API under /api/v1, OpenAPI at /docs, ingestion, alerts."""
        import uvicorn

        from greenpark.api import create_app
        from greenpark.settings import Settings

        setup_logging(verbose)
        overrides: dict[str, object] = {}
        if store is not None:
            overrides["store_url"] = store
        if host is not None:
            overrides["host"] = host
        if port is not None:
            overrides["port"] = port
        if mqtt is not None:
            overrides["mqtt_enabled"] = mqtt
        if webhook is not None:
            overrides["webhook_url"] = webhook
        where = data_dir or Path(tempfile.mkdtemp(prefix="greenpark-example-"))
        if example and store is None:
            overrides["store_url"] = f"duckdb://{where.resolve() / 'store.duckdb'}"
        settings = Settings(**overrides)  # type: ignore[arg-type]
        if example:
            park_id = load_example(settings.store_url, where)
            log.warning("example park %s loaded from %s", park_id, where)
        app = create_app(settings)
        uvicorn.run(
            app, host=settings.host, port=settings.port, log_level="info" if verbose else "warning", access_log=verbose
        )
