"""The message board at 10,000 stored messages (generated deterministically through the board's
own records: submitted, assigned, answered, reviewed, published or not accepted, over two years).
Prints figures, asserts nothing; each comes with a baseline measured in the same run.

1. the board page (`/messages`, published replies, newest first), a search (`/messages?q=…`, a
   word of a fixed list per request) and a later page of the list, requests/s and p99 at 50
   connections (wrk), against the site's home page and /healthz on the same server;
2. the monthly statistics (`board_statistics`, the public statistics page's work) for every month
   of the two years, p50/p99/max, against a bare `count(*)` of the same month — target ≤ 200 ms —
   and the yearly statistics.

    python -m bench.messages_bench [--messages 10000] [--seconds 15] [--engine sqlite|postgresql] [--reuse]

wrk comes from Debian (`apt-get install -y wrk`); PostgreSQL from Debian too (a throwaway cluster,
as the tests start it)."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import quote

import requests

from bench.api_bench import ensure_tool
from bench.common import DATA, REPO, machine, percentile
from statpub.kernel.clock import parse_instant
from statpub.kernel.config import Settings
from statpub.kernel.content import copy_content

NOW = "2026-12-10T10:00:05+08:00"
FIRST_DAY = date(2025, 1, 2)
DAYS = 700
SEED = 20261210
CONNECTIONS = 50
WORDS = ("增长", "可比价格", "季度", "修订", "GDP", "CPI", "口径", "最终核实", "下载", "prices", "revised", "数据")
PHRASES = ("请问{s}的统计口径是什么？", "{s}的增长速度是否按可比价格计算？", "建议{s}提供更长的时间序列下载。",
           "{s}的季度数据与年度数据为何不一致？", "Could you explain how {s} is revised after the final verification?",
           "{s}发布的数据何时修订？", "希望{s}增加分区数据。", "The CPI figure in {s} looks different from the table.")
REPLIES = ("按可比价格计算，详见统计制度说明。", "季度数据为初步核算数，年度数据经最终核实后修订。", "感谢建议，我们将研究增加长序列下载。",
           "Yes: the figure is revised after the final verification; see the note under the table.")


def content(base) -> Settings:
    """A copy of the demo content with its warehouse loaded (kept for later runs)."""
    from statpub.etl.load import load
    from statpub.kernel.clock import Clock

    root, warehouse = base / "content", base / "warehouse"
    settings = Settings(root=root, warehouse_dir=warehouse)
    if (warehouse / "current").exists():
        return settings
    shutil.rmtree(base, ignore_errors=True)
    copy_content(REPO, root)
    load(settings, clock=Clock())
    return settings


def subjects_of(settings: Settings) -> list:
    from statpub.features.messages.board import Subject
    from statpub.warehouse.gate import Gate
    from statpub.warehouse.reader import WarehouseReader

    gate = Gate(WarehouseReader(settings.warehouse_dir).snapshot(), parse_instant(NOW))
    found = [Subject("topic", t.code, t.code) for t in gate.topics()]
    for release in gate.published_releases():
        info = next((gate.series_info(c) for c in release.series if gate.series_info(c)), None)
        found.append(Subject("release", release.id, info.topic if info else None))
    return found


def fill(settings: Settings, count: int) -> float:
    """`count` messages through the board's records, deterministically; seconds taken."""
    from statpub.features.messages.service import Office
    from statpub.warehouse.gate import Reader

    office, rng = Office(settings), random.Random(SEED)
    responder, reviewer = Reader("bench.responder", "responder"), Reader("bench.reviewer", "reviewer")
    subjects = subjects_of(settings)
    started = time.perf_counter()
    for i in range(count):
        subject = rng.choice(subjects)
        sent = (FIRST_DAY + timedelta(days=DAYS * i / count)).isoformat()
        when = parse_instant(f"{sent}T{9 + i % 8:02d}:{i % 60:02d}:00+08:00")
        category = rng.choice(("consultation", "consultation", "evaluation", "suggestion", "error"))
        text = rng.choice(PHRASES).format(s=subject.id) + f"（编号{i}）"
        message = office.board.submit(subject, category, text, rating=rng.randint(1, 5) if category == "evaluation"
                                      else None, contact=f"c{i}@example.org" if i % 3 else None, lang="zh",
                                      client_hash=f"bench-{i}", now=when)
        fate = rng.random()
        if fate < 0.08:
            office.board.not_accept(message.code, responder, when + timedelta(days=1), reason_zh="与本机关职责无关")
        elif fate < 0.85 and when < parse_instant(NOW) - timedelta(days=20):
            answered = when + timedelta(days=rng.randint(1, 20), hours=2)
            office.board.assign(message.code, responder, answered, assignee="bench.responder", department="综合处")
            office.board.draft_reply(message.code, responder, answered, question_zh=text, reply_zh=rng.choice(REPLIES),
                                     publish=fate < 0.6)
            office.board.review(message.code, reviewer, answered, approve=True)
    return time.perf_counter() - started


