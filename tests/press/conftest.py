"""Fixtures for the pre-release area: a private content root with the demo warehouse and its own
operational store, accounts of each kind, and the instants around the target releases."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from statpub.features.press.service import accounts_for
from statpub.kernel.clock import parse_instant
from statpub.kernel.config import Settings
from tests.paths import REPO_ROOT

TARGET = "2025-gdp-final-verification"  # instant 2026-12-10T10:00:00+08:00, window 24 h
LATER = "2026-q4-economy"  # instant 2027-01-20T10:00:00+08:00
TIMES = {
    "before": "2026-12-09T09:00:00+08:00",  # an hour before the window opens
    "window": "2026-12-10T09:00:00+08:00",  # inside the window, an hour before the instant
    "after": "2026-12-10T10:00:05+08:00",  # just after the instant
}
PASSWORDS = {"alice": "alice-press-password", "rita": "rita-reviewer-password", "dora": "dora-disabled-password"}
ROLES = {"alice": "press", "rita": "reviewer", "dora": "press"}


def at(name: str) -> datetime:
    return parse_instant(TIMES[name])


def private_site(base: Path, demo_settings: Settings) -> Settings:
    """A private copy of the demo content with a copy of the loaded demo warehouse (no reload),
    so the operational store written by these tests is nobody else's."""
    root = base / "content"
    root.mkdir()
    shutil.copy(REPO_ROOT / "calendar.yaml", root / "calendar.yaml")
    shutil.copytree(REPO_ROOT / "releases", root / "releases")
    warehouse = root / "warehouse" / "data"
    shutil.copytree(demo_settings.warehouse_dir, warehouse, symlinks=True,
                    ignore=shutil.ignore_patterns("cache", "operational.sqlite*", "*.lock"))
    return Settings(root=root, warehouse_dir=warehouse)


def add_accounts(settings: Settings) -> None:
    accounts = accounts_for(settings)
    created = parse_instant("2026-12-01T09:00:00+08:00")
    for name, password in PASSWORDS.items():
        accounts.add(name, ROLES[name], password, created)
    accounts.disable("dora", created)


@pytest.fixture(scope="module")
def press_site(tmp_path_factory: pytest.TempPathFactory, demo_settings: Settings) -> Settings:
    settings = private_site(tmp_path_factory.mktemp("press-site"), demo_settings)
    add_accounts(settings)
    return settings
