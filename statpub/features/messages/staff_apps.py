"""Applications for government information on the site: the online form (`/applications/new`)
with its acknowledgement, and the staff pages — list (overdue first), intake of postal and
in-person applications, one application with its legal clock, log and actions, and its letters
(DOCX). Personal data is shown to the handling role only."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, redirect, request

from statpub.dashboards.components.publisher import publisher
from statpub.dashboards.services import services
from statpub.features.messages import tokens
from statpub.features.messages.board import HANDLERS
from statpub.features.messages.frame import e, frame, lang_of_request
from statpub.features.messages.letters import KINDS, letter_docx
from statpub.features.messages.outcomes import (
    APPLICANT_TYPES,
    CHANNELS,
    DELIVERY,
    FORMS,
    OUTCOMES,
    STATES,
)
from statpub.features.messages.public_web import office, same_origin
from statpub.features.messages.records import beijing_day, store_secret
from statpub.features.messages.staff_web import check_form, page, staff_reader, token_field
from statpub.features.messages.words import w
from statpub.kernel.errors import StatpubError, UserError

blueprint = Blueprint("messages_applications", __name__)
FIELDS = ("applicant_type", "applicant_name", "id_type", "id_number", "contact", "address", "description",
          "preferred_form", "preferred_channel")


def _select(name: str, table: dict, lang: str) -> str:
    options = "".join(f'<option value="{k}">{e(v[0] if lang == "zh" else v[1])}</option>' for k, v in table.items())
    return f'<select id="a-{name}" name="{name}">{options}</select>'


def application_form(action: str, lang: str, *, staff: bool = False) -> str:
    def field(name: str, zh: str, en: str, tag: str = "input") -> str:
        label = f'<label for="a-{name}">{e(zh if lang == "zh" else en)}</label>'
        if tag == "textarea":
            return label + f'<textarea id="a-{name}" name="{name}" required></textarea>'
        return label + f'<input id="a-{name}" name="{name}" required>'
    extra = ""
    if staff:
        extra = (f'<label for="a-channel">渠道 Channel</label>{_select("channel", {k: v for k, v in CHANNELS.items() if k != "online"}, lang)}'
                 '<label for="a-received_on">收到日期 Received on</label><input id="a-received_on" name="received_on" type="date" required>')
    # the public form's token is stateless (pages may be shared); staff intake uses the session's
    token = token_field() if staff else (f'<input type="hidden" name="token" value="'
                                         f'{e(tokens.issue(store_secret(office().store, "form"), services().clock.now()))}">')
    return (f'<form method="post" action="{e(action)}">{token}{extra}'
            f'<label for="a-applicant_type">申请人类型 Applicant type</label>{_select("applicant_type", APPLICANT_TYPES, lang)}'
            + field("applicant_name", "姓名或名称", "Name") + field("id_type", "证件类型", "ID type")
            + field("id_number", "证件号码", "ID number") + field("contact", "联系方式", "Contact")
            + field("address", "通信地址", "Postal address")
            + field("description", "所需信息的名称、文号或便于查询的其他特征描述", "The information asked for", "textarea")
            + f'<label for="a-preferred_form">获取信息的载体 Form</label>{_select("preferred_form", FORMS, lang)}'
            + f'<label for="a-preferred_channel">获取信息的方式 Channel</label>{_select("preferred_channel", DELIVERY, lang)}'
            + f'<div class="honeypot" aria-hidden="true"><label for="a-website">{e(w("website", lang))}</label>'
              f'<input id="a-website" name="website" tabindex="-1" autocomplete="off"></div>'
            + f'<p class="hint">{e(w("consent", lang))}</p><button type="submit">{e(w("submit", lang))}</button></form>')


@blueprint.get("/applications/new")
def new_application():
    lang = lang_of_request()
    return frame(w("apply", lang), application_form("/applications", lang), lang, private=True)


@blueprint.post("/applications")
def submit_application():
    lang = lang_of_request()
    svc = services()
    if not same_origin() or request.form.get("website") or not tokens.valid(
            store_secret(office().store, "form"), request.form.get("token"), svc.clock.now()):
        return frame(w("apply", lang), '<p role="alert" class="error">表单已过期或来源不符 · The form expired or was not '
                     'sent from this site.</p>' + application_form("/applications", lang), lang, status=400, private=True)
    try:
        found = office().applications.intake(svc.clock.now(), channel="online",
                                             **{k: request.form.get(k, "") for k in FIELDS})
    except StatpubError as exc:
        return frame(w("apply", lang), f'<p role="alert" class="error">{e(exc.message)}</p>'
                     + application_form("/applications", lang), lang, status=exc.status, private=True)
    due = found.clock.due.isoformat() if found.clock and found.clock.due else ""
    body = (f'<div class="ok" role="status"><p>{e(w("application_number", lang))}：<strong id="application-number">'
            f'{e(found.number)}</strong></p><p>{e(w("received_on", lang))}：{e(found.received_on)}</p>'
            f'<p>{e(w("due", lang))}：{e(due)}{e(w("provisional", lang)) if found.clock.provisional else ""}</p></div>')
    return frame(w("application_received", lang), body, lang, status=201, private=True)


@blueprint.get("/staff/applications")
def application_list():
    reader = staff_reader()
    today = beijing_day(services().clock.now())
    overdue = request.args.get("view") == "overdue"
    rows = office().applications.listing(reader, today, overdue=overdue)
    head = "".join(f'<th scope="col">{h}</th>' for h in ("编号 Number", "收到 Received", "状态 State", "期限 Due",
                                                         "申请人 Applicant"))
    body = "".join(
        f'<tr><th scope="row"><a href="/staff/applications/{e(a.number)}">{e(a.number)}</a></th>'
        f'<td>{e(a.received_on)}</td><td>{e(STATES[a.state][0])} {e(STATES[a.state][1])}</td>'
        f'<td>{e(a.clock.due or a.clock.paused or "—")}{" (provisional)" if a.clock.provisional else ""}</td>'
        f'<td>{e(a.applicant_name or "—")}</td></tr>' for a in rows)
    intake = (f"<h2>登记信函、当面申请 Enter a postal or in-person application</h2>"
              f"{application_form('/staff/applications', 'zh', staff=True)}" if reader.role in HANDLERS else "")
    return page("依申请公开 Applications", '<p><a href="/staff/applications">all</a> · <a href="/staff/applications?'
                f'view=overdue">overdue</a></p><table><caption>申请 Applications</caption><thead><tr>{head}</tr>'
                f"</thead><tbody>{body}</tbody></table>{intake}")


@blueprint.post("/staff/applications")
def staff_intake():
    reader = staff_reader()
    check_form()
    form = request.form
    try:
        received = date.fromisoformat(form.get("received_on", ""))
    except ValueError:
        raise UserError("received_on: a date (YYYY-MM-DD)") from None
    found = office().applications.intake(services().clock.now(), channel=form.get("channel", "post"), reader=reader,
                                         received_on=received, **{k: form.get(k, "") for k in FIELDS})
    return redirect(f"/staff/applications/{found.number}", code=303)


def _actions(number: str) -> str:
    outcomes = "".join(f'<option value="{k}">{e(v[0])} {e(v[1])}</option>' for k, v in OUTCOMES.items())
    grounds = '<option value="">—</option>' + "".join(
        f'<option value="{g}">{e(v[0])}</option>' for _, (_, _, gs) in OUTCOMES.items() for g, v in gs.items())
    actions = "".join(f'<option value="{a}">{a}</option>' for a in (
        "correction_requested", "corrected", "not_corrected", "consultation_started", "consultation_ended",
        "extended", "replied", "withdrawn"))
    return f"""<h2>办理 Act</h2><form method="post" action="/staff/applications/{e(number)}">{token_field()}
