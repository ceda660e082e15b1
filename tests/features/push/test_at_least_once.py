"""`kill -9` in the middle of sending loses nothing: the worker is killed while it hands messages to a
(slow) relay; a second worker sends the rest. Every subscriber gets the message; the only ones
sent twice are those the relay accepted after the killed worker's last commit (at most one batch
per connection), and a resend keeps its Message-ID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest

from statpub.features.push.config import push_config
from statpub.features.push.mailer import BATCH
from statpub.features.push.service import Push
from statpub.features.push.subscriptions import Interests
from statpub.kernel.clock import Clock, parse_instant
from statpub.store import open_store
from tests.fixtures.press import private_site
from tests.fixtures.smtp import SmtpSink, start_smtp
from tests.helpers import cli_env
from tests.paths import REPO_ROOT

T = parse_instant("2026-12-10T10:00:00+08:00")
SUBSCRIBERS = 1500
CONNECTIONS = 2


def states(settings) -> Counter:
    with open_store(settings).connect() as con:
        return Counter(r[0] for r in con.execute("SELECT state FROM push_outbox"))


@pytest.mark.slow
def test_kill_9_mid_send_loses_nothing_and_resends_only_the_uncommitted(tmp_path, demo_settings):
    settings = private_site(tmp_path, demo_settings)
    sink = SmtpSink(delay=0.002)
    controller, smtp_url = start_smtp(sink)
    env = {"STATPUB_SMTP_URL": smtp_url, "STATPUB_PUSH_CONNECTIONS": str(CONNECTIONS),
           "STATPUB_PUSH_LEASE_SECONDS": "1"}
    try:
        service = Push(settings, Clock(start=T + timedelta(seconds=1)), config=push_config(env))
        emails = [f"reader{i:05d}@example.org" for i in range(SUBSCRIBERS)]
        service.subscriptions.import_many(emails, Interests(topics=("national-accounts",)), "zh", "cli",
                                          T - timedelta(days=1))
        assert service.build_due()["messages"] == SUBSCRIBERS
        command = [sys.executable, "-m", "statpub", "push", "run", "--once"]
        worker_env = {**cli_env(settings, (T + timedelta(seconds=2)).isoformat()), **env}
        worker = subprocess.Popen(command, env=worker_env, cwd=REPO_ROOT, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(sink.received) < SUBSCRIBERS // 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        at_kill = states(settings)
        received_at_kill = len(sink.received)
        assert 0 < received_at_kill < SUBSCRIBERS and at_kill["queued"] > 0, (received_at_kill, at_kill)
        time.sleep(1.5)  # the killed worker's leases run out
        again = subprocess.run(command, env=worker_env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr[-2000:]
    finally:
        controller.stop()
    assert states(settings) == Counter({"sent": SUBSCRIBERS})
    per_address = Counter(a for r in sink.received for a in r.recipients)
    assert set(per_address) == set(emails)  # nothing lost
    twice = [a for a, n in per_address.items() if n > 1]
    assert len(twice) <= CONNECTIONS * BATCH, len(twice)  # only the batches in flight at the kill
    assert len(twice) <= received_at_kill - (at_kill["sent"])
    ids = {}
    for received in sink.received:
        address, message_id = received.recipients[0], str(received.message["Message-ID"])
        assert ids.setdefault(address, message_id) == message_id  # a resend is the same message
    print(f"\nkilled after {received_at_kill} accepted ({at_kill['sent']} recorded); {len(twice)} sent twice")
