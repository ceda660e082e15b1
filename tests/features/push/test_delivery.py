"""Push end to end, on a live site (gunicorn) and a real SMTP server (aiosmtpd) on 127.0.0.1, across
the demo release's instant: double opt-in through the page, the API and staff import; nothing of
the release in the store at T−1 s; at the instant, the scheduler builds the outbox and delivers;
messages parsed (headers, both parts, figures, links that resolve on the site); one-click
unsubscribe and the manage page; a signed webhook; a WebSub ping and the hub in the feed; a hard
bounce; a failing webhook disabled with a notice to staff; the staff page."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from statpub.features.push.config import push_config
from statpub.features.push.plugin import push_jobs
from statpub.features.push.service import Push
from statpub.features.push.subscriptions import Interests
from statpub.features.staff.service import accounts_for
from statpub.kernel.clock import Clock, parse_instant
from statpub.store import open_store
from statpub.store.scheduler import Scheduler
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.dashboards.embargo_marks import embargo_marks
from tests.fixtures.press import private_site
from tests.fixtures.smtp import HttpReceiver, SmtpSink, start_smtp
from tests.fixtures.staff import sign_in
from tests.helpers import free_port, run_cli, start_server

pytestmark = pytest.mark.slow
RELEASE = "2025-gdp-final-verification"
T = parse_instant("2026-12-10T10:00:00+08:00")
LEAD = 50.0  # seconds of clock before the instant when the server starts
TABLES = ("push_subscribers", "push_interests", "push_events", "push_renders", "push_outbox",
          "push_webhook_deliveries", "push_webhook_log", "push_websub_pings", "push_staff_notices")


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings):
    settings = private_site(tmp_path_factory.mktemp("push-site"), demo_settings)
    port = free_port()
    # The office's address is this server's (links in the mails are followed): STATPUB_BASE_URL.
    settings = dataclasses.replace(settings, base_url_override=f"http://127.0.0.1:{port}")
    accounts_for(settings).add("rita", "reviewer", "rita-reviewer-password", T - timedelta(days=1),
                               display_name="丽塔 Rita", organisation="统计局 Statistics office")
    sink, receiver = SmtpSink(refuse={"gone@example.org"}), HttpReceiver()
    controller, smtp_url = start_smtp(sink)
    receiver.statuses["/broken"] = 500
    env = {"STATPUB_SMTP_URL": smtp_url, "STATPUB_WEBSUB_HUBS": receiver.url + "/hub",
           "STATPUB_PUSH_STAFF_EMAIL": "staff@example.org", "STATPUB_PUSH_WEBHOOK_FAILURES": "3",
           "STATPUB_PUSH_RETRY_SECONDS": "0.2", "STATPUB_API_RATE": "0",
           "STATPUB_BASE_URL": settings.base_url_override}
    anchor = time.time()
    server = start_server(settings, now=(T - timedelta(seconds=LEAD)).isoformat(), port=port,
                          env={**env, "STATPUB_CLOCK_ANCHOR": repr(anchor)})
    clock = Clock(start=T - timedelta(seconds=LEAD), anchor_epoch=anchor)
    service = Push(settings, clock, config=push_config(env))
    state = {"settings": settings, "server": server, "sink": sink, "receiver": receiver, "clock": clock,
             "push": service, "env": env}
    yield state
    server.stop()
    controller.stop()
    receiver.stop()


def wait_until(clock: Clock, instant) -> None:
    time.sleep(max(0.0, (instant - clock.now()).total_seconds()))


def link_from(text: str, path: str) -> str:
    return re.search(rf"https?://\S+{re.escape(path)}\?\S+", text).group(0).rstrip(">")


def store_text(settings) -> str:
    with open_store(settings).connect() as con:
        return "\n".join(" ".join(str(v) for v in row) for table in TABLES
                         for row in con.execute(f"SELECT * FROM {table}"))  # noqa: S608 - fixed names


def test_before_the_instant_subscriptions_and_nothing_embargoed_in_the_store(site):
    server, push, sink = site["server"], site["push"], site["sink"]
    assert push.clock.now() < T - timedelta(seconds=20), "the server took too long to start; raise LEAD"
    page = server.get("/subscribe?lang=en")
    assert page.status_code == 200 and 'name="email"' in page.text and "national-accounts" in page.text
    answer = server.post("/subscribe", data={"email": "Reader@Example.org", "topic": "national-accounts",
                                             "notices": "1", "lang": "zh"})
    assert answer.status_code == 202, answer.text
    api = server.post("/api/v1/subscriptions", json={"email": "api@example.org", "all": True, "lang": "en"})
    assert api.status_code == 202 and api.json()["status"] == "pending"
    bad = server.post("/api/v1/subscriptions", json={"email": "api@example.org", "topics": ["nope"]})
    assert bad.status_code == 400 and "nope" in bad.text
    push.run_once()  # the worker sends the confirmations
    sink.wait_for(2)
    for address in ("reader@example.org", "api@example.org"):
        mail = sink.to(address)[0].message
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        confirm = link_from(mail.get_body(("plain",)).get_content(), "/subscribe/confirm")
        assert requests.get(confirm, timeout=30).status_code == 200
        assert push.subscriptions.find(address).state == "confirmed"
    tampered = server.get("/subscribe/confirm?t=" + "x" * 40)
    assert tampered.status_code == 400
    cli = run_cli("push", "subscribe", "cli@example.org", "--topic", "national-accounts", "--lang", "en",
                  "--confirmed", settings=site["settings"], now=(T - timedelta(seconds=30)).isoformat())
    assert cli.returncode == 0, cli.stderr
    earlier = T - timedelta(days=1)
    push.subscriptions.import_confirmed("gone@example.org", Interests(everything=True), "zh", "each", "cli", earlier)
    for name, path in (("hooked", "/hook"), ("broken", "/broken")):
        push.subscriptions.add_org(name, "association", Interests(topics=("national-accounts",)), earlier,
                                   webhook_url=site["receiver"].url + path)
    wait_until(push.clock, T - timedelta(seconds=1.5))
    assert push.run_once()["built"]["events"] == 0
    gate = Gate(WarehouseReader(site["settings"].warehouse_dir).snapshot(), T + timedelta(seconds=1))
    marks = embargo_marks(gate, Gate(gate.snapshot, T - timedelta(seconds=1)), RELEASE)
    assert push.clock.now() < T
    text = store_text(site["settings"])
    assert "api@example.org" in text and [m for m in marks if m in text] == []
    for path in ("/subscribe", "/subscribe?lang=en", "/staff/push"):  # the pages, just before the instant
        assert [m for m in marks if m in server.get(path).text] == []
    assert all(not any(m in r.data.decode("utf-8", "replace") for m in marks) for r in sink.received)


def test_at_the_instant_one_message_each_with_figures_links_and_unsubscribe(site):
    push, sink, server = site["push"], site["sink"], site["server"]
    before = len(sink.received)
    scheduler = Scheduler(open_store(site["settings"]), push.clock, push_jobs(site["settings"], service=push),
                          max_sleep=5)
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run_forever, args=(stop,))
    thread.start()
    try:
        wait_until(push.clock, T)
        started = time.time()
        sink.wait_for(before + 3, timeout=30)  # reader (zh), api (en), cli (en); gone@ is refused
        first = time.time() - started
    finally:
        stop.set()
        thread.join()
    assert first < 10, f"first messages {first:.1f} s after the instant"
    release = [r for r in sink.received[before:] if "release." in str(r.message["Message-ID"])]
    assert sorted(a for r in release for a in r.recipients) == ["api@example.org", "cli@example.org",
                                                                "reader@example.org"]
    gate = Gate(WarehouseReader(site["settings"].warehouse_dir).snapshot(), T + timedelta(seconds=1))
    marks = embargo_marks(gate, Gate(gate.snapshot, T - timedelta(seconds=1)), RELEASE)
    for received in release:
        check_message(received.message, marks, server.url)
    zh = sink.to("reader@example.org")[-1].message
    assert "地区生产总值" in zh.get_body(("plain",)).get_content() and zh["Content-Language"] == "zh-CN"
    assert push.subscriptions.find("gone@example.org").state == "bounced"
    unsubscribe = zh["List-Unsubscribe"].strip("<>")
    assert requests.get(unsubscribe, timeout=30).status_code == 200  # a scanner's GET changes nothing
    assert push.subscriptions.find("reader@example.org").state == "confirmed"
    one_click = requests.post(unsubscribe, data="List-Unsubscribe=One-Click", timeout=30,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert one_click.status_code == 200 and push.subscriptions.find("reader@example.org").state == "unsubscribed"
    stats = {s["release"]: s for s in push.stats()}[RELEASE]
    assert (stats["sent"], stats["bounced"], stats["unsubscribed"], stats["opened"]) == (3, 1, 1, None)


def check_message(mail, marks: list[str], base: str) -> None:
    message_id = str(mail["Message-ID"])
    assert re.fullmatch(rf"<release\.{RELEASE}\.[0-9a-f]+@127\.0\.0\.1>", message_id), message_id
    assert mail["List-Unsubscribe"].startswith(f"<{base}/subscribe/unsubscribe?t=")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()
    assert [m for m in marks if m in text] and [m for m in marks if m in html]
    assert "统计局" in str(mail["From"]) or "Statistics" in str(mail["From"])
    links = set(re.findall(r'href="([^"]+)"', html))
    assert any(f"/release/{RELEASE}" in link for link in links) and any(".csv" in link for link in links)
    for link in links:
        if "/subscribe/unsubscribe" in link:
            continue
        answer = requests.get(link, timeout=60)
        assert answer.status_code == 200, (link, answer.status_code)
    manage = next(link for link in links if "/subscribe/manage" in link)
    page = requests.get(manage, timeout=30)
    assert mail["To"] in page.text


def test_webhook_signed_websub_pinged_feed_declares_hub(site):
    receiver, push = site["receiver"], site["push"]
    hooks = receiver.at("/hook")
    assert len(hooks) == 1
    secret = push.subscriptions.org("hooked")["webhook_secret"]
    signature = dict(part.split("=", 1) for part in hooks[0].headers["X-Statpub-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{signature['t']}.".encode() + hooks[0].body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature["v1"], expected)
    payload = __import__("json").loads(hooks[0].body)
    assert payload["release"] == RELEASE and payload["key_figures"][0]["unit"]["zh"]
    pings = [parse_qs(p.body.decode()) for p in receiver.at("/hub")]
    assert {"publish"} == {p["hub.mode"][0] for p in pings}
    assert f"{site['server'].url}/feed.atom" in {p["hub.url"][0] for p in pings}
    feed = site["server"].get("/feed.atom").text
    assert f'href="{receiver.url}/hub" rel="hub"' in feed or f'rel="hub" href="{receiver.url}/hub"' in feed


def test_a_failing_webhook_is_retried_then_disabled_with_a_notice_to_staff(site):
    push, sink = site["push"], site["sink"]
    deadline = time.monotonic() + 30
    while push.subscriptions.org("broken")["webhook_state"] == "active" and time.monotonic() < deadline:
        push.run_once()
        time.sleep(0.3)
    org = push.subscriptions.org("broken")
    assert org["webhook_state"] == "disabled" and org["consecutive_failures"] >= 3
    assert len(site["receiver"].at("/broken")) >= 3
    assert any("broken" in n["text_en"] for n in push.staff_notices())
    push.run_once()
    staff = sink.to("staff@example.org")
    assert staff and "disabled" in staff[-1].message.get_body(("plain",)).get_content()
    with requests.Session() as browser:
        login = sign_in(browser, "rita", "rita-reviewer-password", base=site["server"].url)
        assert login.status_code == 303
        page = browser.get(site["server"].url + "/staff/push", timeout=30)
        assert page.status_code == 200 and RELEASE in page.text and "broken" in page.text
    assert requests.get(site["server"].url + "/staff/push", timeout=30).status_code == 404


def test_unsubscribe_links_survive_and_tampering_is_refused(site):
    server = site["server"]
    token_url = site["sink"].to("api@example.org")[-1].message["List-Unsubscribe"].strip("<>")
    token = parse_qs(urlsplit(token_url).query)["t"][0]
    assert server.post("/subscribe/unsubscribe?t=" + token[:-3] + "abc",
                       data="List-Unsubscribe=One-Click").status_code == 400
    assert server.post("/subscribe/unsubscribe?t=" + token, data="List-Unsubscribe=One-Click").status_code == 200
    assert server.post("/subscribe/unsubscribe?t=" + token, data="List-Unsubscribe=One-Click").status_code == 200
