"""Property test: tiny generated parks with random faults never crash a command and never report a silent zero.

Each example writes a park folder (1-2 tenants, a year of hourly readings or less) with random faults:
a meter spike (5,000,000 kWh in one hour), a gap, a tenant row rejected (an unknown sector), header-only files,
missing optional files. It then runs ``greenpark check`` -> every engine command -> ``assess`` through the CLI
(typer's CliRunner, in this process) and asserts, for every command:

- no traceback and no exit 1 (exit 1 is a bug: docs/park-folder.md, exit codes);
- no exit 0 with an all-zero result (a figure that says "nothing" must be an error with exit 2, or a skipped stage);
- rows read = accepted + rejected + held out for every file, and rows read = the data lines the generator wrote.

Bounded (few examples, no deadline) so it runs in well under a minute.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from greenpark.cli import app

YEAR = 2024
SPIKE_KWH = 5_000_000.0  # a meter glitch: far above any bound a 100 kW load's history gives

PARK_TOML = """[park]
id = "prop"
name = "Property Park"
province = "Dong Nai"
latitude = 10.80
longitude = 106.95
timezone = "Asia/Ho_Chi_Minh"
currency = "VND"
area_ha = 10

[targets]
ghg_reduction_pct = { 2030 = 30 }
"""


@dataclass
class TenantSpec:
    span: str  # "none", "week", "half", "full"
    rejected: bool  # the tenant row has an unknown sector (the row and its meters' readings are rejected)
    kw: float  # mean load


@dataclass
class ParkSpec:
    tenants: list[TenantSpec]
    spike: bool
    gap: bool
    fuels: str  # "missing", "empty", "rows"
    waste: str
    wwtp: str  # "missing", "no_readings", "rows"
    roofs: bool
    lines: dict[str, int] = field(default_factory=dict)  # data lines written per file


tenant_specs = st.builds(
    TenantSpec,
    span=st.sampled_from(["none", "week", "half", "full"]),
    rejected=st.booleans(),
    kw=st.sampled_from([50.0, 400.0]),
)
park_specs = st.builds(
    ParkSpec,
    tenants=st.lists(tenant_specs, min_size=1, max_size=2),
    spike=st.booleans(),
    gap=st.booleans(),
    fuels=st.sampled_from(["missing", "empty", "rows"]),
    waste=st.sampled_from(["missing", "empty", "rows"]),
    wwtp=st.sampled_from(["missing", "no_readings", "rows"]),
    roofs=st.booleans(),
)


def _write(folder: Path, name: str, header: str, rows: list[str], spec: ParkSpec) -> None:
    (folder / name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    spec.lines[name] = len(rows)


def write_park(folder: Path, spec: ParkSpec) -> None:
    """The park folder the spec describes; ``spec.lines`` records the data lines of every file written."""
    folder.mkdir(parents=True)
    (folder / "park.toml").write_text(PARK_TOML, encoding="utf-8")
    tenants, meters, readings = [], [], []
    hours = pd.date_range(f"{YEAR}-01-01", f"{YEAR + 1}-01-01", freq="1h", inclusive="left")
    spans = {"none": 0, "week": 168, "half": len(hours) // 2, "full": len(hours)}
    for i, t in enumerate(spec.tenants, start=1):
        sector = "not_a_sector" if t.rejected else "food_beverage"
        tenants.append(f"T{i},Tenant {i},{sector},,{1000 * i},{10 * i},22-110kV,")
        meters.append(f"M{i},T{i},electricity_import,kWh,false")
        n = spans[t.span]
        kwh = t.kw * (1.0 + 0.3 * np.sin(np.arange(n) * 2 * np.pi / 24))
        keep = np.ones(n, dtype=bool)
        if spec.gap and n > 400:
            keep[200:400] = False  # a 200-hour gap
        if spec.spike and n > 48 and i == 1:
            kwh[n // 3] = SPIKE_KWH
        readings += [f"M{i},{h:%Y-%m-%dT%H:%M:%S},{v:.3f}" for h, v, k in zip(hours[:n], kwh, keep, strict=True) if k]
    tenant_header = "tenant_id,name,sector,vsic,floor_area_m2,employees,voltage_level,decree06_listed"
    _write(folder, "tenants.csv", tenant_header, tenants, spec)
    _write(folder, "meters.csv", "meter_id,tenant_id,kind,unit,cumulative", meters, spec)
    _write(folder, "readings.csv", "meter_id,timestamp,value", readings, spec)
    if spec.fuels != "missing":
        rows = [f"T1,{YEAR}-0{m},diesel,{500 * m},l" for m in (1, 2, 3)] if spec.fuels == "rows" else []
        _write(folder, "fuels.csv", "tenant_id,period,fuel,quantity,unit", rows, spec)
    if spec.waste != "missing":
        rows = (
            [f"{YEAR}-0{m}-15,T1,18 01 05,paper,industrial,{m},t,recycling,Recycler Co" for m in (1, 2, 3)]
            if spec.waste == "rows"
            else []
        )
        header = "date,tenant_id,waste_code,description,category,quantity,unit,route,receiver"
        _write(folder, "waste.csv", header, rows, spec)
    if spec.wwtp != "missing":
        _write(
            folder,
            "wwtp.csv",
            "wwtp_id,name,capacity_m3_per_day,treatment,standard,column,kq,kf",
            ["W1,Central WWTP,2000,aerobic_well_managed,QCVN40:2011,B,0.9,1.0"],
            spec,
        )
        rows = []
        if spec.wwtp == "rows":
            for d in range(1, 29, 7):
                for p, v in (("cod", 60.0), ("bod5", 20.0), ("tss", 40.0), ("flow", 1500.0)):
                    unit = "m3/day" if p == "flow" else "mg/l"
                    rows += [f"W1,{YEAR}-03-{d:02d}T09:00:00,outlet,{p},{v},{unit},lab"]
                rows += [f"W1,{YEAR}-03-{d:02d}T09:00:00,inlet,cod,400,mg/l,lab"]
        _write(folder, "wastewater.csv", "wwtp_id,timestamp,point,parameter,value,unit,method", rows, spec)
    if spec.roofs:
        _write(folder, "roofs.csv", "roof_id,tenant_id,area_m2,tilt_deg,azimuth_deg,usable_fraction",
               ["R1,T1,800,5,180,0.7"], spec)  # fmt: skip


def run(args: list[str]):
    res = CliRunner().invoke(app, args)
    out = res.output
    assert "Traceback" not in out, (args, out[-2000:])
    assert res.exit_code != 1 and not (res.exception and not isinstance(res.exception, SystemExit)), (
        args,
        res.exit_code,
        repr(res.exception),
        out[-2000:],
    )
    return res


def _json(res) -> dict:
    text = res.stdout
    return json.loads(text[text.index("{") :])


def not_all_zero(command: str, d: dict) -> bool:
    """Does an exit-0 result of ``command`` state something (not a page of zeros)?"""
    if command == "inventory":
        return d["total_tco2e"] > 0
    if command == "water":
        return bool(d["wwtps"])
    if command == "waste":
        return d["total_t"] > 0 or d.get("park_own_tco2e", 0) > 0 or bool(d.get("symbiosis_matches"))
    if command == "energy":
        return d["loads"]["park"]["total_kwh"] > 0
    if command == "solar":
        return d["portfolio"]["tenants_sized"] > 0 or d["portfolio"]["total_roof_limit_kwp"] > 0
    if command == "plan":
        return d["baseline_tco2e"] > 0
    raise AssertionError(command)


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(spec=park_specs)
def test_generated_parks_never_crash_and_never_report_silent_zeros(spec, tmp_path_factory):
    base = tmp_path_factory.mktemp("prop")
    folder = base / "park"
    write_park(folder, spec)
    store = f"duckdb:///{base / 'store.duckdb'}"

    # check: rows read = accepted + rejected + held out, and = the lines written
    res = run(["check", str(folder), "--json"])
    assert res.exit_code in (0, 2)
    counts = {c["file"]: c for c in _json(res)["counts"]}
    for name, lines in spec.lines.items():
        c = counts[name]
        assert c["read"] == lines, (name, c, lines)
        assert c["read"] == c["accepted"] + c["rejected"] + int(c.get("held_out") or 0), c

    year = ["--year", str(YEAR), "--store", store]
    for command, extra in (
        ("inventory", []),
        ("water", []),
        ("waste", []),
        ("energy", []),
        ("solar", ["--on", "2026-11-29", "--workers", "1"]),
        ("plan", []),
    ):
        res = run([command, str(folder), *year, *extra, "--json"])
        assert res.exit_code in (0, 2), (command, res.exit_code, res.output[-1000:])
        if res.exit_code == 0:
            d = _json(res)
            assert not_all_zero(command, d), (command, spec)
            if command == "inventory":  # a tenant is "not required" only on a complete year
                for t in d["tenants"]:
                    assert t["decree06_status"] != "not_required" or t["coverage_status"] == "complete", t
        else:
            assert res.output.strip(), command  # exit 2 always says why

    res = run(["assess", str(folder), *year, "--no-pdf", "--out", str(base / "report"), "--json"])
    assert res.exit_code in (0, 2, 3), (res.exit_code, res.output[-1000:])
    if res.exit_code == 0:
        assert _json(res)["inventory"]["total_tco2e"] > 0
