"""API benchmarks on the 10-million-observation warehouse (bench/api_data.py), baselines measured
in the same run on the same machine:

1. One series as JSON, a random one of 5,000 per request, 50 concurrent connections (wrk) on
   127.0.0.1: statpub (gunicorn, 2 workers) vs Datasette serving the same series from an indexed
   SQLite copy of the same observations, vs nginx serving the same bytes as static files (the
   ceiling). statpub twice: uncached (`STATPUB_API_MEMO=0`: every answer computed through the gate,
   as right after a release instant; target ≥ 2× Datasette, p99 ≤ 100 ms) and memoised (target
   ≥ 10× Datasette, p99 ≤ 50 ms). Uncached statpub — from the public state's latest view, and
   through DuckDB alone with the views off — and Datasette are measured in alternating rounds
   (`--rounds`, default 3): median and spread of each, and the RSS of a web worker.
2. Bulk Parquet export of the whole history (10 M rows, every vintage) through the gate vs DuckDB
   `COPY (same query) TO … (FORMAT parquet)`. Target: ≤ 1.2×.
3. A remote reader (pyarrow over fsspec HTTP) reading one series from the 10 M-row history file:
   bytes fetched vs file size.

    python -m bench.api_bench [--seconds 15] [--skip-baselines]

wrk and nginx come from Debian (`make bench` installs them: tools/install_system_deps.sh --bench),
Datasette from PyPI (the bench extra, beside this Python). A missing baseline is installed or the
bench fails: a figure is never printed without its baseline. Record the figures in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests

from bench.api_data import DATA, N_SERIES, BenchData, build, series_code
from bench.common import REPO as REPO_ROOT

CONNECTIONS = 50
SERIES_PATH = "/api/v1/series/S%04d/observations"
DATASETTE_PATH = "/bench/latest.json?code=S%04d&_shape=array"
LATEST_SQL = ("SELECT series_code, period, value, status, note, release_id, vintage FROM observations o "
              "WHERE series_code = :code AND vintage = (SELECT max(vintage) FROM observations i "
              "WHERE i.series_code = o.series_code AND i.period = o.period) ORDER BY period")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_tool(name: str, apt: str | None = None, pip: str | None = None) -> str:
    """The command `name`: beside this Python first (a virtualenv's bin, not necessarily on PATH),
    then on PATH; installed when missing; a missing baseline fails the bench, never skips it."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found:
        return found
    print(f"  installing {name} …")
    if apt:
        subprocess.run(["apt-get", "install", "-y", "-qq", apt], capture_output=True)
    if pip:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", pip], capture_output=True)
    found = str(beside) if beside.is_file() else shutil.which(name)
    if not found:
        sys.exit(f"FAILED: {name} is needed for a baseline and could not be installed "
                 f"({'apt-get install ' + apt if apt else 'pip install ' + str(pip)})")
    return found


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up in {timeout} s")


@contextmanager
def running(command: list[str], url: str, env: dict | None = None, cwd: Path | None = None,
            processes: list | None = None) -> Iterator[str]:
    """A server started for the bench (its process appended to `processes`), stopped after."""
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if processes is not None:
        processes.append(process)
    try:
        wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wrk(base: str, path_format: str, seconds: int) -> dict:
    """Requests/s and latency percentiles of wrk (2 threads, CONNECTIONS connections) asking for a
    random one of the N_SERIES series per request."""
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lua_format = path_format.replace("%04d", "%04d")
    script.write("math.randomseed(20261210)\n"
                 f"request = function() return wrk.format('GET', string.format('{lua_format}', "
                 f"math.random(0, {N_SERIES - 1}))) end\n")
    script.close()
    out = subprocess.run([ensure_tool("wrk", apt="wrk"), "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", script.name, base],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "non_2xx": int(errors.group(1)) if errors else 0}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def warm(base: str, path_format: str, workers: int = 4) -> float:
    """Ask for every series once; returns requests per second of these first (cold) requests."""
    session = requests.Session()

    def one(i: int) -> None:
        response = session.get(base + path_format % i, timeout=120)
        response.raise_for_status()
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(N_SERIES)))
    return N_SERIES / (time.perf_counter() - started)


