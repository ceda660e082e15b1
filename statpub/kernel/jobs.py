"""Jobs for the one scheduler: what a feature (or a lower layer) asks to have done at instants.

A `Job` says when it is next due after a given instant (`next_due`), and what to do (`run`). The
scheduler (`statpub.store.scheduler`) sleeps until the earliest due instant of all jobs on the
injectable clock, runs each occurrence once across every process and node (a lease in the
operational store), retries a failed or killed run, and logs JSON lines.

Jobs come from the `scheduled_jobs(settings)` hook. Features implement it in their plugin module
(found by the `statpub.features` entry points); lower layers (the warehouse's retention, the
scheduler's own housekeeping) implement it in a module the CLI registers by name. The hookspec
lives here, in the kernel, so every layer can implement it without importing upwards.

Occurrences are instants on the clock: the same job computes the same instants in every process,
so `(job name, due instant)` names one occurrence everywhere. Helpers below build `next_due` for
the usual shapes: fixed instants (release instants, window openings), a time of day in
Asia/Shanghai, and a fixed period aligned to the epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pluggy

from statpub.kernel.clock import BEIJING

PROJECT = "statpub"
ENTRY_POINTS = "statpub.features"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

NextDue = Callable[[datetime], "datetime | None"]


@dataclass(frozen=True)
class Occurrence:
    """One run of a job: the instant it was due, which attempt this is, and the clock."""

    job: str
    due: datetime
    attempt: int
    now: Callable[[], datetime]


@dataclass(frozen=True)
class Job:
    name: str  # unique, dotted by owner: "push.instant", "warehouse.retention"
    next_due: NextDue  # the earliest due instant strictly after the given one, or None
    run: Callable[[Occurrence], object]
    # An occurrence missed while no scheduler ran (or whose run kept failing) is still run if it
    # fell due at most this long ago; older ones are skipped (and logged).
    catch_up: timedelta = timedelta(hours=6)
    max_attempts: int = 5
    # Seconds a claimed run may go without its owner renewing the claim before another process
    # takes it over (the owner renews while the run is alive, so this bounds recovery after a kill).
    lease_seconds: float = 60.0
    description: str = field(default="", compare=False)

    def due_between(self, start: datetime, end: datetime, limit: int = 1000) -> list[datetime]:
        """Occurrences in (start, end], oldest first (at most `limit`)."""
        found: list[datetime] = []
        cursor = start
        while len(found) < limit:
            due = self.next_due(cursor)
            if due is None or due > end:
                break
            if due <= cursor:  # a broken next_due must not spin the scheduler
                raise ValueError(f"job {self.name}: next_due({cursor.isoformat()}) is not after it")
            found.append(due)
            cursor = due
        return found


class JobHooks:
    @hookspec
    def scheduled_jobs(self, settings):
        """The jobs this feature or layer wants run at instants: a list of `Job`."""


def job_plugins(plugins: Iterable[object] | None = None, builtin: Iterable[object] = ()) -> pluggy.PluginManager:
    """The plugins that may own jobs: `plugins` when given, else every installed feature (entry
    points), plus `builtin` modules of lower layers."""
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(JobHooks)
    if plugins is None:
        manager.load_setuptools_entrypoints(ENTRY_POINTS)
    else:
        for plugin in plugins:
            manager.register(plugin)
    for module in builtin:
        if not manager.is_registered(module):
            manager.register(module)
    return manager


def collect_jobs(manager: pluggy.PluginManager, settings) -> list[Job]:
    jobs = [job for found in manager.hook.scheduled_jobs(settings=settings) for job in (found or [])]
    names = [job.name for job in jobs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"jobs registered twice: {', '.join(twice)}")
    return sorted(jobs, key=lambda job: job.name)


# -- when: helpers for next_due ------------------------------------------------------------------
def at_instants(instants: Callable[[], Iterable[datetime]]) -> NextDue:
    """Due at each of the instants `instants()` gives when asked (e.g. the calendar's release
    instants, read afresh so a reschedule or a new load is followed)."""

    def next_due(after: datetime) -> datetime | None:
        return min((t for t in instants() if t > after), default=None)

    return next_due


def daily_at(clock_time: str | time, tz: ZoneInfo = BEIJING) -> NextDue:
    """Due every day at a time of day (Asia/Shanghai unless told), e.g. "03:30"."""
    when = clock_time if isinstance(clock_time, time) else time.fromisoformat(clock_time)

    def next_due(after: datetime) -> datetime:
        local = after.astimezone(tz)
        candidate = datetime.combine(local.date(), when, tz)
        if candidate <= local:
            candidate = datetime.combine(local.date() + timedelta(days=1), when, tz)
        return candidate.astimezone(UTC)

    return next_due


def every(period: timedelta) -> NextDue:
    """Due every `period`, at multiples of it since the epoch (so every node computes the same
    occurrences)."""
    step = period.total_seconds()
    if step <= 0:
        raise ValueError("the period must be positive")

    def next_due(after: datetime) -> datetime:
        elapsed = (after - EPOCH).total_seconds()
        return EPOCH + timedelta(seconds=(int(elapsed // step) + 1) * step)

    return next_due
