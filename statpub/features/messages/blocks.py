"""What the board adds to the site's release, series and topic pages (`page_blocks` hook): the
FAQ, the latest published replies, and the form — a plain HTML form posted to `/messages`, so it
works without scripts. Pressing its button is the consent (the wording stands above it)."""

from __future__ import annotations

from dash import dcc, html

from statpub.features.messages import subjects, tokens
from statpub.features.messages.config import CATEGORIES
from statpub.features.messages.frame import pick
from statpub.features.messages.records import store_secret
from statpub.features.messages.service import Office
from statpub.features.messages.words import w
from statpub.kernel.errors import NotFound
from statpub.warehouse.gate import Gate

LATEST = 5


def _href(path: str, lang: str, **query: str) -> str:
    from urllib.parse import urlencode

    params = {**query, **({"lang": "en"} if lang == "en" else {})}
    return path + ("?" + urlencode(params) if params else "")


def blocks(office: Office, gate: Gate, lang: str, subject: str) -> list:
    try:
        subjects.resolve(gate, subject)
    except NotFound:
        return []
    kind, _, ident = subject.partition(":")
    entries = office.faq.entries(subject)[:LATEST]
    faq = [html.Article([html.H3(pick(x.question_zh, x.question_en, lang)),
                         html.P(pick(x.answer_zh, x.answer_en, lang)),
                         html.P(f"{w('last_reviewed', lang)}：{x.last_reviewed}", className="meta")])
           for x in entries] or [html.P(w("faq_none", lang))]
    _, replies = office.lists.published(about=subject, limit=LATEST)
    answered = [html.Article([html.H3(pick(r["question_zh"], r["question_en"], lang)),
                              html.P(pick(r["reply_zh"], r["reply_en"], lang)),
                              html.P(f"{w('department', lang)}：{r['department'] or ''} · {w('received_on', lang)}："
                                     f"{r['received_on']} · {w('answered_on', lang)}：{r['answered_on']}",
                                     className="meta")], className="reply")
                for r in replies] or [html.P(w("no_replies", lang))]
    return [
        html.Section(id="faq", children=[html.H2(w("faq", lang)), *faq,
                                         dcc.Link(w("faq", lang) + " →", href=_href(f"/faq/{kind}/{ident}", lang))]),
        html.Section(id="published-replies", children=[
            html.H2(w("published_replies", lang)), *answered,
            html.A(w("published_replies", lang) + " →", href=_href("/messages", lang, about=subject))]),
        html.Section(id="ask", children=[html.H2(w("ask", lang)), html.P(w("ask_intro", lang)),
                                         form(office, gate, lang, subject)]),
    ]


def form(office: Office, gate: Gate, lang: str, subject: str) -> html.Form:
    rules = office.rules.messages
    token = tokens.issue(store_secret(office.store, "form"), gate.now)
    hidden = [dcc.Input(type="hidden", name=name, value=value, id=f"ask-{name}")
              for name, value in (("about", subject), (tokens.TOKEN_FIELD, token), ("lang", lang))]
    return html.Form(action=_href("/messages", lang), method="post", className="message-form", children=[
        *hidden,
        html.Label(w("category", lang), htmlFor="ask-category"),
        html.Select(id="ask-category", name="category",
                    children=[html.Option(w(c, lang), value=c) for c in CATEGORIES]),
        html.Label(w("rating", lang), htmlFor="ask-rating"),
        html.Select(id="ask-rating", name="rating", children=[html.Option(w("no_rating", lang), value=""),
                                                               *(html.Option(str(n), value=str(n)) for n in range(1, 6))]),
        html.Label(w("text", lang), htmlFor="ask-text"),
        html.P(w("text_hint", lang, min=rules.text_min, max=rules.text_max), id="ask-text-hint", className="hint"),
        html.Textarea(id="ask-text", name="text", required=True, minLength=rules.text_min, maxLength=rules.text_max,
                      rows=5, **{"aria-describedby": "ask-text-hint"}),
        html.Label(w("contact", lang), htmlFor="ask-contact"),
        dcc.Input(id="ask-contact", name="contact", type="text", maxLength=rules.contact_max, autoComplete="email"),
        html.Div(className="honeypot", **{"aria-hidden": "true"}, children=[
            html.Label(w("website", lang), htmlFor="ask-website"),
            html.Textarea(id="ask-website", name=tokens.HONEYPOT_FIELD, tabIndex="-1", autoComplete="off", rows=1)]),
        html.P(w("consent", lang), id="ask-consent", className="hint"),
        html.Button(w("submit", lang), type="submit", name="consent", value="yes", className="button",
                    **{"aria-describedby": "ask-consent"}),
    ])
