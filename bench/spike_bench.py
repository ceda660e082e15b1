"""Release-day spike: 200 clients polling the site from 10 s before a release instant until 30 s
after it, against `statpub serve` (gunicorn, the configured workers) whose clock (`STATPUB_NOW`)
starts just before the instant, with the file caches emptied first (cold at the instant).

Each client polls one thing, a quarter of them each:
  home      the home page's content (the Dash pages callback for "/": the HTML shell has no figures)
  release   the release page's content (its pages callback)
  api       a series through the API (/api/v1/series/GDP/observations)
  download  the release's CSV download (404 until the instant)
pausing `--pause` seconds (±50 %, seeded) between a response and its next request. Each client
connects from its own loopback address (127.0.0.2, .3, ...), as distinct visitors would, so the
API's per-address rate limit stays on. 127.0.0.1 only; the run is bounded in time.

Prints: errors (target 0); p50/p99 latency before, at (±2 s) and after the instant (target p99
≤ 1 s); for every client, the delay between the instant and its first response showing the
release (target ≤ 1 s for all); the workers' `release_public` log lines. Asserts nothing.

    python -m bench.spike_bench [--clients 200] [--workers N] [--pause 0.25]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from bench.common import DATA, machine, percentile
from bench.common import REPO as REPO_ROOT
from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.config import Settings

RELEASE = "2025-gdp-final-verification"
INSTANT = "2026-12-10T10:00:00+08:00"
KINDS = ("home", "release", "api", "download")
STARTUP_ALLOWANCE = 40.0  # seconds of server clock between its start and the first request
WINDOWS = (("before", None, -2.0), ("at ±2 s", -2.0, 2.0), ("after", 2.0, None))


@dataclass
class Sample:
    client: int
    kind: str
    sent: float  # seconds after the instant (wall clock mapped onto the server's clock)
    latency: float
    status: int | None
    shows_release: bool
    error: str | None


@dataclass
class Target:
    kind: str
    method: str
    path: str
    body: bytes | None


def prepare(settings: Settings) -> None:
    """The demo content loaded once into the bench's warehouse; the file caches emptied."""
    from statpub.etl.load import load
    from statpub.warehouse.snapshots import SnapshotStore

    if SnapshotStore(settings.warehouse_dir).current() is None:
        print("loading the demo content into", settings.warehouse_dir, flush=True)
        load(settings, clock=Clock())
    shutil.rmtree(settings.warehouse_dir / "cache", ignore_errors=True)


def targets_and_marks(settings: Settings) -> tuple[dict[str, Target], list[str]]:
    """The four requests, and the figures (as the site formats them) that only the release shows."""
    from statpub.dashboards.app import create_app
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader
    from tests.dashboards.dash_payloads import router_body
    from tests.dashboards.embargo_marks import embargo_marks

    instant = parse_instant(INSTANT)
    app = create_app(settings, Clock(start=instant - timedelta(seconds=5)))
    app.server.test_client().get("/healthz")  # registers the pages router callback
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    marks = embargo_marks(Gate(snapshot, instant + timedelta(seconds=1)), Gate(snapshot, instant - timedelta(seconds=5)),
                          RELEASE)
    figures = [m for m in marks if m.isascii()]  # the texts are escaped in callback JSON; figures are not

    def router(path: str) -> bytes:
        return json.dumps(router_body(app, path, "")).encode()

    return {
        "home": Target("home", "POST", "/_dash-update-component", router("/")),
        "release": Target("release", "POST", "/_dash-update-component", router(f"/release/{RELEASE}")),
        "api": Target("api", "GET", "/api/v1/series/GDP/observations", None),
        "download": Target("download", "GET", f"/download/release/{RELEASE}.csv", None),
    }, figures


def shows_release(kind: str, status: int | None, body: bytes, figures: list[str]) -> bool:
    if status != 200:
        return False
    if kind == "download":
        return True  # 404 until the instant
    if kind == "api":
        return f'"release_id":"{RELEASE}"'.encode() in body
    text = body.decode("utf-8", "replace")
    return any(mark in text for mark in figures)


def expected(kind: str, status: int | None, after_instant: bool) -> bool:
    if kind == "download" and not after_instant:
        return status in (200, 404)  # a request sent just before the instant may be answered after it
    return status == 200


async def run_clients(base: str, targets: dict[str, Target], figures: list[str], clients: int, pause: float,
                      start_wall: float, instant_wall: float, stop_wall: float, seed: int) -> list[Sample]:
    import aiohttp

    samples: list[Sample] = []
    rng = random.Random(seed)
    timeout = aiohttp.ClientTimeout(total=30)

    async def client(i: int) -> None:
        target = targets[KINDS[i % len(KINDS)]]
        pauses = random.Random(seed * 1000 + i)
        connector = aiohttp.TCPConnector(limit=1, local_addr=(f"127.0.0.{2 + i % 250}", 0))
        headers = {"Content-Type": "application/json"} if target.body else {}
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            await asyncio.sleep(max(0.0, start_wall - time.time()) + rng.uniform(0, pause))
            while time.time() < stop_wall:
                sent = time.time()
                status, body, error = None, b"", None
                try:
                    async with session.request(target.method, base + target.path, data=target.body,
                                               headers=headers) as response:
                        body = await response.read()
                        status = response.status
                except (TimeoutError, aiohttp.ClientError) as exc:
                    error = type(exc).__name__
                done = time.time()
                samples.append(Sample(i, target.kind, sent - instant_wall, done - sent, status,
                                      shows_release(target.kind, status, body, figures), error))
                await asyncio.sleep(pause * pauses.uniform(0.5, 1.5))

    await asyncio.gather(*(client(i) for i in range(clients)))
    return samples


