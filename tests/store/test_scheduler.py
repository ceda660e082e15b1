"""The one scheduler: due instants, once-only runs across processes, retries after failure and after
`kill -9`, the CLI and `statpub serve --scheduler`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.config import Settings
from statpub.kernel.jobs import Job, at_instants, collect_jobs, daily_at, every, job_plugins
from statpub.store import open_store
from statpub.store.scheduler import Scheduler, instant_key, prune_runs
from tests.helpers import cli_env, free_port, run_cli
from tests.paths import REPO_ROOT

T = parse_instant("2026-12-10T10:00:00+08:00")


def settings_in(tmp_path: Path) -> Settings:
    return Settings(root=REPO_ROOT, warehouse_dir=tmp_path / "wh")


def runs(settings: Settings) -> list[tuple]:
    with open_store(settings).connect() as con:
        return [tuple(r) for r in con.execute("SELECT job, due_at, state, attempts FROM scheduler_runs ORDER BY due_at")]


# -- when ----------------------------------------------------------------------------------------
def test_daily_at_is_beijing_time_of_day():
    due = daily_at("03:30")
    assert due(parse_instant("2026-12-10T03:29:59+08:00")) == parse_instant("2026-12-10T03:30:00+08:00")
    assert due(parse_instant("2026-12-10T03:30:00+08:00")) == parse_instant("2026-12-11T03:30:00+08:00")
    assert due(parse_instant("2026-12-09T20:00:00Z")) == parse_instant("2026-12-11T03:30:00+08:00")


def test_every_is_aligned_so_every_node_computes_the_same_occurrences():
    due = every(timedelta(minutes=1))
    assert due(parse_instant("2026-12-10T10:00:30+08:00")) == parse_instant("2026-12-10T10:01:00+08:00")
    assert due(parse_instant("2026-12-10T10:01:00+08:00")) == parse_instant("2026-12-10T10:02:00+08:00")


def test_at_instants_follows_the_calendar_it_is_given():
    instants = [T, T + timedelta(days=1)]
    due = at_instants(lambda: instants)
    assert due(T - timedelta(seconds=1)) == T and due(T) == T + timedelta(days=1)
    instants.append(T + timedelta(hours=1))  # a reschedule seen at the next look
    assert due(T) == T + timedelta(hours=1)
    job = Job("x", due, lambda o: None)
    assert job.due_between(T - timedelta(days=1), T + timedelta(hours=2)) == [T, T + timedelta(hours=1)]


def test_jobs_from_plugins_and_names_once(tmp_path):
    class A:
        @staticmethod
        def scheduled_jobs(settings):
            return [Job("a.one", every(timedelta(hours=1)), print)]

    from statpub.kernel.jobs import hookimpl

    A.scheduled_jobs = hookimpl(A.scheduled_jobs)
    from statpub.store import scheduler as builtin

    jobs = collect_jobs(job_plugins([A], [builtin]), settings_in(tmp_path))
    assert [j.name for j in jobs] == ["a.one", "scheduler.prune"]
    with pytest.raises(ValueError, match="a.one"):
        collect_jobs(job_plugins([A, type("B", (), {"scheduled_jobs": A.scheduled_jobs})]), settings_in(tmp_path))


# -- running -------------------------------------------------------------------------------------
def test_a_job_runs_at_its_instant_not_before_and_once(tmp_path):
    settings = settings_in(tmp_path)
    seen: list[tuple[datetime, datetime]] = []
    clock = Clock(start=T - timedelta(seconds=0.6))
    job = Job("test.instant", at_instants(lambda: [T]), lambda o: seen.append((o.due, o.now())))
    scheduler = Scheduler(open_store(settings), clock, [job], max_sleep=5)
    assert scheduler.run_once() == 0 and not seen
    assert 0.3 < scheduler.seconds_until_next() <= 0.6
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run_forever, args=(stop,))
    thread.start()
    time.sleep(1.2)
    stop.set()
    thread.join()
    assert len(seen) == 1 and seen[0][0] == T and timedelta(0) <= seen[0][1] - T < timedelta(seconds=0.3)
    assert runs(settings) == [("test.instant", instant_key(T), "done", 1)]
    # A second scheduler (another process, or this one restarted) finds it settled.
    again = Scheduler(open_store(settings), Clock(start=T + timedelta(seconds=5)), [job])
    assert again.run_once() == 0 and len(seen) == 1


def test_two_schedulers_racing_run_each_occurrence_once(tmp_path):
    settings = settings_in(tmp_path)
    counts: dict[str, int] = {}
    lock = threading.Lock()

    def count(o):
        with lock:
            counts[instant_key(o.due)] = counts.get(instant_key(o.due), 0) + 1
        time.sleep(0.05)

    instants = [T - timedelta(seconds=s) for s in range(20)]
    job = Job("test.race", at_instants(lambda: instants), count)
    clock = Clock(start=T + timedelta(seconds=1))
    schedulers = [Scheduler(open_store(settings), clock, [job], owner=f"node{i}") for i in range(3)]
    threads = [threading.Thread(target=s.run_once) for s in schedulers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == sorted(instant_key(i) for i in instants) and set(counts.values()) == {1}


def test_a_failing_run_is_retried_then_given_up(tmp_path, monkeypatch):
    settings = settings_in(tmp_path)
    monkeypatch.setattr("statpub.store.scheduler.backoff_seconds", lambda attempt: 0.0)
    attempts: list[int] = []

    def flaky(o):
        attempts.append(o.attempt)
        if o.attempt < 2:
            raise RuntimeError("relay down")

    scheduler = Scheduler(open_store(settings), Clock(start=T), [Job("test.flaky", at_instants(lambda: [T]), flaky)])
    scheduler.run_once()
    assert attempts == [1, 2] and runs(settings)[0][2:] == ("done", 2)

    def broken(o):
        raise RuntimeError("always")

    doomed = Job("test.broken", at_instants(lambda: [T]), broken, max_attempts=3)
    Scheduler(open_store(settings), Clock(start=T), [doomed]).run_once()
    assert [r[2:] for r in runs(settings) if r[0] == "test.broken"] == [("failed", 3)]


WORKER = textwrap.dedent("""
    import sys, time, threading
    from pathlib import Path
    from statpub.kernel.clock import Clock, parse_instant
    from statpub.kernel.config import Settings
    from statpub.kernel.jobs import Job, at_instants
    from statpub.store import open_store
    from statpub.store.scheduler import Scheduler

    folder, owner, hang = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "hang"
    T = parse_instant("2026-12-10T10:00:00+08:00")
    def work(o):
        with open(folder / "log.txt", "a") as out:
            out.write(f"{owner} start {o.attempt}\\n")
        if hang:
            time.sleep(600)
        with open(folder / "log.txt", "a") as out:
            out.write(f"{owner} done {o.attempt}\\n")
    job = Job("test.kill", at_instants(lambda: [T]), work, lease_seconds=1.0)
    settings = Settings(root=Path("."), warehouse_dir=folder / "wh")
    stop = threading.Event()
    threading.Timer(float(sys.argv[4]), stop.set).start()
    Scheduler(open_store(settings), Clock(start=T - __import__("datetime").timedelta(seconds=0.5)), [job],
              max_sleep=0.2, owner=owner).run_forever(stop)
