"""The review state of each release as a snapshot holds it, read once when the snapshot is opened.

A release's latest approval is valid when its content hash equals the hash the loader computed for
the content now in the snapshot; the comparison happens here, per snapshot, never per request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from statpub.warehouse.hash_versions import changed_parts

APPROVED = "approved"
NEEDS_APPROVAL = "needs-approval"
VOID = "void"


@dataclass(frozen=True)
class ReviewState:
    approval: str = NEEDS_APPROVAL  # approved | needs-approval | void
    content_hash: str | None = None
    approved_by: str | None = None  # of the latest approval, valid or not
    approved_at: datetime | None = None
    changed: tuple[str, ...] = ()  # for a void approval: data, texts, entry and/or metadata
    approvals: int = 0  # how many approvals the release has had (history)
    public_since: datetime | None = None  # once published, for ever
    # History (instant before the calendar's `adopted`): published elsewhere before the office used
    # statpub; it goes public by an import, keeping its original instant, and is never delayed.
    history: bool = False
    imported: bool = False  # the latest approval is an import (`statpub import-history`)
    known_since: datetime | None = None  # once published: when statpub first showed it, for ever

    @property
    def approved(self) -> bool:
        return self.approval == APPROVED

    def explain(self) -> str:
        """Why the release is (or is not) cleared for publication, for operators."""
        if self.public_since is not None:
            return f"published since {self.public_since.isoformat()}"
        if self.approval == APPROVED:
            verb = "imported" if self.imported else "approved"
            return f"{verb} by {self.approved_by} at {self.approved_at.isoformat()}"
        if self.history and self.approval == NEEDS_APPROVAL:
            return ("history: published before the office adopted statpub (calendar.yaml `adopted`); bring it "
                    "in with `statpub import-history RELEASE_ID --reviewer NAME`, which keeps its original instant")
        if self.approval == VOID:
            what = ", ".join(self.changed) or "content"
            return (f"approval void: the {what} changed after {self.approved_by} approved it at "
                    f"{self.approved_at.isoformat()}; run `statpub check` and `statpub approve` again")
        return "needs approval: no reviewer has approved it (`statpub check`, then `statpub approve`)"


@dataclass(frozen=True)
class DetectedChange:
    release_id: str
    detected_at: datetime
    change: str
    previous_instant: datetime | None
    new_instant: datetime | None
    explained: bool


def has_table(cur: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()
    return bool(row and row[0])


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def has_column(cur: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    row = cur.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                      [table, column]).fetchone()
    return bool(row and row[0])


def _content_rows(cur: duckdb.DuckDBPyConnection) -> list[tuple]:
    # Snapshots written before history import (migration 003) or metadata review (004) lack columns.
    history = ("known_since, history" if has_column(cur, "release_content", "history")
               else "NULL::TIMESTAMPTZ, false")
    metadata = "metadata_hash" if has_column(cur, "release_content", "metadata_hash") else "NULL"
    return cur.execute("SELECT release_id, content_hash, data_hash, texts_hash, entry_hash, public_since, "  # noqa: S608 - fixed
                       f"{history}, {metadata} FROM release_content").fetchall()


def _record_fields(record: str) -> dict:
    """What the approval's record says beyond the columns: its kind (`import`: history brought in
    with its original instant), the hash version it was made under and its metadata part."""
    try:
        found = json.loads(record)
    except (TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def read_review(cur: duckdb.DuckDBPyConnection, overlay: list | None = None) -> dict[str, ReviewState]:
    """Release id → review state. A snapshot without the review tables has nothing approved.
    `overlay`: approvals recorded beside the snapshot since it was built (approval_overlay.py).

    The latest approval of a release is valid while every part its hash version covers equals the
    content's part now (see statpub/warehouse/hash_versions.py): an approval made under an older
    version stays valid for what it approved."""
    from statpub.warehouse.approval_overlay import merged

    if not has_table(cur, "release_content"):
        return {}
    latest: dict[str, tuple] = {}
    counts: dict[str, int] = {}
    held = cur.execute(
        "SELECT release_id, reviewer, approved_at, content_hash, data_hash, texts_hash, entry_hash, record "
        "FROM approvals ORDER BY position").fetchall()
    for row in merged(held, overlay or []):
        if row[0] is None:  # an approval of public metadata alone
            continue
        latest[row[0]] = row
        counts[row[0]] = counts.get(row[0], 0) + 1
    out = {}
    for rid, current, data, texts, entry, since, known, history, metadata in _content_rows(cur):
        parts = {"data": data, "texts": texts, "entry": entry, "metadata": metadata}
        approval = latest.get(rid)
        if approval is None:
            out[rid] = ReviewState(content_hash=current, public_since=_utc(since), history=bool(history),
                                   known_since=_utc(known))
            continue
        _rid, reviewer, at, _hash, a_data, a_texts, a_entry, record = approval
        fields = _record_fields(record)
        approved = {"data": a_data, "texts": a_texts, "entry": a_entry, "metadata": fields.get("metadata")}
        changed = changed_parts(approved, parts, fields.get("hash_version") or 1)
        out[rid] = ReviewState(VOID if changed else APPROVED, current, reviewer, _utc(at), changed,
                               counts[rid], _utc(since), bool(history), fields.get("kind") == "import", _utc(known))
    return out


def read_detected_changes(cur: duckdb.DuckDBPyConnection) -> dict[str, list[DetectedChange]]:
    if not has_table(cur, "schedule_changes"):
        return {}
    out: dict[str, list[DetectedChange]] = {}
    for rid, at, change, prev, new, explained in cur.execute(
        "SELECT release_id, detected_at, change, previous_instant, new_instant, explained "
        "FROM schedule_changes ORDER BY detected_at, release_id"
    ).fetchall():
        out.setdefault(rid, []).append(DetectedChange(rid, _utc(at), change, _utc(prev), _utc(new), explained))
    return out
