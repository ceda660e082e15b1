"""Deterministic synthetic content roots for benchmarks and heavy tests: `series` monthly series
× `months` periods in one long-layout CSV, written by DuckDB (fast, byte-identical every run).

    python -m bench.synthetic DIR --series 10000 --months 1000   # 10 M observations
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import yaml

START_YEAR = 1901


def series_code(i: int) -> str:
    return f"S{i:05d}"


def write_content(root: Path, series: int, months: int, *, release_id: str = "synthetic",
                  instant: str = "2024-01-19T10:00:00+08:00") -> Path:
    """Write calendar.yaml, releases/catalogue.yaml and one release with `series × months` rows."""
    folder = root / "releases" / release_id
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = {
        "office": {"zh": "合成数据", "en": "Synthetic data"},
        "licence": {"zh": "测试", "en": "test"},
        "topics": [{"code": "synthetic", "name": {"zh": "合成", "en": "Synthetic"}}],
        "series": [{"code": series_code(i), "topic": "synthetic", "name": {"zh": f"序列{i}", "en": f"Series {i}"},
                    "unit": {"zh": "亿元", "en": "100 million yuan"}, "frequency": "M", "measure": "stock",
                    "decimals": 2, "definition": {"zh": "合成", "en": "synthetic"},
                    "source": {"zh": "合成", "en": "synthetic"}} for i in range(series)],
    }
    (root / "releases" / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    calendar = {"releases": [{
        "id": release_id, "title": {"zh": "合成发布", "en": "Synthetic release"}, "kind": "monthly",
        "instant": instant, "state": "confirmed", "series": [series_code(i) for i in range(series)],
        "sources": [{"file": "data.csv", "layout": "long", "encoding": "utf-8"}],
    }]}
    (root / "calendar.yaml").write_text(yaml.safe_dump(calendar, allow_unicode=True), encoding="utf-8")
    csv_path = folder / "data.csv"
    con = duckdb.connect()
    # Rows in file order month-major, so the loader's sort by series does real work.
    con.execute(f"""
        COPY (
            SELECT 'S' || lpad(s::VARCHAR, 5, '0') AS series_code,
                   ({START_YEAR} + m // 12)::VARCHAR || '-' || lpad((m % 12 + 1)::VARCHAR, 2, '0') AS period,
                   round(100 + (hash(s * 1000003 + m) % 1000000) / 100.0, 2) AS value
            FROM range({months}) t(m), range({series}) u(s)
            ORDER BY m, s
        ) TO '{csv_path}' (HEADER, DELIMITER ',')
    """)  # noqa: S608 - integers and a path we chose
    con.close()
    return csv_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=1_000)
    args = parser.parse_args()
    path = write_content(args.root, args.series, args.months)
    print(f"wrote {args.series * args.months:,} observations to {path}")


if __name__ == "__main__":
    main()