""")


def test_a_killed_run_is_taken_over_by_another_process(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = cli_env()
    racers = [subprocess.Popen([sys.executable, str(script), str(tmp_path), f"p{i}", "hang", "30"], env=env)
              for i in range(3)]
    log = tmp_path / "log.txt"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (log.exists() and log.read_text()):
        time.sleep(0.1)
    time.sleep(1.0)  # the others have looked at the instant too, and found it taken
    started = log.read_text().splitlines()
    assert len(started) == 1 and started[0].endswith("start 1"), started
    owner = started[0].split()[0]
    os.kill(racers[int(owner[1:])].pid, signal.SIGKILL)
    for p in racers:
        p.kill()
        p.wait()
    survivor = subprocess.run([sys.executable, str(script), str(tmp_path), "p9", "work", "4"], env=env, timeout=60)
    assert survivor.returncode == 0
    assert log.read_text().splitlines()[1:] == ["p9 start 2", "p9 done 2"]
    assert runs(Settings(root=REPO_ROOT, warehouse_dir=tmp_path / "wh"))[0][2:] == ("done", 2)


def test_prune_forgets_old_settled_runs(tmp_path):
    settings = settings_in(tmp_path)
    job = Job("test.old", at_instants(lambda: [T - timedelta(days=30), T]), lambda o: None,
              catch_up=timedelta(days=60))
    Scheduler(open_store(settings), Clock(start=T), [job]).run_once()
    assert len(runs(settings)) == 2
    assert prune_runs(open_store(settings), T - timedelta(days=14)) == 1
    assert [r[1] for r in runs(settings)] == [instant_key(T)]


# -- the command ---------------------------------------------------------------------------------
def test_scheduler_command_lists_and_runs_once(tmp_path):
    settings = Settings(root=REPO_ROOT, warehouse_dir=tmp_path / "wh")
    listed = run_cli("scheduler", "--list", "--json", settings=settings, now="2026-12-10T04:00:00+08:00")
    assert listed.returncode == 0, listed.stderr
    jobs = {row["job"]: row for row in json.loads(listed.stdout)}
    assert jobs["scheduler.prune"]["next_due"] == "2026-12-09T20:10:00+00:00"
    once = run_cli("scheduler", "--once", settings=settings, now="2026-12-10T04:20:00+08:00")
    assert once.returncode == 0 and json.loads(once.stdout.splitlines()[-1])["ran"] >= 1, once.stderr
    lines = [json.loads(line) for line in once.stderr.splitlines() if line.startswith("{")]
    assert any(e.get("event") == "job_done" and e.get("job") == "scheduler.prune" for e in lines)


@pytest.mark.slow
def test_serve_runs_one_scheduler_beside_its_workers(demo_settings):
    port = free_port()
    log = Path(demo_settings.warehouse_dir).parent / f"serve-scheduler-{port}.log"
    env = cli_env(demo_settings, "2026-12-10T09:59:00+08:00")
    with open(log, "w") as handle:
        server = subprocess.Popen([sys.executable, "-m", "statpub", "serve", "--port", str(port), "--workers", "2",
                                   "--scheduler"], env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=REPO_ROOT)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and '"scheduler_started"' not in log.read_text():
                time.sleep(0.3)
            time.sleep(2)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log.read_text()
    assert text.count('"scheduler_started"') == 1, text[-3000:]
    assert '"scheduler_stopped"' in text
