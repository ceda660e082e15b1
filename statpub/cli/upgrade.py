"""`statpub upgrade`: bring a warehouse and an operational store written by an earlier statpub up to
this version, in place, without a reload from the content root.

1. Manifests first: releases published by the earlier version get theirs recorded from the
   snapshot that version wrote, before anything changes (that version kept none).
2. The operational store: every namespace's migrations (the scheduler's, and each installed
   feature's `migrations/` folder, named after the feature), applied once each.
3. The warehouse: when the current snapshot's schema is behind, a new snapshot is built the usual
   way — a copy of the current one with the migrations applied, then swapped in atomically — so
   the old snapshot stays as it was (kept by retention) and readers never see a half-migrated file.
4. A line in `<warehouse>/upgrades.jsonl`, and `statpub verify --all` to show that every published
   figure, flag, note and file reads as before.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from statpub import __version__
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.kernel.errors import UserError

LOG = "upgrades.jsonl"


def store_namespaces() -> list[tuple[str, Path]]:
    """(namespace, migrations folder) of the scheduler and of every installed feature."""
    from importlib.metadata import entry_points

    from statpub.store.scheduler import MIGRATIONS as SCHEDULER

    found = [("scheduler", SCHEDULER)]
    for entry in sorted(entry_points(group="statpub.features"), key=lambda e: e.name):
        package = importlib.import_module(entry.value.rsplit(".", 1)[0])
        folder = Path(package.__file__).parent / "migrations"
        if folder.is_dir():
            found.append((entry.name, folder))
    return found


def previous_version(settings: Settings) -> str:
    log = settings.warehouse_dir / LOG
    if log.is_file():
        lines = log.read_text(encoding="utf-8").splitlines()
        if lines:
            return json.loads(lines[-1])["to"]
    return "0.1.0 or earlier"


def upgrade(settings: Settings, clock: Clock, *, files: bool = True) -> dict:
    from statpub.cli.verify import record
    from statpub.store import open_store
    from statpub.warehouse.schema import migrations, schema_version
    from statpub.warehouse.snapshots import SnapshotStore

    snapshots = SnapshotStore(settings.warehouse_dir)
    current = snapshots.current()
    if current is None:
        raise UserError(f"no warehouse in {settings.warehouse_dir}: nothing to upgrade (run `statpub load`)")
    recorded = record(settings, clock, files=files)
    store = open_store(settings)
    namespaces = store_namespaces()
    for namespace, folder in namespaces:
        store.migrate(namespace, folder)
    import duckdb

    con = duckdb.connect(str(current), read_only=True)
    try:
        before = schema_version(con)
    finally:
        con.close()
    newest = max(version for version, _, _ in migrations())
    snapshot = current.name
    if before < newest:
        with snapshots.writer_lock(), snapshots.build() as (_con, path):
            snapshot = path.name
    entry = {"at": clock.now().isoformat(), "from": previous_version(settings), "to": __version__,
             "schema": [before, newest], "snapshot": snapshot, "store_namespaces": [n for n, _ in namespaces],
             "manifests_recorded": recorded}
    with open(settings.warehouse_dir / LOG, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return entry
