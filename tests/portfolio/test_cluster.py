"""Parks as tasks on Dask distributed: the cluster's results equal the sequential run's exactly, a park with
broken data fails alone, a worker killed mid-run does not change the results; the CLI writes the side-by-side
report in vi/en/ja with each park's own report beside it.

Two parks of the generated province (the new park, 9 tenants, and the large-WWTP park, 12 tenants) and a broken
copy of the new park (its park.toml gives latitude "north"). The sequential run is ``greenpark.assess.assess``
on each park: each park's own assessment, which every other run must equal.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from greenpark.cli import app
from greenpark.portfolio import side_by_side
from greenpark.portfolio.cluster import PortfolioJob, run_on_cluster, run_sequential, without_timing

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def parks(province: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """[new park, broken park, large-WWTP park] as folders (copies: the runs import them into their own stores)."""
    root = tmp_path_factory.mktemp("portfolio")
    new, wwtp, broken = root / "dn-ip03", root / "dn-ip01", root / "broken"
    shutil.copytree(province / "dn-ip03", new)
    shutil.copytree(province / "dn-ip01", wwtp)
    shutil.copytree(province / "dn-ip03", broken)
    toml = (broken / "park.toml").read_text().splitlines()
    (broken / "park.toml").write_text(
        "\n".join('latitude = "north"' if line.startswith("latitude") else line for line in toml) + "\n"
    )
    # not imported here: the sequential run is the first on each folder (it reads the park's records from the files
    # while it imports them), the cluster's runs load them from the store; both must give the same figures
    return [str(new), str(broken), str(wwtp)]


@pytest.fixture(scope="module")
def job() -> PortfolioJob:
    return PortfolioJob(year=2024, study_date=dt.date.today())


@pytest.fixture(scope="module")
def sequential(parks: list[str], job: PortfolioJob):
    """The reference: each park's own assess, one after another."""
    return run_sequential(parks, job)


def _differences(x, y, path: str = "") -> list[str]:
    """The leaf paths where two JSON values differ, with both values (what a failure shows)."""
    if isinstance(x, dict) and isinstance(y, dict):
        return [d for k in sorted(set(x) | set(y)) for d in _differences(x.get(k), y.get(k), f"{path}.{k}")]
    if isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        return [d for i, (u, v) in enumerate(zip(x, y, strict=True)) for d in _differences(u, v, f"{path}[{i}]")]
    return [] if x == y else [f"{path}: {x!r} != {y!r}"]


def _same(a, b) -> None:
    assert [(o.park, o.status, o.reason) for o in a] == [(o.park, o.status, o.reason) for o in b]
    for x, y in zip(a, b, strict=True):
        if x.status == "ok":  # exact, every figure
            assert _differences(without_timing(x.assessment), without_timing(y.assessment))[:20] == []
    assert side_by_side(a) == side_by_side(b)


def test_the_broken_park_fails_alone_with_its_reason(sequential):
    assert [o.status for o in sequential] == ["ok", "failed", "ok"]
    assert "latitude" in sequential[1].reason
    assert [o.assessment["meta"]["park_id"] for o in (sequential[0], sequential[2])] == ["dn-ip03", "dn-ip01"]


def test_a_killed_worker_does_not_change_the_results(parks, job, sequential):
    """A cluster of our own (the --scheduler path); a worker is killed (SIGKILL) while it runs a park's task."""
    killed: dict[str, object] = {}

    def kill_a_busy_worker(client) -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            busy = {w: keys for w, keys in client.processing().items() if keys}
            if busy:
                time.sleep(3)  # well inside the task (an assessment takes tens of seconds)
                worker = sorted(busy)[0]
                pid = client.run(os.getpid, workers=[worker])[worker]
                os.kill(pid, signal.SIGKILL)
                killed.update(worker=worker, pid=pid, tasks=list(busy[worker]))
                return
            time.sleep(0.2)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        outcomes = run_on_cluster(parks, job, scheduler=cluster.scheduler_address, on_client=kill_a_busy_worker)
    assert killed["tasks"], "no worker was killed mid-task"
    _same(outcomes, sequential)


def test_cli_portfolio_on_a_local_cluster_writes_the_report_and_equals_each_parks_own_assess(
    parks, sequential, tmp_path
):
    """``greenpark portfolio`` without --scheduler starts a LocalCluster (2 workers), writes the view in the three
    languages with PDFs, the JSON and CSV, and each park's report; the broken park makes it exit 3."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["portfolio", *parks, "--year", "2024", "--workers", "2", "--out", str(out), "--json", "--lang", "vi"],
    )
    assert result.exit_code == 3, result.output
    view = json.loads((out / "portfolio.json").read_text())
    assert view == side_by_side(sequential)  # the cluster's figures are the sequential run's, exactly
    for row, own in zip(view["parks"], (sequential[0].assessment, sequential[2].assessment), strict=True):
        inv = own["inventory"]  # the park's own assess
        assert row["total_tco2e"] == inv["total_tco2e"] and row["coverage"] == inv["coverage"]
        assert row["renewable_share"] == inv["renewable_share"]
        assert row["waste_recovery_rate"] == own["waste"]["recovery_rate"]
        assert row["wwtp_kwh_per_m3"] == own["water"]["wwtps"][0]["kwh_per_m3"]  # one WWTP: its own figure
        assert row["tco2e_per_ha"] == inv["full_year_estimate_tco2e"] / own["park"]["area_ha"]
        own_report = json.loads((out / row["park_id"] / "assessment.json").read_text())
        # as written to the file (JSON: the plan's year keys become strings)
        assert without_timing(own_report) == json.loads(json.dumps(without_timing(own), default=str))
        assert (out / row["park_id"] / "report.html").exists() and (out / row["park_id"] / "report.pdf").exists()
    # the new park was read from May: coverage well below the large-WWTP park's full year
    assert view["parks"][0]["coverage"] < 0.7 < view["parks"][1]["coverage"]
    for lang, word in (("vi", "So sánh các khu công nghiệp"), ("en", "Parks side by side"), ("ja", "工業団地の比較")):
        html = (out / f"portfolio.{lang}.html").read_text()
        assert word in html and "dn-ip03" in html and "latitude" in html
        assert (out / f"portfolio.{lang}.pdf").read_bytes()[:5] == b"%PDF-"
    csv = (out / "portfolio.csv").read_text().splitlines()
    assert csv[0].startswith("park_id,name,year") and [line.split(",")[0] for line in csv[1:]] == ["dn-ip03", "dn-ip01"]
    assert "1 of 3 parks failed" in result.output


def test_the_parks_readings_from_a_parquet_dataset_give_the_same_portfolio(parks, sequential, tmp_path):
    """``portfolio --parquet``: each park's readings read from the exported dataset, its records from its store."""
    root = tmp_path / "parquet"
    for park in (parks[0], parks[2]):
        exported = CliRunner().invoke(app, ["export", park, "--parquet", str(root)])
        assert exported.exit_code == 0, exported.output
    assert sorted(p.name for p in root.iterdir()) == ["park_id=dn-ip01", "park_id=dn-ip03"]
    on_files = run_sequential(parks, PortfolioJob(year=2024, study_date=dt.date.today(), readings_dir=str(root)))
    _same(on_files, sequential)
