"""Events and the outbox: at a release's instant (or when a notice appears), render the message once
per language, and queue one message per matching subscriber and one webhook delivery per matching
organisation, all in one transaction. Nothing is built for a release the gate does not show the
public at that moment, so no embargoed figure ever sits in the store.

A subscriber matches a release by a topic of one of its series, one of its series, its kind, or
"everything"; a notice also needs the subscriber to follow notices. Only subscribers confirmed by
the time the release went public receive it (a late subscription gets the next one). Each message
has a stable Message-ID, `<event.subscriber@office host>`, kept through retries and restarts."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from statpub.features.push.render import (
    Office,
    Rendered,
    notice_payload,
    release_payload,
    render_confirm,
    render_digest,
    render_notice,
    render_release,
)
from statpub.features.push.subscriptions import stamp
from statpub.kernel.clock import BEIJING
from statpub.store import Store
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import HistoryItem, ReleaseInfo

NOTICE_CHANGES = ("rescheduled", "postponed", "cancelled", "corrected")
NOTICE_DAYS = 2  # notices dated within this many days are pushed (older ones predate the feature)


@dataclass(frozen=True)
class Match:
    topics: tuple[str, ...]
    series: tuple[str, ...]
    kinds: tuple[str, ...]
    notices_only: bool = False


def release_match(gate: Gate, releases: ReleaseInfo | list[ReleaseInfo], notices_only: bool = False) -> Match:
    """What subscribers to these releases follow: their topics, series and kinds."""
    chosen = releases if isinstance(releases, list) else [releases]
    series = gate.snapshot.series
    codes = sorted({c for r in chosen for c in r.series})
    topics = tuple(sorted({series[c].topic for c in codes if c in series}))
    return Match(topics, tuple(codes), tuple(sorted({r.kind for r in chosen})), notices_only)


def _marks(values: Sequence[str]) -> tuple[str, list[str]]:
    values = list(values) or [""]
    return ", ".join("?" for _ in values), values


def _interest_clause(owner: str, match: Match) -> tuple[str, list]:
    """SQL (fixed text with `?` markers) for "owner follows this"; and its values."""
    topic_marks, topics = _marks(match.topics)
    series_marks, series = _marks(match.series)
    kind_marks, kinds = _marks(match.kinds)
    # Only the owner column (one of two fixed names) and "?" markers are pasted; values are bound.
    clause = (f"EXISTS (SELECT 1 FROM push_interests i WHERE i.owner_id = {owner} AND (i.kind = 'all' "  # noqa: S608
              f"OR (i.kind = 'topic' AND i.value IN ({topic_marks})) "
              f"OR (i.kind = 'series' AND i.value IN ({series_marks})) "
              f"OR (i.kind = 'release_kind' AND i.value IN ({kind_marks}))))")
    values = [*topics, *series, *kinds]
    if match.notices_only:
        clause += (f" AND EXISTS (SELECT 1 FROM push_interests n WHERE n.owner_id = {owner} "  # noqa: S608
                   "AND n.kind = 'notices')")
    return clause, values


def message_id_prefix(event_id: str) -> str:
    return event_id.replace(":", ".").replace("/", ".")


def _insert_event(con, event_id: str, kind: str, release_id: str | None, at: datetime, now: datetime,
                  renders: dict[str, Rendered], payload: dict | None) -> bool:
    """The event and its renderings; False if it was built already (by another process)."""
    created = con.execute("INSERT INTO push_events (id, kind, release_id, at, built_at) VALUES (?, ?, ?, ?, ?) "
                          "ON CONFLICT (id) DO NOTHING", [event_id, kind, release_id, stamp(at), stamp(now)]).rowcount
    if not created:
        return False
    body = json.dumps(payload or {}, ensure_ascii=False)
    con.executemany("INSERT INTO push_renders (event_id, lang, subject, text_body, html_body, payload) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(event_id, lang, r.subject, r.text, r.html, body) for lang, r in renders.items()])
    return True


def _queue(con, event_id: str, match: Match, office: Office, confirmed_by: datetime, now: datetime,
           fmt: str = "each") -> tuple[int, int]:
    """Queue the messages (to subscribers of format `fmt`) and, for single events, the webhook
    deliveries of an event: (messages, webhooks)."""
    clause, values = _interest_clause("s.id", match)
    prefix = message_id_prefix(event_id)
    messages = con.execute(
        "INSERT INTO push_outbox (id, event_id, subscriber_id, email, lang, message_id, state, attempts, "  # noqa: S608 - fixed fragments; values are bound
        "next_attempt_at, created_at) "
        "SELECT CAST(? AS TEXT) || '/' || s.id, ?, s.id, s.email, s.lang, "
        "'<' || CAST(? AS TEXT) || '.' || s.id || '@' || CAST(? AS TEXT) || '>', 'queued', 0, 0, ? "
        "FROM push_subscribers s WHERE s.state = 'confirmed' AND s.format = ? AND s.confirmed_at <= ? "
        f"AND {clause} ON CONFLICT (event_id, subscriber_id) DO NOTHING",
        [event_id, event_id, prefix, office.host, stamp(now), fmt, stamp(confirmed_by), *values]).rowcount
    if fmt == "digest":
        con.execute("UPDATE push_events SET messages = ? WHERE id = ?", [messages, event_id])
        return messages, 0
    org_clause, org_values = _interest_clause("o.id", match)
    webhooks = con.execute(
        "INSERT INTO push_webhook_deliveries (id, event_id, org_id, state, attempts, next_attempt_at, created_at) "  # noqa: S608 - fixed fragments; values are bound
        "SELECT CAST(? AS TEXT) || '/' || o.id, ?, o.id, 'queued', 0, 0, ? FROM push_orgs o "
        f"WHERE o.webhook_state = 'active' AND {org_clause} ON CONFLICT (event_id, org_id) DO NOTHING",
        [event_id, event_id, stamp(now), *org_values]).rowcount
    con.execute("UPDATE push_events SET messages = ?, webhooks = ? WHERE id = ?", [messages, webhooks, event_id])
    return messages, webhooks


def build_release_event(store: Store, gate: Gate, release: ReleaseInfo, office: Office,
                        faq_path: str | None) -> tuple[int, int] | None:
    """Build a release's event at (or after) its instant: (messages, webhooks) queued, or None when
    it was built already or the gate does not show it to the public."""
    if gate.reader.role != "public" or not gate.is_public(release):
        return None
    event_id = f"release:{release.id}"
    with store.connect() as con:
        if con.execute("SELECT 1 FROM push_events WHERE id = ?", [event_id]).fetchone():
            return None
    since = gate.public_since(release) or release.instant
    renders = {lang: render_release(gate, release, lang, office, faq_path) for lang in ("zh", "en")}
    payload = release_payload(gate, release, office, faq_path)
    with store.transaction() as con:
        if not _insert_event(con, event_id, "release", release.id, since, gate.now, renders, payload):
            return None
        return _queue(con, event_id, release_match(gate, release), office, since, gate.now)


def due_releases(gate: Gate, since: datetime) -> list[ReleaseInfo]:
    """Releases public now that went public after `since`."""
    return [r for r in gate.published_releases() if (gate.public_since(r) or r.instant) > since]


def recent_notices(gate: Gate) -> list[tuple[ReleaseInfo, int, HistoryItem]]:
    today = gate.now.astimezone(BEIJING).date()
    found = []
    for release in gate.calendar():
        for index, item in enumerate(release.history):
            if item.change in NOTICE_CHANGES and today - timedelta(days=NOTICE_DAYS) <= item.date <= today:
                found.append((release, index, item))
    return found


def build_notice_event(store: Store, gate: Gate, release: ReleaseInfo, index: int, item: HistoryItem,
                       office: Office) -> tuple[int, int] | None:
    """A change notice (public calendar metadata from announcement): old and new instant, reason."""
    event_id = f"notice:{release.id}:{index}"
    with store.connect() as con:
        if con.execute("SELECT 1 FROM push_events WHERE id = ?", [event_id]).fetchone():
            return None
    renders = {lang: render_notice(release, item, lang, office) for lang in ("zh", "en")}
    with store.transaction() as con:
        if not _insert_event(con, event_id, "notice", release.id, gate.now, gate.now, renders,
                             notice_payload(release, item, office)):
            return None
        return _queue(con, event_id, release_match(gate, release, notices_only=True), office, gate.now, gate.now)


def build_digest_event(store: Store, gate: Gate, week_end: datetime, office: Office,
                       faq_path: str | None) -> tuple[int, int] | None:
    """The weekly digest: the releases that went public in the week before `week_end`, to the
    subscribers who chose the digest and follow at least one of them."""
    week = [r for r in gate.published_releases()
            if week_end - timedelta(days=7) <= (gate.public_since(r) or r.instant) < week_end <= gate.now]
    if not week:
        return None
    event_id = f"digest:{week_end.astimezone(BEIJING).date().isoformat()}"
    with store.connect() as con:
        if con.execute("SELECT 1 FROM push_events WHERE id = ?", [event_id]).fetchone():
            return None
    renders = {lang: render_digest(gate, week, lang, office, faq_path) for lang in ("zh", "en")}
    with store.transaction() as con:
        if not _insert_event(con, event_id, "digest", None, week_end, gate.now, renders, None):
            return None
        return _queue(con, event_id, release_match(gate, week), office, week_end, gate.now, fmt="digest")


def queue_single(store: Store, kind: str, key: str, rendered: dict[str, Rendered], subscriber_id: str,
                 email: str, lang: str, office: Office, now: datetime) -> str:
    """One message to one address (a confirmation, a notice to staff): its event id."""
    event_id = f"{kind}:{key}:{secrets.token_hex(4)}"
    with store.transaction() as con:
        _insert_event(con, event_id, kind, None, now, now, rendered, None)
        con.execute("INSERT INTO push_outbox (id, event_id, subscriber_id, email, lang, message_id, state, attempts, "
                    "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, 0, ?)",
                    [f"{event_id}/{subscriber_id}", event_id, subscriber_id, email, lang,
                     f"<{message_id_prefix(event_id)}.{subscriber_id}@{office.host}>", stamp(now)])
        con.execute("UPDATE push_events SET messages = 1 WHERE id = ?", [event_id])
    return event_id


def queue_confirmation(store: Store, subscriber_id: str, email: str, lang: str, office: Office,
                       confirm_url: str, now: datetime) -> str:
    return queue_single(store, "confirm", subscriber_id, {lang: render_confirm(lang, office, confirm_url)},
                        subscriber_id, email, lang, office, now)
