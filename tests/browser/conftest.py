"""Browser fixtures: a live site at a fixed instant after the demo's embargoed release, a fresh
page per test, and axe-core (from npm, installed into tests/browser/node_modules by `make test`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.site.conftest import embargoed_release, gate_after, gate_before  # noqa: F401 - shared fixtures

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
AFTER_RELEASE = "2026-12-10T10:00:05+08:00"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        # `make test` fetches it beforehand (pinned by package-lock.json); this covers a bare pytest.
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(live_server_module):
    return live_server_module(now=AFTER_RELEASE, workers=2)


@pytest.fixture(scope="module")
def live_server_module(demo_settings):
    from tests.helpers import start_server

    started = []

    def start(now=None, workers=1):
        server = start_server(demo_settings, now=now, workers=workers)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Say which file failed when a script error follows a failed load.
    page.on("requestfailed", lambda req: "ERR_ABORTED" not in (req.failure or "")
            and errors.append(f"failed {req.url}: {req.failure}"))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    page.errors = errors
    yield page
    context.close()
    assert not errors, errors
