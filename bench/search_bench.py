"""Search: building the full-text index for the demo's public state (everything published: releases,
interpretations with figures rendered, series, the register, FAQ), and answering queries from it —
against a baseline measured in the same run: the same texts in a plain SQLite table searched with
LIKE (what a site without an index does), at the demo's size and at 50 times it.

    python -m bench.search_bench
"""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from statpub.dashboards.hooks import plugin_manager
from statpub.etl.load import load
from statpub.features.register.search.documents import gather
from statpub.features.register.search.index import SearchIndex, search
from statpub.features.register.search.segment import tokenizer
from statpub.kernel.clock import BEIJING, Clock
from statpub.kernel.config import Settings
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 10, 10, 0, 5, tzinfo=BEIJING)
QUERIES = ["地区生产总值", "统计调查项目", '"有效期届满"', "gross domestic product", "居民 消费 价格", "penalty"]
REPEAT = 30


def timed(fn, repeat: int = REPEAT) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def like_baseline(docs, folder: Path, copies: int) -> Path:
    path = folder / f"like-{copies}.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE docs (title TEXT, body TEXT, lang TEXT, url TEXT)")
    con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)",
                    [(d.title, d.body, d.lang, d.url) for _ in range(copies) for d in docs])
    con.commit()
    con.close()
    return path


def like_search(path: Path, query: str) -> int:
    con = sqlite3.connect(path)
    words = [w for w in query.replace('"', " ").split() if w]
    where = " AND ".join("(title LIKE ? OR body LIKE ?)" for _ in words)
    args = [a for w in words for a in (f"%{w}%", f"%{w}%")]
    rows = con.execute(f"SELECT count(*) FROM docs WHERE {where}", args).fetchone()[0]  # noqa: S608 - fixed text
    con.close()
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="statpub-search-bench-") as scratch:
        folder = Path(scratch)
        settings = Settings(root=REPO, warehouse_dir=folder / "wh")
        load(settings, clock=Clock(start=NOW))
        gate = Gate(WarehouseReader(settings.warehouse_dir).snapshot(), NOW)
        hooks = plugin_manager().hook
        start = time.perf_counter()
        tokenizer(folder / "wh" / "search" / "jieba")
        jieba_s = time.perf_counter() - start
        start = time.perf_counter()
        docs = gather(gate, hooks, settings)
        gather_s = time.perf_counter() - start
        index = SearchIndex(settings, hooks)
        start = time.perf_counter()
        path = index.ensure(gate)
        build_s = time.perf_counter() - start
        print(f"# {datetime.now():%Y-%m-%d} {platform.node()} {platform.processor() or platform.machine()}, "
              f"{os.cpu_count()} cores (shared with other sessions' work)")
        print(f"jieba dictionary ready in {jieba_s:.2f} s (once per process)")
        print(f"{len(docs)} documents gathered through the gate in {gather_s:.2f} s; index built in {build_s:.2f} s "
              f"({path.stat().st_size / 1024:.0f} KiB)")
        for copies in (1, 50):
            fts_path = path
            if copies > 1:
                fts_path = folder / f"fts-{copies}.sqlite"
                index.build(fts_path, docs * copies, NOW)
            like_path = like_baseline(docs, folder, copies)
            print(f"\n{len(docs) * copies} documents | query | FTS5 p50 / p95 ms | LIKE p50 / p95 ms | ratio")
            for query in QUERIES:
                fts = timed(lambda q=query, p=fts_path: search(p, q, limit=20))
                like = timed(lambda q=query, p=like_path: like_search(p, q))
                ratio = statistics.median(like) / statistics.median(fts)
                print(f"  {query:<24} {statistics.median(fts):7.2f} / {sorted(fts)[int(REPEAT * .95) - 1]:7.2f}"
                      f" | {statistics.median(like):7.2f} / {sorted(like)[int(REPEAT * .95) - 1]:7.2f} | {ratio:5.1f}×")


if __name__ == "__main__":
    main()
