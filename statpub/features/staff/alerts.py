"""Alerts to the office's staff: an account, device or address locked by failed logins.

Each alert is kept in the operational store (`statpub user alerts` lists them), written to the
server's log as a JSON line (event `staff_alert`, level warning), and mailed when the server's
environment names recipients: `STATPUB_ALERT_EMAIL` (comma-separated), through
`STATPUB_SMTP_HOST` / `STATPUB_SMTP_PORT` (default localhost:25), from `STATPUB_SMTP_FROM`.
Mail goes out on a thread of its own, so a slow mail server never holds up a login answer.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from statpub.features.staff.accounts import iso
from statpub.store import Store

log = logging.getLogger("statpub.staff")
ENV_TO, ENV_HOST, ENV_PORT, ENV_FROM = ("STATPUB_ALERT_EMAIL", "STATPUB_SMTP_HOST", "STATPUB_SMTP_PORT",
                                        "STATPUB_SMTP_FROM")
SMTP_TIMEOUT = 10  # seconds


@dataclass(frozen=True)
class Alert:
    at: str
    kind: str
    subject: str
    detail: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _mail(alert: Alert, env: Mapping[str, str]) -> None:
    recipients = [a.strip() for a in env.get(ENV_TO, "").split(",") if a.strip()]
    if not recipients:
        return
    message = EmailMessage()
    message["Subject"] = f"[statpub] {alert.kind}: {alert.subject}"
    message["From"] = env.get(ENV_FROM, "statpub@localhost")
    message["To"] = ", ".join(recipients)
    message.set_content(f"{alert.detail}\n\nat {alert.at} (UTC)\n"
                        "Lift a lock with `statpub user unlock NAME` once you know who it was.\n")
    try:
        with smtplib.SMTP(env.get(ENV_HOST, "localhost"), int(env.get(ENV_PORT, "25")),
                          timeout=SMTP_TIMEOUT) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception(json.dumps({"event": "staff_alert_mail_failed", "kind": alert.kind}))


class Alerts:
    def __init__(self, store: Store, env: Mapping[str, str] | None = None):
        self.store = store
        self.env = os.environ if env is None else env

    def send(self, kind: str, subject: str, detail: str, now: datetime) -> Alert:
        alert = Alert(iso(now), kind, subject, detail)
        with self.store.connect() as con:
            con.execute("INSERT INTO staff_alerts (at, kind, subject, detail) VALUES (?, ?, ?, ?)",
                        [alert.at, alert.kind, alert.subject, alert.detail])
        log.warning(json.dumps({"event": "staff_alert", **alert.to_dict()}, ensure_ascii=False))
        threading.Thread(target=_mail, args=(alert, dict(self.env)), name="statpub-alert-mail",
                         daemon=True).start()
        return alert

    def list(self, limit: int = 200) -> list[Alert]:
        with self.store.connect() as con:
            rows = con.execute("SELECT at, kind, subject, detail FROM staff_alerts ORDER BY at DESC LIMIT ?",
                               [limit]).fetchall()
        return [Alert(r["at"], r["kind"], r["subject"], r["detail"]) for r in rows]
