"""End to end: `greenpark example` + `greenpark assess` write a report that renders in Chromium and as PDF pages."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testkit import example_truth

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def report(tmp_path_factory, example_park) -> Path:
    root = tmp_path_factory.mktemp("assess")
    park = example_park
    cli = [sys.executable, "-m", "greenpark.cli"]
    out = root / "report"
    run = subprocess.run(
        [*cli, "assess", str(park), "--year", "2024", "--out", str(out), "--lang", "vi"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Report:" in run.stdout
    return out


def test_assessment_recovers_the_example_truth(report, example_park):
    a = json.loads((report / "assessment.json").read_text())
    meta = example_truth(example_park)
    # every stage ran on the example park (it has data for all of them): none failed, none skipped
    stages = {name: s["status"] for name, s in a["stages"].items()}
    assert stages == dict.fromkeys(("load", "inventory", "water", "solar", "waste", "energy", "plan"), "ok"), a[
        "stages"
    ]
    # the generator's deliberate exceedance episodes are what the WWTP section shows
    assert len(a["water"]["wwtps"][0]["exceedances"]) == len(meta["water"]["episodes"])
    assert a["waste"]["total_t"] == pytest.approx(meta["waste"]["total_t"], rel=1e-6)


@pytest.mark.browser
def test_html_renders_in_chromium_without_console_errors(report, chromium):
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((report / "report.html").as_uri())
        assert page.locator("figure svg").count() >= 4  # scope bars, tenants, calendar, waste routes...
        assert "Kiểm kê khí nhà kính" in page.inner_text("body")
        browser.close()
    assert errors == []


def test_pdf_pages_render(report, tmp_path, pdftoppm):
    subprocess.run([pdftoppm, "-r", "30", "-png", str(report / "report.pdf"), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 3 and all(p.stat().st_size > 1000 for p in pages)
