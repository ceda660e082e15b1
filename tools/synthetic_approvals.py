"""Approvals for synthetic content in tests and benchmarks, where no reviewer exists: record an
approval of exactly the loaded content, an hour before each instant, skipping the review checks
(which tests/review exercises). Never used by the `statpub` commands; a real approval goes through
`statpub approve`, which runs the checks first."""

from __future__ import annotations

from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings


def approve_loaded(settings: Settings, clock: Clock, reviewer: str) -> None:
    """Approve every loaded release not yet approved for its current content, then reload."""
    from datetime import timedelta

    from statpub.etl.approvals import Approval, append_approval
    from statpub.etl.load import load
    from statpub.etl.review_config import approvals_path
    from statpub.warehouse.reader import WarehouseReader

    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    cur = snapshot.cursor()
    try:
        rows = cur.execute("SELECT release_id, content_hash, data_hash, texts_hash, entry_hash "
                           "FROM release_content ORDER BY release_id").fetchall()
    finally:
        cur.close()
    path = approvals_path(settings.content)
    for release_id, content, data, texts, entry in rows:
        release = snapshot.releases[release_id]
        if release.review.approved:
            continue
        append_approval(path, Approval(release=release_id, reviewer=reviewer,
                                       approved_at=release.instant - timedelta(hours=1), content_hash=content,
                                       data=data, texts=texts, entry=entry, user="test"))
    load(settings, clock=clock)
