"""Raw HTTP for hostile-input tests: requests exactly as written (no client-side normalisation of
`../` or percent escapes, which `requests` would apply), from a chosen loopback source address so
one test can play two clients that a per-address rate limiter tells apart."""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from werkzeug.routing import Map

# Names a route could be fooled into reading a file with (each in its raw, on-the-wire form).
TRAVERSALS = (
    "..", "../../../../../../etc/passwd", "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252fetc%252fpasswd",
    "..%5c..%5c..%5cwindows%5cwin.ini", "..\\..\\..\\windows\\win.ini", "%2fetc%2fpasswd",
    "%00", "GDP%00.csv", "..%00/etc/passwd", "x" * 3000,
)
TOO_LONG = "y" * 9000  # past any request-line limit
# Text that would show a file outside the data folders was read.
FOREIGN_MARKERS = ("root:x:0:0", "[build-system]", "[extensions]")
SAFE_FILE_NAME = re.compile(r'^attachment; filename="?([A-Za-z0-9][A-Za-z0-9._+-]{0,200})"?$')


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def raw_request(base: str, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, source: str = "127.0.0.1",
                timeout: float = 30) -> Answer:
    parts = urlsplit(base)
    assert parts.hostname == "127.0.0.1", "loopback only"
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout, source_address=(source, 0))
    started = time.perf_counter()
    try:
        own_host = any(key.lower() == "host" for key in (headers or {}))  # a forged Host, sent once
        conn.putrequest(method, path, skip_accept_encoding=True, skip_host=own_host)
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        try:
            conn.endheaders(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused the body before reading it all; its answer is still there
        response = conn.getresponse()
        data = response.read()
        headers: dict[str, str] = {}
        for key, value in response.getheaders():  # repeated headers (Set-Cookie) joined, none lost
            headers[key.lower()] = f"{headers[key.lower()]}, {value}" if key.lower() in headers else value
        return Answer(response.status, headers, data, time.perf_counter() - started)
    finally:
        conn.close()


def named_routes(url_map: Map) -> list[tuple[str, list[str]]]:
    """(rule, its variables) for every GET route whose address carries a name."""
    found = []
    for rule in url_map.iter_rules():
        if "GET" in (rule.methods or ()) and rule.arguments:
            found.append((rule.rule, sorted(rule.arguments)))
    return sorted(found)


def fill(rule: str, values: dict[str, str]) -> str:
    """The rule's address with each variable replaced (an `any(...)` converter by its value)."""
    def replace(match: re.Match) -> str:
        return values[match.group(1)]
    return re.sub(r"<(?:[^:<>]+(?:\([^)]*\))?:)?([^<>]+)>", replace, rule)
