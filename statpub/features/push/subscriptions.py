"""Subscribers, what they follow, and organisations, in the operational store.

A subscriber is an e-mail address with a language, a format (each release, or a weekly digest) and
interests: topics, series, release kinds, notices of schedule changes, or everything. The public
path is double opt-in: a request creates (or keeps) the subscriber and sends a signed, expiring
confirmation link carrying the interests asked for; following it applies them. Staff may import an
address that has consented already (`statpub push subscribe ... --confirmed`). Organisations have
contacts (subscribers tied to them, relay lists among them), interests and a webhook.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from statpub.kernel.config import Settings
from statpub.kernel.errors import NotFound, UserError
from statpub.store import Store, open_store

MIGRATIONS = Path(__file__).parent / "migrations"
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
KINDS = ("quarterly", "annual", "verification", "monthly", "ad-hoc")
FORMATS = ("each", "digest")
ORG_KINDS = ("association", "park", "committee", "company", "other")
LANGS = ("zh", "en")
CONFIRM_COOLDOWN = timedelta(minutes=10)


def store_for(settings: Settings) -> Store:
    store = open_store(settings)
    store.migrate("push", MIGRATIONS)
    return store


def stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    return secrets.token_hex(8)


def normal_email(text: str) -> str:
    email = (text or "").strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise UserError(f"{text!r} is not an e-mail address")
    return email


@dataclass(frozen=True)
class Interests:
    topics: tuple[str, ...] = ()
    series: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    notices: bool = False
    everything: bool = False

    def rows(self) -> list[tuple[str, str]]:
        rows = [("topic", v) for v in self.topics] + [("series", v) for v in self.series]
        rows += [("release_kind", v) for v in self.kinds]
        rows += [("notices", "yes")] if self.notices else []
        return rows + ([("all", "*")] if self.everything else [])

    @classmethod
    def from_rows(cls, rows: list[tuple[str, str]]) -> Interests:
        pick = lambda kind: tuple(sorted(v for k, v in rows if k == kind))  # noqa: E731
        return cls(pick("topic"), pick("series"), pick("release_kind"), ("notices", "yes") in rows,
                   ("all", "*") in rows)

    def to_dict(self) -> dict:
        return {"topics": list(self.topics), "series": list(self.series), "kinds": list(self.kinds),
                "notices": self.notices, "all": self.everything}

    @classmethod
    def from_dict(cls, data: dict) -> Interests:
        return cls(tuple(data.get("topics", ())), tuple(data.get("series", ())), tuple(data.get("kinds", ())),
                   bool(data.get("notices")), bool(data.get("all")))

    @property
    def empty(self) -> bool:
        return not (self.topics or self.series or self.kinds or self.everything)


def check_interests(interests: Interests, topics: set[str], series: set[str]) -> Interests:
    """Refuse codes the catalogue does not have (named), and an empty choice."""
    unknown = ([f"topic {t}" for t in interests.topics if t not in topics]
               + [f"series {s}" for s in interests.series if s not in series]
               + [f"release kind {k}" for k in interests.kinds if k not in KINDS])
    if unknown:
        raise UserError("unknown " + ", ".join(unknown))
    if interests.empty:
        raise UserError("choose at least one topic, series or kind of release (or everything)")
    return interests


@dataclass(frozen=True)
class Subscriber:
    id: str
    email: str
    lang: str
    format: str
    state: str
    source: str
    org_id: str | None
    created_at: str
    confirmed_at: str | None
    interests: Interests = field(default_factory=Interests)


class Subscriptions:
    def __init__(self, store: Store):
        self.store = store

    # -- reading -------------------------------------------------------------------------------
    def interests(self, con, owner_id: str) -> Interests:
        rows = con.execute("SELECT kind, value FROM push_interests WHERE owner_id = ?", [owner_id]).fetchall()
        return Interests.from_rows([(r[0], r[1]) for r in rows])

    def get(self, subscriber_id: str) -> Subscriber:
        with self.store.connect() as con:
            row = con.execute("SELECT id, email, lang, format, state, source, org_id, created_at, confirmed_at "
                              "FROM push_subscribers WHERE id = ?", [subscriber_id]).fetchone()
            if row is None:
                raise NotFound("no such subscription")
            return Subscriber(*row, interests=self.interests(con, subscriber_id))

    def find(self, email: str) -> Subscriber | None:
        with self.store.connect() as con:
            row = con.execute("SELECT id FROM push_subscribers WHERE email = ?", [normal_email(email)]).fetchone()
        return self.get(row[0]) if row else None

    def count(self, state: str = "confirmed") -> int:
        with self.store.connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM push_subscribers WHERE state = ?", [state]).fetchone()[0])

    # -- writing -------------------------------------------------------------------------------
    def _upsert(self, con, email: str, lang: str, fmt: str, source: str, now: datetime,
                org_id: str | None = None, relay: bool = False) -> str:
        if lang not in LANGS or fmt not in FORMATS:
            raise UserError(f"language must be one of {LANGS} and format one of {FORMATS}")
        row = con.execute("SELECT id FROM push_subscribers WHERE email = ?", [email]).fetchone()
        if row:
            return row[0]
        subscriber_id = new_id()
        con.execute("INSERT INTO push_subscribers (id, email, lang, format, state, source, org_id, relay, created_at) "
                    "VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
                    [subscriber_id, email, lang, fmt, source, org_id, int(relay), stamp(now)])
        return subscriber_id

    def _set_interests(self, con, owner_id: str, interests: Interests) -> None:
        con.execute("DELETE FROM push_interests WHERE owner_id = ?", [owner_id])
        con.executemany("INSERT INTO push_interests (owner_id, kind, value) VALUES (?, ?, ?)",
                        [(owner_id, kind, value) for kind, value in interests.rows()])

    def request(self, email: str, source: str, lang: str, fmt: str, now: datetime) -> str | None:
        """A subscription asked for on the public path: the subscriber's id, or None when a
        confirmation went to this address less than `CONFIRM_COOLDOWN` ago (nobody can flood an
        address with confirmations). New subscribers are pending until confirmed; an existing one
        keeps its state until it follows the new link."""
        with self.store.transaction() as con:
            subscriber_id = self._upsert(con, normal_email(email), lang, fmt, source, now)
            last = con.execute("SELECT confirm_sent_at FROM push_subscribers WHERE id = ?", [subscriber_id]).fetchone()[0]
            if last is not None and now - datetime.fromisoformat(last) < CONFIRM_COOLDOWN:
                return None
            con.execute("UPDATE push_subscribers SET confirm_sent_at = ? WHERE id = ?", [stamp(now), subscriber_id])
        return subscriber_id

    def confirm(self, subscriber_id: str, interests: Interests, lang: str, fmt: str, now: datetime) -> None:
        """The confirmation link was followed: apply what it carried."""
        with self.store.transaction() as con:
            found = con.execute("SELECT state FROM push_subscribers WHERE id = ?", [subscriber_id]).fetchone()
            if found is None:
                raise NotFound("no such subscription")
            con.execute("UPDATE push_subscribers SET state = 'confirmed', lang = ?, format = ?, "
                        "confirmed_at = COALESCE(CASE WHEN state = 'confirmed' THEN confirmed_at END, ?), "
                        "unsubscribed_at = NULL, hard_bounces = 0 WHERE id = ?",
                        [lang, fmt, stamp(now), subscriber_id])
            self._set_interests(con, subscriber_id, interests)

    def import_confirmed(self, email: str, interests: Interests, lang: str, fmt: str, source: str,
                         now: datetime, org_id: str | None = None, relay: bool = False) -> str:
        """Staff import of an address that has consented already (and organisations' contacts)."""
        with self.store.transaction() as con:
            subscriber_id = self._upsert(con, normal_email(email), lang, fmt, source, now, org_id, relay)
        self.confirm(subscriber_id, interests, lang, fmt, now)
        return subscriber_id

    def import_many(self, emails: list[str], interests: Interests, lang: str, source: str, now: datetime) -> int:
        """Staff import of a list of addresses that have consented already, in one transaction
        (addresses known already are left as they are). The number added."""
        rows = [(new_id(), normal_email(e)) for e in emails]
        with self.store.transaction() as con:
            known = {r[0] for r in con.execute("SELECT email FROM push_subscribers")}
            fresh = [(i, e) for i, e in dict((e, (i, e)) for i, e in rows).values() if e not in known]
            con.executemany("INSERT INTO push_subscribers (id, email, lang, format, state, source, created_at, "
                            "confirmed_at) VALUES (?, ?, ?, 'each', 'confirmed', ?, ?, ?)",
                            [(i, e, lang, source, stamp(now), stamp(now)) for i, e in fresh])
            con.executemany("INSERT INTO push_interests (owner_id, kind, value) VALUES (?, ?, ?)",
                            [(i, kind, value) for i, _e in fresh for kind, value in interests.rows()])
        return len(fresh)

    def update(self, subscriber_id: str, interests: Interests, lang: str, fmt: str) -> None:
        if lang not in LANGS or fmt not in FORMATS:
            raise UserError(f"language must be one of {LANGS} and format one of {FORMATS}")
        with self.store.transaction() as con:
            con.execute("UPDATE push_subscribers SET lang = ?, format = ? WHERE id = ?", [lang, fmt, subscriber_id])
            self._set_interests(con, subscriber_id, interests)

    def unsubscribe(self, subscriber_id: str, now: datetime, event_id: str | None = None) -> bool:
        """Stop every message to the address (idempotent). True when it was subscribed."""
        with self.store.transaction() as con:
            changed = con.execute(
                "UPDATE push_subscribers SET state = 'unsubscribed', unsubscribed_at = ?, unsubscribed_event = ? "
                "WHERE id = ? AND state <> 'unsubscribed'", [stamp(now), event_id, subscriber_id]).rowcount
            # Messages not yet handed to the relay are not sent.
            con.execute("UPDATE push_outbox SET state = 'dropped', error = 'unsubscribed' "
                        "WHERE subscriber_id = ? AND state = 'queued'", [subscriber_id])
        return bool(changed)

    # -- organisations -------------------------------------------------------------------------
    def add_org(self, name: str, kind: str, interests: Interests, now: datetime,
                webhook_url: str | None = None, webhook_secret: str | None = None) -> str:
        if kind not in ORG_KINDS:
            raise UserError(f"organisation kind must be one of {', '.join(ORG_KINDS)}")
        if webhook_url and not webhook_url.startswith(("https://", "http://")):
            raise UserError(f"webhook URL {webhook_url!r} must start with https:// (or http://)")
        org_id = new_id()
        with self.store.transaction() as con:
            if con.execute("SELECT 1 FROM push_orgs WHERE name = ?", [name]).fetchone():
                raise UserError(f"an organisation named {name!r} exists already")
            con.execute("INSERT INTO push_orgs (id, name, kind, webhook_url, webhook_secret, webhook_state, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [org_id, name, kind, webhook_url, webhook_secret or (secrets.token_hex(24) if webhook_url else None),
                         "active" if webhook_url else "none", stamp(now)])
            self._set_interests(con, org_id, interests)
        return org_id

    def org(self, name_or_id: str) -> dict:
        with self.store.connect() as con:
            row = con.execute("SELECT id, name, kind, webhook_url, webhook_secret, webhook_state, consecutive_failures, "
                              "disabled_at FROM push_orgs WHERE id = ? OR name = ?", [name_or_id, name_or_id]).fetchone()
            if row is None:
                raise NotFound(f"no organisation {name_or_id!r}")
            keys = ("id", "name", "kind", "webhook_url", "webhook_secret", "webhook_state", "consecutive_failures",
                    "disabled_at")
            org = dict(zip(keys, row, strict=True))
            org["interests"] = self.interests(con, org["id"])
            org["contacts"] = [dict(zip(("email", "relay", "state"), r, strict=True)) for r in con.execute(
                "SELECT email, relay, state FROM push_subscribers WHERE org_id = ? ORDER BY email", [org["id"]])]
            return org

    def orgs(self) -> list[dict]:
        with self.store.connect() as con:
            ids = [r[0] for r in con.execute("SELECT id FROM push_orgs ORDER BY name")]
        return [self.org(i) for i in ids]

    def add_contact(self, org: str, email: str, lang: str, now: datetime, relay: bool = False) -> str:
        found = self.org(org)
        return self.import_confirmed(email, found["interests"], lang, "each", "org", now, org_id=found["id"],
                                     relay=relay)

    def enable_webhook(self, org: str) -> None:
        """Staff turn a disabled webhook back on (after the receiver was fixed)."""
        found = self.org(org)
        with self.store.transaction() as con:
            con.execute("UPDATE push_orgs SET webhook_state = 'active', consecutive_failures = 0, disabled_at = NULL "
                        "WHERE id = ? AND webhook_url IS NOT NULL", [found["id"]])
