"""`/healthz`: ok or not ok for anyone (load balancers, monitors); the details — snapshot, the
server's clock, the next instant at which public answers change — only to the office's own
network, which an outsider could otherwise use to learn when something unannounced happens.

`STATPUB_HEALTH_NETWORKS` (comma-separated addresses or networks, read from the server's
environment at start; default the loopback addresses) names the office's network. Behind trusted
proxies the client address is the one they forward (`STATPUB_TRUSTED_PROXIES`).
"""

from __future__ import annotations

import ipaddress
import os

from flask import Flask, current_app, jsonify, request

from statpub.dashboards.services import services
from statpub.kernel.errors import StatpubError
from statpub.store import open_store

ENV_NETWORKS = "STATPUB_HEALTH_NETWORKS"
DEFAULT_NETWORKS = "127.0.0.0/8,::1/128"
NETWORKS_KEY = "statpub.health_networks"


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


def _check() -> dict:
    """The details, computed only if everything a public answer needs works."""
    svc = services()
    gate = svc.gate()
    nxt = gate.next_instant()
    with open_store(svc.settings).connect() as con:
        con.execute("SELECT 1").fetchone()
    return {"snapshot": gate.snapshot.name, "now": gate.now.isoformat(),
            "next_instant": nxt.isoformat() if nxt else None}


def register(server: Flask) -> None:
    server.extensions[NETWORKS_KEY] = parse_networks(os.environ.get(ENV_NETWORKS, DEFAULT_NETWORKS))

    @server.get("/healthz")
    def healthz():
        try:
            details, status = _check(), 200
        except Exception:
            current_app.logger.exception("health check failed")
            details, status = {}, 503
        body = {"status": "ok" if status == 200 else "not ok"}
        if from_office_network(request.remote_addr, current_app.extensions[NETWORKS_KEY]):
            body.update(details)
        response = jsonify(body)
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        return response
