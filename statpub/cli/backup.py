"""`statpub backup DEST` and `statpub restore SRC`: everything needed to serve exactly the same site.

A backup is a folder:

    statpub-backup.json     what it is: statpub version, when, the snapshot, its schema version
    content/                the content root: calendar.yaml, releases/ (with approvals.yaml), register/,
                            workdays.yaml and messages.yaml when the office has them
    warehouse/              the current snapshot, the `current` link, approvals.json, load_log.jsonl
    manifests/              the manifest record and its row sidecars
    store/                  the operational store (SQLite online backup, or pg_dump)
    SHA256SUMS              sha256 of every file above (`sha256sum -c SHA256SUMS` checks it too)

It is consistent: taken under the warehouse's writer lock (no load, approval or gc meanwhile),
holding the snapshot it copies, with the store copied through its engine's online backup. It is
written to `DEST.partial` and renamed when complete, so a failure (a full disk) leaves no
half-backup that looks whole. `restore` checks every checksum first, then writes onto an empty
machine: the configured content root, warehouse and store must not hold anything yet.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

from statpub import __version__
from statpub.kernel.config import Settings
from statpub.kernel.content import copy_content
from statpub.kernel.diskfull import disk_full_said
from statpub.kernel.errors import UserError
from statpub.kernel.hashing import sha256_file
from statpub.store import open_store
from statpub.store.backup import backup_store, restore_store
from statpub.warehouse import holds
from statpub.warehouse.approval_overlay import OVERLAY
from statpub.warehouse.manifests import RECORD, exclusive, manifests_dir
from statpub.warehouse.schema import schema_version
from statpub.warehouse.snapshots import CURRENT, SnapshotStore

FORMAT = "statpub-backup/1"
SUMS = "SHA256SUMS"
DESCRIPTION = "statpub-backup.json"


def backup(settings: Settings, dest: Path, now: datetime) -> dict:
    dest = dest.resolve()
    if dest.exists() and any(dest.iterdir()):
        raise UserError(f"{dest} exists and is not empty: back up into a new folder")
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    store = SnapshotStore(settings.warehouse_dir)
    try:
        with store.writer_lock(), disk_full_said("backup", dest.parent, "The site is unchanged."):
            description = _write_backup(settings, store, partial, now)
            _write_sums(partial)
        if dest.exists():
            dest.rmdir()
        partial.rename(dest)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return description


def _write_backup(settings: Settings, store: SnapshotStore, out: Path, now: datetime) -> dict:
    current = store.current()
    if current is None:
        raise UserError(f"no warehouse snapshot in {settings.warehouse_dir}: nothing to back up")
    out.mkdir(parents=True)
    copy_content(settings.root, out / "content")
    warehouse = out / "warehouse"
    warehouse.mkdir()
    fd = holds.hold(current)
    try:
        shutil.copyfile(current, warehouse / current.name)
    finally:
        holds.release(fd)
    (warehouse / CURRENT).symlink_to(current.name)
    for name in ("load_log.jsonl", OVERLAY):  # OVERLAY: approvals in effect beside the snapshot
        if (settings.warehouse_dir / name).is_file():
            shutil.copyfile(settings.warehouse_dir / name, warehouse / name)
    manifests = manifests_dir(settings)
    if (manifests / RECORD).is_file():
        with exclusive(manifests):
            shutil.copytree(manifests, out / "manifests", ignore=shutil.ignore_patterns(".*"))
    operational = open_store(settings)
    backup_store(operational, out / "store")
    import duckdb

    con = duckdb.connect(str(warehouse / current.name), read_only=True)
    try:
        schema = schema_version(con)
    finally:
        con.close()
    description = {"format": FORMAT, "statpub": __version__, "created_at": now.isoformat(),
                   "snapshot": current.name, "schema_version": schema, "store": operational.dialect,
                   "content_root": str(settings.root), "warehouse": str(settings.warehouse_dir)}
    (out / DESCRIPTION).write_text(json.dumps(description, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return description


def _write_sums(folder: Path) -> None:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        lines.append(f"{sha256_file(path)}  {path.relative_to(folder).as_posix()}\n")
    with open(folder / SUMS, "w", encoding="utf-8") as handle:
        handle.writelines(lines)
        handle.flush()
        os.fsync(handle.fileno())


def check_sums(folder: Path) -> int:
    """Every file listed matches its checksum, and nothing listed is missing; returns the count."""
    sums = folder / SUMS
    if not sums.is_file():
        raise UserError(f"{folder} is not a statpub backup: it has no {SUMS}")
    bad = []
    lines = sums.read_text(encoding="utf-8").splitlines()
    for line in lines:
        digest, _, name = line.partition("  ")
        path = folder / name
        if not path.is_file():
            bad.append(f"{name}: missing")
        elif sha256_file(path) != digest:
            bad.append(f"{name}: checksum differs")
    if bad:
        raise UserError(f"backup {folder} is damaged; nothing restored: " + "; ".join(bad[:10]))
    return len(lines)


def restore(settings: Settings, source: Path) -> dict:
    source = source.resolve()
    checked = check_sums(source)
    description = json.loads((source / DESCRIPTION).read_text(encoding="utf-8"))
    if description.get("format") != FORMAT:
        raise UserError(f"{source}: unknown backup format {description.get('format')!r}")
    _refuse_non_empty(settings)
    settings.root.mkdir(parents=True, exist_ok=True)
    copy_content(source / "content", settings.root, skip=("calendar.yaml",))
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    name = description["snapshot"]
    shutil.copyfile(source / "warehouse" / name, settings.warehouse_dir / name)
    for extra in ("load_log.jsonl", OVERLAY):
        if (source / "warehouse" / extra).is_file():
            shutil.copyfile(source / "warehouse" / extra, settings.warehouse_dir / extra)
    if (source / "manifests").is_dir():
        shutil.copytree(source / "manifests", manifests_dir(settings), dirs_exist_ok=True)
    restore_store(open_store(settings), source / "store")
    SnapshotStore(settings.warehouse_dir).publish(settings.warehouse_dir / name)
    # The calendar last: until it is there, the folder is not a content root and serves nothing.
    shutil.copy2(source / "content" / "calendar.yaml", settings.root / "calendar.yaml")
    return {**description, "files_checked": checked, "restored_to": {
        "content_root": str(settings.root), "warehouse": str(settings.warehouse_dir)}}


def _refuse_non_empty(settings: Settings) -> None:
    taken = [p for p in (settings.root / "calendar.yaml", settings.root / "releases",
                         settings.warehouse_dir / CURRENT, settings.warehouse_dir / "operational.sqlite",
                         manifests_dir(settings) / RECORD) if p.exists() or p.is_symlink()]
    if taken:
        raise UserError("restore goes onto an empty machine, but these exist already: "
                        + ", ".join(str(p) for p in taken) + " (move them aside first)")
