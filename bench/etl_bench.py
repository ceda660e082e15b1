"""ETL benchmarks: the real load path vs DuckDB reading the same file into a table (same run),
gate lookups of one series at 100 k and 10 M observations, and the load's peak memory.

    python -m bench.etl_bench [--series 10000 --months 1000] [--load-runs 3] [--load-only]
    python -m bench.etl_bench --series 1000 --load-only --load-runs 1     # 1 M, while developing
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

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


def bench_load(root, before: Path | None = None) -> dict:
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
    shutil.rmtree(warehouse, ignore_errors=True)  # gigabytes at 10 M; the lookups load their own
    found = {"baseline_s": baseline.seconds, "etl_s": etl.seconds, "ratio": etl.seconds / baseline.seconds,
             "baseline_rss_mb": baseline.peak_rss_mb, "etl_rss_mb": etl.peak_rss_mb}
    if before is not None:  # the same load by an earlier checkout, same run (e.g. a worktree of main)
        earlier = run_measured([sys.executable, "-m", "statpub", "load", "--quiet", "--root", str(root)], code=before)
        shutil.rmtree(warehouse, ignore_errors=True)
        found.update(before_s=earlier.seconds, before_rss_mb=earlier.peak_rss_mb)
    return found


RAW_LOOKUP = "SELECT * FROM observations WHERE series_code = ?"


def bench_lookup(root, series: int, samples: int = 400) -> dict:
    """One series through the gate (latest vintage, public reader) vs DuckDB's bare point lookup
    on the same snapshot, interleaved sample by sample so both see the same machine load. The gate
    twice: from the public state's latest view (warehouse/latest_view.py, built first, as a web
    worker finds it after the state's first request) and through DuckDB (the views off)."""
    from statpub.kernel.clock import Clock
    from statpub.kernel.config import resolve_settings
    from statpub.warehouse import latest_view
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader
    from tools.synthetic_approvals import approve_loaded

    settings = resolve_settings(root)
    if not (settings.warehouse_dir / "current").exists():
        run_measured([sys.executable, "-m", "statpub", "load", "--quiet", "--root", str(root)])
    now = datetime(2025, 1, 1, tzinfo=UTC)
    approve_loaded(settings, Clock(start=now), "bench reviewer")  # synthetic content has no reviewer
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    started = time.perf_counter()
    latest_view.build_state(snapshot, Gate(snapshot, now)._view)
    build_s = time.perf_counter() - started
    raw_cursor = snapshot.cursor()
    rng = random.Random(7)
    found: dict[str, list[float]] = {"view": [], "duckdb": [], "raw": []}
    rows = 0
    for i in range(samples + 20):
        code = series_code(rng.randrange(series))
        for who in (("view", "duckdb", "raw") if i % 2 else ("raw", "duckdb", "view")):
            os.environ[latest_view.ENV] = "0" if who == "duckdb" else "1"
            start = time.perf_counter()
            if who == "raw":
                table = raw_cursor.sql(RAW_LOOKUP, params=[code]).to_arrow_table()
            else:
                table = Gate(snapshot, now).observations([code])
            elapsed = (time.perf_counter() - start) * 1000
            if i >= 20:  # warm-up excluded
                found[who].append(elapsed)
                rows = table.num_rows if who == "view" else rows
    os.environ.pop(latest_view.ENV, None)
    raw_cursor.close()
    return {"p50_ms": percentile(found["view"], 0.5), "p99_ms": percentile(found["view"], 0.99), "rows": rows,
            "duckdb_p50_ms": percentile(found["duckdb"], 0.5), "duckdb_p99_ms": percentile(found["duckdb"], 0.99),
            "raw_p50_ms": percentile(found["raw"], 0.5), "raw_p99_ms": percentile(found["raw"], 0.99),
            "view_build_s": build_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=1_000)
    parser.add_argument("--lookups-only", action="store_true",
                        help="skip the load benchmark (the warehouses are loaded if missing)")
    parser.add_argument("--lookup-runs", type=int, default=3, help="runs of the lookup benchmark (median, spread)")
    parser.add_argument("--load-runs", type=int, default=3, help="runs of the load benchmark (median, spread)")
    parser.add_argument("--load-only", action="store_true", help="skip the lookup benchmark")
    parser.add_argument("--before", type=Path, help="another checkout (e.g. a worktree of main) whose load is "
                        "measured in the same runs, for before/after figures")
    args = parser.parse_args()
    n = args.series * args.months
    print(f"# ETL benchmarks — {datetime.now(UTC):%Y-%m-%d} — {machine()}")
    big = prepare("etl-big", args.series, args.months)
    if not args.lookups_only:
        loads = []
        for run in range(1, args.load_runs + 1):
            before = _load_average()
            load = bench_load(big, args.before)
            loads.append(load)
            earlier = (f"; {args.before} loads it in {load['before_s']:.2f} s ({load['before_s'] / load['baseline_s']:.2f}×, "
                       f"peak RSS {load['before_rss_mb']:.0f} MB)") if args.before else ""
            print(f"load {n:,} observations, run {run}: DuckDB read_csv into a table {load['baseline_s']:.2f} s "
                  f"(peak RSS {load['baseline_rss_mb']:.0f} MB); statpub load {load['etl_s']:.2f} s "
                  f"(peak RSS {load['etl_rss_mb']:.0f} MB); ratio {load['ratio']:.2f}× (target ≤ 1.5×){earlier}; "
                  f"load average {before} before, {_load_average()} after", flush=True)
        print(f"{len(loads)} load runs: ratio {_spread([x['ratio'] for x in loads], '×')}; statpub load "
              f"{_spread([x['etl_s'] for x in loads], ' s')}, baseline {_spread([x['baseline_s'] for x in loads], ' s')}; "
              f"peak RSS {_spread([x['etl_rss_mb'] for x in loads], ' MB')} (target ≤ 1,500 MB), baseline "
              f"{_spread([x['baseline_rss_mb'] for x in loads], ' MB')}")
    if args.load_only:
        return
    small = prepare("etl-100k", 100, 1000)
    if not args.lookups_only:
        shutil.rmtree(small / "warehouse", ignore_errors=True)
    runs = [(bench_lookup(small, 100), bench_lookup(big, args.series)) for _ in range(args.lookup_runs)]
    for at_small, at_big in runs:
        for label, found in (("100 k", at_small), (f"{n / 1e6:.0f} M", at_big)):
            print(f"gate lookup, one series latest vintage, {label} obs: p50 {found['p50_ms']:.3f} ms p99 "
                  f"{found['p99_ms']:.3f} ms ({found['rows']} rows) from the state's latest view (built in "
                  f"{found['view_build_s']:.2f} s), through DuckDB p50 {found['duckdb_p50_ms']:.2f} ms p99 "
                  f"{found['duckdb_p99_ms']:.2f} ms; DuckDB's bare point lookup, same run: p50 "
                  f"{found['raw_p50_ms']:.2f} ms p99 {found['raw_p99_ms']:.2f} ms; gate ÷ DuckDB "
                  f"{found['p50_ms'] / found['raw_p50_ms']:.3f}× (through DuckDB "
                  f"{found['duckdb_p50_ms'] / found['raw_p50_ms']:.2f}×)")
    big_p50 = [b["p50_ms"] for _, b in runs]
    vs_raw = [b["p50_ms"] / b["raw_p50_ms"] for _, b in runs]
    flat = [b["p50_ms"] / s["p50_ms"] for s, b in runs]
    duckdb_p50 = [b["duckdb_p50_ms"] for _, b in runs]
    duckdb_flat = [b["duckdb_p50_ms"] / s["duckdb_p50_ms"] for s, b in runs]
    print(f"{len(runs)} runs at {n / 1e6:.0f} M: gate p50 {_spread(big_p50, ' ms')}; gate ÷ DuckDB {_spread(vs_raw, '×')}; "
          f"{n / 1e6:.0f} M ÷ 100 k {_spread(flat, '×')} (targets: p50 ≤ 2 ms, flat); through DuckDB p50 "
          f"{_spread(duckdb_p50, ' ms')}, {n / 1e6:.0f} M ÷ 100 k {_spread(duckdb_flat, '×')}")


def _load_average() -> str:
    """The machine's 1-minute load average (the machine is often shared: read the figures with it)."""
    return f"{os.getloadavg()[0]:.1f}"


def _spread(samples: list[float], unit: str) -> str:
    return f"median {statistics.median(samples):.2f}{unit} (min {min(samples):.2f}, max {max(samples):.2f})"


if __name__ == "__main__":
    main()
