"""What a request needs, held by the app (never module globals): settings, the clock, the
warehouse reader and the features' hooks.

One reader and one gate per request: `current_gate()` asks the features who is asking (once),
builds the gate for the clock's instant (once per reader) and keeps both for the rest of the
request, so every page, callback and route of one answer sees the same instant and the same
rights. The access log of pre-release views is written here, in the request layer: after each
answer, whatever the gate handed out of a release before its instant is recorded through the
hooks — one choke point, not a call in each page — and if it cannot be, the answer is withheld.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pluggy
from flask import Flask, Response, current_app, g, has_request_context, request

from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.warehouse.gate import PUBLIC, Gate, Reader
from statpub.warehouse.reader import WarehouseReader

EXTENSION_KEY = "statpub"
CALLBACK_PATH = "/_dash-update-component"
PAGES_ROUTER = "_pages_content."  # the callback of Dash pages that renders a whole page


@dataclass
class Services:
    settings: Settings
    clock: Clock
    warehouse: WarehouseReader
    plugins: pluggy.PluginManager
    session_cookies: frozenset[str] = field(default=frozenset())

    @property
    def hooks(self) -> pluggy.HookRelay:
        return self.plugins.hook

    def gate(self, reader: Reader = PUBLIC) -> Gate:
        """The gate for `reader`: pinned for the current request, new outside one."""
        if not has_request_context():
            return Gate(self.warehouse.snapshot(), self.clock.now(), reader)
        pinned = g.setdefault("statpub_gates", {})
        gate = pinned.get(reader)
        if gate is None:
            if "statpub_now" not in g:  # one instant (and one snapshot) for the whole request
                g.statpub_now, g.statpub_snapshot = self.clock.now(), self.warehouse.snapshot()
            gate = pinned[reader] = Gate(g.statpub_snapshot, g.statpub_now, reader)
        return gate


def services() -> Services:
    """The services of the app serving the current request."""
    return current_app.extensions[EXTENSION_KEY]


def current_reader() -> Reader:
    """Who is asking: what the features' `reader_from_request` answers, else the public."""
    if not has_request_context():
        return PUBLIC
    if "statpub_reader" not in g:
        svc = services()
        g.statpub_reader = svc.hooks.reader_from_request(request=request, services=svc) or PUBLIC
    return g.statpub_reader


def current_gate() -> Gate:
    """The gate for the current request's reader at the clock's instant."""
    return services().gate(current_reader())


def is_private_request() -> bool:
    """Does the request carry a signed-in reader's cookie (its answers are never shared)?"""
    return any(name in request.cookies for name in services().session_cookies)


def note_served_file(file_name: str, sha256: str) -> None:
    """A route handing out a file says which, so a pre-release download is logged with its sha256."""
    g.statpub_served_file = (file_name, sha256)


def note_access(kind: str) -> None:
    """A route says what kind of answer it gave (e.g. "figures"), for the access log."""
    g.statpub_access_kind = kind


def _access_kind() -> str:
    if g.get("statpub_served_file"):
        return "download"
    if g.get("statpub_access_kind"):
        return g.statpub_access_kind
    if request.path.endswith(CALLBACK_PATH):
        body = request.get_json(silent=True)
        output = body.get("output") if isinstance(body, dict) else None
        return "page" if isinstance(output, str) and PAGES_ROUTER in output else "callback"
    return "figures" if request.path.startswith("/api/") else "page"


def record_prerelease_views(response: Response) -> Response:
    """After each answer: log what it showed a pre-release reader before the instant."""
    gates = [gate for gate in g.get("statpub_gates", {}).values() if gate.revealed]
    if not gates:
        return response
    file_name, sha256 = g.get("statpub_served_file") or (None, None)
    try:
        for gate in gates:
            services().hooks.record_prerelease_access(
                gate=gate, release_ids=sorted(gate.revealed), what=_access_kind(), path=request.path,
                file_name=file_name, sha256=sha256)
    except Exception:
        current_app.logger.exception("pre-release access could not be logged; answer withheld")
        withheld = Response("the access log could not be written\n", status=503, mimetype="text/plain")
        withheld.headers["Cache-Control"] = "no-store"
        return withheld
    return response


def install(server: Flask, services_: Services) -> None:
    services_.session_cookies = frozenset(
        name for names in services_.hooks.session_cookies() for name in names)
    server.extensions[EXTENSION_KEY] = services_
    server.after_request(record_prerelease_views)
