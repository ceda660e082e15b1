"""Public pages are rendered once per public state and location, concurrent misses render once,
a new instant renders anew, and pre-release readers never touch the memo."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Response

from statpub.dashboards.app import create_app
from statpub.dashboards.pagememo import MEMO_KEY, PageMemo
from statpub.kernel.clock import Clock, parse_instant
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.dashboards.dash_payloads import UPDATE, router_body
from tests.dashboards.embargo_marks import embargo_marks

RELEASE = "2025-gdp-final-verification"
INSTANT = parse_instant("2026-12-10T10:00:00+08:00")


class SteppingClock(Clock):
    """A clock the test moves by hand."""

    def __init__(self, at):
        super().__init__(start=at)
        self.at = at

    def now(self):
        return self.at


@pytest.fixture(scope="module")
def marks(demo_settings):
    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()
    return [m for m in embargo_marks(Gate(snapshot, INSTANT + timedelta(seconds=1)),
                                     Gate(snapshot, INSTANT - timedelta(seconds=5)), RELEASE) if m.isascii()]


def test_one_render_per_state_and_a_new_one_at_the_instant(demo_settings, marks):
    clock = SteppingClock(INSTANT - timedelta(seconds=2))
    app = create_app(demo_settings, clock)
    client = app.server.test_client()
    client.get("/healthz")
    memo: PageMemo = app.server.extensions[MEMO_KEY]
    body = router_body(app, f"/release/{RELEASE}")

    first = client.post(UPDATE, json=body).get_data(as_text=True)
    again = client.post(UPDATE, json=body).get_data(as_text=True)
    assert first == again and memo.renders == 1
    assert not any(m in first for m in marks)
    client.post(UPDATE, json=router_body(app, f"/release/{RELEASE}", "?lang=en"))
    assert memo.renders == 2  # the location (language) is part of the key

    clock.at = INSTANT + timedelta(milliseconds=1)
    after = client.post(UPDATE, json=body).get_data(as_text=True)
    assert memo.renders == 3 and any(m in after for m in marks)
    assert client.post(UPDATE, json=body).get_data(as_text=True) == after and memo.renders == 3


def test_concurrent_misses_render_once(demo_settings):
    app = create_app(demo_settings, Clock(start=INSTANT + timedelta(seconds=1)))
    app.server.test_client().get("/healthz")
    memo: PageMemo = app.server.extensions[MEMO_KEY]
    body = router_body(app, "/")
    answers, start = [], threading.Barrier(12)

    def ask():
        client = app.server.test_client()
        start.wait()
        answers.append(client.post(UPDATE, json=body).get_data())

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 12 and len(set(answers)) == 1
    assert memo.renders == 1


def test_prerelease_readers_bypass_the_memo(demo_settings):
    app = create_app(demo_settings, Clock(start=INSTANT + timedelta(seconds=1)))
    client = app.server.test_client()
    client.get("/healthz")
    memo: PageMemo = app.server.extensions[MEMO_KEY]
    client.set_cookie("statpub_staff", "not-a-session")
    for _ in range(3):
        assert client.post(UPDATE, json=router_body(app, "/")).status_code == 200
    assert memo.renders == 0 and len(memo) == 0


def test_answers_expire_and_the_memo_is_bounded():
    memo = PageMemo(max_bytes=4000, max_age=0.0)
    calls = []

    def render(size: int):
        def make() -> Response:
            calls.append(size)
            return Response(b"x" * size, mimetype="application/json")
        return make

    memo.answer(("a",), render(10))
    memo.answer(("a",), render(10))
    assert len(calls) == 2  # max_age 0: every answer is rendered again
    memo = PageMemo(max_bytes=4000, max_age=60)
    for i in range(10):
        memo.answer((i,), render(900))
    assert len(memo) <= 4  # least recently used dropped to stay within the bytes
    errors = PageMemo()
    errors.answer(("e",), lambda: Response(b"no", status=400))
    assert len(errors) == 0  # only successful answers are kept
    assert not errors._flights  # no flight outlives its requests
