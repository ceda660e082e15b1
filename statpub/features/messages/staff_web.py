"""The office's side of the board on the site: `/staff/messages` (open, overdue, due soon, all;
clusters), one message with its log and the actions the reader's role allows, and FAQ editing.

Who is asking comes from the site (`current_reader()`: the accounts feature's session); the
role decides (`board.require`): responders handle messages and see contact data, reviewers
approve replies. Every form carries the site's anti-forgery token (`statpub.dashboards.csrf`,
bound to the staff session) and must come from this site. Nothing here is
cacheable."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from statpub.dashboards import csrf
from statpub.dashboards.services import current_reader, services
from statpub.features.messages.board import HANDLERS, REVIEWERS, STAFF, Forbidden
from statpub.features.messages.frame import e, frame, lang_of_request, link, pager, paragraphs
from statpub.features.messages.jobs import latest_summary
from statpub.features.messages.public_web import office, same_origin
from statpub.features.messages.records import beijing_day
from statpub.features.messages.stats import clusters
from statpub.kernel.errors import UserError

blueprint = Blueprint("messages_staff", __name__)
LOGIN_PATH = "/staff/login"  # the site's one sign-in for every role (the staff feature)
CSRF_PURPOSE = "messages.staff"
VIEWS = ("open", "overdue", "due_soon", "all")
STAFF_NAV = [("留言 Messages", "/staff/messages"), ("申请 Applications", "/staff/applications"),
             ("常见问题 FAQ", "/staff/faq")]


def staff_reader():
    reader = current_reader()
    if reader.role not in STAFF or not reader.name:
        raise Forbidden(f"staff only: sign in at {LOGIN_PATH}")
    return reader


def token_field() -> str:
    """The site's anti-forgery token, bound to this staff session (a token copied from another
    session, or from a page shown before signing in, is refused)."""
    return csrf.hidden_field(CSRF_PURPOSE)


def check_form() -> None:
    if not same_origin():
        raise Forbidden("the form expired or was not sent from this site")
    csrf.check(CSRF_PURPOSE)


def _offset() -> int:
    raw = request.args.get("offset", "0")
    if not raw.isdigit() or int(raw) > 1_000_000:
        raise UserError("offset: a whole number from 0 to 1000000")
    return int(raw)


def page(title: str, body: str, status: int = 200) -> Response:
    return frame(title, body, lang_of_request(), status=status, private=True, nav=STAFF_NAV)


@blueprint.get("/staff/messages")
def message_list():
    reader = staff_reader()
    view = request.args.get("view", "open")
    if view not in VIEWS:
        raise UserError(f"view: one of {', '.join(VIEWS)}")
    found = office()
    today = beijing_day(services().clock.now())
    found.lists.refresh_due_dates(services().clock.now())
    offset, limit = _offset(), 100
    total, rows = found.lists.staff_list(reader, today, open_only=view == "open", overdue=view == "overdue",
                                         due_soon=view == "due_soon", limit=limit, offset=offset)
    views = " · ".join(f'<a href="/staff/messages?view={v}">{e(v)}</a>' for v in VIEWS)
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in ("查询码 Code", "涉及 About", "类别 Category", "状态 Status",
                                                            "收到 Received", "期限 Due", "承办 Assignee", "答复 Reply"))
    body = "".join(
        f'<tr><th scope="row"><a href="/staff/messages/{e(r.code)}">{e(r.code)}</a></th><td>{e(r.about)}</td>'
        f'<td>{e(r.category)}</td><td>{e(r.status)}</td><td>{e(r.received_on)}</td>'
        f'<td>{e(r.due_on)}{" (provisional)" if r.due_provisional else ""}'
        f'{" <strong>overdue 已超期</strong>" if r.overdue else ""}{" due soon 即将到期" if r.due_soon else ""}</td>'
        f'<td>{e(r.assignee or "")}</td><td>{e(r.reply_state)}</td></tr>' for r in rows)
    flagged = [c for c in clusters(found.store, found.rules.messages, today) if c.flagged]
    cluster_html = "".join(f'<li>{e(c.topic)}: {len(c.codes)} — {e(c.sample)} — <strong>{e(c.to_dict()["suggestion"])}'
                           f'</strong> ({", ".join(e(x) for x in c.codes[:10])})</li>' for c in flagged)
    return page(f"留言办理 Messages ({e(view)})",
                f"<p>{views}</p><p>{e(reader.name)} ({e(reader.role)}) · {total}</p>"
                + summary_html(latest_summary(found.store))
                + f'<table><caption>留言 Messages</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
                + pager(total, offset, limit, lang_of_request(), view=view)
                + (f"<h2>聚类 Clusters</h2><ul>{cluster_html}</ul>" if cluster_html else ""))


def summary_html(body: dict | None) -> str:
    """The daily summary the scheduler kept (counts and codes only)."""
    if body is None:
        return ""
    apps = body["applications"]
    overdue = ", ".join(f'<a href="/staff/messages/{e(m["code"])}">{e(m["code"])}</a>' for m in body["overdue"][:20])
    late_apps = ", ".join(f'<a href="/staff/applications/{e(a["number"])}">{e(a["number"])}</a>'
                          for a in apps["overdue"][:20])
    facts = [("已超期留言 Messages overdue", f'{len(body["overdue"])} {overdue}'),
             ("即将到期留言 Messages due soon", str(len(body["due_soon"]))),
             ("待审核答复 Replies awaiting review", str(body["awaiting_review"])),
             ("已超期申请 Applications overdue", f'{len(apps["overdue"])} {late_apps}'),
             ("即将到期申请 Applications due soon", str(len(apps["due_soon"])))]
    items = "".join(f"<dt>{e(label)}</dt><dd>{value}</dd>" for label, value in facts)  # values escaped above
    return (f'<section id="daily-summary" aria-labelledby="daily-summary-title"><h2 id="daily-summary-title">'
            f'每日摘要 Daily summary {e(body["date"])}</h2><dl>{items}</dl></section>')


def _action_forms(message, reader) -> str:
    code = e(message.code)
    forms = []
    if reader.role in HANDLERS and message.status in ("received", "assigned"):
        forms.append(f"""<h2>分派 Assign</h2><form method="post" action="/staff/messages/{code}">{token_field()}
