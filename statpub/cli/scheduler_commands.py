"""`statpub scheduler`: the one scheduler as a service beside the site (or inside `statpub serve
--scheduler`). Jobs come from the installed features' `scheduled_jobs` hook and from the lower
layers' modules named in `BUILTIN_JOB_MODULES`."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import threading

from statpub.cli.registry import command, console, settings_of
from statpub.kernel.clock import clock_from_env

# Modules of the layers below the features that implement `scheduled_jobs` (statpub.kernel.jobs):
# the scheduler's own housekeeping; the warehouse's retention and verification join here.
BUILTIN_JOB_MODULES = ("statpub.store.scheduler",)
ENV_PARENT = "STATPUB_SCHEDULER_PARENT"


def load_jobs(settings, plugins=None):
    from statpub.kernel.jobs import collect_jobs, job_plugins

    builtin = [importlib.import_module(name) for name in BUILTIN_JOB_MODULES]
    return collect_jobs(job_plugins(plugins, builtin), settings)


def build_scheduler(settings, clock=None, plugins=None, **options):
    from statpub.store import open_store
    from statpub.store.scheduler import Scheduler

    return Scheduler(open_store(settings), clock or clock_from_env(), load_jobs(settings, plugins), **options)


@command("scheduler", "Run the jobs features register (push, charts, cache warming, retention) at their instants.")
def scheduler_cmd(args: argparse.Namespace) -> int:
    from statpub.kernel import logs

    logs.configure()
    scheduler = build_scheduler(settings_of(args), max_sleep=args.max_sleep)
    if args.list:
        rows = scheduler.status()
        scheduler.close()
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            for row in rows:
                last = row["last"] or {}
                console().print(f"{row['job']}: next {row['next_due'] or '—'}; last {last.get('due', '—')} "
                                f"{last.get('state', '')} — {row['description']}")
        return 0
    if args.once:
        ran = scheduler.run_once()
        scheduler.close()
        print(json.dumps({"ran": ran}))
        return 0
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    parent = os.environ.get(ENV_PARENT)
    scheduler.run_forever(stop, parent_pid=int(parent) if parent else None)
    return 0


def _scheduler_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--once", action="store_true", help="run what is due now, wait for it, and exit")
    p.add_argument("--list", action="store_true", help="list the jobs with their next due instant and last run")
    p.add_argument("--json", action="store_true", help="with --list: JSON")
    p.add_argument("--max-sleep", type=float, default=float(os.environ.get("STATPUB_SCHEDULER_POLL", "5")),
                   help="seconds between looks at the calendar while nothing is due (default 5)")


scheduler_cmd.configure = _scheduler_args
