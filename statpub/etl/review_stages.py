"""What the review adds to a load (called by `etl/load.py`): disclosure control on every release
written, schedule changes seen in calendar.yaml, approvals synced from the content root, the
content hash of every release, and which releases have gone public (for ever)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import duckdb

from statpub.etl import approvals as approval_file
from statpub.etl import content_hash, disclosure, metadata
from statpub.etl.review_config import ReviewConfig, approvals_path, config_fingerprint
from statpub.kernel.content import Calendar, Catalogue, ContentRoot
from statpub.kernel.errors import Problem, ValidationFailed
from statpub.kernel.hashing import sha256_of
from statpub.warehouse.publication import known_since, public_since
from statpub.warehouse.reader import open_snapshot
from statpub.warehouse.review_state import has_table

log = logging.getLogger("statpub.load")
APPROVALS_DISPLAY = "releases/approvals.yaml"


def previously_public(path: Path | None, now: datetime) -> dict[str, tuple[datetime, str, datetime, datetime]]:
    """Releases public at `now` according to the snapshot at `path`: id → (instant, state, since,
    known since). A snapshot from before approvals existed published by instant alone."""
    if path is None:
        return {}
    snapshot = open_snapshot(path)
    try:
        cur = snapshot.cursor()
        legacy = not has_table(cur, "release_content")
        cur.close()
        out = {}
        for r in snapshot.releases.values():
            since = r.instant if legacy else public_since(r)
            if r.observation_count and r.publishable_state and since is not None and since <= now:
                out[r.id] = (r.instant, r.state, since, since if legacy else known_since(r))
        return out
    finally:
        snapshot.close()


def state_entries(content: ContentRoot) -> dict[str, str]:
    """Fingerprints that, when they change, call for a new snapshot."""
    path = approvals_path(content)
    return {"review": config_fingerprint(content), "approvals": sha256_of(path) if path.is_file() else "-"}


def record_schedule_changes(con: duckdb.DuckDBPyConnection, calendar: Calendar, now: datetime) -> list[str]:
    """Compare the previous entries (still in the snapshot under construction) with calendar.yaml
    and record every change of instant or state; call before the calendar is synced."""
    before = {rid: (instant, state) for rid, instant, state in
              con.execute("SELECT release_id, instant, state FROM releases").fetchall()}
    notes = dict(con.execute("SELECT release_id, count(*) FROM release_history GROUP BY release_id").fetchall())
    messages = []
    for release in calendar.releases:
        if release.id not in before:
            continue
        old_instant, old_state = before[release.id]
        moved = old_instant != release.instant
        if not moved and old_state == release.state:
            continue
        if release.state != old_state and release.state in ("postponed", "cancelled", "confirmed"):
            change = release.state
        else:
            change = "rescheduled" if moved else release.state
        explained = len(release.history) > notes.get(release.id, 0)
        con.execute("INSERT INTO schedule_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [release.id, now, change, old_instant, release.instant, old_state, release.state, explained])
        if not explained:
            message = (f"calendar.yaml: release {release.id} was {change} (instant {old_instant.isoformat()} → "
                       f"{release.instant.isoformat()}, state {old_state} → {release.state}) without a "
                       "history entry giving the reason; recorded as a change without a stated reason "
                       "(use `statpub reschedule` or `statpub cancel` to give one)")
            log.warning(message)
            messages.append(message)
    return messages


def after_write(con: duckdb.DuckDBPyConnection, release_id: str, catalogue: Catalogue,
                config: ReviewConfig) -> None:
    """Disclosure control on a release's rows, right after they are written."""
    try:
        disclosure.apply_to_release(con, release_id, catalogue, config.disclosure)
    except disclosure.CannotProtect as exc:
        raise ValidationFailed([Problem(f"releases/{release_id}", None, None, None, str(exc))],
                               context="disclosure control") from None


def finish(con: duckdb.DuckDBPyConnection, content: ContentRoot, catalogue: Catalogue, calendar: Calendar,
           config: ReviewConfig, loaded: list[str], public_before: dict[str, tuple], now: datetime,
           data_hashes: dict[str, str] | None = None) -> None:
    """Before the snapshot is sealed: disclosure control for releases loaded before review
    existed, the versions of public metadata, approvals (an import only of history), content
    hashes, which releases are history and which have gone public. `data_hashes`: the `data` parts
    the load already took (the single pass), not computed again."""
    recompute = set(loaded)
    first = not con.execute("SELECT count(*) FROM release_content").fetchone()[0]
    if first:
        # The first load with review tables: older releases get disclosure control too.
        for (rid,) in con.execute("SELECT DISTINCT release_id FROM observations").fetchall():
            if rid not in recompute:
                after_write(con, rid, catalogue, config)
                recompute.add(rid)
    metadata.record(con, metadata.public_items(content, catalogue), now)
    approvals, problems = approval_file.read_approvals(approvals_path(content), APPROVALS_DISPLAY)
    problems += approval_file.check_imports(approvals, calendar, APPROVALS_DISPLAY)
    problems += approval_file.sync(con, approvals, APPROVALS_DISPLAY) if not problems else []
    if problems:
        raise ValidationFailed(problems, context="approvals")
    history = {r.id for r in calendar.releases if calendar.is_history(r)}
    content_hash.refresh(con, recompute, {rid: (info[2], info[3]) for rid, info in public_before.items()}, history,
                         data_hashes)
