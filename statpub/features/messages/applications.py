"""Applications for government information (依申请公开): intake (online, or entered by staff for
post and in-person applications), a number and an acknowledgement, every transition with who,
when and why, the legal clock (`legalclock`), and the yearly report's tables.

Personal data (name, ID type and number, contact, address) is read only by the handling role and
never written to events, logs, lists for other roles, exports or reports; it is deleted after the
retention period while the record, its events and the statistics stay.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from statpub.features.messages.board import (
    HANDLERS,
    REVIEWERS,
    STAFF,
    Forbidden,
    normalise_text,
    require,
)
from statpub.features.messages.config import ApplicationRules
from statpub.features.messages.legalclock import ClockEvent, LegalClock, legal_clock
from statpub.features.messages.outcomes import (
    APPLICANT_TYPES,
    CHANNELS,
    DELIVERY,
    FORMS,
    OPEN_STATES,
    OUTCOMES,
    REVIEW_RESULTS,
)
from statpub.features.messages.records import beijing_day, iso, next_seq
from statpub.kernel.errors import NotFound, UserError
from statpub.kernel.workdays import WorkCalendar
from statpub.store import Store
from statpub.warehouse.gate import Reader

SYSTEM = "system"  # the actor of automatic steps (retention)
PERSONAL = ("applicant_name", "id_type", "id_number", "contact", "address")
FIELDS = ("number", "channel", "applicant_type", *PERSONAL, "personal_deleted_at", "description", "preferred_form",
          "preferred_channel", "received_at", "received_on", "year", "state", "outcome", "ground", "replied_on",
          "reconsideration", "litigation")
# action: (states it may start from, state it leads to (None: unchanged), roles allowed)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None, frozenset[str]]] = {
    "correction_requested": (("received",), "awaiting_correction", HANDLERS),
    "corrected": (("awaiting_correction",), "received", HANDLERS),
    "not_corrected": (("awaiting_correction",), "closed", HANDLERS),
    "consultation_started": (("received",), "consulting", HANDLERS),
    "consultation_ended": (("consulting",), "received", HANDLERS),
    "extended": (("received", "consulting"), None, REVIEWERS),
    "replied": (("received",), "replied", HANDLERS),
    "withdrawn": (OPEN_STATES, "withdrawn", HANDLERS),
    "review_recorded": (("replied", "closed"), None, HANDLERS),
}


@dataclass
class Application:
    number: str
    channel: str
    applicant_type: str
    applicant_name: str | None
    id_type: str | None
    id_number: str | None
    contact: str | None
    address: str | None
    personal_deleted_at: str | None
    description: str
    preferred_form: str
    preferred_channel: str
    received_at: str
    received_on: str
    year: int
    state: str
    outcome: str | None
    ground: str | None
    replied_on: str | None
    reconsideration: str | None
    litigation: str | None
    events: list[dict] = field(default_factory=list)
    clock: LegalClock | None = None

    def without_personal_data(self) -> Application:
        for name in PERSONAL:
            setattr(self, name, None)
        return self

    def to_dict(self, *, personal: bool = False) -> dict:
        body = {k: v for k, v in self.__dict__.items() if k not in ("events", "clock")}
        if not personal:
            for name in PERSONAL:
                body.pop(name, None)
        body["clock"] = self.clock.to_dict() if self.clock else None
        body["events"] = self.events
        return body


def _choice(value: str, table: dict, what: str) -> str:
    if value not in table:
        raise UserError(f"{what}: one of {', '.join(table)}")
    return value


class Applications:
    def __init__(self, store: Store, rules: ApplicationRules, calendar: WorkCalendar):
        self.store = store
        self.rules = rules
        self.calendar = calendar

    def intake(self, now: datetime, *, channel: str, applicant_type: str, applicant_name: str, id_type: str,
               id_number: str, contact: str, address: str, description: str, preferred_form: str,
               preferred_channel: str, received_on: date | None = None, reader: Reader | None = None) -> Application:
        """Register an application (online: by the applicant; post, in person: by staff, with the
        day it arrived). Returns it with its number and legal clock (the acknowledgement)."""
        if channel != "online":
            require(reader or Reader(), HANDLERS)
        values = {"applicant_name": normalise_text(applicant_name)[:100], "id_type": normalise_text(id_type)[:40],
                  "id_number": normalise_text(id_number)[:40], "contact": normalise_text(contact)[:100],
                  "address": normalise_text(address)[:300]}
        description = normalise_text(description)[:5000]
        if not values["applicant_name"] or not values["contact"]:
            raise UserError("applicant: name and contact are required · 申请人姓名（名称）和联系方式必填")
        if len(description) < 5:
            raise UserError("description: describe the information asked for · 请描述所需信息的名称、文号或特征")
        _choice(channel, CHANNELS, "channel")
        _choice(applicant_type, APPLICANT_TYPES, "applicant_type")
        _choice(preferred_form, FORMS, "preferred_form")
        _choice(preferred_channel, DELIVERY, "preferred_channel")
        day = received_on or beijing_day(now)
        if day > beijing_day(now) or day < beijing_day(now) - timedelta(days=60):
            raise UserError("received_on: the day the application arrived (not in the future, at most 60 days ago)")
        actor = reader if reader is not None and reader.name else Reader()
        with self.store.transaction() as con:
            row = con.execute("SELECT count(*) AS n FROM applications WHERE year = ?", [day.year]).fetchone()
            number = f"{day.year}-{int(row['n']) + 1:05d}"
            con.execute(
                "INSERT INTO applications (number, channel, applicant_type, applicant_name, id_type, id_number, contact, "
                "address, description, preferred_form, preferred_channel, received_at, received_on, year, state) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received')",
                [number, channel, applicant_type, *values.values(), description, preferred_form, preferred_channel,
                 iso(now), day.isoformat(), day.year])
            self._event(con, number, now, day, actor, "received", None, "received",
                        f"{CHANNELS[channel][1]} application", None)
        return self._refresh_due(number, beijing_day(now))

    def _event(self, con, number: str, now: datetime, day: date, reader: Reader, action: str, before: str | None,
               after: str, reason: str, data: dict | None) -> None:
        seq = next_seq(con, "application_events", "number", number)
        con.execute("INSERT INTO application_events (number, seq, at, on_day, actor, role, action, from_state, "
                    "to_state, reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [number, seq, iso(now), day.isoformat(), reader.name or "applicant",
                     "system" if reader.name == SYSTEM else reader.role, action, before,
                     after, reason, json.dumps(data, ensure_ascii=False) if data else None])

    def get(self, number: str, reader: Reader, today: date) -> Application:
        """For staff: personal data only for the handling role."""
        require(reader, STAFF)
        application = self._load(number, today)
        return application if reader.role in HANDLERS else application.without_personal_data()

    def _load(self, number: str, today: date) -> Application:
        with self.store.connect() as con:
            row = con.execute(f"SELECT {', '.join(FIELDS)} FROM applications WHERE number = ?",  # noqa: S608 - fixed names
                              [number]).fetchone()
            if row is None:
                raise NotFound(f"no application {number}")
            events = [dict(r) for r in con.execute(
                "SELECT seq, at, on_day, actor, role, action, from_state, to_state, reason, data "
                "FROM application_events WHERE number = ? ORDER BY seq", [number]).fetchall()]
        application = Application(**{name: row[name] for name in FIELDS}, events=events)
        application.clock = legal_clock(_clock_events(events), self.rules, self.calendar, today)
        return application

    def _refresh_due(self, number: str, today: date) -> Application:
        application = self._load(number, today)
        clock = application.clock
        with self.store.connect() as con:
            con.execute("UPDATE applications SET due_on = ?, due_provisional = ? WHERE number = ?",
                        [clock.due.isoformat() if clock.due else None, int(clock.provisional), number])
        return application

    def act(self, number: str, action: str, reader: Reader, now: datetime, *, reason: str,
            on: date | None = None, **data) -> Application:
        """One transition, with who (the reader), when (`now`, and the day it took effect) and why."""
        if action not in TRANSITIONS:
            raise UserError(f"action: one of {', '.join(TRANSITIONS)}")
        starts, leads_to, roles = TRANSITIONS[action]
        require(reader, roles)
        reason = normalise_text(reason)[:1000]
        if not reason:
            raise UserError("reason: every step says why · 请说明理由")
        day = on or beijing_day(now)
        if day > beijing_day(now):
            raise UserError("on: a step cannot take effect in the future")
        with self.store.transaction() as con:
            row = con.execute("SELECT state, received_on FROM applications WHERE number = ?", [number]).fetchone()
            if row is None:
                raise NotFound(f"no application {number}")
            if row["state"] not in starts:
                raise UserError(f"{action}: not possible while the application is {row['state']}")
            if day < date.fromisoformat(row["received_on"]):
                raise UserError("on: before the application was received")
            sets, recorded = self._check(con, number, action, data)
            after = leads_to or row["state"]
            sets["state"] = after
            assignments = ", ".join(f"{name} = ?" for name in sets)  # our names; values bound
            con.execute(f"UPDATE applications SET {assignments} WHERE number = ?",  # noqa: S608 - fixed names
                        [*sets.values(), number])
            if action == "replied":
                con.execute("UPDATE applications SET replied_on = ? WHERE number = ?", [day.isoformat(), number])
            self._event(con, number, now, day, reader, action, row["state"], after, reason, recorded)
        return self._refresh_due(number, beijing_day(now))

    def _check(self, con, number: str, action: str, data: dict) -> tuple[dict, dict | None]:
        """What an action changes and records, after checking its data."""
        if action == "extended":
            days = data.get("days")
            if not isinstance(days, int) or not 1 <= days <= self.rules.extension_max:
                raise UserError(f"days: an extension is 1–{self.rules.extension_max} working days")
            if con.execute("SELECT 1 FROM application_events WHERE number = ? AND action = 'extended'",
                           [number]).fetchone():
                raise UserError("extended: the time limit may be extended once only")
            notified = data.get("notified_on")
            if not isinstance(notified, date):
                raise UserError("notified_on: the day the applicant was told of the extension")
            return {}, {"days": days, "notified_on": notified.isoformat()}
        if action == "replied":
            outcome, ground = data.get("outcome"), data.get("ground") or None
            if outcome not in OUTCOMES:
                raise UserError(f"outcome: one of {', '.join(OUTCOMES)}")
            grounds = OUTCOMES[outcome][2]
            if grounds and ground not in grounds:
                raise UserError(f"ground: one of {', '.join(grounds)}")
            if not grounds and ground:
                raise UserError(f"ground: {outcome} takes none")
            return {"outcome": outcome, "ground": ground}, {"outcome": outcome, "ground": ground}
        if action == "not_corrected":
            return {"outcome": "other", "ground": "not_corrected"}, {"outcome": "other", "ground": "not_corrected"}
        if action == "consultation_started":
            party = data.get("party", "third_party")
            if party not in ("third_party", "agency"):
                raise UserError("party: third_party or agency")
            return {}, {"party": party}
        if action == "review_recorded":
            kind, result = data.get("kind"), data.get("result")
            if kind not in ("reconsideration", "litigation") or result not in REVIEW_RESULTS:
                raise UserError(f"review: kind reconsideration|litigation, result one of {', '.join(REVIEW_RESULTS)}")
            return {kind: result}, {"kind": kind, "result": result}
        return {}, None

    def listing(self, reader: Reader, today: date, *, overdue: bool = False, state: str | None = None,
                limit: int = 200) -> list[Application]:
        """Applications for staff (personal data only for the handling role), oldest due first."""
        require(reader, STAFF)
        where, params = ["1 = 1"], []
        if state:
            where.append("state = ?")
            params.append(state)
        if overdue:
            where.append(f"state IN ({', '.join('?' for _ in OPEN_STATES)}) AND due_on IS NOT NULL AND due_on < ?")
            params.extend([*OPEN_STATES, today.isoformat()])
        with self.store.connect() as con:
            numbers = [r["number"] for r in con.execute(
                f"SELECT number FROM applications WHERE {' AND '.join(where)} "  # noqa: S608 - fixed fragments
                "ORDER BY coalesce(due_on, '9999'), number LIMIT ?", [*params, min(limit, 1000)]).fetchall()]
        return [self.get(n, reader, today) for n in numbers]

    def overview(self, today: date, soon: date) -> dict:
        """For the daily summary: counts by state, the numbers overdue and due by `soon` (numbers,
        dates and states only: no personal data, no description)."""
        marks = ", ".join("?" for _ in OPEN_STATES)
        with self.store.connect() as con:
            by_state = {r["state"]: int(r["n"]) for r in con.execute(
                "SELECT state, count(*) AS n FROM applications GROUP BY state").fetchall()}
            rows = con.execute(
                f"SELECT number, state, due_on, due_provisional FROM applications WHERE state IN ({marks}) "  # noqa: S608
                "AND due_on IS NOT NULL AND due_on <= ? ORDER BY due_on, number",
                [*OPEN_STATES, soon.isoformat()]).fetchall()
        listed = [{"number": r["number"], "state": r["state"], "due": r["due_on"],
                   "due_provisional": bool(r["due_provisional"])} for r in rows]
        return {"by_state": by_state, "overdue": [a for a in listed if a["due"] < today.isoformat()],
                "due_soon": [a for a in listed if a["due"] >= today.isoformat()]}

    def refresh_due_dates(self, today: date) -> int:
        """Recompute provisional legal due dates (their year's holidays may have been entered)."""
        with self.store.connect() as con:
            numbers = [r["number"] for r in con.execute(
                "SELECT number FROM applications WHERE due_provisional = 1").fetchall()]
        for number in numbers:
            self._refresh_due(number, today)
        return len(numbers)

    def purge_personal_data(self, now: datetime, retention_days: int) -> int:
        """Delete the personal data of applications finished longer ago than the retention period."""
        cutoff = (beijing_day(now) - timedelta(days=retention_days)).isoformat()
        system = Reader(SYSTEM)
        with self.store.transaction() as con:
            rows = con.execute(
                "SELECT a.number, a.state FROM applications a WHERE a.personal_deleted_at IS NULL AND a.state IN "
                "('replied', 'withdrawn', 'closed') AND (SELECT max(on_day) FROM application_events e "
                "WHERE e.number = a.number) < ?", [cutoff]).fetchall()
            for row in rows:
                con.execute("UPDATE applications SET applicant_name = NULL, id_type = NULL, id_number = NULL, "
                            "contact = NULL, address = NULL, personal_deleted_at = ? WHERE number = ?",
                            [iso(now), row["number"]])
                self._event(con, row["number"], now, beijing_day(now), system, "personal_data_deleted",
                            row["state"], row["state"], f"retention {retention_days} days", None)
        return len(rows)


def _clock_events(events: list[dict]) -> list[ClockEvent]:
    out = []
    for e in events:
        data = json.loads(e["data"]) if e.get("data") else {}
        out.append(ClockEvent(e["action"], date.fromisoformat(e["on_day"]), int(data.get("days", 0))))
    return out


__all__ = ["Application", "Applications", "Forbidden", "TRANSITIONS"]
