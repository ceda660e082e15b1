"""Site benchmarks on the 10 M-observation warehouse (bench/site_data.py). Prints figures, asserts
nothing: each figure comes with a baseline measured in the same run.

1. explorer chart callback, server time p50/p99 (in-process), vs the bare gate query it needs;
2. page load to first chart in headless Chromium, with plotly.js's basic bundle vs Dash's full bundle
   (a second server, `STATPUB_PLOTLY_BASIC=0`), and DOMContentLoaded of the same page;
3. requests/s and p99 of the home and release pages at 50 concurrent connections (a bounded
   Python load generator on 127.0.0.1), vs /healthz;
4. a published download, first (built) and cached, vs /healthz latency.

Targets (issue 3): callback p50 <= 100 ms, first chart <= 2 s, cached download <= 20 ms.
Run: python -m bench.site_bench [--quick]"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import threading
import time
from datetime import UTC, datetime

import requests

from bench.common import REPO as REPO_ROOT
from bench.site_data import DEFAULT_DIR, build
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings

NOW = datetime(2026, 1, 1, 2, tzinfo=UTC)
NOW_ISO = "2026-01-01T10:00:00+08:00"
LATEST = "bench-0420"
VIEW_OUTPUT = ("..explorer-graph.figure...explorer-table.children...explorer-messages.children..."
               "explorer-downloads.children...explorer-query.data...lang-switch.href..."
               "explorer-start.options...explorer-end.options..")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def view_body(series: list[str], transform: str, start: str | None) -> dict:
    from tests.dashboards.dash_payloads import outputs_of

    outputs = outputs_of(VIEW_OUTPUT)
    inputs = [("explorer-series", "value", series), ("explorer-transform", "value", transform),
              ("explorer-start", "value", start or ""), ("explorer-end", "value", ""),
              ("explorer-chart", "value", "line")]
    return {"output": VIEW_OUTPUT, "outputs": outputs,
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": "explorer-topic", "property": "value", "value": "all"},
                      {"id": "explorer-lang", "property": "data", "value": "zh"}],
            "changedPropIds": ["explorer-series.value"]}


def bench_callback(settings: Settings, runs: int) -> None:
    from statpub.dashboards.app import create_app
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader

    app = create_app(settings, Clock(start=NOW))
    client = app.server.test_client()
    client.get("/healthz")
    rng = random.Random(42)
    cases = []
    for _ in range(runs):
        series = [f"S{rng.randrange(4000):05d}" for _ in range(rng.randint(1, 3))]
        start = rng.choice([None, "2015-01", "2020-06"])
        cases.append((series, rng.choice(["lin", "pc1", "pch"]), start))
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    client.post("/_dash-update-component", json=view_body(*cases[0]))  # warm
    callback, floor = [], []
    for series, transform, start in cases:
        t0 = time.perf_counter()
        response = client.post("/_dash-update-component", json=view_body(series, transform, start))
        callback.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        t0 = time.perf_counter()
        Gate(snapshot, NOW).observations(series)
        floor.append(time.perf_counter() - t0)
    p50, p99 = pct(callback, 50), pct(callback, 99)
    print(f"explorer callback ({runs} calls, 1-3 series of 4,000, ~420 months each): "
          f"p50 {ms(p50)}, p99 {ms(p99)}; gate query alone p50 {ms(pct(floor, 50))} "
          f"(callback = {p50 / pct(floor, 50):.1f}x the gate query)")


def load(url: str, make_request, seconds: float, connections: int) -> tuple[float, float, int]:
    """Requests/s and p99 with `connections` threads, each with its own keep-alive session."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        nonlocal errors
        session = requests.Session()
        mine, bad = [], 0
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            response = make_request(session, url)
            mine.append(time.perf_counter() - t0)
            bad += response.status_code != 200
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, pct(latencies, 99), errors


def router(path: str):
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}
    return lambda session, url: session.post(url + "/_dash-update-component", json=body, timeout=60)


