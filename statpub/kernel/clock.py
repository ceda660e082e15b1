"""The injectable clock.

`STATPUB_NOW=<ISO 8601 instant with offset>` starts the clock at that instant and lets it run on.
It is read from the server's environment only, never from a request.

Several processes (gunicorn workers, the CLI) must agree on the time, so the clock is anchored to a
wall-clock epoch: `STATPUB_CLOCK_ANCHOR` (seconds since the epoch, set once by `statpub serve`) is
the real time at which the clock read `STATPUB_NOW`. Without it, the anchor is the moment the clock
object is created.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from statpub.kernel.errors import UserError

BEIJING = ZoneInfo("Asia/Shanghai")
ENV_NOW = "STATPUB_NOW"
ENV_ANCHOR = "STATPUB_CLOCK_ANCHOR"


def parse_instant(text: str, *, what: str = "instant") -> datetime:
    """Parse an ISO 8601 instant that must carry an offset (a naive time is ambiguous)."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UserError(f"{what}: {text!r} is not an ISO 8601 instant ({exc})") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise UserError(f"{what}: {text!r} has no offset; write e.g. 2026-01-20T10:00:00+08:00")
    return value.astimezone(UTC)


@dataclass
class Clock:
    """Returns the current instant (UTC, aware). Frozen at `start` plus the real time elapsed."""

    start: datetime | None = None
    anchor_epoch: float = field(default_factory=time.time)

    def now(self) -> datetime:
        if self.start is None:
            return datetime.now(UTC)
        return self.start + timedelta(seconds=time.time() - self.anchor_epoch)

    @property
    def injected(self) -> bool:
        return self.start is not None


def clock_from_env(env: Mapping[str, str] | None = None) -> Clock:
    env = os.environ if env is None else env
    raw = env.get(ENV_NOW, "").strip()
    if not raw:
        return Clock()
    start = parse_instant(raw, what=ENV_NOW)
    anchor = env.get(ENV_ANCHOR, "").strip()
    if anchor:
        try:
            return Clock(start=start, anchor_epoch=float(anchor))
        except ValueError:
            raise UserError(f"{ENV_ANCHOR}: {anchor!r} is not a number of seconds") from None
    return Clock(start=start)


def beijing(instant: datetime) -> datetime:
    return instant.astimezone(BEIJING)


def format_beijing(instant: datetime, lang: str = "zh") -> str:
    local = beijing(instant)
    if lang == "zh":
        return local.strftime("%Y年%m月%d日 %H:%M") + "（北京时间）"
    return local.strftime("%d %b %Y %H:%M") + " Beijing time"
