"""What every CLI command shares: error handling, JSON output, console, the reader's language.

Tables and messages are written in the language a command is given (``--lang vi|en|ja``, default
``GREENPARK_LANG``, else English) through the one i18n package: headings are ``cli.*`` catalogue keys, codes are
:func:`greenpark.i18n.label`, engine sentences :func:`greenpark.i18n.phrase`, numbers the one Babel formatter.
``--json`` stays language-neutral (codes and numbers). A command calls :func:`use_lang` first; the language is
then the process's (a CLI process runs one command).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from greenpark.errors import GreenparkError, InputError
from greenpark.i18n import SOURCE_LANG, check_lang, format_number, format_percent, label, phrase, translator

if TYPE_CHECKING:  # the engines and io load in the commands that use them (greenpark serve starts without them)
    from greenpark import runs
    from greenpark.io.quality import DataQuality
    from greenpark.model import ParkData
    from greenpark.store.base import Store


def _console(stderr: bool = False) -> Console:
    """A rich console. On a terminal it takes the terminal's width; written to a file or a pipe (not a terminal,
    no ``COLUMNS``) it is 160 columns wide instead of rich's 80, so a table keeps its rows on few lines rather than
    wrapping every cell word by word."""
    stream = sys.stderr if stderr else sys.stdout
    piped = not stream.isatty() and not os.environ.get("COLUMNS")
    return Console(stderr=stderr, width=160 if piped else None)


console = _console()
err_console = _console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

# the arguments every result command takes, written once
ParkRef = Annotated[str, typer.Argument(help="Park folder, .xlsx workbook, or a park id in the store.")]
StoreUrl = Annotated[str | None, typer.Option("--store", help="Store URL (default GREENPARK_STORE).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Year = Annotated[
    int | None,
    typer.Option("--year", help="Calendar year, park local (default: the latest year with all 12 months of readings)."),
]
LANG_ENV = "GREENPARK_LANG"
Lang = Annotated[
    str,
    typer.Option(
        "--lang",
        envvar=LANG_ENV,
        help="Language of tables and messages: en, vi or ja (default GREENPARK_LANG, else en); --json is not "
        "translated.",
    ),
]


def guarded(func: F) -> F:
    """Turn a GreenparkError (or a pydantic validation error) into one line and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GreenparkError as exc:
            err_console.print(f"[bold red]{say('error')}:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
            err_console.print(f"[bold red]{say('error')}:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


_lang = [SOURCE_LANG]  # the language of this process's command (use_lang)


def use_lang(lang: str) -> str:
    """Speak ``lang`` from now on (an InputError naming the languages there are, if it has no catalogue)."""
    _lang[0] = check_lang(lang)
    return lang


def current_lang() -> str:
    """The language the CLI speaks now."""
    return _lang[0]


def say(key: str, **fields: object) -> str:
    """The ``cli.<key>`` message in the CLI's language, fields filled in."""
    return translator(_lang[0])(f"cli.{key}", **fields)


def lbl(kind: str, code: object) -> str:
    """A code's label in the CLI's language (``lbl("route", "landfill")``)."""
    return label(kind, code, _lang[0])


def note(text: object) -> str:
    """An engine's English sentence in the CLI's language, as written when no template matches (free text)."""
    return phrase(text, _lang[0], free=True)


def quality_banner(quality: DataQuality, park_arg: str) -> str | None:
    """:meth:`DataQuality.banner` in the CLI's language (None when the data are clean)."""
    if quality.clean or _lang[0] == SOURCE_LANG:
        return quality.banner(park_arg)
    counts = (("rejected", quality.rejected), ("held_out", quality.held_out), ("warnings", quality.warnings))
    parts = [say(f"quality.{key}", n=num(n)) for key, n in counts if n]
    return say("quality.banner", parts=translator(_lang[0])("list.separator").join(parts), park=park_arg)


def parse_date(text: str, option: str) -> dt.date:
    """A date option given as YYYY-MM-DD (an InputError naming the option otherwise: exit 2, not a traceback)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} {text!r} is not a date; use YYYY-MM-DD") from None


def num(value: Any, decimals: int = 0) -> str:
    """A number as the CLI shows it: grouped thousands, ``decimals`` decimals ('–' when missing)."""
    return format_number(value, _lang[0], decimals)


def pct(fraction: Any, decimals: int = 1, floor: bool = False) -> str:
    """A fraction as a percentage ('12.3%', '12,3%'); ``floor`` rounds down (a compliance rate must not read
    100.0 % when an exceedance happened)."""
    return format_percent(fraction, _lang[0], decimals, floor=floor)


def print_json(obj: Any) -> None:
    """Write a result as JSON on stdout (for scripts); dates and numpy values made plain."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n")


def _json_default(o: Any) -> Any:
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


@contextlib.contextmanager
def opened_park(arg: str, store_url: str | None = None) -> Iterator[tuple[ParkData, Store]]:
    """The park a command names (folder, workbook or park id) and its open store, closed on leaving.

    :func:`greenpark.io.importer.open_park` with a progress bar on stderr while a folder is imported on first use.
    """
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
                tasks[file] = bar.add_task(say("reading", file=file), total=None)
            bar.update(tasks[file], completed=rows)

        from greenpark.io.importer import open_park  # deferred: io (pandas, pyarrow) only for commands on a park

        data, store = open_park(arg, store_url, progress)
    try:
        yield data, store
    finally:
        store.close()


@contextlib.contextmanager
def park_year(
    arg: str, year: int | None, store_url: str | None = None, quiet: bool = False, require_readings: bool = True
) -> Iterator[runs.ParkYear]:
    """The :class:`~greenpark.runs.ParkYear` a result command works on: the park opened, the year checked (or
    chosen by :func:`greenpark.runs.default_year`, said on stderr unless ``quiet``); the store closed on leaving.
    ``require_readings=False`` for results that stand on other records than meter readings (waste).
    """
    from greenpark import runs  # deferred: the application layer imports every engine (seconds of CPU)
    from greenpark.io.quality import data_quality_summary

    with opened_park(arg, store_url) as (data, store):
        banner = quality_banner(data_quality_summary(store, data.park.park_id), arg)
        if banner:  # what the result stands on, before the result (stderr: --json output stays clean)
            err_console.print(f"[yellow]{banner}[/]", highlight=False, soft_wrap=True)
        py, choice = runs.park_year(data, store, year, require=require_readings)
        if year is None and not quiet:
            err_console.print(say("year_chosen", year=py.year, reason=note(choice.reason)), highlight=False)
        yield py
