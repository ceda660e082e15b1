"""The outbox worker: hands queued messages to the SMTP relay, at least once.

Each worker thread claims a batch of due messages with a lease (a conditional UPDATE, so two
workers, threads or nodes never hold the same message), sends them over its own SMTP connection,
then records the outcome of the whole batch in one transaction. A message's Message-ID is fixed
when it is queued, so a resend is recognisably the same message.

`kill -9` at any moment loses nothing: a message whose batch was not recorded keeps its state
`sending` until its lease runs out, then is claimed and sent again. So the only messages sent
twice are those the relay accepted after the batch's last commit — at most one batch per thread
(`BATCH` messages) — and each keeps its Message-ID.

Outcomes: accepted → `sent`; refused permanently (5xx for the recipient) → `bounced` and the
address is suppressed; refused for now (4xx) or the relay unreachable → back in the queue with
back-off, `failed` after `MAX_ATTEMPTS`; unsubscribed meanwhile → `dropped`.
"""

from __future__ import annotations

import json
import logging
import secrets
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import lru_cache

from statpub.features.push.compose import Envelope, Letter, fill, full_message, skeleton
from statpub.features.push.config import PushConfig, SmtpTarget
from statpub.features.push.links import Signer
from statpub.features.push.render import Office
from statpub.features.push.subscriptions import stamp
from statpub.store import Store

BATCH = 50
MAX_ATTEMPTS = 8
log = logging.getLogger("statpub.push")


def retry_delay(attempt: int, base: float) -> float:
    return min(base * 2 ** (attempt - 1), 3600.0)


