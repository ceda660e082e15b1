"""An office (store, rules, working days) on a private content root: the demo's working-day rules
or a MiniRoot without any (the second content root every feature is tested on)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from statpub.features.messages.service import Office
from statpub.kernel.clock import BEIJING
from statpub.kernel.config import Settings
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


@pytest.fixture(params=["demo", "mini"])
def office(request, tmp_path: Path) -> Office:
    root = tmp_path / "content"
    if request.param == "demo":
        root.mkdir()
        shutil.copy(REPO_ROOT / "calendar.yaml", root / "calendar.yaml")
        shutil.copy(REPO_ROOT / "workdays.yaml", root / "workdays.yaml")
        (root / "releases").mkdir()
        return Office(Settings(root=root, warehouse_dir=tmp_path / "wh"))
    mini = MiniRoot(root)
    mini.write()
    return Office(mini.settings)


@pytest.fixture
def demo_office(tmp_path: Path) -> Office:
    root = tmp_path / "content"
    root.mkdir()
    shutil.copy(REPO_ROOT / "calendar.yaml", root / "calendar.yaml")
    shutil.copy(REPO_ROOT / "workdays.yaml", root / "workdays.yaml")
    (root / "releases").mkdir()
    return Office(Settings(root=root, warehouse_dir=tmp_path / "wh"))
