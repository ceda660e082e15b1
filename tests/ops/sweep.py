"""Gather every answer a live site gives: each GET route with every release id, series code, topic
and format substituted (one variable at a time, the others on the release under test), the
OpenAPI paths, the pages (their content comes from the Dash pages callback, replayed by POST),
every other Dash callback, and every link found in any answer (HTML, JSON, Atom, ICS, callback
JSON), followed until nothing new turns up. Each answer is kept as text — binary files opened
(Parquet read, ZIP members such as XLSX, DOCX and PPTX unpacked) — with its headers."""

from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import dash
import pyarrow.parquet as pq
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from statpub.dashboards import plotlyjs
from statpub.dashboards.page_paths import is_page_path
from statpub.kernel.clock import parse_instant
from statpub.kernel.errors import StatpubError
from statpub.review.linkpatrol import feed_links, html_links, ics_links, json_links
from tests.dashboards.dash_payloads import (
    UPDATE,
    body_for,
    router_body,
    router_output,
    server_callbacks,
)

STATIC = ("/_dash-component-suites/", "/assets/", "/_favicon.ico", "/static/", plotlyjs.ROUTE_PREFIX)
MAX_REQUESTS = 10000  # issue 18 added SDMX, DCAT, ZIP, picture and embed addresses
MAX_QUERIES_PER_PATH = 200  # links followed per path with distinct queries (see Sweep._followed)
# Answers built on their first request (a pack's charts, a release's files): at most two asked at once.
HEAVY = ("/packs/", "/api/v1/files/")
# Addresses pinned to a release: those of older releases are frozen before the one under test.
PINNED_HEAVY = ("/api/v1/files/", "/packs/", "/download/release/", "/api/v1/releases/")
SITE_PREFIXES = ("/api/", "/release/", "/series/", "/download/", "/calendar", "/feed", "/packs/", "/explorer",
                 "/catalogue", "/catalog", "/embed/", "/register", "/search", "/report/")
FILE_EXTS = ("csv", "parquet", "jsonstat.json", "sdmx.csv", "sdmx.xml", "zip")


@dataclass(frozen=True)
class Ask:
    method: str
    path: str  # path and query
    body: str | None = None  # JSON for POST

    @property
    def label(self) -> str:
        if self.method == "POST":
            data = json.loads(self.body or "{}")
            where = [i.get("value") for i in data.get("inputs", []) if isinstance(i, dict)]
            return f"POST {data.get('output', '')[:50]} {where}"
        return self.path


@dataclass
class Seen:
    ask: Ask
    status: int
    headers: list[tuple[str, str]]
    text: str
    links: list[str] = field(default_factory=list)
    sent: float = 0.0  # wall clock (time.time()) when asked and when the answer was in
    received: float = 0.0

    @property
    def header_text(self) -> str:
        return "\n".join(f"{k}: {v}" for k, v in self.headers)


# -- answers as text ------------------------------------------------------------------------------
def _strings(data: object) -> Iterable[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)
    elif data is not None:
        yield data if isinstance(data, str) else repr(data)


def as_text(content: bytes) -> str:
    """Everything a reader could get out of the bytes, as searchable text."""
    if content.startswith(b"PAR1"):
        table = pq.read_table(io.BytesIO(content))
        meta = {k.decode("utf-8", "replace"): v.decode("utf-8", "replace")
                for k, v in (table.schema.metadata or {}).items()}
        return json.dumps(meta, ensure_ascii=False) + "\n" + "\n".join(map(repr, table.to_pylist()))
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(name + "\n" + as_text(archive.read(name)) for name in archive.namelist())
    text = content.decode("utf-8", "replace")
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:  # JSON escapes non-ASCII text and "/"; search the decoded strings too
            text += "\n" + "\n".join(_strings(json.loads(text)))
        except ValueError:
            pass
    return text


def links_in(content_type: str, text: str) -> list[str]:
    kind = content_type.split(";")[0].strip().lower()
    try:
        if kind == "text/html":
            return html_links(text)
        if kind == "application/json":
            return json_links(json.loads(text))
        if kind == "text/calendar":
            return ics_links(text)
        if kind in ("application/atom+xml", "application/rss+xml", "application/xml", "text/xml"):
            return feed_links(text)
    except ValueError:
        return []
    return []


