"""The gate's vintages from `publication.public_since` (bound per release, ranked in the order of
publication) against the query it replaced (the calendar instant joined from the releases
table), on the same synthetic warehouse in the same run: one series' latest values, every
vintage of one series, and the bulk history file.

    python -m bench.vintage_bench [--series 1000 --months 1000 --samples 200]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import machine, percentile
from bench.etl_bench import prepare
from bench.synthetic import series_code

# The query before one rule for "public since": vintage = the release's calendar instant.
OLD_SELECT = ("SELECT {latest}o.series_code, o.period, CASE WHEN contains(o.status, 'c') THEN NULL ELSE o.value END "
              "AS value, o.status, o.note, o.release_id, r.instant AS vintage FROM observations o "
              "JOIN releases r ON r.release_id = o.release_id WHERE o.series_code = ? AND list_contains(?, o.release_id) "
              "ORDER BY o.series_code, o.period, r.instant {order}, o.release_id {order}")


def _old(cur, code: str, ids: list[str], latest: bool):
    sql = OLD_SELECT.format(latest="DISTINCT ON (o.series_code, o.period) " if latest else "",
                            order="DESC" if latest else "")
    if latest:
        sql = f"SELECT * FROM ({sql}) ORDER BY series_code, period"  # noqa: S608 - fixed
    return cur.sql(sql, params=[code, ids]).to_arrow_table()


def _timed_pair(before, now, samples: int) -> tuple[list[float], list[float]]:
    """Both queries for the same series, alternately (a shared machine's load hits both alike)."""
    out: tuple[list[float], list[float]] = ([], [])
    for i in range(samples + 10):
        for fn, times in ((before, out[0]), (now, out[1])):
            start = time.perf_counter()
            fn(i)
            if i >= 10:
                times.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--months", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    from statpub.kernel.clock import Clock
    from statpub.kernel.config import resolve_settings
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader
    from tools.synthetic_approvals import approve_loaded

    root = prepare(f"vintage-{args.series}x{args.months}", args.series, args.months)
    settings = resolve_settings(root)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    if not (settings.warehouse_dir / "current").exists():
        from statpub.etl.load import load

        load(settings, clock=Clock(start=now))
    approve_loaded(settings, Clock(start=now), "bench reviewer")
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    gate = Gate(snapshot, now)
    ids = [r.id for r in gate.visible_releases()]
    rng = random.Random(7)
    codes = [series_code(rng.randrange(args.series)) for _ in range(args.samples + 10)]
    cur = snapshot.cursor()
    print(f"# gate vintages — {datetime.now(UTC):%Y-%m-%d} — {machine()} — {args.series * args.months:,} observations")
    for name, latest in (("latest values of one series", True), ("every vintage of one series", False)):
        old, new = _timed_pair(lambda i, latest=latest: _old(cur, codes[i], ids, latest),
                                lambda i, latest=latest: Gate(snapshot, now).observations([codes[i]],
                                                                                          all_vintages=not latest),
                                args.samples)
        print(f"{name}: before (calendar instant) p50 {percentile(old, 0.5):.2f} ms; now (public_since) "
              f"p50 {percentile(new, 0.5):.2f} ms p99 {percentile(new, 0.99):.2f} ms; "
              f"ratio {percentile(new, 0.5) / percentile(old, 0.5):.2f}×")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        cur.execute("COPY (SELECT o.series_code, o.period, CASE WHEN contains(o.status, 'c') THEN NULL ELSE o.value "
                    "END AS value, o.status, o.note, o.release_id, r.instant AS vintage FROM observations o JOIN releases "
                    "r ON r.release_id = o.release_id WHERE list_contains(?, o.release_id) "
                    "ORDER BY o.series_code, o.period, r.instant, o.release_id) TO ? "
                    "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536)", [ids, str(Path(tmp) / "old.parquet")])
        old_s = time.perf_counter() - start
        start = time.perf_counter()
        rows = gate.copy_history(str(Path(tmp) / "new.parquet"))
        new_s = time.perf_counter() - start
    print(f"history.parquet ({rows:,} rows): before {old_s:.2f} s; now {new_s:.2f} s; ratio {new_s / old_s:.2f}×")
    cur.close()


if __name__ == "__main__":
    main()
