"""API rate limits shared by every worker of every node, without a database write per request.

Each process still decides every request locally, in memory (its token bucket, `RateLimiter`). On
top of it, `SharedCounts` keeps a sliding-window count per client address across all processes:
- a request adds 1 to the process's unsent count for the client (a dict update, no I/O);
- a background thread, once per `sync_seconds`, sends all unsent counts in one batched upsert
  (`INSERT … ON CONFLICT DO UPDATE SET hits = hits + excluded.hits`) into the operational store
  (SQLite on one machine, PostgreSQL across nodes) and reads back the clients that are already busy
  (at least a quarter of the limit) in the current and previous windows;
- a request is refused when the client's estimate — previous window weighted by how much of it
  still overlaps the sliding window, plus the current window's global count, plus this process's
  unsent hits — has reached the limit.

So the store sees one write per process per second whatever the traffic, and a client is held to
the limit across the whole cluster, give or take what the other processes admitted since their last
sync: up to about twice the sync interval times the client's request rate. While some client is
past half its limit, the processes sync every `BUSY_SYNC_SECONDS` instead, so that slack stays
small exactly when it matters (a few writes a second per process, only then). If the store cannot be reached,
the local bucket still applies and the failure is logged once per minute.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from pathlib import Path

from statpub.store import Store

MIGRATIONS = Path(__file__).parent / "migrations"
SCOPE = "api"
BUSY_SYNC_SECONDS = 0.2
log = logging.getLogger("statpub.ratelimit")

_UPSERT = ("INSERT INTO rate_windows (scope, client, window_start, hits) VALUES (?, ?, ?, ?) "
           "ON CONFLICT (scope, client, window_start) DO UPDATE SET hits = rate_windows.hits + excluded.hits")
_BUSY = ("SELECT client, window_start, hits FROM rate_windows "
         "WHERE scope = ? AND window_start IN (?, ?) AND hits >= ?")


class SharedCounts:
    def __init__(self, store: Store, limit: int, window: float, *, sync_seconds: float = 1.0,
                 scope: str = SCOPE, clock=time.time):
        self.store, self.limit, self.window = store, limit, float(window)
        self.sync_seconds, self.scope, self.clock = sync_seconds, scope, clock
        self._unsent: Counter[tuple[str, int]] = Counter()
        self._global: dict[tuple[str, int], int] = {}  # busy clients' counts, as of the last sync
        self._lock = threading.Lock()
        self._pid = 0
        self._wake = threading.Event()
        self._failing_since = 0.0
        self._last_cleanup = 0.0
        self._busy = False  # some client past half its limit: sync more often

    # -- the request path: memory only ---------------------------------------------------------
    def window_of(self, at: float) -> int:
        return int(at // self.window)

    def estimate(self, client: str, at: float) -> float:
        current = self.window_of(at)
        overlap = 1.0 - (at / self.window - current)  # share of the previous window still inside
        with self._lock:
            previous_hits = self._global.get((client, current - 1), 0) + self._unsent.get((client, current - 1), 0)
            current_hits = self._global.get((client, current), 0) + self._unsent.get((client, current), 0)
        return previous_hits * overlap + current_hits

    def take(self, client: str) -> tuple[bool, int]:
        """(allowed, remaining across the cluster as far as this process knows)."""
        self._ensure_thread()
        at = self.clock()
        used = self.estimate(client, at)
        if used >= self.limit:
            return False, 0
        with self._lock:
            self._unsent[(client, self.window_of(at))] += 1
        return True, max(0, int(self.limit - used - 1))

    def retry_after(self, client: str) -> int:
        """Seconds until the sliding estimate drops below the limit (at most one window)."""
        at = self.clock()
        step = max(1.0, self.window / 60)
        waited = step
        while waited < self.window and self.estimate(client, at + waited) >= self.limit:
            waited += step
        return int(waited + 0.999)

    # -- the slow path: one batched write per process per interval -----------------------------
    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()  # after a fork: a thread of this process's own
            self._unsent.clear()
            threading.Thread(target=self._run, name="statpub-ratelimit-sync", daemon=True).start()

    def _run(self) -> None:
        pid = os.getpid()
        while self._pid == pid:
            self._wake.wait(min(self.sync_seconds, BUSY_SYNC_SECONDS) if self._busy else self.sync_seconds)
            self._wake.clear()
            self.sync()

    def sync(self) -> None:
        """Send the unsent counts, read back the busy clients (also callable directly, in tests)."""
        with self._lock:
            batch, self._unsent = self._unsent, Counter()
        at = self.clock()
        current = self.window_of(at)
        try:
            self.store.migrate("ratelimit", MIGRATIONS)  # once per process; here, so a store down at
            with self.store.connect() as con:          # start does not keep the site from starting
                if batch:
                    con.executemany(_UPSERT, [(self.scope, client, start, hits)
                                              for (client, start), hits in batch.items()])
                rows = con.execute(_BUSY, [self.scope, current - 1, current, max(1, self.limit // 4)]).fetchall()
                if at - self._last_cleanup > self.window:
                    con.execute("DELETE FROM rate_windows WHERE scope = ? AND window_start < ?",
                                [self.scope, current - 1])
                    self._last_cleanup = at
        except Exception as error:  # noqa: BLE001 - the local bucket still applies
            with self._lock:  # keep the counts for the next try
                self._unsent.update(batch)
            if time.monotonic() - self._failing_since > 60:
                log.warning("rate-limit counts not shared (store unreachable): %s", error)
                self._failing_since = time.monotonic()
            return
        with self._lock:
            self._global = {(r["client"], r["window_start"]): r["hits"] for r in rows}
            self._busy = any(r["hits"] >= self.limit // 2 for r in rows)