def statpub_env(data: BenchData, *, memo: bool = True) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATPUB_")}
    env.update(PYTHONPATH=str(REPO_ROOT), STATPUB_ROOT=str(data.settings.root),
               STATPUB_WAREHOUSE=str(data.settings.warehouse_dir), STATPUB_NOW=data.now, STATPUB_API_RATE="0")
    if memo:
        env["STATPUB_API_MEMO_MB"] = "256"  # every answer of the bench fits in memory
    else:
        env["STATPUB_API_MEMO"] = "0"  # every answer computed through the gate (as after an instant)
    return env


def statpub_command(port: int) -> list[str]:
    return [sys.executable, "-m", "statpub", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", "2", "--threads", "2"]


def worker_memory_mb(server: subprocess.Popen) -> dict:
    """The largest worker process (gunicorn's children) of the server, in MB: resident set (RSS,
    with the shared libraries and the pages shared with the master), proportional set (PSS, shared
    pages divided among the processes sharing them) and unique set (USS, what the worker alone holds)."""
    import psutil

    children = psutil.Process(server.pid).children(recursive=True)
    infos = [child.memory_full_info() for child in children]
    return {name: max((getattr(info, name) for info in infos), default=0) / 1e6 for name in ("rss", "pss", "uss")}


def sqlite_copy(data: BenchData) -> Path:
    """The same observations (every vintage) in SQLite, indexed for one series' latest values."""
    path = DATA / "bench.sqlite"
    if path.is_file():
        return path
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader

    started = time.perf_counter()
    snapshot = WarehouseReader(data.settings.warehouse_dir).snapshot()
    gate = Gate(snapshot, _instant(data.now))
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.execute("CREATE TABLE observations (series_code TEXT, period TEXT, value REAL, status TEXT, note TEXT, "
                "release_id TEXT, vintage TEXT)")
    for batch in gate.history():
        columns = batch.to_pydict()
        vintages = [v.isoformat() for v in columns["vintage"]]
        con.executemany("INSERT INTO observations VALUES (?, ?, ?, ?, ?, ?, ?)",
                        zip(columns["series_code"], columns["period"], columns["value"], columns["status"],
                            columns["note"], columns["release_id"], vintages, strict=True))
    con.execute("CREATE INDEX observations_series ON observations (series_code, period, vintage)")
    con.commit()
    con.close()
    tmp.rename(path)
    print(f"  SQLite copy built in {time.perf_counter() - started:.0f} s")
    return path


def _instant(text: str):
    from statpub.kernel.clock import parse_instant

    return parse_instant(text)


@contextmanager
def datasette_server(data: BenchData) -> Iterator[str]:
    """Datasette on an indexed SQLite copy of the same observations; yields its base URL."""
    database = sqlite_copy(data)
    metadata = DATA / "datasette.json"
    metadata.write_text(json.dumps({"databases": {"bench": {"queries": {"latest": {"sql": LATEST_SQL}}}}}))
    port = free_port()
    command = [ensure_tool("datasette", pip="datasette"), "serve", "-i", str(database), "--metadata", str(metadata),
               "-h", "127.0.0.1", "-p", str(port), "--setting", "num_sql_threads", "4"]
    with running(command, f"http://127.0.0.1:{port}/bench/latest.json?code=S0000&_shape=array") as url:
        base = url.rsplit("/bench", 1)[0]
        sample = requests.get(base + DATASETTE_PATH % 1, timeout=30).json()
        assert len(sample) == 200, "Datasette's answer is not the series' 200 latest values"
        yield base


def uncached_rounds(data: BenchData, seconds: int, rounds: int) -> dict:
    """statpub with every answer computed through the gate — from the public state's latest view
    (warehouse/latest_view.py, built once per state, ahead of its instant) and through DuckDB
    alone (`STATPUB_LATEST_VIEWS=0`) — vs Datasette, in alternating rounds on servers running side
    by side (so all see the same machine load); worker memory after."""
    from statpub.warehouse import latest_view

    views = latest_view.views_dir(data.settings.warehouse_dir.joinpath("current").resolve())
    shutil.rmtree(views, ignore_errors=True)  # the bench measures the view's build too
    port, port_duckdb = free_port(), free_port()
    processes: list = []
    found: dict = {"statpub_uncached": [], "statpub_duckdb": [], "datasette": []}
    off = statpub_env(data, memo=False) | {latest_view.ENV: "0"}
    with running(statpub_command(port), f"http://127.0.0.1:{port}/healthz", env=statpub_env(data, memo=False),
                 cwd=REPO_ROOT, processes=processes) as health, \
            running(statpub_command(port_duckdb), f"http://127.0.0.1:{port_duckdb}/healthz", env=off, cwd=REPO_ROOT,
                    processes=processes) as health_duckdb, datasette_server(data) as datasette:
        base, base_duckdb = health.removesuffix("/healthz"), health_duckdb.removesuffix("/healthz")
        started = time.perf_counter()
        requests.get(base + SERIES_PATH % 0, timeout=60).raise_for_status()  # asks for the state's view
        while not list(views.glob("*.arrow")):
            if time.perf_counter() - started > 300:
                raise RuntimeError("the latest view was not built in 300 s")
            time.sleep(0.1)
        found["view_build_s"] = time.perf_counter() - started
        found["view_mb"] = sum(p.stat().st_size for p in views.glob("*.arrow")) / 1e6
        print(f"  latest view built {found['view_build_s']:.1f} s after the first request "
              f"({found['view_mb']:.0f} MB)", flush=True)
        for url, path in ((base, SERIES_PATH), (base_duckdb, SERIES_PATH), (datasette, DATASETTE_PATH)):
            wrk(url, path, 5)  # page cache and DuckDB's or SQLite's buffers, not answers: none are kept
        order = (("statpub_uncached", base, SERIES_PATH), ("statpub_duckdb", base_duckdb, SERIES_PATH),
                 ("datasette", datasette, DATASETTE_PATH))
        for turn in range(rounds):
            for name, url, path in (order if turn % 2 == 0 else order[::-1]):
                found[name].append(wrk(url, path, seconds) | {"load": os.getloadavg()[0]})
                print(f"  round {turn + 1} {name}: {found[name][-1]}", flush=True)
        found["worker_memory"] = worker_memory_mb(processes[0])
        found["worker_memory_duckdb"] = worker_memory_mb(processes[1])
    return found


def bench_nginx(static_root: Path, seconds: int) -> dict:
    nginx = ensure_tool("nginx", apt="nginx-light")
    port = free_port()
    prefix = Path(tempfile.mkdtemp(prefix="statpub-nginx-"))
    (prefix / "logs").mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(
        "daemon off; worker_processes 2; pid " + str(prefix / "nginx.pid") + "; error_log " + str(prefix / "error.log") +
        ";\nevents { worker_connections 4096; }\nhttp { access_log off; default_type application/json; "
        "sendfile on; tcp_nopush on; keepalive_requests 100000;\n server { listen 127.0.0.1:" + str(port) +
        "; root " + str(static_root) + "; location / { try_files $uri =404; } } }\n")
    try:
        with running([nginx, "-p", str(prefix), "-c", str(conf)], f"http://127.0.0.1:{port}" + SERIES_PATH % 0) as _:
            return wrk(f"http://127.0.0.1:{port}", SERIES_PATH, seconds)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def bench_export(data: BenchData) -> dict:
    """The whole history to Parquet through the gate (what `history.parquet` runs on first request)
    vs a bare DuckDB COPY of the same query."""
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader

    snapshot = WarehouseReader(data.settings.warehouse_dir).snapshot()
    gate = Gate(snapshot, _instant(data.now))
    ids = [r.id for r in gate.visible_releases()]
    out = Path(tempfile.mkdtemp(prefix="statpub-export-"))
    copy_sql = (
        "COPY (SELECT o.series_code, o.period, CASE WHEN contains(o.status, 'c') THEN NULL ELSE o.value END AS value, "
        "o.status, o.note, o.release_id, r.instant AS vintage FROM observations o JOIN releases r "
        "ON r.release_id = o.release_id WHERE list_contains(?, o.release_id) "
        "ORDER BY o.series_code, o.period, r.instant, o.release_id) "
        "TO ? (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536)")
    ours, duck = [], []
    rows = 0
    for turn in range(3):  # interleaved, best of three: the machine may be shared
        for who in (("ours", "duck") if turn % 2 == 0 else ("duck", "ours")):
            started = time.perf_counter()
            if who == "ours":
                rows = gate.copy_history(out / "statpub.parquet", metadata={"title": "bench"})
                ours.append(time.perf_counter() - started)
            else:
                cur = snapshot.cursor()
                cur.execute(copy_sql, [ids, str(out / "duckdb.parquet")])
                duck.append(time.perf_counter() - started)
                cur.close()
    result = {"rows": rows, "statpub_s": min(ours), "duckdb_copy_s": min(duck),
              "ratio": min(ours) / min(duck), "statpub_mb": (out / "statpub.parquet").stat().st_size / 1e6,
              "duckdb_mb": (out / "duckdb.parquet").stat().st_size / 1e6}
    shutil.rmtree(out, ignore_errors=True)
    return result


def bench_remote_read(base: str) -> dict:
    """pyarrow over fsspec HTTP reads one series of the 10 M-row history: what it fetches."""
    import fsspec
    import pyarrow.parquet as pq

    url = base + "/api/v1/files/latest/history.parquet"
    started = time.perf_counter()
    requests.head(url, timeout=600)
    requests.get(url, headers={"Range": "bytes=0-0"}, timeout=600)  # generated once, on first request
    build_s = time.perf_counter() - started
    fs = fsspec.filesystem("http")
    started = time.perf_counter()
    with fs.open(url, block_size=256 * 1024, cache_type="bytes") as handle:
        table = pq.read_table(handle, filters=[("series_code", "=", series_code(1234))])
        fetched, size = handle.cache.total_requested_bytes, handle.size
    return {"rows": table.num_rows, "fetched_mb": fetched / 1e6, "file_mb": size / 1e6,
            "read_s": time.perf_counter() - started, "first_build_s": build_s}


def main() -> None:
    parser = argparse.ArgumentParser(description="API benchmarks (10 M observations)")
    parser.add_argument("--seconds", type=int, default=15, help="duration of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of uncached statpub vs Datasette")
    args = parser.parse_args()
    ensure_tool("wrk", apt="wrk")
    data = build()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{data.observations:,} observations, {N_SERIES} series; load average {os.getloadavg()[0]:.1f}")
    results: dict = uncached_rounds(data, args.seconds, args.rounds)
    port = free_port()
    static_root = Path(tempfile.mkdtemp(prefix="statpub-static-"))
    static_root.chmod(0o755)  # nginx workers run as an unprivileged user
    processes: list = []
    try:
        with running(statpub_command(port), f"http://127.0.0.1:{port}/healthz", env=statpub_env(data), cwd=REPO_ROOT,
                     processes=processes) as health:
            base = health.removesuffix("/healthz")
            results["statpub_cold_rps"] = warm(base, SERIES_PATH)
            print(f"  statpub first requests (each computed through the gate): {results['statpub_cold_rps']:.0f} req/s")
            wrk(base, SERIES_PATH, 20)  # until each worker process holds every answer in memory
            results["statpub"] = wrk(base, SERIES_PATH, args.seconds)
            results["memo_worker_memory"] = worker_memory_mb(processes[0])
            print(f"  statpub: {results['statpub']}")
            for i in range(N_SERIES):  # the same bytes, for nginx
                target = static_root / (SERIES_PATH % i).lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(requests.get(base + SERIES_PATH % i, timeout=30).content)
            results["remote_read"] = bench_remote_read(base)
            print(f"  remote read of one series: {results['remote_read']}")
        with datasette_server(data) as datasette:
            results["datasette_memo_run"] = wrk(datasette, DATASETTE_PATH, args.seconds)
        results["nginx"] = bench_nginx(static_root, args.seconds)
        print(f"  nginx: {results['nginx']}")
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    results["export"] = bench_export(data)
    print(f"  export: {results['export']}")
    report(results)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes on the machine skew p99)")


