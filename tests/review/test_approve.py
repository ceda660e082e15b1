"""Approval bound to content: any change voids it; an unapproved release is not public at its
instant (delayed, with an operator log line); approvals are append-only."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from icalendar import Calendar

from statpub.etl.approvals import read_approvals
from statpub.etl.load import load
from statpub.kernel.errors import ValidationFailed
from statpub.warehouse.gate import Gate
from statpub.warehouse.publication import public_since
from statpub.warehouse.reader import WarehouseReader
from tests.fixtures.content_edits import (
    BEFORE_FINAL,
    FINAL,
    clock_at,
    edit_source,
    edit_text,
    reload,
)
from tests.helpers import run_cli


def _snapshot(settings):
    return WarehouseReader(settings.warehouse_dir).snapshot()


def test_demo_approvals_bind_the_demo_content(demo_settings):
    snapshot = _snapshot(demo_settings)
    states = {rid: r.review.approval for rid, r in snapshot.releases.items()}
    assert states.pop("2026-annual-communique") == "needs-approval"  # its interpretation is missing
    assert set(states.values()) == {"approved"}
    final = snapshot.releases[FINAL]
    assert final.review.approved_by == "演示审核员 Demo Reviewer"
    assert public_since(final) == final.instant


def test_one_character_in_the_interpretation_voids_the_approval(loaded_copy):
    edit_text(loaded_copy.root / "releases" / FINAL / "interpretation.zh.md", "经最终核实，", "经最终核实,")
    reload(loaded_copy)
    release = _snapshot(loaded_copy).releases[FINAL]
    assert release.review.approval == "void"
    assert release.review.changed == ("texts",)
    assert public_since(release) is None

    at = Gate(_snapshot(loaded_copy), release.instant + timedelta(seconds=1))
    assert not at.is_public(release)
    assert at.is_delayed(release) and at.release_status(release) == "delayed"
    assert at.release_observations(FINAL).num_rows == 0
    assert at.interpretation(FINAL, "zh") is None

    status = run_cli("status", "--json", settings=loaded_copy, now="2026-12-10T10:00:05+08:00")
    assert status.returncode == 0, status.stderr
    row = next(r for r in json.loads(status.stdout)["review"] if r["id"] == FINAL)
    assert (row["status"], row["approval"], row["changed"]) == ("delayed", "void", ["texts"])
    assert "approval void" in row["why"]

    approved = run_cli("approve", FINAL, "--reviewer", "张审核 Zhang", settings=loaded_copy, now=BEFORE_FINAL)
    assert approved.returncode == 0, approved.stderr
    release = _snapshot(loaded_copy).releases[FINAL]
    assert release.review.approval == "approved" and release.review.approved_by == "张审核 Zhang"
    assert release.review.approvals == 2  # the first approval is kept, never edited
    assert Gate(_snapshot(loaded_copy), release.instant).release_observations(FINAL).num_rows == 32


def test_one_changed_value_voids_the_approval(loaded_copy):
    release_id = "2026-q4-economy"
    edit_source(loaded_copy.root / "releases" / release_id / "trade.csv", '"17,336.57"', '"17,336.58"')
    reload(loaded_copy)
    release = _snapshot(loaded_copy).releases[release_id]
    assert release.review.approval == "void" and release.review.changed == ("data",)
    assert not Gate(_snapshot(loaded_copy), release.instant).is_public(release)
    # Putting the approved value back restores exactly the approved content.
    edit_source(loaded_copy.root / "releases" / release_id / "trade.csv", '"17,336.58"', '"17,336.57"')
    reload(loaded_copy)
    assert _snapshot(loaded_copy).releases[release_id].review.approval == "approved"


def test_approval_is_refused_while_checks_fail(loaded_copy):
    path = loaded_copy.root / "releases" / "approvals.yaml"
    before = path.read_bytes()
    result = run_cli("approve", "2026-annual-communique", "--reviewer", "王审核", settings=loaded_copy,
                     now=BEFORE_FINAL)
    assert result.returncode == 1
    assert "approval refused" in result.stderr and "interpretation" in result.stderr
    assert path.read_bytes() == before


def test_approvals_are_never_edited(loaded_copy):
    path = loaded_copy.root / "releases" / "approvals.yaml"
    approvals, problems = read_approvals(path)
    assert not problems and len(approvals) == 46
    path.write_text(path.read_text(encoding="utf-8").replace("演示审核员", "某某", 1), encoding="utf-8")
    try:
        load(loaded_copy, clock=clock_at(BEFORE_FINAL))
    except ValidationFailed as exc:
        assert "never edited" in exc.report()
    else:
        raise AssertionError("an edited approval must be refused")


def test_unapproved_release_is_delayed_with_an_operator_log_line(loaded_copy, live_server):
    edit_text(loaded_copy.root / "releases" / FINAL / "interpretation.en.md", "After final", "After the final")
    reload(loaded_copy)
    server = live_server(now="2026-12-10T09:59:58+08:00", settings=loaded_copy)
    time.sleep(3)  # past the instant
    calendar = Calendar.from_ical(server.get("/calendar.ics?lang=en").content)
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(FINAL + "@"))
    assert str(event["STATUS"]) == "TENTATIVE" and "Status: delayed" in str(event["DESCRIPTION"])
    feed = server.get("/feed.atom").text
    assert f"release/{FINAL}/published" not in feed
    for _ in range(50):
        if "not public at its instant" in server.log.read_text():
            break
        time.sleep(0.1)
    log = server.log.read_text()
    assert f"release {FINAL} is not public at its instant" in log and "approval void" in log
    assert log.count(f"release {FINAL} is not public") == 1  # said once, not per request
