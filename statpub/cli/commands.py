"""The office's commands: load, calendar, status, serve."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime

from rich.console import Console
from rich.table import Table

from statpub.cli.registry import command, console, settings_of
from statpub.kernel.clock import ENV_ANCHOR, ENV_NOW, clock_from_env, format_beijing
from statpub.kernel.errors import UserError


@command("load", "Validate release source tables and load them into a new warehouse snapshot.")
def load_cmd(args: argparse.Namespace) -> int:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from statpub.etl.load import load

    settings = settings_of(args)
    clock = clock_from_env()
    out = console()
    if args.quiet:
        result = load(settings, args.release_ids or None, clock=clock)
    else:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("loading", total=None)

            def report(message: str, done: int, total: int) -> None:
                progress.update(task, description=message, completed=done, total=total or None)

            result = load(settings, args.release_ids or None, clock=clock, progress=report)
    _upload_snapshot_if_configured(settings, quiet=args.quiet or args.json)
    if args.json:
        print(json.dumps(result.__dict__, ensure_ascii=False))
    elif not args.quiet:
        out.print(f"snapshot {result.snapshot}: loaded {len(result.loaded)} release(s), "
                      f"{result.rows} observations; {len(result.skipped)} unchanged; "
                      f"{len(result.awaiting)} awaiting data ({result.seconds:.1f} s)")
    return 0


def _upload_snapshot_if_configured(settings, *, quiet: bool) -> None:
    """With an object store (STATPUB_OBJECT_STORE_URL), the new snapshot goes there for the nodes."""
    from statpub.warehouse.objectstore import ObjectStore, upload_snapshot

    store = ObjectStore.from_env()
    if store is not None:
        pointer = upload_snapshot(store, settings.warehouse_dir)
        if pointer and not quiet:
            console(stderr=True).print(f"snapshot {pointer['name']} uploaded to the object store")


def _load_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("release_ids", nargs="*", metavar="RELEASE_ID", help="releases to load (all when none)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success (for scripts)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


load_cmd.configure = _load_args


@command("calendar", "Show the release calendar: id, title, instant (Beijing time), state, public yet.")
def calendar_cmd(args: argparse.Namespace) -> int:
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader
    from statpub.warehouse.snapshots import SnapshotStore

    settings = settings_of(args)
    content = settings.content
    _catalogue, calendar = content.load_content()
    now = clock_from_env().now()
    # What is public is the gate's answer (instant passed and approved), so a release loaded but not
    # approved says "no" here as it does in `statpub status`; without a warehouse nothing is public.
    store = SnapshotStore(settings.warehouse_dir)
    gate = Gate(WarehouseReader(settings.warehouse_dir).snapshot(), now) if store.current() else None
    rows = []
    for r in calendar.releases:
        loaded = gate.snapshot.releases.get(r.id) if gate else None  # the office sees unannounced entries too
        status = gate.release_status(loaded) if loaded else r.state
        # The one rule (warehouse.publication): the instant, a late approval's time, or history's own.
        since = gate.public_since(loaded) if status == "published" else None
        rows.append({"id": r.id, "title": r.title(args.lang), "instant": format_beijing(r.instant, args.lang),
                     "state": r.state, "status": status, "public": status == "published",
                     "public_since": since.isoformat() if since else None})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    table = Table(title=f"Release calendar ({format_beijing(now, 'en')})")
    for col in ("id", "title", "instant", "status", "public since"):
        table.add_column(col)
    for row in rows:
        since = row["public_since"]
        table.add_row(row["id"], row["title"], row["instant"], row["status"],
                      format_beijing(datetime.fromisoformat(since), args.lang) if since else "no")
    console().print(table)
    return 0


def _calendar_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--json", action="store_true")


calendar_cmd.configure = _calendar_args


@command("status", "What is public now, what is loaded but embargoed, and the next instant.")
def status_cmd(args: argparse.Namespace) -> int:
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader

    settings = settings_of(args)
    now = clock_from_env().now()
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    gate = Gate(snapshot, now)
    entries = tuple(snapshot.releases.values())  # the office sees entries not announced yet too
    public = [r for r in gate.visible_releases() if r.observation_count]  # in the order of publication
    embargoed = [r for r in entries if not gate.is_public(r) and r.observation_count]
    awaiting = [r for r in entries if not r.observation_count]
    nxt = min((r.instant for r in entries if r.publishable_state and r.instant > now), default=None)
    from statpub.review.status import review_rows
    from statpub.warehouse.diskuse import measure
    from statpub.warehouse.metadata_review import pending

    review = review_rows(gate)
    disk = measure(settings.warehouse_dir, snapshot.path)
    info = {"now": now.isoformat(), "snapshot": snapshot.name, "public": len(public), "disk": disk.as_json(),
            "embargoed": [r.id for r in embargoed], "awaiting_data": [r.id for r in awaiting],
            "next_instant": nxt.isoformat() if nxt else None,
            "latest_public": public[-1].id if public else None, "review": review,
            "metadata_awaiting_approval": pending(snapshot, now)}
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=1))
        return 0
    out = console()
    out.print(f"now: {format_beijing(now, 'en')}   snapshot: {snapshot.name}")
    out.print(f"public: {len(public)} release(s); latest {info['latest_public']}")
    table = Table(title="Loaded, embargoed until their instant")
    for col in ("id", "instant", "state", "observations", "review"):
        table.add_column(col)
    by_id = {row["id"]: row for row in review}
    for r in embargoed:
        row = by_id.get(r.id)
        label = f"{row['status']} · {row['label']}" if row else ""
        table.add_row(r.id, format_beijing(r.instant, "en"), r.state, str(r.observation_count), label)
    out.print(table)
    for row in review:
        if row["approval"] != "approved" or row["status"] == "delayed":
            out.print(f"{row['id']}: {row['status']} — {row['why']}")
    if awaiting:
        out.print("awaiting data: " + ", ".join(r.id for r in awaiting))
    if info["metadata_awaiting_approval"]:
        out.print("public metadata edited and not public yet (the public sees the text approved before): "
                  + ", ".join(info["metadata_awaiting_approval"])
                  + " — approve it with the release that carries it (public at its instant), "
                  "or on its own with `statpub approve --metadata` (the register's catalogue: only so)")
    out.print(f"next instant: {format_beijing(nxt, 'en') if nxt else 'none scheduled'}")
    out.print(f"disk: {disk.summary()}")
    for warning in disk.warnings():
        out.print(f"[yellow]warning:[/] {warning}")
    return 0


status_cmd.configure = lambda p: p.add_argument("--json", action="store_true")


@command("serve", "Serve the public site (gunicorn workers; --dev for Dash's development server).")
def serve_cmd(args: argparse.Namespace) -> int:
    settings = settings_of(args)
    os.environ["STATPUB_ROOT"] = str(settings.root)
    os.environ["STATPUB_WAREHOUSE"] = str(settings.warehouse_dir)
    if os.environ.get(ENV_NOW) and not os.environ.get(ENV_ANCHOR):
        # Anchor the injected clock once, so every worker reads the same time.
        os.environ[ENV_ANCHOR] = repr(time.time())
    clock_from_env()  # fail early on a malformed STATPUB_NOW
    if args.dev:
        from statpub.dashboards.app import create_app

        app = create_app()
        app.run(host=args.host, port=args.port, debug=True)
        return 0
    scheduler = _start_scheduler(args) if args.scheduler else None
    try:
        return _serve(args)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=30)


def _serve(args: argparse.Namespace) -> int:
    """gunicorn behind nginx (the front reads whole requests; see statpub/dashboards/front.py), or
    gunicorn alone with `--front none` (behind a buffering proxy of the office's own)."""
    from statpub.dashboards.server import run_gunicorn

    if args.front == "none":
        return run_gunicorn(args.host, args.port, args.workers, args.threads)
    import shutil
    import signal

    from statpub.dashboards.front import Front, private_run_dir
    from statpub.dashboards.http import ENV_PROXIES

    run_dir = private_run_dir()
    front = Front(args.host, args.port, run_dir, workers=max(1, min(args.workers, 4)))
    # The app behind it trusts one more proxy: nginx's X-Forwarded-* name the real client.
    hops = os.environ.get(ENV_PROXIES, "0").strip() or "0"
    os.environ[ENV_PROXIES] = str(int(hops) + 1) if hops.isdigit() else hops
    try:
        front.start()
        front.watch(lambda: os.kill(os.getpid(), signal.SIGTERM))  # no front, no site: stop and say so
        return run_gunicorn(args.host, args.port, args.workers, args.threads, bind=f"unix:{front.socket}")
    finally:
        front.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


def _start_scheduler(args: argparse.Namespace):
    """The scheduler as one child process beside gunicorn's (never one per worker): it sees the
    same settings and clock anchor, and exits when this process is gone."""
    import subprocess

    from statpub.cli.scheduler_commands import ENV_PARENT

    env = {**os.environ, ENV_PARENT: str(os.getpid())}
    return subprocess.Popen([sys.executable, "-m", "statpub", "scheduler"], env=env)


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--front", choices=("nginx", "none"), default=os.environ.get("STATPUB_FRONT", "nginx"),
                   help="nginx (default): read whole requests before the workers do; none: gunicorn alone, "
                        "behind a buffering proxy of your own")
    p.add_argument("--workers", type=int, default=int(os.environ.get("STATPUB_WORKERS", "2")))
    p.add_argument("--threads", type=int, default=int(os.environ.get("STATPUB_THREADS", "4")))
    p.add_argument("--dev", action="store_true", help="Dash's development server with debug tools")
    p.add_argument("--scheduler", action="store_true",
                   help="also run the scheduler (push, charts, retention...) as one process beside the site")


