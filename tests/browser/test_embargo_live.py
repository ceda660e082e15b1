"""The embargo flips live: a server started a few seconds before the instant serves nothing of
the release on its page, callbacks or downloads, then everything asked from 1 s after the instant,
without a restart; and a browser sees the page change on reload."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

import pytest
import requests

from tests.dashboards.embargo_marks import embargo_marks

pytestmark = [pytest.mark.browser, pytest.mark.slow]
RELEASE = "2025-gdp-final-verification"
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
LEAD = 75  # seconds between the server's start and the instant


def router_body(path: str, search: str = "") -> dict:
    return {"output": ROUTER_OUTPUT,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}


def public_view(url: str, marks: list[str]) -> list[tuple[float, set[str], bool]]:
    """What of the release a reader can get right now, request by request: when it was asked, the
    marks its answer shows, and whether it is the download answering 200."""
    answers = []
    for search in ("", "?lang=en"):
        asked = time.time()
        page = requests.post(url + "/_dash-update-component", json=router_body(f"/release/{RELEASE}", search),
                             timeout=30)
        assert page.status_code == 200
        answers.append((asked, {m for m in marks if m in json.dumps(page.json(), ensure_ascii=False)}, False))
    asked = time.time()
    download = requests.get(url + f"/download/release/{RELEASE}.csv", timeout=30)
    text = download.content.decode("utf-8-sig") if download.status_code == 200 else ""
    answers.append((asked, {m for m in marks if m in text}, download.status_code == 200))
    return answers


def test_release_goes_live_at_the_instant(live_server, embargoed_release, gate_after, gate_before, browser, artifacts):
    marks = embargo_marks(gate_after, gate_before, RELEASE)
    instant = embargoed_release.instant
    # Started well before the instant (a loaded machine may take half a minute to start and warm
    # up); the test then waits until a few seconds before it.
    server = live_server(now=(instant - timedelta(seconds=LEAD)).isoformat(), workers=2)
    asked = time.time()
    health = server.get("/healthz").json()
    # The server read its clock between `asked` and now: the instant falls on the wall clock no
    # earlier than this (a slow answer must not make the test think the release came early).
    wall_instant = asked + (instant - datetime.fromisoformat(health["now"])).total_seconds()
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(server.url + "/calendar")  # warm both the workers and the browser's cache
    page.wait_for_selector("main h1", timeout=30000)
    assert wall_instant - time.time() > 8, "the server took too long to start for this test"
    time.sleep(max(0.0, wall_instant - time.time() - 8))
    page.goto(server.url + f"/release/{RELEASE}")
    page.wait_for_selector(".embargoed", timeout=30000)
    assert page.locator("#interpretation").count() == 0
    page.screenshot(path=artifacts / "site-release-before-instant.png", full_page=True)

    cache = server.get("/").headers["Cache-Control"]
    assert int(cache.split("max-age=")[1]) <= wall_instant - time.time() + 1

    # Each probe is judged by when it was asked, not by when its answers came back: on a loaded
    # machine the first answers after the instant (the new public state's first pages) can take
    # longer than a second to arrive, which is speed (bench/), not embargo. The rule tested: nothing
    # asked before the instant shows the release, and everything asked from one second after it
    # shows all of it (a page cached up to the instant may be served until its max-age runs out).
    first_asked = first_answered = None
    while time.time() < wall_instant + 8:
        answers = public_view(server.url, marks)
        for asked_at, seen, downloaded in answers:
            if seen or downloaded:
                assert asked_at >= wall_instant - 0.05, f"{seen} served {wall_instant - asked_at:.3f} s early"
        complete = set().union(*(seen for _, seen, _ in answers)) == set(marks) and answers[-1][2]
        if not complete:
            assert answers[0][0] < wall_instant + 1.0, (
                f"asked {answers[0][0] - wall_instant:.3f} s after the instant, "
                f"still shows {[(sorted(seen), ok) for _, seen, ok in answers]}")
        elif first_asked is None:
            first_asked, first_answered = answers[0][0], time.time()
        if first_asked is not None and answers[0][0] > wall_instant + 2:
            break
        time.sleep(0.05)
    assert first_asked is not None, "the release never appeared"
    (artifacts / "embargo-flip.txt").write_text(
        f"release asked {max(0.0, first_asked - wall_instant):.3f} s after the instant shown in full; "
        f"its answers arrived {first_answered - wall_instant:.3f} s after the instant\n")

    page.reload()
    page.wait_for_selector("#interpretation", timeout=30000)
    assert "52,308.86" in page.inner_text("#key-figures")
    page.screenshot(path=artifacts / "site-release-after-instant.png", full_page=True)
    context.close()
