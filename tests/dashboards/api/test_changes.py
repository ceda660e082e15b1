"""`/api/v1/changes?since=`: the series and periods changed since an instant, per release with the
reason (new figures, revisions, corrections), and the same as an Atom feed; nothing of a release
before it is public."""

from __future__ import annotations

import feedparser

from tests.fixtures.api import FINAL, FINAL_INSTANT


def test_changes_on_the_small_office(mini_client):
    body = mini_client.get("/api/v1/changes?since=2024-01-01T00:00:00%2B08:00").get_json()
    assert [c["release"]["id"] for c in body["changes"]] == ["q1", "q1-final"]
    first, final = body["changes"]
    assert first["kind"] == "release" and {s["code"]: s["new"] for s in first["series"]}["GDP"] == ["2024-Q1"]
    assert final["kind"] == "revision" and final["reason"] == {"zh": "最终核实", "en": "final verification"}
    gdp = next(s for s in final["series"] if s["code"] == "GDP")
    assert gdp["revised"] == [{"period": "2024-Q1", "value": 101.5, "previous_value": 100.0,
                               "previous_release_id": "q1"}]
    assert {s["code"]: s["releases"] for s in body["series"]}["GDP"] == ["q1", "q1-final"]
    later = mini_client.get("/api/v1/changes?since=2024-06-01T00:00:00%2B08:00").get_json()
    assert [c["release"]["id"] for c in later["changes"]] == ["q1-final"]  # q2 is still embargoed
    missing = mini_client.get("/api/v1/changes")
    assert missing.status_code == 400 and missing.get_json()["parameter"] == "since"
    future = mini_client.get("/api/v1/changes?since=2030-01-01T00:00:00%2B08:00")
    assert future.status_code == 400


def test_changes_cross_the_instant(api_client):
    since = "2026-12-01T00:00:00%2B08:00"
    before = api_client("2026-12-10T09:59:55+08:00").get(f"/api/v1/changes?since={since}").get_json()
    assert FINAL not in {c["release"]["id"] for c in before["changes"]}
    after = api_client().get(f"/api/v1/changes?since={since}").get_json()
    final = next(c for c in after["changes"] if c["release"]["id"] == FINAL)
    assert final["kind"] == "revision" and final["public_since"].startswith("2026-12-10T02:00")
    assert any(s["revised"] for s in final["series"])
    assert FINAL_INSTANT


def test_the_feed(mini_client):
    feed = feedparser.parse(mini_client.get("/api/v1/changes.atom?since=2024-01-01T00:00:00%2B08:00&lang=en").data)
    titles = [e.title for e in feed.entries]
    assert sorted(titles) == ["q1", "q1-final"]
    final = next(e for e in feed.entries if e.title == "q1-final")
    assert "final verification" in final.summary and "revised: GDP" in final.summary
    assert feed.feed.title.startswith("Mini Town Statistics Office")