<input type="hidden" name="action" value="assign"><label for="assignee">承办人 Assignee</label>
<input id="assignee" name="assignee" value="{e(message.assignee or reader.name)}" required>
<label for="department">部门 Department</label><input id="department" name="department" value="{e(message.department or "")}" required>
<button type="submit">分派 Assign</button></form>
<h2>答复 Reply (送审 sent for review)</h2><form method="post" action="/staff/messages/{code}">{token_field()}
<input type="hidden" name="action" value="reply">
<label for="question_zh">公开的问题（隐私处理后）Question as published</label><textarea id="question_zh" name="question_zh">{e(message.question_zh or "")}</textarea>
<label for="question_en">Question (English)</label><textarea id="question_en" name="question_en">{e(message.question_en or "")}</textarea>
<label for="reply_zh">答复 Reply</label><textarea id="reply_zh" name="reply_zh" required>{e(message.reply_zh or "")}</textarea>
<label for="reply_en">Reply (English)</label><textarea id="reply_en" name="reply_en">{e(message.reply_en or "")}</textarea>
<p><input type="checkbox" id="publish" name="publish" value="yes"><label for="publish" style="display:inline">公开答复 Publish</label></p>
<button type="submit">送审 Send for review</button></form>
<h2>不予受理 Not accepted</h2><form method="post" action="/staff/messages/{code}">{token_field()}
<input type="hidden" name="action" value="not_accept"><label for="reason_zh">理由 Reason</label>
<input id="reason_zh" name="reason_zh" required><label for="reason_en">Reason (English)</label><input id="reason_en" name="reason_en">
<button type="submit">不予受理 Not accept</button></form>""")
    if reader.role in REVIEWERS and message.reply_state == "submitted":
        forms.append(f"""<h2>审核 Review</h2><form method="post" action="/staff/messages/{code}">{token_field()}
<input type="hidden" name="action" value="review"><label for="note">意见 Note</label><input id="note" name="note">
<button type="submit" name="decision" value="approve">批准 Approve</button>
<button type="submit" name="decision" value="return">退回 Return</button></form>""")
    if reader.role in HANDLERS and message.status == "answered":
        forms.append(f"""<form method="post" action="/staff/messages/{code}">{token_field()}
