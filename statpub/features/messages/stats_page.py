"""The public statistics page: tables with captions and header scopes (counts only)."""

from __future__ import annotations

from statpub.features.messages.config import CATEGORIES
from statpub.features.messages.frame import e, link
from statpub.features.messages.words import w

COLUMNS = ("received", "answered", "on_time", "not_accepted", "open", "median_days", "mean_rating")
KEYS = {"median_days": "median_working_days"}


def _table(caption: str, rows: list[tuple[str, dict]], lang: str) -> str:
    head = "".join(f'<th scope="col" class="num">{e(w(c, lang))}</th>' for c in COLUMNS)
    body = "".join(
        f'<tr><th scope="row">{e(label)}</th>'
        + "".join(f'<td class="num">{e("—" if block[KEYS.get(c, c)] is None else block[KEYS.get(c, c)])}</td>'
                  for c in COLUMNS) + "</tr>" for label, block in rows)
    return (f'<div role="region" aria-label="{e(caption)}" tabindex="0"><table><caption>{e(caption)}</caption>'
            f'<thead><tr><th scope="col">{e(w("period", lang))}</th>{head}</tr></thead><tbody>{body}</tbody></table></div>')


def statistics_html(stats: dict, lang: str, years: range) -> str:
    """`years`: those with statistics (from the first message to this year): the only ones linked,
    so the page never leads a reader, or a crawler, into years that have not happened."""
    year = int(stats["period"][:4])
    near = [y for y in (year - 1, year + 1) if y in years]
    links = " · ".join(f'<a href="{link("/messages/statistics", lang, period=str(y))}">{y}</a>' for y in near)
    parts = [f"<p>{links}</p>",
             _table(w("total", lang), [(stats["period"], stats["total"])], lang),
             _table(w("by_category", lang), [(w(c, lang), stats["by_category"][c]) for c in CATEGORIES], lang),
             _table(w("by_topic", lang), list(stats["by_topic"].items()), lang)]
    if stats.get("by_month"):
        parts.append(_table(w("by_month", lang), list(stats["by_month"].items()), lang))
    return "".join(parts)
