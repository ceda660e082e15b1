"""The one scheduler: runs the jobs features register (`statpub.kernel.jobs`) at their instants.

It sleeps until the earliest instant any job is due (on the injectable clock, so `STATPUB_NOW`
lets tests cross instants in seconds), at most `max_sleep` seconds at a time so that a calendar
change (a reschedule, a late approval, a new load) is seen soon. Each occurrence (job, due instant)
is run once across every process and node: a process takes it with a conditional UPDATE on its row
in the operational store (a lease) and runs it only if that UPDATE changed the row. The owner
renews the lease while the run lives; a run killed with its process loses its lease and another
process (or the restarted one) takes it over as the next attempt. A run that raises is retried
with back-off, up to the job's `max_attempts`. Leases use the wall clock (they are about processes
being alive), due instants the statpub clock (they are about the calendar).

Runs go to a small thread pool, so a long job (an outbox of 100,000 messages) does not hold back
another due at the same instant (chart drawing). Every start, end, failure and take-over is
logged as a JSON line (`statpub.scheduler`).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from statpub.kernel.clock import Clock
from statpub.kernel.jobs import Job, Occurrence, daily_at, hookimpl
from statpub.store.base import Store, open_store

MIGRATIONS = Path(__file__).parent / "migrations" / "scheduler"
KEEP_RUNS = timedelta(days=14)
CLAIMABLE = ("(state = 'new' OR (state = 'running' AND lease_until < ?) "
             "OR (state = 'retry' AND next_attempt_at <= ?))")
log = logging.getLogger("statpub.scheduler")


def instant_key(instant: datetime) -> str:
    """One spelling per instant, so every process names an occurrence alike."""
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def backoff_seconds(attempt: int) -> float:
    return float(min(30 * 2 ** (attempt - 1), 3600))


def _event(event: str, **fields: object) -> None:
    level = logging.ERROR if event in ("job_failed", "job_gave_up") else logging.INFO
    log.log(level, json.dumps({"event": event, **fields}, ensure_ascii=False, default=str))


class Scheduler:
    def __init__(self, store: Store, clock: Clock, jobs: list[Job], *, max_sleep: float = 5.0,
                 threads: int = 4, owner: str | None = None):
        store.migrate("scheduler", MIGRATIONS)
        self.store, self.clock, self.max_sleep = store, clock, max_sleep
        self.jobs = {job.name: job for job in jobs}
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="statpub-job")
        self._running: dict[tuple[str, str], Future] = {}
        self._settled: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    # -- what is due ------------------------------------------------------------------------------
    def due_now(self) -> list[tuple[Job, datetime]]:
        """Occurrences due by now that this process has not seen settled: the jobs' own instants
        within their catch-up, and stored runs waiting for a retry or whose owner died."""
        now = self.clock.now()
        found: dict[tuple[str, str], tuple[Job, datetime]] = {}
        for job in self.jobs.values():
            for due in job.due_between(now - job.catch_up, now):
                key = (job.name, instant_key(due))
                if key not in self._settled:
                    found[key] = (job, due)
        wall = time.time()
        with self.store.connect() as con:
            rows = con.execute(f"SELECT job, due_at FROM scheduler_runs WHERE state IN ('running', 'retry') "  # noqa: S608 - fixed
                               f"AND {CLAIMABLE}", [wall, wall]).fetchall()
        for job_name, due_at in rows:
            if job_name in self.jobs:
                found.setdefault((job_name, due_at), (self.jobs[job_name], datetime.fromisoformat(due_at)))
        return sorted(found.values(), key=lambda pair: (pair[1], pair[0].name))

    def seconds_until_next(self) -> float:
        now = self.clock.now()
        upcoming = [d for d in (job.next_due(now) for job in self.jobs.values()) if d is not None]
        if not upcoming:
            return self.max_sleep
        return max(0.0, min(self.max_sleep, (min(upcoming) - now).total_seconds()))

    # -- claiming and running ---------------------------------------------------------------------
    def claim(self, job: Job, due: datetime) -> int | None:
        """Take the occurrence if nobody holds it: the attempt number, or None."""
        key, wall = instant_key(due), time.time()
        with self.store.transaction() as con:
            con.execute("INSERT INTO scheduler_runs (job, due_at, state, attempts) VALUES (?, ?, 'new', 0) "
                        "ON CONFLICT (job, due_at) DO NOTHING", [job.name, key])
            taken = con.execute(
                "UPDATE scheduler_runs SET state = 'running', owner = ?, attempts = attempts + 1, "  # noqa: S608 - fixed
                f"lease_until = ?, started_at = ?, error = NULL WHERE job = ? AND due_at = ? AND attempts < ? AND {CLAIMABLE}",
                [self.owner, wall + job.lease_seconds, instant_key(self.clock.now()), job.name, key,
                 job.max_attempts, wall, wall]).rowcount
            row = con.execute("SELECT state, attempts FROM scheduler_runs WHERE job = ? AND due_at = ?",
                              [job.name, key]).fetchone()
            if taken == 1:
                return int(row[1])
            state, attempts = row[0], int(row[1])
            if state in ("done", "failed", "skipped"):
                self._settled.add((job.name, key))
            elif attempts >= job.max_attempts and con.execute(
                    f"UPDATE scheduler_runs SET state = 'failed', finished_at = ?, error = COALESCE(error, ?) "  # noqa: S608 - fixed
                    f"WHERE job = ? AND due_at = ? AND {CLAIMABLE}",
                    [instant_key(self.clock.now()), "the run was lost (process killed?)", job.name, key,
                     wall, wall]).rowcount:
                self._settled.add((job.name, key))
                _event("job_gave_up", job=job.name, due=key, attempts=attempts)
        return None

    def _execute(self, job: Job, due: datetime, attempt: int) -> None:
        key = instant_key(due)
        started = time.monotonic()
        _event("job_started", job=job.name, due=key, attempt=attempt, owner=self.owner)
        state, error, retry_at = "done", None, None
        try:
            job.run(Occurrence(job.name, due, attempt, self.clock.now))
        except Exception as exc:  # a job's failure is recorded and retried, never kills the scheduler
            error = f"{type(exc).__name__}: {exc}"
            if attempt < job.max_attempts:
                state, retry_at = "retry", time.time() + backoff_seconds(attempt)
            else:
                state = "failed"
            log.debug("job %s failed", job.name, exc_info=True)
        seconds = round(time.monotonic() - started, 3)
        with self.store.transaction() as con:
            kept = con.execute(
                "UPDATE scheduler_runs SET state = ?, finished_at = ?, error = ?, next_attempt_at = ?, "
                "lease_until = NULL WHERE job = ? AND due_at = ? AND owner = ? AND state = 'running'",
                [state, instant_key(self.clock.now()), error, retry_at, job.name, key, self.owner]).rowcount
        if not kept:
            _event("job_lease_lost", job=job.name, due=key, attempt=attempt, seconds=seconds)
        elif state == "done":
            self._settled.add((job.name, key))
            _event("job_done", job=job.name, due=key, attempt=attempt, seconds=seconds)
        else:
            if state == "failed":
                self._settled.add((job.name, key))
            _event("job_failed" if state == "failed" else "job_retry", job=job.name, due=key,
                   attempt=attempt, seconds=seconds, error=error,
                   retry_in=round(retry_at - time.time(), 1) if retry_at else None)

    def renew_leases(self) -> None:
        """Keep the claims of runs still alive in this process."""
        with self._lock:
            alive = [(name, key) for (name, key), future in self._running.items() if not future.done()]
            self._running = {k: f for k, f in self._running.items() if not f.done()}
        if not alive:
            return
        with self.store.transaction() as con:
            for name, key in alive:
                con.execute("UPDATE scheduler_runs SET lease_until = ? WHERE job = ? AND due_at = ? AND owner = ? "
                            "AND state = 'running'", [time.time() + self.jobs[name].lease_seconds, name, key, self.owner])

    def tick(self) -> list[Future]:
        """Start every occurrence that is due and free; returns the runs started."""
        self.renew_leases()
        started = []
        for job, due in self.due_now():
            key = (job.name, instant_key(due))
            with self._lock:
                if key in self._running and not self._running[key].done():
                    continue
            attempt = self.claim(job, due)
            if attempt is None:
                continue
            future = self._pool.submit(self._execute, job, due, attempt)
            with self._lock:
                self._running[key] = future
            started.append(future)
        return started

    def run_once(self) -> int:
        """Run what is due now and wait for it (also waits for retries due within this call)."""
        count = 0
        while True:
            futures = self.tick()
            if not futures:
                return count
            for future in futures:
                future.result()
            count += len(futures)

    def run_forever(self, stop: threading.Event, parent_pid: int | None = None) -> None:
        _event("scheduler_started", owner=self.owner, jobs=sorted(self.jobs), now=self.clock.now().isoformat())
        while not stop.is_set():
            try:
                self.tick()
            except Exception:  # the store unreachable for a moment: log, keep going
                log.exception(json.dumps({"event": "scheduler_error"}))
            if parent_pid is not None and os.getppid() != parent_pid:
                break  # started by `statpub serve --scheduler`, whose process is gone
            stop.wait(max(0.05, self.seconds_until_next()))
        self.close()
        _event("scheduler_stopped", owner=self.owner)

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def status(self) -> list[dict]:
        now = self.clock.now()
        rows = []
        with self.store.connect() as con:
            for job in self.jobs.values():
                last = con.execute("SELECT due_at, state, attempts, finished_at, error FROM scheduler_runs "
                                   "WHERE job = ? ORDER BY due_at DESC LIMIT 1", [job.name]).fetchone()
                nxt = job.next_due(now)
                rows.append({"job": job.name, "description": job.description,
                             "next_due": nxt.isoformat() if nxt else None,
                             "last": dict(zip(("due", "state", "attempts", "finished_at", "error"), last, strict=True))
                             if last else None})
        return rows


def prune_runs(store: Store, before: datetime) -> int:
    """Forget settled runs that fell due before `before`."""
    with store.transaction() as con:
        return con.execute("DELETE FROM scheduler_runs WHERE due_at < ? AND state IN ('done', 'failed', 'skipped')",
                           [instant_key(before)]).rowcount


@hookimpl
def scheduled_jobs(settings):
    """The scheduler's own housekeeping."""
    store = open_store(settings)

    def prune(occurrence: Occurrence) -> None:
        store.migrate("scheduler", MIGRATIONS)
        removed = prune_runs(store, occurrence.due - KEEP_RUNS)
        _event("runs_pruned", removed=removed)

    return [Job("scheduler.prune", daily_at("04:10"), prune, catch_up=timedelta(days=1),
                description="forget settled scheduler runs older than 14 days")]
