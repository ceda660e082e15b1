"""`/staff/register` (and `?format=json`): the office's view of the register's deadlines — items
overdue, due (not yet public, with their due date in working days and what holds them back: an
approval, 三同步), survey projects and report systems lapsing soon or lapsed. Only for signed-in
staff (reviewers and responders, `current_reader()`); never cacheable. The same rows as
`statpub register --due`. Edits of the catalogue of matters and of the privacy rules that await
approval (`statpub approve --metadata`) are listed first, each field as the public sees it and as
the content holds it."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, redirect, request

from statpub.dashboards.services import current_reader, services
from statpub.features.register.deadlines import StaffRow, due_report, staff_rows
from statpub.features.register.words import bi, kind_name, w
from statpub.kernel.errors import StatpubError, UserError
from statpub.kernel.workdays import work_calendar
from statpub.warehouse.register_gate import STAFF_ROLES

blueprint = Blueprint("register_staff", __name__)
PATH = "/staff/register"
LOGIN_PATH = "/staff/login"  # the site's one sign-in for every role (the staff feature)
VIEWS = ("overdue", "due", "lapsing", "lapsed")
RULES_PENDING = {"zh": "隐私规则的修改待审核：更严格的部分已生效，放宽的部分审核后生效。",
                 "en": "The privacy rules were edited: what is stricter applies now, what is looser after approval."}


class StaffOnly(StatpubError):
    status = 403
    title = "Staff only"


def report_for_reader() -> tuple[dict[str, list[StaffRow]], dict]:
    """The deadline views and the catalogue's edits awaiting approval, for the signed-in staff."""
    reader = current_reader()
    if reader.role not in STAFF_ROLES or not reader.name:
        raise StaffOnly(f"staff only: sign in at {LOGIN_PATH} as a reviewer or responder")
    svc = services()
    gate = svc.gate(reader)
    state = gate.register.staff_state()
    rows = staff_rows(state, work_calendar(svc.settings.root), gate.now, gate.register.time_limit)
    return due_report(rows), awaiting_approval(gate.register)


def awaiting_approval(view) -> dict:
    """Matters (and the rules) whose content differs from the public version: field by field."""
    matters = []
    for content, public in view.pending_matters():
        before = public.data if public is not None else {}
        changed = sorted(k for k in set(content.data) | set(before) if content.data.get(k) != before.get(k))
        matters.append({"matter": content.id, "new": public is None, "fields": changed,
                        "public": {k: before.get(k) for k in changed}, "content": {k: content.data.get(k) for k in changed}})
    return {"matters": matters, "rules": view.rules_pending(), "approve": "statpub approve --metadata"}


def _value(value, lang: str) -> str:
    if isinstance(value, dict) and set(value) == {"zh", "en"}:
        return escape(bi(value, lang))
    return escape("—" if value is None else str(value))


def _awaiting_html(awaiting: dict, lang: str) -> str:
    if not awaiting["matters"] and not awaiting["rules"]:
        return ""
    title = bi({"zh": "目录修改待审核（审核前公众仍看到已审核的版本）",
                "en": "Catalogue edits awaiting approval (the public sees the approved version until then)"}, lang)
    rows = []
    for entry in awaiting["matters"]:
        for name in entry["fields"]:
            rows.append(f'<tr><th scope="row"><code>{escape(entry["matter"])}</code></th><td>{escape(name)}</td>'
                        f'<td>{_value(entry["public"][name], lang)}</td><td>{_value(entry["content"][name], lang)}</td>'
                        "</tr>")
    head = "".join(f'<th scope="col">{escape(bi(t, lang))}</th>' for t in (
        {"zh": "事项", "en": "Matter"}, {"zh": "字段", "en": "Field"}, {"zh": "公开版本", "en": "Public"},
        {"zh": "待审核版本", "en": "Awaiting approval"}))
    rules = f"<p>{escape(bi(RULES_PENDING, lang))}</p>" if awaiting["rules"] else ""
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>" if rows else ""
    return (f'<section id="catalogue-awaiting"><h2>{escape(title)}</h2>{table}{rules}'
            f"<p><code>{escape(awaiting['approve'])}</code></p></section>")


def _rows_html(rows: list[StaffRow], lang: str) -> str:
    if not rows:
        return "<p>—</p>"
    head = "".join(f'<th scope="col">{escape(w(k, lang))}</th>' for k in
                   ("title", "items", "changed", "due", "status", "valid_until"))
    body = []
    for row in rows:
        v, when = row.version, row.timeliness
        due = when.due.isoformat() + (escape(w("provisional", lang)) if when.provisional else "")
        state = escape(w(when.state, lang)) + (f"<br><small>{escape(row.why)}</small>" if row.why else "")
        body.append(f'<tr><th scope="row">{escape(v.title(lang))}<br><code>{escape(v.item_id)}</code></th>'
                    f"<td>{escape(kind_name(v.kind, lang))}</td><td>{when.counts_from.isoformat()}</td>"
                    f"<td>{due}</td><td>{state}</td><td>{escape(v.data.get('valid_until') or '—')}</td></tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


@blueprint.get(PATH)
def staff_register() -> Response:
    unknown = sorted(set(request.args) - {"lang", "format"})
    if unknown:
        raise UserError(f"{unknown[0]}: unknown parameter")
    if not current_reader().name and request.args.get("format") != "json":
        # Nobody signed in: the sign-in page, coming back here (a signed-in press account is refused).
        return redirect(f"{LOGIN_PATH}?{urlencode({'next': PATH})}", code=303)
    report, awaiting = report_for_reader()
    lang = "en" if request.args.get("lang") == "en" else "zh"
    if request.args.get("format") == "json":
        response = jsonify({**{view: [r.to_dict() for r in report[view]] for view in VIEWS},
                            "catalogue_awaiting_approval": awaiting})
    else:
        titles = {"overdue": bi({"zh": "已逾期未公开", "en": "Overdue"}, lang),
                  "due": bi({"zh": "待公开", "en": "Due"}, lang),
                  "lapsing": bi({"zh": "即将到期", "en": "Lapsing soon"}, lang),
                  "lapsed": bi({"zh": "已失效", "en": "Lapsed"}, lang)}
        sections = _awaiting_html(awaiting, lang) + "".join(f'<section><h2>{escape(titles[v])}（{len(report[v])}）</h2>{_rows_html(report[v], lang)}'
                           "</section>" for v in VIEWS)
        html = (f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
                f"<title>{escape(w('staff_register', lang))}</title><style>table{{border-collapse:collapse}}"
                "th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left}</style></head><body><main>"
                f"<h1>{escape(w('staff_register', lang))}</h1>{sections}</main></body></html>")
        response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers.add("Vary", "Cookie")
    return response
