"""Which version of each piece of public metadata the public sees at an instant (先审查、后公开).

The loader keeps every version of every item (`metadata_versions`: the office's identity, each
topic, each series) and the approvals say which versions were approved (`approval_items`):

- a version approved with a release goes public with that release (its `public_since`: the one
  rule of publication.py; never before the approval itself), and only through the release's
  latest approval;
- a version approved on its own (`statpub approve --metadata`) is public from its approval;
- an item's first recorded version is public from the start: it was public before metadata review
  existed (an office upgrading), or it is new and shows only with figures approved with it;
- except for the register's catalogue (`register:…` items): there only the first catalogue the
  warehouse recorded (the office adopting the register, or upgrading a warehouse whose matters were
  public before they were reviewed) is public from the start — recorded so when first seen
  (`public_from_start`, migration 006), whatever the clocks of later loads; a matter added later
  shows nothing until approved, as an edit does (see `register_catalogue.py`).

At an instant, each item shows its latest public version; an edit nobody approved yet changes
nothing public. The structure (which series and topics exist, their order) is the current
catalogue's; only the texts and attributes of each item are chosen here. Resolved once per
interval between change points, per snapshot, so a gate pays a bisection.
"""

from __future__ import annotations

import bisect
import json
import threading
import weakref
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from statpub.warehouse import publication
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo, Snapshot, TopicInfo
from statpub.warehouse.review_state import has_column, has_table

REGISTER = "register:"  # the register catalogue's items (statpub/etl/metadata.py names them)
_VERSIONS_FLAGGED = ("SELECT item, hash, body, public_from_start FROM metadata_versions "
                     "ORDER BY item, first_seen, hash")
_VERSIONS_UNFLAGGED = "SELECT item, hash, body, NULL FROM metadata_versions ORDER BY item, first_seen, hash"

_SERIES_TEXT = {"name": ("name_zh", "name_en"), "unit": ("unit_zh", "unit_en"),
                "definition": ("definition_zh", "definition_en"), "source": ("source_zh", "source_en")}
_SERIES_PLAIN = ("topic", "frequency", "measure", "cumulative", "decimals", "prices", "tolerance", "growth_of",
                 "disclosure_control")


@dataclass(frozen=True)
class Timeline:
    """item → [(public from (None: always), approval order, body)] and every instant a choice changes."""

    versions: dict[str, list[tuple[datetime | None, int, str]]]
    points: list[datetime]
    current: dict[str, str]  # item → body the content holds now


@dataclass
class PublicMetadata:
    series: dict[str, SeriesInfo]  # catalogue order
    topics: tuple[TopicInfo, ...]
    office: str | None  # the office item's body, canonical JSON (None: a snapshot from before metadata review)
    identical: bool  # everything as the content holds it now
    _carried: dict = field(default_factory=dict)


def read_timeline(cur: duckdb.DuckDBPyConnection, releases: dict[str, ReleaseInfo]) -> Timeline | None:
    if not has_table(cur, "metadata_versions"):
        return None
    versions: dict[str, list[tuple[datetime | None, int, str]]] = {}
    bodies: dict[tuple[str, str], str] = {}
    # A snapshot from before migration 006 has no flag: every item's first version counts.
    query = (_VERSIONS_FLAGGED if has_column(cur, "metadata_versions", "public_from_start") else _VERSIONS_UNFLAGGED)
    for item, digest, body, from_start in cur.execute(query).fetchall():
        bodies[(item, digest)] = body
        if item not in versions:
            versions[item] = []
            if from_start is None:  # the first recorded version: public from the start
                versions[item].append((None, -1, body))
        if from_start:  # the register's first catalogue (a matter added later is recorded False)
            versions[item].append((None, -1, body))
    latest: dict[str, int] = {}
    for position, rid in cur.execute("SELECT position, release_id FROM approvals WHERE release_id IS NOT NULL "
                                     "ORDER BY position").fetchall():
        latest[rid] = position
    for position, rid, approved_at, item, digest in cur.execute(
            "SELECT a.position, a.release_id, a.approved_at, i.item, i.hash FROM approval_items i "
            "JOIN approvals a ON a.position = i.position ORDER BY a.position").fetchall():
        body = bodies.get((item, digest))
        if body is None:
            continue  # approved elsewhere, never loaded here: nothing to show
        if rid is None:
            since = approved_at
        elif latest.get(rid) == position and rid in releases and releases[rid].publishable_state:
            published = publication.public_since(releases[rid])  # with its release, never before its approval
            since = max(published, approved_at) if published is not None else None
        else:
            since = None
        if since is not None:
            versions[item].append((since, position, body))
    current = dict(cur.execute("SELECT m.item, v.body FROM metadata_current m JOIN metadata_versions v "
                               "ON v.item = m.item AND v.hash = m.hash").fetchall())
    points = sorted({since for found in versions.values() for since, _p, _b in found if since is not None})
    return Timeline(versions, points, current)


