"""Links written in interpretations and release metadata: each must resolve (确保跳转链接不断链).

Internal links are resolved against the site itself as it will be at the instant the release goes
public (so a link to a page that appears with the release counts as long as the route exists):
the caller hands in the site (`SiteLinks`). External links are checked only when asked
(`--external`), with a short timeout.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from statpub.kernel.config import Settings
from statpub.review.findings import Finding

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


class SiteLinks(Protocol):
    """The site as it will be at an instant, asked whether an internal path answers. The review
    workflow sits below the site: whoever runs the checks hands one in (the command line gives
    `statpub.dashboards.linkcheck.site_links`)."""

    def check(self, path: str, query: str) -> tuple[str, str]:
        """(severity, detail): `ok`, or `error` with why."""


SiteFactory = Callable[[Settings, datetime], SiteLinks]


class LinkResolver:
    """Resolves links against the site as it will be at `at`, plus optional external checks."""

    def __init__(self, site: SiteLinks, site_host: str | None, external: bool = False):
        self.site = site
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
            parts = urlsplit(url)
            path = parts.path or "/"
            if not path.startswith("/"):
                return "error", "relative link: write site links from the root, e.g. /release/<id>"
            return self.site.check(path, parts.query)
        if not self.external:
            return "info", "external link not checked (use --external)"
        return _external(url)


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
