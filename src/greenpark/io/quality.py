"""What a park's data stands on: problem counts for a banner, and rejects grouped under their cause.

:func:`data_quality_summary` gives the counts every command prints as a one-line banner when a park
has rejected or held-out rows. :func:`group_rejects` finds the knock-on rejects (a meter row naming a
tenant that was itself rejected, a reading naming such a meter ...) and puts them under the row that
caused them, so ``greenpark check`` shows the one real cause first instead of 336 "unknown meter id".
:func:`unusable_required_files` says which required file lost every row (check exits 2).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pandas as pd

from greenpark.io.importer import quality_key
from greenpark.io.schema import REQUIRED_FILES
from greenpark.store import Store

#: A reject caused by another file's rejected row: "unknown <column>: not in <file>.csv (known: ...)".
_KNOCK_ON = re.compile(r"^unknown (?P<column>[a-z_ ]+?): not in (?P<target>[a-z_]+\.csv)")
CAUSE_COLUMNS = ["file", "line", "field", "value", "reason", "subject", "rows", "files"]


@dataclass(frozen=True)
class DataQuality:
    """Problem counts of a park in the store (from its last import and the accepts since)."""

    park_id: str
    rejected: int
    held_out: int
    accepted_back: int
    warnings: int

    @property
    def clean(self) -> bool:
        """True when nothing was rejected or held out."""
        return self.rejected == 0 and self.held_out == 0

    def banner(self, park_arg: str | None = None) -> str | None:
        """One line for the top of a command's output, or None when the data are clean.

        e.g. ``data quality: 336 rows rejected, 1 reading held out, 4 warnings: 'greenpark check PARK' lists them``.
        """
        if self.clean:
            return None
        parts = []
        if self.rejected:
            parts.append(f"{self.rejected:,} row{'s' if self.rejected != 1 else ''} rejected")
        if self.held_out:
            parts.append(f"{self.held_out:,} reading{'s' if self.held_out != 1 else ''} held out")
        if self.warnings:
            parts.append(f"{self.warnings:,} warning{'s' if self.warnings != 1 else ''}")
        return f"data quality: {', '.join(parts)}: 'greenpark check {park_arg or self.park_id}' lists them"

    def as_dict(self) -> dict[str, int | str]:
        """JSON form."""
        return {
            "park_id": self.park_id,
            "rejected": self.rejected,
            "held_out": self.held_out,
            "accepted_back": self.accepted_back,
            "warnings": self.warnings,
        }


def data_quality_summary(store: Store, park_id: str) -> DataQuality:
    """The data-quality counts of a park in the store: rows rejected, readings held out, warnings.

    Rejected = distinct (file, line) in the quarantine; held out = readings still held out (not
    accepted back); warnings = the count of the last import's warnings (gaps, flat lines, zero runs,
    inputs read another way).

    Raises
    ------
    ParkNotFoundError
        The park is not in the store.
    """
    counts = store.quality_counts(park_id)
    meta = store.get_meta(quality_key(park_id))
    warnings = int(json.loads(meta).get("warnings", 0)) if meta else 0
    return DataQuality(park_id, counts["rejected"], counts["held_out"], counts["accepted_back"], warnings)


def group_rejects(
    rejects: pd.DataFrame, rejected_ids: dict[str, dict[str, dict[str, str]]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split rejects into causes (with the number of rows each one knocked out) and the rest.

    Parameters
    ----------
    rejects : DataFrame
        file, line, field, value, reason, raw (``ParkRead.rejects``).
    rejected_ids : dict
        ``ParkRead.rejected_ids``: file -> {id of a rejected object row -> its reject}.

    Returns
    -------
    causes : DataFrame
        One row per root cause that knocked out other rows: its file, line, field, value, reason,
        ``subject`` (e.g. ``tenant T1``), ``rows`` (rows rejected because of it) and ``files`` (where).
    own : DataFrame
        The rejects that are not knock-ons (each row's own problem), in the original order.
    """
    if rejects.empty:
        return pd.DataFrame(columns=CAUSE_COLUMNS), rejects

    def root(file: str, key: str, depth: int = 0) -> tuple[str, str, dict[str, str]] | None:
        hit = rejected_ids.get(file, {}).get(key)
        if hit is None:
            return None
        m = _KNOCK_ON.match(hit["reason"])
        if m and depth < 5:
            deeper = root(m.group("target"), hit["value"], depth + 1)
            if deeper is not None:
                return deeper
        return file, key, hit

    causes: dict[tuple[str, str], dict[str, object]] = {}
    knocked = pd.Series(False, index=rejects.index)
    for idx, r in rejects.iterrows():
        m = _KNOCK_ON.match(str(r["reason"]))
        if not m:
            continue
        found = root(m.group("target"), str(r["value"]).strip())
        if found is None:
            continue
        file, key, hit = found
        knocked[idx] = True
        entry = causes.setdefault(
            (file, key),
            {**hit, "subject": f"{file.removesuffix('.csv').rstrip('s')} {key}", "rows": 0, "files": {}},
        )
        entry["rows"] = int(entry["rows"]) + 1  # type: ignore[call-overload]
        files: dict[str, int] = entry["files"]  # type: ignore[assignment]
        files[str(r["file"])] = files.get(str(r["file"]), 0) + 1
    rows = [
        {
            **{k: v for k, v in c.items() if k != "files"},
            "files": ", ".join(f"{f} ({n:,})" for f, n in c["files"].items()),
        }  # type: ignore[union-attr]
        for c in causes.values()
    ]
    table = pd.DataFrame(rows, columns=CAUSE_COLUMNS).sort_values("rows", ascending=False, kind="stable")
    return table.reset_index(drop=True), rejects[~knocked]


def cause_text(cause: pd.Series) -> str:
    """One line: ``336 rows rejected because tenant T1 was rejected: voltage_level '22kV' ... (tenants.csv line 2)``."""
    return (
        f"{int(cause['rows']):,} row{'s' if int(cause['rows']) != 1 else ''} rejected because {cause['subject']} "
        f"was rejected: {cause['field']} {cause['value']!r}: {cause['reason']} ({cause['file']} line {cause['line']}); "
        f"rejected rows in {cause['files']}"
    )


def unusable_required_files(counts: pd.DataFrame) -> list[str]:
    """The required files (tenants, meters) that had rows and lost every one of them to rejects."""
    out = []
    names = {f"{n}.csv" for n in REQUIRED_FILES}
    for r in counts.itertuples(index=False):
        base = str(r.file).split(":")[-1]
        if (str(r.file) in names or f"{base}.csv" in names) and r.read > 0 and r.accepted == 0:
            out.append(str(r.file))
    return out
