"""Link patrol (确保跳转链接不断链): crawl the running site and report every broken link.

Every internal URL found is fetched over HTTP; a status of 400 or more is broken. Links are taken
from what each response is: HTML pages (rendered in Chromium when they are a Dash app, whose pages
the browser builds — a page that renders as "not found" is broken even though the HTTP status of
the app shell is 200), JSON (link-like fields: href, url, links, downloads…), Atom/RSS feeds and
ICS calendars (URL properties). External links are listed, and checked only with `external`.
The crawler knows nothing of the site's routes: it starts from a few seeds and follows links.
"""

from __future__ import annotations

import json
import queue
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import requests

SEEDS = ("/", "/?lang=en", "/calendar.ics", "/calendar.ics?lang=en", "/feed.atom", "/feed.atom?lang=en")
PROBES = ("/api/v1/openapi.json", "/api/v1/", "/datapackage.json")  # followed only if they exist
NOT_FOUND_TEXTS = ("404 - Page not found",)
PARSED_TYPES = ("text/html", "application/json", "application/atom+xml", "application/rss+xml",
                "application/xml", "text/xml", "text/calendar")
MAX_BODY = 20 * 1024 * 1024
JSON_LINK_KEYS = {"href", "url", "link", "self", "next", "prev", "previous", "first", "last", "download",
                  "csv", "xlsx", "parquet", "json", "ics", "atom", "path_url"}
JSON_LINK_CONTAINERS = {"links", "_links", "downloads", "files", "resources"}
_WAIT_FOR_DASH = """() => {
  const root = document.getElementById('react-entry-point');
  if (!root) return true;
  if (document.querySelector('[data-dash-is-loading="true"]')) return false;
  const content = document.getElementById('_pages_content');
  return content ? content.childElementCount > 0 : root.innerText.trim().length > 0;
}"""
_COLLECT = """() => ({
  links: Array.from(document.querySelectorAll('a[href], link[rel="alternate"][href]')).map(a => a.href),
  status: (document.querySelector('[data-status-code]') || {dataset: {}}).dataset.statusCode || null,
  text: document.body ? document.body.innerText : ''
})"""


@dataclass
class BrokenLink:
    url: str
    problem: str
    referrers: list[str] = field(default_factory=list)


@dataclass
class PatrolResult:
    base: str
    visited: int = 0
    rendered: int = 0
    broken: list[BrokenLink] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("a", "area") and values.get("href"):
            self.links.append(values["href"])
        elif tag == "link" and values.get("href") and "alternate" in (values.get("rel") or ""):
            self.links.append(values["href"])


def html_links(text: str) -> list[str]:
    parser = _Anchors()
    parser.feed(text)
    return parser.links


def json_links(data: object, key: str | None = None, inside: bool = False) -> list[str]:
    """Link-like strings in a JSON document; URI templates (`{code}`) are not links."""
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "servers":
                continue
            found += json_links(v, k, inside or k in JSON_LINK_CONTAINERS)
    elif isinstance(data, list):
        for item in data:
            found += json_links(item, key, inside)
    elif isinstance(data, str):
        named = key is not None and (key in JSON_LINK_KEYS or key.endswith(("_url", "_href", "Url")))
        looks = data.startswith(("/", "http://", "https://")) and " " not in data and "{" not in data
        if looks and (named or inside):
            found.append(data)
    return found


def feed_links(text: str) -> list[str]:
    try:
        root = ET.fromstring(text.encode() if isinstance(text, str) else text)
    except ET.ParseError:
        return []
    found = [el.get("href") for el in root.iter("{http://www.w3.org/2005/Atom}link") if el.get("href")]
    found += [el.text.strip() for el in root.iter("link") if el.text and el.text.strip()]
    return found


def ics_links(text: str) -> list[str]:
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    return [m.group(1).strip() for m in re.finditer(r"^URL(?:;[^:]*)?:(.+)$", unfolded, re.M)]


