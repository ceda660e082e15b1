"""The register's jobs for the one scheduler (`statpub scheduler`):

- `register.lapse` — at midnight after a survey project's or report system's last valid day: the
  gate already shows it lapsed from that instant (the rule reads the clock); the job notes the lapse
  in the operational store for staff, logs it, and rebuilds the search index;
- `register.search-index` — at every instant what the public may see changes (a release or an item
  going public, an item withdrawn by its privacy rule): the index for the new public state is built
  right away, so the first search after an instant does not wait for it.

Instants are read afresh from the current snapshot each time (a load or an approval is followed)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from statpub.kernel.jobs import Job, Occurrence, at_instants
from statpub.store import open_store
from statpub.warehouse import publication
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader, WarehouseUnavailable
from statpub.warehouse.register_catalogue import register_change_points
from statpub.warehouse.register_state import lapse_instant, state_of

log = logging.getLogger("statpub.register")
MIGRATIONS = Path(__file__).parent / "migrations"
NAMESPACE = "register"


def _snapshot(reader: WarehouseReader):
    try:
        return reader.snapshot()
    except WarehouseUnavailable:
        return None


def lapse_instants(reader: WarehouseReader):
    def instants() -> list[datetime]:
        snapshot = _snapshot(reader)
        if snapshot is None:
            return []
        state = state_of(snapshot)
        return sorted({t for v in state.versions if state.since.get(v.key) and (t := lapse_instant(v))})
    return instants


def change_instants(reader: WarehouseReader):
    def instants() -> list[datetime]:
        snapshot = _snapshot(reader)
        if snapshot is None:
            return []
        releases = {t for r in snapshot.releases.values() if r.publishable_state
                    and (t := publication.public_since(r)) is not None}
        return sorted(releases | set(register_change_points(snapshot)))  # privacy as the public rules apply it
    return instants


def rebuild_index(settings, now: datetime) -> Path | None:
    from statpub.dashboards.hooks import plugin_manager
    from statpub.features.register.search.index import SearchIndex

    snapshot = _snapshot(WarehouseReader(settings.warehouse_dir))
    if snapshot is None:
        return None
    return SearchIndex(settings, plugin_manager().hook).ensure(Gate(snapshot, now))


def note_lapses(settings, occurrence: Occurrence) -> list[str]:
    snapshot = _snapshot(WarehouseReader(settings.warehouse_dir))
    if snapshot is None:
        return []
    state = state_of(snapshot)
    lapsed = [v for v in state.versions if state.since.get(v.key) and lapse_instant(v) == occurrence.due]
    store = open_store(settings)
    store.migrate(NAMESPACE, MIGRATIONS)
    noted = occurrence.now().astimezone(UTC).isoformat()
    with store.transaction() as con:
        for version in lapsed:
            if not con.execute("SELECT 1 FROM register_events WHERE item_id = ? AND event = 'lapsed' AND due_at = ?",
                               [version.item_id, occurrence.due.isoformat()]).fetchone():
                con.execute("INSERT INTO register_events VALUES (?, 'lapsed', ?, ?)",
                            [version.item_id, occurrence.due.isoformat(), noted])
            log.info(json.dumps({"event": "register_item_lapsed", "item": version.item_id, "kind": version.kind,
                                 "valid_until": version.data.get("valid_until"), "at": occurrence.due.isoformat()}))
    rebuild_index(settings, occurrence.now())
    return [v.item_id for v in lapsed]


def jobs(settings) -> list[Job]:
    reader = WarehouseReader(settings.warehouse_dir)
    return [
        Job("register.lapse", at_instants(lapse_instants(reader)), lambda occ: note_lapses(settings, occ),
            description="note survey projects and report systems lapsing at midnight after their last valid day"),
        Job("register.search-index", at_instants(change_instants(reader)),
            lambda occ: rebuild_index(settings, occ.now()),
            description="build the search index for what the public may see from this instant"),
    ]
