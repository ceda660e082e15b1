"""Subscriptions (精准推送): the release calendar as ICS and the news of releases as Atom, for
everything or per topic. Everything comes through the gate and is calendar metadata (titles,
instants, states, notices with reasons) — never a figure, so nothing here can break the embargo:
a "published" entry appears only once the gate says the release is public.

    /calendar.ics              /calendar/<topic>.ics     RFC 5545, times in Asia/Shanghai + VTIMEZONE
    /feed.atom                 /feed/<topic>.atom        RFC 4287
    ?lang=en                   English titles and texts (Chinese by default)

ICS events keep their UID (`<release id>@<office host>`) for ever; SEQUENCE counts the changes
of the entry (every history item after the announcement, and edits the loader recorded), and a
cancelled release stays in the file with STATUS:CANCELLED so subscribed calendars remove it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, request
from icalendar import Calendar, Event

from statpub.dashboards.components.publisher import publisher, site_url
from statpub.dashboards.page_paths import is_page_path
from statpub.dashboards.services import services
from statpub.kernel.clock import BEIJING, format_beijing
from statpub.kernel.errors import NotFound, UserError
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import HistoryItem, ReleaseInfo

blueprint = Blueprint("feeds", __name__)
RELEASE_PATH = "/release/{id}"
EVENT_LENGTH = timedelta(hours=1)
CHANGES = {
    "rescheduled": ("日程调整", "Rescheduled"), "postponed": ("推迟发布", "Postponed"),
    "cancelled": ("取消发布", "Cancelled"), "confirmed": ("日程确认", "Confirmed"),
    "corrected": ("数据更正", "Corrected"), "announced": ("列入日程", "Announced"),
}
STATUS = {
    "published": ("已发布", "published"), "delayed": ("延迟发布", "delayed"),
    "provisional": ("初定", "provisional"), "confirmed": ("已确定", "confirmed"),
    "postponed": ("推迟", "postponed"), "cancelled": ("已取消", "cancelled"),
    "history": ("往期发布（待导入）", "published before this site (not yet imported)"),
}
ICS_STATUS = {"cancelled": "CANCELLED", "provisional": "TENTATIVE", "postponed": "TENTATIVE",
              "delayed": "TENTATIVE"}


def _lang() -> str:
    lang = request.args.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise UserError("lang must be zh or en")
    return lang


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _host() -> str:
    """The office's host (office.yaml `base_url`), for identifiers that must not depend on the name
    a client used to reach the server."""
    return publisher().host


def release_url(release_id: str, lang: str) -> str:
    """The release's page; the home page while the site has no release pages (links never break).
    Absolute from the configured base URL, never from the request's Host."""
    path = RELEASE_PATH.format(id=release_id)
    if not is_page_path(path):
        path = "/"
    return site_url(path + ("?lang=en" if lang == "en" else ""))


def topic_releases(gate: Gate, topic: str | None) -> tuple[ReleaseInfo, ...]:
    """Every announced release, or those carrying a series of the topic."""
    releases = gate.calendar()
    if topic is None:
        return releases
    if topic not in {t.code for t in gate.metadata().topics}:
        raise NotFound(f"no topic {topic!r}")
    series = gate.metadata().series
    return tuple(r for r in releases if any(series[c].topic == topic for c in r.series if c in series))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), BEIJING).astimezone(UTC)


def _notice_text(release: ReleaseInfo, item: HistoryItem, lang: str) -> str:
    parts = [_pick(CHANGES.get(item.change, (item.change, item.change)), lang)]
    if item.previous_instant is not None:
        parts.append(("原定" if lang == "zh" else "previously ") + format_beijing(item.previous_instant, lang))
        if item.change == "rescheduled":
            parts.append(("现定" if lang == "zh" else "now ") + format_beijing(release.instant, lang))
    reason = item.reason(lang)
    if reason:
        parts.append(("原因：" if lang == "zh" else "reason: ") + reason)
    elif item.detected:
        parts.append("日程表已修改，未注明原因" if lang == "zh" else "the calendar entry changed; no reason was given")
    return ("；" if lang == "zh" else "; ").join(parts)


