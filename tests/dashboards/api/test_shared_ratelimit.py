"""API rate limits shared through the operational store (both engines): several processes' counts
add up to one limit per client, with one batched write per process per sync, a sliding window, and
the local bucket still in force when the store cannot be reached."""

from __future__ import annotations

from statpub.dashboards.api.ratelimit import SharedCounts
from statpub.dashboards.api.state import RateLimiter
from statpub.store import Store

T0 = 1_800_000_000.0  # the start of a 60 s window


class FakeTime:
    def __init__(self, at: float = T0):
        self.at = at

    def __call__(self) -> float:
        return self.at


def worker(store: Store, clock: FakeTime, limit: int = 20, window: float = 60) -> SharedCounts:
    return SharedCounts(store, limit, window, sync_seconds=3600, clock=clock)  # synced by hand here


def admitted(counts: SharedCounts, client: str, tries: int) -> int:
    return sum(counts.take(client)[0] for _ in range(tries))


def test_the_limit_holds_across_processes(any_store: Store):
    clock = FakeTime()
    a, b, c = (worker(any_store, clock) for _ in range(3))
    total = 0
    for _ in range(10):  # three workers, each synced after every 3 requests it admits
        for counts in (a, b, c):
            total += admitted(counts, "198.51.100.7", 3)
            counts.sync()
    assert 20 <= total <= 20 + 2 * 3  # at most what the others admitted since their last sync
    assert not a.take("198.51.100.7")[0] and a.retry_after("198.51.100.7") >= 1
    assert a.take("203.0.113.9")[0]  # another client is not held back
    with any_store.connect() as con:
        rows = con.execute("SELECT client, hits FROM rate_windows WHERE client = ?", ["198.51.100.7"]).fetchall()
    assert sum(r["hits"] for r in rows) == total


def test_the_window_slides(any_store: Store):
    clock = FakeTime()
    a, b = worker(any_store, clock), worker(any_store, clock)
    assert admitted(a, "x", 20) == 20
    a.sync()
    b.sync()
    assert not b.take("x")[0]
    clock.at = T0 + 60 + 30  # half of the previous window still counts: 10 of 20 used
    b.sync()
    assert 9 <= admitted(b, "x", 20) <= 10
    clock.at = T0 + 200
    b.sync()
    assert admitted(b, "x", 20) == 20


def test_one_batched_write_per_sync_whatever_the_traffic(any_store: Store):
    clock = FakeTime()
    counts = worker(any_store, clock, limit=10_000)
    for i in range(500):
        counts.take(f"client-{i % 50}")
    assert sum(counts._unsent.values()) == 500  # noqa: SLF001 - nothing written yet
    counts.sync()
    with any_store.connect() as con:
        assert con.execute("SELECT count(*), sum(hits) FROM rate_windows").fetchone()[1] == 500


def test_an_unreachable_store_leaves_the_local_limit_in_force(tmp_path, caplog):
    from statpub.store.postgresql import PostgreSQLStore
    from tests.helpers import free_port

    store = PostgreSQLStore(f"postgresql://nobody@127.0.0.1:{free_port()}/none?connect_timeout=1")
    store.max_connections = 1
    limiter = RateLimiter(5, 60)
    limiter.shared = SharedCounts(store, 5, 60, sync_seconds=3600)
    try:
        results = [limiter.take("x")[0] for _ in range(7)]
        limiter.shared.sync()
    finally:
        store.close()
    assert results == [True] * 5 + [False] * 2
    assert "not shared" in caplog.text and sum(limiter.shared._unsent.values()) == 5  # noqa: SLF001

