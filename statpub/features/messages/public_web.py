"""The public side of the board on the site's server: the form (posted from release, series and
topic pages, or its own page), the receipt with query code and due date, the status page, the
searchable list of published replies, FAQ pages and the statistics page.

Anti-abuse without third parties: the form token (CSRF, `tokens`), a honeypot field, the same-origin
check, size limits (the site refuses bodies over 1 MiB; fields are bounded here), duplicate
detection and per-client rate limits (`Board.submit`)."""

from __future__ import annotations

import re

from flask import Blueprint, Response, request

from statpub.dashboards.services import services
from statpub.features.messages import subjects, tokens
from statpub.features.messages.board import TooMany
from statpub.features.messages.config import CATEGORIES
from statpub.features.messages.frame import e, frame, lang_of_request, link, pager, paragraphs, pick
from statpub.features.messages.records import client_hash, store_secret
from statpub.features.messages.service import Office
from statpub.features.messages.stats import board_statistics, first_message_year
from statpub.features.messages.stats_page import statistics_html
from statpub.features.messages.words import w
from statpub.kernel.clock import beijing
from statpub.kernel.errors import NotFound, StatpubError, UserError

blueprint = Blueprint("messages_public", __name__)
FORM_FIELDS_MAX = 20000  # characters of all fields together (the site caps bodies at 1 MiB)


def office() -> Office:
    return Office(services().settings)


def same_origin() -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") == request.host_url.rstrip("/")


def form_html(about: str, lang: str, token: str, values: dict | None = None, error: str = "") -> str:
    """The message form (also built as Dash components for the site's pages: `blocks`)."""
    values = values or {}
    rules = office().rules.messages
    chosen = values.get("category", "consultation")
    options = "".join(f'<option value="{c}"{" selected" if c == chosen else ""}>{e(w(c, lang))}</option>'
                      for c in CATEGORIES)
    ratings = "".join(f'<option value="{n}"{" selected" if str(values.get("rating")) == str(n) else ""}>{n}</option>'
                      for n in range(1, 6))
    alert = f'<p role="alert" class="error">{e(error)}</p>' if error else ""
    return f"""{alert}<form method="post" action="{link('/messages', lang)}" class="message-form">
<input type="hidden" name="about" value="{e(about)}"><input type="hidden" name="{tokens.TOKEN_FIELD}" value="{e(token)}">
<input type="hidden" name="lang" value="{e(lang)}">
<label for="m-category">{e(w("category", lang))}</label><select id="m-category" name="category">{options}</select>
<label for="m-rating">{e(w("rating", lang))}</label><select id="m-rating" name="rating">
<option value="">{e(w("no_rating", lang))}</option>{ratings}</select>
<label for="m-text">{e(w("text", lang))}</label>
<p class="hint" id="m-text-hint">{e(w("text_hint", lang, min=rules.text_min, max=rules.text_max))}</p>
<textarea id="m-text" name="text" required minlength="{rules.text_min}" maxlength="{rules.text_max}"
 aria-describedby="m-text-hint">{e(values.get("text", ""))}</textarea>
<label for="m-contact">{e(w("contact", lang))}</label>
<input id="m-contact" name="contact" maxlength="{rules.contact_max}" autocomplete="email" value="{e(values.get("contact", ""))}">
<div class="honeypot" aria-hidden="true"><label for="m-website">{e(w("website", lang))}</label>
<input id="m-website" name="{tokens.HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<p><input type="checkbox" id="m-consent" name="consent" value="yes" required>
<label for="m-consent" style="display:inline;font-weight:400">{e(w("consent", lang))}</label></p>
<button type="submit">{e(w("submit", lang))}</button></form>"""


def issue_token() -> str:
    return tokens.issue(store_secret(office().store, "form"), services().clock.now())


@blueprint.get("/messages/new")
def new_message():
    lang = lang_of_request()
    about = request.args.get("about", "")
    subjects.resolve(services().gate(), about)
    title = f"{w('ask', lang)}：{subjects.title(services().gate(), about, lang)}"
    return frame(title, form_html(about, lang, issue_token()), lang, private=True)