def report(samples: list[Sample], clients: int, workers: int, threads: int, pause: float, log_lines: list[dict]) -> None:
    print(f"\n{datetime.now().date()} · {machine()}")
    print(f"statpub serve: {workers} workers × {threads} threads (gunicorn gthread); {clients} clients, "
          f"pause {pause:g} s ±50 %; {len(samples)} requests\n")
    errors = [s for s in samples if s.error or not expected(s.kind, s.status, s.sent >= 0)]
    kinds = defaultdict(int)
    for s in errors:
        kinds[s.error or f"HTTP {s.status} ({s.kind})"] += 1
    print(f"errors: {len(errors)}" + (f" — {dict(kinds)}" if kinds else "") + "   (target 0)")
    print("\nlatency (ms) by when the request was sent      p50      p99      max      n")
    for label, low, high in WINDOWS:
        for kind in (None, *KINDS):
            chosen = [s.latency for s in samples if (low is None or s.sent >= low) and (high is None or s.sent < high)
                      and (kind is None or s.kind == kind) and s.status is not None]
            if chosen:
                name = f"{label} · {kind or 'all'}"
                print(f"  {name:<44} {percentile(chosen, 0.5) * 1000:8.1f} {percentile(chosen, 0.99) * 1000:8.1f} "
                      f"{max(chosen) * 1000:8.1f} {len(chosen):6d}")
    print("\ndelay from the instant to each client's first response showing the release (s)   (target ≤ 1 s)")
    firsts: dict[int, float] = {}
    for s in sorted(samples, key=lambda s: s.sent + s.latency):
        if s.shows_release and s.client not in firsts:
            firsts[s.client] = s.sent + s.latency
    early = [c for c, t in firsts.items() if t < 0]
    for kind in (None, *KINDS):
        ids = [i for i in range(clients) if kind is None or KINDS[i % len(KINDS)] == kind]
        delays = [firsts[i] for i in ids if i in firsts]
        never = len(ids) - len(delays)
        if delays:
            print(f"  {kind or 'all':<10} p50 {percentile(delays, 0.5):6.3f}  p99 {percentile(delays, 0.99):6.3f}  "
                  f"max {max(delays):6.3f}  over 1 s: {sum(d > 1 for d in delays):3d}  never: {never}")
    if early:
        print(f"  !! {len(early)} clients saw the release BEFORE the instant")
    print("\nworkers' release_public log lines:")
    for line in log_lines:
        print(f"  pid {line.get('pid')}: first served {line['first_served']} (delay {line['delay_seconds']} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("STATPUB_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("STATPUB_THREADS", "4")))
    parser.add_argument("--pause", type=float, default=0.25)
    parser.add_argument("--before", type=float, default=10.0)
    parser.add_argument("--after", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline", action="store_true",
                        help="first run the same spike with the page memo off (STATPUB_PAGE_MEMO=0)")
    args = parser.parse_args(argv)
    if args.clients > 250:
        parser.error("at most 250 clients (one loopback address each)")

    warehouse = DATA / "spike" / "warehouse"
    settings = Settings(root=REPO_ROOT, warehouse_dir=warehouse)
    prepare(settings)
    targets, figures = targets_and_marks(settings)
    runs = [("baseline: page memo off", {"STATPUB_PAGE_MEMO": "0"})] if args.baseline else []
    runs.append(("statpub as configured", {}))
    for title, extra_env in runs:
        print(f"\n=== {title} ===", flush=True)
        samples, public = spike(settings, targets, figures, args, extra_env)
        report(samples, args.clients, args.workers, args.threads, args.pause, public)
    return 0


def spike(settings: Settings, targets: dict[str, Target], figures: list[str], args: argparse.Namespace,
          extra_env: dict[str, str]) -> tuple[list[Sample], list[dict]]:
    from tests.helpers import start_server

    shutil.rmtree(settings.warehouse_dir / "cache", ignore_errors=True)  # cold at the instant
    instant = parse_instant(INSTANT)
    anchor = time.time()
    start_clock = instant - timedelta(seconds=STARTUP_ALLOWANCE + args.before)
    instant_wall = anchor + STARTUP_ALLOWANCE + args.before
    env = {"STATPUB_CLOCK_ANCHOR": repr(anchor), "STATPUB_THREADS": str(args.threads), **extra_env}
    server = start_server(settings, now=start_clock.isoformat(), workers=args.workers, env=env,
                          timeout=STARTUP_ALLOWANCE)
    try:
        start_wall = instant_wall - args.before
        if time.time() > start_wall:
            raise SystemExit("the server took longer to start than the allowance; raise STARTUP_ALLOWANCE")
        print(f"server up {start_wall - time.time():.1f} s before the load starts", flush=True)
        samples = asyncio.run(run_clients(server.url, targets, figures, args.clients, args.pause, start_wall,
                                          instant_wall, instant_wall + args.after, args.seed))
    finally:
        server.stop()
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    return samples, [e for e in lines if e.get("event") == "release_public"]


if __name__ == "__main__":
    raise SystemExit(main())
