"""Push's pages and API in process (Flask test client): bad and hostile input is a 4xx naming what is
wrong and changes nothing; another site's form cannot subscribe anyone; the manage page changes
what is followed; links expire or fail when tampered; staff only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from statpub.dashboards.app import create_app
from statpub.features.push.service import Push
from statpub.kernel.clock import Clock, parse_instant
from tests.fixtures.press import private_site

T = parse_instant("2026-12-10T10:00:00+08:00")


@pytest.fixture(scope="module")
def client(tmp_path_factory, demo_settings):
    settings = private_site(tmp_path_factory.mktemp("push-web"), demo_settings)
    app = create_app(settings, Clock(start=T - timedelta(hours=1)))
    return app.server.test_client()


def service(client) -> Push:
    return client.application.extensions["statpub.push"]


def test_the_api_refuses_bad_input_clearly_and_changes_nothing(client):
    cases = [(b"not json", "application/json"), (b"[1, 2]", "application/json"), (b"email=x", "text/plain")]
    for body, kind in cases:
        answer = client.post("/api/v1/subscriptions", data=body, content_type=kind)
        assert answer.status_code == 400 and "Traceback" not in answer.get_data(as_text=True), body
    for data, word in (({"email": "a@example.org\r\nBcc: x@example.org", "all": True}, "e-mail"),
                       ({"email": "a@example.org", "topics": ["national-accounts"], "lang": "fr"}, "lang"),
                       ({"email": "a@example.org", "series": ["NOPE'; DROP TABLE push_subscribers;--"]}, "NOPE"),
                       ({"email": "a@example.org"}, "at least one"),
                       ({"email": "a@example.org", "all": True, "format": "hourly"}, "format")):
        answer = client.post("/api/v1/subscriptions", json=data)
        assert answer.status_code == 400 and word in answer.get_json()["message"], (data, answer.get_json())
    assert service(client).subscriptions.count("pending") == 0


def test_a_form_posted_from_another_site_subscribes_nobody(client):
    answer = client.post("/subscribe", data={"email": "victim@example.org", "all": "1"},
                         headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403 and service(client).subscriptions.find("victim@example.org") is None


def test_the_page_subscribes_then_manage_and_unsubscribe_by_signed_links(client):
    page = client.get("/subscribe")
    assert page.status_code == 200 and "订阅" in page.get_data(as_text=True)
    assert client.get("/subscribe?lang=en").get_data(as_text=True).count('type="checkbox"') >= 3
    answer = client.post("/subscribe", data={"email": "form@example.org", "topic": "national-accounts",
                                             "format": "digest", "lang": "en"})
    assert answer.status_code == 202
    push = service(client)
    with push.store.connect() as con:
        html = con.execute("SELECT html_body FROM push_renders r JOIN push_outbox o ON o.event_id = r.event_id "
                           "WHERE o.email = 'form@example.org'").fetchone()[0]
    confirm = re.search(r'href="[^"]*(/subscribe/confirm\?[^"]+)"', html).group(1).replace("&amp;", "&")
    assert client.get(confirm).status_code == 200
    subscriber = push.subscriptions.find("form@example.org")
    assert subscriber.state == "confirmed" and subscriber.format == "digest" and subscriber.lang == "en"
    manage = "/subscribe/manage?t=" + push.signer.token("manage", {"s": subscriber.id})
    page = client.get(manage)
    assert page.status_code == 200 and "form@example.org" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"
    saved = client.post(manage, data={"series": "GDP", "lang": "zh", "format": "each", "notices": "1"})
    assert saved.status_code == 200
    after = push.subscriptions.find("form@example.org")
    assert after.interests.series == ("GDP",) and after.interests.notices and after.format == "each"
    assert client.get(manage[:-4] + "AAAA").status_code == 400
    unsubscribe = "/subscribe/unsubscribe?t=" + push.signer.token("unsubscribe", {"s": subscriber.id})
    assert client.get(unsubscribe).status_code == 200 and push.subscriptions.find("form@example.org").state == "confirmed"
    assert client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert push.subscriptions.find("form@example.org").state == "unsubscribed"


def test_an_old_confirmation_link_has_expired(client):
    push = service(client)
    subscriber = push.subscriptions.request("old@example.org", "web", "zh", "each", push.clock.now())
    token = push.signer.token("confirm", {"s": subscriber, "i": {"all": True}, "l": "zh", "f": "each"},
                              now_epoch=(push.clock.now() - timedelta(days=8)).timestamp())
    answer = client.get("/subscribe/confirm?t=" + token)
    assert answer.status_code == 400 and push.subscriptions.find("old@example.org").state == "pending"


def test_staff_page_and_bounce_webhook_are_closed_to_the_public(client):
    assert client.get("/staff/push").status_code == 404
    assert client.post("/subscribe/bounces", json={"message_id": "<x@y>"}).status_code == 404
    assert client.get("/subscribe/o/anything.gif").status_code == 404  # open tracking is off