def bench_server(settings: Settings, seconds: float, connections: int) -> None:
    from tests.helpers import start_server

    server = start_server(settings, now=NOW_ISO, workers=2)
    try:
        for path in ("/", f"/release/{LATEST}"):
            router(path)(requests.Session(), server.url)
        # Latency figures first, on an idle server; then the load phases.
        bench_downloads(server.url)
        baseline = start_server(settings, now=NOW_ISO, workers=2, env={"STATPUB_PLOTLY_BASIC": "0"})
        try:
            bench_first_chart(server.url, baseline.url)
        finally:
            baseline.stop()
        plans = [
            ("GET /healthz (baseline)", lambda s, u: s.get(u + "/healthz", timeout=60)),
            ("GET / (page shell)", lambda s, u: s.get(u + "/", timeout=60)),
            ("home page content (router callback)", router("/")),
            ("release page content (router callback)", router(f"/release/{LATEST}")),
        ]
        for label, make in plans:
            rate, p99, errors = load(server.url, make, seconds, connections)
            print(f"{label}: {rate:.0f} req/s, p99 {ms(p99)} at {connections} connections"
                  + (f", {errors} errors" if errors else ""))
    finally:
        server.stop()


def timed_get(session: requests.Session, url: str) -> tuple[float, requests.Response]:
    t0 = time.perf_counter()
    response = session.get(url, timeout=120)
    return time.perf_counter() - t0, response


def bench_downloads(url: str) -> None:
    session = requests.Session()
    health = [timed_get(session, url + "/healthz")[0] for _ in range(30)]
    for label, path in (("release CSV (24,000 rows)", f"/download/release/{LATEST}.csv"),
                        ("release Parquet", f"/download/release/{LATEST}.parquet"),
                        ("explorer view XLSX (3 series)",
                         "/download/view.xlsx?series=S00001,S00002,S00003&vintage=20250115T020000Z")):
        first, response = timed_get(session, url + path)
        assert response.status_code == 200, (path, response.status_code)
        cached = [timed_get(session, url + path)[0] for _ in range(30)]
        print(f"download {label}: first {ms(first)}, cached p50 {ms(pct(cached, 50))}, p99 {ms(pct(cached, 99))} "
              f"({len(response.content) / 1024:.0f} KiB); /healthz p50 {ms(pct(health, 50))}")


def first_chart_times(browser, url: str, runs: int) -> tuple[list[float], list[float]]:
    """(seconds to the first drawn trace, seconds to DOMContentLoaded) per load; a fresh browser
    context per call, so the first load has a cold HTTP cache."""
    page_url = url + "/explorer?series=S00001,S00002&transform=pc1"
    context = browser.new_context()
    chart, dom = [], []
    for _ in range(runs):
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(page_url, wait_until="domcontentloaded")
        dom.append(time.perf_counter() - t0)
        page.wait_for_selector("#explorer-graph .main-svg .trace", timeout=60000)
        chart.append(time.perf_counter() - t0)
        page.close()
    context.close()
    return chart, dom


def bench_first_chart(url: str, baseline_url: str, rounds: int = 3, runs: int = 4) -> None:
    """Page load to first chart with plotly.js's basic bundle (as served) vs Dash's full bundle
    (baseline server, `STATPUB_PLOTLY_BASIC=0`), rounds interleaved so both see the same load."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, list[float]]] = {
        label: {"cold": [], "warm": [], "dom": []} for label in ("basic bundle", "full bundle (baseline)")}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        for _ in range(rounds):
            for label, target in (("basic bundle", url), ("full bundle (baseline)", baseline_url)):
                chart, dom = first_chart_times(browser, target, runs)
                results[label]["cold"].append(chart[0])
                results[label]["warm"] += chart[1:]
                results[label]["dom"] += dom
        browser.close()
    for label, figures in results.items():
        print(f"first chart in Chromium, {label}: cold cache median {statistics.median(figures['cold']):.2f} s, "
              f"warm median {statistics.median(figures['warm']):.2f} s (best {min(figures['warm']):.2f} s); "
              f"DOMContentLoaded median {statistics.median(figures['dom']):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer calls and shorter load phases")
    args = parser.parse_args()
    started = time.perf_counter()
    data_dir = build(DEFAULT_DIR)
    print(f"warehouse ready: {data_dir} ({time.perf_counter() - started:.1f} s)")
    settings = Settings(root=REPO_ROOT, warehouse_dir=data_dir)
    shutil.rmtree(data_dir / "cache", ignore_errors=True)  # so "first" downloads are built
    bench_callback(settings, 50 if args.quick else 300)
    bench_server(settings, 3 if args.quick else 10, 50)


if __name__ == "__main__":
    main()