# -- what to ask ---------------------------------------------------------------------------------
@dataclass
class Universe:
    """The names the site knows (from the in-process app on the same warehouse)."""

    release: str  # the release under test: the default for every release id
    release_ids: list[str]
    series_codes: list[str]
    topics: list[str]
    series_of_release: list[str]
    # The register: every item id, its attachments' names, its pages; and searches to ask.
    register_items: list[str] = field(default_factory=list)
    register_files: list[str] = field(default_factory=list)
    register_pages: list[str] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)


def _fill(rule: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule)


def _converter_choices(rule: str, name: str) -> list[str] | None:
    found = re.search(rf"<any\(([^)]*)\):{name}>", rule)
    return [c.strip() for c in found.group(1).split(",")] if found else None


def route_asks(server, universe: Universe) -> list[Ask]:
    """Every GET route, each variable over all its values while the others name the release."""
    ids, codes = universe.release_ids, universe.series_codes
    release = universe.release
    asks: list[Ask] = []
    for rule in server.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.rule.startswith(STATIC):
            continue
        names = sorted(rule.arguments)
        files = "series" if "/series/<name>" in rule.rule else "releases"
        choices: dict[str, list[str]] = {}
        for name in names:
            listed = _converter_choices(rule.rule, name)
            choices[name] = listed or {
                "release_id": ids, "code": codes, "topic": universe.topics, "vintage_name": ["latest", *ids],
                "ext": ["csv", "parquet", "sdmx.csv", "sdmx.xml"], "filename": ["site.css"],
                "path": ["nowhere", "sitemap.xml", "robots.txt"],
                "name": ([f"{c}.{e}" for c in codes for e in FILE_EXTS] if files == "series"
                         else [f"{r}.{e}" for r in ids for e in FILE_EXTS]),
                "resource": ["dataflow", "datastructure", "codelist", "conceptscheme"],
                "agency": ["all"], "version": ["latest"], "provider": ["all"],
                "flow": ["OBSERVATIONS"], "key": ["all", "Q..LIN", "..PC1"],
                "artefact": ["all", "OBSERVATIONS", "DSD_OBSERVATIONS", "CL_INDICATOR"],
                "item_id": universe.register_items or [release], "file_name": universe.register_files or ["x.pdf"],
            }.get(name, [release])
        defaults = {"release_id": release, "code": universe.series_of_release[0], "vintage_name": "latest",
                    "name": f"{universe.series_of_release[0]}.csv" if files == "series" else f"{release}.csv",
                    "topic": universe.topics[0]}
        if universe.register_items:  # attachments: each item with each name (the right pair among them)
            defaults.update(item_id=universe.register_items[0], file_name=(universe.register_files or ["x"])[0])
        defaults = {n: defaults.get(n, choices[n][0]) for n in names}
        if not names:
            asks.append(Ask("GET", rule.rule))
        for name in names:
            for value in choices[name]:
                asks.append(Ask("GET", _fill(rule.rule, {**defaults, name: value})))
    return asks