<label for="action">步骤 Step</label><select id="action" name="action">{actions}</select>
<label for="reason">理由 Why</label><input id="reason" name="reason" required>
<label for="on">生效日期 On (YYYY-MM-DD)</label><input id="on" name="on" type="date">
<label for="days">延期工作日 Extension days</label><input id="days" name="days" type="number" min="1" max="20">
<label for="outcome">答复类型 Reply type</label><select id="outcome" name="outcome">{outcomes}</select>
<label for="ground">理由类别 Ground</label><select id="ground" name="ground">{grounds}</select>
<button type="submit">提交 Submit</button></form>"""


@blueprint.get("/staff/applications/<number>")
def application_detail(number: str):
    reader = staff_reader()
    found = office().applications.get(number, reader, beijing_day(services().clock.now()))
    personal = "".join(f"<dt>{e(k)}</dt><dd>{e(getattr(found, k))}</dd>" for k in
                       ("applicant_name", "id_type", "id_number", "contact", "address")) if reader.role in HANDLERS else ""
    clock = found.clock.to_dict()
    facts = (f"<dl><dt>状态 State</dt><dd>{e(found.state)}</dd><dt>渠道 Channel</dt><dd>{e(found.channel)}</dd>"
             f"<dt>收到 Received</dt><dd>{e(found.received_on)}</dd><dt>答复期限 Due</dt><dd>{e(clock['due'] or clock['paused'] or '—')}"
             f"{' (provisional)' if clock['provisional'] else ''}</dd><dt>已用工作日 Working days used</dt>"
             f"<dd>{e(clock['used_days'])}</dd>{personal}<dt>所需信息 Information</dt><dd>{e(found.description)}</dd></dl>")
    log = "".join(f"<li>{e(ev['on_day'])} · {e(ev['actor'])} ({e(ev['role'])}) · {e(ev['action'])} · "
                  f"{e(ev['reason'])}</li>" for ev in found.events)
    letters = " · ".join(f'<a href="/staff/applications/{e(number)}/{k}.docx">{k}</a>' for k in KINDS)
    return page(f"申请 {found.number}", facts + f"<p>文书 Letters: {letters}</p>" + _actions(found.number)
                + f"<h2>记录 Log</h2><ol>{log}</ol>")


@blueprint.post("/staff/applications/<number>")
def application_action(number: str):
    reader = staff_reader()
    check_form()
    form, now = request.form, services().clock.now()
    try:
        on = date.fromisoformat(form["on"]) if form.get("on") else None
    except ValueError:
        raise UserError("on: a date (YYYY-MM-DD)") from None
    action = form.get("action", "")
    data: dict = {}
    if action == "extended":
        data = {"days": int(form.get("days") or 0), "notified_on": on or beijing_day(now)}
    elif action == "replied":
        data = {"outcome": form.get("outcome"), "ground": form.get("ground") or None}
    office().applications.act(number, action, reader, now, reason=form.get("reason", ""), on=on, **data)
    return redirect(f"/staff/applications/{number}", code=303)


@blueprint.get("/staff/applications/<number>/<kind>.docx")
def application_letter(number: str, kind: str):
    reader = staff_reader()
    now = services().clock.now()
    found = office().applications.get(number, reader, beijing_day(now))
    day = beijing_day(now)
    data = letter_docx(found, kind, publisher().office("zh"), f"{day.year}年{day.month}月{day.day}日")
    response = Response(data, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response.headers["Content-Disposition"] = f'attachment; filename="{number}-{kind}.docx"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
