"""CLI commands of this group (not yet built: see the open issue)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app (none yet)."""
