"""One path from the store to every result: the CLI (``--json``), ``assess`` (``assessment.json``) and the API give
the same figures on the same store (issue 15).

A 9-tenant example park is imported once into one DuckDB store; every CLI command and ``assess`` run on it, then the
service opens the same store and answers the same questions over HTTP. Each entry point goes through
``greenpark.runs``; if one of them dropped or changed an input (the API once called the water engine without the
tenants' discharge volumes and listed 7 tenants' loads instead of 48), the figures below would differ.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from greenpark.api.accounts import Role
from greenpark.cli import app
from greenpark.server import create_app
from greenpark.settings import Settings
from greenpark.store import open_store

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
YEAR = "2024"


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory, example_park: Path) -> dict[str, dict[str, Any]]:
    """Every result of the park for 2024 by entry point: ``cli``, ``assess`` and ``api``."""
    root = tmp_path_factory.mktemp("entry")
    park = example_park  # the session's 9-tenant example park (tests/conftest.py), read only
    url = f"duckdb:///{root / 'store.duckdb'}"
    runner = CliRunner()

    def cli(*args: str) -> Any:
        res = runner.invoke(app, [*args, "--store", url, "--json"])
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    out: dict[str, dict[str, Any]] = {"cli": {}, "assess": {}, "api": {}}
    for name in ("inventory", "water", "waste", "solar", "energy", "plan", "eip"):
        out["cli"][name] = cli(name, str(park), "--year", YEAR)
    res = runner.invoke(app, ["assess", str(park), "--year", YEAR, "--store", url, "--no-pdf", "--out",
                              str(root / "report"), "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    a = json.loads((root / "report" / "assessment.json").read_text())
    assert {k: v["status"] for k, v in a["stages"].items()} == dict.fromkeys(
        ("load", "inventory", "water", "waste", "energy", "solar", "plan", "eip"), "ok"
    )
    out["assess"] = {name: a[name] for name in out["cli"]}

    store = open_store(url)
    settings = Settings(environment="test", store_url=url, scrypt_n=1024, admin_password="a long test password",
                        warm_results=False)  # fmt: skip
    try:
        with TestClient(create_app(settings, store=store)) as client:
            acc = client.app.state.service.accounts  # type: ignore[attr-defined]
            user = acc.create_user("entry-operator", Role.operator, password="a long test password")
            headers = {"Authorization": f"Bearer {acc.issue_token(user.user_id, 'entry')}"}
            pid = a["meta"]["park_id"]

            def get(path: str) -> Any:
                r = client.get(f"/api/v1/parks/{pid}{path}?year={YEAR}", headers=headers)
                assert r.status_code == 200, r.text
                return r.json()

            for name in ("inventory", "water", "waste", "energy", "plan", "eip"):
                out["api"][name] = get(f"/{name}")
            out["api"]["solar"] = {
                t["tenant_id"]: get(f"/tenants/{t['tenant_id']}/solar")["offer"] for t in a["solar"]["tenants"]
            }
    finally:
        store.close()
    return out


def _entries(answers: dict[str, dict[str, Any]], name: str) -> list[tuple[str, Any]]:
    return [(entry, answers[entry][name]) for entry in ("cli", "assess", "api")]


def test_inventory_is_one_figure(answers: dict[str, dict[str, Any]]) -> None:
    seen = {
        entry: (
            round(r["total_tco2e"], 6),
            round(r["scope1_tco2e"], 6),
            round(r["scope2_location_tco2e"], 6),
            round(r["scope3_tco2e"], 6),
            {t["tenant_id"]: round(t["total_tco2e"], 6) for t in r["tenants"]},
            [t["tenant_id"] for t in r["tenants"] if t["decree06_inventory_required"]],
        )
        for entry, r in _entries(answers, "inventory")
    }
    assert seen["cli"] == seen["assess"] == seen["api"]
    assert len(seen["cli"][4]) == 9 and seen["cli"][0] > 0


def test_water_with_every_tenants_load(answers: dict[str, dict[str, Any]]) -> None:
    seen = {
        entry: (
            [(w["wwtp_id"], w["compliance_rate"], len(w["exceedances"])) for w in r["wwtps"]],
            sorted((t["tenant_id"], round(t["volume_m3"] or 0.0, 6)) for t in r["tenants"]),
        )
        for entry, r in _entries(answers, "water")
    }
    assert seen["cli"] == seen["assess"] == seen["api"]
    assert len(seen["api"][1]) == 9  # every tenant's discharge, not only those with connection samples


def test_waste_is_one_figure(answers: dict[str, dict[str, Any]]) -> None:
    seen = {
        entry: (round(r["total_t"], 9), round(r["recovery_rate"], 9), json.dumps(r["tco2e"], sort_keys=True))
        for entry, r in _entries(answers, "waste")
    }
    assert seen["cli"] == seen["assess"] == seen["api"]


def test_solar_offers_are_one_figure(answers: dict[str, dict[str, Any]]) -> None:
    """The park's sizing (CLI, assess) and one tenant sized alone (API) give each tenant the same offer."""

    def offers(r: dict[str, Any]) -> dict[str, tuple[float, float, float]]:
        return {t["tenant_id"]: (round(t["pv_kwp"], 3), round(t["battery_kwh"], 3), round(t["npv_vnd"], -3))
                for t in r["tenants"]}  # fmt: skip

    cli, assess = offers(answers["cli"]["solar"]), offers(answers["assess"]["solar"])
    api = {k: (round(v["pv_kwp"], 3), round(v["battery_kwh"], 3), round(v["npv_vnd"], -3))
           for k, v in answers["api"]["solar"].items()}  # fmt: skip
    assert cli == assess == api
    assert any(kwp > 0 for kwp, _, _ in cli.values())


