"""Login throttling that concurrent attempts cannot race.

An attempt is counted *before* its password is hashed: in one transaction, the subjects' rows are
locked (an UPDATE: a row lock on PostgreSQL, the write lock on SQLite), their recent failures are
counted, and — if the attempt may go ahead — it is recorded as a failure still running. Only then
is the password checked; a success removes its own rows, a failure marks them done at the time it
was known. The delay after the limit runs from the last failure's end, and no attempt goes ahead
while one counted against the same subject is still being checked, so forty concurrent wrong
passwords get exactly as many checks as the limits allow — however long each hash takes on a busy
machine — not as many as arrive before the first failure is written.

Subjects and limits, within FAILURE_WINDOW:
- the account (`account:<name>`): after SLOW_AFTER failures each attempt waits a doubling delay
  after the last one; after LOCK_AFTER the account is locked until the window has passed;
- the client address (`address:<ip>`), more loosely (an office's staff may share one address);
- a known device (`device:<id>`, a browser the account signed in from before): an attempt carrying
  one is counted against the device and the address instead of the account and its lock — so
  others' failures, from any number of addresses, cannot lock the owner out, while guesses through
  a stolen device cookie are throttled like any others.
A new lock raises one alert; a staff reset (`statpub user unlock` / `reset`) lifts it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from statpub.features.staff.accounts import iso
from statpub.store import Store

FAILURE_WINDOW = timedelta(minutes=15)
MAX_DELAY = timedelta(seconds=60)
# An attempt still marked running after this long died with its worker: count it as done.
RUNNING_AT_MOST = timedelta(seconds=60)
LIMITS = {  # kind: (slow after, lock after)
    "account": (3, 10),
    "device": (3, 10),
    "address": (10, 30),
}
SLOW_AFTER, LOCK_AFTER = LIMITS["account"]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds
    attempt: str | None = None  # the id of the recorded attempt, when allowed
    subjects: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewLock:
    subject: str
    failures: int


def subjects_for(name: str, address: str | None, device: str | None) -> list[str]:
    who = f"device:{device}" if device else f"account:{name.strip().lower()}"
    return [who, f"address:{address or 'unknown'}"]


def _kind(subject: str) -> str:
    return subject.split(":", 1)[0]


def _wait(failures: list[tuple[str, int]], now: datetime, slow_after: int, lock_after: int) -> int:
    """Seconds to wait before the next attempt (0: now), from the failures (instant, done), sorted."""
    count = len(failures)
    if count < slow_after:
        return 0
    running = any(not done and datetime.fromisoformat(at) > now - RUNNING_AT_MOST for at, done in failures)
    last = now if running else datetime.fromisoformat(failures[-1][0])
    if count >= lock_after:
        wait = last + FAILURE_WINDOW - now
    else:
        wait = last + min(MAX_DELAY, timedelta(seconds=2 ** (count - slow_after))) - now
    return max(0, int(wait.total_seconds() + 0.999))


class Throttle:
    def __init__(self, store: Store):
        self.store = store

    def _lock_rows(self, con, subjects: list[str], now: datetime) -> None:
        for subject in sorted(subjects):  # one order everywhere: no deadlock between two attempts
            con.execute("INSERT INTO staff_login_subjects (subject, touched_at) VALUES (?, ?) "
                        "ON CONFLICT (subject) DO NOTHING", [subject, iso(now)])
            con.execute("UPDATE staff_login_subjects SET touched_at = ? WHERE subject = ?", [iso(now), subject])

    def _failures(self, con, subject: str, now: datetime) -> list[tuple[str, int]]:
        rows = con.execute("SELECT at, done FROM staff_login_failures WHERE subject = ? AND at > ? ORDER BY at",
                           [subject, iso(now - FAILURE_WINDOW)]).fetchall()
        return [(r["at"], r["done"]) for r in rows]

    def begin(self, subjects: list[str], now: datetime) -> Decision:
        """May an attempt go ahead now? If so it is recorded (as a failure until `succeeded`)."""
        with self.store.transaction() as con:
            self._lock_rows(con, subjects, now)
            wait = max(_wait(self._failures(con, s, now), now, *LIMITS[_kind(s)]) for s in subjects)
            if wait:
                return Decision(False, wait)
            attempt = secrets.token_hex(16)
            con.execute("DELETE FROM staff_login_failures WHERE at <= ?", [iso(now - FAILURE_WINDOW)])
            con.executemany("INSERT INTO staff_login_failures (subject, attempt, at) VALUES (?, ?, ?)",
                            [(s, attempt, iso(now)) for s in subjects])
        return Decision(True, 0, attempt, tuple(subjects))

    def succeeded(self, decision: Decision) -> None:
        """The password was right: forget this attempt, and the failures of the account or device
        it came through (not the address's: others may be guessing from there)."""
        # An attempt through the account itself was allowed, so the account was not locked; one
        # through a known device leaves the account's failures (and lock) as they are.
        with self.store.transaction() as con:
            con.execute("DELETE FROM staff_login_failures WHERE attempt = ?", [decision.attempt])
            con.execute("DELETE FROM staff_login_failures WHERE subject = ?", [decision.subjects[0]])

    def failed(self, decision: Decision, now: datetime) -> list[NewLock]:
        """The password was wrong (known at `now`; its failure is recorded already): the locks this
        failure starts."""
        started = []
        with self.store.transaction() as con:
            self._lock_rows(con, list(decision.subjects), now)
            con.execute("UPDATE staff_login_failures SET at = ?, done = 1 WHERE attempt = ?",
                        [iso(now), decision.attempt])
            for subject in decision.subjects:
                count = len(self._failures(con, subject, now))
                if count < LIMITS[_kind(subject)][1]:
                    continue
                con.execute("DELETE FROM staff_login_locks WHERE subject = ? AND locked_at <= ?",
                            [subject, iso(now - FAILURE_WINDOW)])
                fresh = con.execute("INSERT INTO staff_login_locks (subject, locked_at) VALUES (?, ?) "
                                    "ON CONFLICT (subject) DO NOTHING", [subject, iso(now)]).rowcount
                if fresh:
                    started.append(NewLock(subject, count))
        return started

    def locked(self, subject: str, now: datetime) -> bool:
        with self.store.connect() as con:
            failures = self._failures(con, subject, now)
        return len(failures) >= LIMITS[_kind(subject)][1]

    def unlock(self, name: str) -> bool:
        """A staff reset: the account's failures and lock are forgotten. True if it was locked."""
        subject = f"account:{name.strip().lower()}"
        with self.store.transaction() as con:
            was = con.execute("DELETE FROM staff_login_locks WHERE subject = ?", [subject]).rowcount
            con.execute("DELETE FROM staff_login_failures WHERE subject = ?", [subject])
        return bool(was)
