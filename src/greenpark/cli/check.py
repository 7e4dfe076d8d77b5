"""CLI: check, import, quarantine and template: getting a park's data in, and seeing what was refused."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from greenpark.cli.common import (
    Lang,
    console,
    current_lang,
    err_console,
    guarded,
    note,
    num,
    print_json,
    say,
    use_lang,
)
from greenpark.errors import ParkNotFoundError
from greenpark.i18n import reason_label
from greenpark.io import read_park_folder
from greenpark.io.folder import ParkRead, park_from_settings
from greenpark.io.importer import default_store_url, import_park
from greenpark.io.quality import group_rejects, unusable_required_files
from greenpark.io.quarantine import WARNING_COLUMNS
from greenpark.io.reasons import reason_code
from greenpark.io.sources import LINE, ParkSource
from greenpark.io.timestamps import local_series
from greenpark.store import open_store, store_exists
from greenpark.waste.registry import manifest_issues, validate_records

ParkArg = Annotated[str, typer.Argument(help="Park folder (with park.toml) or .xlsx workbook.")]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Store URL (duckdb:///path.duckdb or postgresql://...); "
        "default GREENPARK_STORE, else <folder>/.greenpark/store.duckdb.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON (for scripts).")]


def _progress() -> tuple[Progress, object]:
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    tasks: dict[str, object] = {}

    def update(file: str, rows: int) -> None:
        if file not in tasks:
            tasks[file] = bar.add_task(say("reading", file=file), total=None)
        bar.update(tasks[file], completed=rows)  # type: ignore[arg-type]

    return bar, update


def _counts_table(counts: pd.DataFrame) -> Table:
    t = Table(title=say("check.counts"))
    cols = (("file", "left"), ("read", "right"), ("accepted", "right"), ("rejected", "right"), ("held_out", "right"))
    for c, j in cols:
        t.add_column(say(f"col.{c}"), justify=j)  # type: ignore[arg-type]
    for r in counts.itertuples(index=False):
        held = int(getattr(r, "held_out", 0) or 0)
        t.add_row(
            str(r.file),
            num(r.read),
            num(r.accepted),
            f"[red]{num(r.rejected)}[/]" if r.rejected else "0",
            f"[red]{num(held)}[/]" if held else "0",
        )
    return t


def _local(held: pd.DataFrame, zone: str) -> pd.DataFrame:
    """A held-out listing with its interval start as park local time text (column ``local_time``)."""
    out = held.copy()
    out.insert(3, "local_time", local_series(out["ts"], zone) if len(out) else pd.Series([], dtype=object))
    return out


def _records(df: pd.DataFrame) -> list[dict]:
    out = df.copy()
    if "ts" in out:
        out["ts"] = pd.to_datetime(out["ts"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    for c in ("accepted_at",):
        if c in out:
            out[c] = pd.to_datetime(out[c], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out.astype(object).where(out.notna(), None).to_dict("records")


def _more(limit: int, n: int) -> str:
    return say("check.more", limit=limit) if 0 < limit < n else ""


def _held_table(held: pd.DataFrame, limit: int, title: str) -> Table:
    t = Table(title=f"{title} ({num(len(held))}{_more(limit, len(held))})")
    for c in ("file", "line", "meter", "local_time", "value", "bound", "rule", "raw"):
        t.add_column(say(f"col.{c}"), overflow="fold")
    if "accepted_by" in held:
        t.add_column(say("col.accepted_by"), overflow="fold")
    shown = held if limit <= 0 else held.head(limit)
    for r in shown.itertuples(index=False):
        row = [
            str(r.file),
            str(r.line),
            str(r.meter_id),
            str(r.local_time),
            f"{_g(r.value)} {r.unit}",
            f"{_g(r.bound)} {r.unit}",
            str(r.rule_id),
            str(r.raw),
        ]
        if "accepted_by" in held:
            who = "" if pd.isna(r.accepted_by) else str(r.accepted_by)
            when = "" if pd.isna(r.accepted_at) else f" {pd.Timestamp(r.accepted_at):%Y-%m-%d %H:%M} UTC"
            row.append(who + when if who else "")
        t.add_row(*row)
    return t


def _g(x: float) -> str:
    """A reading's value with its own significant digits (up to 10) in the reader's number format."""
    text = f"{x:.10g}"
    return text if "e" in text else num(x, len(text.split(".")[1]) if "." in text else 0)


def _rejects_table(rejects: pd.DataFrame, limit: int, title: str) -> Table:
    t = Table(title=f"{title} ({num(len(rejects))}{_more(limit, len(rejects))})")
    for c in ("file", "line", "column", "value", "reason"):
        t.add_column(say(f"col.{c}"), overflow="fold")
    shown = rejects if limit <= 0 else rejects.head(limit)
    for r in shown.itertuples(index=False):
        t.add_row(str(r.file), str(r.line), str(r.field), str(r.value)[:40], reject_reason(r.reason))
    return t


def _warnings_table(warnings: pd.DataFrame, limit: int) -> Table:
    t = Table(title=say("check.warnings", n=num(len(warnings)), more=_more(limit, len(warnings))))
    for c in ("file", "line", "code", "severity", "subject", "message"):
        t.add_column(say(f"col.{c}"), overflow="fold")
    shown = warnings if limit <= 0 else warnings.head(limit)
    for r in shown.itertuples(index=False):
        line = "" if pd.isna(r.line) else str(r.line)
        sev = say(f"severity.{r.severity}")
        t.add_row(str(r.file), line, str(r.code), f"[red]{sev}[/]" if r.severity == "error" else sev, str(r.subject),
                  note(r.message))  # fmt: skip
    return t


def _cause(cause: pd.Series) -> str:
    """:func:`greenpark.io.quality.cause_text` in the reader's language: a rejected row and its knock-on rows."""
    return say(
        "check.cause_text", rows=num(int(cause["rows"])), subject=cause["subject"], field=cause["field"],
        value=repr(cause["value"]), reason=reject_reason(cause["reason"]), file=cause["file"], line=cause["line"],
        files=cause["files"],
    )  # fmt: skip


