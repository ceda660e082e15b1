"""WebSub (W3C): the Atom feeds declare the configured hubs (`<link rel="hub">`, through the site's
`feed_hubs` hook), and at each event statpub tells every hub which feeds changed
(`hub.mode=publish`, `hub.url=<feed>`), so subscribers of the hub hear of a release at its instant
instead of polling. Each (event, hub, feed) ping is recorded; a failed one raises, so the job that
sent it is retried and only the pings not yet answered are sent again."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import requests

from statpub.features.push.subscriptions import stamp
from statpub.store import Store

log = logging.getLogger("statpub.push")
TIMEOUT = 10.0


class HubUnreachable(RuntimeError):
    pass


def feed_urls(base_url: str, topics: tuple[str, ...] | list[str]) -> list[str]:
    """The feeds an event changes: everything and each of its topics, in both languages (the URLs
    the feeds give as their rel=self)."""
    paths = ["/feed.atom", *(f"/feed/{topic}.atom" for topic in topics)]
    return [f"{base_url}{path}{suffix}" for path in paths for suffix in ("", "?lang=en")]


def ping_hubs(store: Store, hubs: tuple[str, ...], event_id: str, urls: list[str], now: datetime) -> int:
    """Notify each hub of each feed not yet acknowledged for this event; the number sent."""
    with store.connect() as con:
        done = {(r[0], r[1]) for r in con.execute(
            "SELECT hub, topic_url FROM push_websub_pings WHERE event_id = ? AND status >= 200 AND status < 300",
            [event_id])}
    failures, sent = [], 0
    for hub in hubs:
        for url in urls:
            if (hub, url) in done:
                continue
            status, error = None, None
            try:
                status = requests.post(hub, data={"hub.mode": "publish", "hub.url": url}, timeout=TIMEOUT).status_code
                error = None if 200 <= status < 300 else f"HTTP {status}"
            except requests.RequestException as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
            sent += 1
            with store.transaction() as con:
                con.execute("INSERT INTO push_websub_pings (event_id, hub, topic_url, at, status, error) "
                            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, hub, topic_url) DO UPDATE SET "
                            "at = excluded.at, status = excluded.status, error = excluded.error",
                            [event_id, hub, url, stamp(now), status, error])
            if error:
                failures.append(f"{hub} {url}: {error}")
    if failures:
        log.warning(json.dumps({"event": "websub_failed", "failures": failures}))
        raise HubUnreachable("; ".join(failures[:5]))
    return sent
