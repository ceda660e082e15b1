"""A load killed with SIGKILL at any moment leaves the previous snapshot serving and readable."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.synthetic import write_content
from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.config import Settings
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader, open_snapshot
from statpub.warehouse.snapshots import SnapshotStore
from tests.helpers import cli_env, run_cli
from tools.synthetic_approvals import approve_loaded

BEFORE_RELEASE = "2023-06-01T00:00:00+08:00"  # the synthetic release is still embargoed: reloads allowed
LATER = datetime(2025, 1, 1, tzinfo=UTC)
CLOCK = Clock(start=parse_instant(BEFORE_RELEASE))


def answer(path: Path) -> list[dict]:
    snapshot = open_snapshot(path)
    try:
        return Gate(snapshot, LATER).observations(["S00042", "S00299"]).to_pylist()
    finally:
        snapshot.close()


@pytest.mark.slow
def test_kill_nine_mid_load_keeps_previous_snapshot(tmp_path: Path):
    write_content(tmp_path, series=300, months=1000)
    settings = Settings(root=tmp_path, warehouse_dir=tmp_path / "warehouse" / "data")
    assert run_cli("load", "--quiet", settings=settings, now=BEFORE_RELEASE).returncode == 0
    approve_loaded(settings, CLOCK, "kill test reviewer")
    store = SnapshotStore(settings.warehouse_dir)
    first = store.current()
    expected = answer(first)
    assert len(expected) == 2000

    write_content(tmp_path, series=300, months=1001)  # new data for the same, still embargoed, release
    outcomes = []
    for delay in (0.1, 0.4, 0.8, 1.2, 1.6, 2.2):
        process = subprocess.Popen([sys.executable, "-m", "statpub", "load", "--quiet"],
                                   env=cli_env(settings, BEFORE_RELEASE), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        current = store.current()
        outcomes.append(current == first)
        if current == first:
            assert answer(current) == expected  # byte-for-byte the same figures
        else:  # the load finished before the kill: the new snapshot is complete (awaiting approval)
            approve_loaded(settings, CLOCK, "kill test reviewer")
            assert len(answer(store.current())) == 2002
            break
    assert outcomes[0] is True, "the earliest kill must leave the previous snapshot current"

    # A later load succeeds and cleans up what killed loads left behind.
    assert run_cli("load", "--quiet", settings=settings, now=BEFORE_RELEASE).returncode == 0
    approve_loaded(settings, CLOCK, "kill test reviewer")
    current = store.current()
    assert len(answer(current)) == 2002
    assert all(v <= int(current.stem.split("_v")[1]) for v in store.versions())
    reader = WarehouseReader(settings.warehouse_dir)
    assert reader.snapshot().path == current
