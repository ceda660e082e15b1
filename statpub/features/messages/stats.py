"""Statistics of the board (public) and clusters of similar messages (for staff).

Statistics per month or year: received, answered, answered on time (on or before the due day),
the median number of working days to a reply, by category and by topic. They hold counts only:
no text, no contact, no code — and they survive the deletion of contact data.

Clusters: recent messages about the same topic whose words overlap (character bigrams, so Chinese
needs no word segmentation) are grouped; a cluster reaching the office's threshold is flagged
"consider an FAQ entry / topic investigation".
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from statpub.features.messages.config import CATEGORIES, MessageRules
from statpub.kernel.workdays import WorkCalendar
from statpub.store import Store

PERIOD_RE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")
SIMILARITY = 0.25       # Jaccard of character bigrams above which two messages are "about the same"
MAX_CLUSTERED = 500     # newest messages per topic considered (pairs compared: bounded work)


def period_bounds(period: str) -> tuple[date, date]:
    """`2026` or `2026-03` → first and last day."""
    found = PERIOD_RE.match(period or "")
    if not found:
        from statpub.kernel.errors import UserError

        raise UserError(f"period: {period!r} is not YYYY or YYYY-MM")
    year, month = int(found.group(1)), found.group(2)
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    first = date(year, int(month), 1)
    following = date(year + (first.month == 12), first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _block(rows: list[dict]) -> dict:
    answered = [r for r in rows if r["answered_on"]]
    on_time = sum(1 for r in answered if r["answered_on"] <= r["due_on"])
    days = [r["working_days"] for r in answered]
    return {"received": len(rows), "answered": len(answered), "on_time": on_time,
            "not_accepted": sum(1 for r in rows if r["status"] == "not_accepted"),
            "open": sum(1 for r in rows if r["status"] in ("received", "assigned")),
            "median_working_days": statistics.median(days) if days else None,
            "ratings": sum(1 for r in rows if r["rating"]),
            "mean_rating": round(statistics.fmean([r["rating"] for r in rows if r["rating"]]), 2)
            if any(r["rating"] for r in rows) else None}


def first_message_year(store: Store) -> int | None:
    with store.connect() as con:
        first = con.execute("SELECT min(received_on) FROM messages").fetchone()[0]
    return int(first[:4]) if first else None


def board_statistics(store: Store, calendar: WorkCalendar, period: str) -> dict:
    """Statistics of the messages received in a month (`YYYY-MM`) or a year (`YYYY`)."""
    first, last = period_bounds(period)
    with store.connect() as con:
        rows = con.execute("SELECT category, topic, status, rating, received_on, answered_on, due_on FROM messages "
                           "WHERE received_on >= ? AND received_on <= ?",
                           [first.isoformat(), last.isoformat()]).fetchall()
    # Working days to the reply, counted once per message (each one is in four of the blocks).
    rows = [{**dict(r), "working_days": calendar.count(date.fromisoformat(r["received_on"]),
                                                       date.fromisoformat(r["answered_on"]))
             if r["answered_on"] else None} for r in rows]
    by_category = {c: _block([r for r in rows if r["category"] == c]) for c in CATEGORIES}
    topics: dict[str, list] = defaultdict(list)
    for r in rows:
        topics[r["topic"] or "-"].append(r)
    months = None
    if len(period) == 4:
        grouped: dict[str, list] = defaultdict(list)
        for r in rows:
            grouped[r["received_on"][:7]].append(r)
        months = {m: _block(grouped[m]) for m in sorted(grouped)}
    return {"period": period, "from": first.isoformat(), "to": last.isoformat(), "total": _block(rows),
            "by_category": by_category, "by_topic": {t: _block(v) for t, v in sorted(topics.items())},
            "by_month": months}


# -- clusters -------------------------------------------------------------------------------------
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the text's letters and digits (CJK and Latin alike), case-folded."""
    kept = re.sub(r"[\W_]+", " ", text.casefold())
    grams = set()
    for chunk in kept.split():
        grams.update(chunk[i:i + 2] for i in range(max(1, len(chunk) - 1)))
    return frozenset(grams)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _finder(parent: list[int]):
    """Union-find's root lookup (with path halving) over `parent`."""
    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    return root


@dataclass(frozen=True)
class Cluster:
    topic: str
    codes: tuple[str, ...]
    subjects: tuple[str, ...]
    sample: str          # the text of the cluster's newest message, cut short (staff only)
    flagged: bool

    def to_dict(self) -> dict:
        return {"topic": self.topic, "size": len(self.codes), "codes": list(self.codes),
                "subjects": list(self.subjects), "sample": self.sample, "flagged": self.flagged,
                "suggestion": "consider an FAQ entry / topic investigation · 建议编写常见问题或开展专题调研"
                if self.flagged else None}


def clusters(store: Store, rules: MessageRules, today: date) -> list[Cluster]:
    """Groups of similar recent messages per topic, largest first (single linkage).

    Comparing every pair costs about half a second at 10,000 stored messages, too much for each
    view of the staff list: the groups are kept per process for as long as what they depend on is
    unchanged — the window, the threshold, and the messages in the window (their number, the newest,
    and how many were not accepted: texts and subjects never change once received)."""
    since = (today - timedelta(days=rules.cluster_days)).isoformat()
    with store.connect() as con:
        row = con.execute("SELECT count(*), max(received_at), "
                          "sum(CASE WHEN status = 'not_accepted' THEN 1 ELSE 0 END) FROM messages "
                          "WHERE received_on >= ?", [since]).fetchone()
    return list(_clusters(store, since, rules.cluster_threshold, (int(row[0]), row[1], int(row[2] or 0))))


@lru_cache(maxsize=8)
def _clusters(store: Store, since: str, threshold: int, signature: tuple) -> tuple[Cluster, ...]:
    """The groups for a window; `signature` is part of the cache key only."""
    with store.connect() as con:
        rows = con.execute("SELECT code, about_kind, about_id, topic, text FROM messages WHERE received_on >= ? "
                           "AND status <> 'not_accepted' ORDER BY received_at DESC", [since]).fetchall()
    per_topic: dict[str, list] = defaultdict(list)
    for r in rows:
        if len(per_topic[r["topic"] or "-"]) < MAX_CLUSTERED:
            per_topic[r["topic"] or "-"].append(r)
    found = []
    for topic, members in per_topic.items():
        grams = [bigrams(r["text"]) for r in members]
        parent = list(range(len(members)))
        root = _finder(parent)
        for i in range(len(members)):
            for j in range(i):
                same_subject = (members[i]["about_kind"], members[i]["about_id"]) == \
                               (members[j]["about_kind"], members[j]["about_id"])
                if (same_subject or similarity(grams[i], grams[j]) >= SIMILARITY) and \
                        similarity(grams[i], grams[j]) >= SIMILARITY / 2:
                    parent[root(i)] = root(j)
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(members)):
            groups[root(i)].append(i)
        for indexes in groups.values():
            if len(indexes) < 2:
                continue
            chosen = [members[i] for i in indexes]
            subjects = sorted({f"{r['about_kind']}:{r['about_id']}" for r in chosen})
            found.append(Cluster(topic, tuple(r["code"] for r in chosen), tuple(subjects), chosen[0]["text"][:120],
                                 len(chosen) >= threshold))
    return tuple(sorted(found, key=lambda c: (-len(c.codes), c.topic)))
