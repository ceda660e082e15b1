"""The demo content loads into a real DuckDB file and answers through the gate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader


def test_demo_loads_every_release(demo_settings):
    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()
    assert len(snapshot.releases) == 47
    assert all(r.observation_count > 0 for r in snapshot.releases.values())
    assert len(snapshot.series) >= 25


def test_server_starts_and_reports_health(live_server):
    server = live_server(now="2026-12-10T09:59:00+08:00")
    body = server.get("/healthz").json()
    assert body["status"] == "ok"
    now = datetime.fromisoformat(body["now"])
    assert abs(now - datetime(2026, 12, 10, 1, 59, tzinfo=UTC)) < timedelta(seconds=30)
    assert body["next_instant"] == "2026-12-10T02:00:00+00:00"


def test_gate_hides_the_upcoming_release(demo_settings):
    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()
    release = snapshot.releases["2025-gdp-final-verification"]
    before = Gate(snapshot, release.instant - timedelta(seconds=1))
    at = Gate(snapshot, release.instant)
    assert before.release_observations(release.id).num_rows == 0
    assert at.release_observations(release.id).num_rows == 32