def reject_reason(text: object) -> str:
    """A rejected row's English reason (the quarantine's ``reason``) in the reader's language."""
    return reason_label(*reason_code(text), current_lang())


#: Manifest findings about the reconciliation with manifests.csv (reported against that file).
_RECONCILIATION = ("manifest.unreconciled", "manifest.not_reconciled")


def waste_findings(park: str, read: ParkRead) -> pd.DataFrame:
    """The waste engine's own record checks, on the rows the importer accepted, as warning rows.

    The importer rejects what cannot be stored (unknown unit, m3 without density, hazardous waste without
    code ...); the waste engine's registry checks (:mod:`greenpark.waste.registry`) go further: a code not in
    the Circular 02/2022 list, a hazardous code filed under another category, a hazardous load without
    receiver, manifest number or transporter, a manifest number shared by two streams, records and
    manifests that do not reconcile month by month. The engine reports them and never drops a row, so
    ``check`` lists them as warnings (with the engine's severity) and rows read = accepted + rejected stays
    true. Rows the importer rejected are not checked again.

    Returns
    -------
    DataFrame
        The columns of ``ParkRead.warnings`` plus ``severity`` (error or warning, as the engine rates it).
    """
    cols = [*WARNING_COLUMNS, "severity"]
    src = ParkSource(park)
    if not src.has("waste"):
        return pd.DataFrame(columns=cols)
    sheet = src.read("waste")
    rejected = set(read.rejects.loc[read.rejects["file"] == sheet.file, "line"].astype(str))
    raw = sheet.frame.rename(columns={LINE: "line"})
    raw = raw[~raw["line"].astype(str).isin(rejected)]
    manifests_file = src.file_name("manifests")
    found = [(sheet.file, f) for f in validate_records(raw)]
    for f in manifest_issues(read.data.table("waste"), None, read.data.table("manifests")):
        if f.code == "manifest.no_receiver":  # the same row's waste.hazardous_no_receiver says it already
            continue
        found.append((manifests_file if f.code in _RECONCILIATION else sheet.file, f))
    rows = [
        {
            "file": file,
            "code": f.code,
            "subject": f.tenant_id or "",
            "line": f.line,
            "message": f.message,
            "severity": f.severity,
        }
        for file, f in found
    ]
    out = pd.DataFrame(rows, columns=cols)
    out["line"] = out["line"].astype("Int64")
    return out


