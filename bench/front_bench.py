"""What the front costs: `statpub serve` as shipped (nginx reading whole requests in front of
gunicorn, over a Unix socket) against gunicorn alone (`--front none`), same workers and threads,
same warehouse (the demo), in the same run, alternating which goes first. Prints requests/s and
p50/p99 at a fixed concurrency for three answers — /healthz (the floor), a memoised API answer,
and the page shell — and the ratio front / alone. Asserts nothing.

Also the attack itself: /healthz answered (or not) while 12 clients trickle request bodies.

Run: python -m bench.front_bench [--seconds 8] [--connections 32]"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.common import REPO
from statpub.etl.load import load
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from tests.helpers import start_server

NOW = "2026-12-10T10:00:05+08:00"
PATHS = {"healthz": "/healthz", "api (memoised JSON)": "/api/v1/series/GDP/observations?start=2024-Q1",
         "page shell": "/explorer"}


async def _load(url: str, seconds: float, connections: int) -> tuple[float, float, float, int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def client() -> None:
            nonlocal errors
            while time.monotonic() < deadline:
                started = time.perf_counter()
                async with session.get(url) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                latencies.append(time.perf_counter() - started)
        began = time.monotonic()
        await asyncio.gather(*(client() for _ in range(connections)))
        elapsed = time.monotonic() - began
    ordered = sorted(latencies)
    return (len(latencies) / elapsed, statistics.median(ordered) * 1000,
            ordered[int(0.99 * (len(ordered) - 1))] * 1000, errors)


def measure(settings: Settings, front: str, seconds: float, connections: int) -> dict[str, tuple]:
    server = start_server(settings, now=NOW, workers=2, env={"STATPUB_FRONT": front, "STATPUB_API_RATE": "0",
                                                             "STATPUB_THREADS": "4"})
    try:
        results = {}
        for name, path in PATHS.items():
            asyncio.run(_load(server.url + path, 1.0, 4))  # warm: memo, page shell
            results[name] = asyncio.run(_load(server.url + path, seconds, connections))
        return results
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="statpub-front-bench-"))
    try:
        settings = Settings(root=REPO, warehouse_dir=work / "warehouse")
        load(settings, clock=Clock())
        runs: dict[str, list[dict]] = {"none": [], "nginx": []}
        for round_ in range(args.rounds):
            for front in (("none", "nginx") if round_ % 2 == 0 else ("nginx", "none")):
                runs[front].append(measure(settings, front, args.seconds, args.connections))
        report(runs, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(runs: dict[str, list[dict]], args) -> None:
    load1 = os.getloadavg()[0]
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{load1:.1f} at the end; 2 workers × 4 threads; {args.connections} connections, {args.seconds:g} s "
          f"per answer, best of {args.rounds} rounds")
    print(f"{'answer':24} {'alone req/s':>12} {'front req/s':>12} {'ratio':>6} {'alone p50/p99 ms':>18} "
          f"{'front p50/p99 ms':>18} errors")
    for name in PATHS:
        alone = max((r[name] for r in runs["none"]), key=lambda r: r[0])
        front = max((r[name] for r in runs["nginx"]), key=lambda r: r[0])
        print(f"{name:24} {alone[0]:12.0f} {front[0]:12.0f} {front[0] / alone[0]:6.2f} "
              f"{alone[1]:8.1f}/{alone[2]:<8.1f} {front[1]:8.1f}/{front[2]:<8.1f} {alone[3] + front[3]}")


if __name__ == "__main__":
    main()
