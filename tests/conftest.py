"""The fixtures every test directory shares: services, the tiny park and the example parks.

The plain functions behind them (probes, ``need``, ``wait_for_health``, ``tiny_park()``) are in ``testkit``, so
test modules can import them too. A test that needs a service asks for its fixture (``pg_url``,
``mqtt_broker``, ``chromium``, ``pdftoppm``): skipped with the reason when the service is absent, failed
instead under ``GREENPARK_REQUIRE_SERVICES=1`` (``.ci/run``).

A message key missing from a language's catalogue is an error in the tests (``greenpark.i18n`` strict mode),
so a page or report that would show a key or fall back to English fails the test that renders it. Set here,
in the environment, so servers the tests start in subprocesses are strict too.

The example parks are generated once per session and are read-only: a test that changes park files copies the
folder first. CLI commands given the folder import it into ``<folder>/.greenpark/store.duckdb`` once and reuse
that import (unchanged files are not imported again).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import testkit
from greenpark.example import write_example_park
from greenpark.model import ParkData

os.environ.setdefault("GREENPARK_I18N_STRICT", "1")


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The test database's URL (``GREENPARK_TEST_PG_URL``); tests add ``?schema=`` of their own."""
    testkit.need(testkit.pg_reason())
    return testkit.PG_URL


@pytest.fixture(scope="session")
def mqtt_broker() -> tuple[str, int]:
    """(host, port) of the Mosquitto broker."""
    testkit.need(testkit.mqtt_reason())
    return testkit.MQTT_HOST, testkit.MQTT_PORT


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Path of Debian's Chromium, for Playwright's ``executable_path``."""
    testkit.need(testkit.chromium_reason())
    return testkit.CHROMIUM


@pytest.fixture(scope="session")
def pdftoppm() -> str:
    """The ``pdftoppm`` command (poppler-utils)."""
    testkit.need(testkit.pdftoppm_reason())
    return "pdftoppm"


@pytest.fixture
def tiny_park() -> ParkData:
    """The tiny park (``testkit.tiny_park``), a fresh object per test."""
    return testkit.tiny_park()


@pytest.fixture(scope="session")
def example_park(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small example park (9 tenants, default seed, 2024), generated once; its truth is ``metadata.json``."""
    folder = tmp_path_factory.mktemp("example9") / "park"
    write_example_park(folder, n_tenants=9)
    return folder


@pytest.fixture(scope="session")
def full_example_park(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default example park (48 tenants, default seed, 2024), generated once."""
    folder = tmp_path_factory.mktemp("example48") / "park"
    write_example_park(folder)
    return folder


@pytest.fixture(scope="session")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated province of 4 parks (the four archetypes of ``example/province_parks``), generated once."""
    from greenpark.example.province import write_province

    folder = tmp_path_factory.mktemp("province") / "parks"
    write_province(folder, n_parks=4)
    return folder
