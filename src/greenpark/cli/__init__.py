"""The ``greenpark`` command line: thin. It parses arguments, calls io/store/engines/assess, prints.

Each group of commands lives in its own module with a ``register(app)`` function;
this module only assembles them. User errors (``GreenparkError``) become one line on
stderr and exit code 2, never a traceback (see ``common.guarded``).
"""

from __future__ import annotations

import typer

from greenpark.cli import (
    accept,
    assess,
    bill,
    check,
    eip,
    energy,
    example,
    export,
    inventory,
    serve,
    solar,
    waste,
    water,
)

app = typer.Typer(
    name="greenpark",
    help="greenpark: measure, account, plan and verify a green-smart industrial park.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (example, check, accept, inventory, solar, water, energy, waste, eip, bill, assess, export, serve):
    module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
