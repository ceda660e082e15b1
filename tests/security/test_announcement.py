"""Finding 10 of the outside probe: entries whose history says "announced 2026-12-15" were listed on
2026-12-10 (API, ICS with a DTSTAMP in the future), and the next instant showed through the cache
max-age and `/healthz`.

An entry is public from its announcement day (Beijing), on every path — API, ICS (DTSTAMP never
in the future), pages, feeds, release page — and an instant nobody announced yet bounds no cache
lifetime and is not reported by /healthz.
"""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from statpub.dashboards.app import create_app
from statpub.etl.load import load
from statpub.kernel.clock import Clock, parse_instant
from tests.dashboards.dash_payloads import router_body
from tests.etl.builder import MiniRoot, approve_all

SERIES = ["GDP", "PART_A", "PART_B"]
ROWS = "series_code,period,value\nGDP,{p},100\nPART_A,{p},40\nPART_B,{p},60\n"
HIDDEN = "2024-q4-secret-plan"
BEFORE = parse_instant("2024-12-10T09:00:00+08:00")  # the entry is announced on 2024-12-15
ON_THE_DAY = parse_instant("2024-12-15T00:00:01+08:00")


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    mini = MiniRoot(tmp_path_factory.mktemp("announce"))
    announced = [{"date": "2024-01-10", "change": "announced", "reason": {"zh": "列入计划", "en": "planned"}}]
    mini.add("2024-q1", "2024-04-19T10:00:00+08:00", SERIES, [{"file": "d.csv", "layout": "long"}],
             {"d.csv": ROWS.format(p="2024-Q1")}, history=announced)
    mini.add(HIDDEN, "2024-12-20T10:00:00+08:00", SERIES, [{"file": "d.csv", "layout": "long"}],
             {"d.csv": ROWS.format(p="2024-Q4")},
             title={"zh": "尚未公布的发布", "en": "A release not announced yet"},
             history=[{"date": "2024-12-15", "change": "announced", "reason": {"zh": "列入计划", "en": "planned"}},
                      {"date": "2024-12-18", "change": "confirmed", "reason": {"zh": "确认", "en": "confirmed"}}])
    load(mini.settings, clock=Clock(start=BEFORE))
    approve_all(mini.settings, Clock(start=BEFORE))
    return mini


def _without(text: str, path: str) -> str:
    return text.replace("\\u002f", "/").replace(path, "")


def _everything(settings, at) -> tuple[str, dict]:
    app = create_app(settings, Clock(start=at))
    client = app.server.test_client()
    client.get("/healthz")
    # (an answer may repeat the address it was asked for: that tells nothing)
    texts = [_without(client.get(path).get_data(as_text=True), path) for path in (
        "/api/v1/calendar", "/api/v1/calendar?year=2024", "/api/v1/releases", f"/api/v1/releases/{HIDDEN}",
        "/calendar.ics", "/calendar/accounts.ics", "/feed.atom", "/feed/accounts.atom", "/healthz")]
    for page in ("/calendar", "/calendar?year=2024", "/", f"/release/{HIDDEN}"):
        path, _, query = page.partition("?")
        body = router_body(app, path, f"?{query}" if query else "")
        texts.append(_without(client.post("/_dash-update-component", json=body).get_data(as_text=True), path))
    headers = {path: client.get(path).headers for path in ("/", "/calendar", "/api/v1/calendar")}
    return "\n".join(texts), headers


def test_an_entry_is_public_from_its_announcement_day_only(mini):
    seen, headers = _everything(mini.settings, BEFORE)
    for mark in (HIDDEN, "A release not announced yet", "尚未公布的发布", "2024-12-20", "2024-12-15"):
        assert mark not in seen, mark
    for found in headers.values():  # 10 days to the hidden instant: the cache lifetime does not hint at it
        assert int(re.search(r"max-age=(\d+)", found["Cache-Control"]).group(1)) == 60
    seen, _headers = _everything(mini.settings, ON_THE_DAY)
    assert HIDDEN in seen and "A release not announced yet" in seen
    assert "2024-12-18" not in seen.replace("2024-12-18T", "")  # the confirmation is not told before its day


def test_ics_dtstamp_is_never_in_the_future(mini):
    client = create_app(mini.settings, Clock(start=ON_THE_DAY)).server.test_client()
    calendar = Calendar.from_ical(client.get("/calendar.ics").get_data())
    stamps = {str(e["uid"]): e.decoded("dtstamp") for e in calendar.walk("VEVENT")}
    assert stamps and all(stamp <= ON_THE_DAY for stamp in stamps.values()), stamps
    sequence = {str(e["uid"]).split("@")[0]: int(e["sequence"]) for e in calendar.walk("VEVENT")}
    assert sequence[HIDDEN] == 0  # the confirmation dated 18 December is not counted on the 15th
