"""Rendered pages for the public, computed once per public state: release-morning load.

Every page of the site is rendered by one Dash callback (the pages router, a POST carrying the
location's pathname and search). For the public its answer depends only on what the gate shows —
which changes only at a release instant, when a new snapshot is swapped in, (for dated
notices) at midnight in Beijing, or when a feature's records shown on the pages change (the
`page_state` hook: a published reply appears at once) — so each worker keeps the answer as bytes, keyed by that state
and the location, and 200 visitors polling the home page at a release instant cost one render
per worker, not 200. Concurrent misses for the same key wait for the one render in flight
(no stampede when the instant passes and every key changes at once).

Safety: the key is taken before rendering and the clock only moves forward, so a stored answer
is never older than its key's state and never served before it was rendered; a new instant gives
a new key, so nothing rendered before an instant is served after it. Answers are also kept at
most `MAX_AGE_SECONDS`, bounding anything a page reads outside the snapshot (the operational
store's pre-release access list). Pre-release readers (any request with a staff session cookie) are
never served from or stored in the memo: their pages are personal, marked and logged.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import dash
from flask import Flask, Response, current_app, request

from statpub.dashboards.api.respond import API_KEY
from statpub.dashboards.callback_guard import ENDPOINT_SUFFIX, ROUTER_INPUT
from statpub.dashboards.services import is_private_request, services
from statpub.kernel.clock import beijing
from statpub.kernel.lru import BytesLRU

MEMO_KEY = "statpub.pagememo"
ENV_SWITCH = "STATPUB_PAGE_MEMO"  # "0" turns the memo off (to measure or debug without it)
MAX_AGE_SECONDS = 10.0
MAX_BYTES = 32 << 20
ROUTER_CONTENT = "_pages_content.children"


@dataclass(frozen=True)
class Rendered:
    status: int
    mimetype: str
    body: bytes
    stored_at: float  # time.monotonic()


class _Flight:
    """The render in flight for one key and how many requests are waiting on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0


class PageMemo:
    """Answers by key, bounded in total bytes (least recently used go first) and in age, with one
    render in flight per key."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_age: float = MAX_AGE_SECONDS):
        self.max_age = max_age
        self._items: BytesLRU[Rendered] = BytesLRU(max_bytes, max_bytes // 4, size=lambda r: len(r.body))
        self._lock = threading.Lock()
        self._flights: dict[tuple, _Flight] = {}
        self.renders = 0  # how many times a render ran (for tests and operators)

    def _fresh(self, key: tuple) -> Rendered | None:
        found = self._items.get(key)
        if found is not None and time.monotonic() - found.stored_at > self.max_age:
            self._items.pop(key)
            return None
        return found

    def answer(self, key: tuple, render: Callable[[], Response]) -> Response:
        found = self._fresh(key)
        if found is None:
            with self._lock:  # one flight per key, shared by every request that missed it
                flight = self._flights.setdefault(key, _Flight())
                flight.users += 1
            try:
                with flight.lock:
                    found = self._fresh(key)
                    if found is None:
                        response = render()
                        self.renders += 1
                        if response.status_code != 200 or response.direct_passthrough:
                            return response
                        found = Rendered(200, response.mimetype, response.get_data(), time.monotonic())
                        self._items.put(key, found)
            finally:
                with self._lock:
                    flight.users -= 1
                    if not flight.users:
                        self._flights.pop(key, None)
        return Response(found.body, status=found.status, mimetype=found.mimetype)

    def __len__(self) -> int:
        return len(self._items)


def router_output(app: dash.Dash) -> str | None:
    return next((k for k in app.callback_map if ROUTER_CONTENT in k), None)


def page_key(app: dash.Dash, body: object) -> tuple | None:
    """The memo key of a pages-router request from the public, else None (not memoized)."""
    if is_private_request() or not isinstance(body, dict) or body.get("output") != router_output(app):
        return None
    location = {item.get("property"): item.get("value") for item in body.get("inputs", [])
                if isinstance(item, dict) and item.get("id") == ROUTER_INPUT}
    view = current_app.extensions[API_KEY].state.current()
    svc = services()
    today = beijing(svc.clock.now()).date()
    features = tuple(state for state in svc.hooks.page_state() if state is not None)
    return (str(view.snapshot_path), view.key, view.valid_until, today, features, location.get("pathname"),
            location.get("search"))


def install(app: dash.Dash) -> None:
    """Wrap the callback endpoint (call before `callback_guard.install`, so bodies are checked
    before the memo is asked)."""
    server: Flask = app.server
    # Read from the server's environment at start, like the clock; never from a request.
    if os.environ.get(ENV_SWITCH, "1").strip() == "0":
        return
    memo = server.extensions[MEMO_KEY] = PageMemo()
    endpoint = next(rule.endpoint for rule in server.url_map.iter_rules() if rule.rule.endswith(ENDPOINT_SUFFIX))
    dispatch = server.view_functions[endpoint]

    @wraps(dispatch)
    def memoized(*args, **kwargs):
        key = page_key(app, request.get_json(silent=True))
        if key is None:
            return dispatch(*args, **kwargs)
        return memo.answer(key, lambda: dispatch(*args, **kwargs))

    server.view_functions[endpoint] = memoized
