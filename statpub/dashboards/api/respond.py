"""Building API responses: JSON answers remembered as bytes, files generated once per vintage,
and the one 404 that an embargoed thing shares with a missing one."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import orjson
from flask import Response, current_app, request, send_file

from statpub.dashboards.api.state import IMMUTABLE, MEMO_ENVIRON_KEY, PublicState, PublicView
from statpub.dashboards.filecache import FileCache
from statpub.dashboards.http import (
    DEFAULT_MAX_AGE,
    IMMUTABLE_MAX_AGE,
    bounded_max_age,
)
from statpub.dashboards.services import services
from statpub.kernel.diskfull import DiskFull
from statpub.kernel.errors import NotFound
from statpub.warehouse.gate import Gate

API_KEY = "statpub.api"
LATEST_FILE_MAX_AGE = 300
# Identical for a missing and an embargoed release, series, vintage or file: nothing to tell apart.
NOT_FOUND_MESSAGE = "Nothing is published at this address."


class ApiParts:
    """What the API keeps per app: the public state and the file cache."""

    def __init__(self, state: PublicState, files: FileCache, *, keep_answers: bool = True):
        self.state = state
        self.files = files
        self.keep_answers = keep_answers  # False: STATPUB_API_MEMO=0, every answer through the gate


def parts() -> ApiParts:
    return current_app.extensions[API_KEY]


def not_found() -> NotFound:
    return NotFound(NOT_FOUND_MESSAGE)


def current_gate() -> tuple[Gate, PublicView]:
    """The public gate for this request and the identity of what it shows (same instant)."""
    gate = services().gate()
    return gate, parts().state.for_gate(gate)


def json_answer(body: object, *, immutable: bool = False, max_age: int = DEFAULT_MAX_AGE,
                view: PublicView | None = None) -> Response:
    """A JSON answer with a strong ETag. With `view`, it depends only on the public state, so the
    fast path may keep its bytes and answer identical requests from memory."""
    data = encode(body)
    return _json_bytes(data, hashlib.sha256(data).hexdigest()[:32], immutable=immutable, max_age=max_age, view=view)


def encode(body: object) -> bytes:
    """Compact UTF-8 JSON of an answer (orjson: a tenth of the json module's time, on the path
    every answer takes right after a release instant)."""
    return orjson.dumps(body)


def cached_json(key: str, compute: Callable[[], object], *, view: PublicView) -> Response:
    """A JSON answer computed once per public state for all server processes (kept on disk by
    the file cache), then kept in each process's memory by the fast path."""
    if not parts().keep_answers:
        data = encode(compute())
        return _json_bytes(data, hashlib.sha256(data).hexdigest()[:32], immutable=False, max_age=DEFAULT_MAX_AGE,
                           view=view)
    computed: list[bytes] = []

    def build(path: Path) -> None:
        computed.append(encode(compute()))
        path.write_bytes(computed[0])
    try:
        data = parts().files.get_or_build(key, ".json", build).path.read_bytes()
    except DiskFull:
        if not computed:
            raise
        data = computed[0]  # the disk is only a shared memo: answer from memory while it is full
    return _json_bytes(data, hashlib.sha256(data).hexdigest()[:32], immutable=False, max_age=DEFAULT_MAX_AGE,
                       view=view)


def _json_bytes(data: bytes, etag: str, *, immutable: bool, max_age: int, view: PublicView | None) -> Response:
    response = Response(data, mimetype="application/json")
    response.set_etag(etag)
    if immutable:
        response.headers["Cache-Control"] = f"public, max-age={IMMUTABLE_MAX_AGE}, immutable"
    else:
        response.headers["Cache-Control"] = f"public, max-age={bounded_max_age(max_age)}"
    if view is not None:
        request.environ[MEMO_ENVIRON_KEY] = (view.key, IMMUTABLE if immutable else max_age)
    return response.make_conditional(request)


def file_answer(key: str, suffix: str, build: Callable[[Path], None], *, mimetype: str, download_name: str,
                immutable: bool, canonical: str | None = None) -> Response:
    """A generated file (built once per key), with its sha256 as strong ETag and Range support.
    Pinned files are immutable; `latest` ones get a short max-age bounded by the next instant and
    a `Link` to the pinned URL with the same bytes."""
    cached = parts().files.get_or_build(key, suffix, build)
    response = send_file(cached.path, mimetype=mimetype, as_attachment=True, download_name=download_name,
                         conditional=True, etag=cached.sha256, max_age=0)
    if immutable:
        response.headers["Cache-Control"] = f"public, max-age={IMMUTABLE_MAX_AGE}, immutable"
    else:
        response.headers["Cache-Control"] = f"public, max-age={bounded_max_age(LATEST_FILE_MAX_AGE)}"
    if canonical:
        response.headers["Link"] = f'<{canonical}>; rel="canonical"'
    response.headers["Accept-Ranges"] = "bytes"
    return response


def fingerprint(*parts_: object) -> str:
    return FileCache.key(*parts_)


def too_future(as_of: datetime | None, gate: Gate) -> bool:
    return as_of is not None and as_of > gate.now