def query_asks(universe: Universe) -> list[Ask]:
    """Query parameters that change what an answer shows: formats, transforms, vintages, search,
    languages, years; and answers that are errors (400, 404, 405 bodies)."""
    release, series = universe.release, universe.series_of_release
    paths = []
    for code in series:
        base = f"/api/v1/series/{code}/observations"
        paths += [f"{base}?format={f}" for f in ("json", "csv", "parquet", "jsonstat", "sdmx-csv", "sdmx-ml", "zip")]
        paths += [f"{base}?last_n=4", f"{base}?first_n=2&format=sdmx-csv"]
        paths += [f"{base}?units={u}" for u in ("pch", "pc1", "chg", "ch1", "single")]
        paths += [f"{base}?vintages=all", f"{base}?start=2025&end=2025-Q4", f"/api/v1/series/{code}/citation?format=json",
                  f"/api/v1/series/{code}/citation?vintage={release}"]
    paths += [f"/api/v1/releases/{release}/observations?format={f}"
              for f in ("json", "csv", "parquet", "jsonstat", "sdmx-csv", "sdmx-ml", "zip")]
    since = "2026-12-01T00:00:00%2B08:00"
    paths += [f"/api/v1/changes?since={since}", f"/api/v1/changes.atom?since={since}", "/api/v1/changes.atom?lang=en",
              "/catalog.ttl", "/catalog.jsonld", "/catalog.rdf", "/api/v1/sdmx/", "/api/v1/sdmx/structure",
              "/api/v1/sdmx/data/OBSERVATIONS/all?format=sdmx-csv", "/api/v1/sdmx/data/OBSERVATIONS/all",
              f"/api/v1/sdmx/data/OBSERVATIONS/.{'+'.join(series)}.?lastNObservations=4",
              *(f"/release/{release}{q}" for q in ("", "?lang=en")), *(f"/series/{code}" for code in series)]
    paths += [f"/api/v1/series?q={q}" for q in ("GDP", "地区生产总值", "生产总值", "gross", "2025")]
    paths += [f"/api/v1/search?q={q}{lang}" for q in universe.searches for lang in ("", "&lang=en", "&kind=register")]
    paths += ["/api/v1/register/items?limit=1000", "/api/v1/register/matters",
              *(f"/api/v1/register/items?kind={k}" for k in ("document", "interpretation", "survey", "penalty"))]
    paths += ["/api/v1/series?limit=1000", "/api/v1/releases?limit=1000", "/api/v1/calendar?year=2026",
              "/api/v1/calendar?state=confirmed", "/api/v1/series/GDP/observations?format=nope",
              "/api/v1/nope", "/nowhere", "/sitemap.xml", "/robots.txt", "/.well-known/security.txt"]
    for feed in ("/calendar.ics", "/feed.atom", *(f"/calendar/{t}.ics" for t in universe.topics),
                 *(f"/feed/{t}.atom" for t in universe.topics)):
        paths += [feed, f"{feed}?lang=en"]
    chosen = ",".join(series)
    for fmt in ("csv", "xlsx", "parquet", "zip"):
        paths += [f"/download/view.{fmt}?series={chosen}", f"/download/view.{fmt}?series={chosen}&transform=pc1",
                  f"/download/view.{fmt}?series=GDP&transform=single&start=2025-Q1"]
    paths += [f"/download/view.csv?series={chosen}&last_n=4", f"/embed/explorer?series={chosen}",
              f"/embed/explorer?series={chosen}&transform=pc1&lang=en", f"/download/chart.svg?series={chosen}&last_n=8"]
    return [Ask("GET", p) for p in paths]


def page_asks(app: dash.Dash, universe: Universe) -> list[Ask]:
    """The content of every page (the pages callback) in both languages, and the explorer's
    other callbacks with the release's series, every transform, both languages, and searches."""
    pages = ["/", "/explorer", "/calendar", "/calendar?year=2026", "/catalogue", "/prerelease", "/404", "/nowhere",
             *(f"/release/{r}" for r in universe.release_ids), *(f"/series/{c}" for c in universe.series_codes),
             f"/prerelease/{universe.release}", *universe.register_pages,
             *(f"/search?q={q}" for q in universe.searches)]
    chosen = ",".join(universe.series_of_release)
    pages += [f"/explorer?series={chosen}&transform={t}" for t in ("lin", "pc1", "pch", "share", "single")]
    asks = []
    for page in pages:
        for lang in ("zh", "en"):
            asks.append(router_ask(app, page, lang))
    for output in server_callbacks(app):
        if output == router_output(app):
            continue
        for lang in ("zh", "en"):
            for transform in ("lin", "pc1", "pch", "share", "single"):
                for search in ("", "GDP", "生产总值", "gross domestic"):
                    values = {("explorer-series", "value"): universe.series_of_release,
                              ("explorer-transform", "value"): transform, ("explorer-chart", "value"): "bar",
                              ("explorer-topic", "value"): "all", ("explorer-lang", "data"): lang,
                              ("explorer-search", "value"): search, ("explorer-start", "value"): None,
                              ("explorer-end", "value"): None}
                    asks.append(Ask("POST", UPDATE, json.dumps(body_for(app, output, values))))
    return asks


