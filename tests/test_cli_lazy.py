"""The command line loads a command's module only when that command runs (``greenpark.cli.LazyCommands``)."""

from __future__ import annotations

import subprocess
import sys

from greenpark.cli import COMMANDS, module_commands


def test_every_command_is_listed_with_the_module_that_registers_it() -> None:
    for module in sorted(set(COMMANDS.values())):
        registered = set(module_commands(module).commands)
        listed = {name for name, m in COMMANDS.items() if m == module}
        assert registered == listed, module  # none hidden from the help, none listed that its module lacks


def test_importing_the_command_line_and_serve_loads_no_engine() -> None:
    # a fresh interpreter: what `greenpark serve` has imported before its socket listens
    code = (
        "import sys, greenpark.cli, greenpark.cli.serve, greenpark.server, greenpark.api.security; "
        "print(sorted(m for m in ('greenpark.runs', 'greenpark.api.app', 'fastapi', 'pandas', 'statsmodels') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
