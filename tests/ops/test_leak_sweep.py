"""The leak sweep: one live server (gunicorn, 2 workers) crosses the demo release's instant. Before
it, every answer the site gives (see tests/ops/sweep.py: routes with every id, code, topic and
format, OpenAPI paths, pages and every callback in both languages, search results, feeds, 404 and
error bodies, every link followed) is checked: no body or header holds a figure of the release as
the site formats it, a sentence of its interpretation or the name of one of its files. After it,
the same sweep (on the same warm caches) must show every one of them somewhere, and no answer
showing the release may carry an ETag that was served before the instant. Every answer, before and
after, also passes the hardening checks of issue 13 (tests/ops/sweep.py `hardening_problems`): a
script policy without 'unsafe-inline'/'unsafe-eval', no version in headers, the Host it was asked
with nowhere in it, no spreadsheet cell starting a formula."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest

from statpub.dashboards.app import create_app
from statpub.dashboards.components.releases import interpretation_markdown
from statpub.dashboards.pages.explorer_model import vintage_code
from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.numbers import format_number
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.helpers import start_server
from tests.ops.sweep import (
    Seen,
    Sweep,
    Universe,
    hardening_problems,
    page_asks,
    pinned_before,
    query_asks,
    route_asks,
    router_ask,
)

RELEASE = "2025-gdp-final-verification"
INSTANT = parse_instant("2026-12-10T10:00:00+08:00")
LEAD = 240.0  # seconds of server clock from its start to the instant: room for the sweep before it on a busy machine


def figure_marks(after: Gate, before: Gate) -> list[str]:
    """The release's figures as the site prints them (both languages) and as raw numbers, except
    those that were public already (an unrevised figure is no secret)."""
    info = {s.code: s for s in after.series()}
    known = set()
    for row in before.observations(list(info)).to_pylist():
        if row["value"] is not None:
            decimals = info[row["series_code"]].decimals
            known |= {format_number(row["value"], decimals, lang) for lang in ("zh", "en")} | {repr(row["value"])}
    marks = set()
    for row in after.release_observations(RELEASE).to_pylist():
        if row["value"] is None:
            continue
        for lang in ("zh", "en"):
            text = format_number(row["value"], info[row["series_code"]].decimals, lang)
            # Short numbers (growth rates such as 5.4) occur by chance everywhere; levels do not.
            if len(text) >= 7 and text not in known:
                marks |= {text, repr(row["value"])}
    return sorted(marks)


def sentences(markdown: str, lang: str) -> list[str]:
    found = []
    for line in markdown.splitlines():
        line = re.sub(r"^(?:>\s*|[*+-]\s+|\d+\.\s+)+", "", line.strip())
        if not line or line.startswith("#"):
            continue
        parts = re.split(r"(?<=[。！？；])" if lang == "zh" else r"(?<=[.!?;])\s+", line)
        found += [p.strip() for p in parts if len(p.strip()) >= (12 if lang == "zh" else 25)]
    return found


def sentence_marks(after: Gate) -> list[str]:
    """Every sentence of the release's interpretation as the site renders it (figures filled in),
    in both languages, except boilerplate every interpretation carries."""
    marks = []
    for lang in ("zh", "en"):
        others = "\n".join(interpretation_markdown(after, r.id, lang) or "" for r in after.visible_releases()
                           if r.id != RELEASE)
        marks += [s for s in sentences(interpretation_markdown(after, RELEASE, lang) or "", lang) if s not in others]
    return marks


def file_marks(after: Gate) -> list[str]:
    vintage = vintage_code(after.calendar_entry(RELEASE).instant)
    return [*(f"{RELEASE}_v{vintage}.{fmt}" for fmt in ("csv", "xlsx", "parquet", "zip")),
            *(f"{RELEASE}{suffix}" for suffix in (".csv", ".parquet", ".jsonstat.json", ".sdmx.csv", ".sdmx.xml",
                                                  ".zip")),
            f"{RELEASE}-briefing-pack.zip"]


def previous_instant(after: Gate) -> datetime:
    """The instant of the release out before the one under test: older pinned states are skipped."""
    target = after.calendar_entry(RELEASE).instant
    return max(r.instant for r in after.published_releases() if r.instant < target)


def found_in(seen: Seen, marks: list[str]) -> list[str]:
    text = seen.text + "\n" + seen.header_text
    return [m for m in marks if m in text]


def etag(seen: Seen) -> str | None:
    return next((v.removeprefix("W/") for k, v in seen.headers if k.lower() == "etag"), None)


@pytest.mark.slow
def test_nothing_of_the_release_before_its_instant_and_everything_after(demo_settings):
    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()
    after_gate = Gate(snapshot, INSTANT + timedelta(seconds=1))
    before_gate = Gate(snapshot, INSTANT - timedelta(seconds=1))
    marks = {"figure": figure_marks(after_gate, before_gate), "sentence": sentence_marks(after_gate),
             "file": file_marks(after_gate)}
    assert len(marks["figure"]) >= 8 and len(marks["sentence"]) >= 4, marks
    every_mark = [m for group in marks.values() for m in group]

    app = create_app(demo_settings, Clock(start=INSTANT + timedelta(seconds=1)))
    app.server.test_client().get("/healthz")  # registers the pages router callback
    universe = Universe(
        release=RELEASE, release_ids=[r.id for r in after_gate.calendar()],
        series_codes=list(snapshot.series), topics=[t.code for t in snapshot.topics],
        series_of_release=list(after_gate.calendar_entry(RELEASE).series))
    asks = route_asks(app.server, universe) + query_asks(universe) + page_asks(app, universe)

    anchor = time.time()
    server = start_server(demo_settings, now=(INSTANT - timedelta(seconds=LEAD)).isoformat(), workers=2,
                          env={"STATPUB_CLOCK_ANCHOR": repr(anchor), "STATPUB_API_RATE": "0",
                               "STATPUB_DOWNLOAD_RATE": "0"})
    instant_wall = anchor + LEAD
    try:
        skip = pinned_before(previous_instant(after_gate), {r.id: r.instant for r in after_gate.calendar()})
        sweep = Sweep(server.url, app, skip=skip)
        openapi = server.get("/api/v1/openapi.json").json()
        api_paths = [p.replace("{code}", "GDP").replace("{release_id}", RELEASE).replace("{vintage}", "latest")
                     .replace("{name}", "GDP.csv") for p in openapi["paths"]]
        asks += [type(asks[0])("GET", p) for p in api_paths]

        started = time.time()
        before = sweep.run(asks)
        finished = time.time()
        assert finished < instant_wall - 1, (
            f"the sweep before the instant took {finished - started:.0f} s and ran into it; raise LEAD")
        print(f"\nbefore the instant: {len(before)} answers in {finished - started:.1f} s, "
              f"ending {instant_wall - finished:.1f} s before it")
        # Until the instant, ask everything again (caches warm now): the last answers come in just
        # before it. Only answers complete before the instant count as "before".
        replay, passes = list(dict.fromkeys(s.ask for s in before)), 1
        while time.time() < instant_wall - 1:
            before += sweep.run(replay, follow=False)
            passes += 1
        before = [s for s in before if s.received < instant_wall]
        last = max(s.received for s in before)
        print(f"{passes} passes, {len(before)} answers before the instant, the last {instant_wall - last:.2f} s before it")
        assert all(s.status < 500 for s in before), [(s.ask.label, s.status) for s in before if s.status >= 500]
        leaks = [(s.ask.label, s.status, found_in(s, every_mark)) for s in before if found_in(s, every_mark)]
        assert not leaks, f"{len(leaks)} answers before the instant give the release away: {leaks[:10]}"
        own_host = urlsplit(server.url).netloc
        weak = [(s.ask.label, p) for s in before for p in hardening_problems(s, own_host)]
        assert not weak, f"{len(weak)} answers fail the hardening checks: {weak[:10]}"
        etags_before = {etag(s) for s in before if etag(s)}

        time.sleep(max(0.0, instant_wall + 1 - time.time()))
        after = sweep.run(asks)
        print(f"after the instant: {len(after)} answers in {time.time() - instant_wall - 1:.1f} s")
        assert all(s.status < 500 for s in after), [(s.ask.label, s.status) for s in after if s.status >= 500]
        weak = [(s.ask.label, p) for s in after for p in hardening_problems(s, own_host)]
        assert not weak, f"{len(weak)} answers fail the hardening checks after the instant: {weak[:10]}"
        shown = {m for s in after for m in found_in(s, every_mark)}
        for kind, group in marks.items():
            missing = [m for m in group if m not in shown]
            assert not missing, f"{kind}s of the release nowhere after the instant: {missing}"
        # The release's own page shows all of it, in each language; the home page its figures.
        for lang, language_marks in (("zh", [m for m in marks["sentence"] if not m.isascii()]),
                                     ("en", [m for m in marks["sentence"] if m.isascii()])):
            page = next(s for s in after if s.ask == router_ask(app, f"/release/{RELEASE}", lang))
            formatted = [m for m in marks["figure"] if "," in m]
            assert set(found_in(page, language_marks + formatted)) == set(language_marks + formatted), lang
        home = [s for s in after if s.ask in (router_ask(app, "/", "zh"), router_ask(app, "/", "en"))]
        assert len(home) == 2 and all(found_in(s, marks["figure"]) for s in home)
        stale = [s.ask.label for s in after if found_in(s, marks["figure"]) and etag(s) in etags_before]
        assert not stale, f"answers showing the release with an ETag served before the instant: {stale[:10]}"
    finally:
        server.stop()
