"""The release spike through the cache: many concurrent clients polling from before a release
instant until after it, against the cluster topology (nginx in front of two app nodes, PostgreSQL,
the S3 store; tests/topology/cluster.py), then the same clients against one node without a cache.

Clients and what they poll are spike_bench's (a quarter each: the home page's callback, the release
page's callback, an API series, the release's CSV download), each from its own loopback address
(127.0.0.2 …, round robin); 127.0.0.1 only; bounded in time.

Prints, for each side: errors (target 0), p50/p99 latency before, at and after the instant
(target p99 ≤ 1 s), the delay until every client sees the release (target ≤ 1 s), and the requests
per second that reached the origin (through the cache: nginx's log, everything but HITs; without
it: every request). Asserts nothing.

    python -m bench.cluster_bench [--clients 1000] [--before 5] [--after 10] [--short]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import timedelta

from bench.common import DATA
from bench.common import REPO as REPO_ROOT
from bench.spike_bench import INSTANT, prepare, report, run_clients, spike, targets_and_marks
from statpub.kernel.clock import parse_instant
from statpub.kernel.config import Settings

STARTUP = 120.0  # seconds of clock allowed for the topology to start before the load begins


def origin_rate(access_log: str, start_wall: float, stop_wall: float) -> tuple[int, int, float]:
    """(requests, of which reached a node, those per second) from nginx's log."""
    lines = [line for line in access_log.splitlines() if "cache=" in line]
    reached = [line for line in lines if "cache=HIT" not in line]
    return len(lines), len(reached), len(reached) / max(1e-9, stop_wall - start_wall)


def through_cache(settings: Settings, args: argparse.Namespace) -> None:
    from tests.topology.cluster import Topology

    instant = parse_instant(INSTANT)
    lead = STARTUP + args.before
    topology = Topology(settings.warehouse_dir, (instant - timedelta(seconds=lead)).isoformat(),
                        workers=args.workers)
    instant_wall = float(topology.anchor) + lead
    try:
        topology.start()
        targets, figures = targets_and_marks(topology.loader)
        start_wall = instant_wall - args.before
        if time.time() > start_wall:
            print("!! the topology took longer to start than the allowance; no figures")
            return
        print(f"topology up {start_wall - time.time():.1f} s before the load starts", flush=True)
        stop_wall = instant_wall + args.after
        samples = asyncio.run(run_clients(topology.proxy.url, targets, figures, args.clients, args.pause,
                                          start_wall, instant_wall, stop_wall, args.seed))
        log = (topology.proxy.base / "access.log").read_text(errors="replace")
    finally:
        topology.stop()
    report(samples, args.clients, args.workers, args.threads, args.pause, [])
    total, reached, rate = origin_rate(log, start_wall, stop_wall)
    print(f"\nthrough the cache: {total} requests, {reached} reached a node ({reached / max(1, total):.1%}); "
          f"origin {rate:.0f} requests/s over {stop_wall - start_wall:.0f} s (2 nodes × {args.workers} workers)")


def one_node(settings: Settings, args: argparse.Namespace) -> None:
    import bench.spike_bench

    bench.spike_bench.STARTUP_ALLOWANCE = STARTUP  # a shared machine may start a node slowly
    targets, figures = targets_and_marks(settings)
    samples, public = spike(settings, targets, figures, args, {})
    report(samples, args.clients, args.workers, args.threads, args.pause, public)
    span = args.before + args.after
    print(f"\nwithout a cache: every request reached the node: {len(samples) / span:.0f} requests/s over {span:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pause", type=float, default=0.25)
    parser.add_argument("--before", type=float, default=5.0)
    parser.add_argument("--after", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--short", action="store_true", help="200 clients, 3 s before and 5 s after, cache side only")
    args = parser.parse_args(argv)
    if args.short:
        args.clients, args.before, args.after = 200, 3.0, 5.0
    settings = Settings(root=REPO_ROOT, warehouse_dir=DATA / "spike" / "warehouse")
    prepare(settings)
    print(f"\n=== through the cache: nginx → 2 nodes, {args.clients} clients ===", flush=True)
    through_cache(settings, args)
    if not args.short:
        print(f"\n=== one node, no cache, {args.clients} clients ===", flush=True)
        one_node(settings, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
