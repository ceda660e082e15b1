"""`statpub approve`: a named reviewer approves exactly the content that is loaded now.

Refused while the checks find an error. The approval records the reviewer, the instant and the
content hash the loader computed for the release; it is appended to releases/approvals.yaml (the
record kept for ever) and put in effect beside the current snapshot (warehouse/approval_overlay.py)
without copying the warehouse; the next load carries it into its snapshot. Any later change to the
data rows, the interpretation texts, the calendar entry or the public metadata the release carries
(its series, their topics, the office) changes the hash, and the approval is void.

`statpub approve --metadata` approves the public metadata as the content holds it now, on its own:
for an edit not tied to a release (a definition's typo), and for the register's catalogue of
matters and its privacy rules, which no release carries. Until approved, the public keeps seeing
the text approved before.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from datetime import datetime

from statpub.etl import approvals as approval_records
from statpub.etl.approvals import Approval, append_approval, read_approvals
from statpub.etl.review_config import approvals_path
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.kernel.diskfull import disk_full_said
from statpub.kernel.errors import UserError, ValidationFailed
from statpub.review import checks
from statpub.review.findings import Finding
from statpub.review.links import SiteFactory
from statpub.warehouse import approval_overlay, publication
from statpub.warehouse.reader import ReleaseInfo, WarehouseReader
from statpub.warehouse.snapshots import SnapshotStore


class ApprovalRefused(UserError):
    title = "Approval refused"

    def __init__(self, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.findings = findings or []


def approve(settings: Settings, release_id: str, reviewer: str, clock: Clock, *, site: SiteFactory,
            user: str | None = None, external_links: bool = False) -> Approval:
    return approve_many(settings, [release_id], reviewer, clock, site=site, user=user,
                        external_links=external_links)[0]


def approve_many(settings: Settings, release_ids: list[str], reviewer: str, clock: Clock, *,
                 site: SiteFactory, when: Callable[[ReleaseInfo], datetime] | None = None, user: str | None = None,
                 external_links: bool = False, kind: str | None = None) -> list[Approval]:
    """Check, then approve each release (all or none). `when` dates each approval (the demo
    generator dates them before each release's instant); by default, the clock's now. `kind`
    `import`: history brought in with its original instant (`import_history`)."""
    reviewer = reviewer.strip()
    if not reviewer:
        raise UserError("--reviewer must name the person approving")
    _refuse_early(settings, release_ids, clock.now(), kind)
    report = checks.run(settings, release_ids, clock, site=site, external=external_links)
    failing = report.errors
    if failing:
        names = ", ".join(sorted({f.release for f in failing}))
        raise ApprovalRefused(f"{names}: {len(failing)} check error(s); approval refused "
                              "(see `statpub check`)", failing)
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    now = clock.now()
    approvals = []
    cur = snapshot.cursor()
    try:
        for release_id in release_ids:
            release = snapshot.releases[release_id]
            _may_approve(release, now, kind)
            approvals.append(approval_records.for_release(
                cur, release_id, reviewer, when(release) if when else now, user or getpass.getuser(),
                kind=kind, published_at=release.instant if kind == "import" else None))
    finally:
        cur.close()
    path = approvals_path(settings.content)
    size_before = path.stat().st_size if path.is_file() else None
    try:
        for approval in approvals:
            append_approval(path, approval)
        _record_beside_snapshot(settings, snapshot)
    except BaseException:
        # Not in effect, so not recorded: the file goes back to what it was (a truncation needs no
        # free space, so this works on a full disk too) and the previous snapshot keeps serving.
        if size_before is None:
            path.unlink(missing_ok=True)
        else:
            os.truncate(path, size_before)
        raise
    return approvals


def _refuse_early(settings: Settings, release_ids: list[str], now: datetime, kind: str | None) -> None:
    """Say what this approval cannot do before running the checks, when the warehouse knows already."""
    if SnapshotStore(settings.warehouse_dir).current() is None:
        return
    known = WarehouseReader(settings.warehouse_dir).snapshot().releases
    for release_id in release_ids:
        if release_id in known:
            _may_approve(known[release_id], now, kind)


def _may_approve(release: ReleaseInfo, now: datetime, kind: str | None) -> None:
    """Refuse what this approval cannot do: approve again, or after publication; import a live
    release (that would backdate it); approve history as if it were live (it would look late)."""
    rid = release.id
    history = release.review.history
    if kind == "import" and not history:
        raise ApprovalRefused(f"{rid} is not history: only releases published before the office adopted "
                              "statpub (calendar.yaml `adopted`) are imported; approve it with "
                              f"`statpub approve {rid}` (approved after its instant, it goes public then)")
    if publication.is_public(release, now) or release.review.public_since is not None:
        raise ApprovalRefused(f"{rid} has already gone public; a correction is approved as "
                              f"a release of its own (`statpub correct {rid}`)")
    if kind is None and history:
        raise ApprovalRefused(f"{rid} was published before the office adopted statpub (calendar.yaml "
                              f"`adopted`): bring it in with `statpub import-history {rid} --reviewer NAME`, "
                              "which keeps its original instant as its vintage")
    if release.review.approved:
        raise ApprovalRefused(f"{rid} is already approved for this content by "
                              f"{release.review.approved_by} at {release.review.approved_at.isoformat()}")
    if kind == "import" and release.instant > now:
        raise ApprovalRefused(f"{rid}: its instant {release.instant.isoformat()} has not come yet")


def import_history(settings: Settings, release_ids: list[str], reviewer: str, clock: Clock, *,
                   site: SiteFactory, user: str | None = None) -> list[Approval]:
    """Approve history as an import: recorded with the reviewer, the real time of approval, the
    original instant and the content hash; public since its original instant, never delayed."""
    return approve_many(settings, release_ids, reviewer, clock, site=site, user=user, kind="import")


def history_to_import(settings: Settings, now: datetime) -> list[str]:
    """Every history release loaded and not yet public (for `import-history --all`)."""
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    return [r.id for r in snapshot.releases.values() if r.review.history and r.observation_count
            and r.publishable_state and not publication.is_public(r, now) and not r.review.approved]


def _record_beside_snapshot(settings: Settings, snapshot) -> None:
    """Put the approvals in effect without copying the warehouse: every record of approvals.yaml
    goes to the overlay beside the snapshot (warehouse/approval_overlay.py), which readers merge
    at their next request. Refused if the file no longer continues the snapshot's approvals."""
    path = approvals_path(settings.content)
    found, problems = read_approvals(path)
    if problems:
        raise ValidationFailed(problems, context="approvals")
    rows = [(a.release, a.reviewer, a.approved_at, a.content_hash, a.data, a.texts, a.entry, a.record())
            for a in found]
    cur = snapshot.cursor()
    try:
        held = [record for (record,) in cur.execute("SELECT record FROM approvals ORDER BY position").fetchall()]
    finally:
        cur.close()
    if [row[7] for row in rows[:len(held)]] != held:
        raise UserError(f"{path} no longer continues the approvals of {snapshot.name}; run `statpub load` "
                        "to see what changed")
    store = SnapshotStore(settings.warehouse_dir)
    unchanged = f"Nothing was approved: {snapshot.name} still serves as before."
    with store.writer_lock(), disk_full_said("recording the approval", settings.warehouse_dir, unchanged):
        approval_overlay.write(settings.warehouse_dir, rows)


def approve_metadata(settings: Settings, reviewer: str, clock: Clock, *, items: list[str] | None = None,
                     user: str | None = None) -> Approval:
    """Approve the public metadata as loaded now (every item, or `items`), on its own."""
    from statpub.etl.load import load

    reviewer = reviewer.strip()
    if not reviewer:
        raise UserError("--reviewer must name the person approving")
    load(settings, clock=clock)  # exactly what the content holds now
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    cur = snapshot.cursor()
    try:
        approval = approval_records.for_metadata(cur, reviewer, clock.now(), user or getpass.getuser(), items)
    finally:
        cur.close()
    if items is not None and set(items) - set(approval.items or {}):
        raise UserError(f"no such metadata item: {', '.join(sorted(set(items) - set(approval.items or {})))} "
                        "(items are 'office', 'topic:<code>', 'series:<code>', 'register:matter:<id>' and "
                        "'register:rules')")
    append_approval(approvals_path(settings.content), approval)
    load(settings, clock=clock)
    return approval
