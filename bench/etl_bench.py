"""ETL benchmarks: the real load path vs DuckDB reading the same file into a table (same run),
gate lookups of one series at 100 k and 10 M observations, and the load's peak memory.

    python -m bench.etl_bench [--series 10000 --months 1000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from datetime import UTC, datetime

from bench.common import DATA, machine, percentile, python, run_measured
from bench.synthetic import series_code, write_content


def prepare(name: str, series: int, months: int):
    root = DATA / name
    stamp = root / ".params"
    params = f"{series}x{months}"
    if not (stamp.is_file() and stamp.read_text() == params):
        shutil.rmtree(root, ignore_errors=True)
        write_content(root, series, months)
        stamp.write_text(params)
    return root


def bench_load(root) -> dict:
    csv_path = root / "releases" / "synthetic" / "data.csv"
    baseline_db = root / "baseline.duckdb"
    baseline_db.unlink(missing_ok=True)
    baseline = run_measured(python(
        "import duckdb",
        f"con = duckdb.connect({str(baseline_db)!r})",
        "con.execute(\"SET enable_progress_bar = false\")",
        f"con.execute('CREATE TABLE t AS SELECT * FROM read_csv(?)', [{str(csv_path)!r}])",  # noqa: S608 - the path is bound
        "con.close()",
    ))
    warehouse = root / "warehouse"
    shutil.rmtree(warehouse, ignore_errors=True)
    etl = run_measured([sys.executable, "-m", "statpub", "load", "--quiet", "--root", str(root)])
    baseline_db.unlink(missing_ok=True)
    return {"baseline_s": baseline.seconds, "etl_s": etl.seconds, "ratio": etl.seconds / baseline.seconds,
            "baseline_rss_mb": baseline.peak_rss_mb, "etl_rss_mb": etl.peak_rss_mb}


def bench_lookup(root, series: int, samples: int = 300) -> dict:
    from statpub.kernel.clock import Clock
    from statpub.kernel.config import resolve_settings
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader
    from tools.synthetic_approvals import approve_loaded

    settings = resolve_settings(root)
    if not (settings.warehouse_dir / "current").exists():
        run_measured([sys.executable, "-m", "statpub", "load", "--quiet", "--root", str(root)])
    now = datetime(2025, 1, 1, tzinfo=UTC)
    approve_loaded(settings, Clock(start=now), "bench reviewer")  # synthetic content has no reviewer
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    rng = random.Random(7)
    timings = []
    rows = 0
    for i in range(samples + 20):
        code = series_code(rng.randrange(series))
        start = time.perf_counter()
        table = Gate(snapshot, now).observations([code])
        elapsed = (time.perf_counter() - start) * 1000
        if i >= 20:  # warm-up excluded
            timings.append(elapsed)
            rows = table.num_rows
    return {"p50_ms": percentile(timings, 0.5), "p99_ms": percentile(timings, 0.99), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=1_000)
    args = parser.parse_args()
    n = args.series * args.months
    print(f"# ETL benchmarks — {datetime.now(UTC):%Y-%m-%d} — {machine()}")
    big = prepare("etl-big", args.series, args.months)
    load = bench_load(big)
    print(f"load {n:,} observations: DuckDB read_csv into a table {load['baseline_s']:.2f} s "
          f"(peak RSS {load['baseline_rss_mb']:.0f} MB); statpub load {load['etl_s']:.2f} s "
          f"(peak RSS {load['etl_rss_mb']:.0f} MB); ratio {load['ratio']:.2f}× (target ≤ 1.5×)")
    small = prepare("etl-100k", 100, 1000)
    shutil.rmtree(small / "warehouse", ignore_errors=True)
    at_small = bench_lookup(small, 100)
    at_big = bench_lookup(big, args.series)
    print(f"gate lookup, one series latest vintage: 100 k obs p50 {at_small['p50_ms']:.2f} ms "
          f"p99 {at_small['p99_ms']:.2f} ms; {n / 1e6:.0f} M obs p50 {at_big['p50_ms']:.2f} ms "
          f"p99 {at_big['p99_ms']:.2f} ms ({at_big['rows']} rows); ratio "
          f"{at_big['p50_ms'] / at_small['p50_ms']:.2f}× (targets ≤ 10 ms p50, ≤ 1.5×)")


if __name__ == "__main__":
    main()
