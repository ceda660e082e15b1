"""A deterministic 10-million-observation warehouse for the site benchmarks.

Built directly with DuckDB (the ETL's own speed is measured elsewhere): 4,000 monthly series over
35 years, one release a month that publishes the new month for every series and revises the five
before it, so each (series, period) has up to six vintages — 10.08 M observations. One more
release sits in the future, embargoed. Values come from a hash of (series, period, release), so
the same arguments always give the same bytes. Never committed: it lives under bench/data/."""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import approve_synthetic
from statpub.warehouse.snapshots import SnapshotStore

DEFAULT_DIR = Path(__file__).resolve().parent / "data" / "site-10m"
SERIES = 4000
FIRST_YEAR = 1990
YEARS = 35
REVISED = 5  # months each release revises besides the new one
TOPICS = 10


def build(data_dir: Path = DEFAULT_DIR, series: int = SERIES, years: int = YEARS) -> Path:
    """Build (or reuse) the warehouse in `data_dir`; returns the data folder."""
    store = SnapshotStore(data_dir)
    marker = data_dir / f".built-{series}-{years}-approved"  # approvals: see approve_synthetic
    if store.current() is not None and marker.is_file():
        return data_dir
    # A snapshot build starts from the current one: an older or partial warehouse is removed first.
    shutil.rmtree(data_dir, ignore_errors=True)
    months = years * 12
    with store.writer_lock(), store.build() as (con, _path):
        con.execute("SET preserve_insertion_order = true")
        con.execute("INSERT INTO topics SELECT 'topic-' || i, '专题' || i, 'Topic ' || i, i FROM range(?) t(i)",
                    [TOPICS])
        con.execute(
            "INSERT INTO series SELECT printf('S%05d', i), 'topic-' || (i % ?), '指标' || i, 'Indicator ' || i, "
            "'亿元', '100 million yuan', 'M', 'flow', false, 2, 'current', '定义', 'Definition', '来源', 'Source', "
            "[]::VARCHAR[], 0.0, NULL, false, i FROM range(?) t(i)", [TOPICS, series])
        # Release k (k = 1..months) comes out on the 15th of the month after period k-1, at 10:00 Beijing.
        con.execute(
            "CREATE TEMP TABLE rel AS SELECT k, printf('bench-%04d', k) AS id, "
            "(make_timestamptz(?::BIGINT + (k - 1) // 12, ((k - 1) % 12) + 1, 15, 2, 0, 0.0, 'UTC') "
            " + INTERVAL 1 MONTH) AS instant FROM range(1, ? + 1) t(k)", [FIRST_YEAR, months])
        codes = con.execute("SELECT list(code ORDER BY position) FROM series").fetchone()[0]
        con.execute(
            "INSERT INTO releases SELECT id, '基准发布' || k, 'Benchmark release ' || k, 'monthly', instant, "
            "'confirmed', 24, ?, NULL, NULL, NULL, 0, '{}', k FROM rel", [codes])
        future = datetime(2099, 1, 1, 2, tzinfo=UTC)
        con.execute("INSERT INTO releases VALUES ('bench-future', '未来发布', 'Future release', 'monthly', ?, "
                    "'confirmed', 24, ?, NULL, NULL, NULL, 0, '{}', ?)", [future, codes, months + 1])
        # Observations sorted by series then period, so a series' rows sit together (zone maps).
        con.execute(
            "INSERT INTO observations "
            "SELECT printf('S%05d', s), printf('%04d-%02d', ?::BIGINT + (p // 12), (p % 12) + 1), "
            "  round(1000 + (hash(s, p, k) % 100000) / 100.0, 2), CASE WHEN k = p + 1 THEN 'p' ELSE 'r' END, "
            "  NULL, NULL, NULL, printf('bench-%04d', k), 'bench', NULL "
            "FROM range(?) t(s), range(?) u(p), range(0, ? + 1) v(d), LATERAL (SELECT p + 1 + d AS k) "
            "WHERE k <= ? ORDER BY 1, 2, 8", [FIRST_YEAR, series, months, REVISED, months])
        con.execute("INSERT INTO observations SELECT series_code, period, value + 1, 'p', NULL, NULL, NULL, "
                    "'bench-future', 'bench', NULL FROM observations WHERE release_id = ?",
                    [f"bench-{months:04d}"])
        con.execute("UPDATE releases SET observation_count = c FROM (SELECT release_id, count(*) c "
                    "FROM observations GROUP BY 1) x WHERE x.release_id = releases.release_id")
        approve_synthetic(con)
    marker.touch()
    return data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--series", type=int, default=SERIES)
    parser.add_argument("--years", type=int, default=YEARS)
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.dir, args.series, args.years)
    print(f"warehouse in {args.dir} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
