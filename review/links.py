"""Links written in interpretations and release metadata: each must resolve (确保跳转链接不断链).

Internal links are resolved against the site itself, built in-process for the instant the release
goes public (so a link to a page that appears with the release counts as long as the route
exists): Flask routes answer through a test client; Dash pages, which the browser renders from
one catch-all route, must match a registered page path. External links are checked only when asked
(`--external`), with a short timeout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from review.findings import Finding
from statpub.clock import Clock
from statpub.config import Settings

_MD_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_BARE = re.compile(r"(?<![(<\"'])\bhttps?://[^\s)<>\"'，。；、]+")
_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")


def extract_links(text: str) -> list[tuple[str, int]]:
    """(url, line) for Markdown links, images, autolinks and bare http(s) URLs."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern in (_MD_LINK, _AUTOLINK, _BARE):
            found += [(m.group(1) if m.groups() else m.group(0), number) for m in pattern.finditer(line)]
    return list(dict.fromkeys(found))


class LinkResolver:
    """Resolves links against the site as it will be at `at`, plus optional external checks."""

    def __init__(self, settings: Settings, at: datetime, site_host: str | None, external: bool = False):
        from dashboards.app import create_app

        self.app = create_app(settings, Clock(start=at))
        self.client = self.app.server.test_client()
        self.adapter = self.app.server.url_map.bind("localhost")
        prefix = self.app.config.routes_pathname_prefix
        self.dash_endpoints = {prefix, prefix + "<path:path>"}
        self.site_host = site_host
        self.external = external

    def is_internal(self, url: str) -> bool:
        parts = urlsplit(url)
        return not parts.scheme and not parts.netloc or (self.site_host is not None and parts.netloc == self.site_host)

    def check(self, url: str) -> tuple[str, str]:
        """(severity, detail): `ok`, or error / warning / info with why."""
        if url.startswith("#") or url.lower().startswith(_SKIP_SCHEMES):
            return "ok", ""
        if self.is_internal(url):
            return self._internal(url)
        if not self.external:
            return "info", "external link not checked (use --external)"
        return _external(url)

    def _internal(self, url: str) -> tuple[str, str]:
        from werkzeug.exceptions import HTTPException, NotFound

        parts = urlsplit(url)
        path = parts.path or "/"
        if not path.startswith("/"):
            return "error", "relative link: write site links from the root, e.g. /release/<id>"
        try:
            endpoint, _args = self.adapter.match(path, method="GET")
        except NotFound:
            return "error", "no such page on the site"
        except HTTPException as exc:  # e.g. a redirect rule
            return ("ok", "") if exc.code and exc.code < 400 else ("error", f"HTTP {exc.code}")
        if endpoint in self.dash_endpoints:
            return ("ok", "") if dash_page_exists(path) else ("error", "no Dash page has this path")
        status = self.client.get(path + (f"?{parts.query}" if parts.query else "")).status_code
        return ("ok", "") if status < 400 else ("error", f"HTTP {status}")


def dash_page_exists(path: str) -> bool:
    import dash

    path = path.rstrip("/") or "/"
    for page in dash.page_registry.values():
        if page.get("path") == path:
            return True
        template = page.get("path_template")
        if template:
            pattern = re.sub(r"<[^>/]+>", "[^/]+", re.escape(template))
            if re.fullmatch(pattern, path):
                return True
    return False


def _external(url: str) -> tuple[str, str]:
    import requests

    try:
        response = requests.head(url, timeout=10, allow_redirects=True)
        if response.status_code in (405, 501):
            response = requests.get(url, timeout=10, stream=True)
    except requests.RequestException as exc:
        return "error", f"unreachable ({exc.__class__.__name__})"
    return ("ok", "") if response.status_code < 400 else ("error", f"HTTP {response.status_code}")


def check_links(release_id: str, sources: Iterable[tuple[str, str]], resolver: LinkResolver) -> list[Finding]:
    """`sources`: (where, text) pairs — interpretation files and metadata fields."""
    found = []
    for where, text in sources:
        for url, line in extract_links(text):
            severity, detail = resolver.check(url)
            if severity != "ok":
                found.append(Finding(release_id, severity, "links", f"{where}:{line}", f"{url}: {detail}"))
    return found
