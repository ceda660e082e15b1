"""Push's parts without a server: configuration, signed links, interests, messages as bytes, webhook
signatures, delivery reports."""

from __future__ import annotations

import hashlib
import hmac
import mailbox
from datetime import datetime
from email import message_from_bytes
from email.policy import default

import pytest

from statpub.features.push.bounces import read_mailbox
from statpub.features.push.compose import Envelope, Letter, fill, full_message, skeleton
from statpub.features.push.config import parse_smtp_url, push_config
from statpub.features.push.links import BadLink, Signer
from statpub.features.push.render import wrap_lines
from statpub.features.push.subscriptions import Interests, check_interests, normal_email
from statpub.features.push.webhooks import sign, verify
from statpub.kernel.errors import UserError


def test_smtp_urls():
    plain = parse_smtp_url("smtp://127.0.0.1:2525")
    assert (plain.host, plain.port, plain.security, plain.user) == ("127.0.0.1", 2525, "plain", None)
    tls = parse_smtp_url("smtp+starttls://push%40office:p%3Ass@relay.example.org:587")
    assert (tls.security, tls.user, tls.password, tls.port) == ("starttls", "push@office", "p:ss", 587)
    assert parse_smtp_url("smtps://u:p@relay.example.org").port == 465
    for bad in ("http://x", "smtp://", "smtp://host:port"):
        with pytest.raises(UserError):
            parse_smtp_url(bad)
    config = push_config({"STATPUB_SMTP_URL": "smtp://h:25", "STATPUB_WEBSUB_HUBS": "https://a/, https://b/",
                          "STATPUB_PUSH_RATE": "50"})
    assert config.hubs == ("https://a/", "https://b/") and config.rate == 50 and not config.track_opens


def test_signed_links_per_purpose_and_confirmations_expire():
    signer = Signer("k" * 32, "https://stats.example.org")
    token = signer.token("manage", {"s": "abc"})
    assert signer.read("manage", token) == {"s": "abc"}
    for wrong in (token[:-2] + "xx", ""):
        with pytest.raises(BadLink):
            signer.read("manage", wrong)
    with pytest.raises(BadLink):  # a manage link is not an unsubscribe link, nor a confirmation
        signer.read("unsubscribe", token)
    confirm = signer.token("confirm", {"s": "abc"}, now_epoch=1_000_000)
    assert signer.read("confirm", confirm, now_epoch=1_000_000 + 6 * 86400)["s"] == "abc"
    with pytest.raises(BadLink, match="expired"):
        signer.read("confirm", confirm, now_epoch=1_000_000 + 8 * 86400)
    assert signer.url("unsubscribe", {"s": "abc"}, "en").startswith("https://stats.example.org/subscribe/unsubscribe?t=")
    assert Signer("other" * 8, "https://x").token("manage", {"s": "abc"}) != token


def test_addresses_and_interests_are_checked():
    assert normal_email("  Someone@Example.ORG ") == "someone@example.org"
    for bad in ("nobody", "a@b", "a b@example.org", "a@example.org\r\nBcc: x@y.org"):
        with pytest.raises(UserError):
            normal_email(bad)
    with pytest.raises(UserError, match="topic nope"):
        check_interests(Interests(topics=("nope",)), {"accounts"}, {"GDP"})
    with pytest.raises(UserError, match="at least one"):
        check_interests(Interests(notices=True), {"accounts"}, {"GDP"})
    chosen = Interests(topics=("accounts",), series=("GDP",), kinds=("annual",), notices=True)
    assert Interests.from_rows(chosen.rows()) == chosen == Interests.from_dict(chosen.to_dict())


def test_a_message_skeleton_filled_per_subscriber():
    letter = Letter("【测试统计局】数据发布：2026年一季度", "文本 %%MANAGE_URL%% %%UNSUBSCRIBE_URL%%\n",
                    "<p>网页 <a href=\"%%UNSUBSCRIBE_URL%%\">退订</a></p>%%OPEN_PIXEL%%\n", "zh", "测试统计局",
                    "push@stats.example.org", "<push.stats.example.org>", datetime(2026, 12, 10, 2), "release:r1")
    envelope = Envelope("reader@example.org", "<release.r1.s1@stats.example.org>",
                        "https://stats.example.org/subscribe/unsubscribe?t=abc", "https://stats.example.org/m?t=d")
    for raw in (fill(skeleton(letter), envelope), full_message(letter, envelope)):
        msg = message_from_bytes(raw, policy=default)
        assert msg["To"] == "reader@example.org" and msg["Message-ID"] == "<release.r1.s1@stats.example.org>"
        assert msg["Subject"] == "【测试统计局】数据发布：2026年一季度"
        assert msg["List-Unsubscribe"] == "<https://stats.example.org/subscribe/unsubscribe?t=abc>"
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert "https://stats.example.org/m?t=d" in text and "unsubscribe?t=abc" in html
        assert "%%" not in text + html and "测试统计局" in str(msg["From"])
    assert max(len(line) for line in fill(skeleton(letter), envelope).split(b"\r\n")) < 998


def test_long_lines_are_wrapped_for_8bit_bodies():
    text = "经最终核实，" * 200 + "\n" + "word " * 300
    wrapped = wrap_lines(text, 200)
    assert max(len(line) for line in wrapped.splitlines()) <= 200
    link = "https://stats.example.org/subscribe/confirm?t=" + "x" * 300
    assert link in wrap_lines(f"确认：{link}\n", 200)  # never broken inside a link
    assert wrapped.replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_webhook_signature_as_a_receiver_checks_it():
    body = b'{"event": "release.published"}'
    header = sign("s3cret", body, 1_700_000_000)
    at, digest = (part.split("=", 1)[1] for part in header.split(","))
    assert digest == hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert verify("s3cret", header, body, now=1_700_000_100)
    assert not verify("s3cret", header, body + b" ", now=1_700_000_100)
    assert not verify("other", header, body, now=1_700_000_100)
    assert not verify("s3cret", header, body, now=1_700_001_000)  # a replay, too late


DSN = """From MAILER-DAEMON Thu Dec 10 02:05:00 2026
From: Mail Delivery System <MAILER-DAEMON@relay.example.org>
To: push@stats.example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.org

Final-Recipient: rfc822; gone@example.org
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--B
Content-Type: text/rfc822-headers

Message-ID: <release.r1.{sid}@stats.example.org>
Subject: x

--B--
"""


def test_delivery_reports_from_a_mailbox(tmp_path):
    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(path)
    box.add(DSN.format(action="failed", status="5.1.1", sid="s1"))
    box.add(DSN.format(action="delayed", status="4.4.1", sid="s2"))
    box.add("From: someone@example.org\nSubject: out of office\n\nI am away.\n")
    box.close()
    found = read_mailbox(path)
    assert [(b.message_id, b.hard) for b in found] == [("<release.r1.s1@stats.example.org>", True),
                                                       ("<release.r1.s2@stats.example.org>", False)]
    with pytest.raises(UserError):
        read_mailbox(tmp_path / "missing")
