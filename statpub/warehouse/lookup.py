"""Series lookups at DuckDB's own speed: what `Gate.observations` runs for one or a few series.

A lookup is two steps. DuckDB answers the bare point query — the rows of the asked series, by a
statement parsed once per shape (number of codes) and run on a cursor kept per thread and
snapshot, so a request pays neither parsing nor opening a cursor. Then the public view of those
rows is taken in Arrow from a `ReleaseIndex`: which releases the reader may see, in which order
their vintages come, and at which instant. The index depends only on the snapshot and the set of
visible releases (the public state), so it is built once per public state — ahead of the instant
that opens it (`publication.public_view` builds the snapshot's coming states with the current
one) — and a request never joins, sorts or de-duplicates inside DuckDB.

The rules are the gate's (see gate.py): rows of visible releases only; the latest vintage per
(series, period) unless every vintage is asked for, in the order of publication
(`publication.publication_order`); each row's vintage is its release's `public_since`;
confidential cells (flag `c`) without their value.
"""

from __future__ import annotations

import threading
import weakref
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from statpub.warehouse import publication
from statpub.warehouse.reader import ReleaseInfo, Snapshot

VINTAGE_TYPE = pa.timestamp("us", tz="UTC")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# The bare point query: only "?" markers are pasted into the SQL, one per code; values are bound.
_POINT_SQL = "SELECT series_code, period, value, status, note, release_id FROM observations WHERE series_code {match}"  # noqa: S608 - fixed
MAX_CODES_PER_SHAPE = 64  # more codes are looked up in several statements of this shape


@lru_cache(maxsize=MAX_CODES_PER_SHAPE)
def point_statement(count: int) -> duckdb.Statement:
    """The parsed point query for `count` codes (`= ?` or `IN (?, …)`): one shape per count."""
    match = "= ?" if count == 1 else f"IN ({', '.join('?' for _ in range(count))})"
    return duckdb.extract_statements(_POINT_SQL.format(match=match))[0]


