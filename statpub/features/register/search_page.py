"""`/search?q=…`: everything published, searched through the full-text index (ranked; Chinese
segmented into words; a "quoted phrase" found as written), filtered by kind, in the page's language
first. The index holds only what the public gate shows at the request's instant."""

from __future__ import annotations

import re

import dash
from dash import dcc, html

from statpub.dashboards.api.params import MAX_SEARCH_LENGTH, SEARCH_KINDS
from statpub.dashboards.components.shell import page
from statpub.dashboards.i18n import format_instant, href, lang_or_default
from statpub.dashboards.services import services
from statpub.features.register.search.index import SearchIndex, search
from statpub.features.register.words import kind_name, w
from statpub.kernel.clock import parse_instant

PATH = "/search"
PER_PAGE = 20
ID_FORM = "search-form"
ID_RESULTS = "search-results"
ID_QUERY = "search-q"


def clean_query(value: object) -> str:
    """What is searched for: text only, no control characters, at most the API's length."""
    if not isinstance(value, str):
        return ""
    return "".join(c for c in value if ord(c) >= 32).strip()[:MAX_SEARCH_LENGTH]


def marked(text: str, marks: list[str]) -> list:
    """The text with the query's words marked (case-insensitively)."""
    words = sorted({m for m in marks if m}, key=len, reverse=True)
    if not words:
        return [text]
    parts = re.split("(" + "|".join(re.escape(m) for m in words) + ")", text, flags=re.IGNORECASE)
    return [html.Mark(p) if i % 2 else p for i, p in enumerate(parts) if p]


def _kind_label(kind: str, subkind: str, lang: str) -> str:
    return kind_name(subkind, lang) if kind == "register" else w(f"kind_{kind}", lang)


def _form(q: str, kind: str | None, lang: str) -> html.Form:
    fields = [html.Label(w("search_label", lang), htmlFor=ID_QUERY),
              dcc.Input(id=ID_QUERY, name="q", type="search", value=q, maxLength=MAX_SEARCH_LENGTH,
                        debounce=True, className="search-input"),
              html.Button(w("search_button", lang), type="submit")]
    if kind:
        fields.append(dcc.Input(type="hidden", name="kind", value=kind, id="search-kind"))
    if lang == "en":
        fields.append(dcc.Input(type="hidden", name="lang", value="en", id="search-lang"))
    return html.Form(fields, action=PATH, method="get", role="search", id=ID_FORM)


def results_block(q: str, kind: str | None, offset: int, lang: str) -> list:
    svc = services()
    public = svc.gate()  # the index is shared by everyone: built from the public gate only
    path = SearchIndex(svc.settings, svc.hooks).ensure(public)
    found = search(path, q, kind=kind, limit=PER_PAGE, offset=offset)
    if not found.total:
        return [html.P(w("no_results", lang))]
    filters = [html.Li(dcc.Link(f"{w(f'kind_{k}', lang)} ({n})", href=href(PATH, lang, q=q, kind=k)))
               for k, n in sorted(found.kinds.items())]
    hits = []
    for hit in found.hits:
        meta = [_kind_label(hit.kind, hit.subkind, lang), " · ", "中文" if hit.lang == "zh" else "English"]
        if hit.published:
            meta += [" · ", format_instant(parse_instant(hit.published), lang)]
        hits.append(html.Li([html.H3(dcc.Link(marked(hit.title, found.marks), href=href(hit.url, lang))),
                             html.P(meta, className="meta"), html.P(marked(hit.excerpt, found.marks))],
                            lang=hit.lang, className="search-hit"))
    pager = []
    if offset > 0:
        pager.append(dcc.Link(w("previous", lang), href=href(PATH, lang, q=q, kind=kind, offset=max(0, offset - PER_PAGE))))
    if offset + PER_PAGE < found.total:
        pager += [" ", dcc.Link(w("next", lang), href=href(PATH, lang, q=q, kind=kind, offset=offset + PER_PAGE))]
    return [html.P(w("results", lang, n=found.total), role="status"),
            html.Nav(html.Ul(filters, className="kind-list"), **{"aria-label": w("result_kinds", lang)}),
            html.Ol(hits, className="search-results", start=offset + 1), html.P(pager)]


def layout(lang: object = None, q: object = None, kind: object = None, offset: object = None,
           **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    query = clean_query(q)
    chosen = kind if isinstance(kind, str) and kind in SEARCH_KINDS else None
    start = int(offset) if isinstance(offset, str) and offset.isdigit() and int(offset) < 10_000 else 0
    body = [html.H1(w("search", lang)), html.P(w("search_hint", lang)), _form(query, chosen, lang)]
    if query:
        body.append(html.Section(results_block(query, chosen, start, lang), id=ID_RESULTS,
                                 **{"aria-label": w("search", lang)}))
    return page(lang, PATH, body, query={"q": query, "kind": chosen}, active=PATH)


def register_page() -> None:
    dash.register_page("register.search", path=PATH, layout=layout, title="站内搜索 · Search")
