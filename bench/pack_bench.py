"""Briefing-pack benchmark: time to build one pack for the demo's largest release (the one with the
most series, so the most tables and charts), embargoed for a press account inside its window.

- cold: a fresh process (interpreter, imports, Chromium start, every chart drawn), empty caches;
- warm, charts drawn: kaleido's Chromium already running, the chart cache empty;
- warm, charts cached: the same figures at the same vintage again (the chart cache hits);
- baseline (same run): drawing one chart (PNG + SVG) with Chromium running, so the figures can be
  read as "charts' worth" on a machine whose load varies.

    python -m bench.pack_bench [--release ID] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import DATA, REPO, machine, python, run_measured

WAREHOUSE = DATA / "press" / "warehouse"
OFFICE = ("示例市统计局", "Example City Statistics Bureau")


def prepare() -> Path:
    """The demo content loaded into a bench warehouse (generated here, never committed)."""
    if not (WAREHOUSE / "current").exists():
        WAREHOUSE.mkdir(parents=True, exist_ok=True)
        run_measured([sys.executable, "-m", "statpub", "load", "--quiet", "--root", str(REPO)],
                     env={"STATPUB_WAREHOUSE": str(WAREHOUSE)})
    return WAREHOUSE


def largest_release(warehouse: Path) -> str:
    from statpub.warehouse.reader import WarehouseReader

    snapshot = WarehouseReader(warehouse).snapshot()
    loaded = [r for r in snapshot.releases.values() if r.observation_count]
    return max(loaded, key=lambda r: (len(r.series), r.observation_count, r.instant)).id


def press_gate(warehouse: Path, release_id: str):
    from statpub.warehouse.gate import Gate, Reader
    from statpub.warehouse.reader import WarehouseReader

    snapshot = WarehouseReader(warehouse).snapshot()
    release = snapshot.releases[release_id]
    return Gate(snapshot, release.instant - timedelta(hours=1), Reader("bench", "press"))


def build_once(warehouse: str, release_id: str, cache: str, out: str) -> None:
    """One pack, as the CLI builds it (called in a fresh process for the cold figure)."""
    from statpub.dashboards.filecache import FileCache
    from statpub.features.press.pack import build_pack

    build_pack(press_gate(Path(warehouse), release_id), release_id, Path(out), cache=FileCache(Path(cache)),
               office=OFFICE)


def first_in_window(warehouse: Path, release_id: str, scratch: Path, repeat: int) -> tuple[list[float], list]:
    """The first pack a press account asks for once the window is open: its charts were drawn at
    the window's opening by the scheduler's `press.charts` job (the same gather and render, for a
    press reader at the opening), so the build finds them in the cache; in this process and cold."""
    from statpub.dashboards.filecache import FileCache
    from statpub.features.press.pack import build_pack
    from statpub.features.press.pack import charts as chart_images
    from statpub.features.press.pack.content import gather
    from statpub.warehouse.gate import Gate

    in_window = press_gate(warehouse, release_id)
    release = in_window.snapshot.releases[release_id]
    opening = Gate(in_window.snapshot, release.instant - release.window, in_window.reader)
    warm, cold = [], []
    for i in range(repeat):
        cache = scratch / f"window-cache-{i}"
        content = gather(opening, release_id, OFFICE)
        chart_images.render(list(content.charts), content.notice, FileCache(cache))  # what the job does
        warm.append(timed(lambda i=i, cache=cache: build_pack(in_window, release_id, scratch / f"window-{i}",
                                                              cache=FileCache(cache), office=OFFICE)))
        cold.append(run_measured(python("from bench.pack_bench import build_once",
                                        f"build_once({str(warehouse)!r}, {release_id!r}, {str(cache)!r}, "
                                        f"{str(scratch / f'window-cold-{i}')!r})")))
    return warm, cold


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", help="release id (default: the one with the most series)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warehouse = prepare()
    release_id = args.release or largest_release(warehouse)
    scratch = Path(tempfile.mkdtemp(prefix="pack-bench-", dir=DATA))
    try:
        cold = []
        for i in range(args.repeat):
            cache, out = scratch / f"cold-cache-{i}", scratch / f"cold-out-{i}"
            run = run_measured(python("from bench.pack_bench import build_once",
                                      f"build_once({str(warehouse)!r}, {release_id!r}, {str(cache)!r}, {str(out)!r})"))
            cold.append(run)

        from statpub.dashboards.filecache import FileCache
        from statpub.features.press.pack import build_pack
        from statpub.features.press.pack import charts as chart_images
        from statpub.features.press.pack.content import gather

        chart_images.start_renderer()
        gate = press_gate(warehouse, release_id)
        content = gather(gate, release_id, OFFICE)
        one = [content.charts[0]]
        chart_images.render(one, content.notice, FileCache(scratch / "warm-up"))  # the first tab load is not measured
        baseline = [timed(lambda i=i: chart_images.render(one, content.notice, FileCache(scratch / f"one-{i}")))
                    for i in range(args.repeat)]
        warm_drawn = [timed(lambda i=i: build_pack(gate, release_id, scratch / f"w-{i}",
                                                   cache=FileCache(scratch / f"warm-cache-{i}"), office=OFFICE))
                      for i in range(args.repeat)]
        shared = FileCache(scratch / "shared-cache")
        build_pack(gate, release_id, scratch / "prime", cache=shared, office=OFFICE)
        warm_cached = [timed(lambda i=i: build_pack(gate, release_id, scratch / f"c-{i}", cache=shared, office=OFFICE))
                       for i in range(args.repeat)]
        at_window, window_cold = first_in_window(warehouse, release_id, scratch, args.repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    base = min(baseline)
    load = os.getloadavg()
    print(f"# Briefing pack — {datetime.now(UTC):%Y-%m-%d} — {machine()}")
    print(f"release {release_id}: {len(content.rows)} figures, {len(content.tables)} tables, "
          f"{len(content.charts)} charts (PNG + SVG each); load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print()
    print("| build | best s | median s | best ÷ one chart | target |")
    print("|---|---:|---:|---:|---|")
    rows = [("cold (new process, Chromium start, empty caches)", [r.seconds for r in cold], "≤ 10 s"),
            ("warm, charts drawn (Chromium running, empty chart cache)", warm_drawn, "≤ 3 s"),
            ("warm, charts cached (same figures, same vintage)", warm_cached, "≤ 3 s"),
            ("first pack in the window, charts drawn at its opening (press.charts)", at_window, "≤ 3 s"),
            ("the same, cold (new process, charts drawn at the opening)", [r.seconds for r in window_cold], "≤ 10 s"),
            ("baseline: one chart, PNG + SVG (Chromium running)", baseline, "")]
    for name, samples, target in rows:
        print(f"| {name} | {min(samples):.2f} | {statistics.median(samples):.2f} | {min(samples) / base:.1f} | {target} |")
    print()
    print(f"cold peak RSS of the building process: {max(r.peak_rss_mb for r in cold):.0f} MB (Chromium not counted)")


if __name__ == "__main__":
    main()