def register(app: typer.Typer) -> None:
    """Add check, import, quarantine and template to the app."""

    @app.command("check")
    @guarded
    def check(
        park: ParkArg,
        as_json: JsonOpt = False,
        limit: Annotated[int, typer.Option(help="Rows of each table to show (0 = all).")] = 50,
        strict: Annotated[
            bool, typer.Option(help="Exit 2 when any row is rejected or any reading held out (for CI).")
        ] = False,
        lang: Lang = "en",
    ) -> None:
        """Validate a park folder or workbook without importing it.

        Exit 0: the park can be used (rejected rows and held-out readings, if any, are listed); 2: every row
        of a required file (tenants, meters) was rejected, or with --strict any row rejected or held out.
        """
        use_lang(lang)
        bar, update = _progress()
        with bar:
            result = read_park_folder(park, progress=update)  # type: ignore[arg-type]
        zone = result.data.park.timezone
        counts = result.counts_frame()
        warnings = pd.concat(
            [result.warnings.assign(severity="warning"), waste_findings(park, result)], ignore_index=True
        )
        warnings.loc[warnings["code"].astype(str).str.startswith("info."), "severity"] = "info"
        warnings["line"] = pd.to_numeric(warnings["line"], errors="coerce").astype("Int64")
        causes, own = group_rejects(result.rejects, result.rejected_ids)
        unusable = unusable_required_files(counts)
        held = _local(result.held_out, zone)
        back = _local(result.accepted_back, zone)
        if as_json:
            print_json(
                {
                    "park_id": result.data.park.park_id,
                    "ok": result.ok and held.empty,
                    "timezone": zone,
                    "counts": counts.to_dict("records"),
                    "causes": causes.to_dict("records"),
                    "rejects": result.rejects.to_dict("records"),
                    "held_out": _records(held),
                    "accepted_back": _records(back),
                    "warnings": warnings.astype(object).where(warnings.notna(), None).to_dict("records"),
                    "unusable_required_files": unusable,
                }
            )
        else:
            console.print(_counts_table(counts))
            for _, c in causes.iterrows():
                console.print(f"[bold red]{say('check.cause')}:[/] {_cause(c)}", highlight=False, soft_wrap=True)
            if len(own):
                title = say("check.rejected") + (" " + say("check.other_causes") if len(causes) else "")
                console.print(_rejects_table(own, limit, title=title))
            if len(held):
                console.print(_held_table(held, limit, say("check.held_out", zone=zone)))
            if len(back):
                console.print(_held_table(back, limit, say("check.accepted_back", zone=zone)))
            if len(warnings):
                console.print(_warnings_table(warnings, limit))
            n_rej = int(counts["rejected"].sum())
            verdict = (
                f"[green]{say('check.none_rejected')}[/]"
                if result.ok
                else f"[red]{say('check.n_rejected', n=num(n_rej))}[/]"
            )
            if len(held):
                verdict += f", [red]{say('check.n_held', n=num(len(held)))}[/]"
            console.print(
                say("check.verdict", park=result.data.park.park_id, verdict=verdict, warnings=num(len(warnings)))
            )
            for f in unusable:
                err_console.print(
                    f"[bold red]{say('error')}:[/] {say('check.unusable', file=f)}", highlight=False, soft_wrap=True
                )
        if unusable or (strict and (not result.ok or len(held))):
            raise typer.Exit(2)

    @app.command("import")
    @guarded
    def import_(
        park: ParkArg,
        store: StoreOpt = None,
        force: Annotated[
            bool, typer.Option(help="Import even if the files are unchanged since the last import.")
        ] = False,
        as_json: JsonOpt = False,
        lang: Lang = "en",
    ) -> None:
        """Import a park folder or workbook into the store; rejected rows go to the quarantine."""
        use_lang(lang)
        url = store or os.environ.get("GREENPARK_STORE") or default_store_url(park)
        st = open_store(url)
        try:
            bar, update = _progress()
            with bar:
                report = import_park(park, st, progress=update, force=force)  # type: ignore[arg-type]
        finally:
            st.close()
        counts = pd.DataFrame(
            [c.as_dict() for c in report.counts.values()],
            columns=["file", "read", "accepted", "rejected", "held_out"],
        ).fillna({"held_out": 0})
        if as_json:
            print_json(
                {
                    "park_id": report.park_id,
                    "store": url,
                    "skipped": report.skipped,
                    "readings_written": report.readings_written,
                    "counts": counts.to_dict("records"),
                }
            )
            return
        if report.skipped:
            console.print(say("import.unchanged", park=report.park_id, url=url))
            return
        console.print(_counts_table(counts))
        n_rej = int(counts["rejected"].sum())
        n_held = int(counts["held_out"].sum())
        console.print(
            say(
                "import.done", park=report.park_id, url=url, readings=num(report.readings_written), rejected=num(n_rej),
                held=num(n_held), folder=park,
            )
        )  # fmt: skip

    @app.command("quarantine")
    @guarded
    def quarantine(
        park: Annotated[str, typer.Argument(help="Park folder/workbook (its store) or a park id in --store.")],
        store: StoreOpt = None,
        export: Annotated[Path | None, typer.Option("--export", help="Write the rejected rows to this CSV.")] = None,
        as_json: JsonOpt = False,
        limit: Annotated[int, typer.Option(help="Rows to show (0 = all).")] = 50,
        lang: Lang = "en",
    ) -> None:
        """List (or export) the rows rejected when the park was imported."""
        use_lang(lang)
        url = store or os.environ.get("GREENPARK_STORE")
        park_id = park
        if Path(park).exists():
            src = ParkSource(park)
            park_id = park_from_settings(src.settings(), park).park_id
            url = url or default_store_url(park)
        if not store_exists(url):
            raise ParkNotFoundError(
                f"no store at {url or './.greenpark/store.duckdb'}; import the park first "
                f"('greenpark import FOLDER') or give --store"
            )
        st = open_store(url)
        try:
            zone = st.load_park(park_id).park.timezone  # raises ParkNotFoundError with the fix
            rows = st.quarantine(park_id)
            held = _local(st.held_out(park_id, include_accepted=True), zone)
        finally:
            st.close()
        if export is not None:
            rows.to_csv(export, index=False)
            err_console.print(say("quarantine.exported", n=num(len(rows)), path=export))
        if as_json:
            print_json(rows.astype(object).where(rows.notna(), None).to_dict("records"))
        elif export is None:
            console.print(_rejects_table(rows, limit, title=say("quarantine.title", park=park_id)))
            if len(held):
                console.print(_held_table(held, limit, say("quarantine.held_out", zone=zone)))

    @app.command("template")
    @guarded
    def template(
        folder: Annotated[Path, typer.Argument(help="Folder to create (must not hold a park yet).")], lang: Lang = "en"
    ) -> None:
        """Write an empty, annotated park: park.toml, CSV headers and park-template.xlsx (Vietnamese notes)."""
        use_lang(lang)
        from greenpark.io.template import write_template  # deferred: openpyxl (~0.1 s), only this command writes xlsx

        paths = write_template(folder)
        console.print(say("template.wrote", n=len(paths), folder=folder))
