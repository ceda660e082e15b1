"""When a release is public: the one rule. The gate (and through it every figure, file, chart,
download and pack), the calendar and status commands, the review workflow, the loader's guard over
published releases and the feeds all ask here.

A release is public from `public_since(release)` on, while its state is publishable (provisional
or confirmed). Once published, the instant recorded then is kept for ever. Before that:

- a live release: its instant, or the time of its valid approval if that came later (先审查、后公开:
  a release approved late goes out at its approval, never earlier, and is *delayed* until then);
- history (published before the office adopted statpub, the calendar's `adopted`) imported by a
  valid approval of kind `import`: its original instant — the approval records when the reviewer
  really approved it, never a backdated time — and it is never delayed;
- without a valid approval, never.

Nor before its calendar entry is announced: an entry is public from its announcement day
(Beijing), and its figures never before it. A release whose instant has passed without a valid
approval is *delayed*.

`public_since` is also each figure's *vintage* (what `as_of` compares, what files and downloads
are named by), and the order of publication is the order of `public_since`. `known_since` is when
statpub itself first showed the release (the import's approval for history): a pinned vintage holds
what statpub had shown by then, so importing older history later never changes a pinned file.
"""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from statpub.kernel.clock import BEIJING
from statpub.warehouse.reader import ReleaseInfo, Snapshot


def announced_on(release: ReleaseInfo) -> date | None:
    """The day the entry was announced (its history's `announced` item), None when it records none."""
    return next((item.date for item in release.history if item.change == "announced"), None)


def is_announced(release: ReleaseInfo, at: datetime) -> bool:
    """A calendar entry (its metadata: title, instant, state, notices) is public from its
    announcement day (Beijing), never before; an entry recording no announcement, from its load."""
    day = announced_on(release)
    return day is None or day <= at.astimezone(BEIJING).date()


def announced_from(release: ReleaseInfo) -> datetime | None:
    """The first instant of the announcement day (Beijing), None when the entry records none."""
    day = announced_on(release)
    return datetime.combine(day, time(0, 0), BEIJING) if day is not None else None


def public_since(release: ReleaseInfo) -> datetime | None:
    review = release.review
    if review.public_since is not None:
        return review.public_since
    if not review.approved or review.approved_at is None:
        return None
    if review.imported and review.history:
        return release.instant
    return max(release.instant, review.approved_at, announced_from(release) or release.instant)


def known_since(release: ReleaseInfo) -> datetime | None:
    """When statpub first showed the release: its public_since, or an import's approval time."""
    review = release.review
    if review.known_since is not None:
        return review.known_since
    since = public_since(release)
    if since is None or review.public_since is not None or not review.imported:
        return since
    return max(since, review.approved_at)


def publication_order(release: ReleaseInfo) -> tuple:
    """Sort key: the order in which figures became public (a later one is a newer vintage)."""
    return (public_since(release) or release.instant, release.instant, release.id)


def shown_order(release: ReleaseInfo) -> tuple:
    """Sort key: the order in which statpub showed releases (pinned vintages, the latest one)."""
    return (known_since(release) or release.instant, *publication_order(release))


def is_public(release: ReleaseInfo, at: datetime) -> bool:
    since = public_since(release)
    return release.publishable_state and since is not None and since <= at


def is_delayed(release: ReleaseInfo, at: datetime) -> bool:
    """Its instant has passed and its state says it should be out, but it is not public (history
    awaiting its import is not late: it was published elsewhere, at its instant)."""
    return (release.publishable_state and release.instant <= at and not release.review.history
            and not is_public(release, at))


def status(release: ReleaseInfo, at: datetime) -> str:
    """published | delayed | history (published before statpub, not yet imported) | the calendar
    state (provisional, confirmed, postponed, cancelled)."""
    if is_public(release, at):
        return "published"
    if is_delayed(release, at):
        return "delayed"
    if release.review.history and release.publishable_state:
        return "history"
    return release.state


def vintage_at(releases, at: datetime) -> datetime | None:
    """The vintage answered for `at`: the instant of the last publication at or before it (what
    was public at `at` is exactly what was public then: nothing changes between publications), or
    None when nothing was public yet. Answers and files for any `as_of` are keyed by this, so
    distinct instants asking for the same state share one answer."""
    return max((public_since(r) for r in releases if is_public(r, at)), default=None)


def change_points(releases: list[ReleaseInfo] | tuple[ReleaseInfo, ...]) -> list[datetime]:
    """Every instant at which what is public or delayed can change (instants and approval
    times), sorted."""
    return sorted({t for r in releases for t in (r.instant, public_since(r)) if t is not None})


@dataclass(frozen=True)
class PublicView:
    visible: tuple[ReleaseInfo, ...]  # public now, in order of publication (public_since)
    ids: tuple[str, ...]
    delayed: tuple[ReleaseInfo, ...]  # instant passed, publishable, no valid approval
    # The same all through the interval (its ends are change points): asked on every request.
    with_figures: tuple[str, ...] = ()  # ids of the visible releases that carry figures
    # Release instants and public_since still ahead, soonest first, each with its publishable
    # release (whose announcement decides whether the instant may be told yet).
    upcoming: tuple[tuple[datetime, ReleaseInfo], ...] = ()


# Per snapshot: the instants at which what the public sees can change (release instants and
# approval times), the public view of each interval between them, and which views have been
# prepared. The current view and the coming ones are computed together, on first use, so the
# first request after an instant finds its view (and what `prepare` derives from it) ready.
_VIEWS: weakref.WeakKeyDictionary[Snapshot, tuple[list[datetime], dict[int, PublicView], set[int]]] = \
    weakref.WeakKeyDictionary()
AHEAD = 32  # coming public states prepared with the current one


def public_view(snapshot: Snapshot, now: datetime,
                prepare: Callable[[PublicView], object] | None = None) -> PublicView:
    """What is public and what is delayed at `now`. Both change only at one of the snapshot's
    instants, so a gate costs a bisection, not a pass over every release of the calendar
    (hundreds in a real office's history). `prepare(view)` is called once for each view (the
    current one and up to AHEAD coming ones), to build what depends on it alone."""
    entry = _VIEWS.get(snapshot)
    if entry is None:
        entry = _VIEWS.setdefault(snapshot, (change_points(list(snapshot.releases.values())), {}, set()))
    points, views, prepared = entry
    epoch = bisect.bisect_right(points, now)
    view = views.get(epoch)
    if view is None:
        view = views[epoch] = _view_at(snapshot, now)
    if prepare is not None and epoch not in prepared:
        coming = [(epoch + 1 + i, at) for i, at in enumerate(points[epoch:epoch + AHEAD])]
        for later, at in coming:
            if later not in views:
                views[later] = _view_at(snapshot, at)
        for ready in [epoch, *(later for later, _ in coming)]:
            if ready not in prepared:
                prepare(views[ready])
                prepared.add(ready)
    return view


def _view_at(snapshot: Snapshot, at: datetime) -> PublicView:
    """The view of the interval holding `at` (every instant in it answers the same: its ends are
    change points, and each upcoming instant is one)."""
    releases = snapshot.releases.values()
    visible = tuple(sorted((r for r in releases if is_public(r, at)), key=publication_order))
    delayed = tuple(r for r in releases if is_delayed(r, at))
    upcoming = sorted(((t, r) for r in releases if r.publishable_state for t in (r.instant, public_since(r))
                       if t is not None and t > at), key=lambda pair: pair[0])
    return PublicView(visible, tuple(r.id for r in visible), delayed,
                      tuple(r.id for r in visible if r.observation_count), tuple(upcoming))
