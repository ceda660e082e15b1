"""An office (store, rules, working days) on a private content root: the demo's working-day rules
or a MiniRoot without any (the second content root every feature is tested on), with its
operational store on SQLite or on PostgreSQL (a fresh database per test: `STATPUB_DATABASE_URL`)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from statpub.features.messages.service import Office
from statpub.kernel.clock import BEIJING
from statpub.kernel.config import Settings
from statpub.store import open_store
from statpub.warehouse.gate import Reader
from tests.etl.builder import MiniRoot
from tests.paths import REPO_ROOT

RESPONDER = Reader("li.responder", "responder")
RESPONDER_2 = Reader("wang.responder", "responder")
REVIEWER = Reader("zhao.reviewer", "reviewer")
PRESS = Reader("press.one", "press")


def at(text: str) -> datetime:
    """A Beijing wall-clock time as an aware instant."""
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def demo_root_settings(tmp_path: Path) -> Settings:
    """The demo's calendar and working-day rules in a private content root."""
    root = tmp_path / "content"
    root.mkdir()
    shutil.copy(REPO_ROOT / "calendar.yaml", root / "calendar.yaml")
    shutil.copy(REPO_ROOT / "workdays.yaml", root / "workdays.yaml")
    (root / "releases").mkdir()
    return Settings(root=root, warehouse_dir=tmp_path / "wh")


def mini_root_settings(tmp_path: Path) -> Settings:
    mini = MiniRoot(tmp_path / "content")
    mini.write()
    return mini.settings


def on_engine(settings: Settings, engine: str, request: pytest.FixtureRequest) -> Settings:
    """The settings with their store on `engine` (PostgreSQL: a new empty database)."""
    if engine == "postgresql":
        settings = replace(settings, database_url=request.getfixturevalue("database_url")())
        request.addfinalizer(open_store(settings).close)  # its pool's connections, not kept for the session
    return settings


@pytest.fixture(params=["demo", "mini"])
def root_kind(request) -> str:
    return request.param


@pytest.fixture
def office_settings(root_kind: str, store_engine: str, tmp_path: Path, request) -> Settings:
    """Every combination: the demo root and a second, small one; SQLite and PostgreSQL."""
    made = demo_root_settings(tmp_path) if root_kind == "demo" else mini_root_settings(tmp_path)
    return on_engine(made, store_engine, request)


@pytest.fixture
def office(office_settings: Settings) -> Office:
    return Office(office_settings)


@pytest.fixture
def demo_office(tmp_path: Path, store_engine: str, request) -> Office:
    return Office(on_engine(demo_root_settings(tmp_path), store_engine, request))
