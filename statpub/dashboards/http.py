"""HTTP behaviour shared by every route: one error handler, cache lifetimes bounded by the next
release instant, security headers, and immutable responses for published vintages."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from flask import Flask, Response, g, jsonify, request, send_file
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from statpub.dashboards.services import services
from statpub.kernel.errors import StatpubError

DEFAULT_MAX_AGE = 60  # seconds, for pages and "latest" answers; always bounded by the next instant
IMMUTABLE_MAX_AGE = 31536000
# The largest request body any route accepts (callback bodies and login forms are a few KiB);
# larger ones are refused with 413 before they are read.
MAX_BODY_BYTES = 1 << 20
# Scripts only from this site, plus the page shell's few inline scripts by their hashes
# (shell_page.py): no 'unsafe-inline', no 'unsafe-eval'. Styles stay 'unsafe-inline' (plotly.js and
# Dash set styles at run time); frame-ancestors forbids embedding elsewhere.
CSP = ("default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
HSTS = "max-age=31536000"  # over HTTPS only: a year, this host only (the office's other hosts are its own)


def content_security_policy() -> str:
    """The policy for this answer: the shell's inline-script hashes when it is the shell."""
    hashes = g.get("statpub_script_hashes") or ()
    return CSP.format(hashes="".join(f" {h}" for h in hashes))


def seconds_until(instant: datetime | None, now: datetime) -> int | None:
    if instant is None:
        return None
    return max(0, int((instant - now).total_seconds()))


def bounded_max_age(wanted: int = DEFAULT_MAX_AGE) -> int:
    """A max-age that never reaches past the next release instant, so no cache can hold a
    pre-release answer after it."""
    gate = services().gate()
    left = seconds_until(gate.next_instant(), gate.now)
    return wanted if left is None else min(wanted, left)


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, title: str, message: str, code: str | None = None,
                   details: dict[str, str] | None = None) -> Response:
    """The one rendering of every error: JSON for the API and JSON clients, a page otherwise.
    Never a traceback."""
    if wants_json():
        response = jsonify(status=status, code=code or title.lower().replace(" ", "_"), title=title,
                           message=message, **(details or {}))
    else:
        from html import escape

        body = (f"<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>{status} "
                f"{escape(title)}</title></head><body><main><h1>{status} {escape(title)}</h1>"
                f"<p>{escape(message)}</p><p><a href=\"/\">返回首页 · Home</a></p></main></body></html>")
        response = Response(body, mimetype="text/html")
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def too_many(limiter, what: str) -> Response | None:
    """Take one from this client's allowance (its address); None while allowed, else the 429 with
    Retry-After. The one answer of every per-client limit of the site (downloads, pictures…)."""
    allowed, _remaining, retry = limiter.take(request.remote_addr or "-")
    if allowed:
        return None
    response = error_response(429, "Too many requests", f"{what}; retry in {retry} s.")
    response.headers["Retry-After"] = str(retry)
    return response


def _drain_body() -> None:
    """Read what is left of a request body (at most MAX_BODY_BYTES, refused larger before this).
    An answer given before the body was read — a refused callback, a wrong content type — would
    otherwise close the connection with bytes unread: the kernel resets it and the proxy in front
    answers 502 instead of our 4xx."""
    if not request.content_length or request.content_length > MAX_BODY_BYTES:
        return
    try:
        while request.stream.read(1 << 16):
            pass
    except Exception:  # noqa: BLE001 - the client went away; nothing to answer to
        pass


def install(server: Flask) -> None:
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    server.after_request(lambda response: (_drain_body(), response)[1])

    @server.errorhandler(StatpubError)
    def _statpub_error(exc: StatpubError):
        return error_response(exc.status, exc.title, exc.message, exc.code, exc.details())

    @server.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        response = error_response(exc.code or 500, exc.name, exc.description or exc.name)
        allow = getattr(exc, "valid_methods", None)
        if allow:  # 405 must say what is allowed (RFC 9110)
            response.headers["Allow"] = ", ".join(allow)
        return response

    @server.errorhandler(Exception)
    def _unexpected(exc: Exception):
        server.logger.exception("unhandled error on %s", request.path)
        return error_response(500, "Internal error", "The server could not answer this request.")

    @server.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Content-Security-Policy", content_security_policy())
        if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:  # embeds set their own
            headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        headers.pop("Server", None)  # no product or version (the HTTP server adds its own name only)
        if "Cache-Control" not in headers and response.status_code < 400:
            try:
                headers["Cache-Control"] = f"public, max-age={bounded_max_age()}"
            except StatpubError:
                headers["Cache-Control"] = "no-store"
        return response


ENV_PROXIES = "STATPUB_TRUSTED_PROXIES"


def trust_proxies(server: Flask) -> None:
    """Behind N reverse proxies or a CDN (`STATPUB_TRUSTED_PROXIES=N`, read from the server's
    environment at start; 0 by default), take the client's address, scheme and host from the
    `X-Forwarded-*` headers they add: rate limits then count real clients, not the proxy, and
    pre-release cookies get their Secure flag over HTTPS. Call last: it must wrap every layer."""
    text = os.environ.get(ENV_PROXIES, "0").strip() or "0"
    if not text.isdigit():
        raise StatpubError(f"{ENV_PROXIES}: {text!r} is not a number of proxies")
    hops = int(text)
    if hops:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def immutable_file(path: Path, sha256: str, *, mimetype: str, download_name: str) -> Response:
    """A published vintage's file: never changes, so cache it for a year with its sha256 as a
    strong ETag. Range requests are answered (remote Parquet readers fetch only what they need)."""
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=download_name,
                         conditional=True, etag=sha256, max_age=IMMUTABLE_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={IMMUTABLE_MAX_AGE}, immutable"
    return response