class RateLimit:
    """At most `rate` messages per second across a worker's threads (0: no limit)."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(self._next, now)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


def connect(target: SmtpTarget, timeout: float = 30.0) -> smtplib.SMTP:
    if target.security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(target.host, target.port, timeout=timeout)
        if target.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    smtp.ehlo_or_helo_if_needed()
    if target.user:
        smtp.login(target.user, target.password or "")
    return smtp


class Mailer:
    def __init__(self, store: Store, config: PushConfig, office: Office, signer: Signer,
                 now: Callable[[], datetime]):
        if config.smtp is None:
            from statpub.kernel.errors import UserError

            raise UserError("no relay configured: set STATPUB_SMTP_URL (smtp://host:port or "
                            "smtp+starttls://user:pass@host:port)")
        self.store, self.config, self.office, self.signer, self.now = store, config, office, signer, now
        self.retry_base = config.retry_seconds
        self.sender = config.sender or f"push@{office.host}"
        self.owner = f"{socket.gethostname()}:{secrets.token_hex(3)}"
        self.rate = RateLimit(config.rate)
        self._letter = lru_cache(maxsize=64)(self._load_letter)

    # -- the letters ------------------------------------------------------------------------------
    def _load_letter(self, event_id: str, lang: str) -> tuple[Letter, bytes]:
        with self.store.connect() as con:
            row = con.execute("SELECT r.subject, r.text_body, r.html_body, e.built_at FROM push_renders r "
                              "JOIN push_events e ON e.id = r.event_id WHERE r.event_id = ? AND r.lang = ?",
                              [event_id, lang]).fetchone()
        letter = Letter(row[0], row[1], row[2], lang, self.office.name(lang), self.sender,
                        f"<push.{self.office.host}>", datetime.fromisoformat(row[3]), event_id)
        return letter, skeleton(letter)

    def envelope(self, row) -> Envelope:
        subscriber, event = row["subscriber_id"], row["event_id"]
        lang = row["lang"]
        pixel = ""
        if self.config.track_opens and event.startswith("release:"):
            token = self.signer.token("open", {"o": row["id"]})
            pixel = f'<img src="{self.office.base_url}/subscribe/o/{token}.gif" width="1" height="1" alt="">'
        return Envelope(row["email"], row["message_id"],
                        self.signer.url("unsubscribe", {"s": subscriber, "e": event}, lang),
                        self.signer.url("manage", {"s": subscriber}, lang), pixel)

    def message(self, row, eight_bit: bool = True) -> bytes:
        letter, skeleton_bytes = self._letter(row["event_id"], row["lang"])
        envelope = self.envelope(row)
        return fill(skeleton_bytes, envelope) if eight_bit else full_message(letter, envelope)

    # -- claiming and recording -------------------------------------------------------------------
    def claim(self, limit: int = BATCH) -> list:
        wall, claim = time.time(), secrets.token_hex(8)
        due = "((state = 'queued' AND next_attempt_at <= ?) OR (state = 'sending' AND lease_until < ?))"
        with self.store.transaction() as con:
            con.execute(f"UPDATE push_outbox SET state = 'sending', owner = ?, claim = ?, lease_until = ?, "  # noqa: S608 - fixed
                        f"attempts = attempts + 1 WHERE id IN (SELECT id FROM push_outbox WHERE {due} LIMIT ?) AND {due}",
                        [self.owner, claim, wall + self.config.lease_seconds, wall, wall, limit, wall, wall])
            return con.execute("SELECT id, event_id, subscriber_id, email, lang, message_id, attempts "
                               "FROM push_outbox WHERE claim = ? AND state = 'sending'", [claim]).fetchall()

    def record(self, outcomes: list[tuple[object, str, str | None]]) -> None:
        """(row, outcome, error) for a batch, in one transaction: sent | bounced | retry."""
        now = stamp(self.now())
        wall = time.time()
        sent = [(now, row["id"]) for row, outcome, _error in outcomes if outcome == "sent"]
        bounced = [(row, error) for row, outcome, error in outcomes if outcome == "bounced"]
        retry = [(row, error) for row, outcome, error in outcomes if outcome not in ("sent", "bounced")]
        with self.store.transaction() as con:
            if sent:
                con.executemany("UPDATE push_outbox SET state = 'sent', sent_at = ?, error = NULL, lease_until = NULL "
                                "WHERE id = ?", sent)
            for row, error in bounced:
                con.execute("UPDATE push_outbox SET state = 'bounced', bounced_at = ?, error = ?, lease_until = NULL "
                            "WHERE id = ?", [now, error, row["id"]])
                con.execute("UPDATE push_subscribers SET hard_bounces = hard_bounces + 1, state = CASE WHEN "
                            "state = 'confirmed' THEN 'bounced' ELSE state END WHERE id = ?", [row["subscriber_id"]])
            for row, error in retry:
                final = row["attempts"] >= MAX_ATTEMPTS
                con.execute("UPDATE push_outbox SET state = ?, error = ?, next_attempt_at = ?, lease_until = NULL "
                            "WHERE id = ?", ["failed" if final else "queued", error,
                                             wall + retry_delay(row["attempts"], self.retry_base), row["id"]])

    # -- sending ----------------------------------------------------------------------------------
    def _send_batch(self, smtp: smtplib.SMTP, rows: list) -> tuple[list, bool]:
        """Send a batch on one connection: outcomes, and whether the connection is still good."""
        eight_bit = smtp.has_extn("8bitmime")
        options = ["BODY=8BITMIME"] if eight_bit else []
        outcomes, alive = [], True
        for row in rows:
            if not alive:
                outcomes.append((row, "retry", "connection lost"))
                continue
            self.rate.wait()
            try:
                smtp.sendmail(self.sender, [row["email"]], self.message(row, eight_bit), mail_options=options)
                outcomes.append((row, "sent", None))
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()))
                outcomes.append((row, "bounced" if 500 <= code < 600 else "retry", f"{code} {text.decode(errors='replace')}"))
            except smtplib.SMTPResponseException as exc:
                permanent = 500 <= exc.smtp_code < 600 and exc.smtp_code != 552
                outcomes.append((row, "bounced" if permanent else "retry", f"{exc.smtp_code} {exc.smtp_error!r}"))
                alive = not isinstance(exc, smtplib.SMTPServerDisconnected)
            except (smtplib.SMTPException, OSError) as exc:
                outcomes.append((row, "retry", f"{type(exc).__name__}: {exc}"))
                alive = False
        return outcomes, alive

    def _thread(self, deadline: float | None, counts: dict, lock: threading.Lock) -> None:
        smtp = None
        try:
            while deadline is None or time.monotonic() < deadline:
                rows = self.claim()
                if not rows:
                    return
                if smtp is None:
                    try:
                        smtp = connect(self.config.smtp)
                    except (smtplib.SMTPException, OSError) as exc:
                        self.record([(row, "retry", f"relay unreachable: {exc}") for row in rows])
                        log.warning(json.dumps({"event": "relay_unreachable", "error": str(exc)}))
                        return
                outcomes, alive = self._send_batch(smtp, rows)
                self.record(outcomes)
                with lock:
                    for _row, outcome, _error in outcomes:
                        counts[outcome] = counts.get(outcome, 0) + 1
                if not alive:
                    smtp = None
        finally:
            if smtp is not None:
                try:
                    smtp.quit()
                except (smtplib.SMTPException, OSError):
                    pass

    def drain(self, seconds: float | None = None) -> dict[str, int]:
        """Send everything due now, on `connections` parallel connections; counts by outcome."""
        started = time.monotonic()
        deadline = started + seconds if seconds else None
        counts: dict[str, int] = {}
        lock = threading.Lock()
        # One connection held open for the drain: on SQLite, the close of the last connection to
        # the file checkpoints the write-ahead log, which cost ~15 ms at every short operation.
        with self.store.connect(), ThreadPoolExecutor(self.config.connections, thread_name_prefix="statpub-smtp") as pool:
            for future in [pool.submit(self._thread, deadline, counts, lock) for _ in range(self.config.connections)]:
                future.result()
        if counts:
            log.info(json.dumps({"event": "outbox_drained", **counts,
                                 "seconds": round(time.monotonic() - started, 3)}))
        return counts
