"""Findings 7 and 8 of the outside probe, replayed against `statpub serve` on 127.0.0.1.

7. Forty concurrent wrong passwords used to get twelve password checks (the limit was checked
   before, and recorded after, the slow hash). Now each attempt is counted before hashing, in one
   transaction: exactly the three the limit allows are checked.
8. Rotating addresses used to lock a named account for 15 minutes, and the release page listed
   login names. Now a correct password from a browser the account used before gets past the lock,
   a staff unlock lifts it, staff get an alert mail, and only display names are published.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from statpub.features.staff.accounts import iso
from statpub.features.staff.service import accounts_for, store_for
from statpub.features.staff.throttle import LOCK_AFTER, SLOW_AFTER
from statpub.features.staff.web import DEVICE_COOKIE
from statpub.kernel.clock import parse_instant
from tests.fixtures.press import private_site
from tests.helpers import run_cli, start_server
from tests.security.attacks import login_form, post_login, set_cookies, smtp_server

NOW = "2026-12-10T09:00:00+08:00"
DAVE = ("dave", "dave-press-password")


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings):
    settings = private_site(tmp_path_factory.mktemp("login-attacks"), demo_settings)
    accounts = accounts_for(settings)
    created = parse_instant("2026-12-01T09:00:00+08:00")
    accounts.add(DAVE[0], "press", DAVE[1], created, display_name="Dave Sun 孙大伟", organisation="示例日报 Example Daily")
    accounts.add("erin", "press", "erin-press-password", created, display_name="Erin", organisation="Example Radio")
    return settings


@pytest.fixture(scope="module")
def mail():
    with smtp_server() as (inbox, port):
        yield inbox, port


@pytest.fixture(scope="module")
def server(site, mail):
    _inbox, port = mail
    live = start_server(site, now=NOW, workers=1, env={
        "STATPUB_THREADS": "8", "STATPUB_ALERT_EMAIL": "security@example.org",
        "STATPUB_SMTP_HOST": "127.0.0.1", "STATPUB_SMTP_PORT": str(port)})
    yield live
    live.stop()


def test_forty_concurrent_wrong_passwords_get_three_checks(server):
    form = login_form(server.url)  # fetched once, as a script would

    def guess(k: int) -> int:
        return post_login(server.url, "erin", f"guess-number-{k}", form=form, source=f"127.0.1.{k + 1}").status

    with ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(guess, range(40)))
    assert statuses.count(401) == SLOW_AFTER, statuses  # checked (and wrong)
    assert statuses.count(429) == 40 - SLOW_AFTER  # refused before any hashing


def _seed_failures(site, subject: str, count: int) -> None:
    """The first part of a long attack, already behind us (minutes ago, inside the window)."""
    start = parse_instant(NOW) - timedelta(minutes=10)
    with store_for(site).transaction() as con:
        con.executemany("INSERT INTO staff_login_failures (subject, attempt, at, done) VALUES (?, ?, ?, 1)",
                        [(subject, f"seed-{k}", iso(start + timedelta(seconds=k))) for k in range(count)])


def test_rotating_addresses_cannot_lock_the_owner_out_and_staff_are_alerted(site, server, mail):
    inbox, _port = mail
    signed_in = post_login(server.url, *DAVE, source="127.0.2.1")  # dave's own browser, before the attack
    assert signed_in.status == 303
    device = set_cookies(signed_in)[DEVICE_COOKIE]
    _seed_failures(site, "account:dave", LOCK_AFTER - 1)
    last = post_login(server.url, "dave", "attacker-guess", source="127.0.3.77")  # a fresh address
    assert last.status == 401
    [alert] = inbox.wait_for(1)
    assert "account:dave" in alert["Subject"] and alert["To"] == "security@example.org"
    locked = post_login(server.url, *DAVE, source="127.0.3.78")
    assert locked.status == 429 and int(locked.headers["retry-after"]) > 60  # locked, even with the password
    own = post_login(server.url, *DAVE, source="127.0.2.1", form=login_form(server.url, {DEVICE_COOKIE: device}))
    assert own.status == 303  # a correct password from a known device gets past the lock
    assert post_login(server.url, *DAVE, source="127.0.3.79").status == 429  # still locked for others
    listed = run_cli("user", "alerts", "--json", settings=site)
    assert "account:dave" in listed.stdout
    assert run_cli("user", "unlock", "dave", settings=site).returncode == 0  # a staff reset
    assert post_login(server.url, *DAVE, source="127.0.3.80").status == 303
    assert "dave-press-password" not in server.log.read_text()
