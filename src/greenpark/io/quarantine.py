"""Rejected rows and warnings: the two channels of problems found on import.

A rejected row is kept with its file, line (1-based, header = line 1; for a workbook
``sheet!row``), field, value, reason and the raw row, so that rows read = rows
accepted + rows rejected (+ readings held out) always holds and the user can fix and re-import. A warning
(a gap in a meter's data, a repaired rollover) does not reject anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from greenpark.model import REJECT_COLUMNS

WARNING_COLUMNS = ["file", "code", "subject", "line", "message"]


@dataclass
class FileCount:
    """Rows of one file: read = accepted + rejected + held_out.

    ``held_out`` counts readings that passed the row rules but broke a plausibility bound
    (:mod:`greenpark.io.plausibility`); a value accepted back counts as accepted.
    """

    file: str
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    held_out: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "file": self.file,
            "read": self.read,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "held_out": self.held_out,
        }


@dataclass
class ProblemLog:
    """Collects rejects and warnings while a park is read."""

    rejects: list[pd.DataFrame] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    #: file -> {id of a rejected object row (tenant, meter ...) -> its first reject: file, line, field, value, reason}
    rejected_ids: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def reject(self, file: str, line: Any, field_: str, value: Any, reason: str, raw: str = "") -> None:
        """Record one rejected row."""
        self.rejects.append(
            pd.DataFrame(
                [{"file": file, "line": line, "field": field_, "value": _text(value), "reason": reason, "raw": raw}]
            )
        )

    def reject_frame(self, df: pd.DataFrame) -> None:
        """Record many rejected rows at once (a frame with :data:`REJECT_COLUMNS`)."""
        if len(df):
            self.rejects.append(df[REJECT_COLUMNS])

    def warn(self, file: str, code: str, subject: str, message: str, line: Any = None) -> None:
        """Record a warning: a stable dotted ``code`` (e.g. ``accepted.unmatched``), what it is about, and why."""
        self.warnings.append({"file": file, "code": code, "subject": subject, "line": line, "message": message})

    def rejects_frame(self) -> pd.DataFrame:
        """All rejected rows, in the order found."""
        if not self.rejects:
            return empty_rejects()
        df = pd.concat(self.rejects, ignore_index=True)
        df["line"] = df["line"].astype("string")
        for c in ("file", "field", "value", "reason", "raw"):
            df[c] = df[c].astype("string").fillna("")
        return df[REJECT_COLUMNS]

    def warnings_frame(self) -> pd.DataFrame:
        """All warnings."""
        return pd.DataFrame(self.warnings, columns=WARNING_COLUMNS)


def empty_rejects() -> pd.DataFrame:
    """A rejects frame with no rows (all columns text)."""
    return _EMPTY_REJECTS.copy()


_EMPTY_REJECTS = pd.DataFrame({c: pd.Series([], dtype="string") for c in REJECT_COLUMNS})


def _text(v: Any) -> str:
    if v is None:
        return ""
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)