def _chosen(found: list[tuple[datetime | None, int, str]], at: datetime) -> str | None:
    """The body public at `at` (None: no version of the item is public yet)."""
    eligible = [(since, position, body) for since, position, body in found if since is None or since <= at]
    if not eligible:
        return None
    return max(eligible, key=lambda v: (v[0] is not None, v[0] or datetime.min, v[1]))[2]


def _series(base: SeriesInfo, body: str) -> SeriesInfo:
    data = json.loads(body)
    values = {name: data[name] for name in _SERIES_PLAIN if name in data}
    for key, (zh, en) in _SERIES_TEXT.items():
        if isinstance(data.get(key), dict):
            values[zh], values[en] = data[key].get("zh", ""), data[key].get("en", "")
    if "components" in data:
        values["components"] = tuple(data["components"])
    from dataclasses import replace

    return replace(base, **values)


def resolve(snapshot: Snapshot, timeline: Timeline | None, at: datetime) -> PublicMetadata:
    if timeline is None:
        return PublicMetadata(snapshot.series, tuple(snapshot.topics), None, True)
    chosen = {item: _chosen(found, at) for item, found in timeline.versions.items()}
    identical = all(chosen.get(item) == body for item, body in timeline.current.items())
    office = chosen.get("office")
    if identical:
        return PublicMetadata(snapshot.series, tuple(snapshot.topics), office, True)
    series = {code: _series(info, chosen[f"series:{code}"]) if chosen.get(f"series:{code}") else info
              for code, info in snapshot.series.items()}
    topics = []
    for topic in snapshot.topics:
        body = chosen.get(f"topic:{topic.code}")
        name = json.loads(body).get("name", {}) if body else {}
        topics.append(TopicInfo(topic.code, name.get("zh", topic.name_zh), name.get("en", topic.name_en),
                                topic.position) if name else topic)
    return PublicMetadata(series, tuple(topics), office, False)


# Per snapshot: its timeline and the public metadata of each interval between change points.
_CACHE: weakref.WeakKeyDictionary[Snapshot, tuple[Timeline | None, dict[int, PublicMetadata]]] = \
    weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _entry(snapshot: Snapshot) -> tuple[Timeline | None, dict[int, PublicMetadata]]:
    entry = _CACHE.get(snapshot)
    if entry is None:
        with _LOCK:
            entry = _CACHE.get(snapshot)
            if entry is None:
                cur = snapshot.cursor()
                try:
                    entry = _CACHE[snapshot] = (read_timeline(cur, snapshot.releases), {})
                finally:
                    cur.close()
    return entry


def public_metadata(snapshot: Snapshot, at: datetime) -> PublicMetadata:
    timeline, by_epoch = _entry(snapshot)
    epoch = bisect.bisect_right(timeline.points, at) if timeline is not None else 0
    found = by_epoch.get(epoch)
    if found is None:
        found = by_epoch[epoch] = resolve(snapshot, timeline, at)
    return found


def _timeline(snapshot: Snapshot) -> Timeline | None:
    return _entry(snapshot)[0]


def chosen_bodies(snapshot: Snapshot, at: datetime, prefix: str) -> tuple[dict[str, str], dict[str, str]] | None:
    """For the items named `prefix…`: (item → body public at `at`, item → body the content holds
    now). None when the snapshot recorded no such item (loaded before they were reviewed: the
    caller shows them as they are)."""
    timeline = _timeline(snapshot)
    if timeline is None or not any(item.startswith(prefix) for item in timeline.versions):
        return None
    public = {item: body for item, found in timeline.versions.items()
              if item.startswith(prefix) and (body := _chosen(found, at)) is not None}
    current = {item: body for item, body in timeline.current.items() if item.startswith(prefix)}
    return public, current


def change_points(snapshot: Snapshot, prefix: str) -> list[datetime]:
    """Instants at which a version of an item named `prefix…` becomes public."""
    timeline = _timeline(snapshot)
    if timeline is None:
        return []
    return sorted({since for item, found in timeline.versions.items() if item.startswith(prefix)
                   for since, _p, _b in found if since is not None})


def pending(snapshot: Snapshot, at: datetime) -> list[str]:
    """Items whose text in the content differs from what the public sees now (awaiting approval)."""
    entry = public_metadata(snapshot, at)
    timeline = _CACHE[snapshot][0]
    if timeline is None or entry.identical:
        return []
    return sorted(item for item, body in timeline.current.items()
                  if _chosen(timeline.versions.get(item, [(None, -1, body)]), at) != body)
