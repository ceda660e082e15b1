"""Every request leaves one JSON log line with its id, route, status and duration."""

from __future__ import annotations

import json
import time


def test_json_access_log_with_request_id(live_server):
    server = live_server(now="2026-12-10T10:00:05+08:00")
    first = server.get("/healthz", headers={"X-Request-ID": "support-call-0001"})
    second = server.get("/api/v1/series/GDP")
    missing = server.get("/api/v1/series/NOPE")
    assert first.headers["X-Request-ID"] == "support-call-0001"
    assert len(second.headers["X-Request-ID"]) == 16
    time.sleep(0.5)
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    access = [e for e in lines if e.get("logger") == "statpub.access"]
    by_id = {e["request_id"]: e for e in access}
    assert by_id["support-call-0001"]["route"] == "/healthz" and by_id["support-call-0001"]["status"] == 200
    api = by_id[second.headers["X-Request-ID"]]
    assert api["route"] == "/api/v1/series/<code>" and api["status"] == 200 and api["duration_ms"] >= 0
    assert by_id[missing.headers["X-Request-ID"]]["status"] == 404
