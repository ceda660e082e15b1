"""`/healthz`: ok or not ok for anyone (load balancers, monitors); the details — snapshot, the
server's clock, the next instant at which public answers change — only to the office's own
network, which an outsider could otherwise use to learn when something unannounced happens.
A node following an object store (STATPUB_OBJECT_STORE_URL) that cannot reach it is `degraded`:
it still serves the snapshot it has (200, it stays in the balancer) and says so.

`STATPUB_HEALTH_NETWORKS` (comma-separated addresses or networks, read from the server's
environment at start; default the loopback addresses) names the office's network. Behind trusted
proxies the client address is the one they forward (`STATPUB_TRUSTED_PROXIES`).
"""

from __future__ import annotations

import ipaddress
import os

from flask import Flask, current_app, jsonify, request

from statpub.dashboards.services import EXTENSION_KEY, services
from statpub.kernel.errors import StatpubError
from statpub.store import open_store
from statpub.warehouse.objectstore import FOLLOWER_KEY, follower_for

ENV_NETWORKS = "STATPUB_HEALTH_NETWORKS"
DEFAULT_NETWORKS = "127.0.0.0/8,::1/128"
NETWORKS_KEY = "statpub.health_networks"
FOLLOW_STORE = "STATPUB_FOLLOW_STORE"  # server.config: False for an app built only to fetch files


def parse_networks(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise StatpubError(f"{ENV_NETWORKS}: {exc}") from None


def from_office_network(address: str | None, networks) -> bool:
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(client in network for network in networks)


def _check() -> tuple[str, dict]:
    """The status and details, computed only if everything a public answer needs works."""
    svc = services()
    gate = svc.gate()
    nxt = gate.next_instant()
    with open_store(svc.settings).connect() as con:
        con.execute("SELECT 1").fetchone()
    details = {"snapshot": gate.snapshot.name, "now": gate.now.isoformat(),
               "next_instant": nxt.isoformat() if nxt else None}
    status = "ok"
    follower = current_app.extensions.get(FOLLOWER_KEY)
    if follower is not None:
        details["object_store"] = follower.status()
        if details["object_store"]["reachable"] is False:
            status = "degraded"
    return status, details


def register(server: Flask) -> None:
    server.extensions[NETWORKS_KEY] = parse_networks(os.environ.get(ENV_NETWORKS, DEFAULT_NETWORKS))
    # With an object store configured (STATPUB_OBJECT_STORE_URL), this node follows its snapshots.
    follower = None
    if server.config.get(FOLLOW_STORE, True):
        follower = follower_for(server.extensions[EXTENSION_KEY].settings.warehouse_dir)
    server.extensions[FOLLOWER_KEY] = follower

    @server.get("/healthz")
    def healthz():
        try:
            (state, details), status = _check(), 200
        except Exception:
            current_app.logger.exception("health check failed")
            state, details, status = "not ok", {}, 503
        body = {"status": state}
        if from_office_network(request.remote_addr, current_app.extensions[NETWORKS_KEY]):
            body.update(details)
        response = jsonify(body)
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        return response
