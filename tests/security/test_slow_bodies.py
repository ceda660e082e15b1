"""Finding 4 of the outside probe: 8 connections trickling a `POST /prerelease/login` body (1 byte
every 2 s) made `/healthz` time out for the whole attack: gunicorn's threads wait on the body.

`statpub serve` as shipped (nginx in front, reading whole requests) answers /healthz throughout the
same attack — and, as a control proving the attack bites, gunicorn alone (`--front none`) does not.
Each run is bounded: 20 s of attack, /healthz asked every second with a 3 s timeout.
"""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

from tests.fixtures.press import private_site
from tests.helpers import start_server

NOW = "2026-12-10T10:00:05+08:00"
ATTACKERS = 12  # more than gunicorn's threads (1 worker × 4 threads here; the probe used 8 against 2 × 4)
ATTACK_SECONDS = 20


def _trickle(base: str, stop: threading.Event, opened: list) -> None:
    parts = urlsplit(base)
    conn = socket.create_connection((parts.hostname, parts.port), timeout=60)
    opened.append(conn)
    body = b"name=alice&password=" + b"x" * 200
    conn.sendall(b"POST /staff/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 + f"Content-Length: {len(body)}\r\n\r\n".encode())
    for byte in body:
        if stop.wait(2.0):
            break
        try:
            conn.sendall(bytes([byte]))
        except OSError:  # the front gave up on us (its body timeout): reconnect, as an attacker would
            conn.close()
            conn = socket.create_connection((parts.hostname, parts.port), timeout=60)
            opened.append(conn)
            conn.sendall(b"POST /staff/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 220\r\n\r\n")
    conn.close()


def _health_during_attack(base: str) -> list[float | None]:
    """/healthz latencies (None: no answer within 3 s) while ATTACKERS trickle their bodies."""
    stop, opened = threading.Event(), []
    attackers = [threading.Thread(target=_trickle, args=(base, stop, opened), daemon=True) for _ in range(ATTACKERS)]
    for thread in attackers:
        thread.start()
    time.sleep(3)  # every attacker connected and holding on
    latencies: list[float | None] = []
    until = time.monotonic() + ATTACK_SECONDS
    try:
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                ok = requests.get(base + "/healthz", timeout=3).status_code == 200
                latencies.append(time.monotonic() - started if ok else None)
            except requests.RequestException:
                latencies.append(None)
            time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
    finally:
        stop.set()
        for thread in attackers:
            thread.join(timeout=10)
        for conn in opened:
            conn.close()
    return latencies


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings):
    return private_site(tmp_path_factory.mktemp("slow-bodies"), demo_settings)


@pytest.mark.slow
def test_healthz_answers_during_a_slow_body_attack_on_statpub_serve_as_shipped(site):
    server = start_server(site, now=NOW, workers=1, env={"STATPUB_THREADS": "4"})
    try:
        latencies = _health_during_attack(server.url)
    finally:
        server.stop()
    answered = [s for s in latencies if s is not None]
    print(f"\nbehind the front: {len(answered)}/{len(latencies)} answered, slowest {max(answered):.2f} s")
    assert len(answered) == len(latencies), latencies


@pytest.mark.slow
def test_control_gunicorn_alone_is_held_by_the_same_attack(site):
    server = start_server(site, now=NOW, workers=1, env={"STATPUB_THREADS": "4", "STATPUB_FRONT": "none"})
    try:
        latencies = _health_during_attack(server.url)
    finally:
        server.stop()
    missed = sum(1 for s in latencies if s is None)
    print(f"\ngunicorn alone: {missed}/{len(latencies)} /healthz without an answer within 3 s")
    assert missed >= len(latencies) // 2, latencies
