"""What changed since an instant (as Statistics Canada's getChangedSeriesList): the series and
periods that releases, corrections and revisions published after it, each with the release that
did it and why, through the gate (a release counts from when it went public, never before).

    GET /api/v1/changes?since=<ISO instant>[&lang=]   JSON
    GET /api/v1/changes.atom[?since=<ISO instant>]    the same as an Atom feed (one entry per release)"""

from __future__ import annotations

from datetime import datetime, timedelta

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, request

from statpub.dashboards.api import params as P
from statpub.dashboards.api import shapes
from statpub.dashboards.api.respond import cached_json, current_gate, fingerprint
from statpub.kernel.clock import format_beijing
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import ReleaseInfo

changes_bp = Blueprint("api_v1_changes", __name__, url_prefix="/api/v1")
FEED_DEFAULT_DAYS = 90
MAX_FEED_ENTRIES = 100


def kind_of(release: ReleaseInfo) -> str:
    if release.revision_stage == "correction":
        return "correction"
    return "revision" if release.revision_stage else "release"


def released_since(gate: Gate, since: datetime) -> list[ReleaseInfo]:
    """Releases with figures that went public after `since` (and by now), oldest first."""
    found = [(gate.public_since(r) or r.instant, r) for r in gate.visible_releases()
             if r.observation_count and gate.is_public(r)]
    return [r for at, r in sorted(found, key=lambda pair: (pair[0], pair[1].id)) if at > since]


def release_changes(gate: Gate, release: ReleaseInfo) -> dict:
    """One release's changes: per series, the periods it published for the first time and those
    it revised (with the value and release replaced)."""
    rows = gate.release_observations(release.id).to_pylist()
    revised = {(r["series_code"], r["period"]): r for r in gate.revisions(release.id).to_pylist()}
    series: dict[str, dict] = {}
    for row in rows:
        item = series.setdefault(row["series_code"], {"code": row["series_code"], "new": [], "revised": []})
        before = revised.get((row["series_code"], row["period"]))
        if before is None:
            item["new"].append(row["period"])
        else:
            item["revised"].append({"period": row["period"], "value": row["value"],
                                    "previous_value": before["previous_value"],
                                    "previous_release_id": before["previous_release_id"]})
    since = gate.public_since(release) or release.instant
    body = shapes.release_brief(release, public=True)
    return {"release": body, "kind": kind_of(release), "public_since": shapes.iso(since),
            "reason": shapes.bilingual(release.revision_reason_zh, release.revision_reason_en)
            if release.revision_stage else None,
            "series": list(series.values())}


def changes_since(gate: Gate, since: datetime) -> dict:
    releases = released_since(gate, since)
    total = sum(r.observation_count for r in releases)
    if total > P.MAX_ROWS:
        raise P.TooManyRows(f"{total} figures changed since then, more than {P.MAX_ROWS}: ask for a later `since`")
    entries = [release_changes(gate, r) for r in releases]
    codes: dict[str, dict] = {}
    for entry in entries:
        for item in entry["series"]:
            summary = codes.setdefault(item["code"], {"code": item["code"], "releases": [], "periods": set()})
            summary["releases"].append(entry["release"]["id"])
            summary["periods"].update(item["new"])
            summary["periods"].update(r["period"] for r in item["revised"])
    return {"since": shapes.iso(since), "count": len(entries),
            "series": [{"code": c["code"], "releases": c["releases"], "periods": sorted(c["periods"]),
                        "links": {"observations": f"{shapes.API}/series/{c['code']}/observations"}}
                       for c in codes.values()],
            "changes": entries}


def _since(raw: datetime | None, gate: Gate, *, required: bool) -> datetime:
    if raw is None:
        if required:
            raise P.BadParameter("since", "is required: an ISO 8601 instant with an offset")
        return gate.now - timedelta(days=FEED_DEFAULT_DAYS)
    if raw > gate.now:
        raise P.BadParameter("since", "is in the future")
    return raw


@changes_bp.get("/changes")
def changes() -> Response:
    p = P.parse_params(request.args, P.CHANGES)
    gate, view = current_gate()
    since = _since(p["since"], gate, required=True)
    key = fingerprint("changes", view.key, since.isoformat())
    return cached_json(key, lambda: changes_since(gate, since), view=view)


@changes_bp.get("/changes.atom")
def changes_feed() -> Response:
    p = P.parse_params(request.args, P.CHANGES_FEED)
    gate, _view = current_gate()
    since = _since(p["since"], gate, required=False)
    lang = p["lang"]
    pub = shapes.publisher()
    feed = FeedGenerator()
    feed.id(f"{pub.base_url}{shapes.API}/changes.atom")
    feed.title(f"{pub.office(lang)}：数据变动" if lang == "zh" else f"{pub.office(lang)}: what changed")
    feed.author({"name": pub.office(lang)})
    feed.link(href=pub.base_url + request.full_path.rstrip("?"), rel="self")  # never the Host asked with
    feed.language("zh-CN" if lang == "zh" else "en")
    releases = released_since(gate, since)[-MAX_FEED_ENTRIES:]
    feed.updated(max((gate.public_since(r) or r.instant for r in releases), default=since))
    for release in releases:
        entry = feed.add_entry()
        at = gate.public_since(release) or release.instant
        entry.id(f"{pub.base_url}{shapes.API}/changes#{release.id}")
        entry.title(release.title(lang))
        entry.updated(at)
        entry.published(at)
        entry.summary(_summary(gate, release, lang))
        entry.link(href=f"{pub.base_url}/release/{release.id}" + ("?lang=en" if lang == "en" else ""), rel="alternate")
    return Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")


def _summary(gate: Gate, release: ReleaseInfo, lang: str) -> str:
    change = release_changes(gate, release)
    new = sorted({s["code"] for s in change["series"] if s["new"]})
    revised = sorted({s["code"] for s in change["series"] if s["revised"]})
    when = format_beijing(gate.public_since(release) or release.instant, lang)
    reason = release.revision_reason(lang)
    if lang == "zh":
        text = f"{when}发布。新数据：{'、'.join(new) or '无'}；修订：{'、'.join(revised) or '无'}。"
        return text + (f"修订原因：{reason}。" if reason else "")
    text = f"Published {when}. New figures: {', '.join(new) or 'none'}; revised: {', '.join(revised) or 'none'}."
    return text + (f" Reason: {reason}." if reason else "")
