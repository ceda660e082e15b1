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

    from statpub.etl.approvals import append_approval, for_release
    from statpub.etl.load import load
    from statpub.etl.review_config import approvals_path
    from statpub.warehouse.reader import WarehouseReader

    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    path = approvals_path(settings.content)
    cur = snapshot.cursor()
    try:
        for (release_id,) in cur.execute("SELECT release_id FROM release_content ORDER BY release_id").fetchall():
            release = snapshot.releases[release_id]
            if release.review.approved:
                continue
            append_approval(path, for_release(cur, release_id, reviewer, release.instant - timedelta(hours=1), "test"))
    finally:
        cur.close()
    load(settings, clock=clock)
