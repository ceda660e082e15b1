"""`statpub approve`: a named reviewer approves exactly the content that is loaded now.

Refused while the checks find an error. The approval records the reviewer, the instant and the
content hash the loader computed for the release; it is appended to releases/approvals.yaml and
the warehouse is reloaded so the gate sees it. Any later change to the data rows, the
interpretation texts, the calendar entry or the public metadata the release carries (its series,
their topics, the office) changes the hash, and the approval is void.

`statpub approve --metadata` approves the public metadata as the content holds it now, on its own:
for an edit not tied to a release (a definition's typo). Until approved, the public keeps seeing
the text approved before.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import datetime

from statpub.etl import approvals as approval_records
from statpub.etl.approvals import Approval, append_approval
from statpub.etl.review_config import approvals_path
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.kernel.errors import UserError
from statpub.review import checks
from statpub.review.findings import Finding
from statpub.review.links import SiteFactory
from statpub.warehouse import publication
from statpub.warehouse.reader import ReleaseInfo, WarehouseReader


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
                 external_links: bool = False) -> list[Approval]:
    """Check, then approve each release (all or none). `when` dates each approval (the demo
    generator dates them before each release's instant); by default, the clock's now."""
    from statpub.etl.load import load

    reviewer = reviewer.strip()
    if not reviewer:
        raise UserError("--reviewer must name the person approving")
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
            if publication.is_public(release, now) or release.review.public_since is not None:
                raise ApprovalRefused(f"{release_id} has already gone public; a correction is approved as "
                                      f"a release of its own (`statpub correct {release_id}`)")
            if release.review.approved:
                raise ApprovalRefused(f"{release_id} is already approved for this content by "
                                      f"{release.review.approved_by} at {release.review.approved_at.isoformat()}")
            approvals.append(approval_records.for_release(cur, release_id, reviewer, when(release) if when else now,
                                                          user or getpass.getuser()))
    finally:
        cur.close()
    path = approvals_path(settings.content)
    for approval in approvals:
        append_approval(path, approval)
    load(settings, clock=clock)
    return approvals


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
                        "(items are 'office', 'topic:<code>' and 'series:<code>')")
    append_approval(approvals_path(settings.content), approval)
    load(settings, clock=clock)
    return approval
