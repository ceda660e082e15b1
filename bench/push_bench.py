"""Push at scale: 100,000 subscribers of one topic. The worker (`statpub push run`, its own process)
starts a few seconds before the demo release's instant; measured: from the instant until every
message is handed to a local SMTP sink (aiosmtpd, its own process), messages per second, the
worker's peak RSS. Baseline in the same run: bare smtplib handing one prebuilt message 20,000
times over the same number of connections (the relay's and the client library's own cost).
Then 10,000 organisations' webhooks to a local receiver (its own process).

    python -m bench.push_bench [--subscribers 100000] [--webhooks 10000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import smtplib
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psutil

from bench.common import DATA, REPO, machine
from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.config import Settings

T = parse_instant("2026-12-10T10:00:00+08:00")
CONNECTIONS = 4


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sink(port: int, count) -> None:
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            with count.get_lock():
                count.value += 1
            return "250 OK"

    Controller(Handler(), hostname="127.0.0.1", port=port).start()
    threading.Event().wait()


def _receiver(port: int, count) -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with count.get_lock():
                count.value += 1
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def site(subscribers: int) -> Settings:
    """A copy of the demo content with its warehouse, and a fresh store with the subscribers."""
    from statpub.etl.load import load
    from statpub.features.push.service import Push
    from statpub.features.push.subscriptions import Interests

    base = DATA / "push"
    warehouse = base / "warehouse"
    if not (warehouse / "current").exists():
        shutil.rmtree(base, ignore_errors=True)
        load(Settings(root=REPO, warehouse_dir=warehouse), clock=Clock())
    for old in warehouse.glob("operational.sqlite*"):
        old.unlink()
    settings = Settings(root=REPO, warehouse_dir=warehouse)
    push = Push(settings, Clock(start=T - timedelta(days=1)))
    started = time.perf_counter()
    push.subscriptions.import_many([f"reader{i:06d}@example.org" for i in range(subscribers)],
                                   Interests(topics=("national-accounts",)), "zh", "cli", T - timedelta(days=1))
    print(f"imported {subscribers:,} subscribers in {time.perf_counter() - started:.1f} s")
    return settings


def baseline(port: int, count, messages: int) -> float:
    """Messages per second of bare smtplib with one prebuilt ~8 KB message."""
    body = (b"From: a@example.org\r\nTo: b@example.org\r\nSubject: x\r\n\r\n" + b"x" * 76 + b"\r\n") * 100
    start = count.value
    began = time.perf_counter()

    def send(n: int) -> None:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for _ in range(n):
                smtp.sendmail("a@example.org", ["b@example.org"], body)

    threads = [threading.Thread(target=send, args=(messages // CONNECTIONS,)) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count.value - start == messages // CONNECTIONS * CONNECTIONS
    return messages / (time.perf_counter() - began)


def mail_run(settings: Settings, port: int, count, subscribers: int) -> dict:
    lead = 5.0
    anchor = time.time()
    env = {**os.environ, "PYTHONPATH": str(REPO), "STATPUB_ROOT": str(settings.root),
           "STATPUB_WAREHOUSE": str(settings.warehouse_dir), "STATPUB_NOW": (T - timedelta(seconds=lead)).isoformat(),
           "STATPUB_CLOCK_ANCHOR": repr(anchor), "STATPUB_SMTP_URL": f"smtp://127.0.0.1:{port}",
           "STATPUB_PUSH_CONNECTIONS": str(CONNECTIONS)}
    start_count = count.value
    worker = subprocess.Popen([sys.executable, "-m", "statpub", "push", "run"], env=env, cwd=REPO,
                              stderr=subprocess.DEVNULL)
    watched, peak = psutil.Process(worker.pid), 0
    instant_wall = anchor + lead
    first = None
    try:
        while count.value - start_count < subscribers:
            peak = max(peak, watched.memory_info().rss)
            if first is None and count.value > start_count:
                first = time.time() - instant_wall
            if time.time() - instant_wall > 600:
                raise RuntimeError(f"only {count.value - start_count} messages after 600 s")
            time.sleep(0.05)
        done = time.time() - instant_wall
        times = watched.cpu_times()
        cpu = times.user + times.system
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return {"seconds": done, "first": first, "rate": subscribers / done, "peak_mb": peak / 2**20,
            "cpu_us": cpu / subscribers * 1e6}


def webhook_run(settings: Settings, webhooks: int) -> dict:
    from statpub.features.push.service import Push
    from statpub.features.push.subscriptions import new_id, stamp

    count = multiprocessing.Value("i", 0)
    port = _free_port()
    receiver = multiprocessing.Process(target=_receiver, args=(port, count), daemon=True)
    receiver.start()
    time.sleep(0.5)
    push = Push(settings, Clock(start=T - timedelta(days=1)))
    with push.store.transaction() as con:
        for table in ("push_outbox", "push_webhook_deliveries", "push_renders", "push_events", "push_subscribers"):
            con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names; a fresh event, webhooks only
        rows = [(new_id(), f"org {i}", "association", f"http://127.0.0.1:{port}/hook/{i}", "s" * 32, "active",
                 stamp(T - timedelta(days=1))) for i in range(webhooks)]
        con.executemany("INSERT INTO push_orgs (id, name, kind, webhook_url, webhook_secret, webhook_state, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        con.executemany("INSERT INTO push_interests (owner_id, kind, value) VALUES (?, 'topic', 'national-accounts')",
                        [(r[0],) for r in rows])
    after = Push(settings, Clock(start=T + timedelta(seconds=1)))
    built = after.build_due()
    began = time.perf_counter()
    delivered = after.webhooks().drain()
    seconds = time.perf_counter() - began
    receiver.terminate()
    return {"built": built["webhooks"], "delivered": delivered["delivered"], "received": count.value,
            "seconds": seconds, "rate": count.value / seconds}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--webhooks", type=int, default=10_000)
    args = parser.parse_args(argv)
    print(machine(), f"load average {os.getloadavg()[0]:.1f}")
    settings = site(args.subscribers)
    count = multiprocessing.Value("i", 0)
    port = _free_port()
    sink = multiprocessing.Process(target=_sink, args=(port, count), daemon=True)
    sink.start()
    time.sleep(1.0)
    raw = baseline(port, count, 20_000)
    print(f"baseline: bare smtplib, {CONNECTIONS} connections, prebuilt message: {raw:,.0f} messages/s")
    mail = mail_run(settings, port, count, args.subscribers)
    print(f"push: {args.subscribers:,} messages handed to the sink {mail['seconds']:.1f} s after the instant "
          f"(first after {mail['first']:.2f} s); {mail['rate']:,.0f} messages/s = {mail['rate'] / raw:.2f}× the "
          f"baseline's rate; worker peak RSS {mail['peak_mb']:.0f} MB, worker CPU {mail['cpu_us']:.0f} µs per "
          f"message (target ≤ 60 s)")
    sink.terminate()
    hooks = webhook_run(settings, args.webhooks)
    print(f"webhooks: {hooks['built']:,} queued, {hooks['received']:,} received in {hooks['seconds']:.1f} s "
          f"({hooks['rate']:,.0f}/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
