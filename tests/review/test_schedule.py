"""Schedule changes with notices: reschedule, cancel, hand edits; visible in the page data the site
uses (ReleaseInfo.history, gate status), in the ICS calendar and in the Atom feed."""

from __future__ import annotations

import difflib

import feedparser
from icalendar import Calendar

from statpub.dashboards.app import create_app
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.fixtures.content_edits import BEFORE_FINAL, FINAL, clock_at, edit_text, reload
from tests.helpers import run_cli


def _feeds(settings, now: str, lang: str = "en"):
    client = create_app(settings, clock_at(now)).server.test_client()
    ics = Calendar.from_ical(client.get(f"/calendar.ics?lang={lang}").data)
    events = {str(e["UID"]).split("@")[0]: e for e in ics.walk("VEVENT")}
    feed = feedparser.parse(client.get(f"/feed.atom?lang={lang}").data)
    return events, feed


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_reschedule_keeps_the_old_instant_and_the_reason(loaded_copy):
    calendar_path = loaded_copy.root / "calendar.yaml"
    before = calendar_path.read_text(encoding="utf-8")
    result = run_cli("reschedule", FINAL, "2026-12-17T10:00:00+08:00", "--reason", "配合国家统计局数据发布安排",
                     "--reason-en", "To follow the national statistics release schedule",
                     settings=loaded_copy, now=BEFORE_FINAL)
    assert result.returncode == 0, result.stderr
    changed = _changed_lines(before, calendar_path.read_text(encoding="utf-8"))
    assert changed[:2] == ["-  instant: '2026-12-10T10:00:00+08:00'", "+  instant: '2026-12-17T10:00:00+08:00'"]
    assert all(line.startswith("+") for line in changed[2:])  # a history item appended, nothing else
    assert any("previous_instant: '2026-12-10T10:00:00+08:00'" in line for line in changed)

    snapshot = WarehouseReader(loaded_copy.warehouse_dir).snapshot()
    release = snapshot.releases[FINAL]
    notice = release.history[-1]
    assert notice.change == "rescheduled" and notice.reason("en").startswith("To follow")
    assert notice.previous_instant.isoformat() == "2026-12-10T02:00:00+00:00"
    assert release.sequence == 1
    # The calendar entry is part of the approved content: the new date needs approving.
    assert release.review.approval == "void" and release.review.changed == ("entry",)
    gate = Gate(snapshot, clock_at("2026-12-10T10:00:01+08:00").now())
    assert gate.release_status(release) == "confirmed" and not gate.is_public(release)

    events, feed = _feeds(loaded_copy, "2026-12-02T09:00:00+08:00")
    event = events[FINAL]
    assert int(event["SEQUENCE"]) == 1
    start = event["DTSTART"].dt
    assert str(start.tzinfo) == "Asia/Shanghai" and start.isoformat() == "2026-12-17T10:00:00+08:00"
    assert "To follow the national statistics release schedule" in str(event["DESCRIPTION"])
    assert int(events["2026-q4-economy"]["SEQUENCE"]) == 0
    entry = next(e for e in feed.entries if e.id.endswith(f"release/{FINAL}/notice/1"))
    assert entry.title.startswith("Rescheduled:") and "To follow" in entry.summary
    assert "previously 10 Dec 2026 10:00" in entry.summary


def test_cancel_is_a_cancelled_event_and_a_notice(loaded_copy):
    result = run_cli("cancel", "2026-q4-economy", "--reason", "统计口径调整，本期不再单独发布",
                     "--reason-en", "Merged into the annual communiqué after a change of coverage",
                     settings=loaded_copy, now=BEFORE_FINAL)
    assert result.returncode == 0, result.stderr
    snapshot = WarehouseReader(loaded_copy.warehouse_dir).snapshot()
    release = snapshot.releases["2026-q4-economy"]
    assert release.state == "cancelled" and release.history[-1].change == "cancelled"
    gate = Gate(snapshot, clock_at("2027-01-21T00:00:00+08:00").now())
    assert gate.release_status(release) == "cancelled" and not gate.is_public(release)
    assert gate.release_observations("2026-q4-economy").num_rows == 0

    events, feed = _feeds(loaded_copy, "2026-12-02T09:00:00+08:00", lang="zh")
    assert str(events["2026-q4-economy"]["STATUS"]) == "CANCELLED"
    assert int(events["2026-q4-economy"]["SEQUENCE"]) == 1
    entry = next(e for e in feed.entries if "2026-q4-economy/notice" in e.id)
    assert entry.title.startswith("取消发布") and "统计口径调整" in entry.summary


def test_changes_to_published_releases_are_refused(loaded_copy):
    result = run_cli("reschedule", "2025-q3-economy", "2026-12-17T10:00:00+08:00", "--reason", "测试",
                     settings=loaded_copy, now=BEFORE_FINAL)
    assert result.returncode == 1 and "has gone public" in result.stderr
    result = run_cli("cancel", "2025-q3-economy", "--reason", "测试", settings=loaded_copy, now=BEFORE_FINAL)
    assert result.returncode == 1 and "has gone public" in result.stderr


def test_hand_edit_of_the_calendar_is_recorded_as_a_change(loaded_copy):
    edit_text(loaded_copy.root / "calendar.yaml", "instant: '2027-03-05T10:00:00+08:00'",
              "instant: '2027-03-12T10:00:00+08:00'")
    reload(loaded_copy)
    release = WarehouseReader(loaded_copy.warehouse_dir).snapshot().releases["2026-annual-communique"]
    detected = release.history[-1]
    assert detected.detected and detected.change == "rescheduled" and detected.reason("zh") is None
    assert detected.previous_instant.isoformat() == "2027-03-05T02:00:00+00:00"
    assert release.sequence == 1
    events, feed = _feeds(loaded_copy, "2026-12-02T09:00:00+08:00")
    assert int(events["2026-annual-communique"]["SEQUENCE"]) == 1
    assert events["2026-annual-communique"]["DTSTART"].dt.isoformat() == "2027-03-12T10:00:00+08:00"
    entry = next(e for e in feed.entries if "2026-annual-communique/notice" in e.id)
    assert "no reason was given" in entry.summary
    # A second load with the same calendar records nothing new.
    reload(loaded_copy)
    again = WarehouseReader(loaded_copy.warehouse_dir).snapshot().releases["2026-annual-communique"]
    assert again.sequence == 1
