"""Signed links (itsdangerous): confirm (expires after a week), manage and unsubscribe (kept valid, as
RFC 8058 expects of an unsubscribe link in a message read months later), open tracking.

The key is `STATPUB_PUSH_SECRET`, or one made once and kept in the operational store, so every
node and worker signs alike without configuration. Each purpose has its own salt: a manage link
cannot be replayed as a confirmation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer

from statpub.kernel.errors import UserError
from statpub.store import Store

CONFIRM_SECONDS = 7 * 24 * 3600
PATHS = {"confirm": "/subscribe/confirm", "manage": "/subscribe/manage", "unsubscribe": "/subscribe/unsubscribe"}


class BadLink(UserError):
    title = "Link not valid"


def store_secret(store: Store, configured: str | None) -> str:
    if configured:
        return configured
    with store.transaction() as con:
        con.execute("INSERT INTO push_settings (name, value) VALUES ('secret', ?) ON CONFLICT (name) DO NOTHING",
                    [secrets.token_urlsafe(32)])
        return con.execute("SELECT value FROM push_settings WHERE name = 'secret'").fetchone()[0]


@lru_cache(maxsize=32)
def _serializer(secret: str, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=f"statpub.push.{purpose}")


@dataclass(frozen=True)
class Signer:
    secret: str
    base_url: str

    def _serializer(self, purpose: str) -> URLSafeSerializer:
        return _serializer(self.secret, purpose)

    def token(self, purpose: str, payload: dict, now_epoch: float | None = None) -> str:
        """A confirmation carries the statpub clock's instant it was made at (`at`), so its age is
        measured on the same clock as everything else."""
        if purpose == "confirm":
            payload = {**payload, "at": round(now_epoch or 0)}
        return self._serializer(purpose).dumps(payload)

    def read(self, purpose: str, token: str, now_epoch: float | None = None) -> dict:
        """The payload, or BadLink (tampered, wrong purpose, or an expired confirmation)."""
        try:
            payload = self._serializer(purpose).loads(token or "")
        except BadSignature:
            raise BadLink("this link is not valid（链接无效）") from None
        if not isinstance(payload, dict):
            raise BadLink("this link is not valid（链接无效）")
        if purpose == "confirm" and now_epoch is not None and now_epoch - payload.get("at", 0) > CONFIRM_SECONDS:
            raise BadLink("this confirmation link has expired; subscribe again for a new one "
                          "（确认链接已过期，请重新订阅）")
        return payload

    def url(self, purpose: str, payload: dict, lang: str, now_epoch: float | None = None) -> str:
        query = {"t": self.token(purpose, payload, now_epoch)}
        if lang == "en":
            query["lang"] = "en"
        return f"{self.base_url}{PATHS[purpose]}?{urlencode(query)}"
