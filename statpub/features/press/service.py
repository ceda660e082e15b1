"""What the CLI and the web tier share: where the store and the chart cache live, and how a pack
is handed out (built for the reader's gate, logged when embargoed, only then released)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import g, has_request_context

from statpub.dashboards.filecache import FileCache
from statpub.features.press.access import AccessLog
from statpub.features.press.pack import Pack, build_pack
from statpub.features.press.pack.content import PackOffice
from statpub.kernel.config import Settings
from statpub.kernel.office import public_office
from statpub.store import Store, open_store
from statpub.warehouse.gate import Gate

MIGRATIONS = Path(__file__).parent / "migrations"


def store_for(settings: Settings) -> Store:
    """The operational store with the pre-release tables (the access log) in place."""
    store = open_store(settings)
    store.migrate("press", MIGRATIONS)
    return store


def access_log_for(settings: Settings) -> AccessLog:
    return AccessLog(store_for(settings))


def chart_cache(settings: Settings) -> FileCache:
    return FileCache(settings.warehouse_dir / "cache" / "press-charts")


def office_of(settings: Settings, gate: Gate | None = None) -> PackOffice:
    """Who publishes, for the pack: the office's names, licence and notice as the public sees them
    (the version approved by now, from the gate's public metadata; the content's without a gate)."""
    office = public_office(settings, gate.metadata().office if gate is not None else None)
    return PackOffice((office.name.zh, office.name.en), office.licence_line(),
                      (office.notice.zh, office.notice.en) if office.notice else None)


def deliver_pack(gate: Gate, release_id: str, out_dir: Path, settings: Settings, *, channel: str,
                 generated_for: dict | None = None) -> Pack:
    """Build the pack in a private folder, log it if it is embargoed, then move it to `out_dir`.
    If the log cannot be written, nothing is handed out."""
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".statpub-pack-", dir=out_dir))
    try:
        pack = build_pack(gate, release_id, work, cache=chart_cache(settings), office=office_of(settings, gate),
                          generated_for=generated_for)
        if pack.embargoed:
            access_log_for(settings).record(gate.reader, release_id, "pack", gate.now, channel=channel,
                                            file_name=pack.download_name, sha256=pack.sha256)
            if has_request_context():  # logged here with the pack's name and sha256, not again
                g.setdefault("press_logged", set()).add(release_id)
        target = out_dir / pack.download_name
        pack.path.replace(target)
        return Pack(target, pack.download_name, pack.sha256, pack.manifest, pack.content)
    finally:
        shutil.rmtree(work, ignore_errors=True)