def router_ask(app: dash.Dash, page: str, lang: str = "zh") -> Ask:
    path, _, query = page.partition("?")
    parts = [p for p in (query, "lang=en" if lang == "en" else "") if p]
    search = "?" + "&".join(parts) if parts else ""
    return Ask("POST", UPDATE, json.dumps(router_body(app, path, search)))


def pinned_before(cutoff: datetime, instants: dict[str, datetime]) -> Callable[[Ask], bool]:
    """Whether an address is pinned to a state of publication older than `cutoff` (a vintage,
    pack, download or `as_of` of a release out before it): such answers are frozen before the
    release under test was even loaded, so the sweep leaves them out (each is built on first
    request: a briefing pack takes seconds). Pages of those releases stay in."""
    old = {rid for rid, at in instants.items() if at < cutoff}

    def pinned(ask: Ask) -> bool:
        if ask.method != "GET":
            return False
        parts = urlsplit(ask.path)
        segments = {seg.split(".")[0] for seg in parts.path.split("/")}
        if parts.path.startswith(PINNED_HEAVY) and segments & old:
            return True
        for key, value in parse_qsl(parts.query):
            if key == "vintage" and (value in old or _vintage_code_before(value, cutoff)):
                return True
            if key == "as_of":
                try:
                    if parse_instant(value) < cutoff:
                        return True
                except StatpubError:
                    return False
        return False
    return pinned


def _vintage_code_before(value: str, cutoff: datetime) -> bool:
    """A download's vintage code (20241021T020000Z) naming a state older than `cutoff` (release
    pages link their chart pictures pinned so; each is drawn on first request)."""
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) < cutoff
    except ValueError:
        return False


