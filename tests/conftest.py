"""Shared fixtures: the demo warehouse (loaded once per session into a temporary folder), small
hand-made content roots for ETL tests, real servers on 127.0.0.1 and a real Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.kernel.content import copy_content
from tests.helpers import LiveServer, start_server
from tests.paths import REPO_ROOT

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
# Every shared fixture, in one place: tests/fixtures/ (this file holds the demo warehouse and servers).
pytest_plugins = ["tests.fixtures.site", "tests.fixtures.api", "tests.fixtures.press", "tests.fixtures.review",
                  "tests.fixtures.store", "tests.fixtures.cluster", "tests.fixtures.browser", "tests.fixtures.smtp",
                  "tests.fixtures.mini"]


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The repository's demo content loaded into a session-wide warehouse (read-only use)."""
    from statpub.etl.load import load

    settings = Settings(root=REPO_ROOT, warehouse_dir=tmp_path_factory.mktemp("demo-warehouse"))
    load(settings, clock=Clock())
    return settings


@pytest.fixture
def demo_copy(tmp_path: Path) -> Settings:
    """A private copy of the demo content root, for tests that change content."""
    root = tmp_path / "content"
    copy_content(REPO_ROOT, root)
    return Settings(root=root, warehouse_dir=root / "warehouse" / "data")


@pytest.fixture
def live_server(demo_settings: Settings) -> Iterator[callable]:
    """Start `statpub serve` (gunicorn) on a free loopback port: live_server(now=..., workers=...)."""
    started: list[LiveServer] = []

    def start(now: str | None = None, workers: int = 1, settings: Settings | None = None,
              env: dict[str, str] | None = None) -> LiveServer:
        server = start_server(settings or demo_settings, now=now, workers=workers, env=env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    """A real Chromium (Debian's) driven by Playwright."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("STATPUB_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}; run tools/install_system_deps.sh")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests save screenshots and files for review (ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
