"""``greenpark serve``: the live service (REST API, HTTP and MQTT ingestion, alerts) on a store."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from greenpark.cli.common import err_console, guarded, setup_logging
from greenpark.errors import GreenparkError
from greenpark.settings import Settings

if TYPE_CHECKING:
    from greenpark.api.service import Service

log = logging.getLogger(__name__)


class AdminPasswordError(GreenparkError, ValueError):
    """``greenpark serve`` was started without a usable GREENPARK_ADMIN_PASSWORD."""


def admin_password_rule(password: str | None, min_length: int, username: str, example: bool) -> str | None:
    """The admin password to start with: as set (checked against the policy), or a random one for ``--example``.

    Raises
    ------
    AdminPasswordError : none is set outside ``--example``, or the one set fails the password policy.
    """
    from greenpark.api.security import password_problem  # deferred: the API package loads FastAPI (~0.5 s)

    if password is None:
        if example:
            return secrets.token_urlsafe(18)
        raise AdminPasswordError(
            "GREENPARK_ADMIN_PASSWORD is not set: set it to a password of at least "
            f"{min_length} characters that is not a common one (it creates the first operator {username!r} on an "
            "empty store), e.g. GREENPARK_ADMIN_PASSWORD='three or more words' greenpark serve ...; "
            "'greenpark serve --example' runs a demo with a generated password"
        )
    problem = password_problem(password, min_length, username)
    if problem:
        raise AdminPasswordError(f"GREENPARK_ADMIN_PASSWORD is refused: {problem}")
    return password


def prepare_example(data_dir: Path) -> Callable[[Service], None]:
    """The work ``serve --example`` does once the service listens: the example park, ready to look at.

    1. generate the example park into ``data_dir/example-park`` (unless it is there);
    2. import it into the service's store through the validated import every park goes through
       (:func:`greenpark.io.importer.import_park`: unchanged files are not imported again);
    3. replay its WWTP episodes (four exceedances, the stuck COD probe) as the last 24 hours of live analyser
       data through the service's ingestion pipeline, the one HTTP and MQTT batches go through, so the alert
       rules open their alerts and the live WWTP panel shows them (:func:`greenpark.example.live.episode_day`).
    """

    def prepare(service: Service) -> None:
        # imported here, in the background thread: the service listens before the generator and io load
        from greenpark.example import write_example_park
        from greenpark.example.live import RAW_COLUMNS, episode_day
        from greenpark.io.importer import import_park

        folder = data_dir / "example-park"
        if not (folder / "park.toml").exists():
            log.warning("generating the example park in %s", folder)
            write_example_park(folder)
        log.warning("importing the example park from %s", folder)
        report = import_park(folder, service.store)
        park_id = report.park_id
        service.forget_park(park_id)  # a page may have read the park while it was being imported
        data = service.park(park_id)
        window = dt.timedelta(hours=service.settings.water_alert_window_h)
        day = episode_day(folder, data.park.timezone, dt.datetime.now(dt.UTC), window)
        replayed = service.ingestor.ingest_wastewater(park_id, day[list(RAW_COLUMNS)], "example-replay")
        log.warning(
            "example park %s: %d analyser values of its WWTP episodes replayed as the last %g h (%d accepted, "
            "%d alerts opened)",
            *(park_id, replayed.received, window.total_seconds() / 3600, replayed.accepted),
            len(replayed.alerts_opened),
        )

    return prepare


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
        # deferred: uvicorn is only for serve; the app itself (FastAPI, the dashboard, every engine: seconds of CPU)
        # is built by ServedApp in a thread once the socket listens
        import uvicorn

        from greenpark.server import ServedApp, create_app

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
        settings = Settings(**overrides)  # type: ignore[arg-type]
        password = admin_password_rule(
            settings.admin_password, settings.password_min_length, settings.admin_username, example
        )
        if password != settings.admin_password:
            overrides["admin_password"] = password
            err_console.print(
                f"example: sign in as {settings.admin_username!r} with the generated password {password} "
                "(set GREENPARK_ADMIN_PASSWORD to choose one)",
                highlight=False,
                soft_wrap=True,
            )
        where = data_dir or Path(tempfile.mkdtemp(prefix="greenpark-example-"))
        if example and store is None:
            overrides["store_url"] = f"duckdb://{where.resolve() / 'store.duckdb'}"
        settings = Settings(**overrides)  # type: ignore[arg-type]
        url = f"http://{settings.host}:{settings.port}/"
        err_console.print(
            f"greenpark serve: {url} (answers now; 'ready' follows once "
            + ("the example park is imported and " if example else "")
            + "the dashboard's results are computed)",
            highlight=False,
            soft_wrap=True,
        )

        def ready() -> None:
            err_console.print(f"greenpark serve: ready at {url}", highlight=False, soft_wrap=True)

        prepare = prepare_example(where) if example else None
        served = ServedApp(
            lambda: create_app(settings, prepare=prepare, on_ready=ready),
            stop=lambda: setattr(server, "should_exit", True),
        )
        # X-Forwarded-For is read by the app itself, and only from GREENPARK_TRUSTED_PROXIES (uvicorn's own reading
        # would believe any local peer): greenpark.api.accounts.client_address
        config = uvicorn.Config(
            served,
            host=settings.host,
            port=settings.port,
            log_level="info" if verbose else "warning",
            access_log=verbose,
            proxy_headers=False,
        )
        server = uvicorn.Server(config)
        server.run()
        if served.failed is not None:  # the app could not be built or started: said as before the socket listened
            raise served.failed