def test_energy_is_one_figure(answers: dict[str, dict[str, Any]]) -> None:
    seen = {
        entry: (
            {t["entity_id"]: round(t["total_kwh"], 6) for t in r["loads"]["tenants"]},
            sorted(r["baselines"]),
            json.dumps(r["benchmarks"], sort_keys=True),
        )
        for entry, r in _entries(answers, "energy")
    }
    assert seen["cli"] == seen["assess"] == seen["api"]
    assert len(seen["cli"][0]) == 9


def test_plan_is_one_figure(answers: dict[str, dict[str, Any]]) -> None:
    """The same measures with the same abatement; rooftop-PV measures carry the sizing LP's tolerance (interior
    point, 1e-7 relative), so abatements are compared to 1e-6 and the curve as a set (near-ties may swap order)."""
    seen = {
        entry: (
            r["baseline_year"],
            round(r["baseline_tco2e"], 6),
            {(m["tenant_id"], m["measure"]): m["abatement_tco2e"] for m in r["cost_curve"]},
        )
        for entry, r in _entries(answers, "plan")
    }
    cli = seen["cli"]
    assert cli[0] == int(YEAR) and cli[2]
    for entry in ("assess", "api"):
        assert seen[entry][:2] == cli[:2]
        assert seen[entry][2].keys() == cli[2].keys()
        assert seen[entry][2] == pytest.approx(cli[2], rel=1e-6), entry


def test_eip_is_one_answer(answers: dict[str, dict[str, Any]]) -> None:
    """The same criteria, values, eco-enterprises and roadmap steps by every door (each sizes the tenants' PV)."""
    seen = {
        entry: (
            r["park_status"],
            [(c["id"], c["status"], c["value"] if c["value"] is None else round(c["value"], 9)) for c in r["criteria"]],
            [(e["tenant_id"], e["status"]) for e in r["eco_enterprises"]],
            [(a["criterion_id"], a["tenant_id"], a["subject"]) for a in r["roadmap"]],
        )
        for entry, r in _entries(answers, "eip")
    }
    assert seen["cli"] == seen["assess"] == seen["api"]
    assert seen["cli"][0] == "not_eligible" and len(seen["cli"][1]) == 23
