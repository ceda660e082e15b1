"""Backup → restore into a fresh folder → the restored server answers every pinned file
byte-identically and shows the same access log; a damaged backup or a machine that is not empty is
refused and nothing is written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from statpub.cli.verify import record
from statpub.features.press.service import store_for as press_store
from statpub.kernel.config import Settings
from statpub.warehouse.manifests import ManifestRecord, manifests_dir
from tests.cli.test_verify import DEMO_NOW
from tests.fixtures.durable import AFTER_BOTH, AFTER_BOTH_ISO, private_demo, small_office
from tests.helpers import run_cli, start_server


def _with_access_log(settings: Settings) -> None:
    added = run_cli("user", "add", "press.wang", "--role", "press", "--display-name", "王记者 Wang",
                    "--org", "示例日报 Example Daily", "--password-stdin", settings=settings,
                    input_text="a long enough password\n")
    assert added.returncode == 0, added.stderr
    with press_store(settings).connect() as con:  # the access log is the press feature's table
        con.executemany(
            "INSERT INTO access_log (at, user_name, role, release_id, what, channel, file_name, sha256, "
            "display_name, organisation) VALUES (?, ?, 'press', ?, ?, 'web', ?, ?, '王记者 Wang', '示例日报 Example Daily')",
            [["2024-12-09T03:00:00+00:00", "press.wang", "q1-final", "view", None, None],
             ["2024-12-09T03:05:00+00:00", "press.wang", "q1-final", "export", "q1-final.zip", "ab" * 32]])


def _restored(tmp_path: Path) -> Settings:
    root = tmp_path / "fresh-machine" / "content"
    return Settings(root=root, warehouse_dir=tmp_path / "fresh-machine" / "warehouse")


def _restore_env(settings: Settings) -> dict[str, str]:
    return {"STATPUB_ROOT": str(settings.root), "STATPUB_WAREHOUSE": str(settings.warehouse_dir)}


@pytest.mark.slow
def test_backup_then_restore_serves_the_same_files_and_access_log(tmp_path: Path):
    settings = small_office(tmp_path / "office")
    _with_access_log(settings)
    record(settings, AFTER_BOTH)
    backup = tmp_path / "backups" / "2025-01-01"
    done = run_cli("backup", str(backup), "--json", settings=settings, now=AFTER_BOTH_ISO)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["snapshot"].startswith("statpub_v")
    assert (backup / "SHA256SUMS").is_file() and (backup / "store" / "operational.sqlite").is_file()

    fresh = _restored(tmp_path)
    restored = run_cli("restore", str(backup), now=AFTER_BOTH_ISO, **_restore_env(fresh))
    assert restored.returncode == 0, restored.stderr
    original_log = run_cli("access-log", "q1-final", "--json", settings=settings, now=AFTER_BOTH_ISO)
    restored_log = run_cli("access-log", "q1-final", "--json", settings=fresh, now=AFTER_BOTH_ISO)
    assert restored_log.returncode == 0 and json.loads(restored_log.stdout) == json.loads(original_log.stdout)
    assert len(json.loads(restored_log.stdout)) == 2

    files = [entry for rid in ("q1", "q1-final")
             for entry in ManifestRecord.open(manifests_dir(fresh)).files(rid).values()]
    assert len(files) > 10
    server = start_server(fresh, now=AFTER_BOTH_ISO)
    try:
        for entry in files:
            answer = server.get(entry["path"])
            assert answer.status_code == 200, entry["path"]
            assert hashlib.sha256(answer.content).hexdigest() == entry["sha256"], entry["path"]
    finally:
        server.stop()
    assert run_cli("verify", "--all", settings=fresh, now=AFTER_BOTH_ISO).returncode == 0


def test_a_damaged_backup_or_a_machine_in_use_is_refused(tmp_path: Path):
    settings = small_office(tmp_path / "office")
    backup = tmp_path / "backup"
    assert run_cli("backup", str(backup), settings=settings, now=AFTER_BOTH_ISO).returncode == 0
    again = run_cli("backup", str(backup), settings=settings, now=AFTER_BOTH_ISO)
    assert again.returncode == 1 and "not empty" in again.stderr
    refused = run_cli("restore", str(backup), now=AFTER_BOTH_ISO, **_restore_env(settings))
    assert refused.returncode == 1 and "empty machine" in refused.stderr

    snapshot = next((backup / "warehouse").glob("statpub_v*.duckdb"))
    data = bytearray(snapshot.read_bytes())
    data[len(data) // 2] ^= 0xFF
    snapshot.write_bytes(bytes(data))
    fresh = _restored(tmp_path)
    damaged = run_cli("restore", str(backup), now=AFTER_BOTH_ISO, **_restore_env(fresh))
    assert damaged.returncode == 1 and f"warehouse/{snapshot.name}: checksum differs" in damaged.stderr
    assert not fresh.root.exists() and not fresh.warehouse_dir.exists()


@pytest.mark.slow
def test_the_demo_restored_verifies_against_its_manifests(demo_settings: Settings, tmp_path: Path):
    from statpub.cli.backup import backup, restore
    from statpub.cli.verify import verify

    settings = private_demo(demo_settings, tmp_path / "demo")
    record(settings, DEMO_NOW, files=False)
    backup(settings, tmp_path / "backup", DEMO_NOW.now())
    fresh = _restored(tmp_path)
    restore(fresh, tmp_path / "backup")
    assert (fresh.root / "releases" / "approvals.yaml").is_file()
    report = verify(fresh, DEMO_NOW, every=True, files=False)
    assert report.ok and len(report.checked) > 30, report.as_json()
