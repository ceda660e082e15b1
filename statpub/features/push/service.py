"""Push as one object for the CLI, the site and the scheduler's jobs: build the events that are due at
the clock's instant (through the public gate), deliver the outbox, webhooks and WebSub pings,
take subscriptions, record bounces and opens, and count per release for staff."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from statpub.features.push import events
from statpub.features.push.config import PushConfig, push_config
from statpub.features.push.links import Signer, store_secret
from statpub.features.push.render import Office, office_of
from statpub.features.push.subscriptions import Interests, Subscriptions, stamp, store_for
from statpub.features.push.webhooks import Webhooks
from statpub.features.push.websub import feed_urls, ping_hubs
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader

CATCH_UP = timedelta(days=1)  # a release gone public within this long without its event still gets it
log = logging.getLogger("statpub.push")


class Push:
    def __init__(self, settings: Settings, clock: Clock, config: PushConfig | None = None,
                 reader: WarehouseReader | None = None):
        self.settings, self.clock = settings, clock
        self.config = config or push_config()
        self.store = store_for(settings)
        self.office: Office = office_of(settings)
        self.signer = Signer(store_secret(self.store, self.config.secret), self.office.base_url)
        self.reader = reader or WarehouseReader(settings.warehouse_dir)
        self.subscriptions = Subscriptions(self.store)

    def gate(self) -> Gate:
        return Gate(self.reader.snapshot(), self.clock.now())

    # -- building at the instant ------------------------------------------------------------------
    def build_due(self) -> dict[str, int]:
        """Events due now: releases the gate shows the public that went public within the catch-up
        and have no event yet, and recent change notices. Then the WebSub pings they need."""
        gate = self.gate()
        built = {"events": 0, "messages": 0, "webhooks": 0}
        for release in events.due_releases(gate, gate.now - CATCH_UP):
            counts = events.build_release_event(self.store, gate, release, office_of(self.settings, gate),
                                                self.config.faq_path)
            self._count(built, counts, release.id, "release")
        for release, index, item in events.recent_notices(gate):
            counts = events.build_notice_event(self.store, gate, release, index, item, office_of(self.settings, gate))
            self._count(built, counts, release.id, item.change)
        if self.config.hubs:
            self.ping_recent(gate)
        return built

    def build_digest(self, week_end) -> dict[str, int]:
        """The weekly digest of the week ending at `week_end` (the digest job's due instant)."""
        built = {"events": 0, "messages": 0, "webhooks": 0}
        gate = self.gate()
        counts = events.build_digest_event(self.store, gate, week_end, office_of(self.settings, gate),
                                           self.config.faq_path)
        self._count(built, counts, "-", "digest")
        return built

    def _count(self, built: dict, counts: tuple[int, int] | None, release_id: str, what: str) -> None:
        if counts is None:
            return
        built["events"] += 1
        built["messages"] += counts[0]
        built["webhooks"] += counts[1]
        log.info(json.dumps({"event": "push_event_built", "release": release_id, "what": what,
                             "messages": counts[0], "webhooks": counts[1], "at": self.clock.now().isoformat()}))

    def ping_recent(self, gate: Gate) -> int:
        """Ping the hubs for every event of the last day not yet acknowledged by all of them."""
        with self.store.connect() as con:
            rows = con.execute("SELECT id, release_id FROM push_events WHERE kind IN ('release', 'notice') "
                               "AND built_at >= ?", [stamp(gate.now - CATCH_UP)]).fetchall()
        sent = 0
        for event_id, release_id in rows:
            release = gate.calendar_entry(release_id)
            topics = events.release_match(gate, release).topics if release else ()
            sent += ping_hubs(self.store, self.config.hubs, event_id, feed_urls(self.office.base_url, topics),
                              gate.now)
        return sent

    # -- delivering -------------------------------------------------------------------------------
    def mailer(self):
        from statpub.features.push.mailer import Mailer

        return Mailer(self.store, self.config, self.office, self.signer, self.clock.now)

    def webhooks(self) -> Webhooks:
        return Webhooks(self.store, self.clock.now, retry_base=self.config.retry_seconds / 2,
                        disable_after=self.config.webhook_failures,
                        on_disabled=self.notify_staff)

    def deliver(self) -> dict[str, dict]:
        done = {"webhooks": self.webhooks().drain()}
        if self.config.smtp is not None:
            done["mail"] = self.mailer().drain()
        return done

    def run_once(self) -> dict:
        with self.store.connect():  # held open: see Mailer.drain
            return {"built": self.build_due(), **self.deliver()}

    def notify_staff(self, notice: dict) -> None:
        """A notice to staff (a webhook disabled): on the staff page always, by mail if configured."""
        if not self.config.staff_email:
            return
        from statpub.features.push.render import Rendered

        text = f"{notice['text_zh']}\n\n{notice['text_en']}\n"
        html = f"<p>{notice['text_zh']}</p><p>{notice['text_en']}</p>"
        rendered = Rendered(f"【{self.office.zh}】推送工作提示 / Push notice", text, html)
        events.queue_single(self.store, "staff", notice["id"], {"zh": rendered}, "staff", self.config.staff_email,
                            "zh", self.office, self.clock.now())

    # -- subscribing ------------------------------------------------------------------------------
    def request(self, email: str, interests: Interests, lang: str, fmt: str, source: str) -> str | None:
        """Double opt-in: keep the request and mail a signed link carrying it (valid 7 days); at
        most one such mail per address every 10 minutes."""
        now = self.clock.now()
        subscriber_id = self.subscriptions.request(email, source, lang, fmt, now)
        if subscriber_id is None:
            return None
        url = self.signer.url("confirm", {"s": subscriber_id, "i": interests.to_dict(), "l": lang, "f": fmt}, lang,
                              now_epoch=now.timestamp())
        events.queue_confirmation(self.store, subscriber_id, email.strip().lower(), lang, self.office, url, now)
        return subscriber_id

    def confirm(self, token: str) -> str:
        now = self.clock.now()
        payload = self.signer.read("confirm", token, now_epoch=now.timestamp())
        self.subscriptions.confirm(payload["s"], Interests.from_dict(payload["i"]), payload["l"], payload["f"], now)
        return payload["s"]

    # -- bounces, opens, statistics ---------------------------------------------------------------
    def record_bounce(self, message_id: str, hard: bool = True, reason: str = "") -> bool:
        """A bounce reported after the relay accepted the message (DSN, or the relay's webhook)."""
        with self.store.transaction() as con:
            row = con.execute("SELECT id, subscriber_id FROM push_outbox WHERE message_id = ?", [message_id]).fetchone()
            if row is None:
                return False
            if hard:
                con.execute("UPDATE push_outbox SET state = 'bounced', bounced_at = ?, error = ? WHERE id = ?",
                            [stamp(self.clock.now()), reason[:500] or "bounced", row[0]])
                con.execute("UPDATE push_subscribers SET hard_bounces = hard_bounces + 1, state = CASE WHEN "
                            "state = 'confirmed' THEN 'bounced' ELSE state END WHERE id = ?", [row[1]])
        log.info(json.dumps({"event": "bounce", "message_id": message_id, "hard": hard}))
        return True

    def record_open(self, outbox_id: str) -> None:
        if not self.config.track_opens:
            return
        with self.store.transaction() as con:
            con.execute("UPDATE push_outbox SET opened_at = COALESCE(opened_at, ?) WHERE id = ?",
                        [stamp(self.clock.now()), outbox_id])

    def stats(self) -> list[dict]:
        """Per release: queued, sent, delivered (sent and not bounced since), bounced, failed,
        opened (None unless tracking is on), unsubscribed through its message."""
        with self.store.connect() as con:
            rows = con.execute(
                "SELECT e.id, e.release_id, e.at, e.messages, e.webhooks, "
                "SUM(CASE WHEN o.state IN ('queued', 'sending') THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN o.sent_at IS NOT NULL THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN o.state = 'sent' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN o.state = 'bounced' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN o.state = 'failed' THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN o.opened_at IS NOT NULL THEN 1 ELSE 0 END), "
                "(SELECT COUNT(*) FROM push_subscribers s WHERE s.unsubscribed_event = e.id) "
                "FROM push_events e LEFT JOIN push_outbox o ON o.event_id = e.id WHERE e.kind = 'release' "
                "GROUP BY e.id, e.release_id, e.at, e.messages, e.webhooks ORDER BY e.at DESC").fetchall()
        keys = ("event", "release", "at", "messages", "webhooks", "queued", "sent", "delivered", "bounced",
                "failed", "opened", "unsubscribed")
        out = []
        for row in rows:
            item = {k: (v if v is not None else 0) for k, v in zip(keys, row, strict=True)}
            if not self.config.track_opens:
                item["opened"] = None
            out.append(item)
        return out

    def staff_notices(self, limit: int = 50) -> list[dict]:
        with self.store.connect() as con:
            return [dict(zip(("at", "kind", "text_zh", "text_en"), r, strict=True)) for r in con.execute(
                "SELECT at, kind, text_zh, text_en FROM push_staff_notices ORDER BY at DESC LIMIT ?", [limit])]