# -- asking --------------------------------------------------------------------------------------
class Sweep:
    def __init__(self, base: str, app: dash.Dash, workers: int = 8, skip: Callable[[Ask], bool] | None = None):
        assert urlsplit(base).hostname == "127.0.0.1"
        self.base = base.rstrip("/")
        self.app = app
        self.workers = workers
        self.skip = skip or (lambda ask: False)
        self._local = threading.local()
        self._per_path: dict[str, int] = {}

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            # A kept-alive connection the server closed while idle (gunicorn closes them after 2 s; on
            # a loaded machine the sweep's threads idle longer) is reset on reuse: ask again once on a
            # fresh one. Timeouts are not retried.
            retry = Retry(total=2, connect=2, read=1, status=0, other=0, allowed_methods=None,
                          raise_on_status=False, backoff_factor=0.1)
            session.mount("http://", HTTPAdapter(max_retries=retry))
        return session

    @staticmethod
    def heavy(ask: Ask) -> bool:
        """A briefing pack or a release's files, built on first request: a pack's charts are drawn
        by the worker's one Chromium one picture at a time."""
        return urlsplit(ask.path).path.startswith(HEAVY)

    def fetch(self, ask: Ask) -> list[Seen]:
        """The answer (and any redirect on the way to it), as text with its links."""
        headers = {"Content-Type": "application/json"} if ask.body else {}
        sent = time.time()
        response = self._session().request(ask.method, self.base + ask.path, data=ask.body, headers=headers,
                                           timeout=150, allow_redirects=True)  # > the front's 120 s
        received = time.time()
        seen = []
        for hop in response.history:
            seen.append(Seen(ask, hop.status_code, list(hop.headers.items()), hop.text,
                             [hop.headers["Location"]] if "Location" in hop.headers else [], sent, received))
        raw = response.content.decode("utf-8", "replace")
        seen.append(Seen(ask, response.status_code, list(response.headers.items()), as_text(response.content),
                         links_in(response.headers.get("Content-Type", ""), raw), sent, received))
        return seen

    def run(self, asks: list[Ask], follow: bool = True) -> list[Seen]:
        """Ask everything, then every new same-origin link found, until nothing new."""
        done: set[Ask] = set()
        found: list[Seen] = []
        self._per_path = {}
        pending = [a for a in dict.fromkeys(asks) if not self.skip(a)]
        # Builds go to a pool of their own, at most two at once (one per worker of the servers under
        # test), while the other asks go on: asked from all 8 threads, the last pack in a worker's
        # queue waited for every other (7-37 s each on a quiet machine, over the 60 s then allowed
        # while the machine ran another suite).
        with ThreadPoolExecutor(self.workers) as pool, ThreadPoolExecutor(2) as builds:
            while pending:
                if len(done) + len(pending) > MAX_REQUESTS:
                    raise AssertionError(f"more than {MAX_REQUESTS} requests: the sweep would not end")
                done.update(pending)
                futures = [(builds if self.heavy(ask) else pool).submit(self.fetch, ask) for ask in pending]
                batch = [s for future in futures for s in future.result()]
                found += batch
                pending = []
                if follow:
                    for link in (link for s in batch for link in s.links):
                        for ask in self.asks_for_link(link):
                            if ask not in done and ask not in pending and not self.skip(ask) \
                                    and self._followed(ask, done):
                                pending.append(ask)
        return found

    def _followed(self, ask: Ask, done: set[Ask]) -> bool:
        """A page linking to itself with ever new queries (previous/next year…) is followed at most
        MAX_QUERIES_PER_PATH times: the crawl ends, and every kind of answer is still asked."""
        if ask.method != "GET" or "?" not in ask.path:
            return True
        path = ask.path.split("?")[0]
        self._per_path[path] = self._per_path.get(path, 0) + 1
        return self._per_path[path] <= MAX_QUERIES_PER_PATH

    def asks_for_link(self, link: str) -> list[Ask]:
        parts = urlsplit(link)
        path = parts.path or "/"
        own = (urlsplit(self.base).hostname, urlsplit(self.base).port)
        if parts.scheme and (parts.hostname, parts.port) != own and not path.startswith(SITE_PREFIXES):
            return []  # another site; the office's canonical address (feeds, files) is asked here
        if not path.startswith("/") or path.startswith(STATIC):
            return []
        if path.startswith("/download/chart."):
            # Pictures show no figure as text (and each is drawn on first request): the ones the
            # query asks name are enough; their embargo is proven in tests/dashboards/test_takeaway.py.
            return []
        full = path + (f"?{parts.query}" if parts.query else "")
        asks = [Ask("GET", full)]
        if is_page_path(path):
            query = parts.query
            asks.append(Ask("POST", UPDATE, json.dumps(router_body(self.app, path, f"?{query}" if query else ""))))
        return asks


# -- hardening checks every answer of a sweep must pass (issue 13) ---------------------------------
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _header(seen: Seen, name: str) -> str | None:
    return next((v for k, v in seen.headers if k.lower() == name), None)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def hardening_problems(seen: Seen, own_host: str) -> list[str]:
    """What an answer does wrong: a script policy allowing inline or eval'd scripts, a version in
    its headers, the Host it was asked with written into it (a cache would keep it for everyone),
    a spreadsheet cell a formula could hide in."""
    found = []
    policy = _header(seen, "content-security-policy") or ""
    script_src = re.search(r"script-src ([^;]*)", policy)
    if not script_src or "'unsafe-inline'" in script_src.group(1) or "'unsafe-eval'" in script_src.group(1):
        found.append(f"script policy {policy[:80]!r}")
    if re.search(r"\d", _header(seen, "server") or "") or _header(seen, "x-powered-by"):
        found.append("a version in the headers")
    if own_host in seen.text:
        found.append(f"the Host it was asked with ({own_host}) in the body")
    kind = (_header(seen, "content-type") or "").split(";")[0]
    if kind == "text/csv":
        import csv
        import io as io_

        cells = [c for row in csv.reader(io_.StringIO(seen.text.lstrip("\ufeff"))) for c in row]
        found += [f"CSV cell {c[:30]!r}" for c in cells if c.startswith(FORMULA_START) and not _number(c)][:3]
    if "spreadsheetml" in kind and re.search(r"<f[ >]", seen.text):
        found.append("a formula in an XLSX")
    return found