class _ThreadCursors:
    """One cursor per thread on a snapshot's connection, closed with the snapshot."""

    def __init__(self, snapshot: Snapshot):
        self._snapshot = weakref.ref(snapshot)
        self._local = threading.local()
        self._all: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.Lock()

    def get(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._local.cursor = self._snapshot().cursor()
            with self._lock:
                self._all.append(cur)
        return cur

    def close(self) -> None:
        with self._lock:
            for cur in self._all:
                cur.close()
            self._all.clear()


_CURSORS: weakref.WeakKeyDictionary[Snapshot, _ThreadCursors] = weakref.WeakKeyDictionary()
_CURSORS_LOCK = threading.Lock()


def thread_cursor(snapshot: Snapshot) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on `snapshot` (results must be read in full before the next query)."""
    cursors = _CURSORS.get(snapshot)
    if cursors is None:
        with _CURSORS_LOCK:
            cursors = _CURSORS.get(snapshot)
            if cursors is None:
                cursors = _CURSORS[snapshot] = _ThreadCursors(snapshot)
                snapshot.on_close(cursors.close)
    return cursors.get()


def point_rows(snapshot: Snapshot, codes: tuple[str, ...]) -> pa.Table:
    """Every stored row of these series, as DuckDB finds them (no order, every release)."""
    cur = thread_cursor(snapshot)
    parts = []
    for first in range(0, len(codes), MAX_CODES_PER_SHAPE):
        chunk = list(codes[first:first + MAX_CODES_PER_SHAPE])
        parts.append(cur.sql(point_statement(len(chunk)), params=chunk).to_arrow_table())
    return parts[0] if len(parts) == 1 else pa.concat_tables(parts)


class ReleaseIndex:
    """The releases a reader may see, as Arrow: their ids, their rank in the order of publication
    (as given) and their vintages (`publication.public_since`: when their figures became public)."""

    def __init__(self, visible: tuple[ReleaseInfo, ...] | list[ReleaseInfo]):
        self.ids = pa.array([r.id for r in visible], pa.string())
        self.ranks = pa.array(range(len(visible)), pa.int32())
        vintages = [publication.public_since(r) or r.instant for r in visible]
        # As integers: converting aware datetimes, pyarrow would need pandas.
        self.instants = pa.array([(at - EPOCH) // MICROSECOND for at in vintages], pa.int64()).cast(VINTAGE_TYPE)

    def select(self, rows: pa.Table, *, latest: bool, start: str | None = None,
               end: str | None = None) -> pa.Table:
        """The gate's answer from raw rows: visible releases only, periods within start/end,
        sorted by series, period and vintage; with `latest` the newest vintage per period only.
        (Few Arrow calls: each costs more than the work it does on a series' rows.)"""
        position = pc.index_in(rows.column("release_id"), value_set=self.ids)
        keep = None if position.null_count == 0 else pc.is_valid(position)
        if start is not None:
            keep = _and(keep, pc.greater_equal(rows.column("period"), start))
        if end is not None:
            keep = _and(keep, pc.less_equal(rows.column("period"), end))
        if keep is not None:
            rows, position = rows.filter(keep), position.filter(keep)
        rank = pc.take(self.ranks, position)
        order = pc.sort_indices(
            pa.table({"s": rows.column("series_code"), "p": rows.column("period"), "r": rank}),
            sort_keys=[("s", "ascending"), ("p", "ascending"), ("r", "descending" if latest else "ascending")])
        rows, position = rows.take(order), position.take(order)
        # Rows of one release never repeat a (series, period): only several vintages need sifting.
        if latest and rows.num_rows > 1 and pc.count_distinct(rank).as_py() > 1:
            first = _first_of_each(rows.column("series_code"), rows.column("period"))
            rows, position = rows.filter(first), position.filter(first)
        status, value = rows.column("status"), rows.column("value")
        confidential = pc.match_substring(status, "c")
        if pc.any(confidential).as_py():
            value = pc.if_else(confidential, pa.scalar(None, pa.float64()), value)
        return pa.table({
            "series_code": rows.column("series_code"), "period": rows.column("period"), "value": value,
            "status": status, "note": rows.column("note"), "release_id": rows.column("release_id"),
            "vintage": pc.take(self.instants, position),
        })


def _and(mask: pa.Array | None, more: pa.Array) -> pa.Array:
    return more if mask is None else pc.and_(mask, more)


def _first_of_each(series: pa.ChunkedArray, period: pa.ChunkedArray) -> pa.Array:
    """True on the first row of each (series, period) run of sorted rows."""
    series, period = series.combine_chunks(), period.combine_chunks()
    same = pc.and_(pc.equal(series.slice(1), series.slice(0, len(series) - 1)),
                   pc.equal(period.slice(1), period.slice(0, len(period) - 1)))
    return pa.concat_arrays([pa.array([True]), pc.invert(same)])


_INDEXES: weakref.WeakKeyDictionary[Snapshot, dict[tuple[str, ...], ReleaseIndex]] = weakref.WeakKeyDictionary()
INDEXES_PER_SNAPSHOT = 64


def release_index(snapshot: Snapshot, visible: tuple[ReleaseInfo, ...],
                  ids: tuple[str, ...] | None = None) -> ReleaseIndex:
    """The index of these visible releases, in the order of publication (`ids`: theirs, when
    known), built once per snapshot and set of releases (a public state, a pinned vintage)."""
    key = ids if ids is not None else tuple(r.id for r in visible)
    per_snapshot = _INDEXES.get(snapshot)
    if per_snapshot is None:
        per_snapshot = _INDEXES.setdefault(snapshot, {})
    index = per_snapshot.get(key)
    if index is None:
        index = ReleaseIndex(visible)
        if len(per_snapshot) >= INDEXES_PER_SNAPSHOT:
            per_snapshot.clear()
        per_snapshot[key] = index
    return index


def prepare_view(snapshot: Snapshot, view: publication.PublicView) -> None:
    """What a public state needs, built when its view is (ahead of its instant): the Arrow index
    of its releases for series lookups and the series it makes public."""
    release_index(snapshot, view.visible, view.ids)
    snapshot.series_carried_by(view.with_figures)
