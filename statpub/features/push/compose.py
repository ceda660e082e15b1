"""Messages as bytes: one skeleton per event and language, filled in per subscriber.

The skeleton is a complete MIME message (multipart/alternative: text/plain, then text/html; UTF-8,
8-bit bodies) whose To, Message-ID and per-subscriber links are placeholders; each message is the
skeleton with those replaced — microseconds instead of building a MIME tree per subscriber, which
is what lets one worker hand 100,000 messages to the relay within a minute. A relay without
8BITMIME gets each message built in full with quoted-printable bodies instead.

Every message carries `List-Unsubscribe` (the signed https link) and `List-Unsubscribe-Post:
List-Unsubscribe=One-Click` (RFC 8058), `List-Id`, `Auto-Submitted` and its stable Message-ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

PLACE_TO = "statpub-to@placeholder.invalid"
PLACE_ID = "<statpub-message-id@placeholder.invalid>"
PLACE_UNSUB = "%%UNSUBSCRIBE_URL%%"
PLACE_MANAGE = "%%MANAGE_URL%%"
PLACE_PIXEL = "%%OPEN_PIXEL%%"


@dataclass(frozen=True)
class Envelope:
    """What differs per subscriber."""

    to: str
    message_id: str
    unsubscribe_url: str
    manage_url: str
    pixel_html: str = ""


@dataclass(frozen=True)
class Letter:
    """What one event says in one language."""

    subject: str
    text: str
    html: str
    lang: str
    sender_name: str
    sender: str
    list_id: str
    date: datetime
    event_id: str


def _message(letter: Letter, envelope: Envelope, text: str, html: str, cte: str) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    local, _, domain = letter.sender.partition("@")
    msg["From"] = Address(letter.sender_name, local, domain)
    msg["To"] = envelope.to
    msg["Subject"] = letter.subject
    msg["Date"] = format_datetime(letter.date)
    msg["Message-ID"] = envelope.message_id
    msg["List-Id"] = letter.list_id
    msg["List-Unsubscribe"] = f"<{envelope.unsubscribe_url}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg["Precedence"] = "bulk"
    msg["X-Statpub-Event"] = letter.event_id
    msg.set_content(text, subtype="plain", charset="utf-8", cte=cte)
    msg.add_alternative(html, subtype="html", charset="utf-8", cte=cte)
    # After the bodies: making the message multipart moves Content-* headers into its first part.
    msg["Content-Language"] = "zh-CN" if letter.lang == "zh" else "en"
    return msg


def skeleton(letter: Letter) -> bytes:
    """The event's message with placeholders, 8-bit bodies."""
    placeholders = Envelope(PLACE_TO, PLACE_ID, PLACE_UNSUB, PLACE_MANAGE, PLACE_PIXEL)
    return _message(letter, placeholders, letter.text, letter.html, "8bit").as_bytes()


def fill(skeleton_bytes: bytes, envelope: Envelope) -> bytes:
    return (skeleton_bytes.replace(PLACE_TO.encode(), envelope.to.encode())
            .replace(PLACE_ID.encode(), envelope.message_id.encode())
            .replace(PLACE_UNSUB.encode(), envelope.unsubscribe_url.encode())
            .replace(PLACE_MANAGE.encode(), envelope.manage_url.encode())
            .replace(PLACE_PIXEL.encode(), envelope.pixel_html.encode()))


def full_message(letter: Letter, envelope: Envelope) -> bytes:
    """The same message built in full, 7-bit clean (quoted-printable), for relays without 8BITMIME."""

    def personal(body: str) -> str:
        return (body.replace(PLACE_UNSUB, envelope.unsubscribe_url).replace(PLACE_MANAGE, envelope.manage_url)
                .replace(PLACE_PIXEL, envelope.pixel_html))

    return _message(letter, envelope, personal(letter.text), personal(letter.html), "quoted-printable").as_bytes()
