"""ICS and Atom read by real parsers: stable UIDs, times in Asia/Shanghai with VTIMEZONE, per-topic
subsets, and no "published" entry before the instant (an entry never carries a figure)."""

from __future__ import annotations

import time

import feedparser
from icalendar import Calendar

from statpub.dashboards.app import create_app
from tests.fixtures.content_edits import FINAL, clock_at


def test_ics_is_valid_with_stable_uids_and_beijing_times(demo_settings):
    client = create_app(demo_settings, clock_at("2026-12-02T09:00:00+08:00")).server.test_client()
    response = client.get("/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = calendar.walk("VEVENT")
    assert len(events) == 47
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 47 and f"{FINAL}@stats.example.gov.cn" in uids
    final = next(e for e in events if str(e["UID"]).startswith(FINAL))
    assert final["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert final["DTSTART"].dt.isoformat() == "2026-12-10T10:00:00+08:00"
    assert str(final["STATUS"]) == "CONFIRMED" and int(final["SEQUENCE"]) == 0
    moved = next(e for e in events if str(e["UID"]).startswith("2022-q2-economy"))
    assert int(moved["SEQUENCE"]) == 1 and "国家统计局" in str(moved["DESCRIPTION"])
    # The same UIDs whoever asks and whenever: a later instant changes status, not identity.
    later = Calendar.from_ical(create_app(demo_settings, clock_at("2027-02-01T00:00:00+08:00"))
                               .server.test_client().get("/calendar.ics").data)
    assert [str(e["UID"]) for e in later.walk("VEVENT")] == uids


def test_per_topic_calendar_and_feed(demo_settings):
    client = create_app(demo_settings, clock_at("2026-12-02T09:00:00+08:00")).server.test_client()
    industry = Calendar.from_ical(client.get("/calendar/industry.ics").data).walk("VEVENT")
    population = Calendar.from_ical(client.get("/calendar/population.ics").data).walk("VEVENT")
    assert len(industry) == 40  # 32 quarterly releases (GIO) and 8 communiqués (sectors)
    kinds = {str(e["UID"]).split("@")[0].split("-", 1)[1] for e in population}
    assert "annual-communique" in kinds and "gdp-final-verification" not in kinds  # GDP is national accounts
    feed = feedparser.parse(client.get("/feed/population.atom").data)
    assert not feed.bozo and feed.entries
    assert not [e for e in feed.entries if "gdp-final-verification" in e.id]
    assert client.get("/calendar/no-such-topic.ics").status_code == 404
    assert client.get("/feed.atom?lang=xx").status_code == 400


def test_feed_announces_a_release_at_its_instant_not_before(live_server):
    server = live_server(now="2026-12-10T09:59:45+08:00")
    assert server.get("/healthz").json()["now"] < "2026-12-10T02:00:00"
    before = feedparser.parse(server.get("/feed.atom").content)
    assert not before.bozo
    assert before.feed.title == "示例市统计数据发布 · 数据发布"  # the office's site name, from office.yaml
    assert before.feed.author_detail.name == "示例市统计局"
    assert not [e for e in before.entries if FINAL in e.id]
    assert before.entries[0].id.endswith("release/2026-q3-economy/published")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        after = feedparser.parse(server.get("/feed.atom").content)
        if any(FINAL in e.id for e in after.entries):
            break
        time.sleep(0.25)
    entry = after.entries[0]
    assert entry.id.endswith(f"release/{FINAL}/published")
    assert entry.published == "2026-12-10T02:00:00+00:00"
    assert entry.title == "发布：2025年全市地区生产总值最终核实结果"
    # Metadata only: no figure of the release in the entry, ever.
    assert not any(ch.isdigit() for ch in entry.summary.replace("2025", "").replace("2026年12月10日 10:00", ""))


def test_no_feed_route_reveals_a_figure_before_the_instant(demo_settings):
    """Every feed and calendar route, for every topic and language, a second before the 2025 final
    verification: none of its figures appears in any form."""
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader

    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()
    release = snapshot.releases[FINAL]
    values = [r["value"] for r in Gate(snapshot, release.instant).release_observations(FINAL).to_pylist()]
    forms = {f"{v:,.2f}" for v in values} | {f"{v:.2f}" for v in values} | {f"{v:.1f}" for v in values if abs(v) < 100}
    client = create_app(demo_settings, clock_at("2026-12-10T09:59:59+08:00")).server.test_client()
    paths = ["/calendar.ics", "/feed.atom"] + [f"/calendar/{t.code}.ics" for t in snapshot.topics] \
        + [f"/feed/{t.code}.atom" for t in snapshot.topics]
    for path in paths:
        for lang in ("zh", "en"):
            body = client.get(f"{path}?lang={lang}").get_data(as_text=True)
            leaked = [form for form in forms if form in body]
            assert not leaked, (path, lang, leaked)
