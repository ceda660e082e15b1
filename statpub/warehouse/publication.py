"""When a release is public: the one rule. The gate, the calendar and status commands, the review
workflow, the loader's guard over published releases, feeds and files all ask here.

A release is public from `public_since(release)` on, while its state is publishable (provisional
or confirmed). Once published, the instant recorded then is kept for ever. Before that, it is the
release's instant, or the time of its valid approval if that came later (先审查、后公开: a release
approved late goes out at its approval, never earlier); without a valid approval, never. A
release whose instant has passed without one is *delayed*.
"""

from __future__ import annotations

from datetime import datetime

from statpub.warehouse.reader import ReleaseInfo


def public_since(release: ReleaseInfo) -> datetime | None:
    review = release.review
    if review.public_since is not None:
        return review.public_since
    if not review.approved or review.approved_at is None:
        return None
    return max(release.instant, review.approved_at)


def is_public(release: ReleaseInfo, at: datetime) -> bool:
    since = public_since(release)
    return release.publishable_state and since is not None and since <= at


def is_delayed(release: ReleaseInfo, at: datetime) -> bool:
    """Its instant has passed and its state says it should be out, but it is not public."""
    return release.publishable_state and release.instant <= at and not is_public(release, at)


def status(release: ReleaseInfo, at: datetime) -> str:
    """published | delayed | the calendar state (provisional, confirmed, postponed, cancelled)."""
    if is_public(release, at):
        return "published"
    if is_delayed(release, at):
        return "delayed"
    return release.state


def change_points(releases: list[ReleaseInfo] | tuple[ReleaseInfo, ...]) -> list[datetime]:
    """Every instant at which what is public can change (instants and approval times), sorted."""
    return sorted({t for r in releases for t in (r.instant, public_since(r)) if t is not None})
