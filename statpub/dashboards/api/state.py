"""Compute once, serve bytes: the public state, the answer memo and the rate limiter.

What the public may see changes only at a release instant or when a new snapshot is swapped in,
so the gate's view of it (the visible releases and the catalogue) gets an identity (`PublicView.key`)
that stays valid until the next instant. An API answer depends only on that identity and the
request's path and query, so the first answer is kept as bytes (per process, bounded in size) and
later identical requests are answered from memory by a small WSGI layer in front of Flask — after
the rate limiter, with their cache lifetime re-bounded by the next instant. A new instant gives a
new identity, so no answer computed before a release instant is ever served after it.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from statpub.dashboards.http import CSP, HSTS, seconds_until
from statpub.dashboards.services import Services
from statpub.kernel.errors import StatpubError
from statpub.kernel.lru import BytesLRU
from statpub.warehouse import publication
from statpub.warehouse.gate import Gate

MEMO_ENVIRON_KEY = "statpub.api.memo"  # set by a view: (public state key, max-age or IMMUTABLE)
IMMUTABLE = -1
# `STATPUB_API_MEMO=0`: every answer is computed through the gate — none is kept, in memory or in
# the shared disk cache. That is the path every answer takes right after a release instant (a new
# public state), which the benchmarks measure this way; production keeps the memo on (default 1).
ENV_MEMO = "STATPUB_API_MEMO"


def memo_enabled(text: str | None) -> bool:
    """Read `STATPUB_API_MEMO` (server environment only): `0` or `off` turns the memo off."""
    return (text or "1").strip().lower() not in ("0", "off", "false", "no")


@dataclass(frozen=True)
class PublicView:
    key: str
    snapshot_path: Path
    now: datetime
    valid_until: datetime | None
    latest_release: str | None


def catalogue_fingerprint(gate: Gate) -> str:
    """The public catalogue as approved (names, units, topics, office) at the gate's instant."""
    meta = gate.metadata()
    return hashlib.sha256(repr((tuple(meta.series.values()), meta.topics, meta.office)).encode()).hexdigest()[:32]


def releases_identity(releases: Iterable, catalogue: str) -> str:
    """What a public answer depends on: the releases it may draw on (with their sizes, in case one
    was loaded after its instant) and the catalogue's metadata."""
    parts = [f"{r.id}:{r.observation_count}:{r.instant.isoformat()}:{publication.public_since(r)}:"
             f"{publication.known_since(r)}" for r in releases]
    parts.append(catalogue)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


class PublicState:
    """The current `PublicView`, recomputed only when the snapshot moves or an instant passes."""

    def __init__(self, services: Services):
        self.services = services
        self._view: PublicView | None = None
        self._lock = threading.Lock()

        self._catalogue: tuple[Path, str] | None = None

    def current(self) -> PublicView:
        snapshot = self.services.warehouse.snapshot()
        now = self.services.clock.now()
        view = self._view
        if self._valid(view, snapshot.path, now):
            return view
        return self.for_gate(Gate(snapshot, now))

    @staticmethod
    def _valid(view: PublicView | None, path: Path, now: datetime) -> bool:
        return view is not None and view.snapshot_path == path and view.now <= now and (
            view.valid_until is None or now < view.valid_until)

    def catalogue(self, gate: Gate) -> str:
        cached = self._catalogue
        identity = (gate.snapshot.path, id(gate.metadata()))  # one public metadata per interval
        if cached is None or cached[0] != identity:
            cached = (identity, catalogue_fingerprint(gate))
            self._catalogue = cached
        return cached[1]

    def for_gate(self, gate: Gate) -> PublicView:
        """The identity of what this gate shows (computed from the gate itself, at its instant)."""
        view = self._view
        if self._valid(view, gate.snapshot.path, gate.now):
            return view
        with self._lock:
            latest = gate.latest_shown()  # the pinned twin of the `latest` files
            view = PublicView(releases_identity(gate.visible_releases(), self.catalogue(gate)),
                              gate.snapshot.path, gate.now, gate.next_instant(),
                              latest.id if latest else None)
            if self._view is None or self._view.now <= view.now:
                self._view = view
            return view


@dataclass(frozen=True)
class Answer:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str | None
    max_age: int  # wanted max-age in seconds, or IMMUTABLE


class Memo(BytesLRU[Answer]):
    """Answers by key, bounded by their total size in bytes (least recently used go first)."""

    def __init__(self, max_bytes: int = 64 << 20, max_item: int = 2 << 20):
        super().__init__(max_bytes, max_item, size=lambda answer: len(answer.body))


