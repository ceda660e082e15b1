"""Fixtures for the site tests: an app built in-process on the demo warehouse with a fixed clock,
and the embargoed demo release used to prove the embargo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from statpub.dashboards.app import create_app
from statpub.kernel.clock import Clock
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader

EMBARGOED = "2025-gdp-final-verification"


@pytest.fixture(scope="session")
def embargoed_release(demo_settings):
    return WarehouseReader(demo_settings.warehouse_dir).snapshot().releases[EMBARGOED]


@pytest.fixture(scope="session")
def make_client(demo_settings) -> Callable:
    """make_client(now) -> a Flask test client of a fresh app whose clock reads `now`."""

    def make(now: datetime):
        app = create_app(demo_settings, Clock(start=now))
        client = app.server.test_client()
        client.get("/healthz")  # the first request registers the pages router callback
        client.application.config["dash_app"] = app
        return client

    return make


@pytest.fixture(scope="session")
def before_client(make_client, embargoed_release):
    # The clock runs on from here for the whole session: start far enough before the instant
    # that no test meets it (tests of the last second start servers of their own).
    return make_client(embargoed_release.instant - timedelta(minutes=30))


@pytest.fixture(scope="session")
def after_client(make_client, embargoed_release):
    return make_client(embargoed_release.instant + timedelta(seconds=1))


@pytest.fixture(scope="session")
def gate_after(demo_settings, embargoed_release) -> Gate:
    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()
    return Gate(snapshot, embargoed_release.instant + timedelta(seconds=1))


@pytest.fixture(scope="session")
def gate_before(demo_settings, embargoed_release) -> Gate:
    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()
    return Gate(snapshot, embargoed_release.instant - timedelta(seconds=5))
