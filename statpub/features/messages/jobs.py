"""The board's jobs with the one scheduler (`statpub.kernel.jobs`), registered through the
feature's `scheduled_jobs` hook:

- `messages.summary`, daily at the office's `schedule.summary_at` (08:30 Beijing by default): due
  dates made provisional by an unannounced year are recomputed, then the day's summary for staff
  — messages by state, awaiting review, overdue and due soon; applications by state, overdue and
  due soon — is kept in the store (one per day: a retried run replaces it), shown on
  `/staff/messages` and logged as a JSON line. Codes, numbers, dates and counts only: never a
  citizen's text, contact or personal data.
- `messages.retention`, daily at `schedule.retention_at` (03:50): contact data of messages and
  personal data of applications finished more than `retention_days` ago are deleted (the records,
  their logs and the statistics stay), and rate-limit entries past their window are forgotten.

Times of day are read from `messages.yaml` at each look, so a change needs no restart.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta

from statpub.features.messages.config import board_rules
from statpub.features.messages.queries import summary
from statpub.features.messages.records import beijing_day, iso
from statpub.features.messages.service import Office
from statpub.kernel.config import Settings
from statpub.kernel.jobs import Job, NextDue, Occurrence, daily_at
from statpub.store import Store
from statpub.warehouse.gate import Reader

SUMMARY_JOB = "messages.summary"
RETENTION_JOB = "messages.retention"
# The summary is made as a reviewer sees the lists: without contact data.
SUMMARY_READER = Reader("statpub-scheduler", "reviewer")
log = logging.getLogger("statpub.messages")


def make_summary(office: Office, today: date, now: datetime) -> dict:
    """The day's summary (also `statpub messages summary`)."""
    office.lists.refresh_due_dates(now)
    office.applications.refresh_due_dates(today)
    body = summary(office.lists, SUMMARY_READER, today)
    body["working_day"] = office.calendar.is_workday(today)
    body["applications"] = office.applications.overview(today, office.lists.soon_limit(today))
    return body


def keep_summary(store: Store, day: date, now: datetime, body: dict) -> None:
    with store.transaction() as con:
        con.execute("INSERT INTO messages_summaries (day, made_at, body) VALUES (?, ?, ?) "
                    "ON CONFLICT (day) DO UPDATE SET made_at = excluded.made_at, body = excluded.body",
                    [day.isoformat(), iso(now), json.dumps(body, ensure_ascii=False)])


def latest_summary(store: Store) -> dict | None:
    """The newest summary kept (with `made_at`), or None before the first run."""
    with store.connect() as con:
        row = con.execute("SELECT day, made_at, body FROM messages_summaries ORDER BY day DESC LIMIT 1").fetchone()
    return None if row is None else {**json.loads(row["body"]), "made_at": row["made_at"]}


def run_summary(settings: Settings, occurrence: Occurrence) -> dict:
    office, now = Office(settings), occurrence.now()
    today = beijing_day(occurrence.due)
    body = make_summary(office, today, now)
    keep_summary(office.store, today, now, body)
    apps = body["applications"]
    log.info(json.dumps({"event": "messages_summary", "day": today.isoformat(), "by_status": body["by_status"],
                         "awaiting_review": body["awaiting_review"], "overdue": len(body["overdue"]),
                         "due_soon": len(body["due_soon"]), "applications_overdue": len(apps["overdue"]),
                         "applications_due_soon": len(apps["due_soon"])}))
    return body


def run_retention(settings: Settings, occurrence: Occurrence) -> dict:
    office, now = Office(settings), occurrence.now()
    days = office.rules.retention_days
    done = {"messages": office.lists.purge_contacts(now, days),
            "applications": office.applications.purge_personal_data(now, days),
            "submissions": office.board.prune_submissions(now)}
    log.info(json.dumps({"event": "messages_retention", "retention_days": days, **done}))
    return done


def _daily(settings: Settings, field: str) -> NextDue:
    """Daily at the time of day `messages.yaml` names now (read at each look)."""
    def next_due(after: datetime) -> datetime:
        return daily_at(getattr(board_rules(settings.root).schedule, field))(after)

    return next_due


def message_jobs(settings: Settings) -> list[Job]:
    return [
        Job(SUMMARY_JOB, _daily(settings, "summary_at"), lambda o: run_summary(settings, o),
            catch_up=timedelta(hours=12),
            description="daily: provisional due dates recomputed; the summary for staff (overdue, due soon)"),
        Job(RETENTION_JOB, _daily(settings, "retention_at"), lambda o: run_retention(settings, o),
            catch_up=timedelta(days=1),
            description="daily: contact and personal data past the retention period deleted"),
    ]
