"""What every CLI command shares: error handling, JSON output, console."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from greenpark.errors import GreenparkError

console = Console()
err_console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def guarded(func: F) -> F:
    """Turn a GreenparkError (or a pydantic validation error) into one line and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GreenparkError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def print_json(obj: Any) -> None:
    """Write a result as JSON on stdout (for scripts); dates and numpy values made plain."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def _json_default(o: Any) -> Any:
    import datetime as dt

    import numpy as np

    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if isinstance(o, np.generic):
        return o.item()
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def setup_logging(verbose: bool = False) -> None:
    """Library code logs; the CLI decides what the user sees."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


def open_park(arg: str, store_url: str | None = None):  # -> tuple[ParkData, Store]
    """The park a command names (folder, workbook or park id) and its open store; caller closes the store.

    A folder is imported on first use (with a progress bar on the readings) and reused
    from the store afterwards; see :func:`greenpark.io.importer.open_park`.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from greenpark.io.importer import open_park as _open_park

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(file: str, rows: int) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(f"reading {file}", total=None)
            bar.update(tasks[file], completed=rows)

        return _open_park(arg, store_url, progress)