def build_ics(gate: Gate, releases: tuple[ReleaseInfo, ...], lang: str, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//statpub//release calendar//" + ("ZH" if lang == "zh" else "EN"))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    host = _host()
    for release in releases:
        status = gate.release_status(release)
        event = Event()
        event.add("uid", f"{release.id}@{host}")
        told = gate.public_history(release)  # an item dated after today is not told yet
        changed = max((item.date for item in told), default=date(2000, 1, 1))
        event.add("dtstamp", _midnight(changed))
        event.add("last-modified", _midnight(changed))
        event.add("dtstart", release.instant.astimezone(BEIJING))
        event.add("duration", EVENT_LENGTH)
        event.add("summary", release.title(lang))
        event.add("sequence", sum(1 for item in told if item.change != "announced"))
        event.add("status", ICS_STATUS.get(status, "CONFIRMED"))
        event.add("url", release_url(release.id, lang))
        lines = [f"{'状态' if lang == 'zh' else 'Status'}: {_pick(STATUS[status], lang)}"]
        lines += [_notice_text(release, item, lang) for item in told if item.change != "announced"]
        lines.append(release_url(release.id, lang))
        event.add("description", "\n".join(lines))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def build_atom(gate: Gate, releases: tuple[ReleaseInfo, ...], lang: str, title: str, self_url: str) -> bytes:
    host = _host()
    wanted = {r.id for r in releases}
    entries: list[tuple[datetime, str, str, str, str]] = []  # updated, id, title, summary, link
    for release in gate.published_releases():
        if release.id not in wanted:
            continue
        since = gate.public_since(release)
        headline = ("发布：" if lang == "zh" else "Published: ") + release.title(lang)
        text = (f"{release.title(lang)}已于{format_beijing(since, lang)}发布。" if lang == "zh"
                else f"{release.title(lang)} was published on {format_beijing(since, lang)}.")
        entries.append((since, f"tag:{host},{since.date().isoformat()}:release/{release.id}/published",
                        headline, text, release_url(release.id, lang)))
    for release, item in gate.notices():
        if release.id not in wanted:
            continue
        index = next(i for i, h in enumerate(release.history) if h is item)
        headline = f"{_pick(CHANGES.get(item.change, (item.change, item.change)), lang)}：{release.title(lang)}" \
            if lang == "zh" else f"{_pick(CHANGES.get(item.change, (item.change, item.change)), lang)}: {release.title(lang)}"
        entries.append((_midnight(item.date), f"tag:{host},{item.date.isoformat()}:release/{release.id}/notice/{index}",
                        headline, _notice_text(release, item, lang), release_url(release.id, lang)))
    entries.sort(key=lambda e: (e[0], e[1]), reverse=True)
    feed = FeedGenerator()
    feed.id(f"tag:{host},2019:statpub{urlsplit(self_url).path}")
    feed.title(title)
    office = publisher()
    feed.author({"name": office.office(lang), **({"email": office.contact.email}
                                                  if office.contact and office.contact.email else {})})
    feed.rights(office.licence_text(lang))
    feed.link(href=self_url, rel="self")
    for hub in sorted({h for hubs in services().hooks.feed_hubs() for h in hubs or ()}):
        feed.link(href=hub, rel="hub")  # WebSub: where to subscribe for pushes of this feed
    feed.link(href=site_url("/"), rel="alternate")
    feed.language("zh-CN" if lang == "zh" else "en")
    feed.updated(entries[0][0] if entries else _midnight(date(2019, 1, 1)))
    for updated, entry_id, headline, text, link in reversed(entries):
        entry = feed.add_entry()
        entry.id(entry_id)
        entry.title(headline)
        entry.updated(updated)
        entry.published(updated)
        entry.summary(text)
        entry.link(href=link, rel="alternate")
    return feed.atom_str(pretty=True)


def _topic_name(gate: Gate, topic: str | None, lang: str) -> str:
    """`<site> · 发布日程`, or `<site> · <topic> · 发布日程`: a subscriber sees whose calendar it is."""
    site = publisher().site_title(lang)
    if topic is None:
        return f"{site} · {'发布日程' if lang == 'zh' else 'Release calendar'}"
    found = next(t for t in gate.metadata().topics if t.code == topic)
    return f"{site} · {found.name(lang)} · {'发布日程' if lang == 'zh' else 'Release calendar'}"


@blueprint.get("/calendar.ics")
@blueprint.get("/calendar/<topic>.ics")
def calendar_ics(topic: str | None = None) -> Response:
    gate = services().gate()
    lang = _lang()
    releases = topic_releases(gate, topic)
    body = build_ics(gate, releases, lang, _topic_name(gate, topic, lang))
    name = f"calendar-{topic}.ics" if topic else "calendar.ics"
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@blueprint.get("/feed.atom")
@blueprint.get("/feed/<topic>.atom")
def feed_atom(topic: str | None = None) -> Response:
    gate = services().gate()
    lang = _lang()
    releases = topic_releases(gate, topic)
    title = _topic_name(gate, topic, lang).replace("发布日程", "数据发布").replace("Release calendar", "Releases")
    body = build_atom(gate, releases, lang, title, site_url(request.full_path.rstrip("?")))
    return Response(body, mimetype="application/atom+xml")