class _Renderer:
    """One Chromium for the whole crawl, started on the first Dash page."""

    def __init__(self, executable: str | None):
        self.executable = executable
        self._pw = self._browser = self._page = None
        self.failures: list[str] = []

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(
            executable_path=self.executable, args=["--no-sandbox", "--disable-dev-shm-usage"])
        self._page = self._browser.new_page()
        # A callback answering with a server error leaves the page half-built: that is broken too.
        self._page.on("response", lambda r: self.failures.append(f"{urlsplit(r.url).path} answered HTTP {r.status}")
                      if r.status >= 500 else None)

    def render(self, url: str, timeout_ms: int) -> dict:
        from playwright.sync_api import Error as PlaywrightError

        if self._page is None:
            self._start()
        self.failures.clear()
        try:
            self._page.goto(url, wait_until="load", timeout=timeout_ms)
            self._page.wait_for_function(_WAIT_FOR_DASH, timeout=timeout_ms)
            self._page.wait_for_timeout(150)  # let a last callback land
            self._page.wait_for_function(_WAIT_FOR_DASH, timeout=timeout_ms)
        except PlaywrightError as exc:
            reason = self.failures[0] if self.failures else f"did not finish rendering ({exc.__class__.__name__})"
            return {"links": [], "status": None, "text": "", "error": reason}
        page = self._page.evaluate(_COLLECT)
        page["error"] = self.failures[0] if self.failures else None
        return page

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._pw.stop()


def patrol(base: str, *, max_pages: int = 50_000, external: bool = False, render: bool = True,
           not_found_texts: tuple[str, ...] = (), seeds: tuple[str, ...] = SEEDS, probes: tuple[str, ...] = PROBES,
           timeout: float = 30.0, chromium: str | None = "/usr/bin/chromium", workers: int = 2) -> PatrolResult:
    """Crawl from the seeds; `workers` URLs are visited at a time, each worker with its own HTTP
    session and (started on its first Dash page) its own Chromium."""
    base = base.rstrip("/") + "/"
    origin = urlsplit(base)[:2]
    result = PatrolResult(base)
    markers = NOT_FOUND_TEXTS + tuple(not_found_texts)
    referrers: dict[str, list[str]] = {}
    waiting: deque[tuple[str, bool]] = deque()
    seen: set[str] = set()
    outside: set[str] = set()
    problems: list[tuple[str, str, bool]] = []  # (url, problem, required), in the order found

    def add(link: str, referrer: str | None, required: bool = True) -> None:
        if link.lower().startswith(("mailto:", "tel:", "javascript:", "data:")):
            return
        url = urldefrag(urljoin(referrer or base, link))[0]
        if urlsplit(url)[:2] != origin:
            if urlsplit(url).scheme in ("http", "https"):
                outside.add(url)
            return
        if referrer:
            referrers.setdefault(url, []).append(referrer)
        if url not in seen:
            seen.add(url)
            waiting.append((url, required))

    for seed in seeds:
        add(seed, None)
    for probe in probes:
        add(probe, None, required=False)
    crew = _Crew(max(1, workers), chromium if render else None, markers, timeout)
    try:
        in_flight = 0
        while waiting or in_flight:
            while waiting and in_flight < crew.size and result.visited < max_pages:
                url, required = waiting.popleft()
                crew.give(url, required)
                result.visited += 1
                in_flight += 1
            if not in_flight:
                result.notes.append(f"stopped after {max_pages} URLs (--max-pages)")
                break
            visit = crew.take()
            in_flight -= 1
            result.rendered += visit.rendered
            if visit.problem:
                problems.append((visit.url, visit.problem, visit.required))
            for link in visit.links:
                add(link, visit.url)
    finally:
        crew.close()
    # Decided once the crawl is over: a probe that failed is broken only if some page links to it.
    for url, problem, required in problems:
        if problem == RATE_LIMITED:
            result.notes.append(f"{urlsplit(url).path}: {problem}")
        elif required or referrers.get(url):
            result.broken.append(BrokenLink(url, problem, referrers.get(url, [])))
        else:
            result.notes.append(f"{urlsplit(url).path}: {problem} (probe, not linked)")
    result.external = sorted(outside)
    if external:
        session = requests.Session()
        for url in result.external:
            problem = _status_problem(session, url, timeout)
            if problem:
                result.broken.append(BrokenLink(url, problem, referrers.get(url, [])))
    elif outside:
        result.notes.append(f"{len(outside)} external link(s) not checked (use --external)")
    return result


@dataclass
class _Visit:
    url: str
    required: bool
    problem: str | None = None
    links: list[str] = field(default_factory=list)
    rendered: int = 0
    failure: BaseException | None = None  # the crawl itself failed (e.g. Chromium would not start)


