"""Schema-driven typing of a text sheet: required values, defaults, types, ranges, choices.

One function, :func:`type_sheet`, turns a sheet of text into typed columns following
its schema table (``io/schema/<file>.csv``) and lists every problem it finds; the
file-specific rules (foreign keys, units, duplicates) live in :mod:`greenpark.io.records`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from greenpark.errors import UnknownUnitError
from greenpark.io.quarantine import REJECT_COLUMNS
from greenpark.io.reasons import reason_text
from greenpark.io.schema import Attribute, choice_aliases, choice_key, file_schema
from greenpark.io.sources import LINE, Sheet
from greenpark.io.timestamps import parse_timestamps
from greenpark.reference import load_table
from greenpark.units import parse_unit

_TRUE = {"true", "1", "yes", "y", "t", "x", "có", "co"}
_FALSE = {"false", "0", "no", "n", "f", "", "không", "khong"}


def raw_rows(frame: pd.DataFrame) -> pd.Series:
    """Each row as it was written (comma-joined), for the quarantine."""
    cols = [c for c in frame.columns if c != LINE]
    if not cols or frame.empty:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    out = frame[cols[0]].astype(str)
    for c in cols[1:]:
        out = out + "," + frame[c].astype(str)
    return out


def problems_frame(
    file: str, frame: pd.DataFrame, mask: pd.Series, field: str, values: pd.Series, reason: str | pd.Series
) -> pd.DataFrame:
    """Reject rows (in :data:`REJECT_COLUMNS`) for the rows of ``frame`` where ``mask`` holds."""
    idx = mask[mask].index
    if len(idx) == 0:
        return pd.DataFrame(columns=REJECT_COLUMNS)
    sub = frame.loc[idx]
    return pd.DataFrame(
        {
            "file": file,
            "line": sub[LINE].astype(str).to_numpy(),
            "field": field,
            "value": values.loc[idx].astype(str).to_numpy(),
            "reason": reason.loc[idx].to_numpy() if isinstance(reason, pd.Series) else reason,
            "raw": raw_rows(sub).to_numpy(),
        },
        index=idx,
    )


def type_sheet(name: str, sheet: Sheet, zone: str) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Type a sheet's text columns by its schema table.

    Returns
    -------
    typed : pandas.DataFrame
        One column per schema attribute (float/Int64/bool/datetime/str; missing optional
        values None/NaN), extra user columns kept as text, and ``_line``; same index as the sheet.
    problems : list of pandas.DataFrame
        Reject frames (one row per problem; a row may have several).
    """
    frame = sheet.frame
    problems: list[pd.DataFrame] = []
    info: list[dict[str, object]] = []
    typed = pd.DataFrame(index=frame.index)
    typed[LINE] = frame[LINE] if LINE in frame else pd.Series(dtype=np.int64)
    for attr in file_schema(name):
        if attr.name not in frame.columns:
            if attr.required:
                problems.append(
                    problems_frame(
                        sheet.file,
                        frame,
                        pd.Series(True, index=frame.index),
                        attr.name,
                        pd.Series("", index=frame.index),
                        reason_text(
                            "no_column",
                            column=attr.name,
                            columns=", ".join(a.name for a in file_schema(name)),
                            hint=_separator_hint(frame),
                        ),
                    )
                )
            raw = pd.Series(attr.default or "", index=frame.index, dtype=object)
        else:
            raw = frame[attr.name].astype(str).str.strip()
            if attr.default is not None:
                raw = raw.mask(raw == "", attr.default)
            if attr.required:
                missing = raw == ""
                problems.append(
                    problems_frame(
                        sheet.file,
                        frame,
                        missing,
                        attr.name,
                        raw,
                        reason_text("required", field=attr.name, description=attr.description),
                    )
                )
        if attr.choices:
            raw, notes = _spelled_choices(name, attr, raw, sheet.file, frame)
            info.extend(notes)
        typed[attr.name], bad = _type_column(attr, raw, zone)
        if bad is not None:
            problems.append(problems_frame(sheet.file, frame, bad[0], attr.name, raw, bad[1]))
    for c in frame.columns:
        if c not in typed.columns:
            typed[c] = frame[c]
    typed.attrs["info"] = info
    return typed, [p for p in problems if len(p)]


def _spelled_choices(
    name: str, attr: Attribute, raw: pd.Series, file: str, frame: pd.DataFrame
) -> tuple[pd.Series, list[dict[str, object]]]:
    """Choices written another way: Vietnamese/English labels and aliases (io/schema/aliases.csv), and a
    supply voltage written as a number (``22kV``) mapped to its EVN band, each with an info line."""
    aliases = choice_aliases(name, attr.name)
    out = raw.copy()
    notes: list[dict[str, object]] = []
    canon = {c.lower() for c in attr.choices}
    for text in pd.unique(raw[raw != ""]):
        if str(text).lower() in canon:
            continue
        # a voltage written as a number first: "6 kV" must not match the key of "<6kV" (punctuation is ignored)
        choice, how = voltage_band(str(text)) if attr.name == "voltage_level" else (None, "")
        if choice is None:
            choice = aliases.get(choice_key(text))
            how = "an alias in io/schema/aliases.csv"
        if choice is None:
            continue
        hit = raw == text
        out[hit] = choice
        lines = frame.loc[hit, LINE].astype(str).tolist() if LINE in frame else []
        notes.append(
            {
                "file": file,
                "code": f"info.{attr.name}_read_as",
                "subject": attr.name,
                "line": int(lines[0]) if lines and lines[0].isdigit() else None,
                "message": f"{attr.name} {text!r} read as {choice!r} ({how}) on {len(lines)} row(s)"
                + (f": lines {', '.join(lines[:5])}{' ...' if len(lines) > 5 else ''}" if lines else ""),
            }
        )
    return out, notes


