"""The review state of each release as a snapshot holds it, read once when the snapshot is opened.

A release's latest approval is valid when its content hash equals the hash the loader computed for
the content now in the snapshot; the comparison happens here, per snapshot, never per request.
"""

from __future__ import annotations

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

    @property
    def approved(self) -> bool:
        return self.approval == APPROVED

    def explain(self) -> str:
        """Why the release is (or is not) cleared for publication, for operators."""
        if self.public_since is not None:
            return f"published since {self.public_since.isoformat()}"
        if self.approval == APPROVED:
            return f"approved by {self.approved_by} at {self.approved_at.isoformat()}"
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


def read_review(cur: duckdb.DuckDBPyConnection) -> dict[str, ReviewState]:
    """Release id → review state. A snapshot without the review tables has nothing approved.

    The latest approval of a release is valid while every part its hash version covers equals the
    content's part now (see statpub/etl/content_hash.py: versions, parts): an approval made under
    an older version stays valid for what it approved."""
    if not has_table(cur, "release_content"):
        return {}
    versioned = has_column(cur, "approvals", "hash_version")
    meta = "metadata_hash" if versioned else "NULL"
    content = {rid: (h, {"data": d, "texts": t, "entry": e, "metadata": m}, _utc(since))
               for rid, h, d, t, e, since, m in cur.execute(
                   f"SELECT release_id, content_hash, data_hash, texts_hash, entry_hash, public_since, {meta} "  # noqa: S608 - fixed
                   "FROM release_content").fetchall()}
    latest: dict[str, tuple] = {}
    counts: dict[str, int] = {}
    version = "hash_version" if versioned else "NULL"
    for row in cur.execute(
        f"SELECT release_id, reviewer, approved_at, data_hash, texts_hash, entry_hash, {meta}, {version} "  # noqa: S608 - fixed
        "FROM approvals WHERE release_id IS NOT NULL ORDER BY position"
    ).fetchall():
        latest[row[0]] = row
        counts[row[0]] = counts.get(row[0], 0) + 1
    out = {}
    for rid, (current, parts, since) in content.items():
        approval = latest.get(rid)
        if approval is None:
            out[rid] = ReviewState(content_hash=current, public_since=since)
            continue
        _rid, reviewer, at, data, texts, entry, metadata, number = approval
        approved = {"data": data, "texts": texts, "entry": entry, "metadata": metadata}
        changed = _changed(approved, parts, number or 1)
        out[rid] = ReviewState(VOID if changed else APPROVED, current, reviewer, _utc(at), changed,
                               counts[rid], since)
    return out


def _changed(approved: dict, current: dict, version: int) -> tuple[str, ...]:
    return changed_parts(approved, current, version)


def has_column(cur: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    row = cur.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                      [table, column]).fetchone()
    return bool(row and row[0])


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