def stored(settings: Settings) -> int:
    """Messages in the store (0 when it has none yet)."""
    from statpub.features.messages.service import Office

    with Office(settings).store.connect() as con:
        return int(con.execute("SELECT count(*) FROM messages").fetchone()[0])


def bench_statistics(settings: Settings) -> None:
    from statpub.features.messages.service import Office
    from statpub.features.messages.stats import board_statistics, period_bounds

    office = Office(settings)
    months = sorted({(FIRST_DAY + timedelta(days=d)).strftime("%Y-%m") for d in range(DAYS)})
    board_statistics(office.store, office.calendar, months[0])  # warm the store and the calendar
    timed, floor, sizes = [], [], []
    for month in months:
        first, last = period_bounds(month)
        t0 = time.perf_counter()
        stats = board_statistics(office.store, office.calendar, month)
        timed.append(time.perf_counter() - t0)
        sizes.append(stats["total"]["received"])
        t0 = time.perf_counter()
        with office.store.connect() as con:
            con.execute("SELECT count(*) FROM messages WHERE received_on >= ? AND received_on <= ?",
                        [first.isoformat(), last.isoformat()]).fetchone()
        floor.append(time.perf_counter() - t0)
    years = {}
    for year in ("2025", "2026"):
        t0 = time.perf_counter()
        board_statistics(office.store, office.calendar, year)
        years[year] = time.perf_counter() - t0
    print(f"monthly statistics ({len(months)} months, {min(sizes)}–{max(sizes)} messages each): "
          f"p50 {percentile(timed, .5) * 1000:.1f} ms, p99 {percentile(timed, .99) * 1000:.1f} ms, "
          f"max {max(timed) * 1000:.1f} ms (target ≤ 200 ms); bare count(*) of the month p50 "
          f"{statistics.median(floor) * 1000:.2f} ms")
    print("yearly statistics: " + ", ".join(f"{y} {s * 1000:.0f} ms" for y, s in years.items()))


STAFF_NAME, STAFF_PASSWORD = "bench.responder", "bench-responder-password-1"


def staff_cookie(settings: Settings, url: str) -> str:
    """A responder's session of the staff feature, signed in at /staff/login as a browser does;
    the Cookie header wrk sends."""
    from statpub.features.staff.service import accounts_for
    from statpub.kernel.errors import NotFound
    from tests.fixtures.staff import sign_in

    accounts = accounts_for(settings)
    try:
        accounts.get(STAFF_NAME)  # there already (a reused store)
    except NotFound:
        accounts.add(STAFF_NAME, "responder", STAFF_PASSWORD, parse_instant(NOW) - timedelta(days=1),
                     display_name="Bench Responder", organisation="bench")
    session = requests.Session()
    answer = sign_in(session, STAFF_NAME, STAFF_PASSWORD, base=url)
    assert answer.status_code == 303, answer.text[:500]
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def page_cases(settings: Settings) -> tuple[list, list]:
    """(name, path, choices) of the public and the staff pages, each group led by its baseline."""
    from statpub.store import open_store

    with open_store(settings).connect() as con:
        codes = [r["code"] for r in con.execute("SELECT code FROM messages ORDER BY code").fetchall()]
    sample = random.Random(SEED).sample(codes, min(200, len(codes)))
    public = [("/healthz (floor)", "/healthz", None), ("home page (baseline)", "/", None),
              ("board page /messages", "/messages", None),
              ("board page, a later page", "/messages?offset=%s", [str(n) for n in range(0, 3001, 20)]),
              ("search /messages?q=word", "/messages?q=%s", WORDS),
              ("message status /messages/<code>", "/messages/%s", sample)]
    staff = [("staff home /staff (baseline)", "/staff", None),
             ("staff list, open (+clusters)", "/staff/messages", None),
             ("staff list, all, a later page", "/staff/messages?view=all&offset=%s",
              [str(n) for n in range(0, len(codes), 100)]),
             ("staff message page", "/staff/messages/%s", sample)]
    return public, staff


