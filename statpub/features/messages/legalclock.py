"""The legal clock of an application for government information (政府信息公开条例, 2019), computed
from its events alone, so it can be replayed and tested without a store:

- a reply is due within 20 working days of receipt (第三十三条), counted from the day after it;
- a request to complete the application (补正, 第三十条) stops the clock: the time limit then runs
  again, in full, from the day the completed application is received;
- one extension of at most 20 working days, approved and notified to the applicant (第三十三条);
- the time taken to consult third parties (15 working days for their opinion, 第三十二条) or other
  agencies is not counted (第三十三条): the working days the consultation lasted are added back.

Limits come from the office's rules (`ApplicationRules`); days from the one working-day engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from statpub.features.messages.config import ApplicationRules
from statpub.kernel.workdays import WorkCalendar


@dataclass(frozen=True)
class ClockEvent:
    action: str     # received | correction_requested | corrected | consultation_started |
                    # consultation_ended | extended | replied | withdrawn | closed
    on: date
    days: int = 0   # extended: the working days granted


@dataclass(frozen=True)
class LegalClock:
    start: date | None          # the day the time limit runs from (receipt, or the completed application)
    due: date | None            # None while the clock is stopped
    provisional: bool
    paused: str | None          # "correction" | "consultation" | None
    extended_days: int
    excluded_days: int          # consultation days not counted
    stopped: bool               # replied, withdrawn or closed: no more deadline
    used_days: int | None       # working days counted so far (to the reply, or to `today`)

    def to_dict(self) -> dict:
        return {"start": _iso(self.start), "due": _iso(self.due), "provisional": self.provisional,
                "paused": self.paused, "extended_days": self.extended_days, "excluded_days": self.excluded_days,
                "stopped": self.stopped, "used_days": self.used_days}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def legal_clock(events: list[ClockEvent], rules: ApplicationRules, calendar: WorkCalendar,
                today: date) -> LegalClock:
    start: date | None = None
    paused: str | None = None
    paused_on: date | None = None
    excluded = extended = 0
    stopped_on: date | None = None
    for event in events:
        if event.action == "received":
            start = event.on
        elif event.action == "correction_requested":
            paused, paused_on = "correction", event.on
        elif event.action == "corrected":
            # 答复期限自收到补正的申请之日起计算: the full limit again, from the completed application
            start, paused, paused_on, excluded = event.on, None, None, 0
        elif event.action == "consultation_started":
            paused, paused_on = "consultation", event.on
        elif event.action == "consultation_ended" and paused == "consultation" and paused_on is not None:
            # the working days after the start up to the end are not counted
            excluded += calendar.count(paused_on, event.on)
            paused, paused_on = None, None
        elif event.action == "extended":
            extended += event.days
        elif event.action in ("replied", "withdrawn", "closed"):
            stopped_on = event.on
    if start is None:
        return LegalClock(None, None, False, paused, extended, excluded, stopped_on is not None, None)
    counted_to = stopped_on or today
    if paused and paused_on is not None:
        counted_to = min(counted_to, paused_on)
    used = max(0, calendar.count(start, counted_to) - (0 if paused == "correction" else excluded))
    if stopped_on is not None:
        return LegalClock(start, None, False, None, extended, excluded, True, used)
    if paused:
        return LegalClock(start, None, False, paused, extended, excluded, False, used)
    deadline = calendar.add(start, rules.time_limit + extended + excluded)
    return LegalClock(start, deadline.day, deadline.provisional, None, extended, excluded, False, used)


def correction_deadline(received: date, rules: ApplicationRules, calendar: WorkCalendar) -> date:
    """The last day a request to complete the application may be sent (7 working days)."""
    return calendar.add(received, rules.correction_limit).day


def third_party_deadline(started: date, rules: ApplicationRules, calendar: WorkCalendar) -> date:
    """The day a consulted third party's opinion is due (15 working days)."""
    return calendar.add(started, rules.third_party_limit).day
