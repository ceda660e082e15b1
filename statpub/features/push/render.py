"""What a message says, rendered through the gate at the event (never before the instant).

A release message: the office, the title, when it went public, key figures with their units (the
release's headline series as the home page picks them, with the growth rate of each level), the
interpretation's first paragraph with its figures rendered from the warehouse, and links to the
release page, its downloads, the FAQ (when the site has one) and the calendar. A notice: the old
and new instant and the reason. HTML and plain text, Chinese or English. Per-subscriber links
(manage, unsubscribe, an open pixel) are placeholders filled in when each message is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from statpub.dashboards.components.releases import interpretation_markdown
from statpub.dashboards.i18n import format_instant, period_label
from statpub.features.push.words import w
from statpub.kernel.config import Settings
from statpub.kernel.numbers import format_number
from statpub.kernel.office import public_office
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import HistoryItem, ReleaseInfo

TEMPLATES = Path(__file__).parent / "templates"
MAX_FIGURES = 6
HTML_LANG = {"zh": "zh-CN", "en": "en"}
LABEL_KEYS = ("key_figures", "indicator", "period", "value", "unit", "interpretation", "why", "manage",
              "unsubscribe", "previous", "now", "reason")


@dataclass(frozen=True)
class Office:
    zh: str
    en: str
    base_url: str

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def host(self) -> str:
        return re.sub(r"^https?://", "", self.base_url).split("/")[0].split(":")[0] or "localhost"


def office_of(settings: Settings, gate: Gate | None = None) -> Office:
    """The office as messages name it: as the public sees it at the gate's instant (the version of
    office.yaml approved by then), or the content's without a gate; `STATPUB_BASE_URL` for local
    and test servers."""
    office = public_office(settings, gate.metadata().office if gate is not None else None)
    return Office(office.name.zh, office.name.en, office.base_url)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                       keep_trailing_newline=True, trim_blocks=False)


def _labels(lang: str) -> dict[str, str]:
    return {key: w(key, lang) for key in LABEL_KEYS}


def _render(name: str, subject: str, lang: str, **context) -> Rendered:
    env = _env()
    context = {"subject": subject, "html_lang": HTML_LANG[lang], **context}
    return Rendered(subject, wrap_lines(env.get_template(f"{name}.txt").render(**context)),
                    wrap_lines(env.get_template(f"{name}.html").render(**context)))


def wrap_lines(text: str, limit: int = 200) -> str:
    """No line much longer than `limit` characters (a message body goes 8-bit, where a line must
    stay under 998 bytes): long lines break after a sentence mark, a space or a tag, never inside
    a word or a link."""
    marks = ("。", "；", "，", " ", ">")
    out = []
    for line in text.splitlines():
        while len(line) > limit:
            before = max(line.rfind(mark, 0, limit) for mark in marks)
            after = min((i for i in (line.find(mark, limit) for mark in marks) if i >= 0), default=-1)
            cut = before if before > limit // 4 else after
            if cut < 0 or cut + 1 >= len(line):
                break
            out.append(line[:cut + 1])
            line = line[cut + 1:]
        out.append(line)
    return "\n".join(out) + "\n"


def key_figures(gate: Gate, release: ReleaseInfo, lang: str) -> list[dict]:
    """The release's headline figures as the gate gives them: its own order, levels first, each
    with its latest period, value, unit and (where published) growth rate."""
    info = {s.code: s for s in gate.series()}
    carried = gate.release_observations(release.id).to_pylist()
    latest: dict[str, dict] = {}
    for row in carried:  # in period order: the last per series is the release's newest
        latest[row["series_code"]] = row
    growth_of = {s.growth_of: s for s in info.values() if s.growth_of}
    figures = []
    for code in release.series:
        s = info.get(code)
        if s is None or s.growth_of or code not in latest:
            continue
        row = latest[code]
        growth = growth_of.get(code)
        rate = latest.get(growth.code) if growth else None
        shown = None
        if rate and rate["period"] == row["period"] and rate["value"] is not None:
            shown = w("decrease" if rate["value"] < 0 else "growth", lang,
                      v=format_number(abs(rate["value"]), growth.decimals, lang))
        figures.append({"name": s.name(lang), "period": period_label(row["period"], lang, cumulative=s.cumulative),
                        "value": format_number(row["value"], s.decimals, lang), "unit": s.unit(lang),
                        "growth": shown, "code": code, "period_code": row["period"], "raw": row["value"]})
        if len(figures) == MAX_FIGURES:
            break
    return figures


def first_paragraph(gate: Gate, release_id: str, lang: str) -> tuple[str, str] | None:
    """The interpretation's first paragraph (figures rendered), as plain text and as HTML."""
    text = interpretation_markdown(gate, release_id, lang)
    if not text:
        return None
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if block and not block.startswith(("#", ">", "|", "-", "*")):
            plain = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", block)
            plain = re.sub(r"[*_`]+", "", plain)
            return " ".join(plain.split()) if lang == "en" else "".join(plain.split()), \
                markdown.markdown(block)
    return None


