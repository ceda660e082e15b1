"""A deterministic 10-million-observation warehouse for the API benchmarks (never committed).

5,000 monthly series × 200 periods (2009-05 … 2025-12) × 10 vintages: every figure is first
published provisional (p) and revised (r) by each of the next nine monthly releases, so there are
209 releases and exactly 10,000,000 observations. Built with DuckDB straight into a statpub
snapshot (same schema, same atomic swap), plus a minimal content root so `statpub serve` runs on
it. Rows are stored in series order, as a consolidated warehouse would keep them.

    python -m bench.api_data [--force]      → bench/data/api/
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import REPO as REPO_ROOT
from bench.common import approve_synthetic
from statpub.kernel.config import Settings
from statpub.warehouse.snapshots import SnapshotStore

N_SERIES = 5000
N_PERIODS = 200
N_VINTAGES = 10
FIRST_YEAR, FIRST_MONTH = 2009, 5
N_RELEASES = N_PERIODS + N_VINTAGES - 1
DATA = REPO_ROOT / "bench" / "data" / "api"
NOW = "2027-06-01T00:00:00+08:00"  # after every bench release


@dataclass(frozen=True)
class BenchData:
    settings: Settings
    observations: int

    @property
    def now(self) -> str:
        return NOW


def series_code(i: int) -> str:
    return f"S{i:04d}"


def _content_root(root: Path) -> None:
    (root / "releases").mkdir(parents=True, exist_ok=True)
    (root / "calendar.yaml").write_text("# bench content root: the releases live in the generated warehouse\n"
                                        "releases: []\n", encoding="utf-8")
    (root / "releases" / "catalogue.yaml").write_text(
        "office: {zh: 基准测试统计局, en: Benchmark statistics office}\n"
        "licence: {zh: CC BY 4.0, en: Creative Commons Attribution 4.0 (CC BY 4.0)}\n"
        "base_url: https://stats.example.gov.cn\n"
        "topics: []\nseries: []  # the series live in the generated warehouse\n", encoding="utf-8")


def build(data_dir: Path = DATA, force: bool = False) -> BenchData:
    root = data_dir / "root"
    settings = Settings(root=root, warehouse_dir=data_dir / "warehouse")
    store = SnapshotStore(settings.warehouse_dir)
    marker = data_dir / "built-approved.txt"  # approvals: see approve_synthetic
    if store.current() is not None and marker.is_file() and not force:
        return BenchData(settings, int(marker.read_text()))
    if data_dir.exists():
        import shutil

        shutil.rmtree(data_dir)
    _content_root(root)
    started = time.perf_counter()
    with store.writer_lock(), store.build() as (con, _path):
        con.execute("INSERT INTO topics SELECT 'topic-' || t, '主题' || t, 'Topic ' || t, t FROM range(10) r(t)")
        con.execute(
            "INSERT INTO series SELECT printf('S%04d', s), 'topic-' || (s % 10), '基准指标' || s, 'Bench indicator ' || s, "
            "'亿元', '100 million yuan', 'M', 'stock', false, 1, NULL, '基准数据', 'Bench data', '基准', 'Bench', "
            "[]::VARCHAR[], 0, NULL, false, s FROM range(?) r(s)", [N_SERIES])
        con.execute(
            "INSERT INTO releases SELECT printf('bench-%04d', k), '基准发布 ' || k, 'Bench release ' || k, 'monthly', "
            "make_timestamptz(? + (? + k) // 12, (? + k) % 12 + 1, 15, 2, 0, 0.0), 'confirmed', 0, "
            "(SELECT list(printf('S%04d', s) ORDER BY s) FROM range(?) r(s)), NULL, NULL, NULL, "
            "?, '{}', k FROM range(?) q(k)",
            [FIRST_YEAR, FIRST_MONTH, FIRST_MONTH, N_SERIES, N_SERIES * N_VINTAGES, N_RELEASES])
        # Period p is published by releases p … p+9; the value moves a little with each vintage.
        con.execute(
            "INSERT INTO observations SELECT printf('S%04d', s), "
            "printf('%d-%02d', ? + (? - 1 + p) // 12, (? - 1 + p) % 12 + 1), "
            "round(100 + ((s * 7919 + p * 104729) % 10007) / 10.0 + v * 0.1, 1), "
            "CASE WHEN v = 0 THEN 'p' ELSE 'r' END, NULL, NULL, NULL, printf('bench-%04d', p + v), 'bench', NULL "
            "FROM range(?) a(s), range(?) b(p), range(?) c(v) ORDER BY s, p, v",
            [FIRST_YEAR, FIRST_MONTH, FIRST_MONTH, N_SERIES, N_PERIODS, N_VINTAGES])
        count = con.execute("SELECT count(*) FROM observations").fetchone()[0]
        # observation_count per release: the first nine and last nine releases carry fewer figures
        con.execute("UPDATE releases SET observation_count = c.n FROM (SELECT release_id, count(*) n FROM observations "
                    "GROUP BY release_id) c WHERE releases.release_id = c.release_id")
        approve_synthetic(con)
    marker.write_text(str(count))
    print(f"built {count:,} observations in {time.perf_counter() - started:.1f} s → {settings.warehouse_dir}")
    return BenchData(settings, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if present")
    args = parser.parse_args()
    data = build(force=args.force)
    print(f"{data.observations:,} observations in {data.settings.warehouse_dir}")


if __name__ == "__main__":
    main()