<input type="hidden" name="action" value="close"><button type="submit">办结 Close</button></form>""")
    return "".join(forms)


@blueprint.get("/staff/messages/<code>")
def message_detail(code: str):
    reader = staff_reader()
    message = office().board.for_staff(code, reader)
    contact = (f"<dt>联系方式 Contact</dt><dd>{e(message.contact or '—')}</dd>" if reader.role in HANDLERS else "")
    facts = (f"<dl><dt>涉及 About</dt><dd>{e(message.about)}</dd><dt>类别 Category</dt><dd>{e(message.category)}"
             f"{' ★' + e(message.rating) if message.rating else ''}</dd><dt>状态 Status</dt><dd>{e(message.status)} / "
             f"{e(message.reply_state)}</dd><dt>期限 Due</dt><dd>{e(message.due_on)}"
             f"{' 暂定 (provisional: holidays of that year not entered yet)' if message.due_provisional else ''}"
             f"</dd>{contact}</dl>")
    log = "".join(f"<li>{e(ev['at'])} · {e(ev['actor'])} ({e(ev['role'])}) · {e(ev['action'])}"
                  f"{' · ' + e(ev['note']) if ev['note'] else ''}</li>" for ev in message.events)
    draft = ""
    if message.reply_zh:
        draft = (f"<h2>答复稿 Draft reply ({e(message.reply_state)})</h2><h3>{e(message.question_zh or '')}</h3>"
                 f'<div class="reply">{paragraphs(message.reply_zh)}{paragraphs(message.reply_en)}</div>')
    return page(f"留言 {message.code}", facts + f'<h2>留言 Message</h2><div class="reply">{paragraphs(message.text)}</div>'
                + draft + _action_forms(message, reader) + f"<h2>记录 Log</h2><ol>{log}</ol>")


@blueprint.post("/staff/messages/<code>")
def message_action(code: str):
    reader = staff_reader()
    check_form()
    form, board, now = request.form, office().board, services().clock.now()
    action = form.get("action")
    if action == "assign":
        board.assign(code, reader, now, assignee=form.get("assignee", ""), department=form.get("department", ""))
    elif action == "reply":
        board.draft_reply(code, reader, now, question_zh=form.get("question_zh", ""), reply_zh=form.get("reply_zh", ""),
                          question_en=form.get("question_en", ""), reply_en=form.get("reply_en", ""),
                          publish=form.get("publish") == "yes")
    elif action == "review":
        board.review(code, reader, now, approve=form.get("decision") == "approve", note=form.get("note", ""))
    elif action == "not_accept":
        board.not_accept(code, reader, now, reason_zh=form.get("reason_zh", ""), reason_en=form.get("reason_en", ""))
    elif action == "close":
        board.close(code, reader, now)
    else:
        raise UserError("action: assign, reply, review, not_accept or close")
    return redirect(f"/staff/messages/{code}", code=303)


@blueprint.get("/staff/faq")
def faq_editor():
    reader = staff_reader()
    found = office()
    scopes = "".join(f'<li><a href="{link("/faq/" + s.replace(":", "/"), "zh")}">{e(s)}</a> ({n})</li>'
                     for s, n in found.faq.scopes())
    form = "" if reader.role not in HANDLERS else f"""<h2>新增或修改 Add or edit</h2>
<form method="post" action="/staff/faq">{token_field()}
<label for="entry_id">编号（修改时填写）Entry id (to edit)</label><input id="entry_id" name="entry_id">
<label for="scope">范围 Scope (topic:economy, release:…, series:…)</label><input id="scope" name="scope" required>
<label for="fq_zh">问题 Question</label><input id="fq_zh" name="question_zh" required>
<label for="fq_en">Question (English)</label><input id="fq_en" name="question_en">
<label for="fa_zh">解答 Answer</label><textarea id="fa_zh" name="answer_zh" required></textarea>
<label for="fa_en">Answer (English)</label><textarea id="fa_en" name="answer_en"></textarea>
<label for="sources">来源 Sources (title and address, one per line)</label><textarea id="sources" name="sources"></textarea>
<label for="cites">引用的留言 Messages cited (query codes, comma separated)</label><input id="cites" name="cites">
<button type="submit">保存 Save</button></form>"""
    return page("常见问题 FAQ", f"<ul>{scopes}</ul>{form}")


@blueprint.post("/staff/faq")
def faq_save():
    reader = staff_reader()
    check_form()
    form = request.form
    entry = office().faq.save(reader, services().clock.now(), scope=form.get("scope", ""),
                              question_zh=form.get("question_zh", ""), answer_zh=form.get("answer_zh", ""),
                              question_en=form.get("question_en", ""), answer_en=form.get("answer_en", ""),
                              sources=form.get("sources", ""), cites=form.get("cites", "").replace("，", ",").split(","),
                              entry_id=form.get("entry_id") or None)
    return redirect(f"/faq/{entry.scope_kind}/{entry.scope_id}#faq-{entry.id}", code=303)
