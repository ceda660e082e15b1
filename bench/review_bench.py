"""Benchmarks of the review layer (figures printed, never asserted):

1. the content hash of a release vs a plain DuckDB scan of the same rows (ratio, same run);
2. opening a snapshot with its review state, and building a gate per request (what approval
   checking costs: once per snapshot, not per request);
3. secondary suppression of a sectors × regions table with row and column totals.

    python -m bench.review [--rows 1000000]
Data is generated deterministically in a temporary folder, never committed.
"""

from __future__ import annotations

import argparse
import platform
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench.common import REPO as REPO_ROOT
from statpub.etl import content_hash
from statpub.etl.disclosure import Cell, Relation, protect
from statpub.etl.review_config import DisclosureRules
from statpub.kernel.config import Settings


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_hash(rows: int) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE observations (series_code VARCHAR, period VARCHAR, value DOUBLE, status VARCHAR, "
                "note VARCHAR, release_id VARCHAR)")
    con.execute("INSERT INTO observations SELECT 'S' || (i % 1000), (1900 + i // 1000)::VARCHAR || '-Q1', "
                "hash(i) % 100000 / 100.0, '', NULL, 'big' FROM range(?) t(i)", [rows])
    hashing = _best(lambda: content_hash.data_hashes(con, ["big"]))
    scan = _best(lambda: con.execute("SELECT count(*), sum(value), max(period) FROM observations "
                                     "WHERE release_id = 'big'").fetchone())
    print(f"content hash of one release, {rows:,} rows: {hashing * 1000:.0f} ms; plain scan "
          f"{scan * 1000:.0f} ms; ratio {hashing / scan:.1f}x")


def bench_gate() -> None:
    from statpub.etl.load import load
    from statpub.kernel.clock import Clock
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader, open_snapshot

    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(root=REPO_ROOT, warehouse_dir=Path(scratch))
        started = time.perf_counter()
        load(settings, clock=Clock())
        print(f"demo load (47 releases, with disclosure control, hashes, approvals): "
              f"{time.perf_counter() - started:.1f} s")
        path = WarehouseReader(settings.warehouse_dir).store.current()
        opened = []
        open_time = _best(lambda: opened.append(open_snapshot(path)), repeat=5)
        snapshot = opened[-1]
        now = datetime(2026, 12, 10, 2, 0, 1, tzinfo=UTC)
        n = 2000
        start = time.perf_counter()
        for _ in range(n):
            Gate(snapshot, now)
        per_gate = (time.perf_counter() - start) / n
        print(f"open a snapshot with review state: {open_time * 1000:.1f} ms (once per snapshot); "
              f"gate per request: {per_gate * 1e6:.0f} µs")
        for snap in opened:
            snap.close()


def bench_suppression(sectors: int = 30, regions: int = 16) -> None:
    rng = random.Random(7)
    cells, relations = {}, []
    key = lambda s, r: (f"S{s}_R{r}", "2024")  # noqa: E731
    for s in range(sectors):
        for r in range(regions):
            units = rng.choice([1, 2] + [rng.randint(3, 400)] * 18)
            cells[key(s, r)] = Cell(key(s, r), rng.uniform(1, 1000), units, rng.uniform(5, 95))
    for s in range(sectors):
        cells[key(s, "T")] = Cell(key(s, "T"), 0.0, 999, 10.0)
        relations.append(Relation(key(s, "T"), tuple(key(s, r) for r in range(regions))))
    for r in range(regions):
        cells[key("T", r)] = Cell(key("T", r), 0.0, 999, 10.0)
        relations.append(Relation(key("T", r), tuple(key(s, r) for s in range(sectors))))
    decided: dict = {}
    elapsed = _best(lambda: decided.update(protect(cells, relations, DisclosureRules())), repeat=1)
    primary = sum(rule != "secondary" for rule in decided.values())
    print(f"suppression of a {sectors} x {regions} table with totals: {primary} primary, "
          f"{len(decided) - primary} secondary cells in {elapsed * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"review benchmarks — {platform.node()}, {platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}, duckdb {duckdb.__version__}")
    bench_hash(args.rows)
    bench_gate()
    bench_suppression()


if __name__ == "__main__":
    main()
