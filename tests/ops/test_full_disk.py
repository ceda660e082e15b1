"""A full disk, on a real small filesystem (a tmpfs mounted by the test): a load, an approval, a
briefing pack and a download-cache write each fail with a clear message, leave the previous state
serving, and remove their partial files."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bench.synthetic import write_content
from statpub.kernel.config import Settings
from statpub.warehouse.snapshots import SnapshotStore
from tests.etl.builder import MiniRoot
from tests.fixtures.durable import FIRST, SERIES
from tests.helpers import run_cli, start_server

EMBARGOED = "2023-06-01T00:00:00+08:00"
BEFORE_Q1 = "2024-04-01T00:00:00+08:00"
AFTER_Q1 = "2024-05-01T00:00:00+08:00"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 12 MiB filesystem of its own (tmpfs; the tests run as root, as CI does)."""
    yield from _mounted(tmp_path / "disk", "12m")


@pytest.fixture
def roomy_disk(tmp_path: Path) -> Iterator[Path]:
    """Room for a snapshot, the checks' scratch copy and the approval's new snapshot, once emptied."""
    yield from _mounted(tmp_path / "disk", "40m")


def _mounted(mount: Path, size: str) -> Iterator[Path]:
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    assert done.returncode == 0, f"cannot mount a tmpfs for the full-disk tests: {done.stderr}"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave: int = 64 * 1024) -> Path:
    """Take all but `leave` bytes of the filesystem."""
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(filler, "ab") as handle:
        handle.write(b"\0" * max(0, free - leave))
    return filler


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith((".wal", ".tmp", ".partial"))
                  or p.name.startswith(".statpub-pack") or p.name.startswith("statpub-pack-"))


def test_a_load_that_fills_the_disk_changes_nothing(tmp_path: Path, small_disk: Path):
    content = tmp_path / "content"
    write_content(content, series=10, months=12)
    settings = Settings(root=content, warehouse_dir=small_disk / "warehouse")
    assert run_cli("load", "--quiet", settings=settings, now=EMBARGOED).returncode == 0
    first = SnapshotStore(settings.warehouse_dir).current()
    write_content(content, series=300, months=1200)  # 360,000 rows: more than the disk holds
    done = run_cli("load", "--quiet", settings=settings, now=EMBARGOED)
    assert done.returncode == 1
    assert "disk holding" in done.stderr and "is full" in done.stderr and first.name in done.stderr
    assert "Traceback" not in done.stderr
    assert SnapshotStore(settings.warehouse_dir).current() == first
    assert sorted(p.name for p in settings.warehouse_dir.glob("statpub_v*.duckdb")) == [first.name]
    assert _leftovers(settings.warehouse_dir) == []
    assert not (settings.warehouse_dir / "tmp").exists()
    status = run_cli("status", "--json", settings=settings, now=EMBARGOED)
    assert status.returncode == 0 and '"snapshot": "statpub_v000001.duckdb"' in status.stdout


def _office_on(disk: Path, tmp_path: Path) -> Settings:
    root = MiniRoot(tmp_path / "office")
    texts = {"interpretation.zh.md": "一季度地区生产总值{{GDP@2024-Q1}}。\n",
             "interpretation.en.md": "GDP in the first quarter: {{GDP@2024-Q1}}.\n"}
    root.add("q1", "2024-04-19T10:00:00+08:00", SERIES, [{"file": "d.csv", "layout": "long"}], {"d.csv": FIRST, **texts},
             provenance=True)
    return Settings(root=root.root, warehouse_dir=disk / "warehouse")


def test_an_approval_on_a_full_disk_is_not_recorded_and_the_previous_snapshot_serves(tmp_path: Path,
                                                                                        roomy_disk: Path):
    small_disk = roomy_disk
    settings = _office_on(small_disk, tmp_path)
    assert run_cli("load", "--quiet", settings=settings, now=BEFORE_Q1).returncode == 0
    first = SnapshotStore(settings.warehouse_dir).current()
    approvals = settings.root / "releases" / "approvals.yaml"
    before = approvals.read_bytes() if approvals.exists() else None
    _fill(small_disk, leave=0)
    done = run_cli("approve", "q1", "--reviewer", "审核员 Reviewer", settings=settings, now=BEFORE_Q1)
    assert done.returncode == 1, done.stdout
    assert "is full" in done.stderr and "Traceback" not in done.stderr
    assert (approvals.read_bytes() if approvals.exists() else None) == before
    assert SnapshotStore(settings.warehouse_dir).current() == first
    assert _leftovers(settings.warehouse_dir) == []
    (small_disk / "filler").unlink()
    again = run_cli("approve", "q1", "--reviewer", "审核员 Reviewer", settings=settings, now=BEFORE_Q1)
    assert again.returncode == 0, again.stderr
    assert len(yaml.safe_load(approvals.read_text(encoding="utf-8"))) == 1


@pytest.mark.slow
def test_packs_and_download_cache_writes_on_a_full_disk(tmp_path: Path, roomy_disk: Path):
    small_disk = roomy_disk
    settings = _office_on(small_disk, tmp_path)
    assert run_cli("load", "--quiet", settings=settings, now=BEFORE_Q1).returncode == 0
    assert run_cli("approve", "q1", "--reviewer", "审核员 Reviewer", settings=settings, now=BEFORE_Q1).returncode == 0
    server = start_server(settings, now=AFTER_Q1)
    try:
        assert server.get("/api/v1/files/q1/series/GDP.csv").status_code == 200  # built before the disk fills
        filler = _fill(small_disk, leave=0)
        answer = server.get("/api/v1/files/q1/history.parquet")
        assert answer.status_code == 503
        assert "full" in answer.text and "Traceback" not in answer.text
        assert server.get("/api/v1/files/q1/series/GDP.csv").status_code == 200  # what was built still serves
        assert server.get("/api/v1/series/GDP/observations").status_code == 200
        assert _leftovers(settings.warehouse_dir) == []

        packs = small_disk / "packs"
        done = run_cli("pack", "q1", "--out", str(packs), settings=settings, now=AFTER_Q1, timeout=300)
        assert done.returncode == 1 and "briefing pack" in done.stderr and "is full" in done.stderr
        assert not packs.exists() or list(packs.iterdir()) == []
        filler.unlink()
        assert server.get("/api/v1/files/q1/history.parquet").status_code == 200
    finally:
        server.stop()