class RateLimiter:
    """A token bucket per client address: `burst` requests, refilled at `burst / window` per
    second, kept per server process; with `shared` (ratelimit.SharedCounts) the same limit also
    holds across every worker of every node, from counts synced in batches through the store."""

    def __init__(self, burst: int, window: float, max_clients: int = 10_000):
        self.burst = burst
        self.window = window
        self.rate = burst / window
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self.shared = None  # SharedCounts, set by register_api

    @classmethod
    def from_setting(cls, text: str | None, name: str = "STATPUB_API_RATE",
                     default: str = "1200/60") -> RateLimiter | None:
        """A setting `<requests>/<seconds>` (`STATPUB_API_RATE` by default: 1200/60), `0` for no limit."""
        text = (text or default).strip()
        if text == "0":
            return None
        try:
            count, seconds = text.split("/")
            limiter = cls(int(count), float(seconds))
        except ValueError:
            raise StatpubError(f"{name}: {text!r} is not <requests>/<seconds>, e.g. {default}") from None
        if limiter.burst < 1 or limiter.window <= 0:
            raise StatpubError(f"{name}: {text!r} must allow at least one request")
        return limiter

    @property
    def policy(self) -> str:
        return f"{self.burst};w={self.window:g}"

    def take(self, client: str) -> tuple[bool, int, int]:
        """(allowed, remaining, seconds until a request is allowed again)."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        retry = 0 if allowed else max(1, math.ceil((1 - tokens) / self.rate))
        if allowed and self.shared is not None:
            shared_allowed, shared_remaining = self.shared.take(client)
            if not shared_allowed:
                return False, 0, self.shared.retry_after(client)
            return True, min(int(tokens), shared_remaining), 0
        return allowed, int(tokens), retry


StartResponse = Callable[..., object]


class ApiFastPath:
    """WSGI layer for `/api/`: rate limit, then answer from the memo or let Flask compute (and
    remember the answer when the view marked it as depending only on the public state)."""

    def __init__(self, app, state: PublicState, memo: Memo | None, limiter: RateLimiter | None):
        self.app = app
        self.state = state
        self.memo = memo
        self.limiter = limiter

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith("/api/"):
            return self.app(environ, start_response)
        extra: list[tuple[str, str]] = []
        if self.limiter is not None:
            allowed, remaining, retry = self.limiter.take(environ.get("REMOTE_ADDR") or "-")
            extra = [("RateLimit-Policy", self.limiter.policy), ("RateLimit-Remaining", str(remaining))]
            if not allowed:
                return _too_many(start_response, retry, extra)
        if self.memo is None or environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or "HTTP_RANGE" in environ:
            return self._pass(environ, start_response, extra)
        try:
            view = self.state.current()
        except StatpubError:
            return self._pass(environ, start_response, extra)  # Flask renders the error
        key = (view.key, environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        answer = self.memo.get(key)
        if answer is not None:
            return self._serve(answer, view, environ, start_response, extra)
        return self._compute(key, environ, start_response, extra)

    def _pass(self, environ: dict, start_response: StartResponse, extra: list) -> Iterable[bytes]:
        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, *extra], exc_info)
        return self.app(environ, start)

    def _compute(self, key: tuple, environ: dict, start_response: StartResponse,
                 extra: list) -> Iterable[bytes]:
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)
            return start_response(status, [*headers, *extra], exc_info)

        result = self.app(environ, capture)
        marked = environ.get(MEMO_ENVIRON_KEY)
        # Kept only when the view computed it for the same public state as the key says.
        if marked is None or marked[0] != key[0] or not captured.get("status", "").startswith("200 ") \
                or environ.get("REQUEST_METHOD") != "GET":
            return result
        wanted = marked[1]
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = tuple((k, v) for k, v in captured["headers"] if k.lower() != "set-cookie")
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        self.memo.put(key, Answer(captured["status"], headers, body, etag, wanted))
        return [body]

    def _serve(self, answer: Answer, view: PublicView, environ: dict, start_response: StartResponse,
               extra: list) -> Iterable[bytes]:
        headers = [(k, v) for k, v in answer.headers if k.lower() not in ("cache-control", "strict-transport-security")]
        if environ.get("wsgi.url_scheme") == "https":  # whatever scheme the memoised answer was made for
            headers.append(("Strict-Transport-Security", HSTS))
        if answer.max_age == IMMUTABLE:
            headers.append(("Cache-Control", "public, max-age=31536000, immutable"))
        else:
            left = seconds_until(view.valid_until, self.state.services.clock.now())
            age = answer.max_age if left is None else min(answer.max_age, left)
            headers.append(("Cache-Control", f"public, max-age={age}"))
        headers += extra
        match = environ.get("HTTP_IF_NONE_MATCH")
        if answer.etag and match and (match.strip() == "*" or answer.etag in _etags(match)):
            keep = {"etag", "cache-control", "vary", "access-control-allow-origin",
                    "access-control-expose-headers", "ratelimit-policy", "ratelimit-remaining"}
            start_response("304 NOT MODIFIED", [(k, v) for k, v in headers if k.lower() in keep])
            return [b""]
        start_response(answer.status, headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [answer.body]


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",")}


def _too_many(start_response: StartResponse, retry: int, extra: list) -> Iterable[bytes]:
    body = json.dumps({"status": 429, "code": "too_many_requests", "title": "Too many requests",
                       "message": f"Rate limit reached for this address; retry in {retry} s."}).encode()
    start_response("429 TOO MANY REQUESTS", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
        ("Retry-After", str(retry)), ("Cache-Control", "no-store"), ("Access-Control-Allow-Origin", "*"),
        ("X-Content-Type-Options", "nosniff"), ("Content-Security-Policy", CSP.format(hashes="")), *extra])
    return [body]
