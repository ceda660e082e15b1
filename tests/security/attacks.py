"""What the security tests share: a private demo site with staff accounts, sign-in as an attacker
would script it (the form's token and pre-session cookie fetched once, then posted from any loopback
address), and a real SMTP server (aiosmtpd) that catches the office's alert mail."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from urllib.parse import urlencode

import requests
from aiosmtpd.controller import Controller

from tests.helpers import free_port
from tests.ops.hostile import Answer, raw_request

_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def login_form(base: str, cookies: dict[str, str] | None = None) -> tuple[dict[str, str], str]:
    """The sign-in form's cookies (the pre-session one and any given) and its token."""
    session = requests.Session()
    for name, value in (cookies or {}).items():
        session.cookies.set(name, value)
    token = _TOKEN.search(session.get(f"{base}/staff/login", timeout=30).text).group(1)
    return dict(session.cookies), token


def post_login(base: str, name: str, password: str, *, source: str = "127.0.0.1",
               form: tuple[dict[str, str], str] | None = None) -> Answer:
    """One sign-in POST from `source` (a loopback address), as a script would send it."""
    cookies, token = form or login_form(base)
    body = urlencode({"name": name, "password": password, "csrf_token": token}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    return raw_request(base, "POST", "/staff/login", body, headers, source=source)


def set_cookies(answer: Answer) -> dict[str, str]:
    """The cookies an answer sets (name → value)."""
    found = {}
    for part in re.split(r", (?=[A-Za-z_]+=)", answer.headers.get("set-cookie", "")):
        name, _, rest = part.partition("=")
        if name:
            found[name.strip()] = rest.split(";", 1)[0]
    return found


class Inbox:
    """Mail received by the test's SMTP server."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler interface
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, count: int = 1, timeout: float = 20) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.messages


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 and a free port."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
