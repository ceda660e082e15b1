"""Push configuration, from the environment of the server, the scheduler or the worker.

    STATPUB_SMTP_URL          smtp://host:port | smtp+starttls://user:pass@host:port | smtps://...
    STATPUB_PUSH_FROM         the sender address (default: push@<host of the office's base URL>)
    STATPUB_PUSH_RATE         messages per second through the relay, 0 for no limit (default 0)
    STATPUB_PUSH_CONNECTIONS  parallel SMTP connections of a worker (default 4)
    STATPUB_PUSH_TRACK_OPENS  1 to count opens with an image (off by default)
    STATPUB_PUSH_STAFF_EMAIL  where notices to staff (a webhook disabled) are also mailed
    STATPUB_PUSH_SECRET       the key signing links and webhooks' default secrets (default: one
                              made once and kept in the operational store, shared by every node)
    STATPUB_PUSH_BOUNCE_TOKEN the bearer token a relay's bounce webhook must present
    STATPUB_PUSH_FAQ_PATH     a path on the site linked as the FAQ in every message (e.g. /faq)
    STATPUB_WEBSUB_HUBS       comma-separated hub URLs, declared in the Atom feeds and notified
                              at each instant
    STATPUB_PUSH_LEASE_SECONDS   a claimed message's lease (default 120): after a crash, how long
                                 before another worker sends it
    STATPUB_PUSH_RETRY_SECONDS   the first back-off after a temporary failure (default 60; doubles)
    STATPUB_PUSH_WEBHOOK_FAILURES  consecutive failed attempts disabling a webhook (default 10)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from statpub.kernel.errors import UserError

ENV_SMTP = "STATPUB_SMTP_URL"


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: str  # plain | starttls | tls
    user: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class PushConfig:
    smtp: SmtpTarget | None
    sender: str | None
    rate: float
    connections: int
    track_opens: bool
    staff_email: str | None
    secret: str | None
    bounce_token: str | None
    faq_path: str | None
    hubs: tuple[str, ...]
    lease_seconds: float = 120.0  # how long a claimed message waits for its worker before another takes it
    retry_seconds: float = 60.0  # first back-off after a temporary failure (doubles, at most an hour)
    webhook_failures: int = 10  # consecutive failed attempts that disable an organisation's webhook


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    schemes = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
    if parts.scheme not in schemes or not parts.hostname:
        raise UserError(f"{ENV_SMTP}: {url!r} is not smtp://host:port, smtp+starttls://user:pass@host:port "
                        "or smtps://user:pass@host:port")
    security, default_port = schemes[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError:
        raise UserError(f"{ENV_SMTP}: the port of {url!r} is not a number") from None
    return SmtpTarget(parts.hostname, port, security, unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password else None)


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise UserError(f"{name}: {raw!r} is not a number") from None


def push_config(env: Mapping[str, str] | None = None) -> PushConfig:
    env = os.environ if env is None else env
    smtp = env.get(ENV_SMTP, "").strip()
    faq = env.get("STATPUB_PUSH_FAQ_PATH", "").strip() or None
    if faq is not None and not faq.startswith("/"):
        raise UserError(f"STATPUB_PUSH_FAQ_PATH: {faq!r} must be a path on the site, starting with /")
    return PushConfig(
        smtp=parse_smtp_url(smtp) if smtp else None,
        sender=env.get("STATPUB_PUSH_FROM", "").strip() or None,
        rate=_number(env, "STATPUB_PUSH_RATE", 0.0),
        connections=max(1, int(_number(env, "STATPUB_PUSH_CONNECTIONS", 4))),
        track_opens=env.get("STATPUB_PUSH_TRACK_OPENS", "").strip() in ("1", "true", "yes"),
        staff_email=env.get("STATPUB_PUSH_STAFF_EMAIL", "").strip() or None,
        secret=env.get("STATPUB_PUSH_SECRET", "").strip() or None,
        bounce_token=env.get("STATPUB_PUSH_BOUNCE_TOKEN", "").strip() or None,
        faq_path=faq,
        hubs=tuple(h.strip() for h in env.get("STATPUB_WEBSUB_HUBS", "").split(",") if h.strip()),
        lease_seconds=_number(env, "STATPUB_PUSH_LEASE_SECONDS", 120.0),
        retry_seconds=_number(env, "STATPUB_PUSH_RETRY_SECONDS", 60.0),
        webhook_failures=max(1, int(_number(env, "STATPUB_PUSH_WEBHOOK_FAILURES", 10))),
    )
