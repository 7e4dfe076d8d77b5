"""Waste registry checks: raw waste rows and hazardous-waste manifests. Findings, never dropped rows.

Two entry points:

- :func:`validate_records` for raw ``waste.csv`` rows (quantity, unit, density) that the importer or
  ``greenpark check`` can call: unknown route or code, hazardous waste without code or receiver, a code of
  the hazardous list recorded under another category, unknown units, m3 without density, and streams
  recorded in mixed units (kg, t, m3) - each reported with its line; :func:`quantity_t` converts what can be
  converted (one unit converter: :mod:`greenpark.units`).
- :func:`manifest_issues` for imported records (``quantity_t``): each hazardous load needs a receiver, a
  manifest id and a transporter (Circular 02/2022/TT-BTNMT Art. 37 and Annex on the hazardous-waste
  transfer document); receivers can be checked against a list of licensed ones; manifest ids must not be
  reused; with a ``manifests`` table, the records and the manifests must reconcile month by month per
  tenant and code.

A :class:`Finding` has a stable dotted code, a severity (``error`` would give wrong numbers, ``warning``
needs a look), a message that names the value and the fix, the line (file line, header = 1) and data.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from greenpark.errors import UnitMismatchError, UnknownUnitError
from greenpark.reference import lookup
from greenpark.units import convert
from greenpark.waste import factors as wf

CHECKS = "waste/checks"


class Finding(BaseModel):
    """A problem in the waste records that did not stop the work."""

    code: str = Field(description="stable dotted code, e.g. 'waste.route_unknown'")
    severity: str = Field(description="error or warning")
    message: str
    line: int | None = Field(default=None, description="file line (header = 1) when known")
    tenant_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


def _text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").astype(str).str.strip()


def _lines(df: pd.DataFrame) -> pd.Series:
    if "line" in df:
        return df["line"]
    return pd.Series(np.arange(len(df)) + 2, index=df.index)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return _text(df[name]) if name in df else pd.Series("", index=df.index)


def quantity_t(raw: pd.DataFrame) -> pd.Series:
    """Mass of each raw waste row in tonnes: kg and t through :func:`greenpark.units.convert`, m3 x density.

    Rows that cannot be converted (unknown unit, m3 without density, not a number) give NaN;
    :func:`validate_records` reports them.
    """
    q = pd.to_numeric(raw["quantity"], errors="coerce")
    unit = _text(raw["unit"]).str.lower()
    dens = pd.to_numeric(raw["density_t_per_m3"], errors="coerce") if "density_t_per_m3" in raw else np.nan
    out = pd.Series(np.nan, index=raw.index, dtype=float)
    for u in unit.unique():
        sel = unit == u
        if u == "m3":
            out[sel] = q[sel] * (dens[sel] if isinstance(dens, pd.Series) else np.nan)
            continue
        try:
            out[sel] = convert(q[sel].to_numpy(dtype=float), u, "t")
        except (UnknownUnitError, UnitMismatchError):
            continue
    return out


def validate_records(raw: pd.DataFrame, extra_dirs: Iterable[Path] = ()) -> list[Finding]:
    """Check raw waste rows; report every problem with its line, drop nothing.

    Parameters
    ----------
    raw : DataFrame
        ``waste.csv`` rows: date, tenant_id, waste_code, category, quantity, unit, route, receiver
        [, density_t_per_m3, transporter, manifest_id, line]. Rows already in tonnes may carry
        ``quantity_t`` instead of quantity/unit.

    Returns
    -------
    list of Finding
        Codes: waste.route_unknown, waste.category_unknown, waste.code_unknown (warning),
        waste.hazardous_no_code, waste.hazardous_code_category (warning), waste.hazardous_no_receiver,
        waste.quantity_invalid, waste.unit_unknown, waste.m3_no_density, waste.mixed_units (warning).
    """
    dirs = tuple(extra_dirs)
    out: list[Finding] = []
    if raw.empty:
        return out
    df = wf.classify(raw if "waste_code" in raw else raw.assign(waste_code=""), dirs)
    line = _lines(raw)
    tenant = _col(raw, "tenant_id")
    code = _col(raw, "waste_code")
    route = _col(raw, "route").str.lower()
    cat = _col(raw, "category").str.lower()
    known_routes = wf.route_names(dirs)

    def add(mask: pd.Series, code_: str, severity: str, msg) -> None:
        for i in raw.index[mask]:
            out.append(
                Finding(code=code_, severity=severity, message=msg(i), line=int(line[i]), tenant_id=tenant[i] or None)
            )

    add(
        ~route.isin(known_routes),
        "waste.route_unknown",
        "error",
        lambda i: f"route {route[i]!r} unknown; choose one of {', '.join(known_routes)}",
    )
    add(
        ~cat.isin(wf.CATEGORIES),
        "waste.category_unknown",
        "error",
        lambda i: f"category {cat[i]!r} unknown; choose one of {', '.join(wf.CATEGORIES)}",
    )
    add(
        (code != "") & ~df["code_known"],
        "waste.code_unknown",
        "warning",
        lambda i: (
            f"waste code {code[i]!r} is not in the code list (Circular 02/2022/TT-BTNMT Annex III); "
            f"check it, or add it to waste/codes.csv in a user reference folder"
        ),
    )
    add(
        df["hazardous"] & (code == ""),
        "waste.hazardous_no_code",
        "error",
        lambda i: "hazardous waste without waste_code; give its Circular 02/2022/TT-BTNMT code",
    )
    add(
        df["hazardous"] & (cat != "hazardous") & (code != ""),
        "waste.hazardous_code_category",
        "warning",
        lambda i: (
            f"code {code[i]!r} is a hazardous-waste code but the category is {cat[i]!r}; it is counted as hazardous"
        ),
    )
    add(
        df["hazardous"] & (_col(raw, "receiver") == ""),
        "waste.hazardous_no_receiver",
        "error",
        lambda i: "hazardous load without receiver; record the licensed treatment company",
    )
    if "quantity" in raw:
        q = pd.to_numeric(raw["quantity"], errors="coerce")
        unit = _col(raw, "unit").str.lower()
        add(
            q.isna() | (q < 0),
            "waste.quantity_invalid",
            "error",
            lambda i: f"quantity {raw.at[i, 'quantity']!r} is not a non-negative number",
        )
        mass_ok = unit.map(lambda u: _is_mass(u))
        add(
            ~mass_ok & (unit != "m3"),
            "waste.unit_unknown",
            "error",
            lambda i: f"unit {unit[i]!r} unknown for waste; use kg, t, or m3 with density_t_per_m3",
        )
        dens = pd.to_numeric(raw["density_t_per_m3"], errors="coerce") if "density_t_per_m3" in raw else None
        no_dens = (unit == "m3") & (dens.isna() | (dens <= 0) if dens is not None else True)
        add(
            no_dens,
            "waste.m3_no_density",
            "error",
            lambda i: "quantity in m3 without density_t_per_m3; add the bulk density (t/m3) to convert it",
        )
        stream = pd.DataFrame({"tenant": tenant, "code": code, "unit": unit, "line": line})
        for (t, c), g in stream.groupby(["tenant", "code"], sort=True):
            units = sorted(g["unit"].unique())
            if len(units) > 1:
                out.append(
                    Finding(
                        code="waste.mixed_units",
                        severity="warning",
                        message=f"stream {c or '(no code)'} of {t} recorded in {', '.join(units)}; "
                        "each row is converted to tonnes on its own (check the density of m3 rows)",
                        line=int(g["line"].iloc[0]),
                        tenant_id=t or None,
                        data={"units": {u: int((g["unit"] == u).sum()) for u in units}},
                    )
                )
    return sorted(out, key=lambda f: (f.line or 0, f.code))


def _is_mass(unit: str) -> bool:
    try:
        convert(1.0, unit, "t")
    except (UnknownUnitError, UnitMismatchError):
        return False
    return True


def manifest_issues(
    waste: pd.DataFrame,
    year: int | None = None,
    manifests: pd.DataFrame | None = None,
    licensed_receivers: Iterable[str] | None = None,
    extra_dirs: Iterable[Path] = (),
) -> list[Finding]:
    """Check the hazardous loads' handover records (manifests); report, never drop.

    Parameters
    ----------
    waste : DataFrame
        Imported records: date, tenant_id, waste_code, category, quantity_t, route, receiver,
        transporter, manifest_id.
    year : int, optional
        Only records of this year.
    manifests : DataFrame, optional
        Separate manifest records (manifest_id, date, tenant_id, waste_code, quantity_t): reconciled
        with the waste records per tenant, month and code.
    licensed_receivers : iterable of str, optional
        Names of the licensed receivers (case-insensitive); None = not checked.

    Returns
    -------
    list of Finding
        manifest.no_receiver (error), manifest.missing_id, manifest.no_transporter,
        manifest.receiver_unlicensed, manifest.duplicate_id, manifest.unreconciled, manifest.not_reconciled
        (warning: no manifests table).
    """
    dirs = tuple(extra_dirs)
    out: list[Finding] = []
    if waste.empty:
        return out
    w = wf.classify(waste, dirs)
    w["month"] = w["date"].astype(str).str.slice(0, 7)
    if year is not None:
        w = w[w["month"].str.startswith(f"{year}-")]
    hz = w[w["hazardous"]]
    if hz.empty:
        return out
    line = _lines(hz)
    tenant, code = _col(hz, "tenant_id"), _col(hz, "waste_code")
    receiver, mid, transporter = _col(hz, "receiver"), _col(hz, "manifest_id"), _col(hz, "transporter")

    def add(mask: pd.Series, code_: str, severity: str, msg) -> None:
        for i in hz.index[mask]:
            out.append(
                Finding(
                    code=code_,
                    severity=severity,
                    message=msg(i),
                    line=int(line[i]),
                    tenant_id=tenant[i] or None,
                    data={
                        "date": str(hz.at[i, "date"]),
                        "waste_code": code[i],
                        "quantity_t": float(hz.at[i, "quantity_t"]),
                    },
                )
            )

    add(
        receiver == "",
        "manifest.no_receiver",
        "error",
        lambda i: f"hazardous load {code[i]} of {hz.at[i, 'date']} has no receiver; record the licensed receiver",
    )
    add(
        mid == "",
        "manifest.missing_id",
        "warning",
        lambda i: f"hazardous load {code[i]} of {hz.at[i, 'date']} has no manifest number (chứng từ CTNH)",
    )
    add(
        transporter == "",
        "manifest.no_transporter",
        "warning",
        lambda i: f"hazardous load {code[i]} of {hz.at[i, 'date']} has no transporter",
    )
    if licensed_receivers is not None:
        ok = {r.strip().lower() for r in licensed_receivers}
        add(
            (receiver != "") & ~receiver.str.lower().isin(ok),
            "manifest.receiver_unlicensed",
            "error",
            lambda i: f"receiver {receiver[i]!r} is not in the list of licensed receivers",
        )
    ids = pd.DataFrame({"mid": mid, "tenant": tenant, "code": code, "line": line})
    ids = ids[ids["mid"] != ""]
    ids["stream"] = ids["tenant"] + "|" + ids["code"]
    shared = ids.groupby("mid")["stream"].nunique()
    for m in shared.index[shared > 1]:
        g = ids[ids["mid"] == m]
        out.append(
            Finding(
                code="manifest.duplicate_id",
                severity="error",
                message=f"manifest {m} used for different tenants or codes on lines "
                f"{', '.join(str(x) for x in g['line'])}; each load needs its own number",
                line=int(g["line"].iloc[0]),
                tenant_id=None,
                data={"manifest_id": m},
            )
        )
    if manifests is None or manifests.empty:
        out.append(
            Finding(
                code="manifest.not_reconciled",
                severity="warning",
                message="no manifests table: the month-by-month reconciliation of records and manifests was not "
                "done (add the handover records as manifests.csv: manifest_id, date, tenant_id, waste_code, "
                "quantity_t)",
            )
        )
        return out
    out.extend(_reconcile(hz, manifests, year, dirs))
    return out


def _reconcile(hz: pd.DataFrame, manifests: pd.DataFrame, year: int | None, dirs: tuple[Path, ...]) -> list[Finding]:
    frac = lookup(CHECKS, extra_dirs=dirs, parameter="reconcile_tolerance_fraction").value
    abs_t = lookup(CHECKS, extra_dirs=dirs, parameter="reconcile_tolerance_t").value
    m = manifests.assign(month=manifests["date"].astype(str).str.slice(0, 7))
    if year is not None:
        m = m[m["month"].str.startswith(f"{year}-")]
    key = ["tenant_id", "month", "waste_code"]
    rec = hz.assign(waste_code=_text(hz["waste_code"])).groupby(key)["quantity_t"].sum()
    man = m.assign(waste_code=_text(m["waste_code"])).groupby(key)["quantity_t"].sum()
    both = pd.concat([rec.rename("records_t"), man.rename("manifests_t")], axis=1).fillna(0.0)
    out = []
    for (t, month, c), r in both.iterrows():
        diff = r["records_t"] - r["manifests_t"]
        if abs(diff) > max(frac * r["records_t"], abs_t):
            out.append(
                Finding(
                    code="manifest.unreconciled",
                    severity="error",
                    message=f"{t} {month} code {c}: records {r['records_t']:.3f} t vs manifests "
                    f"{r['manifests_t']:.3f} t (difference {diff:+.3f} t); find the missing or extra handover",
                    tenant_id=t,
                    data={
                        "month": month,
                        "waste_code": c,
                        "records_t": float(r["records_t"]),
                        "manifests_t": float(r["manifests_t"]),
                    },
                )
            )
    return out
