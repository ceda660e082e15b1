"""Bounces reported after the relay accepted a message: delivery status notifications (RFC 3464,
`multipart/report; report-type=delivery-status`) read from the bounce mailbox (an mbox file or a
Maildir), matched to the outbox by the original message's Message-ID. `Action: failed` with a
5.x.x status is a hard bounce (the address is suppressed); 4.x.x or `delayed` is soft (counted,
not suppressed). The relay's own webhook, if it has one, goes to `POST /subscribe/bounces`."""

from __future__ import annotations

import email
import mailbox
from dataclasses import dataclass
from email.message import Message
from email.policy import default
from pathlib import Path

from statpub.kernel.errors import UserError


@dataclass(frozen=True)
class Bounce:
    message_id: str
    hard: bool
    reason: str


def _original_id(report: Message) -> str | None:
    for part in report.walk():
        kind = part.get_content_type()
        if kind in ("message/rfc822", "text/rfc822-headers"):
            if kind == "message/rfc822":
                inner = part.get_payload()
                inner = inner[0] if isinstance(inner, list) else inner
            else:
                inner = email.message_from_string(part.get_payload(decode=True).decode("utf-8", "replace"),
                                                  policy=default)
            if inner is not None and inner.get("Message-ID"):
                return str(inner["Message-ID"]).strip()
    return None


def parse_report(message: Message) -> Bounce | None:
    """The bounce a delivery report tells of, or None for anything else."""
    if message.get_content_type() != "multipart/report":
        return None
    message_id = _original_id(message)
    if message_id is None:
        return None
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload():
            action = str(block.get("Action", "")).strip().lower()
            status = str(block.get("Status", "")).strip()
            if action in ("failed", "delayed"):
                reason = str(block.get("Diagnostic-Code", "") or status)
                return Bounce(message_id, action == "failed" and status.startswith("5"), reason)
    return None


def read_mailbox(path: str | Path) -> list[Bounce]:
    path = Path(path)
    if path.is_dir():
        box: mailbox.Mailbox = mailbox.Maildir(path, factory=None, create=False)
    elif path.is_file():
        box = mailbox.mbox(path, create=False)
    else:
        raise UserError(f"{path}: no such mbox file or Maildir")
    found = []
    for key in box.iterkeys():
        parsed = email.message_from_bytes(box.get_bytes(key), policy=default)
        bounce = parse_report(parsed)
        if bounce is not None:
            found.append(bounce)
    return found
