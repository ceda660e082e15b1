"""One JSON log line per request — request id, route, status, duration — written by a WSGI
wrapper around everything (so answers served before Flask, such as cached API bytes, are logged
too). The request id comes back in `X-Request-ID` for support calls."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

log = logging.getLogger("statpub.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLog:
    def __init__(self, app: Callable, url_map: Map):
        self.app = app
        self.url_map = url_map

    def _route(self, environ: dict) -> str:
        try:
            rule, _ = self.url_map.bind_to_environ(environ).match(return_rule=True)
            return rule.rule
        except HTTPException:
            return "(no route)"
        except Exception:  # routing must never break a request
            return "(unknown)"

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex[:16]
        environ["statpub.request_id"] = request_id
        started = time.perf_counter()
        seen: dict[str, int] = {}

        def start(status: str, headers: list, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            headers.append(("X-Request-ID", request_id))
            return start_response(status, headers, exc_info)

        body = self.app(environ, start)
        return _Logged(body, lambda: log.info("request", extra={
            "request_id": request_id, "method": environ.get("REQUEST_METHOD"), "route": self._route(environ),
            "path": environ.get("PATH_INFO"), "status": seen.get("status"),
            "duration_ms": round((time.perf_counter() - started) * 1000, 2)}))


class _Logged:
    """Iterates the response and logs when the server closes it (the whole body was sent)."""

    def __init__(self, body: Iterable[bytes], on_close: Callable[[], None]):
        self.body = body
        self.on_close = on_close

    def __iter__(self):
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.on_close()
