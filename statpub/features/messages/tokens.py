"""The form token (CSRF): stateless, signed with the store's secret, bound to the time it was
issued, so a page rendered once for every visitor (the site's page memo) can carry one, and a form
posted from elsewhere — or replayed after a day — is refused. The honeypot field lives here too."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

TOKEN_FIELD = "token"
HONEYPOT_FIELD = "website"   # hidden from people; a bot filling every field fills it
MAX_AGE_SECONDS = 24 * 3600


def issue(secret: bytes, now: datetime) -> str:
    stamp = str(int(now.timestamp()))
    nonce = secrets.token_hex(6)
    mac = hmac.new(secret, f"{stamp}.{nonce}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{stamp}.{nonce}.{mac}"


def valid(secret: bytes, token: str | None, now: datetime) -> bool:
    if not token or len(token) > 80 or token.count(".") != 2:
        return False
    stamp, nonce, mac = token.split(".")
    expected = hmac.new(secret, f"{stamp}.{nonce}".encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(mac, expected) or not stamp.isdigit():
        return False
    age = now.timestamp() - int(stamp)
    return -300 <= age <= MAX_AGE_SECONDS
