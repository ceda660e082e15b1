"""The public gate: the one code path through which anything reaches a reader outside the office.

Every page, callback, API answer, download and feed asks a `Gate` built for the current instant
(from the injectable clock, never from a request) and a `Reader` (the public, or a named press or
reviewer account whose rights widen it to releases inside their pre-release window). The gate
answers only what that reader may see at that instant:

- a release's figures and texts once its instant has passed, its state is publishable
  (provisional or confirmed; never postponed or cancelled) and a reviewer's approval of exactly
  its content is valid (先审查、后公开); a release whose instant passed without one is *delayed*;
- the latest vintage per (series, period) unless an earlier instant is asked for (`as_of`);
- confidential cells (flag `c`) with their value removed, always;
- contributor data (`n_units`, `top2_share`) never.

Calendar metadata (title, instant, state, notices) is public from announcement; figures are not.
A series whose figures are all embargoed is indistinguishable from one that does not exist.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import weakref
from datetime import datetime
from functools import cached_property

import duckdb
import pyarrow as pa

from statpub.kernel.clock import BEIJING
from statpub.kernel.errors import UserError
from statpub.warehouse import latest_view, lookup, metadata_review, publication
from statpub.warehouse.gate_queries import REVISIONS_SQL as _REVISIONS_SQL
from statpub.warehouse.gate_queries import empty as _empty
from statpub.warehouse.gate_queries import empty_revisions as _empty_revisions
from statpub.warehouse.gate_queries import observations_sql as _observations_sql
from statpub.warehouse.gate_queries import vintage_params as _vintage_params
from statpub.warehouse.reader import HistoryItem, ReleaseInfo, SeriesInfo, Snapshot, TopicInfo
from statpub.warehouse.readers import PRERELEASE_ROLES as PRERELEASE_ROLES
from statpub.warehouse.readers import PUBLIC, Reader
from statpub.warehouse.readers import ROLE_NAME as ROLE_NAME
from statpub.warehouse.register_catalogue import register_next_change
from statpub.warehouse.register_gate import RegisterView

log = logging.getLogger("statpub.gate")

# Per snapshot (immutable), answers that depend only on the set of visible releases: the visible
# series, and what a release carried and revised. Keys always include the visible release ids,
# so a reader never gets an answer computed for a wider view. Bounded; cleared when full.
_TABLE_MEMO: weakref.WeakKeyDictionary[Snapshot, dict[tuple, pa.Table]] = weakref.WeakKeyDictionary()
MEMO_SIZE = 256

class Gate:
    def __init__(self, snapshot: Snapshot, now: datetime, reader: Reader = PUBLIC):
        if now.tzinfo is None:
            raise ValueError("the gate needs an aware instant")
        self.snapshot = snapshot
        self.now = now
        self.reader = reader
        view = publication.public_view(snapshot, now, prepare=functools.partial(lookup.prepare_view, snapshot))
        self._view = view
        if not reader.has_prerelease_rights:
            self._visible = view.visible
        else:
            self._visible = tuple(sorted((r for r in snapshot.releases.values() if self._can_see(r)),
                                         key=publication.publication_order))
        self._delayed = view.delayed
        # Releases this reader sees before their instant (pre-release rights), and those of them
        # whose figures or texts this gate has handed out: the request layer logs each of these
        # views in the access log, whichever page, callback, route or file asked.
        self._embargoed = frozenset() if self._visible is view.visible else \
            frozenset(r.id for r in self._visible) - frozenset(view.ids)
        self.revealed: set[str] = set()
        # Names, units, definitions, topics and the office as approved (先审查、后公开), not as edited.
        self._meta = metadata_review.public_metadata(snapshot, now)
        self._note_public(view)
        for release in self._delayed:
            if snapshot.first_time(f"delayed:{release.id}"):
                log.warning("release %s is not public at its instant %s: %s", release.id,
                            release.instant.isoformat(), release.review.explain())

    def _note_public(self, view: publication.PublicView) -> None:
        """Log each release going public, once per process, with the instant a gate first served
        it. The first gate of a process only takes note of what is public already. Per request this
        costs a tuple comparison; the sets are compared only when the public releases changed."""
        ids = view.ids
        seen = self.snapshot.public_seen
        if seen is not None and seen[0] == ids:
            return
        known = seen[1] if seen is not None else frozenset(ids)
        for rid in ids:
            if rid not in known and self.snapshot.first_time(f"public:{rid}"):
                release = self.snapshot.releases[rid]
                since = publication.public_since(release) or release.instant
                log.info(json.dumps({
                    "event": "release_public", "release": rid, "instant": release.instant.isoformat(),
                    "public_from": since.isoformat(), "first_served": self.now.isoformat(),
                    "delay_seconds": round((self.now - since).total_seconds(), 3), "pid": os.getpid()}))
        self.snapshot.public_seen = (ids, known | frozenset(ids))

    # -- release visibility -------------------------------------------------------------------
    def is_public(self, release: ReleaseInfo, at: datetime | None = None) -> bool:
        """Public at `at` (default now)."""
        return publication.is_public(release, self.now if at is None else at)

    def public_since(self, release: ReleaseInfo) -> datetime | None:
        """When the release went (or goes) public; None while it has no valid approval."""
        return publication.public_since(release)

    def is_delayed(self, release: ReleaseInfo) -> bool:
        return publication.is_delayed(release, self.now)

    def delayed_releases(self) -> tuple[ReleaseInfo, ...]:
        return self._delayed

    def release_status(self, release: ReleaseInfo) -> str:
        """published | delayed | history | provisional | confirmed | postponed | cancelled (public
        metadata; `history`: published before the office adopted statpub, not yet imported)."""
        return publication.status(release, self.now)

    def in_prerelease_window(self, release: ReleaseInfo) -> bool:
        # Press accounts see only approved content; a reviewer sees it to review it.
        cleared = release.review.approved or self.reader.role == "reviewer"
        return (
            self.reader.has_prerelease_rights
            and release.publishable_state
            and cleared
            and release.instant - release.window <= self.now < release.instant
        )

    def _can_see(self, release: ReleaseInfo) -> bool:
        return self.is_public(release) or self.in_prerelease_window(release)

    def can_see(self, release_id: str) -> bool:
        return any(r.id == release_id for r in self._visible)

    def visible_releases(self) -> tuple[ReleaseInfo, ...]:
        """Releases whose figures this reader may see now, in the order they became public."""
        return self._visible

    def published_releases(self, at: datetime | None = None) -> tuple[ReleaseInfo, ...]:
        """Public at `at` (default now), in the order they became public."""
        return tuple(sorted((r for r in self.snapshot.releases.values() if self.is_public(r, at)),
                            key=publication.publication_order))

    def shown_by(self, release: ReleaseInfo) -> tuple[ReleaseInfo, ...]:
        """What statpub had shown once `release` was out (a pinned vintage): the releases public now
        that it showed no later than this one, in the order they became public. History imported
        later is not among them, so a pinned vintage never changes."""
        mark = publication.shown_order(release)
        return tuple(r for r in self._visible if publication.shown_order(r) <= mark)

    def latest_shown(self) -> ReleaseInfo | None:
        """The release with figures statpub showed last: the pinned twin of `latest`."""
        return max((r for r in self._visible if r.observation_count), key=publication.shown_order, default=None)

    def _announced(self, release: ReleaseInfo) -> bool:
        return publication.is_announced(release, self.now) or self.can_see(release.id)

    def calendar(self) -> tuple[ReleaseInfo, ...]:
        """Every release announced by now (metadata only), in order of instant: an entry is public
        from its announcement day, never before."""
        return tuple(r for r in self.snapshot.releases.values() if self._announced(r))

    def calendar_entry(self, release_id: str) -> ReleaseInfo | None:
        """The entry, once announced (or visible to this reader); else None, as for no entry."""
        release = self.snapshot.releases.get(release_id)
        return release if release is not None and self._announced(release) else None

    def public_history(self, release: ReleaseInfo) -> tuple[HistoryItem, ...]:
        """The entry's history as told by now (an item dated after today is not told yet)."""
        today = self.now.astimezone(BEIJING).date()
        return tuple(item for item in release.history if item.date <= today)

    def notices(self) -> tuple[tuple[ReleaseInfo, HistoryItem], ...]:
        """Every change notice of the calendar dated today or earlier (Beijing), newest first:
        reschedules, postponements, cancellations, corrections, hand edits the loader recorded."""
        found = [(r, item) for r in self.calendar() for item in self.public_history(r) if item.change != "announced"]
        return tuple(sorted(found, key=lambda pair: (pair[1].date, pair[0].instant), reverse=True))

    @cached_property
    def register(self) -> RegisterView:
        """The proactive-disclosure register as this reader may see it now."""
        return RegisterView(self.snapshot, self.now, self.reader.role)

    def vintage_at(self, as_of: datetime) -> datetime | None:
        """The instant of the last publication at or before `as_of` (the vintage an `as_of`
        answer shows), or None when nothing had been published."""
        if as_of > self.now:
            raise UserError("as_of is in the future: only what has been published can be asked for")
        return publication.vintage_at(self.snapshot.releases.values(), as_of)

    def next_instant(self) -> datetime | None:
        """The next announced instant at which a public answer may change (bounds every cache): a
        release instant, or a public_since still ahead; an instant nobody has announced yet must
        not show through a cache lifetime or /healthz."""
        if self._visible is self._view.visible:  # the public's: the view lists them in time order
            return next((t for t, r in self._view.upcoming if self._announced(r)), None)
        upcoming = [t for r in self.calendar() if r.publishable_state
                    for t in (r.instant, publication.public_since(r)) if t is not None and t > self.now]
        return min(upcoming, default=None)

    def next_change(self) -> datetime | None:
        """The next instant at which anything public changes, announced or not (a register item
        going public at its own instant, leaving after its publicity period, a survey lapsing):
        bounds what the site keeps in memory; never shown (see next_instant)."""
        return min(filter(None, (self.next_instant(), register_next_change(self.snapshot, self.now))), default=None)

    def _releases(self, as_of: datetime | None, within: tuple[ReleaseInfo, ...] | None = None
                  ) -> tuple[ReleaseInfo, ...]:
        """The releases an answer draws on, in the order of publication: those visible now, those
        public at `as_of`, or `within` (a pinned vintage's, from `shown_by`) that are visible."""
        if within is not None:
            visible = {r.id for r in self._visible}
            return tuple(r for r in within if r.id in visible)
        if as_of is None:
            return self._visible
        if as_of > self.now:
            raise UserError("as_of is in the future: only what has been published can be asked for")
        return publication.public_view(self.snapshot, as_of).visible  # = published_releases(as_of)

    # -- catalogue ----------------------------------------------------------------------------
    def series(self) -> tuple[SeriesInfo, ...]:
        """Series with at least one figure this reader may see, in catalogue order, as approved."""
        found = self.snapshot.series_carried_by(self._with_figures())[0]
        self._reveal_series(s.code for s in found)
        if not self._meta.identical:
            found = tuple(self._meta.series[s.code] for s in found)
        return found

    def series_info(self, code: str) -> SeriesInfo | None:
        if code not in self.snapshot.series_carried_by(self._with_figures())[1]:
            return None
        self._reveal_series([code])
        return self._meta.series.get(code)

    def metadata(self) -> metadata_review.PublicMetadata:
        """The catalogue as the public sees it now: every series and topic (figures or not) and
        the office's identity, each in its latest approved version."""
        return self._meta

    def _with_figures(self) -> tuple[str, ...]:
        if self._visible is self._view.visible:
            return self._view.with_figures
        return tuple(r.id for r in self._visible if r.observation_count)

    def _reveal_series(self, codes) -> None:
        """A series that only embargoed releases carry is itself news (the public sees no such
        series yet): showing it to a pre-release reader is logged like its figures."""
        if not self._embargoed:
            return
        public = self.snapshot.series_carried_by(tuple(r.id for r in self._visible if r.observation_count
                                                       and r.id not in self._embargoed))[1]
        new = set(codes) - public
        if new:
            self._reveal([rid for rid in self._embargoed if new & set(self.snapshot.releases[rid].series)])

    def topics(self) -> tuple[TopicInfo, ...]:
        used = {s.topic for s in self.series()}
        return tuple(t for t in self._meta.topics if t.code in used)

    # -- figures ------------------------------------------------------------------------------
    def observations(self, codes: list[str] | tuple[str, ...], *, start: str | None = None,
                     end: str | None = None, as_of: datetime | None = None,
                     all_vintages: bool = False, within: tuple[ReleaseInfo, ...] | None = None) -> pa.Table:
        """Observations of the given series: the latest vintage per period visible to this reader
        (or public at `as_of`, or among `within`), or every vintage with `all_vintages`. Unknown or
        embargoed codes give no rows, exactly like codes that do not exist."""
        releases = self._releases(as_of, within)
        codes = tuple(dict.fromkeys(codes))
        if not releases or not codes:
            return _empty()
        if releases is self._view.visible and not all_vintages:  # the public's latest: worked out ahead
            view = latest_view.ready(self.snapshot, self._view, self.now)
            if view is not None:
                return view.rows(codes, start, end)
        # The bare point query, then the public view of its rows (lookup.py: the rules of
        # `_observations_sql`, without a join, sort or de-duplication inside DuckDB).
        index = lookup.release_index(self.snapshot, releases, self._view.ids if releases is self._view.visible else None)
        table = index.select(lookup.point_rows(self.snapshot, codes), latest=not all_vintages, start=start, end=end)
        if self._embargoed:
            self._reveal(table.column("release_id").unique().to_pylist())
        return table

    def history(self, *, as_of: datetime | None = None, latest_only: bool = False,
                within: tuple[ReleaseInfo, ...] | None = None, batch_rows: int = 1 << 17) -> pa.RecordBatchReader:
        """Every series at once, streamed in batches (bulk files): every vintage visible to this
        reader (or public at `as_of`, or among `within`), or only the latest per period. Sorted by
        series, period and vintage, so files written from it keep each series in few row groups."""
        releases = self._releases(as_of, within)
        if not releases:
            return pa.RecordBatchReader.from_batches(_empty().schema, [])
        sql = _observations_sql("true", latest=latest_only)
        self._reveal([r.id for r in releases])
        cur = self.snapshot.cursor()
        # The cursor stays open while the reader is consumed; it is closed with the reader's owner.
        return cur.sql(sql, params=_vintage_params(releases)).to_arrow_reader(batch_rows)

    def copy_history(self, path: str, *, as_of: datetime | None = None, latest_only: bool = False,
                     within: tuple[ReleaseInfo, ...] | None = None, metadata: dict[str, str] | None = None) -> int:
        """The rows of `history()` written straight to a Parquet file by DuckDB's parallel writer
        (zstd, 64 Ki-row groups, `metadata` as key-value metadata). Returns the rows written."""
        releases = self._releases(as_of, within)
        select = _observations_sql("true", latest=latest_only)
        self._reveal([r.id for r in releases])
        sql = (f"COPY ({select}) TO ? (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536, "  # noqa: S608 - fixed fragments; values are bound
               "KV_METADATA ?)")
        cur = self.snapshot.cursor()
        try:
            row = cur.execute(sql, [*_vintage_params(releases), str(path), metadata or {"statpub": "1"}]).fetchone()
        finally:
            cur.close()
        return int(row[0]) if row else 0

    def release_observations(self, release_id: str) -> pa.Table:
        """Every figure a release carried, as it carried them; empty unless visible."""
        if not self.can_see(release_id):
            return _empty()
        self._reveal([release_id])
        release = self.snapshot.releases[release_id]
        sql = _observations_sql("o.release_id = ?", latest=False)
        return self._memo(("release", release_id), lambda: self._query(sql, [*_vintage_params((release,)), release_id]))

    def revisions(self, release_id: str) -> pa.Table:
        """Figures this release revised: each with the value it replaced and that value's release."""
        if not self.can_see(release_id):
            return _empty_revisions()
        self._reveal([release_id])
        return self._memo(("revisions", release_id), lambda: self._revisions(release_id))

    def _revisions(self, release_id: str) -> pa.Table:
        return self._query(_REVISIONS_SQL, [release_id, *_vintage_params(self._visible), release_id])

    def vintages(self, code: str) -> list[tuple[str, datetime]]:
        """The releases that published figures of a series, each with its vintage (when it became
        public: `publication.public_since`), in the order of publication (ALFRED style)."""
        visible = {r.id: r for r in self._visible}
        cur = self.snapshot.cursor()
        try:
            rows = cur.execute(
                "SELECT DISTINCT release_id FROM observations WHERE series_code = ?", [code]
            ).fetchall()
        finally:
            cur.close()
        found = [visible[rid] for (rid,) in rows if rid in visible]
        self._reveal([r.id for r in found])
        return [(r.id, publication.public_since(r) or r.instant)
                for r in sorted(found, key=publication.publication_order)]

    def interpretation(self, release_id: str, lang: str) -> str | None:
        """The interpretation's Markdown source (figure tags unrendered); None unless visible."""
        if not self.can_see(release_id):
            return None
        self._reveal([release_id])
        cur = self.snapshot.cursor()
        try:
            row = cur.execute(
                "SELECT markdown FROM interpretations WHERE release_id = ? AND lang = ?",
                [release_id, lang],
            ).fetchone()
        finally:
            cur.close()
        return row[0] if row else None

    def _reveal(self, release_ids) -> None:
        if self._embargoed:
            self.revealed.update(self._embargoed.intersection(release_ids))

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
