"""What the CLI and the web tier share: where the store and the chart cache live, and how a pack
is handed out (built for the reader's gate, logged when embargoed, only then released)."""

from __future__ import annotations

import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from dashboards.filecache import FileCache
from press.access import AccessLog
from press.accounts import Accounts
from press.pack import Pack, build_pack
from press.store import OperationalStore
from statpub.config import Settings
from warehouse.gate import Gate


@lru_cache(maxsize=16)
def _store(warehouse_dir: Path) -> OperationalStore:
    return OperationalStore.beside(warehouse_dir)


def store_for(settings: Settings) -> OperationalStore:
    """One store object per warehouse and process (it holds no connection, only the knowledge
    that the schema is in place)."""
    return _store(Path(settings.warehouse_dir))


def accounts_for(settings: Settings) -> Accounts:
    return Accounts(store_for(settings))


def access_log_for(settings: Settings) -> AccessLog:
    return AccessLog(store_for(settings))


def chart_cache(settings: Settings) -> FileCache:
    return FileCache(settings.warehouse_dir / "cache" / "press-charts")


@lru_cache(maxsize=8)
def _office(catalogue_path: Path, mtime: float) -> tuple[str, str]:
    from statpub.content import ContentRoot

    office = ContentRoot(catalogue_path.parents[1]).load_catalogue().office
    return office.zh, office.en


def office_of(settings: Settings) -> tuple[str, str]:
    """The office's name in both languages (catalogue metadata, public)."""
    path = settings.content.catalogue_path
    return _office(path, path.stat().st_mtime)


def deliver_pack(gate: Gate, release_id: str, out_dir: Path, settings: Settings, *, channel: str,
                 generated_for: dict | None = None) -> Pack:
    """Build the pack in a private folder, log it if it is embargoed, then move it to `out_dir`.
    If the log cannot be written, nothing is handed out."""
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".statpub-pack-", dir=out_dir))
    try:
        pack = build_pack(gate, release_id, work, cache=chart_cache(settings), office=office_of(settings),
                          generated_for=generated_for)
        if pack.embargoed:
            access_log_for(settings).record(gate.reader, release_id, "pack", gate.now, channel=channel,
                                            file_name=pack.download_name, sha256=pack.sha256)
        target = out_dir / pack.download_name
        pack.path.replace(target)
        return Pack(target, pack.download_name, pack.sha256, pack.manifest, pack.content)
    finally:
        shutil.rmtree(work, ignore_errors=True)
