"""The embargo across every API endpoint and file: one real server whose clock starts shortly
before the demo release `2025-gdp-final-verification` (2026-12-10 10:00 Beijing). Before the
instant nothing reveals any figure of it (every vintage, bulk files, data package; its URLs give
the very 404 of a missing thing); after it, without a restart, all of them do."""

from __future__ import annotations

import io
import time
from datetime import datetime

import pyarrow.parquet as pq
import pytest

from statpub.kernel.clock import parse_instant
from tests.fixtures.api import FINAL, FINAL_INSTANT

pytestmark = pytest.mark.slow
LEAD_SECONDS = 25

JSON_ENDPOINTS = [
    "/api/v1/", "/api/v1/series", "/api/v1/series?q=GDP", "/api/v1/topics", "/api/v1/releases",
    "/api/v1/releases?limit=1000", "/api/v1/series/GDP", "/api/v1/series/GDP/vintages",
    "/api/v1/series/GDP/observations", "/api/v1/series/GDP/observations?vintages=all",
    "/api/v1/series/GDP_GROWTH/observations?vintages=all&start=2025",
    "/api/v1/series/GDP/observations?units=pc1", "/api/v1/series/GDP/citation?format=json",
]
FILES = ["/api/v1/files/latest/history.parquet", "/api/v1/files/latest/values.parquet",
         "/api/v1/files/latest/values.csv", "/api/v1/files/latest/datapackage.json",
         "/api/v1/files/latest/series/GDP.csv", "/api/v1/files/latest/series/GDP.jsonstat.json",
         "/api/v1/series/GDP/observations?vintages=all&format=parquet",
         "/api/v1/series/GDP/observations?vintages=all&format=jsonstat"]
THE_RELEASE = [f"/api/v1/releases/{FINAL}", f"/api/v1/releases/{FINAL}/observations",
               f"/api/v1/releases/{FINAL}/observations?format=parquet", f"/api/v1/files/{FINAL}/history.parquet",
               f"/api/v1/files/{FINAL}/datapackage.json", f"/api/v1/files/latest/releases/{FINAL}.csv",
               f"/api/v1/files/{FINAL}/series/GDP.parquet", f"/api/v1/series/GDP/citation?vintage={FINAL}"]
MISSING = ["/api/v1/releases/no-such-release", "/api/v1/releases/no-such-release/observations",
           "/api/v1/releases/no-such-release/observations?format=parquet", "/api/v1/files/no-such-release/history.parquet",
           "/api/v1/files/no-such-release/datapackage.json", "/api/v1/files/latest/releases/no-such-release.csv",
           "/api/v1/files/no-such-release/series/GDP.parquet", "/api/v1/series/GDP/citation?vintage=no-such-release"]


def _release_ids_in_parquet(content: bytes) -> set[str]:
    return set(pq.read_table(io.BytesIO(content), columns=["release_id"]).column("release_id").to_pylist())


def _server_now(server) -> datetime:
    return datetime.fromisoformat(server.get("/healthz").json()["now"])


def test_nothing_before_the_instant_everything_after(live_server, gate_at):
    instant = parse_instant(FINAL_INSTANT)
    start = datetime.fromtimestamp(instant.timestamp() - LEAD_SECONDS).astimezone(instant.tzinfo)
    server = live_server(now=start.isoformat(), workers=2)
    marker = FINAL.encode()
    embargoed = {(r["series_code"], r["period"], r["value"]) for r in
                 gate_at(FINAL_INSTANT).release_observations(FINAL).to_pylist()}

    # -- before: no endpoint, no file says anything of it ------------------------------------------
    for path in [*JSON_ENDPOINTS, *FILES]:
        response = server.get(path)
        assert response.status_code == 200, path
        assert marker not in response.content, f"{path} reveals the embargoed release"
        if path.endswith(".parquet") or "format=parquet" in path:
            assert FINAL not in _release_ids_in_parquet(response.content), path
    vintages = server.get("/api/v1/series/GDP/observations?vintages=all").json()["observations"]
    assert [(o["period"], o["value"], o["release_id"]) for o in vintages] == \
        [(r["period"], r["value"], r["release_id"])
         for r in gate_at(start).observations(["GDP"], all_vintages=True).to_pylist()]
    for hidden, missing in zip(THE_RELEASE, MISSING, strict=True):
        got, expected = server.get(hidden), server.get(missing)
        assert (got.status_code, got.content) == (404, expected.content), hidden
    calendar = server.get("/api/v1/calendar").json()["releases"]
    entry = next(r for r in calendar if r["id"] == FINAL)
    assert entry["public"] is False and "links" not in entry and "observation_count" not in entry
    latest = server.get("/api/v1/files/latest/history.parquet")
    assert int(latest.headers["Cache-Control"].split("max-age=")[1]) <= LEAD_SECONDS
    assert _server_now(server) < instant, "the 'before' checks took too long for this test's lead time"

    # -- the instant passes (no restart) -----------------------------------------------------------
    while _server_now(server) < instant:
        time.sleep(0.25)

    for hidden in THE_RELEASE:
        assert server.get(hidden).status_code == 200, hidden
    for path in ["/api/v1/releases", "/api/v1/series/GDP/vintages", "/api/v1/series/GDP/observations",
                 "/api/v1/series/GDP/observations?vintages=all", "/api/v1/files/latest/datapackage.json",
                 "/api/v1/files/latest/values.csv", "/api/v1/series/GDP/citation?format=json"]:
        assert marker in server.get(path).content, f"{path} does not show the release after its instant"
    for path in ["/api/v1/files/latest/history.parquet", "/api/v1/files/latest/values.parquet",
                 "/api/v1/series/GDP/observations?vintages=all&format=parquet"]:
        assert FINAL in _release_ids_in_parquet(server.get(path).content), path
    history = pq.read_table(io.BytesIO(server.get("/api/v1/files/latest/history.parquet").content)).to_pylist()
    assert embargoed <= {(r["series_code"], r["period"], r["value"]) for r in history if r["release_id"] == FINAL}