def voltage_band(text: str) -> tuple[str | None, str]:
    """The EVN tariff band of a supply voltage written as a number (``22kV``, ``22 kV``, ``0.4kV``, ``400 V``).

    The band is the one whose lower edge the voltage reaches and whose upper edge it stays below
    (reference table ``io/voltage_bands``: 22 kV is "from 22 kV to under 110 kV"). Returns (band, how)
    or (None, "") when the text is not a voltage.
    """
    m = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*(kv|v)\s*", text.strip().lower())
    if not m:
        return None, ""
    kv = float(m.group(1).replace(",", "."))
    if m.group(2) == "v":
        kv /= 1000.0
    bands = load_table("io/voltage_bands")
    for band, lo, hi, label in zip(
        bands["voltage_level"], bands["value"], bands["upper_kv"], bands["label_vi"], strict=True
    ):
        if kv >= float(lo) and (pd.isna(hi) or kv < float(hi)):
            return str(band), f"{kv:g} kV is in the EVN tariff band {label!r}, reference io/voltage_bands"
    return None, ""


def _type_column(
    attr: Attribute, raw: pd.Series, zone: str
) -> tuple[pd.Series, tuple[pd.Series, str | pd.Series] | None]:
    present = raw != ""
    t = attr.type
    if t in ("float", "int"):
        num = pd.to_numeric(raw.where(present), errors="coerce").astype(float)
        bad = present & ~np.isfinite(num)
        reason: str | pd.Series = reason_text("not_a_number", field=attr.name)
        if t == "int":
            nonint = present & ~bad & (num != np.round(num))
            bad_i = bad | nonint
            num = num.where(~bad_i)
            out_of = _range(attr, num, present & ~bad_i)
            reason_s = pd.Series(reason, index=raw.index).mask(nonint, reason_text("not_whole", field=attr.name))
            if out_of is not None:
                reason_s = reason_s.mask(out_of[0], out_of[1])
                bad_i = bad_i | out_of[0]
            return num.where(~bad_i).astype("Int64"), (bad_i, reason_s)
        num = num.where(~bad)
        out_of = _range(attr, num, present & ~bad)
        if out_of is not None:
            reason_s = pd.Series(reason, index=raw.index).mask(out_of[0], out_of[1])
            return num.where(~out_of[0]), (bad | out_of[0], reason_s)
        return num, (bad, reason)
    if t == "bool":
        low = raw.str.lower()
        val = low.isin(_TRUE)
        bad = ~low.isin(_TRUE | _FALSE)
        if attr.default is None and not attr.required:  # optional, no default: empty means unknown (None)
            val = val.astype(object).where(present, None)
        return val, (bad, reason_text("not_bool", field=attr.name))
    if t == "date":
        d = pd.to_datetime(raw.where(present), errors="coerce", format="ISO8601")
        bad = present & d.isna()
        dates = pd.Series([x.date() if pd.notna(x) else None for x in d], index=raw.index, dtype=object)
        return dates, (bad, reason_text("not_date", field=attr.name))
    if t == "period":
        # a month that Excel turned into a date (2024-03-01, 2024-03-01T00:00:00) is read as its month
        as_date = raw.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")
        raw = raw.where(~as_date.fillna(False), raw.str.slice(0, 7))
        ok = raw.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
        bad = present & ~ok
        return raw.where(ok, None), (bad, reason_text("not_month", field=attr.name))
    if t == "timestamp":
        ts = parse_timestamps(raw, zone)
        bad = present & ts.isna()
        return ts, (bad, reason_text("not_timestamp", field=attr.name))
    if t == "unit":
        uniq = raw[present].unique()
        unknown: dict[str, str] = {}
        for u in uniq:
            try:
                parse_unit(u)
            except UnknownUnitError as exc:
                unknown[u] = str(exc)
        bad = present & raw.isin(list(unknown))
        reasons = raw.map(unknown).astype(object)
        return raw.where(present, None), (bad, reasons.where(reasons.notna(), ""))
    # str, possibly with choices (matched case-insensitively, stored canonical)
    if attr.choices:
        canon = {c.lower(): c for c in attr.choices}
        val = raw.str.lower().map(canon)
        bad = present & val.isna()
        return val.where(present, None), (
            bad,
            reason_text("not_a_choice", field=attr.name, choices=", ".join(attr.choices)),
        )
    return raw.where(present, None), None


def _range(attr: Attribute, num: pd.Series, check: pd.Series) -> tuple[pd.Series, str] | None:
    if attr.min is None and attr.max is None:
        return None
    low = num < attr.min if attr.min is not None else pd.Series(False, index=num.index)
    high = num > attr.max if attr.max is not None else pd.Series(False, index=num.index)
    bad = check & (low | high)
    lo = "" if attr.min is None else f"{attr.min:g}"
    hi = "" if attr.max is None else f"{attr.max:g}"
    return bad, reason_text("out_of_range", field=attr.name, lo=lo, hi=hi, unit=" " + attr.unit if attr.unit else "")


def _separator_hint(frame: pd.DataFrame) -> str:
    """A hint when the header looks like one column holding ';'- or tab-separated names."""
    cols = [c for c in frame.columns if c != LINE]
    if len(cols) == 1 and any(sep in str(cols[0]) for sep in (";", "\t")):
        return "; the header looks ';'- or tab-separated: save the CSV with ',' as separator"
    return ""
