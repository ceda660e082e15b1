"""Webhooks to organisations: the event's JSON, signed, retried with back-off, logged, and switched off
after repeated failure (with a notice to staff).

Signature (as Stripe and others do it): the header

    X-Statpub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

A receiver recomputes the HMAC with the secret it was given, compares in constant time, and
refuses a `t` older than a few minutes (replays). `X-Statpub-Event` names the event and
`X-Statpub-Delivery` the delivery (the same on every retry: receivers can deduplicate).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import requests

from statpub.features.push.subscriptions import new_id, stamp
from statpub.store import Store

MAX_ATTEMPTS = 8
DISABLE_AFTER = 10  # consecutive failed attempts of an organisation's webhook
TIMEOUT = 10.0
BATCH = 20
LEASE_SECONDS = 120.0
log = logging.getLogger("statpub.push")


def sign(secret: str, body: bytes, at: int) -> str:
    digest = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def verify(secret: str, header: str, body: bytes, now: float, tolerance: float = 300.0) -> bool:
    """For receivers (and the tests): is this body signed with this secret, recently?"""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        at = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = sign(secret, body, at).split("v1=", 1)[1]
    return abs(now - at) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))


class Webhooks:
    def __init__(self, store: Store, now: Callable[[], datetime], retry_base: float = 30.0,
                 disable_after: int = DISABLE_AFTER, on_disabled: Callable[[dict], None] | None = None,
                 threads: int = 8):
        self.store, self.now, self.retry_base = store, now, retry_base
        self.disable_after, self.on_disabled, self.threads = disable_after, on_disabled, threads
        self.owner = secrets.token_hex(4)
        self._local = threading.local()

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def claim(self) -> list:
        wall, claim = time.time(), secrets.token_hex(8)
        due = "((state = 'queued' AND next_attempt_at <= ?) OR (state = 'sending' AND lease_until < ?))"
        with self.store.transaction() as con:
            con.execute(f"UPDATE push_webhook_deliveries SET state = 'sending', owner = ?, claim = ?, lease_until = ?, "  # noqa: S608 - fixed
                        f"attempts = attempts + 1 WHERE id IN (SELECT id FROM push_webhook_deliveries WHERE {due} "
                        f"LIMIT ?) AND {due}", [self.owner, claim, wall + LEASE_SECONDS, wall, wall, BATCH, wall, wall])
            return con.execute(
                "SELECT d.id, d.event_id, d.org_id, d.attempts, o.webhook_url, o.webhook_secret, o.name, r.payload "
                "FROM push_webhook_deliveries d JOIN push_orgs o ON o.id = d.org_id "
                "JOIN push_renders r ON r.event_id = d.event_id AND r.lang = 'zh' "
                "WHERE d.claim = ? AND d.state = 'sending'", [claim]).fetchall()

    def _post(self, row) -> tuple[int | None, str | None, int]:
        body = row["payload"].encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "statpub-push",
                   "X-Statpub-Event": row["event_id"], "X-Statpub-Delivery": row["id"],
                   "X-Statpub-Signature": sign(row["webhook_secret"], body, int(time.time()))}
        started = time.monotonic()
        try:
            answer = self._session().post(row["webhook_url"], data=body, headers=headers, timeout=TIMEOUT,
                                          allow_redirects=False)
            error = None if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"
            return answer.status_code, error, round((time.monotonic() - started) * 1000)
        except requests.RequestException as exc:
            return None, f"{type(exc).__name__}: {exc}"[:500], round((time.monotonic() - started) * 1000)

    def deliver(self, row) -> bool:
        status, error, ms = self._post(row)
        now, wall = stamp(self.now()), time.time()
        disabled = None
        with self.store.transaction() as con:
            con.execute("INSERT INTO push_webhook_log (delivery_id, attempt, at, status, error, milliseconds) "
                        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id, attempt) DO NOTHING",
                        [row["id"], row["attempts"], now, status, error, ms])
            if error is None:
                con.execute("UPDATE push_webhook_deliveries SET state = 'delivered', delivered_at = ?, last_status = ?, "
                            "last_error = NULL, lease_until = NULL WHERE id = ?", [now, status, row["id"]])
                con.execute("UPDATE push_orgs SET consecutive_failures = 0 WHERE id = ?", [row["org_id"]])
                return True
            final = row["attempts"] >= MAX_ATTEMPTS
            con.execute("UPDATE push_webhook_deliveries SET state = ?, last_status = ?, last_error = ?, "
                        "next_attempt_at = ?, lease_until = NULL WHERE id = ?",
                        ["failed" if final else "queued", status, error,
                         wall + min(self.retry_base * 2 ** (row["attempts"] - 1), 3600.0), row["id"]])
            con.execute("UPDATE push_orgs SET consecutive_failures = consecutive_failures + 1 WHERE id = ?",
                        [row["org_id"]])
            failures = con.execute("SELECT consecutive_failures, webhook_state FROM push_orgs WHERE id = ?",
                                   [row["org_id"]]).fetchone()
            if failures[0] >= self.disable_after and failures[1] == "active":
                disabled = self._disable(con, row, failures[0], now)
        if disabled and self.on_disabled:
            self.on_disabled(disabled)
        return False

    def _disable(self, con, row, failures: int, now: str) -> dict:
        con.execute("UPDATE push_orgs SET webhook_state = 'disabled', disabled_at = ? WHERE id = ?", [now, row["org_id"]])
        con.execute("UPDATE push_webhook_deliveries SET state = 'dropped', last_error = 'webhook disabled' "
                    "WHERE org_id = ? AND state = 'queued'", [row["org_id"]])
        notice = {"id": new_id(), "org_id": row["org_id"], "org": row["name"], "failures": failures,
                  "text_zh": f"机构“{row['name']}”的Webhook连续{failures}次投递失败，已停用。修复接收端后请用 "
                             f"`statpub push org enable-webhook` 重新启用。",
                  "text_en": f"The webhook of {row['name']} failed {failures} times in a row and was disabled. "
                             "Re-enable it with `statpub push org enable-webhook` once the receiver is fixed."}
        con.execute("INSERT INTO push_staff_notices (id, at, kind, org_id, text_zh, text_en) VALUES (?, ?, ?, ?, ?, ?)",
                    [notice["id"], now, "webhook_disabled", row["org_id"], notice["text_zh"], notice["text_en"]])
        log.error(json.dumps({"event": "webhook_disabled", "org": row["name"], "failures": failures,
                              "url": row["webhook_url"]}, ensure_ascii=False))
        return notice

    def drain(self) -> dict[str, int]:
        counts = {"delivered": 0, "failed_attempts": 0}
        lock = threading.Lock()

        def work() -> None:
            while True:
                rows = self.claim()
                if not rows:
                    return
                for row in rows:
                    ok = self.deliver(row)
                    with lock:
                        counts["delivered" if ok else "failed_attempts"] += 1

        with ThreadPoolExecutor(self.threads, thread_name_prefix="statpub-webhook") as pool:
            for future in [pool.submit(work) for _ in range(self.threads)]:
                future.result()
        if any(counts.values()):
            log.info(json.dumps({"event": "webhooks_drained", **counts}))
        return counts
