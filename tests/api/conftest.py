"""Fixtures for the API tests: the gate over the demo warehouse at a chosen instant."""

from __future__ import annotations

from datetime import datetime

import pytest

from statpub.kernel.clock import parse_instant
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader

FINAL = "2025-gdp-final-verification"
FINAL_INSTANT = "2026-12-10T10:00:00+08:00"
AFTER = "2026-12-10T10:00:05+08:00"


@pytest.fixture
def gate_at(demo_settings):
    """gate_at("2026-12-10T10:00:05+08:00") → the public gate over the demo warehouse then."""
    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()

    def make(instant: str | datetime) -> Gate:
        at = parse_instant(instant) if isinstance(instant, str) else instant
        return Gate(snapshot, at)

    return make


@pytest.fixture
def api_client(demo_settings):
    """A Flask test client of the full app at a chosen instant (for fast, in-process checks)."""
    from statpub.dashboards.app import create_app
    from statpub.kernel.clock import Clock

    def make(instant: str = AFTER):
        return create_app(demo_settings, Clock(start=parse_instant(instant))).server.test_client()

    return make
