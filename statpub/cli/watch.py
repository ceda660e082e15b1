"""`statpub watch`: after each release instant, ask the public site itself whether the release is
visible, and raise the alarm (log line at error, non-zero exit) if it is not within the limit.

It checks from the outside, as the public would, through the public API
(`/api/v1/releases/<id>/observations`: 404 while embargoed, 200 with figures once public)."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from statpub.kernel.clock import Clock

log = logging.getLogger("statpub.watch")
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Sighting:
    release_id: str
    instant: datetime
    visible: bool
    seconds_after_instant: float | None
    detail: str


def is_visible(base: str, release_id: str, timeout: float = 5.0) -> tuple[bool, str]:
    url = f"{base.rstrip('/')}/api/v1/releases/{release_id}/observations?format=json"
    request = urllib.request.Request(url, headers={"Accept": "application/json", "Cache-Control": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - operator's own site
            body = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        return False, f"unreachable: {exc}"
    rows = body.get("observations", body.get("data", []))
    return bool(rows), f"HTTP 200 with {len(rows)} figures"


def watch_release(base: str, release_id: str, instant: datetime, clock: Clock, limit: float) -> Sighting:
    """Wait for the instant, then poll until visible or `limit` seconds after it."""
    wait = (instant - clock.now()).total_seconds()
    if wait > 0:
        time.sleep(wait)
    detail = "not checked"
    while True:
        visible, detail = is_visible(base, release_id)
        late = (clock.now() - instant).total_seconds()
        if visible:
            log.info(json.dumps({"event": "release_visible", "release": release_id, "seconds_after_instant": round(late, 3)}))
            return Sighting(release_id, instant, True, late, detail)
        if late > limit:
            log.error(json.dumps({"event": "release_not_visible", "release": release_id, "limit_seconds": limit,
                                  "detail": detail}))
            return Sighting(release_id, instant, False, None, detail)
        time.sleep(POLL_SECONDS)