def _spread(samples: list[float]) -> str:
    return f"{statistics.median(samples):.1f} (min {min(samples):.1f}, max {max(samples):.1f})"


def report(r: dict) -> None:
    ours, theirs = r["statpub_uncached"], r["datasette"]
    ratios = [a["rps"] / b["rps"] for a, b in zip(ours, theirs, strict=True)]
    print(f"\n== uncached: every answer through the gate (STATPUB_API_MEMO=0) vs Datasette, {len(ratios)} rounds, "
          "one series (JSON), random of 5,000, 50 connections ==")
    print(f"the public state's latest view built {r['view_build_s']:.1f} s after the first request "
          f"({r['view_mb']:.0f} MB, in a child process)")
    for name, runs in (("statpub", ours), ("statpub, DuckDB path (latest views off)", r["statpub_duckdb"]),
                       ("Datasette", theirs)):
        print(f"{name}: req/s {_spread([x['rps'] for x in runs])}; p50 ms {_spread([x['p50_ms'] for x in runs])}; "
              f"p99 ms {_spread([x['p99_ms'] for x in runs])}; non-2xx {sum(x['non_2xx'] for x in runs)}")
    p99 = statistics.median([x["p99_ms"] for x in ours])
    ratio = statistics.median(ratios)
    duckdb_ratio = statistics.median([a["rps"] / b["rps"] for a, b in zip(r["statpub_duckdb"], theirs, strict=True)])
    print(f"statpub ÷ Datasette per round: {', '.join(f'{x:.2f}×' for x in ratios)}; median {ratio:.2f}× "
          f"(target ≥ 2×), p99 median {p99:.1f} ms (target ≤ 100 ms): {'MET' if ratio >= 2 and p99 <= 100 else 'NOT MET'}; "
          f"DuckDB path {duckdb_ratio:.2f}×; load average {_spread([x['load'] for x in ours + theirs])}")
    for label, key in (("memo off", "worker_memory"), ("memo off, latest views off", "worker_memory_duckdb"),
                       ("memo on, up to 256 MB of answers", "memo_worker_memory")):
        m = r[key]
        print(f"web worker with the 10 M warehouse, {label}: RSS {m['rss']:.0f} MB (target ≤ 200 MB), "
              f"PSS {m['pss']:.0f} MB, USS {m['uss']:.0f} MB")
    s = r["statpub"]
    print("\n== memoised: one series (JSON), random of 5,000, 50 connections ==")
    print(f"{'server':<12}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, key in (("statpub", "statpub"), ("datasette", "datasette_memo_run"), ("nginx", "nginx")):
        print(f"{name:<12}{r[key]['rps']:>10.0f}{r[key]['p50_ms']:>10.1f}{r[key]['p99_ms']:>10.1f}")
    ratio = s["rps"] / r["datasette_memo_run"]["rps"]
    print(f"statpub / Datasette: {ratio:.1f}× (target ≥ 10×), p99 {s['p99_ms']:.1f} ms (target ≤ 50 ms): "
          f"{'MET' if ratio >= 10 and s['p99_ms'] <= 50 else 'NOT MET'}")
    print(f"statpub / nginx static: {s['rps'] / r['nginx']['rps']:.2f}")
    e = r["export"]
    print(f"\n== bulk Parquet export, {e['rows']:,} rows ==\nstatpub {e['statpub_s']:.2f} s ({e['statpub_mb']:.1f} MB) "
          f"vs DuckDB COPY {e['duckdb_copy_s']:.2f} s ({e['duckdb_mb']:.1f} MB): {e['ratio']:.2f}× (target ≤ 1.2×): "
          f"{'MET' if e['ratio'] <= 1.2 else 'NOT MET'}")
    rr = r["remote_read"]
    print(f"\n== remote read of one series over HTTP ==\n{rr['rows']} rows; fetched {rr['fetched_mb']:.2f} MB of "
          f"{rr['file_mb']:.1f} MB in {rr['read_s']:.2f} s (file generated on first request in {rr['first_build_s']:.1f} s)")

if __name__ == "__main__":
    main()