class _Crew:
    """Threads that visit URLs, each with its own session and renderer: Playwright's sync API
    belongs to the thread that started it, so a renderer is started, used and closed in one."""

    def __init__(self, size: int, chromium: str | None, markers: tuple[str, ...], timeout: float):
        self.size = size
        self._todo: queue.Queue[tuple[str, bool] | None] = queue.Queue()
        self._done: queue.Queue[_Visit] = queue.Queue()
        self._threads = [threading.Thread(target=self._work, args=(chromium, markers, timeout), daemon=True,
                                          name=f"linkpatrol-{i}") for i in range(size)]
        for thread in self._threads:
            thread.start()

    def give(self, url: str, required: bool) -> None:
        self._todo.put((url, required))

    def take(self) -> _Visit:
        visit = self._done.get()
        if visit.failure is not None:
            raise visit.failure
        return visit

    def close(self) -> None:
        for _thread in self._threads:
            self._todo.put(None)
        for thread in self._threads:
            thread.join()

    def _work(self, chromium: str | None, markers: tuple[str, ...], timeout: float) -> None:
        session = requests.Session()
        renderer = _Renderer(chromium) if chromium is not None else None
        try:
            while (job := self._todo.get()) is not None:
                visit = _Visit(*job)
                try:
                    visit.problem, visit.links, visit.rendered = _visit(session, visit.url, renderer, markers, timeout)
                except BaseException as exc:  # handed to the crawl's thread, which raises it (never a silent hang)
                    visit.failure = exc
                self._done.put(visit)
        finally:
            if renderer is not None:
                renderer.close()


def _status_problem(session: requests.Session, url: str, timeout: float) -> str | None:
    try:
        response = session.head(url, timeout=timeout, allow_redirects=True)
        if response.status_code in (405, 501):
            response = session.get(url, timeout=timeout, stream=True)
            response.close()
    except requests.RequestException as exc:
        return f"unreachable ({exc.__class__.__name__})"
    return f"HTTP {response.status_code}" if response.status_code >= 400 else None


MAX_RETRY_AFTER = 10.0  # seconds a polite crawler waits when the site says 429
TRIES_WHEN_LIMITED = 5
# What a URL the site kept refusing with 429 is: not checked, which is not broken.
RATE_LIMITED = "rate-limited (HTTP 429 after every try), not checked"


def _get(session: requests.Session, url: str, timeout: float) -> requests.Response:
    """GET; when the site rate-limits the crawler (429), wait as it asks and try again, up to
    TRIES_WHEN_LIMITED times in all."""
    response = session.get(url, timeout=timeout, stream=True, allow_redirects=True)
    for _again in range(TRIES_WHEN_LIMITED - 1):
        if response.status_code != 429:
            break
        wait = response.headers.get("Retry-After", "1")
        response.close()
        time.sleep(min(MAX_RETRY_AFTER, float(wait) if wait.replace(".", "", 1).isdigit() else 1.0))
        response = session.get(url, timeout=timeout, stream=True, allow_redirects=True)
    return response


def _visit(session: requests.Session, url: str, renderer: _Renderer | None, markers: tuple[str, ...],
           timeout: float) -> tuple[str | None, list[str], int]:
    """(problem, links found, pages rendered: 0 or 1) of one URL."""
    try:
        response = _get(session, url, timeout)
    except requests.RequestException as exc:
        return f"unreachable ({exc.__class__.__name__})", [], 0
    with response:
        if response.status_code == 429:
            return RATE_LIMITED, [], 0
        if response.status_code >= 400:
            return f"HTTP {response.status_code}", [], 0
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind not in PARSED_TYPES:
            return None, [], 0  # a download: the status is all we check
        body = response.raw.read(MAX_BODY, decode_content=True)
    text = body.decode(response.encoding or "utf-8", errors="replace")
    if kind == "text/html" and renderer is not None and 'id="react-entry-point"' in text:
        page = renderer.render(url, int(timeout * 1000))
        if page["error"]:
            return f"page broken: {page['error']}", [], 1
        status = page.get("status")
        if status and str(status).isdigit() and int(status) >= 400:
            return f"page says {status}", [], 1
        if any(marker in page.get("text", "") for marker in markers):
            return "page renders as not found", [], 1
        return None, page["links"], 1
    problem, links = _links_of(kind, text)
    return problem, links, 0


def _links_of(kind: str, text: str) -> tuple[str | None, list[str]]:
    if kind == "text/html":
        return None, html_links(text)
    if kind == "application/json":
        try:
            return None, json_links(json.loads(text))
        except json.JSONDecodeError:
            return "invalid JSON", []
    if kind == "text/calendar":
        return None, ics_links(text)
    return None, feed_links(text)
