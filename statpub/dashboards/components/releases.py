"""Pieces about releases: their public status (published, delayed, or their calendar state), the
change notices with reasons, and the interpretation rendered with figures from the gate."""

from __future__ import annotations

import re

from dash import dcc, html

from statpub.dashboards.i18n import CHANGES, STATES, format_date, format_instant, href, t, word
from statpub.dashboards.services import services
from statpub.kernel.figures import Figure, render
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import ReleaseInfo

_HEADING = re.compile(r"^(#{1,5}) ", re.M)


def release_status(gate: Gate, release: ReleaseInfo) -> str:
    """published, or delayed (its instant passed but the gate does not let it out, e.g. not yet
    approved), or its calendar state (provisional, confirmed, postponed, cancelled)."""
    return gate.release_status(release)


def status_badge(status: str, lang: str) -> html.Span:
    return html.Span(word(STATES, status, lang), className=f"badge badge-{status}")


def notices(release: ReleaseInfo, lang: str, history: tuple | None = None) -> html.Div:
    """Every change of the calendar entry, kept for ever, with its reason (`history`: the items
    told by now, from the gate's `public_history`)."""
    items = []
    for item in release.history if history is None else history:
        parts = [html.Strong(format_date(item.date, lang)), " ", word(CHANGES, item.change, lang)]
        if item.previous_instant is not None:
            parts += [" · ", t("previous_instant", lang), ": ", format_instant(item.previous_instant, lang)]
        reason = item.reason(lang)
        if reason:
            parts += [" · ", t("reason", lang), ": ", reason]
        items.append(html.Li(parts))
    if not items:
        return html.Div(html.P(t("no_notices", lang)), className="notices")
    return html.Div(html.Ul(items), className="notices")


def release_link(release: ReleaseInfo, lang: str) -> dcc.Link:
    return dcc.Link(release.title(lang), href=href(f"/release/{release.id}", lang))


def interpretation_markdown(gate: Gate, release_id: str, lang: str) -> str | None:
    """The interpretation with every figure tag replaced by the figure this release carried (as
    the gate gives it to this reader). None when the reader may not see it or there is none."""
    text = gate.interpretation(release_id, lang)
    if text is None:
        return None
    info = {s.code: s for s in gate.series()}
    carried = {(r["series_code"], r["period"]): r["value"]
               for r in gate.release_observations(release_id).to_pylist()}

    def lookup(code: str, period: str) -> Figure | None:
        if (code, period) not in carried or code not in info:
            return None
        s = info[code]
        return Figure(carried[(code, period)], s.decimals, s.unit_zh, s.unit_en)

    # The page's own title is the h1; the text's headings move one level down.
    return _HEADING.sub(lambda m: "#" + m.group(1) + " ", render(text, lookup, lang))


def feature_blocks(subject: str, lang: str) -> list:
    """What features add to the page about `subject` ("release:<id>", "series:<code>",
    "topic:<code>"), asked with the public gate: a feature speaks only of what the public sees."""
    public = services().gate()
    return [block for found in services().hooks.page_blocks(gate=public, lang=lang, subject=subject)
            for block in found]
