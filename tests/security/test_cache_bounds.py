"""Finding 5 of the outside probe: each distinct `as_of` (to the microsecond) or `vintage` wrote a
cache file never evicted, and `/download/*` had no rate limit (300 files in 6 s).

Now an instant is answered by the vintage in force then (one file per published state), the disk
cache has a bound with least-recently-used eviction, and downloads are rate limited per client —
each proved by the attack itself, bounded, against `statpub serve` on 127.0.0.1.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from urllib.parse import quote

import pytest

from statpub.dashboards.filecache import FileCache
from statpub.kernel.clock import parse_instant
from tests.fixtures.press import private_site
from tests.helpers import start_server
from tests.ops.hostile import raw_request

NOW = "2026-12-10T10:00:05+08:00"
# Between two publications of the demo (nothing is published in this hour).
QUIET = parse_instant("2026-12-01T09:00:00+08:00")


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings):
    return private_site(tmp_path_factory.mktemp("cache-bounds"), demo_settings)


def _files(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file() and not p.name.endswith((".sha256", ".name"))]


def test_lru_eviction_keeps_the_folder_under_its_bound(tmp_path):
    cache = FileCache(tmp_path / "c", max_bytes=1200)  # an entry: 250 bytes and its 64-byte digest
    built = [cache.get_or_build(FileCache.key("entry", k), ".bin", lambda p: p.write_bytes(b"x" * 250))
             for k in range(3)]
    for age, entry in zip((300, 100, 200), built, strict=True):  # entry 1 used last, entry 0 longest ago
        digest = entry.path.with_name(entry.path.name + ".sha256")
        stamp = time.time() - age
        os.utime(digest, (stamp, stamp))
    cache.get_or_build(FileCache.key("entry", 3), ".bin", lambda p: p.write_bytes(b"x" * 250))
    cache.evict()
    assert cache.size() <= 1200 * 0.9
    assert not built[0].path.exists() and built[1].path.exists()  # least recently used went first


def test_many_instants_one_state_one_file_and_a_bounded_cache(site, tmp_path):
    server = start_server(site, now=NOW, env={"STATPUB_API_RATE": "0", "STATPUB_DOWNLOAD_RATE": "0",
                                              "STATPUB_CACHE_MB": "1"})
    api_cache = site.warehouse_dir / "cache" / "api"
    try:
        for k in range(40):  # forty spellings of the same state, down to the microsecond
            as_of = (QUIET + timedelta(seconds=k * 60, microseconds=k)).isoformat()
            answer = raw_request(server.url, "GET", f"/api/v1/series/GDP/observations?format=csv&as_of={quote(as_of)}")
            assert answer.status == 200
        assert len([p for p in _files(api_cache) if p.suffix == ".csv"]) == 1
        codes = {(QUIET + timedelta(seconds=k * 7)).strftime("%Y%m%dT%H%M%SZ") for k in range(30)}
        targets = set()
        for code in codes:
            answer = raw_request(server.url, "GET", f"/download/view.csv?series=GDP&vintage={code}")
            assert answer.status == 302
            targets.add(answer.headers["location"])
        assert len(targets) == 1  # one canonical vintage: one file
        for start in range(2000, 2026):  # distinct questions: the bound holds
            for end in ("2025", "2026"):
                raw_request(server.url, "GET", f"/api/v1/series/GDP/observations?format=csv&start={start}&end={end}")
        time.sleep(0.2)
        total = sum(p.stat().st_size for p in api_cache.rglob("*") if p.is_file())
        assert total <= (1 << 20) + (256 << 10), total  # the bound, plus what the last scan let through
    finally:
        server.stop()


def test_downloads_are_rate_limited_per_client(site):
    server = start_server(site, now=NOW, env={"STATPUB_DOWNLOAD_RATE": "20/60"})
    try:
        path = "/download/release/2024-q3-economy.csv"
        statuses = [raw_request(server.url, "GET", path, source="127.0.0.9").status for _ in range(30)]
        assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}
        limited = raw_request(server.url, "GET", path, source="127.0.0.9")
        assert int(limited.headers["retry-after"]) >= 1
        assert raw_request(server.url, "GET", path, source="127.0.0.10").status == 200  # another client
        assert raw_request(server.url, "GET", "/api/v1/series", source="127.0.0.9").status == 200
    finally:
        server.stop()