def release_links(office: Office, release_id: str, lang: str, faq_path: str | None) -> list[dict]:
    suffix = "?lang=en" if lang == "en" else ""
    base = office.base_url
    links = [{"label": w("release_page", lang), "url": f"{base}/release/{release_id}{suffix}", "rel": "release"},
             {"label": w("download_csv", lang), "url": f"{base}/download/release/{release_id}.csv", "rel": "csv"},
             {"label": w("download_xlsx", lang), "url": f"{base}/download/release/{release_id}.xlsx", "rel": "xlsx"}]
    if faq_path:
        links.append({"label": w("faq", lang), "url": f"{base}{faq_path}{suffix}", "rel": "faq"})
    links.append({"label": w("calendar", lang), "url": f"{base}/calendar{suffix}", "rel": "calendar"})
    return links


def render_release(gate: Gate, release: ReleaseInfo, lang: str, office: Office, faq_path: str | None) -> Rendered:
    """Only for a release the gate shows the public now; refuses otherwise."""
    if not gate.is_public(release):
        raise RuntimeError(f"{release.id} is not public at {gate.now.isoformat()}: nothing is rendered")
    paragraph = first_paragraph(gate, release.id, lang)
    since = gate.public_since(release) or release.instant
    subject = w("subject_release", lang, office=office.name(lang), title=release.title(lang))
    return _render("message_release", subject, lang, office=office.name(lang), title=release.title(lang),
                   published_label=w("published", lang), published=format_instant(since, lang),
                   figures=key_figures(gate, release, lang), labels=_labels(lang),
                   paragraph_text=paragraph[0] if paragraph else None,
                   paragraph_html=Markup(paragraph[1]) if paragraph else None,  # noqa: S704 - rendered from our content
                   links=release_links(office, release.id, lang, faq_path))


def render_digest(gate: Gate, releases: list[ReleaseInfo], lang: str, office: Office,
                  faq_path: str | None) -> Rendered:
    """The week's releases: each with when it went public, its first key figures and its links."""
    items = [{"title": r.title(lang), "published": format_instant(gate.public_since(r) or r.instant, lang),
              "figures": key_figures(gate, r, lang)[:3], "links": release_links(office, r.id, lang, faq_path)[:2]}
             for r in releases]
    subject = w("subject_digest", lang, office=office.name(lang), count=len(releases))
    return _render("message_digest", subject, lang, office=office.name(lang), items=items, labels=_labels(lang),
                   published_label=w("published", lang))


def render_notice(release: ReleaseInfo, item: HistoryItem, lang: str, office: Office) -> Rendered:
    change = w(item.change, lang) if item.change in ("rescheduled", "postponed", "cancelled", "corrected",
                                                      "confirmed") else item.change
    current = w("cancelled", lang) if release.state == "cancelled" else (
        w("no_date", lang) if release.state == "postponed" else format_instant(release.instant, lang))
    subject = w("subject_notice", lang, office=office.name(lang), change=change, title=release.title(lang))
    links = [link for link in release_links(office, release.id, lang, None) if link["rel"] in ("release", "calendar")]
    return _render("message_notice", subject, lang, office=office.name(lang), title=release.title(lang),
                   change=change, labels=_labels(lang), current=current, reason=item.reason(lang),
                   previous=format_instant(item.previous_instant, lang) if item.previous_instant else None,
                   links=links)


def render_confirm(lang: str, office: Office, confirm_url: str) -> Rendered:
    subject = w("subject_confirm", lang, office=office.name(lang))
    labels = {"intro": w("confirm_intro", lang), "confirm": w("confirm", lang), "ignore": w("confirm_ignore", lang)}
    return _render("message_confirm", subject, lang, office=office.name(lang), labels=labels,
                   confirm_url=confirm_url)


def release_payload(gate: Gate, release: ReleaseInfo, office: Office, faq_path: str | None) -> dict:
    """The webhook body for a release: both languages, figures as numbers with units."""
    since = gate.public_since(release) or release.instant
    figures = [{k: f[k] for k in ("code", "period_code", "raw", "unit", "name")} for f in key_figures(gate, release, "en")]
    zh_names = {f["code"]: (f["name"], f["unit"]) for f in key_figures(gate, release, "zh")}
    return {
        "event": "release.published", "release": release.id, "kind": release.kind,
        "title": {"zh": release.title_zh, "en": release.title_en}, "published_at": since.isoformat(),
        "office": {"zh": office.zh, "en": office.en},
        "key_figures": [{"series": f["code"], "period": f["period_code"], "value": f["raw"],
                         "name": {"zh": zh_names[f["code"]][0], "en": f["name"]},
                         "unit": {"zh": zh_names[f["code"]][1], "en": f["unit"]}} for f in figures],
        "links": {link["rel"]: link["url"] for link in release_links(office, release.id, "en", faq_path)},
    }


def notice_payload(release: ReleaseInfo, item: HistoryItem, office: Office) -> dict:
    return {
        "event": f"release.{item.change}", "release": release.id, "state": release.state,
        "title": {"zh": release.title_zh, "en": release.title_en},
        "instant": release.instant.isoformat(),
        "previous_instant": item.previous_instant.isoformat() if item.previous_instant else None,
        "reason": {"zh": item.reason_zh, "en": item.reason_en}, "office": {"zh": office.zh, "en": office.en},
        "links": {"release": f"{office.base_url}/release/{release.id}"},
    }
