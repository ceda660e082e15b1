"""Crossing a release instant on a live server: `statpub watch` sees the release go public, the
gate logs it going public (once, with the instant it first served it), and `watch` raises the
alarm when the site does not show it within the limit."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

import pytest

from tests.helpers import free_port, run_cli

RELEASE = "2025-gdp-final-verification"
INSTANT = datetime.fromisoformat("2026-12-10T10:00:00+08:00")
LEAD = 45.0  # seconds between the server's start and the instant (a busy machine starts servers slowly)


def log_entries(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def crossing(demo_settings, tmp_path_factory):
    """A server (2 workers) whose clock reaches the instant LEAD seconds after this fixture starts,
    and the shared clock's environment (the same anchor for the server and the CLI)."""
    from tests.helpers import start_server

    anchor = time.time()
    env = {"STATPUB_CLOCK_ANCHOR": repr(anchor)}
    now = (INSTANT - timedelta(seconds=LEAD)).isoformat()
    server = start_server(demo_settings, now=now, workers=2, env=env)
    yield server, now, env, anchor
    server.stop()


@pytest.mark.slow
def test_watch_sees_the_release_and_the_gate_logs_it_going_public(crossing, demo_settings):
    server, now, env, anchor = crossing
    assert time.time() < anchor + LEAD - 0.5, "the server took too long to start for this test"
    assert server.get(f"/api/v1/releases/{RELEASE}/observations").status_code == 404  # before: baseline
    result = run_cli("watch", "--release", RELEASE, "--base", server.url, "--limit", "10",
                     settings=demo_settings, now=now, timeout=LEAD + 60, **env)
    assert result.returncode == 0, result.stderr
    assert f"{RELEASE}: visible" in result.stdout
    watched = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    seen = next(e for e in watched if e.get("event") == "release_visible")
    assert 0 <= seen["seconds_after_instant"] <= 2

    # Every worker that served it logged it once, with the first instant it served it.
    for _ in range(20):  # reach both workers
        assert server.get(f"/api/v1/releases/{RELEASE}").status_code == 200
    time.sleep(0.5)
    public = [e for e in log_entries(server.log) if e.get("event") == "release_public"]
    assert public, server.log.read_text()[-2000:]
    assert {e["release"] for e in public} == {RELEASE}  # the releases public at start are not re-announced
    assert len(public) <= 2  # at most once per worker
    for entry in public:
        assert entry["logger"] == "statpub.gate" and entry["level"] == "info"
        assert datetime.fromisoformat(entry["instant"]) == INSTANT
        first = datetime.fromisoformat(entry["first_served"])
        assert INSTANT <= first < INSTANT + timedelta(seconds=5)
        assert 0 <= entry["delay_seconds"] < 5


@pytest.mark.slow
def test_watch_alarms_when_the_site_does_not_show_the_release(demo_settings):
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens here
    now = (INSTANT + timedelta(seconds=1)).isoformat()
    started = time.monotonic()
    result = run_cli("watch", "--release", RELEASE, "--base", nobody, "--limit", "2",
                     settings=demo_settings, now=now, timeout=60)
    assert result.returncode == 1
    assert time.monotonic() - started < 30
    assert f"{RELEASE}: NOT visible within 2 s" in result.stdout
    alarm = next(json.loads(line) for line in result.stderr.splitlines()
                 if line.startswith("{") and "release_not_visible" in line)
    assert alarm["level"] == "error" and alarm["logger"] == "statpub.watch"
    assert alarm["release"] == RELEASE and alarm["limit_seconds"] == 2 and "unreachable" in alarm["detail"]
