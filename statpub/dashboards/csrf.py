"""Anti-forgery tokens for the site's forms (login, logout, and every staff form a feature adds).

SameSite cookies and the Origin check stop most cross-site posts, but not all (old browsers,
a sibling site under the same registrable domain, login CSRF that signs a victim into the
attacker's account). So each form also carries a token, signed the way OWASP calls "signed double
submit": an HMAC, under a server secret, of the form's purpose and of a value the browser holds —
the session cookie once signed in, else a random pre-session cookie this module sets. An attacker
who can plant a cookie still cannot make a matching token without the secret.

The secret comes from `STATPUB_SECRET_KEY` (read from the server's environment at start), else it
is made once and kept in the operational store, so every worker and every node signs alike.
Pages carrying a token are never cached for the public (they are private or `no-store`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from flask import Flask, Response, current_app, g, request

from statpub.dashboards.services import services
from statpub.kernel.errors import Forbidden
from statpub.store import open_store

FIELD = "csrf_token"
COOKIE = "statpub_csrf"
ENV_SECRET = "STATPUB_SECRET_KEY"
EXTENSION_KEY = "statpub.csrf_secret"
MIGRATIONS = Path(__file__).parent / "migrations"
_SECRET_NAME = "csrf"


def _stored_secret() -> bytes:
    store = open_store(services().settings)
    store.migrate("site", MIGRATIONS)
    with store.transaction() as con:
        con.execute("INSERT INTO site_secrets (name, value, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (name) DO NOTHING",
                    [_SECRET_NAME, secrets.token_hex(32), datetime.now(UTC).isoformat()])
        row = con.execute("SELECT value FROM site_secrets WHERE name = ?", [_SECRET_NAME]).fetchone()
    return bytes.fromhex(row["value"])


def secret() -> bytes:
    key = current_app.extensions.get(EXTENSION_KEY)
    if key is None:
        configured = os.environ.get(ENV_SECRET, "")
        key = hashlib.sha256(configured.encode()).digest() if configured else _stored_secret()
        current_app.extensions[EXTENSION_KEY] = key
    return key


def _binding() -> str:
    """What the token is bound to: the session cookie when signed in, else the pre-session one
    (made now and set on the answer if the browser has none yet)."""
    for name in sorted(services().session_cookies):
        value = request.cookies.get(name)
        if value:
            return f"session:{value}"
    value = request.cookies.get(COOKIE) or g.get("statpub_csrf_new")
    if not value:
        value = g.statpub_csrf_new = secrets.token_urlsafe(32)
    return f"pre:{value}"


def token(purpose: str) -> str:
    """The token a form for `purpose` (e.g. "login", "logout") carries in this request's context."""
    message = f"{purpose}\x00{_binding()}".encode()
    return hmac.new(secret(), message, hashlib.sha256).hexdigest()


def hidden_field(purpose: str) -> str:
    """The hidden input for an HTML form."""
    return f'<input type="hidden" name="{FIELD}" value="{escape(token(purpose))}">'


def check(purpose: str) -> None:
    """Refuse (403) a form POST whose token is missing or does not match this browser and purpose."""
    sent = request.form.get(FIELD, "")
    if not sent or not hmac.compare_digest(sent, token(purpose)):
        raise Forbidden("the form has expired or was not sent from this site: reload the page and try again"
                        " · 表单已过期或并非来自本站，请刷新页面后重试")


def _set_pre_session_cookie(response: Response) -> Response:
    new = g.get("statpub_csrf_new")
    if new:
        response.set_cookie(COOKIE, new, path="/", httponly=True, samesite="Strict", secure=request.is_secure)
        response.headers["Cache-Control"] = "no-store"
    return response


def install(server: Flask) -> None:
    server.after_request(_set_pre_session_cookie)
