"""Retention: N loads keep STATPUB_KEEP_SNAPSHOTS + 1 snapshots, a held snapshot is never removed,
and what killed loads leave behind is removed by the next load."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.synthetic import write_content
from statpub.kernel.config import Settings
from statpub.warehouse import holds, retention
from statpub.warehouse.reader import WarehouseReader, open_snapshot
from statpub.warehouse.snapshots import SnapshotStore
from tests.helpers import cli_env, run_cli, start_server

EMBARGOED = "2023-06-01T00:00:00+08:00"  # the synthetic release is still embargoed: reloads allowed
PUBLIC = "2024-06-01T00:00:00+08:00"


def _settings(root: Path) -> Settings:
    return Settings(root=root, warehouse_dir=root / "warehouse" / "data")


def _load(settings: Settings, **env: str) -> None:
    done = run_cli("load", "--quiet", settings=settings, now=EMBARGOED, **env)
    assert done.returncode == 0, done.stderr


def _snapshots(settings: Settings) -> list[str]:
    return sorted(p.name for p in settings.warehouse_dir.glob("statpub_v*.duckdb"))


@pytest.mark.parametrize("keep", [0, 1, 3])
def test_n_loads_keep_the_current_snapshot_and_keep_more(tmp_path: Path, keep: int):
    settings = _settings(tmp_path)
    for months in range(12, 18):  # six loads, each with new data for the embargoed release
        write_content(tmp_path, series=4, months=months)
        _load(settings, STATPUB_KEEP_SNAPSHOTS=str(keep))
    names = _snapshots(settings)
    assert len(names) == keep + 1
    assert SnapshotStore(settings.warehouse_dir).current().name == names[-1] == "statpub_v000006.duckdb"
    assert not list(settings.warehouse_dir.glob("*.wal"))


def test_the_default_keeps_two_previous_and_bad_settings_are_refused(tmp_path: Path):
    assert retention.keep_setting({}) == retention.DEFAULT_KEEP == 2
    settings = _settings(tmp_path)
    for months in range(12, 17):
        write_content(tmp_path, series=3, months=months)
        _load(settings)
    assert len(_snapshots(settings)) == 3
    bad = run_cli("gc", settings=settings, STATPUB_KEEP_SNAPSHOTS="many")
    assert bad.returncode == 1 and "STATPUB_KEEP_SNAPSHOTS" in bad.stderr


def test_a_snapshot_a_reader_holds_is_not_removed_until_it_lets_go(tmp_path: Path):
    settings = _settings(tmp_path)
    write_content(tmp_path, series=3, months=12)
    _load(settings)
    held = open_snapshot(SnapshotStore(settings.warehouse_dir).current())
    for months in (13, 14):
        write_content(tmp_path, series=3, months=months)
        _load(settings, STATPUB_KEEP_SNAPSHOTS="0")
    assert held.path.exists() and holds.is_held(held.path)
    assert _snapshots(settings) == ["statpub_v000001.duckdb", "statpub_v000003.duckdb"]
    gc = run_cli("gc", "--json", settings=settings, STATPUB_KEEP_SNAPSHOTS="0")
    assert json.loads(gc.stdout)["held"] == ["statpub_v000001.duckdb"]
    held.close()
    gc = run_cli("gc", "--json", settings=settings, STATPUB_KEEP_SNAPSHOTS="0")
    assert json.loads(gc.stdout)["removed"] == ["statpub_v000001.duckdb"]
    assert _snapshots(settings) == ["statpub_v000003.duckdb"]
    assert not list(settings.warehouse_dir.glob("*.readers")) or \
        [p.name for p in settings.warehouse_dir.glob("*.readers")] == ["statpub_v000003.duckdb.readers"]


def test_a_reader_that_looked_at_current_long_ago_follows_it_after_removal(tmp_path: Path):
    settings = _settings(tmp_path)
    write_content(tmp_path, series=3, months=12)
    _load(settings)
    stale = SnapshotStore(settings.warehouse_dir).current()
    for months in (13, 14):
        write_content(tmp_path, series=3, months=months)
        _load(settings, STATPUB_KEEP_SNAPSHOTS="0")
    assert not stale.exists()
    with pytest.raises(holds.SnapshotGone):
        open_snapshot(stale)
    assert not holds.hold_path(stale).exists()
    reader = WarehouseReader(settings.warehouse_dir)
    assert reader._open_current(stale).name == "statpub_v000003.duckdb"


@pytest.mark.slow
def test_a_live_server_reading_during_gc_loses_nothing_and_keeps_its_snapshot(tmp_path: Path):
    settings = _settings(tmp_path)
    write_content(tmp_path, series=20, months=24)
    _load(settings)
    from statpub.kernel.clock import Clock, parse_instant
    from tools.synthetic_approvals import approve_loaded

    approve_loaded(settings, Clock(start=parse_instant(EMBARGOED)), "retention test reviewer")
    server = start_server(settings, now=PUBLIC, workers=2, env={"STATPUB_KEEP_SNAPSHOTS": "0", "STATPUB_API_RATE": "0"})
    try:
        first = SnapshotStore(settings.warehouse_dir).current()
        assert server.get("/api/v1/series/S00003/observations").status_code == 200
        assert server.get("/api/v1/series/S00004/observations").status_code == 200
        assert holds.is_held(first), "a worker that answered holds the snapshot it read"
        failures: list[str] = []
        stop = threading.Event()

        def keep_reading() -> None:
            deadline = time.monotonic() + 120
            while not stop.is_set() and time.monotonic() < deadline:
                answer = server.get("/api/v1/series/S00007/observations?format=csv")
                if answer.status_code != 200 or "S00007" not in answer.text:
                    failures.append(f"{answer.status_code}: {answer.text[:200]}")

        readers = [threading.Thread(target=keep_reading) for _ in range(3)]
        for thread in readers:
            thread.start()
        try:
            for _ in range(4):  # each load swaps in a new snapshot and collects the old ones
                gc = run_cli("gc", "--json", settings=settings, STATPUB_KEEP_SNAPSHOTS="0")
                assert gc.returncode == 0, gc.stderr
                with open(tmp_path / "releases" / "catalogue.yaml", "a", encoding="utf-8") as catalogue:
                    catalogue.write(f"# edited {time.time()}\n")  # a new snapshot, same approved content
                _load(settings, STATPUB_KEEP_SNAPSHOTS="0")
                time.sleep(0.3)
        finally:
            stop.set()
            for thread in readers:
                thread.join()
        assert not failures, failures[:3]
        current = SnapshotStore(settings.warehouse_dir).current()

        def reach_every_worker() -> None:
            # Every worker moves to the current snapshot at its next request; requests in parallel
            # reach them all (one after another may keep reusing one worker's connection).
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda _: server.get("/api/v1/series/S00003/observations"), range(16)))

        reach_every_worker()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            gc = json.loads(run_cli("gc", "--json", settings=settings, STATPUB_KEEP_SNAPSHOTS="0").stdout)
            if not gc["held"]:
                break
            reach_every_worker()
            time.sleep(0.2)
        assert _snapshots(settings) == [current.name]
    finally:
        server.stop()


@pytest.mark.slow
def test_kill_nine_at_several_points_then_the_next_load_cleans_the_orphans(tmp_path: Path):
    settings = _settings(tmp_path)
    write_content(tmp_path, series=300, months=600)
    _load(settings)
    first = SnapshotStore(settings.warehouse_dir).current()
    left_behind = []
    for step, delay in enumerate((0.0, 0.2, 0.5, 1.0)):
        write_content(tmp_path, series=300, months=601 + step)
        before = {p.name for p in settings.warehouse_dir.iterdir()}
        process = subprocess.Popen([sys.executable, "-m", "statpub", "load", "--quiet"],
                                   env=cli_env(settings, EMBARGOED), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        # Kill at several points of writing the new snapshot, whatever the machine's speed: wait
        # for the new file to appear, then a little longer each time.
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline and not any(
                p.name.startswith("statpub_v") and p.name not in before for p in settings.warehouse_dir.iterdir()):
            time.sleep(0.02)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        if SnapshotStore(settings.warehouse_dir).current() != first:
            break  # the load finished before the kill
        left_behind += [p.name for p in settings.warehouse_dir.iterdir()
                        if p.name.startswith("statpub_v") and not p.name.startswith(first.name)]
        assert SnapshotStore(settings.warehouse_dir).current() == first
    assert left_behind, "a kill mid-load leaves its half-written snapshot behind"
    _load(settings)
    current = SnapshotStore(settings.warehouse_dir).current()
    number = int(current.name[9:15])
    leftovers = [p.name for p in settings.warehouse_dir.iterdir() if p.name.startswith("statpub_v")
                 and not p.name.endswith(".readers") and int(p.name[9:15]) > number]
    assert leftovers == []
    assert not list(settings.warehouse_dir.glob("*.wal"))
    assert not (settings.warehouse_dir / "tmp").exists() or not any((settings.warehouse_dir / "tmp").iterdir())
    assert len(_snapshots(settings)) <= retention.DEFAULT_KEEP + 1
    assert os.readlink(settings.warehouse_dir / "current") == current.name


def test_status_and_doctor_report_disk_use_with_a_warning_threshold(tmp_path: Path):
    settings = _settings(tmp_path)
    write_content(tmp_path, series=3, months=12)
    _load(settings)
    status = json.loads(run_cli("status", "--json", settings=settings, now=EMBARGOED).stdout)
    disk = status["disk"]
    assert disk["snapshots"] == 1 and disk["snapshots_bytes"] > 0 and disk["warnings"] == []
    assert disk["held"] == []  # no earlier snapshot is held (the current one always stays)
    warned = json.loads(run_cli("status", "--json", settings=settings, now=EMBARGOED,
                                STATPUB_DISK_WARN_PERCENT="0").stdout)["disk"]
    assert any("full" in w for w in warned["warnings"])
    doctor = run_cli("doctor", "--json", settings=settings, now=EMBARGOED, STATPUB_DISK_WARN_PERCENT="0")
    findings = {f["check"]: f for f in json.loads(doctor.stdout)}
    assert findings["disk"]["level"] == "warn" and "snapshot(s)" in findings["disk"]["detail"]
    assert findings["verify"]["level"] in ("ok", "warn")  # nothing published yet: nothing to verify
