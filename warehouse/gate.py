"""The public gate: the one code path through which anything reaches a reader outside the office.

Every page, callback, API answer, download and feed asks a `Gate` built for the current instant
(from the injectable clock, never from a request) and a `Reader` (the public, or a named press or
reviewer account whose rights widen it to releases inside their pre-release window). The gate
answers only what that reader may see at that instant:

- a release's figures and texts once its instant has passed and its state is publishable
  (provisional or confirmed; never postponed or cancelled);
- the latest vintage per (series, period) unless an earlier instant is asked for (`as_of`);
- confidential cells (flag `c`) with their value removed, always;
- contributor data (`n_units`, `top2_share`) never.

Calendar metadata (title, instant, state, notices) is public from announcement; figures are not.
A series whose figures are all embargoed is indistinguishable from one that does not exist.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from statpub.errors import UserError
from warehouse.reader import ReleaseInfo, SeriesInfo, Snapshot, TopicInfo

ROLES = ("public", "press", "reviewer")


@dataclass(frozen=True)
class Reader:
    """Who is asking. Only the server sets this, from an authenticated session."""

    name: str | None = None
    role: str = "public"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")

    @property
    def has_prerelease_rights(self) -> bool:
        return self.role in ("press", "reviewer") and bool(self.name)


PUBLIC = Reader()

# Per snapshot (immutable), answers that depend only on the set of visible releases: the visible
# series, and what a release carried and revised. Keys always include the visible release ids,
# so a reader never gets an answer computed for a wider view. Bounded; cleared when full.
_SERIES_MEMO: weakref.WeakKeyDictionary[Snapshot, dict[tuple[str, ...], tuple[SeriesInfo, ...]]] = \
    weakref.WeakKeyDictionary()
_TABLE_MEMO: weakref.WeakKeyDictionary[Snapshot, dict[tuple, pa.Table]] = weakref.WeakKeyDictionary()
MEMO_SIZE = 256

OBSERVATION_COLUMNS = ("series_code", "period", "value", "status", "note", "release_id", "vintage")
_VALUE = "CASE WHEN contains(o.status, 'c') THEN NULL ELSE o.value END AS value"


def _placeholders(items: tuple | list) -> str:
    # Only "?" markers are pasted into the SQL; every value is bound.
    return ", ".join("?" for _ in items)


class Gate:
    def __init__(self, snapshot: Snapshot, now: datetime, reader: Reader = PUBLIC):
        if now.tzinfo is None:
            raise ValueError("the gate needs an aware instant")
        self.snapshot = snapshot
        self.now = now
        self.reader = reader
        self._visible = tuple(r for r in snapshot.releases.values() if self._can_see(r))
        self._series: tuple[SeriesInfo, ...] | None = None

    # -- release visibility -------------------------------------------------------------------
    def is_public(self, release: ReleaseInfo, at: datetime | None = None) -> bool:
        at = self.now if at is None else at
        return release.publishable_state and release.instant <= at

    def in_prerelease_window(self, release: ReleaseInfo) -> bool:
        return (
            self.reader.has_prerelease_rights
            and release.publishable_state
            and release.instant - release.window <= self.now < release.instant
        )

    def _can_see(self, release: ReleaseInfo) -> bool:
        return self.is_public(release) or self.in_prerelease_window(release)

    def can_see(self, release_id: str) -> bool:
        return any(r.id == release_id for r in self._visible)

    def visible_releases(self) -> tuple[ReleaseInfo, ...]:
        """Releases whose figures this reader may see now, oldest first."""
        return self._visible

    def published_releases(self, at: datetime | None = None) -> tuple[ReleaseInfo, ...]:
        return tuple(r for r in self.snapshot.releases.values() if self.is_public(r, at))

    def calendar(self) -> tuple[ReleaseInfo, ...]:
        """Every announced release (metadata only), in order of instant."""
        return tuple(self.snapshot.releases.values())

    def calendar_entry(self, release_id: str) -> ReleaseInfo | None:
        return self.snapshot.releases.get(release_id)

    def next_instant(self) -> datetime | None:
        """The next instant at which a public answer may change (bounds every cache)."""
        upcoming = [r.instant for r in self.snapshot.releases.values()
                    if r.publishable_state and r.instant > self.now]
        return min(upcoming, default=None)

    def _release_ids(self, as_of: datetime | None) -> list[str]:
        if as_of is None:
            return [r.id for r in self._visible]
        if as_of > self.now:
            raise UserError("as_of is in the future: only what has been published can be asked for")
        return [r.id for r in self.published_releases(as_of)]

    # -- catalogue ----------------------------------------------------------------------------
    def series(self) -> tuple[SeriesInfo, ...]:
        """Series with at least one figure this reader may see, in catalogue order."""
        if self._series is None:
            # The visible set changes only at release instants; at thousands of series the union
            # is worth remembering per snapshot (the snapshot is immutable).
            key = tuple(r.id for r in self._visible if r.observation_count)
            memo = _SERIES_MEMO.setdefault(self.snapshot, {})
            if key not in memo:
                codes = set().union(*{r.series for r in self._visible if r.observation_count})
                if len(memo) >= 16:
                    memo.clear()
                memo[key] = tuple(s for s in self.snapshot.series.values() if s.code in codes)
            self._series = memo[key]
        return self._series

    def series_info(self, code: str) -> SeriesInfo | None:
        return next((s for s in self.series() if s.code == code), None)

    def topics(self) -> tuple[TopicInfo, ...]:
        used = {s.topic for s in self.series()}
        return tuple(t for t in self.snapshot.topics if t.code in used)

    # -- figures ------------------------------------------------------------------------------
    def observations(self, codes: list[str] | tuple[str, ...], *, start: str | None = None,
                     end: str | None = None, as_of: datetime | None = None,
                     all_vintages: bool = False) -> pa.Table:
        """Observations of the given series: the latest vintage per period visible to this reader
        (or public at `as_of`), or every vintage with `all_vintages`. Unknown or embargoed codes
        give no rows, exactly like codes that do not exist."""
        ids = self._release_ids(as_of)
        codes = tuple(dict.fromkeys(codes))
        if not ids or not codes:
            return _empty()
        latest = "" if all_vintages else "DISTINCT ON (o.series_code, o.period) "
        order = "r.instant" if all_vintages else "r.instant DESC, o.release_id DESC"
        sql = (
            f"SELECT {latest}o.series_code, o.period, {_VALUE}, o.status, o.note, o.release_id, "  # noqa: S608 - fixed fragments; values are bound
            "r.instant AS vintage "
            "FROM observations o JOIN releases r ON r.release_id = o.release_id "
            f"WHERE o.series_code IN ({_placeholders(codes)}) AND list_contains(?, o.release_id) "
            "AND (?::VARCHAR IS NULL OR o.period >= ?) AND (?::VARCHAR IS NULL OR o.period <= ?) "
            f"ORDER BY o.series_code, o.period, {order}"  # noqa: S608 - fixed fragments; values are bound
        )
        params = [*codes, ids, start, start, end, end]
        return self._query(sql, params)

    def release_observations(self, release_id: str) -> pa.Table:
        """Every figure a release carried, as it carried them; empty unless visible."""
        if not self.can_see(release_id):
            return _empty()
        return self._memo(("release", release_id), lambda: self._release_observations(release_id))

    def _release_observations(self, release_id: str) -> pa.Table:
        sql = (
            f"SELECT o.series_code, o.period, {_VALUE}, o.status, o.note, o.release_id, "  # noqa: S608 - fixed fragments; values are bound
            "r.instant AS vintage FROM observations o JOIN releases r ON r.release_id = o.release_id "
            "WHERE o.release_id = ? ORDER BY o.series_code, o.period"  # noqa: S608 - fixed fragments; values are bound
        )
        return self._query(sql, [release_id])

    def revisions(self, release_id: str) -> pa.Table:
        """Figures this release revised: each with the value it replaced and that value's release."""
        if not self.can_see(release_id):
            return _empty_revisions()
        return self._memo(("revisions", release_id), lambda: self._revisions(release_id))

    def _revisions(self, release_id: str) -> pa.Table:
        ids = [r.id for r in self._visible]
        sql = (
            "WITH mine AS (SELECT series_code, period FROM observations WHERE release_id = ?), "  # noqa: S608 - fixed fragments; values are bound
            "hist AS ("
            f"  SELECT o.series_code, o.period, {_VALUE}, o.status, o.release_id, r.instant, "
            "   lag(CASE WHEN contains(o.status, 'c') THEN NULL ELSE o.value END) OVER w AS previous_value, "
            "   lag(o.release_id) OVER w AS previous_release_id "
            "  FROM observations o JOIN releases r ON r.release_id = o.release_id "
            "  WHERE list_contains(?, o.release_id) "
            "    AND (o.series_code, o.period) IN (SELECT (series_code, period) FROM mine) "
            "  WINDOW w AS (PARTITION BY o.series_code, o.period ORDER BY r.instant, o.release_id)) "
            "SELECT series_code, period, previous_value, previous_release_id, value, status "
            "FROM hist WHERE release_id = ? AND previous_release_id IS NOT NULL "
            "ORDER BY series_code, period"  # noqa: S608 - fixed fragments; values are bound
        )
        return self._query(sql, [release_id, ids, release_id])

    def vintages(self, code: str) -> list[tuple[str, datetime]]:
        """The releases that published figures of a series, with their instants (ALFRED style)."""
        visible = {r.id: r for r in self._visible}
        cur = self.snapshot.cursor()
        try:
            rows = cur.execute(
                "SELECT DISTINCT release_id FROM observations WHERE series_code = ?", [code]
            ).fetchall()
        finally:
            cur.close()
        found = [visible[rid] for (rid,) in rows if rid in visible]
        return [(r.id, r.instant) for r in sorted(found, key=lambda r: (r.instant, r.id))]

    def interpretation(self, release_id: str, lang: str) -> str | None:
        """The interpretation's Markdown source (figure tags unrendered); None unless visible."""
        if not self.can_see(release_id):
            return None
        cur = self.snapshot.cursor()
        try:
            row = cur.execute(
                "SELECT markdown FROM interpretations WHERE release_id = ? AND lang = ?",
                [release_id, lang],
            ).fetchone()
        finally:
            cur.close()
        return row[0] if row else None

    def _memo(self, key: tuple, compute) -> pa.Table:
        memo = _TABLE_MEMO.setdefault(self.snapshot, {})
        full_key = (tuple(r.id for r in self._visible), *key)
        table = memo.get(full_key)
        if table is None:
            table = compute()
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[full_key] = table
        return table

    def _query(self, sql: str, params: list) -> pa.Table:
        cur: duckdb.DuckDBPyConnection = self.snapshot.cursor()
        try:
            return cur.sql(sql, params=params).to_arrow_table()
        finally:
            cur.close()


def _empty() -> pa.Table:
    return pa.table({
        "series_code": pa.array([], pa.string()),
        "period": pa.array([], pa.string()),
        "value": pa.array([], pa.float64()),
        "status": pa.array([], pa.string()),
        "note": pa.array([], pa.string()),
        "release_id": pa.array([], pa.string()),
        "vintage": pa.array([], pa.timestamp("us", tz="UTC")),
    })


def _empty_revisions() -> pa.Table:
    return pa.table({
        "series_code": pa.array([], pa.string()),
        "period": pa.array([], pa.string()),
        "previous_value": pa.array([], pa.float64()),
        "previous_release_id": pa.array([], pa.string()),
        "value": pa.array([], pa.float64()),
        "status": pa.array([], pa.string()),
    })
