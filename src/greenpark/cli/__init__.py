"""The ``greenpark`` command line: thin. It parses arguments, calls io/store/engines/assess, prints.

Each group of commands lives in its own module with a ``register(app)`` function; this module only
assembles them, and lazily: a command's module (and the engines it imports: seconds of CPU for the whole
stack) is imported when that command runs or the help lists it, so ``greenpark serve`` starts listening
without loading what ``assess`` needs. User errors (``GreenparkError``) become one line on stderr and exit
code 2, never a traceback (see ``common.guarded``).
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

#: each command and the module of greenpark.cli that registers it, in the order the help lists them
COMMANDS = {
    "example": "example",
    "check": "check",
    "import": "check",
    "quarantine": "check",
    "template": "check",
    "accept": "accept",
    "inventory": "inventory",
    "solar": "solar",
    "water": "water",
    "energy": "energy",
    "savings": "energy",
    "plan": "energy",
    "waste": "waste",
    "eip": "eip",
    "bill": "bill",
    "assess": "assess",
    "portfolio": "portfolio",
    "export": "export",
    "serve": "serve",
}


def module_commands(module: str) -> TyperGroup:
    """The commands one module of greenpark.cli registers, as a group (the module imported now)."""
    sub = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    sub.callback()(lambda: None)  # a group even when the module registers one command
    importlib.import_module(f"greenpark.cli.{module}").register(sub)
    group = typer.main.get_command(sub)
    assert isinstance(group, TyperGroup)
    return group


class LazyCommands(TyperGroup):
    """The app's commands, each built from its module when asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module = COMMANDS.get(cmd_name)
        return None if module is None else module_commands(module).commands.get(cmd_name)


app = typer.Typer(
    name="greenpark",
    help="greenpark: measure, account, plan and verify a green-smart industrial park.",
    cls=LazyCommands,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main() -> None:
    """greenpark: measure, account, plan and verify a green-smart industrial park."""


def main() -> None:
    """Console-script entry point."""
    app()
