"""Fixtures for the review tests: a private copy of the demo content whose warehouse starts as a
copy of the session's loaded demo warehouse, so each test's first load is incremental."""

from __future__ import annotations

import os
import shutil

import pytest

from statpub.kernel.config import Settings
from statpub.warehouse.snapshots import SnapshotStore


@pytest.fixture
def loaded_copy(demo_copy: Settings, demo_settings: Settings) -> Settings:
    source = SnapshotStore(demo_settings.warehouse_dir)
    current = source.current()
    target = demo_copy.warehouse_dir
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(current, target / current.name)
    os.symlink(current.name, target / "current")
    return demo_copy
