"""Read-only access to the current snapshot, for the web tier and the CLI.

Each process keeps one read-only connection (opened lazily, so after a fork) and takes a cursor
per request. When the `current` symlink points at a new snapshot, the next request reconnects;
requests already running finish on the old file, whose inode stays alive while it is open.
"""

from __future__ import annotations

import gc
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from statpub.kernel.clock import BEIJING
from statpub.kernel.errors import StatpubError
from statpub.kernel.lang import Paired
from statpub.warehouse import approval_overlay, holds
from statpub.warehouse.review_state import ReviewState, read_detected_changes, read_review
from statpub.warehouse.snapshots import SnapshotStore


class WarehouseUnavailable(StatpubError):
    status = 503
    title = "Warehouse not loaded"


@dataclass(frozen=True)
class HistoryItem(Paired):
    date: date
    change: str
    reason_zh: str | None
    reason_en: str | None
    previous_instant: datetime | None
    # Recorded by the loader: calendar.yaml was edited without a history entry saying why.
    detected: bool = False

    def reason(self, lang: str) -> str | None:
        return self.text("reason", lang)


@dataclass(frozen=True)
class ReleaseInfo(Paired):
    """A calendar entry as the snapshot holds it. Its metadata (title, instant, state) is public
    from announcement; its figures and texts only pass the gate at the instant."""

    id: str
    title_zh: str
    title_en: str
    kind: str
    instant: datetime
    state: str
    window: timedelta
    series: tuple[str, ...]
    revision_stage: str | None
    revision_reason_zh: str | None
    revision_reason_en: str | None
    observation_count: int
    position: int
    history: tuple[HistoryItem, ...]
    review: ReviewState = ReviewState()
    corrects: str | None = None  # for a correction (revision stage `correction`): the release corrected

    def title(self, lang: str) -> str:
        return self.text("title", lang)

    @property
    def sequence(self) -> int:
        """How many times the announced entry changed (ICS SEQUENCE)."""
        return sum(1 for item in self.history if item.change != "announced")

    def revision_reason(self, lang: str) -> str | None:
        return self.text("revision_reason", lang)

    @property
    def publishable_state(self) -> bool:
        return self.state in ("provisional", "confirmed")


@dataclass(frozen=True)
class SeriesInfo(Paired):
    code: str
    topic: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    frequency: str
    measure: str
    cumulative: bool
    decimals: int
    prices: str | None
    definition_zh: str
    definition_en: str
    source_zh: str
    source_en: str
    components: tuple[str, ...]
    tolerance: float
    growth_of: str | None
    disclosure_control: bool
    position: int

    def name(self, lang: str) -> str:
        return self.text("name", lang)

    def unit(self, lang: str) -> str:
        return self.text("unit", lang)


@dataclass(frozen=True)
class TopicInfo(Paired):
    code: str
    name_zh: str
    name_en: str
    position: int

    def name(self, lang: str) -> str:
        return self.text("name", lang)


class Snapshot:
    """One opened snapshot file with its small metadata tables read once."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection):
        self.path = path
        self.con = con
        # Approvals recorded beside the snapshot since it was built (warehouse/approval_overlay.py).
        self.overlay_stamp = approval_overlay.stamp(path.parent)
        cur = con.cursor()
        self.releases = _read_releases(cur, approval_overlay.read(path.parent))
        self.series = _read_series(cur)
        self.topics = [TopicInfo(*row) for row in cur.execute(
            "SELECT code, name_zh, name_en, position FROM topics ORDER BY position").fetchall()]
        cur.close()
        self._said: set[str] = set()
        self._said_lock = threading.Lock()
        self._carried: dict[tuple[str, ...], tuple[tuple[SeriesInfo, ...], frozenset[str]]] = {}
        # The releases this process has seen public (the gate logs each one going public once);
        # None until the first gate, which sets the baseline. Carried over to the next snapshot.
        self.public_seen: tuple[tuple[str, ...], frozenset[str]] | None = None
        self.release_hold: weakref.finalize | None = None  # set by open_snapshot
        self._on_close: list[Callable[[], object]] = []

    def series_carried_by(self, release_ids: tuple[str, ...]) -> tuple[tuple[SeriesInfo, ...], frozenset[str]]:
        """The series these releases carry (catalogue order) and their codes. Cached: the gate asks
        on every request, and with thousands of series the answer takes milliseconds to compute."""
        found = self._carried.get(release_ids)
        if found is None:
            # Releases share their series lists (_series_lists): each distinct list is added once.
            lists = {id(carried): carried for carried in (self.releases[rid].series for rid in release_ids)}
            codes = frozenset().union(*lists.values())
            found = (tuple(s for s in self.series.values() if s.code in codes), codes)
            if len(self._carried) > 64:
                self._carried.clear()
            self._carried[release_ids] = found
        return found

    @property
    def name(self) -> str:
        return self.path.name

    def on_close(self, callback: Callable[[], object]) -> None:
        """Run `callback` when the snapshot is closed (e.g. to close cursors kept per thread)."""
        self._on_close.append(callback)

    def close(self) -> None:
        """Close the connection and let retention have the file (when nothing else uses it)."""
        for callback in self._on_close:
            callback()
        self.con.close()
        release = getattr(self, "release_hold", None)
        if release is not None:
            release()

    def first_time(self, key: str) -> bool:
        """True once per key for this opened snapshot: operator log lines are said once, not
        on every request."""
        with self._said_lock:
            if key in self._said:
                return False
            self._said.add(key)
            return True

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one request; instants come back in UTC whatever the host's zone."""
        cur = self.con.cursor()
        cur.execute("SET TimeZone = 'UTC'")
        cur.execute("SET enable_progress_bar = false")
        return cur