serve_cmd.configure = _serve_args



@command("doctor", "Check the install: content, warehouse snapshot, clock, disk, Chromium and CJK fonts.")
def doctor_cmd(args: argparse.Namespace) -> int:
    from statpub.cli.doctor import FAIL, run_checks

    findings = run_checks(settings_of(args), clock_from_env())
    if args.json:
        print(json.dumps([f.__dict__ for f in findings], ensure_ascii=False, indent=1))
    else:
        table = Table(title="statpub doctor")
        for col in ("check", "result", "detail"):
            table.add_column(col)
        colours = {"ok": "green", "warn": "yellow", "fail": "red"}
        for f in findings:
            table.add_row(f.check, f"[{colours[f.level]}]{f.level}[/]", f.detail)
        console().print(table)
    return 1 if any(f.level == FAIL for f in findings) else 0


doctor_cmd.configure = lambda p: p.add_argument("--json", action="store_true")


@command("watch", "After each release instant, check the public site shows it; alarm if not within the limit.")
def watch_cmd(args: argparse.Namespace) -> int:
    from statpub.cli.watch import watch_release
    from statpub.kernel import logs
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader

    logs.configure()  # JSON lines on stderr, with the level (an alarm is at error)
    settings = settings_of(args)
    clock = clock_from_env()
    reader = WarehouseReader(settings.warehouse_dir)
    failures = 0
    checked = set()
    while True:
        gate = Gate(reader.snapshot(), clock.now())
        if args.release:
            entry = gate.calendar_entry(args.release)
            if entry is None:
                raise UserError(f"unknown release {args.release!r}")
            targets = [entry]
        else:
            upcoming = [r for r in gate.calendar() if r.publishable_state and r.instant > clock.now()
                        and r.observation_count and r.id not in checked]
            targets = upcoming[:1]
        if not targets:
            print("no upcoming release to watch", file=sys.stderr)
            return 1 if failures else 0
        for release in targets:
            sighting = watch_release(args.base, release.id, release.instant, clock, args.limit)
            checked.add(release.id)
            state = (f"visible {sighting.seconds_after_instant:.2f} s after the instant" if sighting.visible
                     else f"NOT visible within {args.limit:g} s ({sighting.detail})")
            print(f"{release.id}: {state}")
            failures += not sighting.visible
            if sighting.visible and args.manifests:
                from statpub.cli.verify import record

                # Published: record what went out (until the scheduler runs this at each instant).
                print(f"manifests recorded: {', '.join(record(settings, clock)) or 'none new'}")
        if args.release or args.once:
            return 1 if failures else 0


def _watch_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base", default="http://127.0.0.1:8050", help="the public site's base URL")
    p.add_argument("--manifests", action="store_true",
                   help="record the manifest of each release seen published (warehouse on this machine)")
    p.add_argument("--limit", type=float, default=60.0, help="seconds after the instant before raising the alarm")
    p.add_argument("--release", help="check this release only (waits for its instant if it is still ahead)")
    p.add_argument("--once", action="store_true", help="watch the next instant only, then exit")


watch_cmd.configure = _watch_args
