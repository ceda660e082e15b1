"""What sharing the API rate limit costs: the same API answer (a memo hit, the fastest path, where
any per-request cost shows most) requested by concurrent clients from `statpub serve` with
  1. the limit per worker only (STATPUB_API_RATE_SYNC=0) — the single-node baseline,
  2. the limit shared through SQLite (counts synced once a second per worker),
  3. the limit shared through PostgreSQL (a throwaway cluster, as on several nodes),
and, in-process, the cost of one `RateLimiter.take()` with and without the shared counts.
The limit is set high enough never to refuse, so every run does the same work. Prints requests
per second and the ratio to the baseline, measured in the same run. 127.0.0.1 only; bounded.

    python -m bench.ratelimit_bench [--seconds 8] [--clients 16]
"""

from __future__ import annotations

import argparse
import threading
import time

import requests

from bench.common import DATA, machine
from bench.common import REPO as REPO_ROOT
from bench.spike_bench import prepare
from statpub.kernel.config import Settings

PATH = "/api/v1/series/GDP/observations"
LIMIT = "100000000/60"


def hammer(url: str, clients: int, seconds: float) -> float:
    counts = [0] * clients
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            if session.get(url + PATH, timeout=30).status_code == 200:
                counts[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def served(settings: Settings, env: dict[str, str], clients: int, seconds: float) -> float:
    from tests.helpers import start_server

    server = start_server(settings, workers=2, env={"STATPUB_API_RATE": LIMIT, **env}, timeout=120)
    try:
        hammer(server.url, 4, 1.0)  # warm: the memo holds the answer
        return hammer(server.url, clients, seconds)
    finally:
        server.stop()


def take_cost(store, n: int = 200_000) -> float:
    from statpub.dashboards.api.ratelimit import SharedCounts
    from statpub.dashboards.api.state import RateLimiter

    limiter = RateLimiter(100_000_000, 60)
    if store is not None:
        limiter.shared = SharedCounts(store, 100_000_000, 60, sync_seconds=1.0)
    started = time.perf_counter()
    for i in range(n):
        limiter.take(f"198.51.100.{i % 200}")
    return (time.perf_counter() - started) / n * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args(argv)
    from statpub.store.sqlite import SQLiteStore
    from tests.topology.postgres import PostgresCluster

    settings = Settings(root=REPO_ROOT, warehouse_dir=DATA / "spike" / "warehouse")
    prepare(settings)
    postgres = PostgresCluster().start()
    try:
        url = postgres.create_database()
        pg_settings = Settings(root=settings.root, warehouse_dir=settings.warehouse_dir, database_url=url)
        base = served(settings, {"STATPUB_API_RATE_SYNC": "0"}, args.clients, args.seconds)
        sqlite = served(settings, {"STATPUB_API_RATE_SYNC": "1"}, args.clients, args.seconds)
        shared_pg = served(pg_settings, {"STATPUB_API_RATE_SYNC": "1"}, args.clients, args.seconds)
        from statpub.store.postgresql import PostgreSQLStore

        pg_store = PostgreSQLStore(url)
        costs = (take_cost(None), take_cost(SQLiteStore(DATA / "ratelimit-bench.sqlite")), take_cost(pg_store))
        time.sleep(1.5)  # let the sync threads send their batches
        pg_store.close()
    finally:
        postgres.stop()
    print(f"\n{time.strftime('%Y-%m-%d')} · {machine()}")
    print(f"statpub serve, 2 workers; {args.clients} concurrent clients, {args.seconds:g} s each; GET {PATH} (memo hit)")
    print(f"  limit per worker (baseline)            {base:8.0f} req/s")
    print(f"  shared through SQLite                  {sqlite:8.0f} req/s   ({sqlite / base:.2f}× baseline)")
    print(f"  shared through PostgreSQL              {shared_pg:8.0f} req/s   ({shared_pg / base:.2f}× baseline)")
    print(f"RateLimiter.take(), in-process: local {costs[0]:.2f} µs; shared (SQLite) {costs[1]:.2f} µs; "
          f"shared (PostgreSQL) {costs[2]:.2f} µs — store writes: one batch per worker per second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
