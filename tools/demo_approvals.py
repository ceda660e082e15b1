"""Demo approvals: the demo content is checked and approved the way an office would do it — loaded
into a scratch warehouse, checked, and approved by a named (demo) reviewer with `approve_many`, so
`releases/approvals.yaml` binds the exact content hash of each demo release. Releases whose checks
fail (the 2026 communiqué, whose interpretation is still being written) stay unapproved."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from statpub.dashboards.linkcheck import site_links
from statpub.etl.review_config import APPROVALS_FILE
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.review.approve import approve_many
from statpub.review.checks import run
from statpub.warehouse.reader import ReleaseInfo

REVIEWER = "演示审核员 Demo Reviewer"
USER = "demo"
# The demo is set on 26 November 2026: later releases were approved that day, earlier ones the
# day before their instant.
DEMO_TODAY = datetime.fromisoformat("2026-11-26T16:00:00+08:00")


def approved_at(release: ReleaseInfo) -> datetime:
    return min(release.instant - timedelta(days=1), DEMO_TODAY)


def approve_demo(root: Path) -> list[str]:
    path = root / "releases" / APPROVALS_FILE
    path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="statpub-demo-") as scratch:
        settings = Settings(root=root, warehouse_dir=Path(scratch))
        clock = Clock(start=DEMO_TODAY)
        report = run(settings, None, clock, site=site_links)
        failing = {f.release for f in report.errors}
        ready = [rid for rid in report.releases if rid not in failing]
        approve_many(settings, ready, REVIEWER, clock, site=site_links, when=approved_at, user=USER)
    return ready
