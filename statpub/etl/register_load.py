"""Loading the register into the snapshot under construction (called by `etl/load.py`).

The whole register is validated first (every problem, located); then, in the new snapshot:
1. versions that went public since the last load are recorded as such (by the rule of
   `warehouse/register_state.py`, on the state the previous snapshot held) — for ever;
2. approvals are synced from `register/approvals.yaml` (append-only);
3. each item's current content becomes its current version (a new version when its content hash
   changed); versions replaced before they ever went public are dropped, those that went public
   are kept; an item that has gone public cannot be removed from the content root;
4. attachments are stored once per sha256; the catalogue of matters and the privacy rules are
   public metadata: `register_matters`/`register_settings` hold them as the content root does now
   (the structure, and staff views), and every version is recorded with the other public metadata
   (`etl/metadata.py`: `register:matter:<id>`, `register:rules`) — the public sees the approved one
   (`warehouse/register_catalogue.py`) until `statpub approve --metadata`; upgrading a warehouse
   that held a catalogue before it was reviewed, that catalogue is recorded first (public as it was);
5. versions public at the load's instant are recorded again (an approval after the instant).
A problem anywhere fails the load, and the previous snapshot keeps serving.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import duckdb

from statpub.etl import metadata
from statpub.etl.register_approvals import read_approvals, sync
from statpub.etl.register_hash import CURRENT, all_hashes, canonical_json
from statpub.kernel.errors import Problem, ValidationFailed
from statpub.kernel.hashing import sha256_of
from statpub.kernel.register_models import ATTACHMENT_TYPES, Interpretation
from statpub.kernel.register_root import (
    LoadedItem,
    Register,
    approvals_path,
    load_register,
    register_dir,
)
from statpub.warehouse.register_state import read_state


def fingerprint(root: Path) -> str:
    """Changes whenever any file of the register folder does (a new snapshot is then built)."""
    base = register_dir(root)
    if not base.is_dir():
        return "-"
    digest = hashlib.sha256()
    for path in sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith(".")):
        digest.update(f"{path.relative_to(base).as_posix()}:{sha256_of(path)}\n".encode())
    return digest.hexdigest()


def sync_register(con: duckdb.DuckDBPyConnection, root: Path, now: datetime) -> None:
    register = load_register(root)  # ValidationFailed with every located problem
    record_public(con, now)
    adopt_public_catalogue(con, now)
    approvals, problems = read_approvals(approvals_path(root))
    if not problems:
        problems += sync(con, approvals)
    if not problems:
        problems += _write_items(con, register, now)
    if problems:
        raise ValidationFailed(problems, context="register: load refused")
    metadata.record(con, metadata.register_items(register.catalogue if register else None), now, register=True)
    record_public(con, now)


def adopt_public_catalogue(con: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """Upgrading a warehouse whose catalogue was public before it was reviewed: the catalogue it
    holds (what the public saw) is recorded as the first one, public without an approval, so that
    an edit made in the content meanwhile waits for approval like any later one."""
    if con.execute("SELECT count(*) FROM metadata_versions WHERE starts_with(item, ?)",
                   [metadata.REGISTER]).fetchone()[0]:
        return  # recorded already
    matters = con.execute("SELECT matter_id, matter_json FROM register_matters ORDER BY position").fetchall()
    if not matters:
        return  # a first catalogue still to come from the content
    settings = dict(con.execute("SELECT key, value FROM register_settings").fetchall())
    items = {f"{metadata.REGISTER_MATTER}{mid}": metadata.canonical(json.loads(body)) for mid, body in matters}
    items[metadata.REGISTER_RULES] = metadata.rules_body(json.loads(settings.get("privacy", "{}")),
                                                        int(settings.get("lapsing_days", "60")))
    metadata.record(con, items, now, register=True)


def record_public(con: duckdb.DuckDBPyConnection, now: datetime) -> None:
    """Record, for ever, every version public at `now` by the rule applied to what the snapshot holds."""
    state = read_state(con)
    for version in state.versions:
        since = state.since.get(version.key)
        if version.recorded_since is None and since is not None and since <= now:
            con.execute("UPDATE register_versions SET public_since = ? WHERE item_id = ? AND content_hash = ?",
                        [since, version.item_id, version.content_hash])


def _write_items(con: duckdb.DuckDBPyConnection, register: Register | None, now: datetime) -> list[Problem]:
    published = {iid for (iid,) in con.execute(
        "SELECT DISTINCT item_id FROM register_versions WHERE public_since IS NOT NULL").fetchall()}
    kept = register.items if register is not None else {}
    problems = [Problem("register", None, None, None,
                        f"item {iid} has gone public and cannot be removed from the register; publish a change "
                        "instead (e.g. a document's `repealed` date)") for iid in sorted(published - set(kept))]
    if problems:
        return problems
    con.execute("UPDATE register_versions SET is_current = false")
    stored: dict[str, list[tuple[str, dict]]] = {}
    for iid, digest, held in con.execute("SELECT item_id, content_hash, hashes_json FROM register_versions").fetchall():
        stored.setdefault(iid, []).append((digest, json.loads(held)))
    for item in kept.values():
        hashes = all_hashes(item)
        partner, required = _partner(register, item)
        same = _stored_as(stored.get(item.id, []), hashes)
        if same is not None:  # the same content (under a hash version both know): one version, hashes completed
            digest, held = same
            con.execute("UPDATE register_versions SET is_current = true, partner_id = ?, partner_required = ?, "
                        "hashes_json = ? WHERE item_id = ? AND content_hash = ?",
                        [partner, required, json.dumps({**held, **hashes}), item.id, digest])
            continue
        files = _store_files(con, item)
        model = item.model
        con.execute("INSERT INTO register_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, ?, NULL)", [
            item.id, hashes[CURRENT], item.kind, model.matter, model.instant, model.created, model.changed,
            model.record_date(), canonical_json(item), json.dumps(hashes), json.dumps(files), partner, required, now])
    con.execute("DELETE FROM register_versions WHERE NOT is_current AND public_since IS NULL")
    _drop_orphan_files(con)
    _write_catalogue(con, register)
    return []


def _stored_as(versions: list[tuple[str, dict]], hashes: dict[str, str]) -> tuple[str, dict] | None:
    """The stored version holding this content: the one whose hash equals it under a version of the
    hash both know (a version declared since the content was stored is not in its record yet)."""
    return next(((digest, held) for digest, held in versions
                 if any(held.get(version) == value for version, value in hashes.items())), None)


def _partner(register: Register | None, item: LoadedItem) -> tuple[str | None, bool]:
    """三同步: an interpretation goes out with its document; a document with its interpretation
    when it has one, or when its matter requires one."""
    if register is None:
        return None, False
    if isinstance(item.model, Interpretation):
        return item.model.interprets, True
    if item.kind != "document":
        return None, False
    interpretation = register.interpretation_of(item.id)
    matter = next((m for m in register.catalogue.matters if m.id == item.model.matter), None)
    required = interpretation is not None or bool(matter and matter.interpretation_required)
    return (interpretation.id if interpretation else None), required


def _store_files(con: duckdb.DuckDBPyConnection, item: LoadedItem) -> list[dict]:
    files = []
    for name, path in item.files:
        sha = sha256_of(path)
        if not con.execute("SELECT count(*) FROM register_files WHERE sha256 = ?", [sha]).fetchone()[0]:
            con.execute("INSERT INTO register_files VALUES (?, ?)", [sha, path.read_bytes()])
        files.append({"name": name, "sha256": sha, "size": path.stat().st_size,
                      "mimetype": ATTACHMENT_TYPES[path.suffix.lower()]})
    return files


def _drop_orphan_files(con: duckdb.DuckDBPyConnection) -> None:
    used = {f["sha256"] for (files,) in con.execute("SELECT files_json FROM register_versions").fetchall()
            for f in json.loads(files)}
    stored = {sha for (sha,) in con.execute("SELECT sha256 FROM register_files").fetchall()}
    for sha in sorted(stored - used):
        con.execute("DELETE FROM register_files WHERE sha256 = ?", [sha])


def _write_catalogue(con: duckdb.DuckDBPyConnection, register: Register | None) -> None:
    con.execute("DELETE FROM register_matters")
    con.execute("DELETE FROM register_settings")
    if register is None:
        return
    catalogue = register.catalogue
    con.executemany("INSERT INTO register_matters VALUES (?, ?, ?, ?)", [
        [m.id, m.kind, position, json.dumps(m.model_dump(mode="json"), ensure_ascii=False)]
        for position, m in enumerate(catalogue.matters)])
    privacy = {kind: rule.model_dump(mode="json") for kind, rule in catalogue.privacy.items()}
    con.executemany("INSERT INTO register_settings VALUES (?, ?)", [
        ["privacy", json.dumps(privacy)], ["lapsing_days", str(catalogue.lapsing_days)]])