@blueprint.post("/messages")
def post_message():
    form = request.form
    lang = "en" if form.get("lang") == "en" else "zh"
    about = form.get("about", "")
    values = {k: form.get(k, "")[:FORM_FIELDS_MAX] for k in ("category", "rating", "text", "contact")}
    svc = services()
    gate = svc.gate()
    subject = subjects.resolve(gate, about)
    now = svc.clock.now()
    secret = store_secret(office().store, "form")

    def again(message: str, status: int) -> Response:
        body = form_html(about, lang, tokens.issue(secret, now), values, message)
        return frame(w("ask", lang), body, lang, status=status, private=True)

    if not same_origin() or not tokens.valid(secret, form.get(tokens.TOKEN_FIELD), now):
        return again("表单已过期或来源不符，请重新提交 · The form expired or was not sent from this site: send it again.", 400)
    if form.get(tokens.HONEYPOT_FIELD):
        return again("无法受理 · This could not be accepted.", 400)
    if form.get("consent") != "yes":
        return again("请确认同意声明 · Please confirm the consent statement.", 400)
    rating = int(values["rating"]) if values["rating"].isdigit() else None
    try:
        message = office().board.submit(
            subject, values["category"], values["text"], rating=rating if values["category"] == "evaluation" else None,
            contact=values["contact"], lang=lang, client_hash=client_hash(store_secret(office().store, "client"),
                                                                            request.remote_addr or "-"), now=now)
    except TooMany as exc:
        response = again(exc.message, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except StatpubError as exc:
        return again(exc.message, exc.status)
    return frame(w("received_title", lang), receipt_html(message, lang), lang, status=201, private=True)


def receipt_html(message, lang: str) -> str:
    provisional = w("provisional", lang) if message.due_provisional else ""
    return (f'<div class="ok" role="status"><p>{e(w("your_code", lang))}：<strong id="query-code">{e(message.code)}'
            f'</strong></p><p>{e(w("due", lang))}：<time id="due-date" datetime="{e(message.due_on)}">'
            f'{e(message.due_on)}</time>{e(provisional)}</p><p>{e(w("keep_code", lang))}</p></div>'
            f'<p><a href="{link("/messages/" + message.code, lang)}">{e(w("query_status", lang))}</a></p>')


@blueprint.get("/messages/<code>")
def message_status(code: str):
    lang = lang_of_request()
    message = office().board.get(code)
    status = message.public_status()
    gate = services().gate()
    rows = [("your_code", message.code), ("about", subjects.title(gate, message.about, lang)),
            ("category", w(message.category, lang)), ("status", w(message.status, lang)),
            ("received_on", message.received_on),
            ("due", message.due_on + (w("provisional", lang) if message.due_provisional else ""))]
    body = "<dl>" + "".join(f"<dt>{e(w(k, lang))}</dt><dd>{e(v)}</dd>" for k, v in rows) + "</dl>"
    body += f'<h2>{e(w("text", lang))}</h2><div class="reply">{paragraphs(message.text)}</div>'
    if "reason" in status:
        body += f'<h2>{e(w("reason", lang))}</h2>{paragraphs(pick(message.reason_zh, message.reason_en, lang))}'
    if "reply" in status:
        body += (f'<h2>{e(w("reply", lang))}</h2><div class="reply">{paragraphs(pick(message.reply_zh, message.reply_en, lang))}'
                 f'<p class="meta">{e(w("department", lang))}：{e(message.department)} · '
                 f'{e(w("answered_on", lang))}：{e(message.answered_on)}</p></div>')
    return frame(f"{w('query_status', lang)} {message.code}", body, lang, private=True)


def reply_item(row: dict, lang: str, gate) -> str:
    about = row["about"]
    return (f'<article class="reply"><h2>{e(pick(row["question_zh"], row["question_en"], lang))}</h2>'
            f'{paragraphs(pick(row["reply_zh"], row["reply_en"], lang))}'
            f'<p class="meta">{e(w("about", lang))}：<a href="{link(subjects.path(about), lang)}">'
            f'{e(subjects.title(gate, about, lang))}</a> · {e(w("department", lang))}：{e(row["department"])} · '
            f'{e(w("received_on", lang))}：{e(row["received_on"])} · {e(w("answered_on", lang))}：'
            f'{e(row["answered_on"])}</p></article>')


def _int(name: str, default: int, upper: int) -> int:
    text = request.args.get(name, "")
    if not text:
        return default
    if not text.isdigit() or int(text) > upper:
        raise UserError(f"{name}: a whole number up to {upper}")
    return int(text)


@blueprint.get("/messages")
def published_list():
    lang = lang_of_request()
    q = request.args.get("q", "")[:100]
    about = request.args.get("about") or None
    if about is not None and not subjects.ABOUT_RE.match(about):
        raise UserError("about: release:<id>, series:<code> or topic:<code>")
    offset, limit = _int("offset", 0, 100000), 20
    total, rows = office().lists.published(about=about, q=q, limit=limit, offset=offset)
    gate = services().gate()
    search = (f'<form method="get" action="/messages" role="search"><label for="q">{e(w("search_label", lang))}</label>'
              f'<input id="q" name="q" value="{e(q)}" maxlength="100">'
              + ('<input type="hidden" name="lang" value="en">' if lang == "en" else "")
              + (f'<input type="hidden" name="about" value="{e(about)}">' if about else "")
              + f' <button type="submit">{e(w("search", lang))}</button></form>')
    items = "".join(reply_item(r, lang, gate) for r in rows) or f"<p>{e(w('no_replies', lang))}</p>"
    nav = [(w("statistics", lang), "/messages/statistics"), (w("apply", lang), "/applications/new")]
    return frame(w("published_replies", lang), search + items + pager(total, offset, limit, lang, q=q, about=about),
                 lang, nav=nav)


@blueprint.get("/faq/<kind>/<ident>")
def faq_page(kind: str, ident: str):
    lang = lang_of_request()
    about = f"{kind}:{ident}"
    gate = services().gate()
    subjects.resolve(gate, about)
    entries = office().faq.entries(about)
    body = "".join(faq_item(entry, lang) for entry in entries) or f"<p>{e(w('faq_none', lang))}</p>"
    body += f'<p><a href="{link(subjects.path(about), lang)}">{e(subjects.title(gate, about, lang))}</a></p>'
    return frame(f"{w('faq', lang)}：{subjects.title(gate, about, lang)}", body, lang)


def faq_item(entry, lang: str) -> str:
    sources = "".join(f'<li>{e(t)}' + (f' <a href="{e(a)}">{e(a)}</a>' if a else "") + "</li>"
                      for t, a in entry.source_lines())
    cites = ", ".join(f'<a href="{link("/messages/" + c, lang)}">{e(c)}</a>' for c in entry.citations)
    return (f'<article class="reply" id="faq-{e(entry.id)}"><h2>{e(w("question", lang))}：'
            f'{e(pick(entry.question_zh, entry.question_en, lang))}</h2>'
            f'<h3>{e(w("answer", lang))}</h3>{paragraphs(pick(entry.answer_zh, entry.answer_en, lang))}'
            + (f'<h3>{e(w("sources", lang))}</h3><ul>{sources}</ul>' if sources else "")
            + f'<p class="meta">{e(w("last_reviewed", lang))}：{e(entry.last_reviewed)}'
            + (f' · {e(w("from_messages", lang))}：{cites}' if cites else "") + "</p></article>")


PERIOD = re.compile(r"\d{4}(-(0[1-9]|1[0-2]))?")  # a year or a month of the statistics


@blueprint.get("/messages/statistics")
def statistics_page():
    lang = lang_of_request()
    this_year = beijing(services().clock.now()).year
    period = request.args.get("period") or str(this_year)
    found = office()
    first_year = first_message_year(found.store) or this_year
    # Statistics exist only for the years that have been: no link (nor address) leads past them.
    if not PERIOD.fullmatch(period) or not first_year <= int(period[:4]) <= this_year:
        not_found_page()
    stats = board_statistics(found.store, found.calendar, period)
    years = range(first_year, this_year + 1)
    return frame(f"{w('statistics', lang)} {period}", statistics_html(stats, lang, years), lang)


def not_found_page() -> None:
    raise NotFound(subjects.NOT_FOUND)
