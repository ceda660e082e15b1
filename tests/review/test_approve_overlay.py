"""Approving copies no snapshot: the approval is recorded in approvals.yaml and put in effect beside
the current snapshot; readers (a live server too) follow it; the next load carries it into its
snapshot; the loader's guard sees a release public through it."""

from __future__ import annotations

import json
from pathlib import Path

from statpub.kernel.config import Settings
from statpub.warehouse.approval_overlay import OVERLAY
from statpub.warehouse.reader import WarehouseReader
from statpub.warehouse.snapshots import SnapshotStore
from tests.etl.builder import MiniRoot
from tests.fixtures.durable import FIRST, SERIES
from tests.helpers import run_cli, start_server

BEFORE = "2024-04-01T00:00:00+08:00"
AFTER = "2024-05-01T00:00:00+08:00"


def _office(tmp_path: Path) -> Settings:
    root = MiniRoot(tmp_path)
    texts = {"interpretation.zh.md": "一季度地区生产总值{{GDP@2024-Q1}}。\n",
             "interpretation.en.md": "GDP in the first quarter: {{GDP@2024-Q1}}.\n"}
    root.add("q1", "2024-04-19T10:00:00+08:00", SERIES, [{"file": "d.csv", "layout": "long"}], {"d.csv": FIRST, **texts},
             provenance=True)
    return root.settings


def test_approve_writes_no_snapshot_and_a_live_server_publishes_at_the_instant(tmp_path: Path):
    settings = _office(tmp_path)
    assert run_cli("load", "--quiet", settings=settings, now=BEFORE).returncode == 0
    server = start_server(settings, now=AFTER)  # after the instant: unapproved, so delayed
    try:
        assert server.get("/api/v1/series/GDP/observations").status_code == 404
        before = SnapshotStore(settings.warehouse_dir).versions()
        done = run_cli("approve", "q1", "--reviewer", "审核员 Reviewer", settings=settings, now=BEFORE)
        assert done.returncode == 0, done.stderr
        assert SnapshotStore(settings.warehouse_dir).versions() == before  # no copy of the warehouse
        assert (settings.warehouse_dir / OVERLAY).is_file()
        status = json.loads(run_cli("status", "--json", settings=settings, now=BEFORE).stdout)
        assert [r["approval"] for r in status["review"] if r["id"] == "q1"] == ["approved"]
        answer = server.get("/api/v1/series/GDP/observations")  # the server follows without a restart
        assert answer.status_code == 200 and "2024-Q1" in answer.text
    finally:
        server.stop()

    # Published through the overlay: the loader refuses to overwrite it, and a load carries the approval.
    (settings.root / "releases" / "q1" / "d.csv").write_text(FIRST.replace("100,p", "999,p"), encoding="utf-8")
    refused = run_cli("load", "--quiet", settings=settings, now=AFTER)
    assert refused.returncode == 1 and "has gone public" in refused.stderr
    (settings.root / "releases" / "q1" / "d.csv").write_text(FIRST, encoding="utf-8")
    assert run_cli("load", "--quiet", settings=settings, now=AFTER).returncode == 0
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    cur = snapshot.cursor()
    assert cur.execute("SELECT count(*) FROM approvals").fetchone()[0] == 1
    cur.close()
    assert snapshot.releases["q1"].review.approved