def open_snapshot(path: Path) -> Snapshot:
    """Open `path` read-only, holding it (warehouse/holds.py) until the Snapshot is closed or
    garbage: retention never removes a snapshot this process still reads."""
    fd = holds.hold(path)
    try:
        con = duckdb.connect(str(path), read_only=True)
        snapshot = Snapshot(path, con)
    except BaseException:
        holds.release(fd)
        raise
    snapshot.release_hold = weakref.finalize(snapshot, holds.release, fd)
    # The snapshot's metadata (every release with its series) stays for the life of the process:
    # move it out of the garbage collector's full scans, which otherwise pause a busy server
    # for tens of milliseconds each time they walk these millions of references.
    gc.freeze()
    return snapshot


class WarehouseReader:
    def __init__(self, data_dir: Path):
        self.store = SnapshotStore(data_dir)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._pid: int | None = None

    def snapshot(self) -> Snapshot:
        """The current snapshot, reconnecting if the symlink moved (or after a fork)."""
        target = self.store.current()
        if target is None:
            raise WarehouseUnavailable(
                f"no warehouse snapshot in {self.store.data_dir}; run `statpub load` first")
        snap = self._snapshot
        overlay = approval_overlay.stamp(self.store.data_dir)
        if snap is not None and snap.path == target and self._pid == os.getpid() and snap.overlay_stamp == overlay:
            return snap
        with self._lock:
            snap = self._snapshot
            if (snap is None or snap.path != target or self._pid != os.getpid()
                    or snap.overlay_stamp != overlay):
                previous = snap if self._pid == os.getpid() else None
                snap = self._open_current(target)
                if previous is not None:  # a release approved late goes public with a new snapshot
                    snap.public_seen = previous.public_seen
                self._snapshot, self._pid = snap, os.getpid()
            return snap


    def _open_current(self, target: Path) -> Snapshot:
        """Open `target`; if retention removed it meanwhile (this reader looked at `current` long
        ago), `current` has moved on: follow it."""
        for _attempt in range(5):
            try:
                return open_snapshot(target)
            except holds.SnapshotGone:
                target = self.store.current() or target
        return open_snapshot(target)


def _read_releases(cur: duckdb.DuckDBPyConnection, overlay: list | None = None) -> dict[str, ReleaseInfo]:
    history: dict[str, list[HistoryItem]] = {}
    for rid, day, change, rzh, ren, prev in cur.execute(
        "SELECT release_id, date, change, reason_zh, reason_en, previous_instant "
        "FROM release_history ORDER BY release_id, position"
    ).fetchall():
        history.setdefault(rid, []).append(
            HistoryItem(day, change, rzh, ren, prev.astimezone(UTC) if prev else None))
    for rid, changes in read_detected_changes(cur).items():
        # Hand edits without a notice still count as changes, after the notices of calendar.yaml.
        unexplained = [HistoryItem(c.detected_at.astimezone(BEIJING).date(), c.change, None, None,
                                   c.previous_instant, detected=True) for c in changes if not c.explained]
        history[rid] = [*history.get(rid, []), *unexplained]
    review = read_review(cur, overlay)
    series = _series_lists(cur)
    out = {}
    for row in cur.execute(
        "SELECT release_id, title_zh, title_en, kind, instant, state, prerelease_window_hours, "
        "revision_stage, revision_reason_zh, revision_reason_en, observation_count, position, "
        "json_extract_string(entry_json, '$.revision.corrects') "
        "FROM releases ORDER BY instant, position"
    ).fetchall():
        (rid, tzh, ten, kind, instant, state, hours, stage, rrzh, rren, count, pos, corrects) = row
        out[rid] = ReleaseInfo(rid, tzh, ten, kind, instant.astimezone(UTC), state,
                               timedelta(hours=hours), series[rid], stage, rrzh, rren, count, pos,
                               tuple(history.get(rid, ())), review.get(rid, ReviewState()), corrects)
    return out


def _series_lists(cur: duckdb.DuckDBPyConnection, batch: int = 8) -> dict[str, tuple[str, ...]]:
    """Release id → the series it carries. Releases mostly carry the same lists (a monthly release
    of thousands of series, hundreds of times): each distinct list becomes one tuple, each code one
    string object, however many releases name them. Read a few releases at a time: DuckDB keeps
    the memory a scan of every list at once needs (tens of MB in each web worker)."""
    codes: dict[str, str] = {}
    lists: dict[tuple[str, ...], tuple[str, ...]] = {}
    out: dict[str, tuple[str, ...]] = {}
    ids = [rid for (rid,) in cur.execute("SELECT release_id FROM releases ORDER BY release_id").fetchall()]
    for first in range(0, len(ids), batch):
        chunk = ids[first:first + batch]
        for listed, release_ids in cur.execute(
            f"SELECT series, list(release_id) FROM releases WHERE release_id IN ({', '.join('?' for _ in chunk)}) "  # noqa: S608 - markers only
            "GROUP BY series", chunk).fetchall():
            shared = tuple(codes.setdefault(code, code) for code in listed)
            shared = lists.setdefault(shared, shared)
            for rid in release_ids:
                out[rid] = shared
    return out


def _read_series(cur: duckdb.DuckDBPyConnection) -> dict[str, SeriesInfo]:
    rows = cur.execute(
        "SELECT code, topic, name_zh, name_en, unit_zh, unit_en, frequency, measure, cumulative, "
        "decimals, prices, definition_zh, definition_en, source_zh, source_en, components, tolerance, "
        "growth_of, disclosure_control, position FROM series ORDER BY position"
    ).fetchall()
    return {row[0]: SeriesInfo(*row[:15], tuple(row[15]), *row[16:]) for row in rows}