def bench_pages(settings: Settings, seconds: int) -> None:
    from tests.helpers import start_server

    server = start_server(settings, now=NOW, workers=2, env={"STATPUB_API_RATE": "0"})
    try:
        probe = requests.get(f"{server.url}/messages", params={"q": "增长"}, timeout=60).text
        assert 'class="reply"' in probe, "the board's search finds no reply"
        cookie = staff_cookie(settings, server.url)
        assert "bench.responder" in requests.get(f"{server.url}/staff/messages", headers={"Cookie": cookie},
                                                 timeout=60).text, "the staff session does not carry"
        public, staff = page_cases(settings)
        for group, headers in ((public, None), (staff, cookie)):
            baseline = None
            for name, path, choices in group:
                for warm in (True, False):  # a short warm-up run, then the measured one
                    result = wrk_paths(server.url, path, choices, 3 if warm else seconds, cookie=headers)
                if "baseline" in name:
                    baseline = result
                ratio = f"  p99 ×{result['p99_ms'] / baseline['p99_ms']:.2f} of baseline" if baseline else ""
                print(f"{name:<34} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
                      f"p99 {result['p99_ms']:7.1f} ms  non-2xx {result['non_2xx']}{ratio}")
    finally:
        server.stop()


def wrk_paths(base: str, path: str, choices, seconds: int, cookie: str | None = None) -> dict:
    """wrk at 50 connections on one path, or on a path filled from `choices` per request."""
    extra = ["-H", f"Cookie: {cookie}"] if cookie else []
    if choices is None:
        return _run_wrk(base + path, seconds, extra)
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    quoted = ", ".join(json.dumps(quote(c)) for c in choices)
    script.write(f"words = {{{quoted}}}\nmath.randomseed({SEED})\n"
                 f"request = function() return wrk.format('GET', string.format('{path}', "
                 "words[math.random(1, #words)])) end\n")
    script.close()
    try:
        return _run_wrk(base, seconds, [*extra, "-s", script.name])
    finally:
        os.unlink(script.name)


def _run_wrk(url: str, seconds: int, extra: list[str]) -> dict:
    import re

    from bench.api_bench import _ms

    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "--latency",
                          *extra, url], capture_output=True, text=True, timeout=seconds + 90).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
            "non_2xx": int(errors.group(1)) if errors else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--reuse", action="store_true",
                        help="SQLite: keep the store of an earlier run when it holds --messages messages")
    args = parser.parse_args()
    if not ensure_tool("wrk", apt="wrk"):
        raise SystemExit("wrk is needed (Debian package wrk)")
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {machine()}; uptime: "
          f"{subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    settings = content(DATA / "messages")
    cluster = None
    if args.engine == "postgresql":
        from tests.topology.postgres import PostgresCluster

        cluster = PostgresCluster().start()
        settings = replace(settings, database_url=cluster.create_database())
    elif not (args.reuse and stored(settings) == args.messages):
        for leftover in settings.warehouse_dir.glob("operational.sqlite*"):
            leftover.unlink()  # a fresh store each run: the same 10,000 messages
    try:
        if stored(settings) == 0:
            took = fill(settings, args.messages)
            print(f"{args.messages:,} messages stored on {args.engine} in {took:.0f} s (through the board's records)")
        else:
            print(f"{args.messages:,} messages of an earlier run reused (--reuse)")
        bench_statistics(settings)
        bench_pages(settings, args.seconds)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
